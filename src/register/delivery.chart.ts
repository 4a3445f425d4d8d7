/**
 * How each member delivers its services, counted by delivery mode: a stacked bar chart drawn by the
 * platform's chart helper, the same numbers as a table, and a sentence that says what they show.
 */
import { stackedBarChartSvg } from '../platform/index.ts';
import { formatDate } from '../platform/index.ts';
import type { Matrix } from './register.service.ts';
import {
  DELIVERY_MODES,
  DELIVERY_MODE_CODES,
  type Arrangement,
  type DeliveryMode,
  type PartnershipMember,
} from './register.types.ts';

/** One colour per delivery mode, each at least 3:1 against white and distinct from its neighbours. */
export const MODE_COLOURS: Record<DeliveryMode, string> = {
  retained: '#505a5f',
  shared_venture: '#1d70b8',
  lead_authority: '#00703c',
  outsourced: '#d4351c',
  devolved_parish: '#912b88',
  joint_team: '#b1550e',
};

export interface DeliveryCounts {
  modes: Array<{ mode: DeliveryMode; label: string; code: string; colour: string }>;
  rows: Array<{ member: string; counts: Record<DeliveryMode, number>; total: number }>;
  /** How many services the partnership's matrix lists. */
  services: number;
}

export interface DeliveryChart extends DeliveryCounts {
  svg: string;
  /** What the chart shows, in a sentence or two. */
  summary: string;
}

/** Counts, per member, the services in force in each delivery mode (pure: the table's numbers). */
export function deliveryCounts(matrix: Matrix): DeliveryCounts {
  const modes = (Object.keys(DELIVERY_MODES) as DeliveryMode[]).map((mode) => ({
    mode,
    label: DELIVERY_MODES[mode],
    code: DELIVERY_MODE_CODES[mode],
    colour: MODE_COLOURS[mode],
  }));
  const rows = matrix.members.map((member, col) => {
    const counts = Object.fromEntries(modes.map((m) => [m.mode, 0])) as Record<DeliveryMode, number>;
    for (const row of matrix.cells) {
      const arrangement = row[col]!.arrangement;
      if (arrangement) counts[arrangement.mode] += 1;
    }
    return { member: member.shortName, counts, total: Object.values(counts).reduce((a, b) => a + b, 0) };
  });
  return { modes, rows, services: matrix.services.length };
}

/** The sentence beside the chart: what is counted, and how the services are mostly delivered. */
export function deliverySummary(counts: DeliveryCounts, date: string): string {
  const recorded = counts.rows.filter((r) => r.total > 0);
  if (recorded.length === 0)
    return `No member has recorded how it delivers its services on ${formatDate(date)}.`;
  const totals = counts.modes
    .map((m) => ({ label: m.label.toLowerCase(), n: recorded.reduce((sum, r) => sum + r.counts[m.mode], 0) }))
    .filter((t) => t.n > 0)
    .sort((a, b) => b.n - a.n);
  const all = totals.reduce((sum, t) => sum + t.n, 0);
  const ways = totals.map((t) => `${t.n} ${t.label}`);
  const list = ways.length > 1 ? `${ways.slice(0, -1).join(', ')} and ${ways.at(-1)}` : ways[0];
  const members = recorded.length === 1 ? '1 member records' : `${recorded.length} members record`;
  const arrangements = all === 1 ? '1 arrangement' : `${all} arrangements`;
  return (
    `For each member, the bars count the partnership’s services by how the member delivers them on ` +
    `${formatDate(date)}. ${members} ${arrangements}: ${list}.`
  );
}

export async function deliveryChart(matrix: Matrix): Promise<DeliveryChart> {
  const counts = deliveryCounts(matrix);
  const summary = deliverySummary(counts, matrix.date);
  const svg = await stackedBarChartSvg({
    id: 'delivery-chart',
    title: `How members of ${matrix.partnership.name} deliver their services`,
    description: `${summary} The same numbers are in the table that follows the chart.`,
    categoryLabel: 'Member',
    valueLabel: 'Services',
    series: counts.modes.map((m) => ({ key: m.mode, label: m.label, colour: m.colour })),
    rows: counts.rows.filter((r) => r.total > 0).map((r) => ({ category: r.member, values: r.counts })),
  });
  return { ...counts, svg, summary };
}

export interface DeliveredTogether {
  service: Matrix['services'][number];
  mode: DeliveryMode;
  modeLabel: string;
  provider: Arrangement['provider'];
  /** The members it is delivered for, with the date each arrangement started. */
  members: Array<{ member: PartnershipMember; validFrom: string }>;
}

/**
 * The services members do not deliver themselves, grouped by service, way and provider: "household
 * waste collection, by a lead authority, Devon County Council, for Exeter and Teignbridge".
 */
export function deliveredTogether(matrix: Matrix): DeliveredTogether[] {
  const groups = new Map<string, DeliveredTogether>();
  matrix.services.forEach((service, row) => {
    matrix.cells[row]!.forEach((cell, col) => {
      const a = cell.arrangement;
      if (!a || a.mode === 'retained') return;
      const key = `${service.lgslCode}:${a.mode}:${a.provider.orgId}`;
      const group = groups.get(key) ?? {
        service,
        mode: a.mode,
        modeLabel: DELIVERY_MODES[a.mode],
        provider: a.provider,
        members: [],
      };
      group.members.push({ member: matrix.members[col]!, validFrom: a.validFrom });
      groups.set(key, group);
    });
  });
  return [...groups.values()];
}
