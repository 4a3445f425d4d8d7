/**
 * A pool's allocation rules, budgets and actuals: `/finance/pools/{id}/rules` lists the rules from
 * the newest, in words, and the amounts by period, and gives the partnership's finance lead a form
 * to save a new rule from a date (equal shares, agreed percentages with one box per member, one
 * driver, or any rule such as a mix or two stages written as JSON) and one to record a budget or an
 * actual for a period (actuals not in a ledger extract; a run uses the ledger and actuals when the
 * period has any, the budget otherwise).
 * The finance service checks the rule against the pool's members and drivers when it is saved; a
 * refused rule comes back on the form with every message and everything typed kept.
 */
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import {
  ProblemError,
  ValidationProblem,
  forbidden,
  notFound,
  parseId,
  requireCsrfToken,
} from '../platform/index.ts';
import { DRIVERS } from './allocation-rules.ts';
import { financeActorFor } from './finance-actor.ts';
import { one } from './page-input.ts';
import { formatPercent, parsePercent } from './percent.ts';
import { formatPounds, parsePounds } from './money.ts';
import type { AmountRow } from './finance.repository.ts';
import type { PoolView, RuleView } from './recharge.service.ts';

/** The ways a rule is written on a form, with the words the form shows. */
export const RULE_KINDS = [
  { value: 'equal', text: 'Equal shares' },
  { value: 'fixed', text: 'Agreed percentages' },
  { value: 'driver', text: 'By one driver' },
  { value: 'json', text: 'Any rule, written as JSON (a mix, or two stages)' },
] as const;

export type RuleForm = Record<string, string>;

const shareField = (member: { gss: string | null; orgId: number }) => `share-${member.gss ?? member.orgId}`;

/**
 * The rule a form describes, or the messages by field. Pure: the finance service then checks the
 * rule against the pool's members and drivers.
 */
export function ruleFromForm(
  form: RuleForm,
  pool: Pick<PoolView, 'members'>,
): { rule?: unknown; tolerance?: number | null; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  let rule: unknown;
  const kind = form.kind ?? '';
  if (kind === 'equal') rule = { kind: 'equal' };
  else if (kind === 'driver') {
    if (!Object.hasOwn(DRIVERS, form.driver ?? '')) errors.driver = 'Select the driver';
    else rule = { kind: 'driver', driver: form.driver };
  } else if (kind === 'fixed') {
    const shares: Record<string, number> = {};
    const members = [...new Map(pool.members.map((m) => [m.gss ?? String(m.orgId), m])).values()];
    for (const m of members) {
      const share = parsePercent(form[shareField(m)] ?? '');
      if (share === undefined) errors[shareField(m)] = `Enter ${m.name}'s share as a percentage, like 23.41`;
      else shares[m.gss ?? String(m.orgId)] = Number(share);
    }
    rule = { kind: 'fixed', shares };
  } else if (kind === 'json') {
    try {
      rule = JSON.parse(form.json ?? '');
    } catch {
      errors.json = 'Write the rule as JSON, like {"kind": "driver", "driver": "population"}';
    }
  } else errors.kind = 'Select how the pool is shared';
  let tolerance: number | null = null;
  if ((form.tolerance ?? '') !== '') {
    const parsed = parsePercent(form.tolerance!);
    if (parsed === undefined || parsed > 10_000n)
      errors.tolerance = 'Enter the tolerance as a percentage, like 3';
    else tolerance = Number(parsed);
  }
  return Object.keys(errors).length > 0 ? { errors } : { rule, tolerance, errors };
}

/** Where the service's message about the rule belongs on the form. */
const fieldForRule = (kind: string) => (kind === 'json' ? 'json' : kind === 'driver' ? 'driver' : 'kind');

