/**
 * The cost-sharing pages: a partnership's pools and runs for a period (with the finance lead's
 * Run, Issue and Correct forms), a run with every line explained and what it was worked out from,
 * the ledger lines behind a pool's period, and a council's statement as a page, CSV, an Excel
 * workbook and a printable A4 page. Who may see and do what is the finance service's to decide;
 * here requests are read and answers shown. Every page needs a signed-in person.
 *
 * It stays one file because the finance page, run, ledger and statement pages share one set of
 * row shapes and links; each route is a named function.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { ProblemError, ValidationProblem, brandOf, parseId, todayInLondon } from '../platform/index.ts';
import { requireCsrfToken } from '../platform/index.ts';
import { DRIVERS, type Driver } from './allocation-rules.ts';
import { financeActorFor, type FinanceActor } from './finance-actor.ts';
import { councilShares, sharesChartSvg, sharesSentence } from './finance.chart.ts';
import { formatPounds } from './money.ts';
import { formatPercent, percentOf } from './percent.ts';
import { parsePeriod } from './periods.ts';
import type { PoolView, RunInputs, RunView, Statement } from './recharge.service.ts';
import { STATE_WORDS, kindWords, statementCsv, statementFileName } from './statement.csv.ts';
import { statementXlsx } from './statement.xlsx.ts';

type Query = Record<string, string | string[] | undefined>;
type Form = Record<string, string | string[] | undefined>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SLUG = /^[a-z0-9][a-z0-9-]{0,99}$/;
const LEDGER_PAGE = 50;
const MAX_REASON = 2000;

const one = (value: string | string[] | undefined): string =>
  (Array.isArray(value) ? value[0] : value)?.trim() ?? '';

/** The financial year a London date falls in: `2025-26`. */
export function financialYearOf(isoDate: string): string {
  const year = Number(isoDate.slice(0, 4));
  const start = Number(isoDate.slice(5, 7)) >= 4 ? year : year - 1;
  return `${start}-${String((start + 1) % 100).padStart(2, '0')}`;
}

/** A rule in words, as kept with a run. */
export function describeRule(rule: unknown): string {
  if (typeof rule !== 'object' || rule === null) return 'No rule recorded.';
  const r = rule as Record<string, unknown>;
  const simple = (s: Record<string, unknown>): string => {
    if (s.kind === 'equal') return 'equal shares';
    if (s.kind === 'driver') {
      const d = DRIVERS[s.driver as Driver];
      return d ? `in proportion to ${d.its}` : `by ${String(s.driver)}`;
    }
    if (s.kind === 'fixed' && typeof s.shares === 'object' && s.shares !== null) {
      return `fixed shares (${Object.entries(s.shares as Record<string, number>)
        .map(([k, v]) => `${k} ${formatPercent(BigInt(v))}`)
        .join(', ')})`;
    }
    return String(s.kind);
  };
  if (r.kind === 'mix' && Array.isArray(r.parts)) {
    return `A mix: ${(r.parts as Array<{ share: number; rule: Record<string, unknown> }>)
      .map((p) => `${formatPercent(BigInt(p.share))} ${simple(p.rule)}`)
      .join('; ')}.`;
  }
  if (r.kind === 'two_stage' && Array.isArray(r.groups)) {
    return `Two stages: ${(
      r.groups as Array<{ name: string; share: number; members: string[]; rule: Record<string, unknown> }>
    )
      .map(
        (g) =>
          `${g.name} (${g.members.join(', ')}) pays ${formatPercent(BigInt(g.share))}, shared ${simple(g.rule)}`,
      )
      .join('; ')}.`;
  }
  const words = simple(r);
  return words.charAt(0).toUpperCase() + words.slice(1) + '.';
}

/** The person asking (the pages are behind sign-in, so there always is one). */
const actorOf = (request: FastifyRequest): FinanceActor => financeActorFor(request.principal);

/** A 404 for a path parameter that cannot name anything (never a 500). */
const noSuch = (what: string) => new ProblemError(404, 'Not found', `There is no ${what}.`);

const lineRows = (run: RunView) =>
  run.lines.map((l) => ({
    ...l,
    amount: formatPounds(l.amountPence),
    share: run.totalPence === 0n ? '–' : percentOf(l.amountPence, run.totalPence),
  }));

