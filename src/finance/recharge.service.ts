/**
 * Recharge runs: a pool's cost for a period shared between its councils by the rule in force, each
 * line explained, the lines adding up to the pool to the penny. A run is a draft until the
 * partnership's finance lead issues it; once issued it never changes, and a correction is a new
 * run that names it (issuing the correction supersedes it). At year end a true-up shares the same
 * cost again on the actual drivers and charges the differences when a council's share moved by
 * more than the pool's tolerance. The rules of who may are in `finance-actor.ts`, asked here for
 * every caller. Every run, issue and correction is audited in its own transaction.
 *
 * The inputs a run was worked out from (the rule, members and days, driver figures, the ledger
 * and amounts) are kept with it, so the same inputs give the same pence and anyone who reads the
 * pool can check every line.
 *
 * This file stays long because one closure holds what every method shares: the pools a person may
 * see, the keeper's tenant scope, the facts read before a run's transaction and the inputs
 * gathered inside it. Splitting it means passing those between files; `rules` of who may are in
 * `finance-actor.ts`, the SQL in `finance.repository.ts` and `ledger.repository.ts`.
 */
import type { Kysely } from 'kysely';
import type { DB, RechargeRunKind, Tx } from '../db/index.ts';
import { withSystem, withTenant } from '../db/index.ts';
import { ValidationProblem, conflict, forbidden, notFound, recordAudit } from '../platform/index.ts';
import type { CaseloadQuery } from '../frontdoor/index.ts';
import type { RegisterService } from '../register/index.ts';
import {
  AllocationRuleError,
  DRIVERS,
  allocate,
  ruleProblems,
  type AllocationRule,
  type Attendance,
  type Driver,
  type DriverValues,
  type Member,
} from './allocation-rules.ts';
import { trueUp } from './true-up.ts';
import { exitCost, type ExitCost } from './exit-cost.ts';
import { apportion } from './apportion.ts';
import { daysHeld, parsePeriod, type Period } from './periods.ts';
import { RuleFormatError, describeRule, driversOf, ruleFromJson, ruleToJson } from './rule-json.ts';
import {
  financeKeeperOrg,
  mayKeepPool,
  mayReadPool,
  mayReadStatement,
  visibleCouncils,
  type FinanceActor,
  type PoolReach,
} from './finance-actor.ts';
import * as repo from './finance.repository.ts';
import * as ledger from './ledger.repository.ts';
import type { LedgerLine, LedgerMapping } from './ledger-lines.ts';
import type { LedgerLineRow, LineRow, PoolRow, RunRow } from './finance.repository.ts';

export interface FinanceDeps {
  db: Kysely<DB>;
  register: Pick<
    RegisterService,
    'partnership' | 'organisationSummaries' | 'organisation' | 'listPartnerships'
  >;
  /** Cases opened per council for some services over some London dates (the front door's). */
  caseload: (query: CaseloadQuery) => Promise<Map<number, number>>;
}

export interface CouncilRef {
  orgId: number;
  gss: string | null;
  name: string;
}

export interface PoolView {
  id: number;
  name: string;
  description: string;
  partnership: { id: number; slug: string; name: string };
  keeper: CouncilRef;
  retainedBy: CouncilRef | null;
  lgslCodes: number[];
  /** The part of its cost that stays when a member leaves, in hundredths of a percent. */
  fixedShare: number;
  illustrative: boolean;
  source: string;
  members: Array<CouncilRef & { joinedOn: string; leftOn: string | null }>;
  /** Whether the person asking may run and issue its recharges. */
  mayKeep: boolean;
  /** Whether the person asking reads every line and the ledger behind them. */
  mayReadAll: boolean;
}

export interface LineView extends CouncilRef {
  amountPence: bigint;
  driver: string | null;
  driverValue: bigint | null;
  driverTotal: bigint | null;
  explanation: string;
  estimatedPence: bigint | null;
  actualPence: bigint | null;
}

/** What a run was worked out from, as kept with it. */
export interface RunInputs {
  rule: unknown;
  ruleId: number;
  ruleFrom: string;
  basis: 'actual' | 'budget';
  ledger: { pence: string; lines: number };
  amounts: { pence: string; entries: number };
  periodDays: number;
  members: Array<{ orgId: number; key: string; name: string; days: number }>;
  drivers: Partial<Record<Driver, Record<string, string>>>;
  driverSources: Partial<Record<Driver, string>>;
  /** For a true-up: the estimate run and the figures it used, and the tolerance. */
  trueUp?: {
    estimateRun: string;
    estimatedDrivers: Partial<Record<Driver, Record<string, string>>>;
    tolerance: number;
    applies: boolean;
  };
}

export interface RunView {
  id: string;
  state: 'draft' | 'issued' | 'superseded';
  kind: RechargeRunKind;
  period: string;
  periodFirst: string;
  periodLast: string;
  corrects: string | null;
  supersededBy: string | null;
  reason: string;
  createdAt: Date;
  issuedAt: Date | null;
  pool: PoolView;
  totalPence: bigint;
  /** The lines the person asking may read: every council's, or only their own council's. */
  lines: LineView[];
  /** False when some lines are not shown (a councillor sees only their council's). */
  allLines: boolean;
  inputs: RunInputs | null;
}

export interface Statement {
  council: CouncilRef;
  partnership: { id: number; slug: string; name: string };
  period: Period;
  /** The council's line of each current run (issued, or draft where none is issued) of the pools it is charged by. */
  items: Array<{ run: RunView; line: LineView }>;
  totalPence: bigint;
  /** The pools with no issued run for the period yet. */
  notYetRun: PoolView[];
}

export interface RuleView {
  id: number;
  validFrom: string;
  rule: unknown;
  words: string;
  trueUpTolerance: number | null;
  notes: string;
}

