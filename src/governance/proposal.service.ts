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
import {
  PUBLIC_ACTOR,
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
import type { BodyRow, ChangeRow } from './proposal.repository.ts';

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

export interface ChangeInput {
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

export interface GovernanceService {
  bodies(orgIds: readonly number[]): Promise<BodyView[]>;
  createBody(
    actor: GovernanceActor,
    input: { orgId: number; name: string; kind: GovernanceBodyKind; partnershipId?: number | null },
  ): Promise<BodyView>;
  proposals(actor: GovernanceActor, slug: string): Promise<ProposalView[]>;
  /** The proposals that ask a council's decision, in any partnership, newest first. */
  proposalsAsking(actor: GovernanceActor, orgId: number): Promise<ProposalView[]>;
  proposal(actor: GovernanceActor, id: string): Promise<ProposalView>;
  create(actor: GovernanceActor, slug: string, input: ProposalInput): Promise<ProposalView>;
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
    c: ChangeInput | ChangeRow,
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
    const orgs = [first.row.orgId, ...adopting];
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
      const made: Array<{ orgId: number; lgslCode: number; arrangementId: number }> = [];
      for (const change of l!.changes) {
        if (!adopting.includes(change.councilOrgId)) continue;
        const input = arrangementOf(change, row.partnershipId, validFrom);
        const [before] = await arrangementsInForceIn(tx, [change.councilOrgId], validFrom, [change.lgslCode]);
        const saved = await recordArrangementIn(tx, registerActor, {
          ...input,
          notesInternal: row.internal,
          source: `Proposal "${row.title}" (${row.proposalId})`,
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

    async create(actor, slug, input) {
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
      const memberIds = members.map((m) => m.orgId);
      const memberName = new Map(members.map((m) => [m.orgId, m.name]));
      const seen = new Set<string>();
      changes.forEach((c, i) => {
        const field = `changes[${i}]`;
        if (!memberIds.includes(c.orgId))
          errors[`${field}.orgId`] = `Change ${i + 1}: select a member council of ${p.name}`;
        const key = `${c.orgId}:${c.lgslCode}`;
        if (seen.has(key))
          errors[`${field}.lgslCode`] =
            `Change ${i + 1}: the proposal already changes this council’s service`;
        seen.add(key);
        const matters = trimmedList(c.matters);
        if (
          matters.length > PROPOSAL_LIMITS.matters ||
          matters.some((m) => m.length > PROPOSAL_LIMITS.matter)
        )
          errors[`${field}.matters`] =
            `Change ${i + 1}: list up to ${PROPOSAL_LIMITS.matters} matters, each ${PROPOSAL_LIMITS.matter} characters or fewer`;
      });
      const bodies = await bodiesOf([...new Set(input.approvals.map((a) => a.orgId))]);
      input.approvals.forEach((a, i) => {
        if (!bodies.some((b) => b.orgId === a.orgId && b.bodyId === a.bodyId))
          errors[`approvals[${i}]`] = `Approval ${i + 1}: select a body of the council that decides`;
        else if (!memberIds.includes(a.orgId))
          errors[`approvals[${i}]`] = `Approval ${i + 1}: select a member council of ${p.name}`;
      });
      for (const orgId of new Set(changes.map((c) => c.orgId))) {
        if (memberIds.includes(orgId) && !input.approvals.some((a) => a.orgId === orgId))
          errors[`approvals.${orgId}`] =
            `${memberName.get(orgId)}’s register changes: name the body of ${memberName.get(orgId)} that decides`;
      }
      if (Object.keys(errors).length > 0) throw new ValidationProblem(errors);

      const scope = { readOrgs: [keeper], writeOrgs: [keeper], accountId: actor.accountId };
      const touching = changes.map((c) => ({
        orgId: c.orgId,
        lgslCode: c.lgslCode,
        matters: trimmedList(c.matters),
      }));
      const need = await needed(p.partnershipId, input.effectiveFrom, touching, input.approvals, memberIds);
      const id = await withTenant(db, scope, async (tx) => {
        const changeProblems: Record<string, string> = {};
        for (const [i, c] of changes.entries()) {
          try {
            await checkArrangement(tx, arrangementOf(c, p.partnershipId, input.effectiveFrom));
          } catch (error) {
            if (!(error instanceof ValidationProblem)) throw error;
            for (const [field, message] of Object.entries(error.fields))
              changeProblems[`changes[${i}].${field}`] = `Change ${i + 1}: ${message}`;
          }
        }
        if (Object.keys(changeProblems).length > 0) throw new ValidationProblem(changeProblems);
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
          changes.map((c, position) => ({
            position,
            councilOrgId: c.orgId,
            lgslCode: c.lgslCode,
            mode: c.mode,
            level: c.level,
            providerOrgId: c.providerOrgId,
            leadCommissionerOrgId: c.leadCommissionerOrgId ?? null,
            areaCode: c.areaCode ?? null,
            reservedDecisions: trimmedList(c.reservedDecisions),
            delegatedDecisions: trimmedList(c.delegatedDecisions),
            matters: trimmedList(c.matters),
            notes: (c.notes ?? '').trim(),
          })),
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
      return viewOne(actor, id);
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
        l.changes.map((c) => ({ orgId: c.councilOrgId, lgslCode: c.lgslCode, matters: c.matters })),
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
