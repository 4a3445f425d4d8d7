/**
 * A partnership's risk log: each risk scored likelihood × impact (1 to 5 each) before treatment
 * (inherent) and after it (residual), with its owner, its treatment (tolerate, treat, transfer,
 * terminate), the partner that bears it and its review dates; a review whose date has passed is
 * overdue. The heat map counts the risks in each cell of residual likelihood and impact. Public
 * unless a risk is marked internal (then its keeper's people only). The
 * partnership administrator keeps the log: adds risks, and reviews them in place (new scores, owner,
 * treatment and review dates), each review audited with what the risk said before. A review carries
 * the version of the risk it was made from, so that a review made from an older reading is refused
 * rather than silently undoing a later one.
 */
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB, RiskTreatment } from '../db/index.ts';
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
import type { RegisterService } from '../register/index.ts';
import {
  mayKeepProposal,
  proposalKeeperOrg,
  readsProposalsOf,
  type GovernanceActor,
} from './governance-actor.ts';

export const TREATMENTS: Record<RiskTreatment, string> = {
  tolerate: 'Tolerate',
  treat: 'Treat',
  transfer: 'Transfer',
  terminate: 'Terminate',
};

/** Score bands of likelihood × impact, as the heat map and the table name them. */
export const RISK_BANDS = [
  { label: 'Low (1 to 4)', min: 1, colour: '#00703c' },
  { label: 'Medium (5 to 9)', min: 5, colour: '#6f5200' },
  { label: 'High (10 to 16)', min: 10, colour: '#b1550e' },
  { label: 'Very high (20 or 25)', min: 20, colour: '#b10e1e' },
] as const;

export const bandOf = (score: number) =>
  [...RISK_BANDS].reverse().find((b) => score >= b.min)?.label ?? RISK_BANDS[0].label;

export interface RiskInput {
  title: string;
  description?: string;
  owner: string;
  bearerOrgId?: number | null;
  inherent: { likelihood: number; impact: number };
  residual: { likelihood: number; impact: number };
  treatment: string;
  treatmentNotes?: string;
  lastReviewedOn?: string | null;
  nextReviewOn: string;
  internal?: boolean;
  illustrative?: boolean;
  source?: string;
}

export interface RiskView {
  riskId: number;
  title: string;
  description: string;
  owner: string;
  /** The partner that bears it, or null for the partnership as a whole. */
  bearer: string | null;
  inherent: { likelihood: number; impact: number; score: number; band: string };
  residual: { likelihood: number; impact: number; score: number; band: string };
  treatment: RiskTreatment;
  treatmentNotes: string;
  lastReviewedOn: string | null;
  nextReviewOn: string;
  reviewOverdue: boolean;
  internal: boolean;
  illustrative: boolean;
  source: string;
  /** What a review sends back, so that it is refused if the risk has changed since it was read. */
  version: string;
  /** Whether the person asking keeps this risk (reviews it). */
  mayReview: boolean;
}

/** A review: what the risk's keeper found, and the version of the risk they read. */
export interface RiskReviewInput {
  owner: string;
  inherent: { likelihood: number; impact: number };
  residual: { likelihood: number; impact: number };
  treatment: string;
  treatmentNotes?: string;
  reviewedOn: string;
  nextReviewOn: string;
  /** The risk's `version` when the form was read. */
  version: string;
}

/** The most a risk's free text takes, as the database allows. */
export const RISK_LIMITS = { title: 200, owner: 200, description: 4000, treatmentNotes: 4000 } as const;

export interface RiskLog {
  risks: RiskView[];
  /** Whether the person asking keeps the log (adds risks to it). */
  mayAdd: boolean;
  /** Residual risks in each cell: `heat[impact - 1][likelihood - 1]`. */
  heat: number[][];
  overdue: number;
}

