/**
 * How a proposal reads: its register changes before and after in words, its approvals with each
 * council's decisions and history, its state and what it waits for, and what the person asking may
 * do with it. Read-only: the proposal service (`proposal.service.ts`) makes the changes.
 */
import type { Kysely } from 'kysely';
import type { DB, GovernanceBodyKind, Tx } from '../db/index.ts';
import { withSystem } from '../db/index.ts';
import { todayInLondon } from '../platform/index.ts';
import {
  DELIVERY_LEVELS,
  DELIVERY_MODES,
  PUBLIC_ACTOR,
  type Arrangement,
  type RegisterService,
} from '../register/index.ts';
import {
  adoptingCouncils,
  mayRecordDecision,
  proposalState,
  waitingFor,
  type Decision,
  type ProposalFacts,
  type ProposalState,
} from './proposal-rules.ts';
import { mayKeepProposal, type GovernanceActor } from './governance-actor.ts';
import * as repo from './proposal.repository.ts';
import type { ChangeRow, DecisionRow, ProposalRow } from './proposal.repository.ts';
import type { ChangeKind } from './change-kinds.ts';
import { poolsIn, ruleWords, rulesIn, type PoolSummary, type RuleRow } from '../finance/index.ts';

export interface CouncilRef {
  orgId: number;
  gss: string | null;
  name: string;
}

export interface BodyView {
  bodyId: number;
  orgId: number;
  name: string;
  kind: GovernanceBodyKind;
}

export interface ArrangementSide {
  kind: 'arrangement';
  mode: string;
  level: string;
  provider: CouncilRef;
  areaCode: string | null;
  arrangementId: number | null;
  /** In words: "Delivered by a lead authority: East Devon District Council, per cluster". */
  text: string;
}

/** How a cost pool is shared: the rule from a date, in words. */
export interface RuleSide {
  kind: 'allocation_rule';
  ruleId: number | null;
  validFrom: string | null;
  rule: unknown;
  text: string;
}

/** A council's membership of the partnership. */
export interface MemberSide {
  kind: 'membership';
  role: string | null;
  joinedOn: string | null;
  leftOn: string | null;
  text: string;
}

export type ChangeSide = ArrangementSide | RuleSide | MemberSide;

export interface ChangeView {
  position: number;
  kind: ChangeKind;
  /** The council whose arrangement changes, which keeps the pool, or which joins or leaves. */
  council: CouncilRef;
  lgslCode: number | null;
  /** What changes: the service, the cost pool, or the partnership's membership. */
  service: string;
  pool: { id: number; name: string } | null;
  /** As it stands on the effective date (once in effect, what it replaced), or null for none. */
  before: ChangeSide | null;
  after: ChangeSide;
  matters: string[];
  /** Whether it took effect (true), will not for this council (false), or is not yet decided (null). */
  adopted: boolean | null;
}

export interface DecisionView {
  decisionId: number;
  decision: Decision;
  decidedOn: string;
  minute: string;
  paper: string;
  notes: string;
  recordedAt: string;
}

export interface ApprovalView {
  council: CouncilRef;
  body: BodyView;
  reason: 'listed' | 'reserved_matter';
  matters: string[];
  /** The latest decision, which counts; earlier ones (a deferral) are in `history`. */
  latest: DecisionView | null;
  history: DecisionView[];
}

export interface ProposalView {
  id: string;
  title: string;
  summary: string;
  partnership: { id: number; slug: string; name: string };
  keeper: CouncilRef;
  state: ProposalState;
  effectiveFrom: string;
  partialAdoption: boolean;
  internal: boolean;
  illustrative: boolean;
  source: string;
  createdAt: string;
  submittedAt: string | null;
  recommendation: { by: string; on: string; minute: string } | null;
  withdrawnAt: string | null;
  withdrawalReason: string | null;
  appliedAt: string | null;
  waitingFor: string | null;
  changes: ChangeView[];
  approvals: ApprovalView[];
  /** Whether the person asking submits and withdraws it. */
  mayKeep: boolean;
  /** The councils the person asking records a decision for, now. */
  mayDecideFor: number[];
}

