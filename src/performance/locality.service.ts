/**
 * Locality plans: for each district of a partnership and each year, the district's objectives in
 * order and, under each, what each tier commits to do that year (the county, the district, and a
 * unitary or other partner where one is named), with its owner by office, the measures that show
 * progress (from the catalogue in `measures.ts`) and its state, kept by the council that made it.
 * A plan is agreed at a body of the district (its date and minute). Plans are published: everyone
 * reads them. Who may change what is in `locality-actor.ts`; every change is audited, with what it
 * said before, in the transaction that makes it.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../db/index.ts';
import { withSystem, withTenant, type Tx } from '../db/index.ts';
import {
  ValidationProblem,
  forbidden,
  isIsoDate,
  notFound,
  recordAudit,
  todayInLondon,
} from '../platform/index.ts';
import type { RegisterService } from '../register/index.ts';
import { commitmentKeeper, mayKeepPlan, mayRecordAgreement, type LocalityActor } from './locality-actor.ts';
import * as repo from './locality.repository.ts';
import type { CommitmentState, Tier } from './locality.repository.ts';
import { MEASURES, type Measure } from './measures.ts';
import { readPeriod } from './periods.ts';

export type { CommitmentState, Tier };

type Organisation = Awaited<ReturnType<RegisterService['organisation']>>;
type Partnership = Awaited<ReturnType<RegisterService['partnership']>>;

/** The states of a commitment, in the order a reader takes them, as a page names them. */
export const COMMITMENT_STATES: Record<CommitmentState, string> = {
  not_started: 'Not started',
  on_track: 'On track',
  at_risk: 'At risk',
  off_track: 'Off track',
  done: 'Done',
  dropped: 'Dropped',
};

/** The states that need a note saying why: a reader of the plan asks. */
export const STATES_NEEDING_A_NOTE: readonly CommitmentState[] = ['at_risk', 'off_track', 'dropped'];

export const TIERS: Record<Tier, string> = {
  county: 'County council',
  district: 'District council',
  unitary: 'Unitary council',
  partner: 'Partner',
};

/** The most each field takes, as the database allows. */
export const LOCALITY_LIMITS = {
  title: 200,
  summary: 4000,
  source: 1000,
  objectiveTitle: 300,
  description: 4000,
  commitment: 2000,
  owner: 200,
  note: 2000,
  minute: 200,
  measures: 12,
} as const;

export interface PlanInput {
  year: string;
  title: string;
  summary?: string;
  illustrative?: boolean;
  source?: string;
}

export interface ObjectiveInput {
  title: string;
  description?: string;
  /** The source's own words for the priority. */
  source?: string;
}

export interface CommitmentInput {
  /** The objective's position in the plan (0 for the first). */
  objectivePosition: number;
  committedOrgId: number;
  commitment: string;
  owner: string;
  measureIds: readonly string[];
  illustrative?: boolean;
}

export interface StateInput {
  state: string;
  note: string;
}

export interface AgreementInput {
  bodyId: number;
  agreedOn: string;
  minute: string;
}

export interface CommitmentView {
  commitmentId: number;
  objectivePosition: number;
  committedOrgId: number;
  council: string;
  tier: Tier;
  tierLabel: string;
  commitment: string;
  owner: string;
  measures: Array<{ id: string; name: string }>;
  state: CommitmentState;
  stateLabel: string;
  stateNote: string;
  /** When the state was last changed (ISO instant), or null while it is as the plan set it. */
  stateUpdatedAt: string | null;
  /** Who changed it, for a signed-in reader with a grant; null for the public. */
  stateUpdatedBy: string | null;
  illustrative: boolean;
  /** Whether the person asking keeps this commitment's state. */
  mayUpdate: boolean;
}

export interface ObjectiveView {
  position: number;
  number: number;
  title: string;
  description: string;
  source: string;
  commitments: CommitmentView[];
}

export interface StateCount {
  state: CommitmentState;
  label: string;
  count: number;
}