export const rulePages: FastifyPluginAsync = async (app) => {
  const { finance } = app.services;

  const poolId = (text: string): number => {
    const id = parseId(text);
    if (id === undefined) throw notFound(`There is no pool "${text.slice(0, 40)}".`);
    return id;
  };

  async function show(
    reply: FastifyReply,
    pool: PoolView,
    rules: RuleView[],
    amounts: AmountRow[],
    values: RuleForm,
    errors: Record<string, string>,
    status = 200,
    saved = '',
  ): Promise<FastifyReply> {
    return reply.code(status).page('finance-rules.njk', {
      pool,
      amounts: amounts.map((a) => ({
        ...a,
        kindText: a.kind === 'budget' ? 'Budget' : 'Actual',
        amountText: formatPounds(BigInt(a.amountPence)),
      })),
      amountKinds: [
        { value: 'budget', text: 'Budget', checked: values.amountKind === 'budget' },
        {
          value: 'actual',
          text: 'Actual (not in a ledger extract)',
          checked: values.amountKind === 'actual',
        },
      ],
      rules: rules.map((r) => ({
        ...r,
        toleranceText: r.trueUpTolerance === null ? 'None' : formatPercent(BigInt(r.trueUpTolerance)),
      })),
      values,
      errors,
      saved,
      kinds: RULE_KINDS.map((k) => ({ ...k, checked: values.kind === k.value })),
      drivers: [
        { value: '', text: 'Choose a driver' },
        ...Object.entries(DRIVERS).map(([value, d]) => ({
          value,
          text: d.its,
          selected: values.driver === value,
        })),
      ],
      shares: [...new Map(pool.members.map((m) => [shareField(m), m])).entries()].map(([name, m]) => ({
        name,
        label: m.name,
      })),
    });
  }

  app.get<{ Params: { id: string }; Querystring: Record<string, unknown> }>(
    '/finance/pools/:id/rules',
    { preHandler: app.requireSignIn },
    async function poolRulesPage(request, reply) {
      const actor = financeActorFor(request.principal);
      const { pool, rules, amounts } = await finance.rules(actor, poolId(request.params.id));
      const saved = one(request.query.saved);
      return show(
        reply,
        pool,
        rules,
        amounts,
        {},
        {},
        200,
        saved === 'rule' || saved === 'amount' ? saved : '',
      );
    },
  );

  app.post<{ Params: { id: string }; Body: Record<string, unknown> }>(
    '/finance/pools/:id/rules',
    { preHandler: [app.requireSignIn, requireCsrfToken] },
    async function saveRule(request, reply) {
      const actor = financeActorFor(request.principal);
      const id = poolId(request.params.id);
      const { pool, rules, amounts } = await finance.rules(actor, id);
      if (!pool.mayKeep) throw forbidden("Only the partnership's finance lead saves a pool's rules.");
      const values = formValues(request.body);
      const read = ruleFromForm(values, pool);
      if (Object.keys(read.errors).length > 0)
        return show(reply, pool, rules, amounts, values, read.errors, 400);
      try {
        await finance.saveRule(actor, id, {
          validFrom: values.validFrom ?? '',
          rule: read.rule,
          trueUpTolerance: read.tolerance ?? null,
          notes: values.notes ?? '',
        });
      } catch (error) {
        if (error instanceof ValidationProblem) {
          const { rule, trueUpTolerance, ...rest } = error.fields;
          const errors: Record<string, string> = { ...rest };
          if (rule) errors[fieldForRule(values.kind ?? '')] = rule;
          if (trueUpTolerance) errors.tolerance = trueUpTolerance;
          return show(reply, pool, rules, amounts, values, errors, 400);
        }
        if (error instanceof ProblemError && error.status === 409) {
          return show(reply, pool, rules, amounts, values, { validFrom: error.detail }, 409);
        }
        throw error;
      }
      return reply.redirect(`/finance/pools/${id}/rules?saved=rule`, 303);
    },
  );

  app.post<{ Params: { id: string }; Body: Record<string, unknown> }>(
    '/finance/pools/:id/amounts',
    { preHandler: [app.requireSignIn, requireCsrfToken] },
    async function recordAmount(request, reply) {
      const actor = financeActorFor(request.principal);
      const id = poolId(request.params.id);
      const { pool, rules, amounts } = await finance.rules(actor, id);
      if (!pool.mayKeep)
        throw forbidden("Only the partnership's finance lead records a pool's budgets and actuals.");
      const values = formValues(request.body);
      const errors: Record<string, string> = {};
      const kind = values.amountKind;
      if (kind !== 'budget' && kind !== 'actual') errors.amountKind = 'Select a budget or an actual';
      if ((values.amountPeriod ?? '') === '') errors.amountPeriod = 'Enter the period, like 2025-26';
      const pence = parsePounds(values.amount ?? '');
      if (pence === undefined) errors.amount = 'Enter the amount in pounds and pence, like 1,234,567.00';
      if (Object.keys(errors).length > 0) return show(reply, pool, rules, amounts, values, errors, 400);
      try {
        await finance.recordAmount(actor, id, {
          kind: kind as 'budget' | 'actual',
          period: values.amountPeriod!,
          pence: pence!,
          source: values.amountSource ?? '',
        });
      } catch (error) {
        if (!(error instanceof ValidationProblem)) throw error;
        const { period, source, ...rest } = error.fields;
        return show(
          reply,
          pool,
          rules,
          amounts,
          values,
          {
            ...rest,
            ...(period ? { amountPeriod: period } : {}),
            ...(source ? { amountSource: source } : {}),
          },
          400,
        );
      }
      return reply.redirect(`/finance/pools/${id}/rules?saved=amount`, 303);
    },
  );
};

/** A form's fields as one trimmed string each, without its CSRF token. */
function formValues(body: Record<string, unknown> | undefined): RuleForm {
  const sent = body ?? {};
  return Object.fromEntries(
    Object.keys(sent)
      .filter((k) => k !== '_csrf')
      .slice(0, 200)
      .map((k) => [k, one(sent[k])]),
  );
}
