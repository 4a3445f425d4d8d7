/**
 * Option appraisals: a partnership's sourcing options (make, buy, share, divest and their variants)
 * rated high, medium or low against each outcome of an outcomes framework, the ratings scored 3, 2
 * and 1 and multiplied by each outcome's weight (1 each when the appraisal applies none), the
 * options ranked by their total, and the shortlist the appraisal recommends. Public, like the
 * reports councils publish; the partnership administrator records one.
 */
import type { Kysely } from 'kysely';
import type { DB, SourcingKind } from '../db/index.ts';
import { withTenant } from '../db/index.ts';
import { ValidationProblem, forbidden, recordAudit } from '../platform/index.ts';
import type { RegisterService } from '../register/index.ts';
import { proposalKeeperOrg, type GovernanceActor } from './governance-actor.ts';

export const SOURCING_KINDS: Record<SourcingKind, string> = {
  make: 'Make',
  buy: 'Buy',
  share: 'Share',
  divest: 'Divest',
};
export const RATINGS = { high: 3, medium: 2, low: 1 } as const;
export type Rating = keyof typeof RATINGS;

export interface AppraisalInput {
  title: string;
  method?: string;
  conclusion?: string;
  illustrative?: boolean;
  source?: string;
  outcomes: Array<{ name: string; contributory?: string[]; weight?: number }>;
  options: Array<{ kind: string; name: string; shortlisted?: boolean; ratings: string[] }>;
}

export interface OptionResult {
  kind: SourcingKind;
  kindName: string;
  name: string;
  shortlisted: boolean;
  ratings: Rating[];
  /** Each outcome's rating score times its weight, in the outcomes' order. */
  scores: number[];
  total: number;
  /** 1 for the highest total; equal totals share a rank. */
  rank: number;
}

export interface AppraisalView {
  appraisalId: number;
  title: string;
  method: string;
  conclusion: string;
  illustrative: boolean;
  source: string;
  weighted: boolean;
  outcomes: Array<{ name: string; contributory: string[]; weight: number }>;
  /** In the appraisal's order (by kind, as it lists them). */
  options: OptionResult[];
  /** The highest total possible, for reading a total against. */
  maximum: number;
}

/** Scores and ranks the options (pure). */
export function scoreOptions(
  outcomes: ReadonlyArray<{ weight: number }>,
  options: ReadonlyArray<{
    kind: SourcingKind;
    name: string;
    shortlisted: boolean;
    ratings: readonly Rating[];
  }>,
): OptionResult[] {
  const scored = options.map((o) => {
    const scores = outcomes.map((outcome, i) => RATINGS[o.ratings[i]!] * outcome.weight);
    return {
      kind: o.kind,
      kindName: SOURCING_KINDS[o.kind],
      name: o.name,
      shortlisted: o.shortlisted,
      ratings: [...o.ratings],
      scores,
      total: scores.reduce((a, b) => a + b, 0),
      rank: 0,
    };
  });
  for (const o of scored) o.rank = 1 + scored.filter((other) => other.total > o.total).length;
  return scored;
}

export interface AppraisalService {
  appraisals(slug: string): Promise<AppraisalView[]>;
  createAppraisal(actor: GovernanceActor, slug: string, input: AppraisalInput): Promise<AppraisalView>;
}