export interface PlanView {
  planId: number;
  district: { orgId: number; name: string; key: string };
  partnership: { partnershipId: number; slug: string; name: string };
  year: string;
  title: string;
  summary: string;
  illustrative: boolean;
  source: string;
  agreement: { bodyId: number; body: string; agreedOn: string; minute: string } | null;
  objectives: ObjectiveView[];
  states: StateCount[];
  commitmentCount: number;
  /** The catalogue's measures the commitments name, in the catalogue's order. */
  measures: Measure[];
  /** The years the district has a plan in this partnership, earliest first. */
  years: string[];
  mayKeep: boolean;
  mayRecordAgreement: boolean;
  /** Who may commit in this plan: the district, its county, and the partnership's other partners. */
  councils: Array<{ orgId: number; name: string; tier: Tier }>;
  /** The district's bodies, where its agreement may be recorded (for its democratic services officer). */
  bodies: Array<{ bodyId: number; name: string }>;
}

export interface LocalitiesView {
  partnership: { partnershipId: number; slug: string; name: string };
  districts: Array<{
    orgId: number;
    name: string;
    key: string;
    /** The plan of the year asked for, or the district's latest. */
    plan: {
      planId: number;
      year: string;
      illustrative: boolean;
      agreement: { body: string; agreedOn: string; minute: string } | null;
      states: StateCount[];
      commitmentCount: number;
    } | null;
  }>;
}

export interface LocalityService {
  localities(actor: LocalityActor, slug: string, year?: string): Promise<LocalitiesView>;
  /** A district's plan for `year` (its latest when none is given) in the partnership `slug` (its first when none). */
  plan(
    actor: LocalityActor,
    orgKey: string,
    options?: { year?: string; slug?: string; planId?: number },
  ): Promise<PlanView>;
  createPlan(actor: LocalityActor, slug: string, orgId: number, input: PlanInput): Promise<number>;
  addObjective(actor: LocalityActor, orgId: number, planId: number, input: ObjectiveInput): Promise<number>;
  addCommitment(actor: LocalityActor, orgId: number, planId: number, input: CommitmentInput): Promise<number>;
  updateState(actor: LocalityActor, orgId: number, commitmentId: number, input: StateInput): Promise<void>;
  recordAgreement(actor: LocalityActor, orgId: number, planId: number, input: AgreementInput): Promise<void>;
}

/** The bodies of a council, as governance keeps them: given by the composition root. */
export type BodiesOf = (orgId: number) => Promise<Array<{ bodyId: number; name: string }>>;

const COUNCIL_KINDS = new Set(['county', 'district', 'unitary', 'metropolitan_district', 'london_borough']);

/**
 * The tier in which `org` commits in `district`'s plan (pure), or null when it may not commit there:
 * the district itself, its county, a unitary council of the partnership, or a partner that is not a
 * council. Another district or county commits in its own plans, not this one.
 */
export function tierIn(
  district: { orgId: number; parentOrgId: number | null },
  org: { orgId: number; kind: string },
): Tier | null {
  if (org.orgId === district.orgId) return 'district';
  if (org.orgId === district.parentOrgId) return 'county';
  if (org.kind === 'unitary') return 'unitary';
  if (!COUNCIL_KINDS.has(org.kind)) return 'partner';
  return null;
}

const MEASURE_IDS = new Set(MEASURES.map((m) => m.id));

function checkText(
  errors: Record<string, string>,
  field: string,
  label: string,
  value: string | undefined,
  max: number,
  required: boolean,
): string {
  const text = (value ?? '').trim();
  const Label = `${label[0]!.toUpperCase()}${label.slice(1)}`;
  if (required && text.length === 0) errors[field] = `Enter ${label}`;
  else if (text.length > max)
    errors[field] = `${Label} must be ${max.toLocaleString('en-GB')} characters or fewer`;
  return text;
}

