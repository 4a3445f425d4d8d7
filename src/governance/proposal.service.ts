/**
 * Proposals that change the register. A partnership administrator drafts one (the register changes
 * it will make and the approvals it needs), submits it with the joint committee's recommendation,
 * and each council's democratic services officer records that council's decision. On its
 * effective date, once every approval is in, the changes take effect through the register's own
 * door (`recordArrangementIn`), all in one transaction with the proposal marked in effect and
 * audited; a council that rejects keeps its register as it was. Who may is `governance-actor.ts`'s
 * to say and what a proposal's state is `proposal-rules.ts`'s, asked here for every caller; how a
 * proposal reads is `proposal.views.ts`'s.
 */
import type { GovernanceBodyKind } from '../db/index.ts';
import { withSystem, withTenant } from '../db/index.ts';
import {
  ValidationProblem,
  conflict,
  forbidden,
  isIsoDate,
  notFound,
  recordAudit,
  todayInLondon,
} from '../platform/index.ts';
import { endPoolMembershipsIn, poolsIn, readRule, recordRuleIn, sharingOn } from '../finance/index.ts';
import {
  PUBLIC_ACTOR,
  joinPartnershipIn,
  leavePartnershipIn,
  arrangementsInForceIn,
  checkArrangement,
  recordArrangementIn,
  type Actor,
  type ArrangementInput,
} from '../register/index.ts';
import {
  DECISIONS,
  adoptingCouncils,
  isDue,
  mayRecordDecision,
  proposalState,
  type Decision,
} from './proposal-rules.ts';
import { approvalsNeeded, type ApprovalNeed } from './reserved-matters.ts';
import {
  mayKeepProposal,
  currentCouncils,
  proposalKeeperOrg,
  readsProposalsOf,
  type GovernanceActor,
} from './governance-actor.ts';
import * as repo from './proposal.repository.ts';
import {
  createProposalViews,
  factsOf,
  laterOf,
  load,
  type BodyView,
  type Loaded,
  type ProposalView,
  type ViewDeps,
} from './proposal.views.ts';
import type { ArrangementChangeRow, BodyRow, NewChange } from './proposal.repository.ts';
import { CHANGE_KINDS, councilsToAsk, mayAdoptInPart } from './change-kinds.ts';

/** The bodies that decide for a council, the one a form offers first ahead. */
const DECIDING_ORDER: readonly GovernanceBodyKind[] = [
  'cabinet',
  'executive',
  'full_council',
  'committee',
  'joint_committee',
  'programme_board',
];

/** What the service is built from: the database and the register's door. */
export type GovernanceDeps = ViewDeps;

/** The longest each field may be, stated on the forms and checked for every caller. */
export const PROPOSAL_LIMITS = {
  title: 200,
  summary: 4000,
  changes: 100,
  approvals: 60,
  matters: 10,
  matter: 200,
  minute: 200,
  body: 200,
  paper: 500,
  notes: 2000,
  reason: 2000,
} as const;

/** A council's arrangement for a service from the effective date. */
export interface ArrangementChangeInput {
  kind?: 'arrangement';
  orgId: number;
  lgslCode: number;
  mode: string;
  level: string;
  providerOrgId: number;
  leadCommissionerOrgId?: number | null;
  areaCode?: string | null;
  reservedDecisions?: string[];
  delegatedDecisions?: string[];
  /** The decisions the change touches (fees and charges, policy), checked against what councils reserve. */
  matters?: string[];
  notes?: string;
}

/** How one of the partnership's cost pools is shared from the effective date (rule-json.ts's form). */
export interface RuleChangeInput {
  kind: 'allocation_rule';
  poolId: number;
  rule: unknown;
  /** For a pool trued up at year end: the tolerance in hundredths of a percent. */
  trueUpTolerance?: number | null;
  matters?: string[];
  notes?: string;
}

/** A council joining the partnership (as a member or an associate), or leaving it. */
export interface MemberChangeInput {
  kind: 'join' | 'leave';
  orgId: number;
  role?: 'member' | 'associate';
  matters?: string[];
  notes?: string;
}

export type ChangeInput = ArrangementChangeInput | RuleChangeInput | MemberChangeInput;

const isArrangement = (c: ChangeInput): c is ArrangementChangeInput =>
  c.kind === undefined || c.kind === 'arrangement';

export interface ProposalInput {
  title: string;
  summary?: string;
  effectiveFrom: string;
  partialAdoption?: boolean;
  internal?: boolean;
  illustrative?: boolean;
  source?: string;
  changes: ChangeInput[];
  /** The approvals it needs: a body of each council (its cabinet, its full council). */
  approvals: Array<{ orgId: number; bodyId: number }>;
}

export interface RecommendationInput {
  /** The body that recommends it to the councils: the joint committee, the programme board. */
  by: string;
  on: string;
  minute: string;
}

