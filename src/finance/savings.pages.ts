/**
 * Pages for savings, business cases and a partner's exit:
 * - `/partnerships/{slug}/finance/savings?year=2025-26`: each council's baseline (what it spent
 *   before sharing, from revenue outturn, shown in £ thousands as the outturn gives it), what the
 *   year's issued runs charge it, and the saving; a chart of the same numbers and the business
 *   cases of the partnership;
 * - `/partnerships/{slug}/finance/business-cases/{id}`: costs and savings by year, payback and net
 *   present value, and each council's share;
 * - `/finance/pools/{id}/exit?council=GSS&period=2025-26`: what a council leaving the pool would
 *   cost those who remain, before anyone decides.
 * Everyone must be signed in; what each person sees is the finance service's rule.
 */
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { ProblemError, ValidationProblem, notFound, parseId, stackedBarChartSvg } from '../platform/index.ts';
import { financeActorFor } from './finance-actor.ts';
import { formatPounds } from './money.ts';
import { formatPercent } from './percent.ts';
import type { BusinessCaseView, Savings } from './savings.service.ts';

const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const DEFAULT_YEAR = '2025-26';
const BEFORE_COLOUR = '#505a5f';
const NOW_COLOUR = '#1d70b8';
const COST_COLOUR = '#d4351c';
const SAVING_COLOUR = '#00703c';

/** Pence in £ thousands to one decimal place, as the revenue outturn is published. */
export function thousands(pence: bigint): string {
  const tenths = (pence < 0n ? -pence : pence) / 10_000n;
  const rounded = ((pence < 0n ? -pence : pence) % 10_000n) * 2n >= 10_000n ? tenths + 1n : tenths;
  const text = `£${new Intl.NumberFormat('en-GB').format(rounded / 10n)}.${rounded % 10n}k`;
  return pence < 0n ? `-${text}` : text;
}

/** A query value as one trimmed string, however it was sent. */
const one = (value: unknown): string =>
  (Array.isArray(value) ? String(value[0] ?? '') : String(value ?? '')).trim();

const pounds = (pence: bigint) => Number(pence) / 100;

async function savingsChart(savings: Savings): Promise<string | null> {
  if (savings.councils.length === 0) return null;
  return stackedBarChartSvg({
    id: 'savings',
    title: `Each council's cost before sharing and its charge for ${savings.year}`,
    description:
      `For each council, two bars: what it spent on the shared services before they were shared, and what ` +
      `${savings.year}'s issued recharges charge it, in pounds.`,
    categoryLabel: 'Council',
    valueLabel: 'Pounds',
    series: [
      { key: 'before', label: 'Before sharing (baseline)', colour: BEFORE_COLOUR },
      { key: 'now', label: `Charged for ${savings.year}`, colour: NOW_COLOUR },
    ],
    rows: savings.councils.flatMap((c): Array<{ category: string; values: Record<string, number> }> => [
      { category: `${c.council.name}: before`, values: { before: pounds(c.baselinePence) } },
      { category: `${c.council.name}: ${savings.year}`, values: { now: pounds(c.chargedPence) } },
    ]),
  });
}

async function businessCaseChart(view: BusinessCaseView): Promise<string> {
  return stackedBarChartSvg({
    id: `business-case-${view.id}`,
    title: `${view.title}: costs and savings by year`,
    description: 'For each financial year, two bars: the costs and the savings, in pounds.',
    categoryLabel: 'Year',
    valueLabel: 'Pounds',
    series: [
      { key: 'cost', label: 'Costs', colour: COST_COLOUR },
      { key: 'saving', label: 'Savings', colour: SAVING_COLOUR },
    ],
    rows: view.years.flatMap((y): Array<{ category: string; values: Record<string, number> }> => [
      { category: `${y.label} costs`, values: { cost: pounds(y.costPence) } },
      { category: `${y.label} savings`, values: { saving: pounds(y.savingPence) } },
    ]),
  });
}

function savingsSentence(savings: Savings): string {
  if (savings.councils.length === 0)
    return `No council has a baseline and an issued recharge for ${savings.year}.`;
  const total = savings.councils.reduce((sum, c) => sum + c.savingPence, 0n);
  const baseline = savings.councils.reduce((sum, c) => sum + c.baselinePence, 0n);
  const more = savings.councils.filter((c) => c.savingPence < 0n).map((c) => c.council.name);
  return (
    `Together the councils are charged ${formatPounds(baseline - total)} for ${savings.year} against ` +
    `${formatPounds(baseline)} before sharing: ${total >= 0n ? 'a saving' : 'a cost'} of ${formatPounds(total < 0n ? -total : total)}.` +
    (more.length > 0 ? ` ${more.join(' and ')} ${more.length === 1 ? 'pays' : 'pay'} more than before.` : '')
  );
}

function caseRows(view: BusinessCaseView) {
  return {
    ...view,
    discountRateText: formatPercent(BigInt(view.discountRate)),
    npvText: formatPounds(view.npvPence),
    years: view.years.map((y) => ({
      ...y,
      costText: formatPounds(y.costPence),
      savingText: formatPounds(y.savingPence),
      cumulativeText: formatPounds(y.cumulativePence),
    })),
    councils: view.councils.map((c) => ({
      ...c,
      costText: formatPounds(c.costPence),
      savingText: formatPounds(c.savingPence),
      npvText: formatPounds(c.npvPence),
    })),
  };
}