export interface RiskService {
  riskLog(actor: GovernanceActor, slug: string): Promise<RiskLog>;
  createRisk(actor: GovernanceActor, slug: string, input: RiskInput): Promise<RiskView>;
  /** For the risk's keeper: one review, refused (409) when the risk changed since `input.version`. */
  review(actor: GovernanceActor, riskId: number, input: RiskReviewInput): Promise<RiskView>;
}

/** What a review changes, as stored. */
interface ReviewedFields {
  owner: string;
  inherent_likelihood: number;
  inherent_impact: number;
  residual_likelihood: number;
  residual_impact: number;
  treatment: RiskTreatment;
  treatment_notes: string;
  last_reviewed_on: string | null;
  next_review_on: string;
}

const REVIEWED = [
  'owner',
  'inherent_likelihood',
  'inherent_impact',
  'residual_likelihood',
  'residual_impact',
  'treatment',
  'treatment_notes',
  'last_reviewed_on',
  'next_review_on',
] as const satisfies ReadonlyArray<keyof ReviewedFields>;

/**
 * A risk's version: a digest of what a review changes (pure). Two readings of the risk have the
 * same version exactly when a review would find the same values.
 */
export function riskVersion(row: ReviewedFields): string {
  // Numbers as numbers whichever engine returned them (a smallint may come back as text).
  const values = REVIEWED.map((k) =>
    k.endsWith('_likelihood') || k.endsWith('_impact') ? Number(row[k]) : row[k],
  );
  return createHash('sha256').update(JSON.stringify(values)).digest('base64url').slice(0, 22);
}

const scale = (n: unknown) => typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 5;
const scored = (likelihood: number, impact: number) => ({
  likelihood,
  impact,
  score: likelihood * impact,
  band: bandOf(likelihood * impact),
});

/**
 * What is wrong with a review, by field (pure): scores whole numbers from 1 to 5, a treatment of
 * the four, an owner, a review date not after `today`, and the next review after it.
 */
export function reviewProblems(
  input: Omit<RiskReviewInput, 'version'>,
  today: string,
): Record<string, string> {
  const errors: Record<string, string> = {};
  const owner = input.owner.trim();
  if (owner.length === 0) errors.owner = 'Enter who owns the risk';
  else if (owner.length > RISK_LIMITS.owner)
    errors.owner = `The owner must be ${RISK_LIMITS.owner} characters or fewer`;
  for (const [key, label] of [
    ['inherent', 'before treatment'],
    ['residual', 'after treatment'],
  ] as const) {
    if (!scale(input[key].likelihood))
      errors[`${key}.likelihood`] = `The likelihood ${label} must be a whole number from 1 to 5`;
    if (!scale(input[key].impact))
      errors[`${key}.impact`] = `The impact ${label} must be a whole number from 1 to 5`;
  }
  if (!Object.hasOwn(TREATMENTS, input.treatment))
    errors.treatment = 'Select the treatment: tolerate, treat, transfer or terminate';
  if ((input.treatmentNotes ?? '').trim().length > RISK_LIMITS.treatmentNotes)
    errors.treatmentNotes = `The notes on treatment must be ${RISK_LIMITS.treatmentNotes.toLocaleString('en-GB')} characters or fewer`;
  const reviewed = isIsoDate(input.reviewedOn);
  if (!reviewed) errors.reviewedOn = 'Enter the date of the review as a real date';
  else if (input.reviewedOn > today) errors.reviewedOn = 'The date of the review cannot be in the future';
  if (!isIsoDate(input.nextReviewOn))
    errors.nextReviewOn = 'Enter the date of the next review as a real date';
  else if (reviewed && input.nextReviewOn <= input.reviewedOn)
    errors.nextReviewOn = 'The next review must be after the date of this review';
  return errors;
}