export interface DecisionInput {
  orgId: number;
  bodyId: number;
  decision: string;
  decidedOn: string;
  minute: string;
  paper?: string;
  notes?: string;
}

/** The choices of the draft proposal form. */
export interface DraftOptions {
  partnership: { id: number; slug: string; name: string };
  /** The current councils, each with the bodies that may decide for it (executive first). */
  councils: Array<{ orgId: number; gss: string | null; name: string; bodies: BodyView[] }>;
  /** Who may provide a service: every current member, vehicles (a joint committee, a company) too. */
  providers: Array<{ orgId: number; name: string }>;
  areas: Array<{ code: string; name: string }>;
  services: Array<{ lgslCode: number; label: string }>;
  /** Each cost pool with the councils sharing it today. */
  pools: Array<{ poolId: number; name: string; sharing: number[] }>;
}

export interface GovernanceService {
  bodies(orgIds: readonly number[]): Promise<BodyView[]>;
  createBody(
    actor: GovernanceActor,
    input: { orgId: number; name: string; kind: GovernanceBodyKind; partnershipId?: number | null },
  ): Promise<BodyView>;
  proposals(actor: GovernanceActor, slug: string): Promise<ProposalView[]>;
  /** What a partnership's administrator chooses from to draft a proposal; 403 for anyone else. */
  draftOptions(actor: GovernanceActor, slug: string): Promise<DraftOptions>;
  /** A council that may join, by GSS code or name key, with the body that would decide for it. */
  joiningCouncil(key: string): Promise<{ orgId: number; name: string; bodyId: number | null }>;
  /** The proposals that ask a council's decision, in any partnership, newest first. */
  proposalsAsking(actor: GovernanceActor, orgId: number): Promise<ProposalView[]>;
  proposal(actor: GovernanceActor, id: string): Promise<ProposalView>;
  create(actor: GovernanceActor, slug: string, input: ProposalInput): Promise<ProposalView>;
  /** Checks a draft as `create` would, writing nothing: a ValidationProblem names what is wrong. */
  checkDraft(actor: GovernanceActor, slug: string, input: ProposalInput): Promise<void>;
  submit(actor: GovernanceActor, id: string, recommendation: RecommendationInput): Promise<ProposalView>;
  withdraw(actor: GovernanceActor, id: string, reason: string): Promise<ProposalView>;
  recordDecision(actor: GovernanceActor, id: string, input: DecisionInput): Promise<ProposalView>;
  /**
   * Puts into effect every approved proposal whose date has come, each in its own transaction;
   * returns their ids, or throws naming each one the register refused once the others are done.
   */
  applyDue(today?: string): Promise<string[]>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const trimmedList = (values: string[] | undefined) => (values ?? []).map((v) => v.trim()).filter(Boolean);

export function createGovernanceService(deps: GovernanceDeps): GovernanceService {
  const { db, register } = deps;
  const readScope = (actor: GovernanceActor) => ({
    readOrgs: readsProposalsOf(actor),
    writeOrgs: [],
    accountId: actor.accountId,
  });
  const { bodiesOf, refs, views, partnershipById } = createProposalViews(deps);

  /** One proposal as `actor` may read it: a 404 for an id that is not a UUID or not theirs to see. */
  async function loadOne(actor: GovernanceActor, id: string): Promise<Loaded> {
    if (!UUID.test(id)) throw notFound(`There is no proposal ${id}.`);
    const loaded = await withTenant(db, readScope(actor), async (tx) => {
      const row = await repo.proposalById(tx, id.toLowerCase());
      return row ? (await load(tx, [row]))[0] : undefined;
    });
    if (!loaded) throw notFound(`There is no proposal ${id}.`);
    return loaded;
  }

  async function viewOne(actor: GovernanceActor, id: string): Promise<ProposalView> {
    return (await views(actor, [await loadOne(actor, id)]))[0]!;
  }

  /** The approvals a proposal needs now: those listed, and each council's reserved matters it touches. */
  async function needed(
    partnershipId: number,
    effectiveFrom: string,
    changes: ReadonlyArray<{ orgId: number; lgslCode: number; matters: readonly string[] }>,
    listed: ReadonlyArray<{ orgId: number; bodyId: number }>,
    memberIds: readonly number[],
  ): Promise<{ approvals: ApprovalNeed[] }> {
    const codes = [...new Set(changes.filter((c) => c.matters.length > 0).map((c) => c.lgslCode))];
    const orgs = [...new Set([...memberIds, ...changes.map((c) => c.orgId)])];
    const inForce =
      codes.length === 0 ? [] : await register.arrangementsInForce(PUBLIC_ACTOR, orgs, effectiveFrom, codes);
    const bodies = await bodiesOf(orgs);
    const need = approvalsNeeded({ partnershipId, changes, inForce, listed, bodies });
    if (need.missingBody.length > 0) {
      const names = await refs(need.missingBody);
      throw new ValidationProblem({
        approvals: `${need.missingBody.map((o) => names.get(o)?.name ?? o).join(', ')} reserves a matter this proposal touches but has no cabinet, executive or full council recorded to decide it`,
      });
    }
    return need;
  }

  function keeperOf(actor: GovernanceActor, l: Loaded): void {
    if (!mayKeepProposal(actor, l.row.partnershipId, l.row.orgId)) {
      throw forbidden('Only the partnership’s administrator submits or withdraws its proposals.');
    }
  }

  function checkText(
    errors: Record<string, string>,
    field: string,
    label: string,
    value: string | undefined,
    max: number,
    required: boolean,
  ) {
    const text = (value ?? '').trim();
    if (required && text.length === 0) errors[field] = `Enter ${label}`;
    else if (text.length > max)
      errors[field] =
        `${label[0]!.toUpperCase()}${label.slice(1)} must be ${max.toLocaleString('en-GB')} characters or fewer: there are ${text.length.toLocaleString('en-GB')}`;
  }

  /** A change as the register would record it on `validFrom`. */
  const arrangementOf = (
    c: ArrangementChangeInput | ArrangementChangeRow,
    partnershipId: number,
    validFrom: string,
  ): ArrangementInput => ({
    orgId: 'orgId' in c ? c.orgId : c.councilOrgId,
    lgslCode: c.lgslCode,
    validFrom,
    mode: c.mode as ArrangementInput['mode'],
    level: c.level as ArrangementInput['level'],
    providerOrgId: c.providerOrgId,
    leadCommissionerOrgId: c.leadCommissionerOrgId ?? null,
    partnershipId,
    areaCode: c.areaCode ?? null,
    reservedDecisions: c.reservedDecisions ?? [],
    delegatedDecisions: c.delegatedDecisions ?? [],
    notes: c.notes ?? '',
  });

  /**
   * Puts one proposal into effect if it is due on `today`: every adopting council's changes, the
   * proposal marked in effect and the audit, in one transaction, or nothing.
   */
  async function apply(id: string, accountId: number | null, today = todayInLondon()): Promise<boolean> {
    const first = await withSystem(db, async (tx) => {
      const row = await repo.proposalById(tx, id);
      return row ? (await load(tx, [row]))[0] : undefined;
    });
    if (!first || !isDue(factsOf(first), today)) return false;
    const adopting = adoptingCouncils(factsOf(first));
    // A leaver stops sharing the partnership's pools: their keepers' rows change too.
    const poolKeepers = first.changes.some((c) => c.kind === 'leave')
      ? (await withSystem(db, (tx) => poolsIn(tx, { partnershipIds: [first.row.partnershipId] }))).map(
          (x) => x.orgId,
        )
      : [];
    const ruleKeepers = first.changes.filter((c) => c.kind === 'allocation_rule').map((c) => c.councilOrgId);
    const orgs = [...new Set([first.row.orgId, ...adopting, ...poolKeepers, ...ruleKeepers])];
    const scope = { readOrgs: orgs, writeOrgs: orgs, accountId };
    const registerActor: Actor = { scope, accountId, mayChange: (orgId) => adopting.includes(orgId) };
    return withTenant(db, scope, async (tx) => {
      await repo.lockProposal(tx, id);
      const row = await repo.proposalById(tx, id);
      if (!row) return false;
      const [l] = await load(tx, [row]);
      const facts = factsOf(l!);
      if (!isDue(facts, today)) return false;
      const now = adoptingCouncils(facts);
      if (now.join() !== adopting.join())
        throw conflict('The proposal’s decisions changed while it was taking effect.');
      const validFrom = laterOf(row.effectiveFrom, today);
      const source = `Proposal "${row.title}" (${row.proposalId})`;
      const made: Array<Record<string, unknown>> = [];
      for (const change of l!.changes) {
        if (change.kind === 'allocation_rule') {
          const ruleId = await recordRuleIn(tx, {
            orgId: change.councilOrgId,
            poolId: change.poolId,
            validFrom,
            rule: change.rule,
            trueUpTolerance: change.trueUpTolerance,
            notes: change.notes === '' ? source : `${change.notes} (${source})`,
            accountId,
          });
          await repo.setChangeRule(tx, row.orgId, id, change.position, ruleId);
          made.push({ kind: change.kind, poolId: change.poolId, ruleId });
          continue;
        }
        if (change.kind === 'join') {
          await joinPartnershipIn(tx, {
            orgId: change.councilOrgId,
            partnershipId: row.partnershipId,
            role: change.role ?? 'member',
            joinedOn: validFrom,
            accountId,
          });
          made.push({ kind: change.kind, orgId: change.councilOrgId });
          continue;
        }
        if (change.kind !== 'arrangement') {
          await leavePartnershipIn(tx, {
            orgId: change.councilOrgId,
            partnershipId: row.partnershipId,
            leftOn: validFrom,
            accountId,
          });
          const pools = await endPoolMembershipsIn(tx, {
            partnershipId: row.partnershipId,
            memberOrgId: change.councilOrgId,
            leftOn: validFrom,
            accountId,
          });
          made.push({ kind: change.kind, orgId: change.councilOrgId, poolsLeft: pools });
          continue;
        }
        if (!adopting.includes(change.councilOrgId)) continue;
        const input = arrangementOf(change, row.partnershipId, validFrom);
        const [before] = await arrangementsInForceIn(tx, [change.councilOrgId], validFrom, [change.lgslCode]);
        const saved = await recordArrangementIn(tx, registerActor, {
          ...input,
          notesInternal: row.internal,
          source,
        });
        await repo.setChangeArrangements(
          tx,
          row.orgId,
          id,
          change.position,
          before?.arrangementId ?? null,
          saved.arrangementId,
        );
        made.push({
          kind: change.kind,
          orgId: change.councilOrgId,
          lgslCode: change.lgslCode,
          arrangementId: saved.arrangementId,
        });
      }
      await repo.markApplied(tx, row.orgId, id);
      await recordAudit(tx, {
        orgId: row.orgId,
        accountId,
        action: 'apply',
        entityType: 'proposal',
        entityKey: id,
        after: { validFrom, adopting, made },
      });
      return true;
    });
  }

  /**
   * Checks a draft as every caller's is checked and, unless `checkOnly`, writes it: its id, or null
   * when only checked.
   */
  async function draft(
    actor: GovernanceActor,
    slug: string,
    input: ProposalInput,
    checkOnly: boolean,
  ): Promise<string | null> {
    const p = await register.partnership(slug);
    const members = currentCouncils(p.members);
    const keeper = proposalKeeperOrg(actor, p);
    if (keeper === null) throw forbidden('Only the partnership’s administrator drafts its proposals.');
    const errors: Record<string, string> = {};
    checkText(errors, 'title', 'a title', input.title, PROPOSAL_LIMITS.title, true);
    checkText(errors, 'summary', 'the summary', input.summary, PROPOSAL_LIMITS.summary, false);
    if (!isIsoDate(input.effectiveFrom))
      errors.effectiveFrom = 'Enter the date it takes effect as a real date, like 2027-04-01';
    const changes = input.changes ?? [];
    if (changes.length === 0) errors.changes = 'Add at least one change to the register';
    else if (changes.length > PROPOSAL_LIMITS.changes)
      errors.changes = `A proposal can make up to ${PROPOSAL_LIMITS.changes} changes: there are ${changes.length}`;
    if (input.approvals.length > PROPOSAL_LIMITS.approvals)
      errors.approvals = `A proposal can need up to ${PROPOSAL_LIMITS.approvals} approvals: there are ${input.approvals.length}`;
    const kinds = changes.map((c) => c.kind ?? 'arrangement');
    if (kinds.some((k) => !(CHANGE_KINDS as readonly string[]).includes(k)))
      errors.changes = 'Each change is an arrangement, an allocation rule, a council joining or one leaving';
    else if (input.partialAdoption && !mayAdoptInPart(kinds))
      errors.partialAdoption =
        'A change to how costs are shared or to who is a member applies to every council or none: this proposal cannot be adopted in part';
    const memberIds = members.map((m) => m.orgId);
    const memberName = new Map(members.map((m) => [m.orgId, m.name]));
    const pools = kinds.includes('allocation_rule')
      ? await withSystem(db, (tx) => poolsIn(tx, { partnershipIds: [p.partnershipId] }))
      : [];
    const joiners = changes.filter((c) => c.kind === 'join').map((c) => (c as MemberChangeInput).orgId);
    const names = await refs([
      ...memberIds,
      ...joiners,
      ...pools.flatMap((x) => x.members.map((m) => m.orgId)),
    ]);
    const seen = new Set<string>();
    const ruleJson = new Map<number, unknown>();
    changes.forEach((c, i) => {
      const field = `changes[${i}]`;
      const matters = trimmedList(c.matters);
      if (matters.length > PROPOSAL_LIMITS.matters || matters.some((m) => m.length > PROPOSAL_LIMITS.matter))
        errors[`${field}.matters`] =
          `Change ${i + 1}: list up to ${PROPOSAL_LIMITS.matters} matters, each ${PROPOSAL_LIMITS.matter} characters or fewer`;
      checkText(errors, `${field}.notes`, `change ${i + 1}’s notes`, c.notes, PROPOSAL_LIMITS.notes, false);
      if (isArrangement(c)) {
        if (!memberIds.includes(c.orgId))
          errors[`${field}.orgId`] = `Change ${i + 1}: select a member council of ${p.name}`;
        const key = `${c.orgId}:${c.lgslCode}`;
        if (seen.has(key))
          errors[`${field}.lgslCode`] =
            `Change ${i + 1}: the proposal already changes this council’s service`;
        seen.add(key);
      } else if (c.kind === 'allocation_rule') {
        const pool = pools.find((x) => x.poolId === c.poolId);
        if (!pool) {
          errors[`${field}.poolId`] = `Change ${i + 1}: select a cost pool of ${p.name}`;
          return;
        }
        if (seen.has(`pool:${pool.poolId}`))
          errors[`${field}.poolId`] =
            `Change ${i + 1}: the proposal already changes how ${pool.name} is shared`;
        seen.add(`pool:${pool.poolId}`);
        const sharing = isIsoDate(input.effectiveFrom) ? sharingOn(pool, input.effectiveFrom) : [];
        const read = readRule(
          c.rule,
          sharing.map((orgId) => ({
            key: names.get(orgId)?.gss ?? String(orgId),
            name: names.get(orgId)?.name ?? String(orgId),
          })),
        );
        if (!read.ok) errors[`${field}.rule`] = `Change ${i + 1}: ${read.reason}`;
        else ruleJson.set(i, read.json);
        const tolerance = c.trueUpTolerance ?? null;
        if (tolerance !== null && (!Number.isSafeInteger(tolerance) || tolerance < 0 || tolerance > 10_000))
          errors[`${field}.trueUpTolerance`] =
            `Change ${i + 1}: the tolerance is a whole number of hundredths of a percent, from 0 to 10000`;
      } else {
        const key = `member:${c.orgId}`;
        if (seen.has(key))
          errors[`${field}.orgId`] =
            `Change ${i + 1}: the proposal already changes this council’s membership`;
        seen.add(key);
        const record = p.members.find((m) => m.orgId === c.orgId);
        if (c.kind === 'join') {
          if (!names.has(c.orgId))
            errors[`${field}.orgId`] = `Change ${i + 1}: select the council that joins`;
          else if (record)
            errors[`${field}.orgId`] =
              record.leftOn === null
                ? `Change ${i + 1}: ${names.get(c.orgId)!.name} is a member of ${p.name} already`
                : `Change ${i + 1}: ${names.get(c.orgId)!.name} left ${p.name} on ${record.leftOn}, and its membership stays on record`;
          if (c.role !== undefined && c.role !== 'member' && c.role !== 'associate')
            errors[`${field}.role`] = `Change ${i + 1}: the council joins as a member or an associate`;
        } else if (!memberIds.includes(c.orgId))
          errors[`${field}.orgId`] = `Change ${i + 1}: select a member council of ${p.name} that leaves`;
      }
    });
    const askable = [...memberIds, ...joiners];
    const bodies = await bodiesOf([...new Set(input.approvals.map((a) => a.orgId))]);
    input.approvals.forEach((a, i) => {
      if (!bodies.some((b) => b.orgId === a.orgId && b.bodyId === a.bodyId))
        errors[`approvals[${i}]`] = `Approval ${i + 1}: select a body of the council that decides`;
      else if (!askable.includes(a.orgId))
        errors[`approvals[${i}]`] = `Approval ${i + 1}: select a member council of ${p.name}`;
    });
    const mustAsk = new Set<number>();
    changes.forEach((c) => {
      const reach = isArrangement(c)
        ? ({ kind: 'arrangement', orgId: c.orgId } as const)
        : c.kind === 'allocation_rule'
          ? ({ kind: 'allocation_rule', poolId: c.poolId } as const)
          : ({ kind: c.kind, orgId: c.orgId } as const);
      const asked = councilsToAsk(reach, {
        currentCouncils: memberIds,
        sharing: (poolId) => {
          const pool = pools.find((x) => x.poolId === poolId);
          return pool && isIsoDate(input.effectiveFrom) ? sharingOn(pool, input.effectiveFrom) : [];
        },
      });
      for (const orgId of asked) mustAsk.add(orgId);
    });
    for (const orgId of mustAsk) {
      const name = names.get(orgId)?.name ?? memberName.get(orgId) ?? String(orgId);
      if (askable.includes(orgId) && !input.approvals.some((a) => a.orgId === orgId))
        errors[`approvals.${orgId}`] = `${name}’s register changes: name the body of ${name} that decides`;
    }
    if (Object.keys(errors).length > 0) throw new ValidationProblem(errors);

    const scope = { readOrgs: [keeper], writeOrgs: [keeper], accountId: actor.accountId };
    const arrangements = changes.flatMap((c, i) => (isArrangement(c) ? [{ c, i }] : []));
    const touching = arrangements.map(({ c }) => ({
      orgId: c.orgId,
      lgslCode: c.lgslCode,
      matters: trimmedList(c.matters),
    }));
    const need = await needed(p.partnershipId, input.effectiveFrom, touching, input.approvals, memberIds);
    const id = await withTenant(db, scope, async (tx) => {
      const changeProblems: Record<string, string> = {};
      for (const { c, i } of arrangements) {
        try {
          await checkArrangement(tx, arrangementOf(c, p.partnershipId, input.effectiveFrom));
        } catch (error) {
          if (!(error instanceof ValidationProblem)) throw error;
          for (const [field, message] of Object.entries(error.fields))
            changeProblems[`changes[${i}].${field}`] = `Change ${i + 1}: ${message}`;
        }
      }
      if (Object.keys(changeProblems).length > 0) throw new ValidationProblem(changeProblems);
      if (checkOnly) return null;
      const councils = [...new Set(need.approvals.map((a) => a.councilOrgId))].sort((x, y) => x - y);
      const proposalId = await repo.insertProposal(tx, {
        orgId: keeper,
        partnershipId: p.partnershipId,
        title: input.title.trim(),
        summary: (input.summary ?? '').trim(),
        effectiveFrom: input.effectiveFrom,
        partialAdoption: input.partialAdoption ?? false,
        internal: input.internal ?? false,
        illustrative: input.illustrative ?? false,
        source: input.source ?? '',
        councilOrgIds: councils,
        createdBy: actor.accountId,
      });
      await repo.insertChanges(
        tx,
        keeper,
        proposalId,
        changes.map((c, position): NewChange => {
          const common = { position, matters: trimmedList(c.matters), notes: (c.notes ?? '').trim() };
          if (isArrangement(c))
            return {
              ...common,
              kind: 'arrangement',
              councilOrgId: c.orgId,
              lgslCode: c.lgslCode,
              mode: c.mode,
              level: c.level,
              providerOrgId: c.providerOrgId,
              leadCommissionerOrgId: c.leadCommissionerOrgId ?? null,
              areaCode: c.areaCode ?? null,
              reservedDecisions: trimmedList(c.reservedDecisions),
              delegatedDecisions: trimmedList(c.delegatedDecisions),
            };
          if (c.kind === 'allocation_rule')
            return {
              ...common,
              kind: 'allocation_rule',
              councilOrgId: pools.find((x) => x.poolId === c.poolId)!.orgId,
              poolId: c.poolId,
              rule: ruleJson.get(position),
              trueUpTolerance: c.trueUpTolerance ?? null,
            };
          return {
            ...common,
            kind: c.kind,
            councilOrgId: c.orgId,
            role: c.kind === 'join' ? (c.role ?? 'member') : null,
          };
        }),
      );
      await repo.insertApprovals(tx, keeper, proposalId, need.approvals);
      await recordAudit(tx, {
        orgId: keeper,
        accountId: actor.accountId,
        action: 'create',
        entityType: 'proposal',
        entityKey: proposalId,
        after: {
          title: input.title,
          effectiveFrom: input.effectiveFrom,
          changes,
          approvals: need.approvals,
        },
      });
      return proposalId;
    });
    return id;
  }

  return {
    async bodies(orgIds) {
      return (await bodiesOf(orgIds)).map(bodyView);
    },

    async createBody(actor, input) {
      if (!actor.operator && !actor.clerkOf.includes(input.orgId)) {
        throw forbidden('Only the council’s democratic services officer records its bodies.');
      }
      const errors: Record<string, string> = {};
      checkText(errors, 'name', 'the body’s name', input.name, PROPOSAL_LIMITS.body, true);
      if (Object.keys(errors).length > 0) throw new ValidationProblem(errors);
      const scope = { readOrgs: [input.orgId], writeOrgs: [input.orgId], accountId: actor.accountId };
      return bodyView(
        await withTenant(db, scope, (tx) =>
          repo.insertBody(tx, {
            orgId: input.orgId,
            name: input.name.trim(),
            kind: input.kind,
            partnershipId: input.partnershipId ?? null,
          }),
        ),
      );
    },

    async proposalsAsking(actor, orgId) {
      const loaded = await withTenant(db, readScope(actor), async (tx) =>
        load(tx, await repo.proposalsAsking(tx, orgId)),
      );
      return views(actor, loaded);
    },

    async proposals(actor, slug) {
      const p = await register.partnership(slug);
      const loaded = await withTenant(db, readScope(actor), async (tx) =>
        load(tx, await repo.proposalsOf(tx, p.partnershipId)),
      );
      return views(actor, loaded);
    },

    proposal: viewOne,

    async draftOptions(actor, slug) {
      const p = await register.partnership(slug);
      if (proposalKeeperOrg(actor, p) === null)
        throw forbidden('Only the partnership’s administrator drafts its proposals.');
      const councils = currentCouncils(p.members);
      const bodies = await bodiesOf(councils.map((m) => m.orgId));
      const matrix = await register.matrix(PUBLIC_ACTOR, slug);
      const pools = await withSystem(db, (tx) => poolsIn(tx, { partnershipIds: [p.partnershipId] }));
      return {
        partnership: { id: p.partnershipId, slug: p.slug, name: p.name },
        councils: councils.map((m) => ({
          orgId: m.orgId,
          gss: m.gss,
          name: m.name,
          bodies: bodies
            .filter((b) => b.orgId === m.orgId)
            .sort((a, b) => DECIDING_ORDER.indexOf(a.kind) - DECIDING_ORDER.indexOf(b.kind))
            .map(bodyView),
        })),
        providers: p.members.filter((m) => m.leftOn === null).map((m) => ({ orgId: m.orgId, name: m.name })),
        areas: p.areas.map((a) => ({ code: a.code, name: a.name })),
        services: matrix.services.map((s) => ({ lgslCode: s.lgslCode, label: s.label })),
        pools: pools.map((x) => ({ poolId: x.poolId, name: x.name, sharing: sharingOn(x, todayInLondon()) })),
      };
    },

    async joiningCouncil(key) {
      const o = await register.organisation(key);
      const bodies = (await bodiesOf([o.orgId])).sort(
        (a, b) => DECIDING_ORDER.indexOf(a.kind) - DECIDING_ORDER.indexOf(b.kind),
      );
      return { orgId: o.orgId, name: o.name, bodyId: bodies[0]?.bodyId ?? null };
    },

    create: async (actor, slug, input) => viewOne(actor, (await draft(actor, slug, input, false))!),

    async checkDraft(actor, slug, input) {
      await draft(actor, slug, input, true);
    },

    async submit(actor, id, recommendation) {
      const l = await loadOne(actor, id);
      keeperOf(actor, l);
      const errors: Record<string, string> = {};
      checkText(errors, 'by', 'the body that recommends it', recommendation.by, PROPOSAL_LIMITS.body, true);
      checkText(
        errors,
        'minute',
        'the minute reference',
        recommendation.minute,
        PROPOSAL_LIMITS.minute,
        true,
      );
      if (!isIsoDate(recommendation.on))
        errors.on = 'Enter the date of the recommendation as a real date, like 2027-01-20';
      else if (recommendation.on > todayInLondon())
        errors.on = 'The date of the recommendation cannot be in the future';
      if (Object.keys(errors).length > 0) throw new ValidationProblem(errors);
      const p = await register.partnership((await partnershipById(l.row.partnershipId)).slug);
      const memberIds = currentCouncils(p.members).map((m) => m.orgId);
      const listed = l.approvals
        .filter((a) => a.reason === 'listed')
        .map((a) => ({ orgId: a.councilOrgId, bodyId: a.bodyId }));
      const need = await needed(
        l.row.partnershipId,
        l.row.effectiveFrom,
        l.changes.flatMap((c) =>
          c.kind === 'arrangement'
            ? [{ orgId: c.councilOrgId, lgslCode: c.lgslCode, matters: c.matters }]
            : [],
        ),
        listed,
        memberIds,
      );
      const scope = { readOrgs: [l.row.orgId], writeOrgs: [l.row.orgId], accountId: actor.accountId };
      await withTenant(db, scope, async (tx) => {
        await repo.lockProposal(tx, id);
        const row = await repo.proposalById(tx, l.row.proposalId);
        if (!row || row.submittedAt !== null || row.withdrawnAt !== null)
          throw conflict('This proposal is no longer a draft: it was submitted or withdrawn meanwhile.');
        // The sovereignty check again, on the register as it stands when the proposal goes out.
        await repo.deleteApprovals(tx, row.orgId, row.proposalId);
        await repo.insertApprovals(tx, row.orgId, row.proposalId, need.approvals);
        await repo.setCouncils(
          tx,
          row.orgId,
          row.proposalId,
          [...new Set(need.approvals.map((a) => a.councilOrgId))].sort((x, y) => x - y),
        );
        const rec = {
          by: recommendation.by.trim(),
          on: recommendation.on,
          minute: recommendation.minute.trim(),
        };
        await repo.markSubmitted(tx, row.orgId, row.proposalId, actor.accountId, rec);
        await recordAudit(tx, {
          orgId: row.orgId,
          accountId: actor.accountId,
          action: 'submit',
          entityType: 'proposal',
          entityKey: row.proposalId,
          after: { recommendation: rec, approvals: need.approvals },
        });
      });
      await apply(l.row.proposalId, actor.accountId);
      return viewOne(actor, id);
    },

    async withdraw(actor, id, reason) {
      const l = await loadOne(actor, id);
      keeperOf(actor, l);
      const errors: Record<string, string> = {};
      checkText(errors, 'reason', 'why it is withdrawn', reason, PROPOSAL_LIMITS.reason, true);
      if (Object.keys(errors).length > 0) throw new ValidationProblem(errors);
      const scope = { readOrgs: [l.row.orgId], writeOrgs: [l.row.orgId], accountId: actor.accountId };
      await withTenant(db, scope, async (tx) => {
        await repo.lockProposal(tx, id);
        const row = await repo.proposalById(tx, l.row.proposalId);
        if (!row || row.withdrawnAt !== null) throw conflict('This proposal was withdrawn already.');
        if (row.appliedAt !== null)
          throw conflict('This proposal is in effect: make a new proposal to change the register back.');
        await repo.markWithdrawn(tx, row.orgId, row.proposalId, actor.accountId, reason.trim());
        await recordAudit(tx, {
          orgId: row.orgId,
          accountId: actor.accountId,
          action: 'withdraw',
          entityType: 'proposal',
          entityKey: row.proposalId,
          after: { reason: reason.trim() },
        });
      });
      return viewOne(actor, id);
    },

    async recordDecision(actor, id, input) {
      const l = await loadOne(actor, id);
      const names = new Map(
        [...(await refs(l.approvals.map((a) => a.councilOrgId)))].map(([k, v]) => [k, v.name]),
      );
      const allowed = mayRecordDecision({ orgIds: actor.clerkOf }, input.orgId, proposalState(factsOf(l)));
      if (!allowed.ok) {
        if (!actor.clerkOf.includes(input.orgId)) throw forbidden(allowed.reason);
        throw conflict(allowed.reason);
      }
      const errors: Record<string, string> = {};
      if (!l.approvals.some((a) => a.councilOrgId === input.orgId && a.bodyId === input.bodyId))
        errors.bodyId = `Select the body of ${names.get(input.orgId) ?? 'your council'} that decided`;
      if (!(DECISIONS as readonly string[]).includes(input.decision))
        errors.decision = 'Select the decision: approved, rejected or deferred';
      if (!isIsoDate(input.decidedOn))
        errors.decidedOn = 'Enter the date of the decision as a real date, like 2027-02-10';
      else if (input.decidedOn > todayInLondon())
        errors.decidedOn = 'The date of the decision cannot be in the future';
      else if (l.row.recommendedOn !== null && input.decidedOn < l.row.recommendedOn)
        errors.decidedOn = `The decision cannot be before the recommendation of ${l.row.recommendedOn}`;
      checkText(errors, 'minute', 'the minute reference', input.minute, PROPOSAL_LIMITS.minute, true);
      checkText(errors, 'paper', 'the paper', input.paper, PROPOSAL_LIMITS.paper, false);
      checkText(errors, 'notes', 'the notes', input.notes, PROPOSAL_LIMITS.notes, false);
      if (Object.keys(errors).length > 0) throw new ValidationProblem(errors);
      const scope = { readOrgs: [input.orgId], writeOrgs: [input.orgId], accountId: actor.accountId };
      await withTenant(db, scope, async (tx) => {
        await repo.lockProposal(tx, l.row.proposalId);
        const row = await repo.proposalById(tx, l.row.proposalId);
        const [now] = row ? await load(tx, [row]) : [];
        const state = now ? proposalState(factsOf(now)) : 'withdrawn';
        const still = mayRecordDecision({ orgIds: actor.clerkOf }, input.orgId, state);
        if (!still.ok) throw conflict(still.reason);
        const saved = await repo.insertDecision(tx, {
          orgId: input.orgId,
          keeperOrgId: l.row.orgId,
          proposalId: l.row.proposalId,
          bodyId: input.bodyId,
          decision: input.decision as Decision,
          decidedOn: input.decidedOn,
          minute: input.minute.trim(),
          paper: (input.paper ?? '').trim(),
          notes: (input.notes ?? '').trim(),
          recordedBy: actor.accountId,
        });
        await recordAudit(tx, {
          orgId: input.orgId,
          accountId: actor.accountId,
          action: 'decide',
          entityType: 'proposal',
          entityKey: l.row.proposalId,
          after: saved,
        });
      });
      await apply(l.row.proposalId, actor.accountId);
      return viewOne(actor, id);
    },

    async applyDue(today = todayInLondon()) {
      const ids = await withSystem(db, (tx) => repo.pendingDueIds(tx, today));
      const applied: string[] = [];
      const failed: string[] = [];
      // Each in its own transaction: one the register refuses does not hold up the others.
      for (const id of ids) {
        try {
          if (await apply(id, null, today)) applied.push(id);
        } catch (error) {
          failed.push(`${id}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      if (failed.length > 0) {
        throw new Error(
          `${applied.length} proposals took effect; ${failed.length} could not: ${failed.join('; ')}`,
        );
      }
      return applied;
    },
  };
}

function bodyView(b: BodyRow): BodyView {
  return { bodyId: b.bodyId, orgId: b.orgId, name: b.name, kind: b.kind };
}