const runSummary = (run: RunView) => ({
  id: run.id,
  href: `/finance/runs/${run.id}`,
  state: run.state,
  stateWords: STATE_WORDS[run.state],
  kind: run.kind,
  kindWords: kindWords(run.kind),
  total: formatPounds(run.totalPence),
  issuedAt: run.issuedAt?.toISOString() ?? null,
  createdAt: run.createdAt.toISOString(),
  corrects: run.corrects,
  supersededBy: run.supersededBy,
  reason: run.reason,
});

/** The ledger page of a pool's period. */
const ledgerHref = (poolId: number, period: string) =>
  `/finance/pools/${poolId}/ledger?period=${encodeURIComponent(period)}`;

interface FinanceFormState {
  errors?: Record<string, string>;
  values?: Record<string, string>;
}

export const financePages: FastifyPluginAsync = async (app) => {
  const { finance, register } = app.services;
  const signedIn = { preHandler: app.requireSignIn };

  /** Reads `?period=`: the period's label, or an error with what was typed kept. */
  const periodFrom = (query: Query, fallback: string) => {
    const typed = one(query.period);
    if (typed === '') return { label: fallback, typed: fallback };
    const period = typed.length <= 20 ? parsePeriod(typed) : undefined;
    if (!period) {
      return {
        label: fallback,
        typed,
        error: 'Enter a period like 2025-26 (a financial year), 2025-26 Q1 (a quarter) or 2025-04 (a month)',
      };
    }
    return { label: period.label, typed: period.label };
  };

  async function financePage(
    request: FastifyRequest<{ Params: { slug: string }; Querystring: Query }>,
    reply: FastifyReply,
    state: FinanceFormState & { period?: string } = {},
  ) {
    const { slug } = request.params;
    if (!SLUG.test(slug)) throw noSuch(`partnership "${slug.slice(0, 100)}"`);
    const actor = actorOf(request);
    const partnership = await register.partnership(slug);
    const pools = await finance.pools(actor, slug);
    const allRuns = await finance.runs(actor, slug);
    const latest = allRuns.filter((r) => parsePeriod(r.period)?.label === r.period).at(-1)?.period;
    const chosen = periodFrom(
      state.period === undefined ? request.query : { period: state.period },
      latest ?? financialYearOf(todayInLondon()),
    );
    const errors = { ...(chosen.error ? { period: chosen.error } : {}), ...(state.errors ?? {}) };
    const runs = allRuns.filter((r) => r.period === chosen.label);
    const periods = [
      ...new Set([...allRuns.map((r) => r.period), financialYearOf(todayInLondon()), chosen.label]),
    ]
      .filter((p) => parsePeriod(p) !== undefined)
      .sort();
    const shares = councilShares(runs);
    const poolRows = pools.map((pool) => {
      const mine = runs.filter((r) => r.pool.id === pool.id);
      const current = (kind: string) =>
        mine.filter((r) => r.kind === kind && r.state === 'issued').at(-1) ??
        mine.filter((r) => r.kind === kind && r.state === 'draft').at(-1);
      const recharge = current('recharge');
      const trueUp = current('true_up');
      const draftOf = (kind: string) => mine.filter((r) => r.kind === kind && r.state === 'draft').at(-1);
      return {
        pool,
        members: pool.retainedBy ? [pool.retainedBy.name] : pool.members.map((m) => m.name),
        recharge: recharge ? runSummary(recharge) : null,
        trueUp: trueUp ? runSummary(trueUp) : null,
        drafts: [draftOf('recharge'), draftOf('true_up')].filter((r) => r !== undefined).map(runSummary),
        runs: mine.map(runSummary),
        issuedRecharge: mine.some((r) => r.kind === 'recharge' && r.state === 'issued'),
        ledgerHref: pool.mayReadAll ? ledgerHref(pool.id, chosen.label) : null,
      };
    });
    const councils = partnership.members.filter(
      (m) => !['joint_committee', 'company', 'lead_authority'].includes(m.kind),
    );
    return reply
      .code(Object.keys(errors).length > 0 ? (reply.statusCode >= 400 ? reply.statusCode : 400) : 200)
      .page('finance.njk', {
        title: `Costs – ${partnership.name}`,
        partnership,
        period: chosen.label,
        periodTyped: chosen.typed,
        periods,
        pools: poolRows,
        illustrative: pools.some((p) => p.illustrative),
        mayKeep: pools.some((p) => p.mayKeep),
        shares: {
          pools: shares.pools,
          rows: shares.rows.map((r) => ({
            council: r.council,
            cells: shares.pools.map((p) => formatPounds(r.byPool.get(p.id) ?? 0n)),
            total: formatPounds(r.totalPence),
            share: shares.totalPence === 0n ? '–' : percentOf(r.totalPence, shares.totalPence),
          })),
          totals: shares.pools.map((p) => formatPounds(p.totalPence)),
          total: formatPounds(shares.totalPence),
          sentence: sharesSentence(shares, chosen.label),
          svg: await sharesChartSvg(shares, chosen.label),
        },
        statements: councils.map((c) => ({
          name: c.name,
          href: `/partnerships/${encodeURIComponent(slug)}/finance/statements/${encodeURIComponent(c.jurisdiction ?? String(c.orgId))}?period=${encodeURIComponent(chosen.label)}`,
        })),
        errors,
        values: state.values ?? {},
      });
  }

  app.get<{ Params: { slug: string }; Querystring: Query }>(
    '/partnerships/:slug/finance',
    signedIn,
    (request, reply) => financePage(request, reply),
  );

  /** A finance lead's Run, Correct or True-up form: a draft, shown on its page; a mistake shown on the finance page. */
  app.post<{ Params: { slug: string }; Body: Form; Querystring: Query }>(
    '/partnerships/:slug/finance/runs',
    { preHandler: [app.requireSignIn, requireCsrfToken] },
    async (request, reply) => {
      const body = request.body ?? {};
      const poolId = parseId(one(body.pool));
      const period = one(body.period);
      const kind = one(body.kind) === 'true_up' ? 'true_up' : 'recharge';
      const key = `${poolId ?? 'x'}-${kind}`;
      // Each pool's reason field has its own name, so that a mistake is shown by the right one.
      const typedReason = body[`reason-${key}`] ?? body.reason;
      const reason = typeof typedReason === 'string' ? typedReason : '';
      const values = { [`reason-${key}`]: reason };
      const fail = (status: number, errors: Record<string, string>) =>
        financePage(request, reply.code(status), { errors, values, period });
      if (poolId === undefined) return fail(400, { pools: 'Choose a pool to run' });
      if (reason.length > MAX_REASON) {
        return fail(400, {
          [`reason-${key}`]: `The reason must be ${MAX_REASON} characters or fewer (you entered ${reason.length})`,
        });
      }
      try {
        const actor = actorOf(request);
        const run =
          kind === 'true_up'
            ? await finance.trueUpPool(actor, poolId, period, { reason })
            : await finance.runPool(actor, poolId, period, { reason });
        return reply.redirect(`/finance/runs/${run.id}?made=1`, 303);
      } catch (error) {
        if (!(error instanceof ProblemError) || error.status === 404) throw error;
        if (error instanceof ValidationProblem) {
          const errors: Record<string, string> = {};
          for (const [field, message] of Object.entries(error.fields)) {
            errors[field === 'reason' ? `reason-${key}` : field === 'period' ? 'period' : `pool-${poolId}`] =
              message;
          }
          return fail(400, errors);
        }
        return fail(error.status, { [`pool-${poolId}`]: error.detail });
      }
    },
  );

  async function runPage(
    request: FastifyRequest<{ Params: { id: string }; Querystring: Query }>,
    reply: FastifyReply,
    errors: Record<string, string> = {},
  ) {
    const { id } = request.params;
    if (!UUID.test(id)) throw noSuch(`recharge run "${id.slice(0, 40)}"`);
    const run = await finance.run(actorOf(request), id);
    const inputs: RunInputs | null = run.inputs;
    const days = inputs?.periodDays ?? 0;
    const drivers = inputs
      ? Object.entries(inputs.drivers).map(([driver, values]) => {
          const total = Object.values(values ?? {}).reduce((s, v) => s + BigInt(v), 0n);
          return {
            driver: DRIVERS[driver as Driver]?.counted ?? driver,
            source: inputs.driverSources[driver as Driver] ?? '',
            rows: inputs.members.map((m) => {
              const value = values?.[m.key];
              return {
                name: m.name,
                value: value === undefined ? 'none recorded' : BigInt(value).toLocaleString('en-GB'),
                share: value === undefined || total === 0n ? '–' : percentOf(BigInt(value), total),
              };
            }),
            total: total.toLocaleString('en-GB'),
          };
        })
      : [];
    return reply.page('finance-run.njk', {
      title: `${run.pool.name}, ${run.period} – ${kindWords(run.kind)}`,
      run: runSummary(run),
      pool: run.pool,
      period: run.period,
      lines: lineRows(run),
      allLines: run.allLines,
      made: one(request.query.made) === '1',
      issued: one(request.query.issued) === '1',
      inputs: inputs && {
        rule: describeRule(inputs.rule),
        ruleFrom: inputs.ruleFrom,
        basis: inputs.basis === 'actual' ? 'actual spending' : 'the budget',
        ledger: {
          total: formatPounds(BigInt(inputs.ledger.pence)),
          lines: inputs.ledger.lines.toLocaleString('en-GB'),
        },
        amounts: { total: formatPounds(BigInt(inputs.amounts.pence)), entries: inputs.amounts.entries },
        members: inputs.members.map((m) => ({
          name: m.name,
          key: m.key,
          days: m.days,
          whole: m.days === days,
        })),
        periodDays: days,
        drivers,
        trueUp: inputs.trueUp && {
          estimateRun: inputs.trueUp.estimateRun,
          tolerance: formatPercent(BigInt(inputs.trueUp.tolerance)),
          applies: inputs.trueUp.applies,
        },
      },
      ledgerHref: run.pool.mayReadAll ? ledgerHref(run.pool.id, run.period) : null,
      mayIssue: run.pool.mayKeep && run.state === 'draft',
      financeHref: `/partnerships/${encodeURIComponent(run.pool.partnership.slug)}/finance?period=${encodeURIComponent(run.period)}`,
      errors,
    });
  }

  app.get<{ Params: { id: string }; Querystring: Query }>('/finance/runs/:id', signedIn, (request, reply) =>
    runPage(request, reply),
  );

  app.post<{ Params: { id: string }; Querystring: Query }>(
    '/finance/runs/:id/issue',
    { preHandler: [app.requireSignIn, requireCsrfToken] },
    async (request, reply) => {
      const { id } = request.params;
      if (!UUID.test(id)) throw noSuch(`recharge run "${id.slice(0, 40)}"`);
      try {
        await finance.issue(actorOf(request), id);
      } catch (error) {
        if (!(error instanceof ProblemError) || error.status === 404) throw error;
        reply.code(error.status);
        return runPage(request, reply, { issue: error.detail });
      }
      return reply.redirect(`/finance/runs/${id}?issued=1`, 303);
    },
  );

  app.get<{ Params: { poolId: string }; Querystring: Query }>(
    '/finance/pools/:poolId/ledger',
    signedIn,
    async (request, reply) => {
      const poolId = parseId(request.params.poolId);
      if (poolId === undefined) throw noSuch(`pool "${request.params.poolId.slice(0, 40)}"`);
      const actor = actorOf(request);
      const pool: PoolView = await finance.pool(actor, poolId);
      const chosen = periodFrom(request.query, financialYearOf(todayInLondon()));
      const pageText = one(request.query.page);
      const page = pageText === '' ? 1 : parseId(pageText);
      const errors: Record<string, string> = {};
      if (chosen.error) errors.period = chosen.error;
      if (page === undefined) errors['ledger-lines'] = 'The page must be a whole number, like 2';
      const at = page ?? 1;
      const found = await finance.ledgerLines(actor, poolId, chosen.label, {
        limit: LEDGER_PAGE,
        offset: Math.min((at - 1) * LEDGER_PAGE, 1_000_000_000),
      });
      const pages = Math.max(1, Math.ceil(found.total.lines / LEDGER_PAGE));
      const href = (n: number) => `${ledgerHref(poolId, chosen.label)}&page=${n}`;
      return reply.code(Object.keys(errors).length ? 400 : 200).page('finance-ledger.njk', {
        title: `Ledger lines – ${pool.name}, ${chosen.label}`,
        pool,
        period: chosen.label,
        periodTyped: chosen.typed,
        lines: found.lines.map((l) => ({ ...l, amount: formatPounds(BigInt(l.amountPence)) })),
        total: { amount: formatPounds(found.total.pence), lines: found.total.lines.toLocaleString('en-GB') },
        first: found.lines.length === 0 ? 0 : (at - 1) * LEDGER_PAGE + 1,
        last: (at - 1) * LEDGER_PAGE + found.lines.length,
        pagination:
          pages > 1
            ? {
                ...(at > 1 ? { previous: { href: href(at - 1) } } : {}),
                ...(at < pages ? { next: { href: href(at + 1) } } : {}),
                items: Array.from({ length: pages }, (_, i) => i + 1)
                  .filter((n) => n === 1 || n === pages || Math.abs(n - at) <= 2)
                  .flatMap((n, i, all) => [
                    ...(i > 0 && n - all[i - 1]! > 1 ? [{ ellipsis: true }] : []),
                    { number: n, href: href(n), current: n === at },
                  ]),
              }
            : null,
        financeHref: `/partnerships/${encodeURIComponent(pool.partnership.slug)}/finance?period=${encodeURIComponent(chosen.label)}`,
        errors,
      });
    },
  );

  type StatementRequest = FastifyRequest<{ Params: { slug: string; council: string }; Querystring: Query }>;

  /** A council's statement, or a 400 page when the period cannot be read. */
  async function statementFor(request: StatementRequest, reply: FastifyReply) {
    const { slug, council } = request.params;
    if (!SLUG.test(slug)) throw noSuch(`partnership "${slug.slice(0, 100)}"`);
    if (council.length > 100) throw noSuch('council by that name');
    const chosen = periodFrom(request.query, financialYearOf(todayInLondon()));
    const statement = await finance.statement(actorOf(request), slug, council, chosen.label);
    const org = await register.organisation(String(statement.council.orgId));
    return { statement, org, chosen, errors: chosen.error ? { period: chosen.error } : {}, reply };
  }

  const statementView = (statement: Statement, councilKey: string) => {
    const base = `/partnerships/${encodeURIComponent(statement.partnership.slug)}/finance/statements/${encodeURIComponent(councilKey)}`;
    const q = `?period=${encodeURIComponent(statement.period.label)}`;
    return {
      title: `${statement.council.name}: statement for ${statement.period.label}`,
      statement,
      items: statement.items.map(({ run, line }) => ({
        run: runSummary(run),
        pool: run.pool,
        line: {
          ...line,
          amount: formatPounds(line.amountPence),
          share: run.totalPence === 0n ? '–' : percentOf(line.amountPence, run.totalPence),
        },
        ledgerHref: run.pool.mayReadAll ? ledgerHref(run.pool.id, run.period) : null,
      })),
      total: formatPounds(statement.totalPence),
      illustrative:
        statement.items.some((i) => i.run.pool.illustrative) ||
        statement.notYetRun.some((p) => p.illustrative),
      hasDrafts: statement.items.some((i) => i.run.state === 'draft'),
      csvHref: `${base}/statement.csv${q}`,
      xlsxHref: `${base}/statement.xlsx${q}`,
      printHref: `${base}/print${q}`,
      pageHref: `${base}${q}`,
      financeHref: `/partnerships/${encodeURIComponent(statement.partnership.slug)}/finance${q}`,
    };
  };

  app.get<{ Params: { slug: string; council: string }; Querystring: Query }>(
    '/partnerships/:slug/finance/statements/:council',
    signedIn,
    async (request, reply) => {
      const { statement, org, chosen, errors } = await statementFor(request, reply);
      return reply.code(chosen.error ? 400 : 200).page('finance-statement.njk', {
        ...statementView(statement, request.params.council),
        brand: brandOf(org),
        periodTyped: chosen.typed,
        errors,
      });
    },
  );

  app.get<{ Params: { slug: string; council: string }; Querystring: Query }>(
    '/partnerships/:slug/finance/statements/:council/print',
    signedIn,
    async (request, reply) => {
      const { statement, org, chosen, errors } = await statementFor(request, reply);
      return reply.code(chosen.error ? 400 : 200).page('finance-statement-print.njk', {
        ...statementView(statement, request.params.council),
        brand: brandOf(org),
        errors,
      });
    },
  );

  const download = async (request: StatementRequest, reply: FastifyReply, kind: 'csv' | 'xlsx') => {
    const { statement, chosen } = await statementFor(request, reply);
    if (chosen.error) throw new ValidationProblem({ period: chosen.error });
    const name = statementFileName(statement, request.params.council);
    reply.header('content-disposition', `attachment; filename="${name}.${kind}"`);
    return kind === 'csv'
      ? reply.type('text/csv; charset=utf-8').send(statementCsv(statement))
      : reply
          .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
          .send(await statementXlsx(statement));
  };

  app.get<{ Params: { slug: string; council: string }; Querystring: Query }>(
    '/partnerships/:slug/finance/statements/:council/statement.csv',
    signedIn,
    (request, reply) => download(request, reply, 'csv'),
  );
  app.get<{ Params: { slug: string; council: string }; Querystring: Query }>(
    '/partnerships/:slug/finance/statements/:council/statement.xlsx',
    signedIn,
    (request, reply) => download(request, reply, 'xlsx'),
  );
};
