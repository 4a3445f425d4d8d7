/**
 * Savings and business cases. A council's saving on a pool for a year is what it spent on the
 * service before it was shared (its baseline, from its revenue outturn) less what it is charged
 * for the year by the pool's issued recharges and true-ups. A business case for a proposed change
 * gives its costs and savings by year from its first year; its payback year and net present value
 * at the Green Book rate (or the one the partnership sets), and each council's share of the costs
 * and savings by the case's rule, with each council's own payback and net present value.
 *
 * Who may: the rules of `finance-actor.ts`, through the finance service's own reading of pools and
 * runs (a councillor sees only its council's rows). Only the partnership's finance lead records
 * baselines and business cases.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../db/index.ts';
import { withSystem, withTenant } from '../db/index.ts';
import { ValidationProblem, forbidden, notFound, recordAudit } from '../platform/index.ts';
import type { RegisterService } from '../register/index.ts';
import { allocate, ruleProblems, type AllocationRule, type DriverValues } from './allocation-rules.ts';
import { GREEN_BOOK_RATE, netPresentValue, paybackYear, type YearFlow } from './business-case.ts';
import { financeKeeperOrg, type FinanceActor } from './finance-actor.ts';
import { MAX_PENCE } from './money.ts';
import { parsePeriod } from './periods.ts';
import { RuleFormatError, driversOf, ruleFromJson, ruleToJson } from './rule-json.ts';
import type { CouncilRef, FinanceService } from './recharge.service.ts';
import * as repo from './savings.repository.ts';

export interface SavingsRow {
  council: CouncilRef;
  pool: { id: number; name: string; illustrative: boolean };
  baselineYear: string;
  baselinePence: bigint;
  baselineSource: string;
  /** What the council is charged for the year by the pool's issued runs. */
  chargedPence: bigint;
  savingPence: bigint;
}

export interface Savings {
  partnership: { slug: string; name: string };
  year: string;
  rows: SavingsRow[];
  /** Each council's totals over the pools. */
  councils: Array<{ council: CouncilRef; baselinePence: bigint; chargedPence: bigint; savingPence: bigint }>;
  /** Pools the person can see whose year has no issued run yet (no saving can be worked out). */
  notYetCharged: string[];
}

export interface BusinessCaseView {
  id: number;
  title: string;
  summary: string;
  partnership: { slug: string; name: string };
  firstYear: string;
  /** Hundredths of a percent a year. */
  discountRate: number;
  illustrative: boolean;
  source: string;
  rule: unknown;
  years: Array<{
    index: number;
    label: string;
    costPence: bigint;
    savingPence: bigint;
    cumulativePence: bigint;
  }>;
  npvPence: bigint;
  /** The financial year in which savings so far first cover costs so far; null when they never do. */
  paybackYear: string | null;
  councils: Array<{
    council: CouncilRef;
    costPence: bigint;
    savingPence: bigint;
    npvPence: bigint;
    paybackYear: string | null;
    explanation: string;
  }>;
}

export interface BusinessCaseInput {
  title: string;
  summary?: string;
  firstYear: string;
  discountRate?: number;
  members: number[];
  rule: unknown;
  years: Array<{ costPence: bigint; savingPence: bigint }>;
  illustrative?: boolean;
  source?: string;
  /** For the operator: the organisation that keeps it. */
  keeperOrgId?: number;
}

export interface SavingsService {
  savings(actor: FinanceActor, slug: string, year: string): Promise<Savings>;
  recordBaseline(
    actor: FinanceActor,
    poolId: number,
    input: { memberOrgId: number; year: string; pence: bigint; source: string },
  ): Promise<void>;
  businessCases(actor: FinanceActor, slug: string): Promise<BusinessCaseView[]>;
  businessCase(actor: FinanceActor, id: number): Promise<BusinessCaseView>;
  createBusinessCase(actor: FinanceActor, slug: string, input: BusinessCaseInput): Promise<number>;
}

export interface SavingsDeps {
  db: Kysely<DB>;
  register: Pick<RegisterService, 'listPartnerships' | 'organisationSummaries' | 'organisation'>;
  finance: FinanceService;
}

const yearAfter = (first: string, n: number) => {
  const start = Number(first.slice(0, 4)) + n;
  return `${start}-${String((start + 1) % 100).padStart(2, '0')}`;
};

const MAX_YEARS = 30;

