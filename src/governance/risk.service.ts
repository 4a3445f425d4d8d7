/**
 * A partnership's risk log: each risk scored likelihood × impact (1 to 5 each) before treatment
 * (inherent) and after it (residual), with its owner, its treatment (tolerate, treat, transfer,
 * terminate), the partner that bears it and its review dates; a review whose date has passed is
 * overdue. The heat map counts the risks in each cell of residual likelihood and impact. Public
 * unless a risk is marked internal (then its keeper's people only). The
 * partnership administrator keeps the log.
 */
import type { Kysely } from 'kysely';
import type { DB, RiskTreatment } from '../db/index.ts';
import { withTenant } from '../db/index.ts';
import { ValidationProblem, forbidden, isIsoDate, recordAudit, todayInLondon } from '../platform/index.ts';
import type { RegisterService } from '../register/index.ts';
import { proposalKeeperOrg, readsProposalsOf, type GovernanceActor } from './governance-actor.ts';

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
}

export interface RiskLog {
  risks: RiskView[];
  /** Residual risks in each cell: `heat[impact - 1][likelihood - 1]`. */
  heat: number[][];
  overdue: number;
}

export interface RiskService {
  riskLog(actor: GovernanceActor, slug: string): Promise<RiskLog>;
  createRisk(actor: GovernanceActor, slug: string, input: RiskInput): Promise<RiskView>;
}

const scale = (n: unknown) => typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 5;
const scored = (likelihood: number, impact: number) => ({
  likelihood,
  impact,
  score: likelihood * impact,
  band: bandOf(likelihood * impact),
});

export function createRiskService(deps: {
  db: Kysely<DB>;
  register: Pick<RegisterService, 'partnership'>;
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
      }))
      .sort(
        (a, b) =>
          b.residual.score - a.residual.score || b.inherent.score - a.inherent.score || a.riskId - b.riskId,
      );
    const heat = Array.from({ length: 5 }, () => Array.from({ length: 5 }, () => 0));
    for (const r of risks) heat[r.residual.impact - 1]![r.residual.likelihood - 1]! += 1;
    return { risks, heat, overdue: risks.filter((r) => r.reviewOverdue).length };
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
  };
}
