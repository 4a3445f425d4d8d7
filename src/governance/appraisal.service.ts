/**
 * Option appraisals: a partnership's sourcing options (make, buy, share, divest and their variants)
 * rated high, medium or low against each outcome of an outcomes framework, the ratings scored 3, 2
 * and 1 and multiplied by each outcome's weight (1 each when the appraisal applies none), the
 * options ranked by their total, and the shortlist the appraisal recommends. Public, like the
 * reports councils publish; the partnership administrator records one, and revises an option's
 * ratings and whether it is shortlisted (audited with what it said before; a revision made from an
 * older reading of the option is refused rather than undoing a later one).
 */
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB, SourcingKind } from '../db/index.ts';
import { withSystem, withTenant } from '../db/index.ts';
import { ValidationProblem, conflict, forbidden, notFound, recordAudit } from '../platform/index.ts';
import type { RegisterService } from '../register/index.ts';
import { NOBODY, mayKeepProposal, proposalKeeperOrg, type GovernanceActor } from './governance-actor.ts';

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
  /** In the appraisal's order (by kind, as it lists them), each with its place in that order. */
  options: Array<OptionResult & { position: number; version: string }>;
  /** Whether the person asking keeps the appraisal (revises its ratings and shortlist). */
  mayKeep: boolean;
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

/** A revision of one option: its rating against each outcome, in order, and whether it is shortlisted. */
export interface OptionRevision {
  ratings: string[];
  /** Null when the form did not say. */
  shortlisted: boolean | null;
  /** The option's `version` when the form was read. */
  version: string;
}

/** An option's version: a digest of what a revision changes (pure). */
export function optionVersion(option: { ratings: readonly string[]; shortlisted: boolean }): string {
  return createHash('sha256')
    .update(JSON.stringify([option.ratings, option.shortlisted]))
    .digest('base64url')
    .slice(0, 22);
}

export interface AppraisalService {
  /** A partnership's appraisals, with what `actor` (nobody, by default) may do on each. */
  appraisals(slug: string, actor?: GovernanceActor): Promise<AppraisalView[]>;
  createAppraisal(actor: GovernanceActor, slug: string, input: AppraisalInput): Promise<AppraisalView>;
  /** For the appraisal's keeper: new ratings and shortlisting for the option at `position`. */
  reviseOption(
    actor: GovernanceActor,
    slug: string,
    appraisalId: number,
    position: number,
    input: OptionRevision,
  ): Promise<AppraisalView>;
}

export function createAppraisalService(deps: {
  db: Kysely<DB>;
  register: Pick<RegisterService, 'partnership'>;
}): AppraisalService {
  const { db, register } = deps;
  const publicScope = { readOrgs: [], writeOrgs: [], accountId: null };

  async function appraisals(slug: string, actor: GovernanceActor = NOBODY): Promise<AppraisalView[]> {
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
        const ownOptions = options
          .filter((o) => o.org_id === r.org_id && o.appraisal_id === r.appraisal_id)
          .map((o) => ({
            position: o.position,
            kind: o.kind,
            name: o.name,
            shortlisted: o.shortlisted,
            ratings: o.ratings as Rating[],
          }));
        return {
          appraisalId: r.appraisal_id,
          title: r.title,
          method: r.method,
          conclusion: r.conclusion,
          illustrative: r.illustrative,
          source: r.source,
          weighted: framework.some((o) => o.weight !== 1),
          outcomes: framework,
          options: scoreOptions(framework, ownOptions).map((o, i) => ({
            ...o,
            position: ownOptions[i]!.position,
            version: optionVersion(o),
          })),
          mayKeep: mayKeepProposal(actor, p.partnershipId, r.org_id),
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

    async reviseOption(actor, slug, appraisalId, position, input) {
      const p = await register.partnership(slug);
      const found = await withSystem(db, async (tx) => {
        const appraisal = await tx
          .selectFrom('appraisal')
          .select(['org_id'])
          .where('appraisal_id', '=', appraisalId)
          .where('partnership_id', '=', p.partnershipId)
          .executeTakeFirst();
        if (!appraisal) return undefined;
        const outcomes = await tx
          .selectFrom('appraisal_outcome')
          .select(({ fn }) => fn.countAll<string | number>().as('n'))
          .where('org_id', '=', appraisal.org_id)
          .where('appraisal_id', '=', appraisalId)
          .executeTakeFirstOrThrow();
        return { keeper: appraisal.org_id, outcomes: Number(outcomes.n) };
      });
      if (!found) throw notFound(`${p.name} has no option appraisal ${appraisalId}.`);
      if (!mayKeepProposal(actor, p.partnershipId, found.keeper))
        throw forbidden('Only the partnership’s administrator revises its option appraisals.');
      const errors: Record<string, string> = {};
      input.ratings.forEach((r, i) => {
        if (!Object.hasOwn(RATINGS, r))
          errors[`ratings[${i}]`] = `Outcome ${i + 1}: select high, medium or low`;
      });
      if (input.ratings.length !== found.outcomes)
        errors.ratings = `Rate the option high, medium or low against each of the ${found.outcomes} outcomes`;
      if (typeof input.shortlisted !== 'boolean')
        errors.shortlisted = 'Say whether the option is shortlisted';
      if (Object.keys(errors).length > 0) throw new ValidationProblem(errors);
      const scope = { readOrgs: [found.keeper], writeOrgs: [found.keeper], accountId: actor.accountId };
      await withTenant(db, scope, async (tx) => {
        const current = await tx
          .selectFrom('appraisal_option')
          .select(['name', 'ratings', 'shortlisted'])
          .where('org_id', '=', found.keeper)
          .where('appraisal_id', '=', appraisalId)
          .where('position', '=', position)
          .forUpdate()
          .executeTakeFirst();
        if (!current) throw notFound(`The option appraisal has no option ${position + 1}.`);
        if (optionVersion(current) !== input.version)
          throw conflict(
            `“${current.name}” was revised by someone else after you opened the form, so your ratings ` +
              'were not saved. The form now shows what is recorded; check it and save again.',
            { version: optionVersion(current) },
          );
        const after = { ratings: [...input.ratings], shortlisted: input.shortlisted === true };
        await tx
          .updateTable('appraisal_option')
          .set(after)
          .where('org_id', '=', found.keeper)
          .where('appraisal_id', '=', appraisalId)
          .where('position', '=', position)
          .execute();
        await recordAudit(tx, {
          orgId: found.keeper,
          accountId: actor.accountId,
          action: 'update',
          entityType: 'appraisal_option',
          entityKey: `${appraisalId}:${position}`,
          before: { ratings: current.ratings, shortlisted: current.shortlisted },
          after,
        });
      });
      return (await appraisals(slug, actor)).find((a) => a.appraisalId === appraisalId)!;
    },
  };
}