const iso = (at: Date | null) => (at === null ? null : at.toISOString());
export const laterOf = (a: string, b: string) => (a > b ? a : b);

export interface PartnershipRef {
  id: number;
  slug: string;
  name: string;
  areaNames: ReadonlyMap<string, string>;
  members: ReadonlyArray<{ orgId: number; role: string; joinedOn: string; leftOn: string | null }>;
}

/** Everything read of a proposal in one transaction, so its facts and views agree. */
export interface Loaded {
  row: ProposalRow;
  changes: ChangeRow[];
  approvals: repo.ApprovalRow[];
  decisions: DecisionRow[];
}

/** A proposal's facts for the rules; names only word what it waits for. */
export function factsOf(
  l: Loaded,
  names: ReadonlyMap<number, string> = new Map(),
  bodyNames: ReadonlyMap<number, string> = new Map(),
): ProposalFacts {
  const latest = new Map<string, Decision>();
  for (const d of l.decisions) latest.set(`${d.orgId}:${d.bodyId}`, d.decision);
  return {
    submitted: l.row.submittedAt !== null,
    withdrawn: l.row.withdrawnAt !== null,
    applied: l.row.appliedAt !== null,
    effectiveFrom: l.row.effectiveFrom,
    partialAdoption: l.row.partialAdoption,
    approvals: l.approvals.map((a) => ({
      orgId: a.councilOrgId,
      orgName: names.get(a.councilOrgId) ?? String(a.councilOrgId),
      body: bodyNames.get(a.bodyId) ?? String(a.bodyId),
      reason: a.reason,
      decision: latest.get(`${a.councilOrgId}:${a.bodyId}`) ?? null,
    })),
    changedOrgIds: l.changes.map((c) => c.councilOrgId),
  };
}

export async function load(tx: Tx, rows: ProposalRow[]): Promise<Loaded[]> {
  const ids = rows.map((r) => r.proposalId);
  const [changes, approvals, decisions] = await Promise.all([
    repo.changesOf(tx, ids),
    repo.approvalsOf(tx, ids),
    repo.decisionsOf(tx, ids),
  ]);
  return rows.map((row) => ({
    row,
    changes: changes.filter((c) => c.proposalId === row.proposalId),
    approvals: approvals.filter((a) => a.proposalId === row.proposalId),
    decisions: decisions.filter((d) => d.proposalId === row.proposalId),
  }));
}

/** The database and the register's door, which the proposal service is built from too. */
export interface ViewDeps {
  db: Kysely<DB>;
  register: Pick<
    RegisterService,
    | 'partnership'
    | 'organisationSummaries'
    | 'services'
    | 'arrangementsInForce'
    | 'serviceHistory'
    | 'matrix'
    | 'organisation'
  >;
}