function slugOf(slug: string): string {
  if (!SLUG.test(slug) || slug.length > 100)
    throw notFound(`There is no partnership "${slug.slice(0, 100)}".`);
  return slug;
}

/** A page for a refused parameter: the form again with its message, never a 500. */
async function refused(
  reply: FastifyReply,
  template: string,
  error: unknown,
  context: object,
): Promise<FastifyReply> {
  if (!(error instanceof ValidationProblem)) throw error;
  return reply.code(400).page(template, { ...context, errors: error.fields });
}

export const savingsPages: FastifyPluginAsync = async (app) => {
  const { savings, finance } = app.services;

  app.get<{ Params: { slug: string }; Querystring: Record<string, unknown> }>(
    '/partnerships/:slug/finance/savings',
    { preHandler: app.requireSignIn },
    async function savingsPage(request, reply) {
      const actor = financeActorFor(request.principal);
      const slug = slugOf(request.params.slug);
      const year = one(request.query.year) || DEFAULT_YEAR;
      let result: Savings;
      try {
        result = await savings.savings(actor, slug, year);
      } catch (error) {
        return refused(reply, 'finance-savings.njk', error, { year, slug, result: null, cases: [] });
      }
      const cases = await savings.businessCases(actor, slug);
      return reply.page('finance-savings.njk', {
        errors: {},
        slug,
        year,
        result,
        illustrative: result.rows.some((r) => r.pool.illustrative) || cases.some((c) => c.illustrative),
        rows: result.rows.map((r) => ({
          ...r,
          baselineText: formatPounds(r.baselinePence),
          baselineThousands: thousands(r.baselinePence),
          chargedText: formatPounds(r.chargedPence),
          savingText: formatPounds(r.savingPence),
        })),
        councils: result.councils.map((c) => ({
          ...c,
          baselineText: formatPounds(c.baselinePence),
          baselineThousands: thousands(c.baselinePence),
          chargedText: formatPounds(c.chargedPence),
          savingText: formatPounds(c.savingPence),
        })),
        chart: await savingsChart(result),
        sentence: savingsSentence(result),
        cases: cases.map((c) => ({ ...c, npvText: formatPounds(c.npvPence) })),
      });
    },
  );

  app.get<{ Params: { slug: string; id: string } }>(
    '/partnerships/:slug/finance/business-cases/:id',
    { preHandler: app.requireSignIn },
    async function businessCasePage(request, reply) {
      const actor = financeActorFor(request.principal);
      const slug = slugOf(request.params.slug);
      const id = parseId(request.params.id);
      if (id === undefined) throw notFound(`There is no business case "${request.params.id.slice(0, 40)}".`);
      const view = await savings.businessCase(actor, id);
      if (view.partnership.slug !== slug) throw notFound(`There is no business case ${id} in ${slug}.`);
      return reply.page('finance-business-case.njk', {
        slug,
        view: caseRows(view),
        chart: await businessCaseChart(view),
        sentence:
          `Over ${view.years.length} years from ${view.firstYear}, the savings ` +
          (view.paybackYear ? `cover the costs by the end of ${view.paybackYear}` : 'never cover the costs') +
          `; the net present value at ${formatPercent(BigInt(view.discountRate))} a year is ${formatPounds(view.npvPence)}.`,
      });
    },
  );

  app.get<{ Params: { id: string }; Querystring: Record<string, unknown> }>(
    '/finance/pools/:id/exit',
    { preHandler: app.requireSignIn },
    async function exitCostPage(request, reply) {
      const actor = financeActorFor(request.principal);
      const id = parseId(request.params.id);
      if (id === undefined) throw notFound(`There is no pool "${request.params.id.slice(0, 40)}".`);
      const pool = await finance.pool(actor, id);
      const period = one(request.query.period) || DEFAULT_YEAR;
      const council = one(request.query.council);
      const context = {
        pool,
        period,
        council,
        councils: pool.members.map((m) => ({
          value: m.gss ?? String(m.orgId),
          text: m.name,
          selected: m.gss === council,
        })),
        model: null,
        errors: {},
      };
      if (council === '') return reply.page('finance-exit.njk', context);
      try {
        const model = await finance.exitCost(actor, id, period, council);
        return reply.page('finance-exit.njk', {
          ...context,
          model: {
            ...model,
            totalText: formatPounds(model.totalPence),
            fixedText: formatPounds(model.fixedPence),
            variableText: formatPounds(model.variablePence),
            fixedShareText: formatPounds(model.result.fixedShare),
            variableShareText: formatPounds(model.result.variableShare),
            fixedPercent: formatPercent(BigInt(pool.fixedShare)),
            lines: model.result.lines.map((l) => ({
              ...l,
              beforeText: formatPounds(l.before),
              afterText: formatPounds(l.after),
              moreText: formatPounds(l.more),
            })),
          },
        });
      } catch (error) {
        if (error instanceof ProblemError && !(error instanceof ValidationProblem)) throw error;
        return refused(reply, 'finance-exit.njk', error, context);
      }
    },
  );
};
