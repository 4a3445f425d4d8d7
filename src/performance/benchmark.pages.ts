/**
 * `/organisations/:key/benchmarking?period=2026-27-Q2`: a council against its partners on the
 * measures their partnership shares (small multiples of the last eight quarters, one panel per
 * council on one scale, each with its table) and against its peers across England on spend per
 * head by service area (a chart of the total and a table of every area, the year and the method
 * stated). Every chart has a sentence saying what it shows and a table of the same numbers.
 */
import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { formatPounds } from '../finance/index.ts';
import { smallMultiplesSvg, stackedBarChartSvg } from '../platform/index.ts';
import type { BenchmarkView, PartnerComparison } from './benchmark.service.ts';
import { TOTAL_LINE } from './benchmark.service.ts';
import { apiNumber } from './measures.service.ts';
import { valueInWords } from './report-words.ts';

const OrgKey = Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9][A-Za-z0-9-]*$' });
const Query = Type.Object(
  { period: Type.Optional(Type.String({ maxLength: 20 })) },
  { additionalProperties: true },
);

const shortQuarter = (id: string) => id.replace(/-Q(\d)$/, ' Q$1');
const money = (pence: bigint | null) => (pence === null ? 'Not reported' : formatPounds(pence));

async function partnerCharts(view: BenchmarkView, p: PartnerComparison) {
  const out = [];
  for (const { measure, values: all } of p.measures) {
    // From the first quarter any council has a value in.
    const from = Math.max(
      0,
      view.quarters.findIndex((_, q) => all.some((row) => row[q] !== null)),
    );
    const labels = view.quarters.slice(from).map((q) => shortQuarter(q.id));
    const values = all.map((row) => row.slice(from));
    const latest = values.map((row) => row[row.length - 1] ?? null);
    const known = p.councils
      .map((c, i) => ({ name: c.name, value: latest[i] ?? null }))
      .filter((c) => c.value !== null);
    const summary =
      known.length === 0
        ? `${measure.name}: no council of ${p.name} has a value in ${labels[labels.length - 1]}.`
        : `${measure.name} in ${labels[labels.length - 1]}: ` +
          known.map((c) => `${c.name} ${valueInWords(measure.unit, c.value)}`).join('; ') +
          '.';
    const id = `partners-${p.slug}-${measure.id}`.replace(/[^a-z0-9_-]/gi, '-');
    out.push({
      id,
      name: measure.name,
      summary,
      svg: values.some((row) => row.some((v) => v !== null))
        ? await smallMultiplesSvg({
            id,
            title: `${measure.name} in each council of ${p.name}, ${labels[0]} to ${labels[labels.length - 1]}`,
            description: summary,
            periodLabel: 'Quarter',
            valueLabel: measure.unit === 'percent' ? `${measure.name} (%)` : measure.name,
            panels: p.councils.map((c, i) => ({
              label: c.own ? `${c.name} (this council)` : c.name,
              points: labels.map((label, q) => ({
                period: label,
                value: apiNumber(measure.unit, values[i]![q] ?? null),
                target: null,
              })),
            })),
            columns: 3,
          })
        : null,
      quarters: labels,
      rows: p.councils.map((c, i) => ({
        name: c.name,
        own: c.own,
        values: values[i]!.map((v) => valueInWords(measure.unit, v)),
      })),
    });
  }
  return out;
}

export const benchmarkPages: FastifyPluginAsyncTypebox = async (app) => {
  const { benchmarks, register } = app.services;

  app.get(
    '/organisations/:key/benchmarking',
    { schema: { hide: true, params: Type.Object({ key: OrgKey }), querystring: Query } },
    async (request, reply) => {
      const view = await benchmarks.benchmarking(request.params.key, request.query.period);
      const brand = await register.organisation(view.council.gss);
      const partners = [];
      for (const p of view.partners) partners.push({ ...p, charts: await partnerCharts(view, p) });
      const spend = view.spend;
      let spendChart: string | null = null;
      let spendSummary: string | null = null;
      if (spend.ok) {
        const total = spend.lines.find((l) => l.line === TOTAL_LINE)!;
        const rows = [
          { category: `${view.council.name} (this council)`, pence: total.own },
          ...spend.peers.map((p, i) => ({ category: p.name, pence: total.byPeer[i] ?? null })),
        ].filter((r): r is { category: string; pence: bigint } => r.pence !== null);
        spendSummary =
          `Total service expenditure per head in ${spend.year}: ${view.council.name} ${money(total.own)}, ` +
          `the median of its ${spend.peers.length} peers ${money(total.peersMedian)}` +
          (total.rankFromLowest === null
            ? '.'
            : `; it is ${total.rankFromLowest} of ${total.of} from the lowest.`);
        spendChart = await stackedBarChartSvg({
          id: 'spend-per-head',
          title: `Total service expenditure per head, ${spend.year}: ${view.council.name} and its peers`,
          description: spendSummary,
          categoryLabel: 'Council',
          valueLabel: `Pounds per head, ${spend.year}`,
          series: [{ key: 'pounds', label: 'Spend per head (£)', colour: '#1d70b8' }],
          rows: rows.map((r) => ({ category: r.category, values: { pounds: Number(r.pence) / 100 } })),
        });
      }
      return reply.page('benchmarking.njk', {
        title: `Benchmarking ${shortQuarter(view.period.id)} – ${view.council.name}`,
        brand,
        view,
        quarterLabel: shortQuarter(view.period.id),
        partners,
        spend,
        spendChart,
        spendSummary,
        spendRows: spend.ok
          ? spend.lines.map((l) => ({
              name: l.name,
              own: money(l.own),
              median: money(l.peersMedian),
              rank: l.rankFromLowest === null ? 'Not ranked' : `${l.rankFromLowest} of ${l.of}`,
            }))
          : [],
        peerRows: spend.ok
          ? spend.peers.map((p, i) => ({
              name: p.name,
              gss: p.gss,
              population: p.population.toLocaleString('en-GB'),
              total: money(spend.lines.find((l) => l.line === TOTAL_LINE)!.byPeer[i] ?? null),
            }))
          : [],
        populationText:
          view.council.population === null ? null : view.council.population.toLocaleString('en-GB'),
        reportHref: `/organisations/${encodeURIComponent(view.council.gss)}/report?period=${encodeURIComponent(view.period.id)}`,
      });
    },
  );
};