/** The read side shared by every method of the proposal service. */
export function createProposalViews(deps: ViewDeps) {
  const { db, register } = deps;
  const bodiesOf = (orgIds: readonly number[]) => withSystem(db, (tx) => repo.bodiesOf(tx, orgIds));

  async function refs(orgIds: Iterable<number>): Promise<Map<number, CouncilRef>> {
    const summaries = await register.organisationSummaries([...new Set(orgIds)]);
    return new Map([...summaries].map(([id, s]) => [id, { orgId: id, gss: s.gss, name: s.name }] as const));
  }

  function describe(
    side: {
      mode: string;
      level: string;
      providerOrgId: number;
      areaCode: string | null;
      arrangementId: number | null;
    },
    names: Map<number, CouncilRef>,
    areaNames: ReadonlyMap<string, string>,
  ): ArrangementSide {
    const provider = names.get(side.providerOrgId) ?? { orgId: side.providerOrgId, gss: null, name: '' };
    const mode = DELIVERY_MODES[side.mode as keyof typeof DELIVERY_MODES] ?? side.mode;
    const level = DELIVERY_LEVELS[side.level as keyof typeof DELIVERY_LEVELS] ?? side.level;
    // A district's or county's own area goes without saying; a cluster's or locality's is named.
    const below = side.level === 'cluster' || side.level === 'locality';
    const where = below && side.areaCode ? ` (${areaNames.get(side.areaCode) ?? side.areaCode})` : '';
    return {
      kind: 'arrangement',
      mode: side.mode,
      level: side.level,
      provider,
      areaCode: side.areaCode,
      arrangementId: side.arrangementId,
      text: `${mode}: ${provider.name}, ${level.toLowerCase()}${where}`,
    };
  }

  const sideOf = (a: Arrangement) => ({
    mode: a.mode,
    level: a.level,
    providerOrgId: a.provider.orgId,
    areaCode: a.areaCode,
    arrangementId: a.arrangementId,
  });

  /** The pools the proposals' rule changes name, each with its rules, newest first. */
  async function poolRules(loaded: Loaded[]): Promise<Map<string, { pool: PoolSummary; rules: RuleRow[] }>> {
    const wanted = loaded.flatMap((l) => l.changes.flatMap((c) => (c.kind === 'allocation_rule' ? [c] : [])));
    const found = new Map<string, { pool: PoolSummary; rules: RuleRow[] }>();
    if (wanted.length === 0) return found;
    // A published proposal publishes the rule it changes; the rule's own pool stays its members'.
    await withSystem(db, async (tx) => {
      for (const pool of await poolsIn(tx, { poolIds: [...new Set(wanted.map((c) => c.poolId))] }))
        found.set(`${pool.orgId}:${pool.poolId}`, {
          pool,
          rules: await rulesIn(tx, pool.orgId, pool.poolId),
        });
    });
    return found;
  }

  function ruleSide(
    ruleId: number | null,
    validFrom: string | null,
    rule: unknown,
    gssNames: ReadonlyMap<string, string>,
  ): RuleSide {
    const words = ruleWords(rule, gssNames);
    return {
      kind: 'allocation_rule',
      ruleId,
      validFrom,
      rule,
      text: validFrom ? `From ${validFrom}: ${words}` : words,
    };
  }

  async function views(actor: GovernanceActor, loaded: Loaded[]): Promise<ProposalView[]> {
    if (loaded.length === 0) return [];
    const today = todayInLondon();
    const orgIds = new Set<number>();
    for (const l of loaded) {
      orgIds.add(l.row.orgId);
      for (const c of l.changes) {
        orgIds.add(c.councilOrgId);
        if (c.kind === 'arrangement') orgIds.add(c.providerOrgId);
      }
      for (const a of l.approvals) orgIds.add(a.councilOrgId);
    }
    const bodies = new Map(
      (await bodiesOf([...new Set(loaded.flatMap((l) => l.approvals.map((a) => a.councilOrgId)))])).map(
        (b) => [b.bodyId, b] as const,
      ),
    );
    const bodyNames = new Map([...bodies].map(([id, b]) => [id, b.name]));
    const arrangementsOf = (l: Loaded) => l.changes.flatMap((c) => (c.kind === 'arrangement' ? [c] : []));
    const codes = [...new Set(loaded.flatMap((l) => arrangementsOf(l).map((c) => c.lgslCode)))];
    const rules = await poolRules(loaded);
    for (const { pool } of rules.values()) for (const m of pool.members) orgIds.add(m.orgId);
    const labels = new Map(
      (await register.services({ codes, limit: codes.length })).map((s) => [s.lgslCode, s.label]),
    );
    const partnerships = new Map<number, PartnershipRef>();
    // What each change replaces, read per proposal and per service rather than per change: as the
    // register stands on the effective date, or, once in effect, the arrangement it replaced.
    const befores = new Map<string, Arrangement | null>();
    for (const l of loaded) {
      const pending = arrangementsOf(l).filter((c) => c.madeArrangementId === null);
      const made = arrangementsOf(l).filter((c) => c.madeArrangementId !== null);
      const inForce =
        pending.length === 0
          ? []
          : await register.arrangementsInForce(
              PUBLIC_ACTOR,
              [...new Set(pending.map((c) => c.councilOrgId))],
              laterOf(l.row.effectiveFrom, today),
              [...new Set(pending.map((c) => c.lgslCode))],
            );
      const replaced: Arrangement[] = [];
      for (const code of new Set(made.map((c) => c.lgslCode))) {
        const orgs = [...new Set(made.filter((c) => c.lgslCode === code).map((c) => c.councilOrgId))];
        replaced.push(...(await register.serviceHistory(PUBLIC_ACTOR, code, orgs)));
      }
      for (const c of arrangementsOf(l)) {
        const before =
          c.madeArrangementId === null
            ? inForce.find((a) => a.orgId === c.councilOrgId && a.lgslCode === c.lgslCode)
            : replaced.find((a) => a.arrangementId === c.replacedArrangementId);
        if (before) orgIds.add(before.provider.orgId);
        befores.set(`${l.row.proposalId}:${c.position}`, before ?? null);
      }
    }
    const names = await refs(orgIds);
    const nameMap = new Map([...names].map(([id, r]) => [id, r.name]));
    const result: ProposalView[] = [];
    for (const l of loaded) {
      const facts = factsOf(l, nameMap, bodyNames);
      const state = proposalState(facts);
      const adopting = new Set(adoptingCouncils(facts));
      const decidedAll = state !== 'draft' && state !== 'awaiting_decisions' && state !== 'withdrawn';
      const partnership =
        partnerships.get(l.row.partnershipId) ?? (await partnershipById(l.row.partnershipId));
      partnerships.set(l.row.partnershipId, partnership);
      const gssNames = new Map(
        [...names.values()].filter((r) => r.gss !== null).map((r) => [r.gss!, r.name] as const),
      );
      const changes: ChangeView[] = l.changes.map((c): ChangeView => {
        const council = names.get(c.councilOrgId)!;
        const common = { position: c.position, kind: c.kind, council, matters: c.matters };
        const settled = state === 'approved' || state === 'in_effect' ? true : decidedAll ? false : null;
        if (c.kind === 'allocation_rule') {
          const { pool, rules: kept } = rules.get(`${c.councilOrgId}:${c.poolId}`)!;
          const made = kept.find((r) => r.ruleId === c.madeRuleId);
          const on = laterOf(l.row.effectiveFrom, today);
          const before = made
            ? kept.find((r) => r.validFrom < made.validFrom)
            : kept.find((r) => r.validFrom <= on);
          return {
            ...common,
            lgslCode: null,
            service: `How ${pool.name} is shared`,
            pool: { id: pool.poolId, name: pool.name },
            before: before ? ruleSide(before.ruleId, before.validFrom, before.rule, gssNames) : null,
            after: ruleSide(made?.ruleId ?? null, made?.validFrom ?? null, c.rule, gssNames),
            adopted: l.row.appliedAt !== null ? true : settled,
          };
        }
        if (c.kind !== 'arrangement') {
          const record = partnership.members.find((m) => m.orgId === c.councilOrgId);
          const on = laterOf(l.row.effectiveFrom, today);
          const applied = l.row.appliedAt !== null;
          const member = (
            role: string | null,
            joinedOn: string | null,
            leftOn: string | null,
            text: string,
          ) => ({ kind: 'membership', role, joinedOn, leftOn, text }) as const;
          const role = c.kind === 'join' ? (c.role ?? 'member') : (record?.role ?? null);
          const as = role === 'associate' ? 'An associate' : 'A member';
          const since = c.kind === 'leave' || applied ? (record?.joinedOn ?? null) : null;
          return {
            ...common,
            lgslCode: null,
            service: `Membership of ${partnership.name}`,
            pool: null,
            before:
              c.kind === 'join'
                ? member(null, null, null, `Not a member of ${partnership.name}`)
                : member(role, since, null, `${as} since ${since ?? 'it joined'}`),
            after:
              c.kind === 'join'
                ? member(
                    role,
                    applied ? (record?.joinedOn ?? on) : l.row.effectiveFrom,
                    null,
                    `${as} from ${applied ? (record?.joinedOn ?? on) : l.row.effectiveFrom}`,
                  )
                : member(
                    role,
                    since,
                    applied ? (record?.leftOn ?? on) : l.row.effectiveFrom,
                    `Leaves ${partnership.name} from ${applied ? (record?.leftOn ?? on) : l.row.effectiveFrom}`,
                  ),
            adopted: applied ? true : settled,
          };
        }
        const before = befores.get(`${l.row.proposalId}:${c.position}`) ?? null;
        return {
          ...common,
          lgslCode: c.lgslCode,
          service: labels.get(c.lgslCode) ?? String(c.lgslCode),
          pool: null,
          before: before ? describe(sideOf(before), names, partnership.areaNames) : null,
          after: describe(
            {
              mode: c.mode,
              level: c.level,
              providerOrgId: c.providerOrgId,
              areaCode: c.areaCode,
              arrangementId: c.madeArrangementId,
            },
            names,
            partnership.areaNames,
          ),
          adopted:
            l.row.appliedAt !== null
              ? c.madeArrangementId !== null
              : decidedAll
                ? adopting.has(c.councilOrgId)
                : null,
        };
      });
      const approvals: ApprovalView[] = l.approvals.map((a) => {
        const history = l.decisions
          .filter((d) => d.orgId === a.councilOrgId && d.bodyId === a.bodyId)
          .map((d) => ({
            decisionId: d.decisionId,
            decision: d.decision,
            decidedOn: d.decidedOn,
            minute: d.minute,
            paper: d.paper,
            notes: d.notes,
            recordedAt: d.recordedAt.toISOString(),
          }));
        const body = bodies.get(a.bodyId)!;
        return {
          council: names.get(a.councilOrgId)!,
          body: { bodyId: body.bodyId, orgId: body.orgId, name: body.name, kind: body.kind },
          reason: a.reason,
          matters: a.matters,
          latest: history.at(-1) ?? null,
          history,
        };
      });
      const mayDecideFor = [...new Set(l.approvals.map((a) => a.councilOrgId))].filter(
        (orgId) => mayRecordDecision({ orgIds: actor.clerkOf }, orgId, state).ok,
      );
      result.push({
        id: l.row.proposalId,
        title: l.row.title,
        summary: l.row.summary,
        partnership: { id: partnership.id, slug: partnership.slug, name: partnership.name },
        keeper: names.get(l.row.orgId)!,
        state,
        effectiveFrom: l.row.effectiveFrom,
        partialAdoption: l.row.partialAdoption,
        internal: l.row.internal,
        illustrative: l.row.illustrative,
        source: l.row.source,
        createdAt: l.row.createdAt.toISOString(),
        submittedAt: iso(l.row.submittedAt),
        recommendation:
          l.row.recommendedOn === null
            ? null
            : {
                by: l.row.recommendedBy ?? '',
                on: l.row.recommendedOn,
                minute: l.row.recommendationMinute ?? '',
              },
        withdrawnAt: iso(l.row.withdrawnAt),
        withdrawalReason: l.row.withdrawalReason,
        appliedAt: iso(l.row.appliedAt),
        waitingFor: waitingFor(facts, today),
        changes,
        approvals,
        mayKeep: mayKeepProposal(actor, l.row.partnershipId, l.row.orgId),
        mayDecideFor,
      });
    }
    return result;
  }

  /** A partnership by id, with the names of its own areas (clusters, localities). */
  async function partnershipById(id: number): Promise<PartnershipRef> {
    const row = await withSystem(db, (tx) =>
      tx
        .selectFrom('partnership')
        .select(['slug', 'name'])
        .where('partnership_id', '=', id)
        .executeTakeFirstOrThrow(),
    );
    const p = await register.partnership(row.slug);
    return {
      id,
      slug: row.slug,
      name: row.name,
      areaNames: new Map(p.areas.map((a) => [a.code, a.name])),
      members: p.members.map((m) => ({
        orgId: m.orgId,
        role: m.role,
        joinedOn: m.joinedOn,
        leftOn: m.leftOn,
      })),
    };
  }

  return { bodiesOf, refs, views, partnershipById };
}