export function createRiskService(deps: {
  db: Kysely<DB>;
  register: Pick<RegisterService, 'partnership' | 'listPartnerships'>;
}): RiskService {
  const { db, register } = deps;

  async function riskLog(actor: GovernanceActor, slug: string): Promise<RiskLog> {
    const p = await register.partnership(slug);
    const names = new Map(p.members.map((m) => [m.orgId, m.name]));
    const today = todayInLondon();
    const rows = await withTenant(
      db,
      { readOrgs: readsProposalsOf(actor), writeOrgs: [], accountId: actor.accountId },
      (tx) => tx.selectFrom('risk').selectAll().where('partnership_id', '=', p.partnershipId).execute(),
    );
    const risks = rows
      .map((r): RiskView => ({
        riskId: r.risk_id,
        title: r.title,
        description: r.description,
        owner: r.owner,
        bearer: r.bearer_org_id === null ? null : (names.get(r.bearer_org_id) ?? String(r.bearer_org_id)),
        inherent: scored(r.inherent_likelihood, r.inherent_impact),
        residual: scored(r.residual_likelihood, r.residual_impact),
        treatment: r.treatment,
        treatmentNotes: r.treatment_notes,
        lastReviewedOn: r.last_reviewed_on,
        nextReviewOn: r.next_review_on,
        reviewOverdue: r.next_review_on < today,
        internal: r.internal,
        illustrative: r.illustrative,
        source: r.source,
        version: riskVersion(r),
        mayReview: mayKeepProposal(actor, p.partnershipId, r.org_id),
      }))
      .sort(
        (a, b) =>
          b.residual.score - a.residual.score || b.inherent.score - a.inherent.score || a.riskId - b.riskId,
      );
    const heat = Array.from({ length: 5 }, () => Array.from({ length: 5 }, () => 0));
    for (const r of risks) heat[r.residual.impact - 1]![r.residual.likelihood - 1]! += 1;
    return {
      risks,
      mayAdd: proposalKeeperOrg(actor, p) !== null,
      heat,
      overdue: risks.filter((r) => r.reviewOverdue).length,
    };
  }

  return {
    riskLog,
    async createRisk(actor, slug, input) {
      const p = await register.partnership(slug);
      const keeper = proposalKeeperOrg(actor, p);
      if (keeper === null) throw forbidden('Only the partnership’s administrator keeps its risk log.');
      const errors: Record<string, string> = {};
      const title = input.title.trim();
      if (title.length === 0 || title.length > 200) errors.title = 'Enter the risk, in up to 200 characters';
      if (input.owner.trim().length === 0 || input.owner.trim().length > 200)
        errors.owner = 'Enter who owns the risk';
      if ((input.description ?? '').trim().length > RISK_LIMITS.description)
        errors.description = `The description must be ${RISK_LIMITS.description.toLocaleString('en-GB')} characters or fewer`;
      if ((input.treatmentNotes ?? '').trim().length > RISK_LIMITS.treatmentNotes)
        errors.treatmentNotes = `The notes on treatment must be ${RISK_LIMITS.treatmentNotes.toLocaleString('en-GB')} characters or fewer`;
      for (const [key, label] of [
        ['inherent', 'before treatment'],
        ['residual', 'after treatment'],
      ] as const) {
        if (!scale(input[key].likelihood) || !scale(input[key].impact))
          errors[key] = `Give the likelihood and impact ${label}, each a whole number from 1 to 5`;
      }
      if (!Object.hasOwn(TREATMENTS, input.treatment))
        errors.treatment = 'Select the treatment: tolerate, treat, transfer or terminate';
      if (!isIsoDate(input.nextReviewOn)) errors.nextReviewOn = 'Enter the next review date as a real date';
      if (input.lastReviewedOn != null && !isIsoDate(input.lastReviewedOn))
        errors.lastReviewedOn = 'Enter the last review date as a real date';
      if (input.bearerOrgId != null && !p.members.some((m) => m.orgId === input.bearerOrgId))
        errors.bearerOrgId = `Select a partner of ${p.name}, or none for the partnership as a whole`;
      if (Object.keys(errors).length > 0) throw new ValidationProblem(errors);
      const scope = { readOrgs: [keeper], writeOrgs: [keeper], accountId: actor.accountId };
      const id = await withTenant(db, scope, async (tx) => {
        const row = await tx
          .insertInto('risk')
          .values({
            org_id: keeper,
            partnership_id: p.partnershipId,
            title,
            description: (input.description ?? '').trim(),
            owner: input.owner.trim(),
            bearer_org_id: input.bearerOrgId ?? null,
            inherent_likelihood: input.inherent.likelihood,
            inherent_impact: input.inherent.impact,
            residual_likelihood: input.residual.likelihood,
            residual_impact: input.residual.impact,
            treatment: input.treatment as RiskTreatment,
            treatment_notes: (input.treatmentNotes ?? '').trim(),
            last_reviewed_on: input.lastReviewedOn ?? null,
            next_review_on: input.nextReviewOn,
            internal: input.internal ?? false,
            illustrative: input.illustrative ?? false,
            source: input.source ?? '',
          })
          .returning('risk_id')
          .executeTakeFirstOrThrow();
        await recordAudit(tx, {
          orgId: keeper,
          accountId: actor.accountId,
          action: 'create',
          entityType: 'risk',
          entityKey: String(row.risk_id),
          after: input,
        });
        return row.risk_id;
      });
      return (await riskLog(actor, slug)).risks.find((r) => r.riskId === id)!;
    },

    async review(actor, riskId, input) {
      const risk = await withSystem(db, (tx) =>
        tx
          .selectFrom('risk')
          .select(['org_id', 'partnership_id', 'internal'])
          .where('risk_id', '=', riskId)
          .executeTakeFirst(),
      );
      // An internal risk is not there for those who may not read it.
      const readable =
        risk !== undefined && (!risk.internal || readsProposalsOf(actor).includes(risk.org_id));
      if (!risk || !readable) throw notFound(`There is no risk ${riskId}.`);
      if (!mayKeepProposal(actor, risk.partnership_id, risk.org_id))
        throw forbidden('Only the partnership’s administrator reviews the risks in its log.');
      const errors = reviewProblems(input, todayInLondon());
      if (Object.keys(errors).length > 0) throw new ValidationProblem(errors);
      const after: ReviewedFields = {
        owner: input.owner.trim(),
        inherent_likelihood: input.inherent.likelihood,
        inherent_impact: input.inherent.impact,
        residual_likelihood: input.residual.likelihood,
        residual_impact: input.residual.impact,
        treatment: input.treatment as RiskTreatment,
        treatment_notes: (input.treatmentNotes ?? '').trim(),
        last_reviewed_on: input.reviewedOn,
        next_review_on: input.nextReviewOn,
      };
      const scope = { readOrgs: [risk.org_id], writeOrgs: [risk.org_id], accountId: actor.accountId };
      await withTenant(db, scope, async (tx) => {
        // Locked until the transaction ends: a review sent at the same moment waits, then finds
        // this one's version and is refused.
        const current = await tx
          .selectFrom('risk')
          .select(REVIEWED)
          .where('org_id', '=', risk.org_id)
          .where('risk_id', '=', riskId)
          .forUpdate()
          .executeTakeFirstOrThrow();
        if (riskVersion(current) !== input.version)
          throw conflict(
            'This risk was reviewed by someone else after you opened the form, so your review was not ' +
              'saved. The form now shows what is recorded; check it and review again.',
            { version: riskVersion(current) },
          );
        await tx
          .updateTable('risk')
          .set(after)
          .where('org_id', '=', risk.org_id)
          .where('risk_id', '=', riskId)
          .execute();
        await recordAudit(tx, {
          orgId: risk.org_id,
          accountId: actor.accountId,
          action: 'update',
          entityType: 'risk',
          entityKey: String(riskId),
          before: current,
          after,
        });
      });
      const slug = (await register.listPartnerships()).find(
        (p) => p.partnershipId === risk.partnership_id,
      )!.slug;
      return (await riskLog(actor, slug)).risks.find((r) => r.riskId === riskId)!;
    },
  };
}
