/**
 * Each council's share of a period's costs, from the issued runs of the pools a person may see: the
 * figures (pure, in pence, so the table adds up exactly) and a stacked bar chart of them, one bar a
 * council and one colour a pool, drawn by the platform's chart helper as accessible SVG.
 */
import { stackedBarChartSvg } from '../platform/index.ts';
import { formatPounds } from './money.ts';
import { percentOf } from './percent.ts';
import type { RunView } from './recharge.service.ts';

/** Colours with at least 3:1 contrast against white, one a pool (repeating after eight). */
export const POOL_COLOURS = [
  '#1d70b8',
  '#00703c',
  '#d4351c',
  '#912b88',
  '#b1550e',
  '#505a5f',
  '#003078',
  '#6f4e00',
];

export interface CouncilShares {
  pools: Array<{ id: number; name: string; colour: string; totalPence: bigint }>;
  rows: Array<{ council: string; gss: string | null; byPool: Map<number, bigint>; totalPence: bigint }>;
  totalPence: bigint;
}

/** What each council is charged for the period by the issued runs among `runs`, largest first. */
export function councilShares(runs: readonly RunView[]): CouncilShares {
  const issued = runs.filter((r) => r.state === 'issued');
  const pools = new Map<number, CouncilShares['pools'][number]>();
  const rows = new Map<string, CouncilShares['rows'][number]>();
  for (const run of issued) {
    const pool = pools.get(run.pool.id) ?? {
      id: run.pool.id,
      name: run.pool.name,
      colour: POOL_COLOURS[pools.size % POOL_COLOURS.length]!,
      totalPence: 0n,
    };
    pools.set(run.pool.id, pool);
    for (const line of run.lines) {
      const key = line.gss ?? line.name;
      const row = rows.get(key) ?? { council: line.name, gss: line.gss, byPool: new Map(), totalPence: 0n };
      row.byPool.set(run.pool.id, (row.byPool.get(run.pool.id) ?? 0n) + line.amountPence);
      row.totalPence += line.amountPence;
      pool.totalPence += line.amountPence;
      rows.set(key, row);
    }
  }
  const sorted = [...rows.values()].sort((a, b) =>
    a.totalPence === b.totalPence ? a.council.localeCompare(b.council) : a.totalPence > b.totalPence ? -1 : 1,
  );
  return {
    pools: [...pools.values()],
    rows: sorted,
    totalPence: sorted.reduce((s, r) => s + r.totalPence, 0n),
  };
}

/** A sentence that says what the chart shows. */
export function sharesSentence(shares: CouncilShares, period: string): string {
  const [top] = shares.rows;
  if (!top) return `No recharges have been issued for ${period} yet, so no council has been charged.`;
  return (
    `${top.council} is charged the most for ${period}: ${formatPounds(top.totalPence)} of ` +
    `${formatPounds(shares.totalPence)} (${percentOf(top.totalPence, shares.totalPence)}) across ` +
    `${shares.pools.length === 1 ? 'one pool' : `${shares.pools.length} pools`} with issued recharges.`
  );
}

export async function sharesChartSvg(shares: CouncilShares, period: string): Promise<string | null> {
  if (shares.rows.length === 0) return null;
  return stackedBarChartSvg({
    id: 'council-shares',
    title: `Each council's share of the costs, ${period}`,
    description: sharesSentence(shares, period),
    categoryLabel: 'Council',
    valueLabel: 'Charged (pounds)',
    series: shares.pools.map((p) => ({ key: String(p.id), label: p.name, colour: p.colour })),
    rows: shares.rows.map((r) => ({
      category: r.council,
      values: Object.fromEntries([...r.byPool].map(([id, pence]) => [String(id), Number(pence) / 100])),
    })),
  });
}