export function createSavingsService(deps: SavingsDeps): SavingsService {
  const { db, register, finance } = deps;

  const partnershipBySlug = async (slug: string) => {
    const found = (await register.listPartnerships()).find((p) => p.slug === slug);
    if (!found) throw notFound(`There is no partnership "${slug}".`);
    return { id: found.partnershipId, slug: found.slug, name: found.name };
  };

  /** Whether `actor` reads a business case of these councils, and whether only its own council's shares. */
  const caseReach = (actor: FinanceActor, c: repo.BusinessCaseRow): 'all' | number[] => {
    if (actor.operator || financeKeeperOrg(actor, c.partnershipId) !== null) return 'all';
    if (c.memberOrgIds.some((org) => actor.financeOfficerOf.includes(org))) return 'all';
    return c.memberOrgIds.filter((org) => actor.councillorOf.includes(org));
  };

  async function driverValues(rule: AllocationRule, members: CouncilRef[]): Promise<DriverValues> {
    const drivers: DriverValues = {};
    for (const driver of driversOf(rule)) {
      if (driver !== 'population' && driver !== 'households') continue;
      const values = new Map<string, bigint>();
      for (const m of members) {
        const org = await register.organisation(String(m.orgId));
        const value = driver === 'population' ? org.population : org.households;
        if (value !== null) values.set(m.gss ?? String(m.orgId), BigInt(value));
      }
      drivers[driver] = values;
    }
    return drivers;
  }

  async function toView(c: repo.BusinessCaseRow, shown: 'all' | number[]): Promise<BusinessCaseView> {
    const partnership = (await register.listPartnerships()).find((p) => p.partnershipId === c.partnershipId)!;
    const orgs = await register.organisationSummaries(c.memberOrgIds);
    const members: CouncilRef[] = c.memberOrgIds.map((orgId) => ({
      orgId,
      gss: orgs.get(orgId)?.gss ?? null,
      name: orgs.get(orgId)?.name ?? `organisation ${orgId}`,
    }));
    const rule = ruleFromJson(c.shareRule);
    const drivers = await driverValues(rule, members);
    const keyed = members.map((m) => ({ key: m.gss ?? String(m.orgId), name: m.name }));
    const flows: YearFlow[] = c.years.map((y) => ({
      year: y.year,
      costs: BigInt(y.costPence),
      savings: BigInt(y.savingPence),
    }));
    let cumulative = 0n;
    const payback = paybackYear(flows);
    const perCouncil = keyed.map(() => [] as YearFlow[]);
    for (const f of flows) {
      const costs = allocate(f.costs, keyed, rule, drivers);
      const savings = allocate(f.savings, keyed, rule, drivers);
      keyed.forEach((_, i) =>
        perCouncil[i]!.push({ year: f.year, costs: costs[i]!.pence, savings: savings[i]!.pence }),
      );
    }
    const rate = BigInt(c.discountRate);
    return {
      id: c.caseId,
      title: c.title,
      summary: c.summary,
      partnership: { slug: partnership.slug, name: partnership.name },
      firstYear: c.firstYear,
      discountRate: c.discountRate,
      illustrative: c.illustrative,
      source: c.source,
      rule: c.shareRule,
      years: flows.map((f) => {
        cumulative += f.savings - f.costs;
        return {
          index: f.year,
          label: yearAfter(c.firstYear, f.year),
          costPence: f.costs,
          savingPence: f.savings,
          cumulativePence: cumulative,
        };
      }),
      npvPence: netPresentValue(flows, rate),
      paybackYear: payback === null ? null : yearAfter(c.firstYear, payback),
      councils: members
        .map((council, i) => {
          const own = perCouncil[i]!;
          const cost = own.reduce((s, f) => s + f.costs, 0n);
          const saving = own.reduce((s, f) => s + f.savings, 0n);
          const ownPayback = paybackYear(own);
          return {
            council,
            costPence: cost,
            savingPence: saving,
            npvPence: netPresentValue(own, rate),
            paybackYear: ownPayback === null ? null : yearAfter(c.firstYear, ownPayback),
            explanation: `${council.name}'s share of each year's costs and savings by the case's rule.`,
          };
        })
        .filter((row) => shown === 'all' || shown.includes(row.council.orgId)),
    };
  }

  return {
    async savings(actor, slug, yearText) {
      const partnership = await partnershipBySlug(slug);
      const period = parsePeriod(yearText);
      if (!period || period.label !== period.year) {
        throw new ValidationProblem({ year: `"${yearText}" is not a financial year: give one like 2025-26` });
      }
      const pools = await finance.pools(actor, slug);
      const runs = (await finance.runs(actor, slug, period.label)).filter((r) => r.state === 'issued');
      const baselines = new Map<number, repo.BaselineRow[]>();
      const byKeeper = new Map<number, number[]>();
      for (const p of pools) byKeeper.set(p.keeper.orgId, [...(byKeeper.get(p.keeper.orgId) ?? []), p.id]);
      for (const [keeper, ids] of byKeeper) {
        const rows = await withTenant(
          db,
          { readOrgs: [keeper], writeOrgs: [], accountId: actor.accountId },
          (tx) => repo.baselinesOf(tx, ids),
        );
        for (const r of rows) baselines.set(r.poolId, [...(baselines.get(r.poolId) ?? []), r]);
      }
      const rows: SavingsRow[] = [];
      const notYetCharged: string[] = [];
      for (const pool of pools) {
        const own = baselines.get(pool.id) ?? [];
        if (own.length === 0) continue;
        const poolRuns = runs.filter((r) => r.pool.id === pool.id);
        if (!poolRuns.some((r) => r.kind === 'recharge')) {
          notYetCharged.push(pool.name);
          continue;
        }
        // The councils whose lines the person may read are the councils whose savings they see.
        const visible = new Map(poolRuns.flatMap((r) => r.lines.map((l) => [l.orgId, l] as const)));
        for (const b of own) {
          const line = visible.get(b.memberOrgId);
          if (!line) continue;
          const charged = poolRuns.reduce(
            (sum, r) => sum + (r.lines.find((l) => l.orgId === b.memberOrgId)?.amountPence ?? 0n),
            0n,
          );
          const baseline = BigInt(b.baselinePence);
          rows.push({
            council: { orgId: line.orgId, gss: line.gss, name: line.name },
            pool: { id: pool.id, name: pool.name, illustrative: pool.illustrative },
            baselineYear: b.year,
            baselinePence: baseline,
            baselineSource: b.source,
            chargedPence: charged,
            savingPence: baseline - charged,
          });
        }
      }
      const councils = new Map<number, Savings['councils'][number]>();
      for (const r of rows) {
        const c = councils.get(r.council.orgId) ?? {
          council: r.council,
          baselinePence: 0n,
          chargedPence: 0n,
          savingPence: 0n,
        };
        c.baselinePence += r.baselinePence;
        c.chargedPence += r.chargedPence;
        c.savingPence += r.savingPence;
        councils.set(r.council.orgId, c);
      }
      return {
        partnership: { slug: partnership.slug, name: partnership.name },
        year: period.label,
        rows,
        councils: [...councils.values()].sort((a, b) => a.council.name.localeCompare(b.council.name)),
        notYetCharged,
      };
    },

    async recordBaseline(actor, poolId, input) {
      const pool = await finance.pool(actor, poolId);
      if (!pool.mayKeep) throw forbidden("Only the partnership's finance lead records a pool's baselines.");
      const errors: Record<string, string> = {};
      const year = parsePeriod(input.year);
      if (!year || year.label !== year.year)
        errors.year = 'Give the baseline year as a financial year, like 2017-18';
      if (input.pence < -MAX_PENCE || input.pence > MAX_PENCE) errors.pence = 'The baseline is too large';
      if (!pool.members.some((m) => m.orgId === input.memberOrgId))
        errors.memberOrgId = 'That council does not share this pool';
      if (Object.keys(errors).length > 0) throw new ValidationProblem(errors);
      const scope = {
        readOrgs: [pool.keeper.orgId],
        writeOrgs: [pool.keeper.orgId],
        accountId: actor.accountId,
      };
      await withTenant(db, scope, async (tx) => {
        await repo.upsertBaseline(tx, {
          orgId: pool.keeper.orgId,
          poolId,
          memberOrgId: input.memberOrgId,
          year: year!.label,
          pence: Number(input.pence),
          source: input.source,
        });
        await recordAudit(tx, {
          orgId: pool.keeper.orgId,
          accountId: actor.accountId,
          action: 'update',
          entityType: 'pool_baseline',
          entityKey: `${poolId}:${input.memberOrgId}`,
          after: { year: year!.label, pence: input.pence.toString(), source: input.source },
        });
      });
    },

    async businessCases(actor, slug) {
      const partnership = await partnershipBySlug(slug);
      const cases = await withSystem(db, (tx) =>
        repo.businessCasesOf(tx, { partnershipIds: [partnership.id] }),
      );
      const views: BusinessCaseView[] = [];
      for (const c of cases) {
        const shown = caseReach(actor, c);
        if (shown === 'all' || shown.length > 0) views.push(await toView(c, shown));
      }
      return views;
    },

    async businessCase(actor, id) {
      const [found] = await withSystem(db, (tx) => repo.businessCasesOf(tx, { caseId: id }));
      const shown = found ? caseReach(actor, found) : [];
      if (!found || (shown !== 'all' && shown.length === 0)) {
        throw notFound(`There is no business case ${id} that you can see.`);
      }
      return toView(found, shown);
    },

    async createBusinessCase(actor, slug, input) {
      const partnership = await partnershipBySlug(slug);
      const keeper = actor.operator ? (input.keeperOrgId ?? null) : financeKeeperOrg(actor, partnership.id);
      if (keeper === null)
        throw forbidden(`Only ${partnership.name}'s finance lead records its business cases.`);
      const errors: Record<string, string> = {};
      const title = input.title.trim();
      if (title === '' || title.length > 200) errors.title = 'Enter a title of 200 characters or fewer';
      const summary = (input.summary ?? '').trim();
      if (summary.length > 4000) errors.summary = 'The summary must be 4,000 characters or fewer';
      const first = parsePeriod(input.firstYear);
      if (!first || first.label !== first.year)
        errors.firstYear = 'Give the first year as a financial year, like 2026-27';
      const rate = input.discountRate ?? Number(GREEN_BOOK_RATE);
      if (!Number.isSafeInteger(rate) || rate < 0 || rate > 10_000) {
        errors.discountRate = 'The discount rate must be from 0 to 10000 hundredths of a percent';
      }
      if (input.years.length === 0 || input.years.length > MAX_YEARS) {
        errors.years = `Give the costs and savings for 1 to ${MAX_YEARS} years`;
      } else if (
        input.years.some(
          (y) =>
            y.costPence < 0n || y.savingPence < 0n || y.costPence > MAX_PENCE || y.savingPence > MAX_PENCE,
        )
      ) {
        errors.years = 'Costs and savings are amounts of £0 or more';
      }
      const members = [...new Set(input.members)];
      const partners = (await register.listPartnerships()).find((p) => p.partnershipId === partnership.id);
      const orgs = await register.organisationSummaries(members);
      if (members.length === 0 || members.some((m) => !orgs.has(m)))
        errors.members = 'Select the councils the case is for';
      let rule: AllocationRule | undefined;
      try {
        rule = ruleFromJson(input.rule);
      } catch (error) {
        if (!(error instanceof RuleFormatError)) throw error;
        errors.rule = error.message;
      }
      if (rule && driversOf(rule).some((d) => d !== 'population' && d !== 'households')) {
        errors.rule =
          'A business case is shared equally, by agreed percentages, or by population or households';
      }
      if (Object.keys(errors).length === 0 && rule && partners) {
        const refs = members.map((orgId) => ({
          orgId,
          gss: orgs.get(orgId)!.gss,
          name: orgs.get(orgId)!.name,
        }));
        const problems = ruleProblems(
          rule,
          refs.map((r) => ({ key: r.gss ?? String(r.orgId), name: r.name })),
          await driverValues(rule, refs),
        );
        if (problems.length > 0) errors.rule = problems.join(' ');
      }
      if (Object.keys(errors).length > 0) throw new ValidationProblem(errors);
      const scope = { readOrgs: [keeper], writeOrgs: [keeper], accountId: actor.accountId };
      return withTenant(db, scope, async (tx) => {
        const id = await repo.insertBusinessCase(tx, {
          orgId: keeper,
          partnershipId: partnership.id,
          title,
          summary,
          firstYear: first!.label,
          discountRate: rate,
          memberOrgIds: members,
          shareRule: ruleToJson(rule!),
          illustrative: input.illustrative ?? false,
          source: input.source ?? '',
          createdBy: actor.accountId,
          years: input.years.map((y, i) => ({
            year: i,
            costPence: Number(y.costPence),
            savingPence: Number(y.savingPence),
          })),
        });
        await recordAudit(tx, {
          orgId: keeper,
          accountId: actor.accountId,
          action: 'create',
          entityType: 'business_case',
          entityKey: String(id),
          after: { title, first_year: first!.label, discount_rate: rate, years: input.years.length },
        });
        return id;
      });
    },
  };
}
