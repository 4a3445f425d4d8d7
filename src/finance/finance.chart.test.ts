/** Each council's share of a period's costs: issued runs only, summed per council and pool, in pence. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { councilShares, sharesChartSvg, sharesSentence } from './finance.chart.ts';
import type { RunView } from './recharge.service.ts';

const run = (id: string, poolId: number, state: RunView['state'], lines: Array<[string, bigint]>): RunView =>
  ({
    id,
    state,
    kind: 'recharge',
    period: '2025-26',
    pool: { id: poolId, name: `Pool ${poolId}` },
    totalPence: lines.reduce((s, [, p]) => s + p, 0n),
    lines: lines.map(([gss, amountPence]) => ({ gss, name: `Council ${gss}`, amountPence })),
  }) as unknown as RunView;

describe('councilShares', () => {
  it('adds up issued lines per council and pool, ignoring drafts and superseded runs', () => {
    const shares = councilShares([
      run('a', 1, 'issued', [
        ['E1', 101n],
        ['E2', 50n],
      ]),
      run('b', 2, 'issued', [
        ['E1', 1n],
        ['E2', 200n],
      ]),
      run('c', 2, 'draft', [['E1', 1_000_000n]]),
      run('d', 1, 'superseded', [['E2', 1_000_000n]]),
    ]);
    assert.deepEqual(
      shares.rows.map((r) => [r.council, r.totalPence]),
      [
        ['Council E2', 250n],
        ['Council E1', 102n],
      ],
    );
    assert.equal(shares.totalPence, 352n);
    assert.deepEqual(
      shares.pools.map((p) => p.totalPence),
      [151n, 201n],
    );
    assert.equal(shares.rows[0]!.byPool.get(2), 200n);
    assert.match(
      sharesSentence(shares, '2025-26'),
      /Council E2 is charged the most for 2025-26: £2\.50 of £3\.52 \(71\.02%\)/,
    );
  });

  it('says so when nothing is issued, and draws no chart', async () => {
    const shares = councilShares([run('c', 2, 'draft', [['E1', 5n]])]);
    assert.equal(shares.rows.length, 0);
    assert.match(sharesSentence(shares, '2025-26'), /No recharges have been issued for 2025-26/);
    assert.equal(await sharesChartSvg(shares, '2025-26'), null);
  });

  it('draws an accessible SVG with a title and description', async () => {
    const svg = await sharesChartSvg(councilShares([run('a', 1, 'issued', [['E1', 12_345n]])]), '2025-26');
    assert.match(svg!, /role="img"/);
    assert.match(
      svg!,
      /<title id="council-shares-title">Each council&#39;s share of the costs, 2025-26<\/title>/,
    );
  });
});