/** What is wrong with a plan, by field (pure). */
export function planProblems(input: PlanInput): Record<string, string> {
  const errors: Record<string, string> = {};
  const year = readPeriod(input.year);
  if (!year.ok) errors.year = year.reason;
  else if (year.period.kind !== 'year')
    errors.year = 'A locality plan is for a financial year, such as 2025-26';
  checkText(errors, 'title', 'the plan’s title', input.title, LOCALITY_LIMITS.title, true);
  checkText(errors, 'summary', 'the summary', input.summary, LOCALITY_LIMITS.summary, false);
  checkText(errors, 'source', 'the source', input.source, LOCALITY_LIMITS.source, false);
  return errors;
}

/** What is wrong with an objective, by field (pure). */
export function objectiveProblems(input: ObjectiveInput): Record<string, string> {
  const errors: Record<string, string> = {};
  checkText(errors, 'title', 'the objective', input.title, LOCALITY_LIMITS.objectiveTitle, true);
  checkText(errors, 'description', 'the description', input.description, LOCALITY_LIMITS.description, false);
  checkText(errors, 'source', 'the source', input.source, LOCALITY_LIMITS.source, false);
  return errors;
}

/**
 * What is wrong with a commitment, by field (pure): an objective of the plan, a council that may
 * commit in it, the commitment and its owner, and measures from the catalogue, each once.
 */
export function commitmentProblems(
  input: CommitmentInput,
  plan: { positions: readonly number[]; councils: ReadonlyArray<{ orgId: number; name: string }> },
): Record<string, string> {
  const errors: Record<string, string> = {};
  if (!plan.positions.includes(input.objectivePosition))
    errors.objectivePosition = 'Select an objective of the plan';
  if (!plan.councils.some((c) => c.orgId === input.committedOrgId))
    errors.committedOrgId = `Select who commits: ${plan.councils.map((c) => c.name).join(', ')}`;
  checkText(errors, 'commitment', 'what is committed', input.commitment, LOCALITY_LIMITS.commitment, true);
  checkText(errors, 'owner', 'the owner, by office', input.owner, LOCALITY_LIMITS.owner, true);
  const unknown = input.measureIds.filter((id) => !MEASURE_IDS.has(id));
  if (unknown.length > 0) errors.measureIds = 'Select measures from the list';
  else if (new Set(input.measureIds).size !== input.measureIds.length)
    errors.measureIds = 'Select each measure once';
  else if (input.measureIds.length > LOCALITY_LIMITS.measures)
    errors.measureIds = `Select up to ${LOCALITY_LIMITS.measures} measures`;
  return errors;
}

/** What is wrong with a change of state, by field (pure): one of the six, and why when it is not going well. */
export function stateProblems(input: StateInput): Record<string, string> {
  const errors: Record<string, string> = {};
  const state = input.state as CommitmentState;
  const known = Object.hasOwn(COMMITMENT_STATES, input.state);
  if (!known) errors.state = 'Select the state of the commitment';
  const note = checkText(errors, 'note', 'the note', input.note, LOCALITY_LIMITS.note, false);
  if (known && note.length === 0 && STATES_NEEDING_A_NOTE.includes(state) && !errors.note)
    errors.note = `Say why the commitment is ${COMMITMENT_STATES[state].toLowerCase()}`;
  return errors;
}

/** What is wrong with an agreement, by field (pure): a body of the district, a real date not after today, a minute. */
export function agreementProblems(
  input: AgreementInput,
  bodies: ReadonlyArray<{ bodyId: number }>,
  today: string,
): Record<string, string> {
  const errors: Record<string, string> = {};
  if (!bodies.some((b) => b.bodyId === input.bodyId))
    errors.bodyId = 'Select the body of the council that agreed the plan';
  if (!isIsoDate(input.agreedOn)) errors.agreedOn = 'Enter the date the plan was agreed as a real date';
  else if (input.agreedOn > today) errors.agreedOn = 'The date the plan was agreed cannot be in the future';
  checkText(errors, 'minute', 'the minute reference', input.minute, LOCALITY_LIMITS.minute, true);
  return errors;
}