export interface ExitModel {
  pool: PoolView;
  period: Period;
  leaver: CouncilRef;
  /** The pool's cost for the period and its fixed and variable parts. */
  totalPence: bigint;
  fixedPence: bigint;
  variablePence: bigint;
  basis: 'actual' | 'budget';
  result: ExitCost;
}

export interface FinanceService {
  /** The pools of a partnership the person may see anything of. */
  pools(actor: FinanceActor, slug: string): Promise<PoolView[]>;
  pool(actor: FinanceActor, poolId: number): Promise<PoolView>;
  /** The runs of a partnership's pools the person may see, optionally for one period. */
  runs(actor: FinanceActor, slug: string, period?: string): Promise<RunView[]>;
  run(actor: FinanceActor, runId: string): Promise<RunView>;
  /** A draft recharge of a pool for a period (a correction, with its reason, where one is issued). */
  runPool(
    actor: FinanceActor,
    poolId: number,
    period: string,
    options?: { reason?: string },
  ): Promise<RunView>;
  /** A draft true-up of a pool's issued recharge for a period on the actual drivers. */
  trueUpPool(
    actor: FinanceActor,
    poolId: number,
    period: string,
    options?: { reason?: string },
  ): Promise<RunView>;
  issue(actor: FinanceActor, runId: string): Promise<RunView>;
  /** Runs every pool of a partnership for a period; the run ids, in the pools' order. */
  runPartnership(
    actor: FinanceActor,
    slug: string,
    period: string,
    options?: {
      issue?: boolean;
      reason?: string;
      onPool?: (done: number, total: number, pool: string) => void;
    },
  ): Promise<string[]>;
  statement(actor: FinanceActor, slug: string, council: string, period: string): Promise<Statement>;
  /** What a council leaving the pool would cost those who remain, on the period's figures. */
  exitCost(actor: FinanceActor, poolId: number, period: string, council: string): Promise<ExitModel>;
  ledgerLines(
    actor: FinanceActor,
    poolId: number,
    period: string,
    page?: { limit: number; offset: number },
  ): Promise<{
    pool: PoolView;
    period: Period;
    lines: LedgerLineRow[];
    total: { pence: bigint; lines: number };
  }>;
  /** A pool's rules, newest first, each in words, for those who read the pool. */
  rules(
    actor: FinanceActor,
    poolId: number,
  ): Promise<{ pool: PoolView; rules: RuleView[]; amounts: repo.AmountRow[] }>;
  /** Saves a rule from a date, checked against the pool's members and drivers for that date's year. */
  saveRule(
    actor: FinanceActor,
    poolId: number,
    input: { validFrom: string; rule: unknown; trueUpTolerance?: number | null; notes?: string },
  ): Promise<number>;
  createPool(
    actor: FinanceActor,
    slug: string,
    input: {
      name: string;
      description?: string;
      retainedBy?: number | null;
      lgslCodes?: number[];
      fixedShare?: number;
      illustrative?: boolean;
      source?: string;
      members: Array<{ orgId: number; joinedOn: string; leftOn?: string | null }>;
      /** For the operator: the organisation that keeps the pool. */
      keeperOrgId?: number;
    },
  ): Promise<number>;
  recordAmount(
    actor: FinanceActor,
    poolId: number,
    input: { kind: 'budget' | 'actual'; period: string; pence: bigint; source: string },
  ): Promise<void>;
  /** Writes a ledger file's lines into a pool, all or nothing, audited; returns the import's id. */
  addLedgerLines(
    actor: FinanceActor,
    poolId: number,
    file: { fileName: string; sha256: string; mapping: LedgerMapping },
    lines: readonly LedgerLine[],
  ): Promise<number>;
  recordFigure(
    actor: FinanceActor,
    poolId: number,
    input: {
      memberOrgId: number;
      driver: Driver;
      period: string;
      basis: 'estimate' | 'actual';
      value: bigint;
      source: string;
    },
  ): Promise<void>;
}

export class FinanceInputError extends Error {}

const MAX_REASON = 2000;

interface OutsideFacts {
  members: Array<{ orgId: number; key: string; name: string; days: number }>;
  census: Map<number, { population: number | null; households: number | null }>;
  caseload: Map<number, number>;
}

const reachOf = (pool: PoolRow): PoolReach => ({
  partnershipId: pool.partnershipId,
  keeperOrgId: pool.orgId,
  memberOrgIds: [...new Set(pool.members.map((m) => m.orgId))],
  retainedBy: pool.retainedBy,
});

function periodOf(text: string): Period {
  const period = parsePeriod(text);
  if (!period) {
    throw new ValidationProblem({
      period: `"${text}" is not a period: give a financial year like 2025-26, a quarter like 2025-26 Q1 or a month like 2025-04`,
    });
  }
  return period;
}

const bigintRecord = (values: ReadonlyMap<string, bigint>): Record<string, string> =>
  Object.fromEntries([...values].map(([k, v]) => [k, v.toString()]));
const fromRecord = (values: Record<string, string>): Map<string, bigint> =>
  new Map(Object.entries(values).map(([k, v]) => [k, BigInt(v)]));
const driversFromJson = (json: Partial<Record<Driver, Record<string, string>>>): DriverValues =>
  Object.fromEntries(Object.entries(json).map(([d, v]) => [d, fromRecord(v)])) as DriverValues;

