/**
 * A council's quarterly report and its scrutiny view, as pages:
 *
 * - `/organisations/:key/report?period=2026-27-Q2`: the quarter's status summary, a table of every
 *   measure with its value, target, status and both directions of travel, a run chart of each
 *   measure's last eight quarters with its table and a sentence saying what it shows, the shared
 *   services the council takes part in (saving, risks), what it was charged, its locality plan and
 *   every measure's definition. It prints on A4 without its picker and links.
 * - `/organisations/:key/report.csv?period=…`: the same measures as CSV.
 * - `/organisations/:key/scrutiny?period=…`: for the council's own people (the service refuses
 *   anyone else): the exceptions, the locality plan's concerns and the decisions waiting.
 *
 * Without a period the report opens on the last quarter that has ended.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { runChartSvg } from '../platform/index.ts';
import { apiNumber } from './measures.service.ts';
import type { Measure } from './measures.ts';
import { reportCsv, reportFileName } from './report.csv.ts';
import { type QuarterlyReport, type ReportMeasure, mayScrutinise } from './report.service.ts';
import { changeInWords, seriesSummary, statusInWords, valueInWords } from './report-words.ts';
import { formatPounds } from '../finance/index.ts';

const OrgKey = Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9][A-Za-z0-9-]*$' });
/** Anything else in the query is ignored; the period is read and checked by the service. */
const ReportQuery = Type.Object(
  { period: Type.Optional(Type.String({ maxLength: 20 })) },
  { additionalProperties: true },
);
const schema = { hide: true, params: Type.Object({ key: OrgKey }), querystring: ReportQuery };

const UNIT_WORDS: Record<Measure['unit'], string> = {
  count: 'requests',
  percent: '%',
  working_days: 'working days',
  pence: 'pence',
  number: 'number',
};

const TAG_CLASSES = { green: 'govuk-tag--green', amber: 'govuk-tag--yellow', red: 'govuk-tag--red' } as const;

/** A quarter as a chart's axis names it: "2026-27 Q2". */
const shortQuarter = (id: string) => id.replace(/-Q(\d)$/, ' Q$1');

/** Each measure as the table shows it: the figures in words, the status as a tag with its word. */
function measureRows(report: QuarterlyReport) {
  return report.measures.map(({ line }) => {
    const m = line.measure;
    return {
      id: m.id,
      name: m.name,
      value: valueInWords(m.unit, line.value),
      note: line.note,
      target: line.target ? valueInWords(m.unit, line.target.target) : 'None',
      status: statusInWords(m, line.assessment.status, line.target !== null),
      statusClass: line.assessment.status ? TAG_CLASSES[line.assessment.status] : 'govuk-tag--grey',
      sincePrevious: changeInWords(m, line.value, line.previous, line.assessment.sincePreviousPeriod),
      sinceLastYear: changeInWords(
        m,
        line.value,
        line.samePeriodLastYear,
        line.assessment.sinceSamePeriodLastYear,
      ),
    };
  });
}

/** A run chart for each measure with a value in the quarters shown (but one channel's), its table and its summary. */
async function trends(report: QuarterlyReport) {
  const out = [];
  for (const rm of report.measures) {
    // Requests by each channel are in the measures' table; their total has the chart.
    if (rm.line.measure.channel !== undefined || !rm.series.some((p) => p.value !== null)) continue;
    out.push(await trend(report, rm));
  }
  return out;
}

async function trend(report: QuarterlyReport, { line, series: all }: ReportMeasure) {
  const m = line.measure;
  // From the first quarter with a value: the quarters before it have none to show.
  const series = all.slice(
    Math.max(
      0,
      all.findIndex((p) => p.value !== null),
    ),
  );
  const labelled = series.map((p) => ({ ...p, label: shortQuarter(p.period.id) }));
  const summary = seriesSummary(m, labelled);
  const svg = await runChartSvg({
    id: `chart-${m.id.replace(/[^a-z0-9_-]/gi, '-')}`,
    title: `${m.name}, ${report.council.name}, ${labelled[0]!.label} to ${shortQuarter(report.period.id)}`,
    description: summary,
    periodLabel: 'Quarter',
    valueLabel: `${m.name} (${UNIT_WORDS[m.unit]})`,
    points: labelled.map((p) => ({
      period: p.label,
      value: apiNumber(m.unit, p.value),
      target: apiNumber(m.unit, p.target),
    })),
  });
  return {
    id: m.id,
    name: m.name,
    summary,
    svg,
    rows: labelled.map((p) => ({
      quarter: p.label,
      value: valueInWords(m.unit, p.value),
      target: p.target === null ? 'None' : valueInWords(m.unit, p.target),
      status: statusInWords(m, p.status, p.target !== null),
    })),
  };
}