const orgKey = (o: { gss: string | null; jurisdiction: string | null; orgId: number }) =>
  o.jurisdiction ?? o.gss ?? String(o.orgId);

function countsOf(rows: ReadonlyArray<{ state: CommitmentState }>): StateCount[] {
  return (Object.keys(COMMITMENT_STATES) as CommitmentState[]).map((state) => ({
    state,
    label: COMMITMENT_STATES[state],
    count: rows.filter((r) => r.state === state).length,
  }));
}

export function createLocalityService(deps: {
  db: Kysely<DB>;
  register: Pick<RegisterService, 'partnership' | 'listPartnerships' | 'organisation'>;
  bodies: BodiesOf;
}): LocalityService {
  const { db, register, bodies } = deps;
  const read = <T>(actor: LocalityActor, work: (tx: Tx) => Promise<T>) =>
    withTenant(db, { readOrgs: [], writeOrgs: [], accountId: actor.accountId }, work);

  async function partnershipById(partnershipId: number): Promise<Partnership> {
    const summary = (await register.listPartnerships()).find((p) => p.partnershipId === partnershipId);
    if (!summary) throw notFound(`There is no partnership ${partnershipId}.`);
    return register.partnership(summary.slug);
  }

  /** Who may commit in a district's plan, with the tier each commits in. */
  async function councilsFor(district: Organisation, partnership: Partnership) {
    const district_ = { orgId: district.orgId, parentOrgId: district.parent?.orgId ?? null };
    const councils: PlanView['councils'] = [];
    const current = partnership.members.filter((m) => m.leftOn === null);
    const candidates = [
      { orgId: district.orgId, name: district.name, kind: district.kind },
      ...current.filter((m) => m.orgId !== district.orgId),
    ];
    for (const c of candidates) {
      const tier = tierIn(district_, c);
      if (tier) councils.push({ orgId: c.orgId, name: c.name, tier });
    }
    const order: Tier[] = ['county', 'district', 'unitary', 'partner'];
    return councils.sort((a, b) => order.indexOf(a.tier) - order.indexOf(b.tier));
  }

  /** The plan and the district and partnership it belongs to, or a 404. */
  async function loadPlan(orgId: number, planId: number) {
    const plan = await withSystem(db, (tx) => repo.planById(tx, orgId, planId));
    if (!plan) throw notFound(`There is no locality plan ${planId}.`);
    const district = await register.organisation(String(orgId));
    const partnership = await partnershipById(plan.partnershipId);
    return { plan, district, partnership };
  }

  async function audited<T>(
    actor: LocalityActor,
    writeOrg: number,
    work: (tx: Tx) => Promise<T>,
  ): Promise<T> {
    return withTenant(db, { readOrgs: [writeOrg], writeOrgs: [writeOrg], accountId: actor.accountId }, work);
  }

  return {
    async localities(actor, slug, year) {
      const partnership = await register.partnership(slug);
      const districts = partnership.members.filter((m) => m.leftOn === null && m.kind === 'district');
      const { plans, counts } = await read(actor, async (tx) => ({
        plans: await repo.plansOfPartnership(tx, partnership.partnershipId),
        counts: await repo.stateCounts(tx, partnership.partnershipId),
      }));
      const bodyNames = new Map<number, string>();
      for (const orgId of new Set(plans.filter((p) => p.agreedByBodyId !== null).map((p) => p.orgId)))
        for (const b of await bodies(orgId)) bodyNames.set(b.bodyId, b.name);
      return {
        partnership: {
          partnershipId: partnership.partnershipId,
          slug: partnership.slug,
          name: partnership.name,
        },
        districts: districts.map((d) => {
          const own = plans.filter((p) => p.orgId === d.orgId);
          const plan = year === undefined ? own.at(-1) : own.find((p) => p.year === year);
          if (!plan) return { orgId: d.orgId, name: d.name, key: orgKey(d), plan: null };
          const rows = counts.filter((c) => c.orgId === plan.orgId && c.planId === plan.planId);
          const states = (Object.keys(COMMITMENT_STATES) as CommitmentState[]).map((state) => ({
            state,
            label: COMMITMENT_STATES[state],
            count: rows.find((r) => r.state === state)?.n ?? 0,
          }));
          return {
            orgId: d.orgId,
            name: d.name,
            key: orgKey(d),
            plan: {
              planId: plan.planId,
              year: plan.year,
              illustrative: plan.illustrative,
              agreement:
                plan.agreedOn === null
                  ? null
                  : {
                      body: bodyNames.get(plan.agreedByBodyId!) ?? 'a body of the council',
                      agreedOn: plan.agreedOn,
                      minute: plan.agreedMinute ?? '',
                    },
              states,
              commitmentCount: states.reduce((n, s) => n + s.count, 0),
            },
          };
        }),
      };
    },

    async plan(actor, key, options = {}) {
      const district = await register.organisation(key);
      const all = await read(actor, (tx) => repo.plansOfDistrict(tx, district.orgId));
      const byId = options.planId === undefined ? undefined : all.find((p) => p.planId === options.planId);
      let partnershipId: number | undefined;
      if (byId) partnershipId = byId.partnershipId;
      else if (options.slug !== undefined)
        partnershipId = (await register.partnership(options.slug)).partnershipId;
      else partnershipId = all[0]?.partnershipId;
      const inPartnership = all.filter((p) => p.partnershipId === partnershipId);
      const plan =
        options.planId !== undefined
          ? byId
          : options.year === undefined
            ? inPartnership.at(-1)
            : inPartnership.find((p) => p.year === options.year);
      if (!plan)
        throw notFound(
          options.year === undefined
            ? `${district.name} has no locality plan.`
            : `${district.name} has no locality plan for ${options.year}.`,
        );
      const partnership = await partnershipById(plan.partnershipId);
      const { objectives, commitments } = await read(actor, async (tx) => ({
        objectives: await repo.objectivesOf(tx, plan.orgId, plan.planId),
        commitments: await repo.commitmentsOf(tx, plan.orgId, plan.planId),
      }));
      const councils = await councilsFor(district, partnership);
      const names = new Map<number, string>([
        ...partnership.members.map((m) => [m.orgId, m.name] as const),
        [district.orgId, district.name],
      ]);
      const updaters = [
        ...new Set(commitments.flatMap((c) => (c.stateUpdatedBy === null ? [] : [c.stateUpdatedBy]))),
      ];
      const accountNames = await withSystem(db, (tx) => repo.accountNames(tx, updaters));
      const districtBodies = await bodies(district.orgId);
      const view = (c: repo.CommitmentRow): CommitmentView => ({
        commitmentId: c.commitmentId,
        objectivePosition: c.objectivePosition,
        committedOrgId: c.committedOrgId,
        council: names.get(c.committedOrgId) ?? String(c.committedOrgId),
        tier: c.tier,
        tierLabel: TIERS[c.tier],
        commitment: c.commitment,
        owner: c.owner,
        measures: c.measureIds.map((id) => ({ id, name: MEASURES.find((m) => m.id === id)?.name ?? id })),
        state: c.state,
        stateLabel: COMMITMENT_STATES[c.state],
        stateNote: c.stateNote,
        stateUpdatedAt: c.stateUpdatedAt?.toISOString() ?? null,
        // A person's name is for those who work with the plan; the public sees when, not who.
        stateUpdatedBy:
          c.stateUpdatedBy === null || actor.grants.length === 0
            ? null
            : (accountNames.get(c.stateUpdatedBy) ?? null),
        illustrative: c.illustrative,
        mayUpdate:
          commitmentKeeper(actor, { planOrgId: plan.orgId, committedOrgId: c.committedOrgId }) !== null,
      });
      const tierOrder: Tier[] = ['county', 'district', 'unitary', 'partner'];
      const used = new Set(commitments.flatMap((c) => c.measureIds));
      const agreedBody = districtBodies.find((b) => b.bodyId === plan.agreedByBodyId);
      const mayAgree = mayRecordAgreement(actor, plan.orgId);
      return {
        planId: plan.planId,
        district: { orgId: district.orgId, name: district.name, key: orgKey(district) },
        partnership: {
          partnershipId: partnership.partnershipId,
          slug: partnership.slug,
          name: partnership.name,
        },
        year: plan.year,
        title: plan.title,
        summary: plan.summary,
        illustrative: plan.illustrative,
        source: plan.source,
        agreement:
          plan.agreedOn === null
            ? null
            : {
                bodyId: plan.agreedByBodyId!,
                body: agreedBody?.name ?? 'a body of the council',
                agreedOn: plan.agreedOn,
                minute: plan.agreedMinute ?? '',
              },
        objectives: objectives.map((o) => ({
          position: o.position,
          number: o.position + 1,
          title: o.title,
          description: o.description,
          source: o.source,
          commitments: commitments
            .filter((c) => c.objectivePosition === o.position)
            .sort(
              (a, b) =>
                tierOrder.indexOf(a.tier) - tierOrder.indexOf(b.tier) || a.commitmentId - b.commitmentId,
            )
            .map(view),
        })),
        states: countsOf(commitments),
        commitmentCount: commitments.length,
        measures: MEASURES.filter((m) => used.has(m.id)),
        years: inPartnership.map((p) => p.year),
        mayKeep: mayKeepPlan(actor, plan),
        mayRecordAgreement: mayAgree,
        councils,
        bodies: mayAgree ? districtBodies : [],
      };
    },

    async createPlan(actor, slug, orgId, input) {
      const partnership = await register.partnership(slug);
      const member = partnership.members.find((m) => m.orgId === orgId && m.leftOn === null);
      if (!member || member.kind !== 'district')
        throw notFound(`${partnership.name} has no district ${orgId}.`);
      if (!mayKeepPlan(actor, { orgId, partnershipId: partnership.partnershipId }))
        throw forbidden(
          `Only ${member.name}’s officers and the partnership’s administrator set out its locality plan.`,
        );
      const errors = planProblems(input);
      if (Object.keys(errors).length > 0) throw new ValidationProblem(errors);
      const year = input.year.trim();
      const existing = await read(actor, (tx) => repo.plansOfDistrict(tx, orgId));
      if (existing.some((p) => p.partnershipId === partnership.partnershipId && p.year === year))
        throw new ValidationProblem({ year: `${member.name} already has a locality plan for ${year}` });
      const row = {
        orgId,
        partnershipId: partnership.partnershipId,
        year,
        title: input.title.trim(),
        summary: (input.summary ?? '').trim(),
        illustrative: input.illustrative ?? false,
        source: (input.source ?? '').trim(),
      };
      return audited(actor, orgId, async (tx) => {
        const planId = await repo.insertPlan(tx, { ...row, createdBy: actor.accountId });
        await recordAudit(tx, {
          orgId,
          accountId: actor.accountId,
          action: 'create',
          entityType: 'locality_plan',
          entityKey: String(planId),
          after: row,
        });
        return planId;
      });
    },

    async addObjective(actor, orgId, planId, input) {
      const { plan, district } = await loadPlan(orgId, planId);
      if (!mayKeepPlan(actor, plan))
        throw forbidden(
          `Only ${district.name}’s officers and the partnership’s administrator set out its locality plan.`,
        );
      const errors = objectiveProblems(input);
      if (Object.keys(errors).length > 0) throw new ValidationProblem(errors);
      const objective = {
        title: input.title.trim(),
        description: (input.description ?? '').trim(),
        source: (input.source ?? '').trim(),
      };
      return audited(actor, orgId, async (tx) => {
        const position = await repo.insertObjective(tx, orgId, planId, objective);
        await recordAudit(tx, {
          orgId,
          accountId: actor.accountId,
          action: 'create',
          entityType: 'plan_objective',
          entityKey: `${planId}:${position}`,
          after: { ...objective, position },
        });
        return position;
      });
    },

    async addCommitment(actor, orgId, planId, input) {
      const { plan, district, partnership } = await loadPlan(orgId, planId);
      if (!mayKeepPlan(actor, plan))
        throw forbidden(
          `Only ${district.name}’s officers and the partnership’s administrator set out its locality plan.`,
        );
      const councils = await councilsFor(district, partnership);
      const objectives = await read(actor, (tx) => repo.objectivesOf(tx, orgId, planId));
      const errors = commitmentProblems(input, { positions: objectives.map((o) => o.position), councils });
      if (Object.keys(errors).length > 0) throw new ValidationProblem(errors);
      const row = {
        objectivePosition: input.objectivePosition,
        committedOrgId: input.committedOrgId,
        tier: councils.find((c) => c.orgId === input.committedOrgId)!.tier,
        commitment: input.commitment.trim(),
        owner: input.owner.trim(),
        measureIds: [...input.measureIds],
        illustrative: input.illustrative ?? false,
      };
      return audited(actor, orgId, async (tx) => {
        const commitmentId = await repo.insertCommitment(tx, orgId, planId, row);
        await recordAudit(tx, {
          orgId,
          accountId: actor.accountId,
          action: 'create',
          entityType: 'plan_commitment',
          entityKey: String(commitmentId),
          after: { planId, ...row },
        });
        return commitmentId;
      });
    },

    async updateState(actor, orgId, commitmentId, input) {
      const found = await withSystem(db, (tx) => repo.commitmentById(tx, orgId, commitmentId));
      if (!found) throw notFound(`There is no commitment ${commitmentId} in this council’s locality plans.`);
      const keeper = commitmentKeeper(actor, { planOrgId: orgId, committedOrgId: found.committedOrgId });
      if (keeper === null)
        throw forbidden(
          'Only the council that made the commitment, or the district whose plan it is, changes its state.',
        );
      const errors = stateProblems(input);
      if (Object.keys(errors).length > 0) throw new ValidationProblem(errors);
      const after = { state: input.state as CommitmentState, note: input.note.trim() };
      await audited(actor, keeper, async (tx) => {
        // Locked until the transaction ends, so that the audit's "before" is what this change replaced.
        const current = (await repo.commitmentById(tx, orgId, commitmentId, true))!;
        const at = await repo.updateState(tx, orgId, commitmentId, { ...after, accountId: actor.accountId });
        await recordAudit(tx, {
          orgId: keeper,
          accountId: actor.accountId,
          action: 'update',
          entityType: 'plan_commitment',
          entityKey: String(commitmentId),
          before: {
            planOrgId: orgId,
            state: current.state,
            note: current.stateNote,
            updatedAt: current.stateUpdatedAt?.toISOString() ?? null,
            updatedBy: current.stateUpdatedBy,
          },
          after: { planOrgId: orgId, ...after, updatedAt: at.toISOString(), updatedBy: actor.accountId },
        });
      });
    },

    async recordAgreement(actor, orgId, planId, input) {
      const { plan, district } = await loadPlan(orgId, planId);
      if (!mayRecordAgreement(actor, plan.orgId))
        throw forbidden(
          `Only ${district.name}’s democratic services officer records where its plan was agreed.`,
        );
      const errors = agreementProblems(input, await bodies(orgId), todayInLondon());
      if (Object.keys(errors).length > 0) throw new ValidationProblem(errors);
      const after = { bodyId: input.bodyId, agreedOn: input.agreedOn, minute: input.minute.trim() };
      await audited(actor, orgId, async (tx) => {
        await repo.updateAgreement(tx, orgId, planId, after);
        await recordAudit(tx, {
          orgId,
          accountId: actor.accountId,
          action: 'update',
          entityType: 'locality_plan',
          entityKey: String(planId),
          before: { bodyId: plan.agreedByBodyId, agreedOn: plan.agreedOn, minute: plan.agreedMinute },
          after,
        });
      });
    },
  };
}