export function createFinanceService(deps: FinanceDeps): FinanceService {
  const { db, register } = deps;

  const partnershipBySlug = async (slug: string) => {
    const all = await register.listPartnerships();
    const found = all.find((p) => p.slug === slug);
    if (!found) throw notFound(`There is no partnership "${slug}".`);
    return { id: found.partnershipId, slug: found.slug, name: found.name };
  };

  /** Pools as views, with the names of the councils in them. */
  async function views(actor: FinanceActor, pools: PoolRow[]): Promise<PoolView[]> {
    if (pools.length === 0) return [];
    const orgIds = new Set<number>();
    for (const p of pools) {
      orgIds.add(p.orgId);
      if (p.retainedBy !== null) orgIds.add(p.retainedBy);
      for (const m of p.members) orgIds.add(m.orgId);
    }
    const orgs = await register.organisationSummaries([...orgIds]);
    const partnerships = new Map((await register.listPartnerships()).map((p) => [p.partnershipId, p]));
    const ref = (orgId: number): CouncilRef => {
      const org = orgs.get(orgId);
      return { orgId, gss: org?.gss ?? null, name: org?.name ?? `organisation ${orgId}` };
    };
    return pools.map((p) => {
      const partnership = partnerships.get(p.partnershipId);
      return {
        id: p.poolId,
        name: p.name,
        description: p.description,
        partnership: { id: p.partnershipId, slug: partnership?.slug ?? '', name: partnership?.name ?? '' },
        keeper: ref(p.orgId),
        retainedBy: p.retainedBy === null ? null : ref(p.retainedBy),
        lgslCodes: p.lgslCodes,
        fixedShare: p.fixedShare,
        illustrative: p.illustrative,
        source: p.source,
        members: p.members.map((m) => ({ ...ref(m.orgId), joinedOn: m.joinedOn, leftOn: m.leftOn })),
        mayKeep: mayKeepPool(actor, reachOf(p)),
        mayReadAll: mayReadPool(actor, reachOf(p)),
      };
    });
  }

  const sees = (actor: FinanceActor, pool: PoolRow): boolean => {
    const councils = visibleCouncils(actor, reachOf(pool));
    return councils === 'all' || councils.length > 0;
  };

  /** A pool the person may see anything of, or a 404 (a pool they may not see is one that does not exist). */
  async function visiblePool(actor: FinanceActor, poolId: number): Promise<PoolRow> {
    const [pool] = await withSystem(db, (tx) => repo.poolsOf(tx, { poolIds: [poolId] }));
    if (!pool || !sees(actor, pool)) throw notFound(`There is no pool ${poolId} that you can see.`);
    return pool;
  }

  async function keptPool(actor: FinanceActor, poolId: number): Promise<PoolRow> {
    const pool = await visiblePool(actor, poolId);
    if (!mayKeepPool(actor, reachOf(pool))) {
      throw forbidden("Only the partnership's finance lead runs, issues and corrects its recharges.");
    }
    return pool;
  }

  /** The scope that reads a pool's rows (its keeper's) and, for its keeper, writes them. */
  const scopeFor = (actor: FinanceActor, pool: PoolRow, write: boolean) => ({
    readOrgs: [pool.orgId],
    writeOrgs: write ? [pool.orgId] : [],
    accountId: actor.accountId,
  });

  async function toRunViews(
    actor: FinanceActor,
    runs: RunRow[],
    pools: Map<number, PoolRow>,
    lines: LineRow[],
  ): Promise<RunView[]> {
    const poolViews = new Map((await views(actor, [...pools.values()])).map((v) => [v.id, v]));
    const orgIds = [...new Set(lines.map((l) => l.memberOrgId))];
    const orgs = await register.organisationSummaries(orgIds);
    return runs.map((run) => {
      const pool = pools.get(run.poolId)!;
      const councils = visibleCouncils(actor, reachOf(pool));
      const mine = lines.filter((l) => l.runId === run.runId);
      const shown = councils === 'all' ? mine : mine.filter((l) => councils.includes(l.memberOrgId));
      return {
        id: run.runId,
        state: run.state,
        kind: run.kind,
        period: run.period,
        periodFirst: run.periodFirst,
        periodLast: run.periodLast,
        corrects: run.corrects,
        supersededBy: run.supersededBy,
        reason: run.reason,
        createdAt: run.createdAt,
        issuedAt: run.issuedAt,
        pool: poolViews.get(run.poolId)!,
        totalPence: BigInt(run.totalPence),
        allLines: shown.length === mine.length,
        inputs: councils === 'all' ? (run.inputs as RunInputs) : null,
        lines: shown.map((l) => {
          const org = orgs.get(l.memberOrgId);
          const big = (n: number | null) => (n === null ? null : BigInt(n));
          return {
            orgId: l.memberOrgId,
            gss: org?.gss ?? null,
            name: org?.name ?? `organisation ${l.memberOrgId}`,
            amountPence: BigInt(l.amountPence),
            driver: l.driver,
            driverValue: big(l.driverValue),
            driverTotal: big(l.driverTotal),
            explanation: l.explanation,
            estimatedPence: big(l.estimatedPence),
            actualPence: big(l.actualPence),
          };
        }),
      };
    });
  }

  /** Runs of visible pools, read in their keepers' scopes. */
  async function readRuns(
    actor: FinanceActor,
    pools: PoolRow[],
    filter: { period?: string; runId?: string },
  ): Promise<RunView[]> {
    const byKeeper = new Map<number, PoolRow[]>();
    for (const p of pools) byKeeper.set(p.orgId, [...(byKeeper.get(p.orgId) ?? []), p]);
    const runs: RunRow[] = [];
    const lines: LineRow[] = [];
    for (const [keeper, kept] of byKeeper) {
      await withTenant(db, { readOrgs: [keeper], writeOrgs: [], accountId: actor.accountId }, async (tx) => {
        let found = await repo.runsOf(
          tx,
          kept.map((p) => p.poolId),
          filter.period === undefined ? {} : { period: filter.period },
        );
        if (filter.runId !== undefined) found = found.filter((r) => r.runId === filter.runId);
        runs.push(...found);
        lines.push(
          ...(await repo.linesOf(
            tx,
            found.map((r) => r.runId),
          )),
        );
      });
    }
    runs.sort(
      (a, b) => a.periodFirst.localeCompare(b.periodFirst) || a.createdAt.getTime() - b.createdAt.getTime(),
    );
    return toRunViews(actor, runs, new Map(pools.map((p) => [p.poolId, p])), lines);
  }

  /** The members in a pool at some time in `period`, with their days in it. */
  function membersIn(pool: PoolRow, period: Period): Array<{ orgId: number; days: number }> {
    const days = new Map<number, number>();
    for (const m of pool.members) {
      const held = daysHeld(period, m.joinedOn, m.leftOn);
      if (held > 0) days.set(m.orgId, (days.get(m.orgId) ?? 0) + held);
    }
    return [...days].map(([orgId, d]) => ({ orgId, days: Math.min(d, period.days) }));
  }

  /**
   * What a run needs from the register and the front door (names, Census figures, cases), read
   * before the run's own transaction: the embedded engine has one connection, so no other
   * transaction may start inside one.
   */
  async function outsideFacts(pool: PoolRow, period: Period, rule: AllocationRule): Promise<OutsideFacts> {
    const inPeriod =
      pool.retainedBy === null ? membersIn(pool, period) : [{ orgId: pool.retainedBy, days: period.days }];
    const orgs = await register.organisationSummaries(inPeriod.map((m) => m.orgId));
    const needs = driversOf(rule);
    const census = new Map<number, { population: number | null; households: number | null }>();
    if (needs.includes('population') || needs.includes('households')) {
      for (const m of inPeriod) {
        const org = await register.organisation(String(m.orgId));
        census.set(m.orgId, { population: org.population, households: org.households });
      }
    }
    const caseload = needs.includes('caseload')
      ? await deps.caseload({
          orgIds: inPeriod.map((m) => m.orgId),
          lgslCodes: pool.lgslCodes,
          first: period.first,
          last: period.last,
        })
      : new Map<number, number>();
    const members = inPeriod.map((m) => {
      const org = orgs.get(m.orgId);
      return {
        orgId: m.orgId,
        key: org?.gss ?? String(m.orgId),
        name: org?.name ?? `organisation ${m.orgId}`,
        days: m.days,
      };
    });
    return { members, census, caseload };
  }

  /** Everything a run of `pool` for `period` is worked out from, on the estimated or the actual figures. */
  async function gatherInputs(
    tx: Tx,
    pool: PoolRow,
    period: Period,
    basis: 'estimate' | 'actual',
    rule: { row: repo.RuleRow; rule: AllocationRule },
    facts: OutsideFacts,
  ): Promise<{
    inputs: RunInputs;
    members: Member[];
    drivers: DriverValues;
    attendance: Attendance | undefined;
    total: bigint;
  }> {
    const members = facts.members;
    const keyOf = new Map(members.map((m) => [m.orgId, m.key]));
    const figures = await repo.figuresOf(tx, pool.orgId, pool.poolId, period.label);
    const drivers: DriverValues = {};
    const sources: Partial<Record<Driver, string>> = {};
    for (const driver of driversOf(rule.rule)) {
      const values = new Map<string, bigint>();
      const recorded = (wanted: 'estimate' | 'actual') =>
        figures.filter((f) => f.driver === driver && f.basis === wanted && keyOf.has(f.memberOrgId));
      if (driver === 'population' || driver === 'households') {
        for (const m of members) {
          const value = facts.census.get(m.orgId)?.[driver] ?? null;
          if (value !== null) values.set(m.key, BigInt(value));
        }
        sources[driver] = `Census 2021 ${DRIVERS[driver].counted} (ONS)`;
      } else if (driver === 'caseload' && !(basis === 'estimate' && recorded('estimate').length > 0)) {
        for (const m of members) values.set(m.key, BigInt(facts.caseload.get(m.orgId) ?? 0));
        sources[driver] =
          `cases opened from ${period.first} to ${period.last} for the pool's services, counted by the front door`;
      } else {
        const own = recorded(basis);
        const used = own.length > 0 ? own : recorded(basis === 'estimate' ? 'actual' : 'estimate');
        for (const f of used) values.set(keyOf.get(f.memberOrgId)!, BigInt(f.value));
        sources[driver] =
          used.length === 0
            ? 'no figures recorded'
            : `${used[0]!.basis === 'estimate' ? 'estimated' : 'actual'} figures recorded for ${period.label}` +
              (used[0]!.source ? ` (${used[0]!.source})` : '');
      }
      drivers[driver] = values;
    }
    const ledger = await repo.ledgerTotal(tx, pool.orgId, pool.poolId, period.first, period.last);
    const actuals = await repo.amountTotal(tx, pool.orgId, pool.poolId, 'actual', period.first, period.last);
    const budget = await repo.amountTotal(tx, pool.orgId, pool.poolId, 'budget', period.first, period.last);
    const hasActual = ledger.lines > 0 || actuals.entries > 0;
    const total = hasActual ? ledger.pence + actuals.pence : budget.pence;
    const partial = members.some((m) => m.days < period.days);
    const attendance: Attendance | undefined = partial
      ? { periodDays: period.days, days: new Map(members.map((m) => [m.key, m.days])) }
      : undefined;
    return {
      members: members.map((m) => ({ key: m.key, name: m.name })),
      drivers,
      attendance,
      total,
      inputs: {
        rule: ruleToJson(rule.rule),
        ruleId: rule.row.ruleId,
        ruleFrom: rule.row.validFrom,
        basis: hasActual ? 'actual' : 'budget',
        ledger: { pence: ledger.pence.toString(), lines: ledger.lines },
        amounts: hasActual
          ? { pence: actuals.pence.toString(), entries: actuals.entries }
          : { pence: budget.pence.toString(), entries: budget.entries },
        periodDays: period.days,
        members,
        drivers: Object.fromEntries(Object.entries(drivers).map(([d, v]) => [d, bigintRecord(v)])),
        driverSources: sources,
      },
    };
  }

  async function ruleFor(tx: Tx, pool: PoolRow, date: string) {
    const row = await repo.ruleInForce(tx, pool.orgId, pool.poolId, date);
    if (!row) {
      throw new ValidationProblem({
        rule: `${pool.name} has no allocation rule in force on ${date}: save one from that date or earlier`,
      });
    }
    return { row, rule: ruleFromJson(row.rule) };
  }

  const problemsOf = (error: unknown, pool: PoolRow): never => {
    if (error instanceof AllocationRuleError) {
      throw new ValidationProblem({ rule: `${pool.name} cannot be shared: ${error.problems.join(' ')}` });
    }
    throw error;
  };

  /** The issued run of a pool, period and kind, if any. */
  const issuedRun = async (tx: Tx, pool: PoolRow, period: string, kind: RechargeRunKind) =>
    (await repo.runsOf(tx, [pool.poolId], { period, state: 'issued' })).find((r) => r.kind === kind);

  function checkReason(reason: string | undefined, correcting: boolean): string {
    const text = (reason ?? '').trim();
    if (text.length > MAX_REASON) {
      throw new ValidationProblem({
        reason: `The reason must be ${MAX_REASON} characters or fewer (you entered ${text.length})`,
      });
    }
    if (correcting && text === '') {
      throw new ValidationProblem({
        reason: 'This period already has an issued run: say why it is being corrected',
      });
    }
    return text;
  }

  async function makeRun(
    actor: FinanceActor,
    poolId: number,
    periodText: string,
    kind: RechargeRunKind,
    reasonText: string | undefined,
  ): Promise<string> {
    const pool = await keptPool(actor, poolId);
    const period = periodOf(periodText);
    const ruleBefore = await withTenant(db, scopeFor(actor, pool, false), (tx) =>
      ruleFor(tx, pool, period.first),
    );
    const facts = await outsideFacts(pool, period, ruleBefore.rule);
    return withTenant(db, scopeFor(actor, pool, true), async (tx) => {
      const issued = await issuedRun(tx, pool, period.label, kind);
      const reason = checkReason(reasonText, issued !== undefined);
      const rule = await ruleFor(tx, pool, period.first);
      if (rule.row.ruleId !== ruleBefore.row.ruleId) {
        throw conflict(`${pool.name}'s rule for ${period.label} changed meanwhile: run it again.`);
      }
      let lines: repo.NewRun['lines'];
      let inputs: RunInputs;
      let total: bigint;
      try {
        if (kind === 'recharge') {
          const gathered = await gatherInputs(tx, pool, period, 'estimate', rule, facts);
          const allocated = allocate(
            gathered.total,
            gathered.members,
            rule.rule,
            gathered.drivers,
            gathered.attendance,
          );
          inputs = gathered.inputs;
          total = gathered.total;
          lines = allocated.map((line, i) => ({
            memberOrgId: gathered.inputs.members[i]!.orgId,
            amountPence: line.pence,
            driver: line.driver?.name ?? null,
            driverValue: line.driver?.value ?? null,
            driverTotal: line.driver?.total ?? null,
            explanation: line.explanation,
            estimatedPence: null,
            actualPence: null,
          }));
        } else {
          const estimate = await issuedRun(tx, pool, period.label, 'recharge');
          if (!estimate) {
            throw new ValidationProblem({
              period: `${pool.name} has no issued recharge for ${period.label} to true up: issue one first`,
            });
          }
          if (rule.row.trueUpTolerance === null) {
            throw new ValidationProblem({ rule: `${pool.name}'s rule has no true-up tolerance` });
          }
          const estimated = estimate.inputs as RunInputs;
          const gathered = await gatherInputs(tx, pool, period, 'actual', rule, facts);
          const amount = BigInt(estimate.totalPence);
          const result = trueUp(
            amount,
            gathered.members,
            rule.rule,
            driversFromJson(estimated.drivers),
            gathered.drivers,
            BigInt(rule.row.trueUpTolerance),
            gathered.attendance,
          );
          inputs = {
            ...gathered.inputs,
            trueUp: {
              estimateRun: estimate.runId,
              estimatedDrivers: estimated.drivers,
              tolerance: rule.row.trueUpTolerance,
              applies: result.applies,
            },
          };
          total = result.lines.reduce((sum, l) => sum + l.adjustment, 0n);
          const actualLines = allocate(
            amount,
            gathered.members,
            rule.rule,
            gathered.drivers,
            gathered.attendance,
          );
          lines = result.lines.map((line, i) => ({
            memberOrgId: gathered.inputs.members[i]!.orgId,
            amountPence: line.adjustment,
            driver: actualLines[i]!.driver?.name ?? null,
            driverValue: actualLines[i]!.driver?.value ?? null,
            driverTotal: actualLines[i]!.driver?.total ?? null,
            explanation: line.explanation,
            estimatedPence: line.estimated,
            actualPence: line.actual,
          }));
        }
      } catch (error) {
        return problemsOf(error, pool);
      }
      const discarded = await repo.discardDrafts(tx, pool.orgId, pool.poolId, period.label, kind);
      const runId = await repo.insertRun(tx, {
        orgId: pool.orgId,
        poolId: pool.poolId,
        period: period.label,
        periodFirst: period.first,
        periodLast: period.last,
        kind,
        corrects: issued?.runId ?? null,
        reason,
        totalPence: total,
        inputs,
        createdBy: actor.accountId,
        lines,
      });
      await recordAudit(tx, {
        orgId: pool.orgId,
        accountId: actor.accountId,
        action: 'create',
        entityType: 'recharge_run',
        entityKey: runId,
        after: {
          pool: pool.name,
          period: period.label,
          kind,
          corrects: issued?.runId ?? null,
          reason,
          total_pence: total.toString(),
          discarded_drafts: discarded,
        },
      });
      return runId;
    });
  }

  async function issue(actor: FinanceActor, runId: string): Promise<RunView> {
    const found = await withSystem(db, (tx) => repo.runById(tx, runId));
    if (!found) throw notFound(`There is no recharge run ${runId} that you can see.`);
    const pool = await keptPool(actor, found.poolId);
    await withTenant(db, scopeFor(actor, pool, true), async (tx) => {
      const run = await repo.runById(tx, runId);
      if (!run || run.state !== 'draft') {
        throw conflict(`Run ${runId} is ${run?.state ?? 'gone'}: only a draft can be issued.`);
      }
      if (run.corrects !== null) {
        if (!(await repo.markSuperseded(tx, pool.orgId, run.corrects, runId))) {
          throw conflict(
            `The run this corrects (${run.corrects}) is no longer the issued one: run the correction again.`,
          );
        }
      } else if (await issuedRun(tx, pool, run.period, run.kind)) {
        throw conflict(
          `${pool.name} already has an issued ${run.kind.replace('_', '-')} for ${run.period}: run a correction instead.`,
        );
      }
      if (!(await repo.markIssued(tx, pool.orgId, runId, actor.accountId))) {
        throw conflict(`Run ${runId} was issued by someone else meanwhile.`);
      }
      await recordAudit(tx, {
        orgId: pool.orgId,
        accountId: actor.accountId,
        action: run.corrects === null ? 'update' : 'supersede',
        entityType: 'recharge_run',
        entityKey: runId,
        before: { state: 'draft' },
        after: { state: 'issued', supersedes: run.corrects },
      });
    });
    return (await readRuns(actor, [pool], { runId }))[0]!;
  }

  async function readOne(actor: FinanceActor, runId: string): Promise<RunView> {
    const found = await withSystem(db, (tx) => repo.runById(tx, runId));
    if (!found) throw notFound(`There is no recharge run ${runId} that you can see.`);
    const pool = await visiblePool(actor, found.poolId).catch(() => {
      throw notFound(`There is no recharge run ${runId} that you can see.`);
    });
    return (await readRuns(actor, [pool], { runId }))[0]!;
  }

  return {
    async pools(actor, slug) {
      const partnership = await partnershipBySlug(slug);
      const pools = await withSystem(db, (tx) => repo.poolsOf(tx, { partnershipIds: [partnership.id] }));
      return views(
        actor,
        pools.filter((p) => sees(actor, p)),
      );
    },

    async pool(actor, poolId) {
      return (await views(actor, [await visiblePool(actor, poolId)]))[0]!;
    },

    async runs(actor, slug, period) {
      const partnership = await partnershipBySlug(slug);
      const label = period === undefined ? undefined : periodOf(period).label;
      const pools = (
        await withSystem(db, (tx) => repo.poolsOf(tx, { partnershipIds: [partnership.id] }))
      ).filter((p) => sees(actor, p));
      return readRuns(actor, pools, label === undefined ? {} : { period: label });
    },

    run: readOne,

    async runPool(actor, poolId, period, options = {}) {
      return readOne(actor, await makeRun(actor, poolId, period, 'recharge', options.reason));
    },

    async trueUpPool(actor, poolId, period, options = {}) {
      return readOne(actor, await makeRun(actor, poolId, period, 'true_up', options.reason));
    },

    issue,

    async runPartnership(actor, slug, periodText, options = {}) {
      const partnership = await partnershipBySlug(slug);
      const period = periodOf(periodText);
      const pools = (
        await withSystem(db, (tx) => repo.poolsOf(tx, { partnershipIds: [partnership.id] }))
      ).filter((p) => mayKeepPool(actor, reachOf(p)));
      if (pools.length === 0) {
        throw forbidden(
          `You keep no pools of ${partnership.name}: only its finance lead runs its recharges.`,
        );
      }
      const ids: string[] = [];
      for (const [i, pool] of pools.entries()) {
        const runId = await makeRun(actor, pool.poolId, period.label, 'recharge', options.reason);
        if (options.issue) await issue(actor, runId);
        ids.push(runId);
        options.onPool?.(i + 1, pools.length, pool.name);
      }
      return ids;
    },

    async statement(actor, slug, councilKey, periodText) {
      const partnership = await partnershipBySlug(slug);
      const period = periodOf(periodText);
      const org = await register.organisation(councilKey).catch(() => {
        throw notFound(`There is no council "${councilKey}".`);
      });
      if (!mayReadStatement(actor, org.orgId, [partnership.id])) {
        throw forbidden(
          `Only ${org.name}'s finance officers and councillors, and the partnership's finance lead, read its statement.`,
        );
      }
      const pools = (
        await withSystem(db, (tx) => repo.poolsOf(tx, { partnershipIds: [partnership.id] }))
      ).filter((p) =>
        p.retainedBy === null ? p.members.some((m) => m.orgId === org.orgId) : p.retainedBy === org.orgId,
      );
      // The statement is the council's own lines: read as whoever may read them, which the rule above has decided.
      const readAs: FinanceActor = { ...actor, councillorOf: [...actor.councillorOf, org.orgId] };
      const runs = (await readRuns(readAs, pools, { period: period.label })).filter(
        (r) => r.state !== 'superseded',
      );
      const items: Statement['items'] = [];
      const issuedPools = new Set<number>();
      for (const run of runs) {
        const line = run.lines.find((l) => l.orgId === org.orgId);
        if (!line) continue;
        const hasIssued = runs.some(
          (r) => r.pool.id === run.pool.id && r.kind === run.kind && r.state === 'issued',
        );
        if (run.state === 'draft' && hasIssued) continue;
        if (run.state === 'issued' && run.kind === 'recharge') issuedPools.add(run.pool.id);
        items.push({ run: { ...run, lines: run.allLines ? run.lines : run.lines }, line });
      }
      const council: CouncilRef = { orgId: org.orgId, gss: org.gss, name: org.name };
      return {
        council,
        partnership,
        period,
        items,
        totalPence: items
          .filter((i) => i.run.state === 'issued')
          .reduce((sum, i) => sum + i.line.amountPence, 0n),
        notYetRun: await views(
          actor,
          pools.filter((p) => !issuedPools.has(p.poolId)),
        ),
      };
    },

    async exitCost(actor, poolId, periodText, councilKey) {
      const pool = await visiblePool(actor, poolId);
      const reach = reachOf(pool);
      const councillor = reach.memberOrgIds.some((org) => actor.councillorOf.includes(org));
      if (!mayReadPool(actor, reach) && !councillor) {
        throw forbidden("A partner's exit is modelled for the pool's members and its finance lead.");
      }
      if (pool.retainedBy !== null) {
        throw new ValidationProblem({
          council: `${pool.name} is one council's retained costs: nobody else shares them`,
        });
      }
      const period = periodOf(periodText);
      const rule = await withTenant(db, scopeFor(actor, pool, false), (tx) =>
        ruleFor(tx, pool, period.first),
      );
      const facts = await outsideFacts(pool, period, rule.rule);
      const leaver = facts.members.find(
        (m) => m.key === councilKey.toUpperCase() || String(m.orgId) === councilKey,
      );
      if (!leaver) {
        throw new ValidationProblem({
          council: `"${councilKey}" is not a member of ${pool.name} in ${period.label}`,
        });
      }
      const gathered = await withTenant(db, scopeFor(actor, pool, false), (tx) =>
        gatherInputs(tx, pool, period, 'estimate', rule, facts),
      );
      const parts = apportion(gathered.total, [
        { key: 'fixed', weight: BigInt(pool.fixedShare) },
        { key: 'variable', weight: BigInt(10_000 - pool.fixedShare) },
      ]);
      const costs = { fixed: parts.get('fixed')!, variable: parts.get('variable')! };
      let result: ExitCost;
      try {
        result = exitCost(
          costs,
          gathered.members,
          rule.rule,
          gathered.drivers,
          leaver.key,
          gathered.attendance,
        );
      } catch (error) {
        if (error instanceof RangeError) throw new ValidationProblem({ council: error.message });
        return problemsOf(error, pool);
      }
      return {
        pool: (await views(actor, [pool]))[0]!,
        period,
        leaver: { orgId: leaver.orgId, gss: leaver.key, name: leaver.name },
        totalPence: gathered.total,
        fixedPence: costs.fixed,
        variablePence: costs.variable,
        basis: gathered.inputs.basis,
        result,
      };
    },

    async ledgerLines(actor, poolId, periodText, page = { limit: 100, offset: 0 }) {
      const pool = await visiblePool(actor, poolId);
      if (!mayReadPool(actor, reachOf(pool))) {
        throw forbidden(
          "The ledger lines behind a pool are for its members' finance officers and the finance lead.",
        );
      }
      const period = periodOf(periodText);
      const limit = Math.min(Math.max(1, page.limit), 500);
      const offset = Math.max(0, page.offset);
      const [lines, total] = await withTenant(
        db,
        scopeFor(actor, pool, false),
        async (tx) =>
          [
            await repo.ledgerLinesOf(tx, pool.orgId, pool.poolId, period.first, period.last, {
              limit,
              offset,
            }),
            await repo.ledgerTotal(tx, pool.orgId, pool.poolId, period.first, period.last),
          ] as const,
      );
      return { pool: (await views(actor, [pool]))[0]!, period, lines, total };
    },

    async rules(actor, poolId) {
      const pool = await visiblePool(actor, poolId);
      if (!mayReadPool(actor, reachOf(pool))) {
        throw forbidden("A pool's rules are for its members' finance officers and the finance lead.");
      }
      const view = (await views(actor, [pool]))[0]!;
      const names = new Map(view.members.map((m) => [m.gss ?? String(m.orgId), m.name]));
      const [rows, amounts] = await withTenant(
        db,
        scopeFor(actor, pool, false),
        async (tx) =>
          [
            await repo.rulesOf(tx, pool.orgId, pool.poolId),
            await repo.amountsOf(tx, pool.orgId, pool.poolId),
          ] as const,
      );
      return {
        pool: view,
        amounts,
        rules: rows.map((r) => ({
          id: r.ruleId,
          validFrom: r.validFrom,
          rule: r.rule,
          words: describeRule(ruleFromJson(r.rule), names),
          trueUpTolerance: r.trueUpTolerance,
          notes: r.notes,
        })),
      };
    },

    async saveRule(actor, poolId, input) {
      const pool = await keptPool(actor, poolId);
      const errors: Record<string, string> = {};
      const from = parsePeriod(input.validFrom.slice(0, 7)) ? input.validFrom : '';
      if (
        !/^\d{4}-\d{2}-\d{2}$/.test(input.validFrom) ||
        Number.isNaN(Date.parse(input.validFrom)) ||
        from === ''
      ) {
        errors.validFrom = 'Enter the date the rule applies from as a real date, like 2025-04-01';
      }
      let rule: AllocationRule | undefined;
      try {
        rule = ruleFromJson(input.rule);
      } catch (error) {
        if (!(error instanceof RuleFormatError)) throw error;
        errors.rule = error.message;
      }
      const tolerance = input.trueUpTolerance ?? null;
      if (tolerance !== null && (!Number.isSafeInteger(tolerance) || tolerance < 0 || tolerance > 10_000)) {
        errors.trueUpTolerance =
          'The tolerance must be a whole number of hundredths of a percent, from 0 to 10000';
      }
      const notes = (input.notes ?? '').trim();
      if (notes.length > MAX_REASON)
        errors.notes = `The notes must be ${MAX_REASON} characters or fewer (you entered ${notes.length})`;
      if (Object.keys(errors).length > 0) throw new ValidationProblem(errors);
      const year = parsePeriod(input.validFrom.slice(0, 7))!;
      const financialYear = parsePeriod(year.year)!;
      const facts = await outsideFacts(pool, financialYear, rule!);
      return withTenant(db, scopeFor(actor, pool, true), async (tx) => {
        const gathered = await gatherInputs(
          tx,
          pool,
          financialYear,
          'estimate',
          {
            row: {
              ruleId: 0,
              validFrom: input.validFrom,
              rule: input.rule,
              trueUpTolerance: tolerance,
              notes,
            },
            rule: rule!,
          },
          facts,
        );
        const problems = ruleProblems(rule!, gathered.members, gathered.drivers, gathered.attendance);
        if (problems.length > 0) throw new ValidationProblem({ rule: problems.join(' ') });
        const ruleId = await repo
          .insertRule(tx, {
            orgId: pool.orgId,
            poolId: pool.poolId,
            validFrom: input.validFrom,
            rule: ruleToJson(rule!),
            trueUpTolerance: tolerance,
            notes,
            recordedBy: actor.accountId,
          })
          .catch((error: unknown) => {
            if (
              error instanceof Error &&
              /allocation_rule_org_id_pool_id_valid_from_key|duplicate key/.test(error.message)
            ) {
              throw conflict(
                `${pool.name} already has a rule from ${input.validFrom}: save the new one from another date.`,
              );
            }
            throw error;
          });
        await recordAudit(tx, {
          orgId: pool.orgId,
          accountId: actor.accountId,
          action: 'create',
          entityType: 'allocation_rule',
          entityKey: String(ruleId),
          after: {
            pool: pool.name,
            valid_from: input.validFrom,
            rule: ruleToJson(rule!),
            true_up_tolerance: tolerance,
          },
        });
        return ruleId;
      });
    },

    async createPool(actor, slug, input) {
      const partnership = await partnershipBySlug(slug);
      const keeper = actor.operator ? (input.keeperOrgId ?? null) : financeKeeperOrg(actor, partnership.id);
      if (keeper === null) throw forbidden(`Only ${partnership.name}'s finance lead sets up its pools.`);
      const name = input.name.trim();
      if (name === '' || name.length > 200)
        throw new ValidationProblem({ name: 'Enter a name of 200 characters or fewer' });
      if (input.members.length === 0 && (input.retainedBy ?? null) === null) {
        throw new ValidationProblem({ members: 'A shared pool needs the councils that share it' });
      }
      return withTenant(
        db,
        { readOrgs: [keeper], writeOrgs: [keeper], accountId: actor.accountId },
        async (tx) => {
          const poolId = await repo.insertPool(tx, {
            ...input,
            name,
            orgId: keeper,
            partnershipId: partnership.id,
          });
          await repo.insertMembers(tx, keeper, poolId, input.members);
          await recordAudit(tx, {
            orgId: keeper,
            accountId: actor.accountId,
            action: 'create',
            entityType: 'cost_pool',
            entityKey: String(poolId),
            after: { name, partnership: slug, members: input.members, retained_by: input.retainedBy ?? null },
          });
          return poolId;
        },
      );
    },

    async recordAmount(actor, poolId, input) {
      const pool = await keptPool(actor, poolId);
      const period = periodOf(input.period);
      const source = input.source.trim();
      if (source.length > MAX_REASON) {
        throw new ValidationProblem({ source: `The source must be ${MAX_REASON} characters or fewer` });
      }
      await withTenant(db, scopeFor(actor, pool, true), async (tx) => {
        await repo.insertAmount(tx, {
          orgId: pool.orgId,
          poolId,
          kind: input.kind,
          period: period.label,
          periodFirst: period.first,
          periodLast: period.last,
          pence: input.pence,
          source: input.source,
          recordedBy: actor.accountId,
        });
        await recordAudit(tx, {
          orgId: pool.orgId,
          accountId: actor.accountId,
          action: 'create',
          entityType: 'pool_amount',
          entityKey: `${poolId}:${input.kind}:${period.label}`,
          after: { pence: input.pence.toString(), source: input.source },
        });
      });
    },

    async addLedgerLines(actor, poolId, file, lines) {
      const pool = await keptPool(actor, poolId);
      return withTenant(db, scopeFor(actor, pool, true), async (tx) => {
        const importId = await ledger
          .insertImport(tx, {
            ...file,
            orgId: pool.orgId,
            poolId,
            lineCount: lines.length,
            totalPence: lines.reduce((sum, l) => sum + l.amount, 0n),
            importedBy: actor.accountId,
          })
          .catch((error: unknown) => {
            if (
              error instanceof Error &&
              /ledger_import_org_id_pool_id_file_sha256_key|duplicate key/.test(error.message)
            ) {
              throw conflict(`${file.fileName} has already been imported into ${pool.name}.`);
            }
            throw error;
          });
        // A few thousand rows a statement keeps each under the engines' parameter limit.
        for (let i = 0; i < lines.length; i += 2000) {
          await ledger.insertLines(tx, pool.orgId, poolId, importId, lines.slice(i, i + 2000));
        }
        await recordAudit(tx, {
          orgId: pool.orgId,
          accountId: actor.accountId,
          action: 'import',
          entityType: 'ledger_import',
          entityKey: String(importId),
          after: {
            pool: pool.name,
            file: file.fileName,
            sha256: file.sha256,
            lines: lines.length,
            total_pence: lines.reduce((sum, l) => sum + l.amount, 0n).toString(),
          },
        });
        return importId;
      });
    },

    async recordFigure(actor, poolId, input) {
      const pool = await keptPool(actor, poolId);
      const period = periodOf(input.period);
      if (input.value < 0n) throw new ValidationProblem({ value: 'A driver figure cannot be negative' });
      if (!pool.members.some((m) => m.orgId === input.memberOrgId) && pool.retainedBy !== input.memberOrgId) {
        throw new ValidationProblem({ memberOrgId: 'That council does not share this pool' });
      }
      await withTenant(db, scopeFor(actor, pool, true), async (tx) => {
        await repo.upsertFigure(tx, { ...input, orgId: pool.orgId, poolId, period: period.label });
        await recordAudit(tx, {
          orgId: pool.orgId,
          accountId: actor.accountId,
          action: 'update',
          entityType: 'driver_figure',
          entityKey: `${poolId}:${input.memberOrgId}:${input.driver}:${period.label}:${input.basis}`,
          after: { value: input.value.toString(), source: input.source },
        });
      });
    },
  };
}