export function createAppraisalService(deps: {
  db: Kysely<DB>;
  register: Pick<RegisterService, 'partnership'>;
}): AppraisalService {
  const { db, register } = deps;
  const publicScope = { readOrgs: [], writeOrgs: [], accountId: null };

  async function appraisals(slug: string): Promise<AppraisalView[]> {
    const p = await register.partnership(slug);
    return withTenant(db, publicScope, async (tx) => {
      const rows = await tx
        .selectFrom('appraisal')
        .selectAll()
        .where('partnership_id', '=', p.partnershipId)
        .orderBy('created_at')
        .execute();
      if (rows.length === 0) return [];
      const ids = rows.map((r) => r.appraisal_id);
      const [outcomes, options] = await Promise.all([
        tx
          .selectFrom('appraisal_outcome')
          .selectAll()
          .where('appraisal_id', 'in', ids)
          .orderBy('position')
          .execute(),
        tx
          .selectFrom('appraisal_option')
          .selectAll()
          .where('appraisal_id', 'in', ids)
          .orderBy('position')
          .execute(),
      ]);
      return rows.map((r) => {
        const own = outcomes.filter((o) => o.org_id === r.org_id && o.appraisal_id === r.appraisal_id);
        const framework = own.map((o) => ({ name: o.name, contributory: o.contributory, weight: o.weight }));
        return {
          appraisalId: r.appraisal_id,
          title: r.title,
          method: r.method,
          conclusion: r.conclusion,
          illustrative: r.illustrative,
          source: r.source,
          weighted: framework.some((o) => o.weight !== 1),
          outcomes: framework,
          options: scoreOptions(
            framework,
            options
              .filter((o) => o.org_id === r.org_id && o.appraisal_id === r.appraisal_id)
              .map((o) => ({
                kind: o.kind,
                name: o.name,
                shortlisted: o.shortlisted,
                ratings: o.ratings as Rating[],
              })),
          ),
          maximum: framework.reduce((sum, o) => sum + RATINGS.high * o.weight, 0),
        };
      });
    });
  }

  return {
    appraisals,
    async createAppraisal(actor, slug, input) {
      const p = await register.partnership(slug);
      const keeper = proposalKeeperOrg(actor, p);
      if (keeper === null)
        throw forbidden('Only the partnership’s administrator records its option appraisals.');
      const errors: Record<string, string> = {};
      if (input.title.trim().length === 0 || input.title.trim().length > 200)
        errors.title = 'Enter a title of up to 200 characters';
      if (input.outcomes.length === 0 || input.outcomes.length > 20)
        errors.outcomes = 'Give between 1 and 20 outcomes';
      input.outcomes.forEach((o, i) => {
        if (o.name.trim().length === 0) errors[`outcomes[${i}].name`] = `Outcome ${i + 1}: enter its name`;
        if (o.weight !== undefined && (!Number.isInteger(o.weight) || o.weight < 1 || o.weight > 100))
          errors[`outcomes[${i}].weight`] = `Outcome ${i + 1}: a weight is a whole number from 1 to 100`;
      });
      if (input.options.length === 0 || input.options.length > 50)
        errors.options = 'Give between 1 and 50 options';
      input.options.forEach((o, i) => {
        if (!Object.hasOwn(SOURCING_KINDS, o.kind))
          errors[`options[${i}].kind`] = `Option ${i + 1}: select make, buy, share or divest`;
        if (o.name.trim().length === 0) errors[`options[${i}].name`] = `Option ${i + 1}: enter its name`;
        if (o.ratings.length !== input.outcomes.length || o.ratings.some((r) => !Object.hasOwn(RATINGS, r)))
          errors[`options[${i}].ratings`] =
            `Option ${i + 1}: rate it high, medium or low against each of the ${input.outcomes.length} outcomes`;
      });
      if (Object.keys(errors).length > 0) throw new ValidationProblem(errors);
      const scope = { readOrgs: [keeper], writeOrgs: [keeper], accountId: actor.accountId };
      const id = await withTenant(db, scope, async (tx) => {
        const { appraisal_id: appraisalId } = await tx
          .insertInto('appraisal')
          .values({
            org_id: keeper,
            partnership_id: p.partnershipId,
            title: input.title.trim(),
            method: (input.method ?? '').trim(),
            conclusion: (input.conclusion ?? '').trim(),
            illustrative: input.illustrative ?? false,
            source: input.source ?? '',
          })
          .returning('appraisal_id')
          .executeTakeFirstOrThrow();
        await tx
          .insertInto('appraisal_outcome')
          .values(
            input.outcomes.map((o, position) => ({
              org_id: keeper,
              appraisal_id: appraisalId,
              position,
              name: o.name.trim(),
              contributory: (o.contributory ?? []).map((c) => c.trim()).filter(Boolean),
              weight: o.weight ?? 1,
            })),
          )
          .execute();
        await tx
          .insertInto('appraisal_option')
          .values(
            input.options.map((o, position) => ({
              org_id: keeper,
              appraisal_id: appraisalId,
              position,
              kind: o.kind as SourcingKind,
              name: o.name.trim(),
              shortlisted: o.shortlisted ?? false,
              ratings: o.ratings,
            })),
          )
          .execute();
        await recordAudit(tx, {
          orgId: keeper,
          accountId: actor.accountId,
          action: 'create',
          entityType: 'appraisal',
          entityKey: String(appraisalId),
          after: input,
        });
        return appraisalId;
      });
      return (await appraisals(slug)).find((a) => a.appraisalId === id)!;
    },
  };
}