export const reportPages: FastifyPluginAsyncTypebox = async (app) => {
  const { reports, register } = app.services;
  const base = (key: string) => `/organisations/${encodeURIComponent(key)}`;
  const withPeriod = (href: string, period: string) => `${href}?period=${encodeURIComponent(period)}`;

  async function common(request: FastifyRequest, report: QuarterlyReport) {
    const brand = await register.organisation(report.council.gss);
    const key = report.council.gss;
    return {
      brand,
      report,
      rows: measureRows(report),
      trends: await trends(report),
      charged: report.charged.runs > 0 ? formatPounds(report.charged.pence) : null,
      partnerships: report.partnerships.map((p) => ({
        ...p,
        saving: p.saving
          ? {
              year: p.saving.year,
              baseline: formatPounds(p.saving.baselinePence),
              charged: formatPounds(p.saving.chargedPence),
              saving: formatPounds(p.saving.savingPence),
            }
          : null,
        risksHref: `/partnerships/${encodeURIComponent(p.slug)}/risks`,
        href: `/partnerships/${encodeURIComponent(p.slug)}`,
      })),
      anyRisk: report.partnerships.some((p) => p.risks.length > 0),
      definitions: report.measures.map(({ line }) => line.measure),
      quarterItems: report.quarters.map((q) => ({
        value: q.id,
        text: shortQuarter(q.id),
        selected: q.id === report.period.id,
      })),
      reportHref: withPeriod(`${base(key)}/report`, report.period.id),
      csvHref: withPeriod(`${base(key)}/report.csv`, report.period.id),
      benchmarkingHref: withPeriod(`${base(key)}/benchmarking`, report.period.id),
      scrutinyHref: mayScrutinise(request.principal, report.council.orgId)
        ? withPeriod(`${base(key)}/scrutiny`, report.period.id)
        : null,
    };
  }

  app.get('/organisations/:key/report', { schema }, async (request, reply: FastifyReply) => {
    const report = await reports.quarterly(request.principal, request.params.key, request.query.period);
    return reply.page('quarterly-report.njk', {
      title: `Quarterly report ${shortQuarter(report.period.id)} – ${report.council.name}`,
      ...(await common(request, report)),
      pickerAction: `${base(report.council.gss)}/report`,
    });
  });

  app.get('/organisations/:key/report.csv', { schema }, async (request, reply) => {
    const report = await reports.quarterly(request.principal, request.params.key, request.query.period);
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${reportFileName(report)}.csv"`)
      .send(reportCsv(report));
  });

  app.get(
    '/organisations/:key/scrutiny',
    { schema, preHandler: app.requireSignIn },
    async (request, reply) => {
      const view = await reports.scrutiny(request.principal, request.params.key, request.query.period);
      const page = await common(request, view.report);
      const exceptionIds = new Set(view.exceptions.map((e) => e.measure.line.measure.id));
      return reply.page('scrutiny.njk', {
        title: `Scrutiny ${shortQuarter(view.report.period.id)} – ${view.report.council.name}`,
        ...page,
        exceptions: view.exceptions.map((e) => ({
          ...page.rows.find((r) => r.id === e.measure.line.measure.id)!,
          why: e.why,
        })),
        exceptionTrends: page.trends.filter((t) => exceptionIds.has(t.id)),
        waiting: view.waiting,
        pickerAction: `${base(view.report.council.gss)}/scrutiny`,
      });
    },
  );
};
