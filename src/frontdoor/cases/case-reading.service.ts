/**
 * Reading a case: staff see it whole (each view of a resident's details recorded under the
 * council that holds it, and under the organisation it was read through), and anyone holding the
 * reference follows it wherever it has gone, without personal data or staff notes.
 */
import { withTenant } from '../../db/index.ts';
import { recordAudit } from '../../platform/index.ts';
import { notFound } from '../../platform/index.ts';
import { iso } from '../shared/text.ts';
import { readingOrgs } from './case-actor.ts';
import type { CaseContext } from './case-context.ts';
import { normaliseReference, referencePrefix } from './case-reference.ts';
import * as repo from './cases.repository.ts';
import type { CaseSummary, CasesService, OrganisationBrand } from './cases.types.ts';

/**
 * Where a view of a case is recorded: under the council that holds it, and, when the reader does
 * not work for that council, also under the first organisation through which they reached it (the
 * provider's team, or the front door that took it).
 */
export function viewAuditOrgs(holderOrgId: number, readThrough: readonly number[]): number[] {
  if (readThrough.length === 0 || readThrough.includes(holderOrgId)) return [holderOrgId];
  return [holderOrgId, readThrough[0]!];
}

/**
 * The times a resident is shown for a case that may have been referred: when they reported it
 * (the first holder's opening, never the time of a referral), and when it is due (the current
 * holder's date, or the last one given where the current holder has none).
 */
export function trackingTimes(
  holders: ReadonlyArray<Pick<repo.CaseRow, 'openedAt' | 'dueAt'>>,
  current: Pick<repo.CaseRow, 'openedAt' | 'dueAt'>,
): { openedAt: string; dueAt: string | null } {
  const first = holders.reduce(
    (a, b) => (b.openedAt.getTime() < a.getTime() ? b.openedAt : a),
    current.openedAt,
  );
  const given = holders
    .filter((h) => h.dueAt !== null)
    .sort((a, b) => a.openedAt.getTime() - b.openedAt.getTime());
  const due = current.dueAt ?? given.at(-1)?.dueAt ?? null;
  return { openedAt: first.toISOString(), dueAt: iso(due) };
}

export function createCaseReading(ctx: CaseContext): Pick<CasesService, 'detail' | 'track'> {
  return {
    detail: (actor, orgId, reference) =>
      ctx.withCase(actor, orgId, reference, async (tx, row) => {
        const detail = await ctx.detailOf(tx, row);
        if (actor.accountId !== null) {
          // The view is recorded under the council that holds the case, and also under the
          // organisation through which it was read where that is another (the provider's team,
          // or the front door that took it and follows it).
          for (const auditOrg of viewAuditOrgs(row.orgId, readingOrgs(actor, row))) {
            await recordAudit(tx, {
              orgId: auditOrg,
              accountId: actor.accountId,
              action: 'view',
              entityType: 'case',
              entityKey: row.reference,
            });
          }
        }
        return detail;
      }),

    async track(text) {
      const reference = normaliseReference(text);
      if (!reference) throw notFound(`There is no case ${text.trim()}. Check the reference and try again.`);
      const prefix = referencePrefix(reference)!;
      const issuer = await repo.issuerOfPrefix(ctx.db, prefix);
      if (!issuer) throw notFound(`There is no case ${reference}. Check the reference and try again.`);
      // Find every organisation that has held the case, from the one that issued the reference
      // along the referrals recorded on each row, reading each holder's row with its scope only.
      const found: Array<{ row: repo.CaseRow; events: repo.CaseEventRow[]; summary: CaseSummary }> = [];
      const queue: number[] = [issuer.org_id];
      const seen = new Set<number>();
      while (queue.length > 0) {
        const orgId = queue.shift()!;
        if (seen.has(orgId)) continue;
        seen.add(orgId);
        const held = await withTenant(
          ctx.db,
          { readOrgs: [orgId], writeOrgs: [], accountId: null },
          async (tx) => {
            const row = await repo.caseByReference(tx, orgId, reference);
            if (!row) return undefined;
            const events = await repo.caseEvents(tx, orgId, row.caseId);
            return { row, events, summary: await ctx.summaryOf(tx, row) };
          },
        );
        if (!held) continue;
        found.push(held);
        for (const e of held.events) if (e.relatedOrgId !== null) queue.push(e.relatedOrgId);
        for (const o of [held.row.referredToOrgId, held.row.referredFromOrgId]) if (o !== null) queue.push(o);
      }
      if (found.length === 0)
        throw notFound(`There is no case ${reference}. Check the reference and try again.`);
      // The holder now is the one that has not passed it on; the last to receive it if all have.
      const current =
        found.find((f) => f.row.status !== 'referred') ??
        found.reduce((a, b) => (a.row.updatedAt.getTime() >= b.row.updatedAt.getTime() ? a : b));
      const inOrder = (a: repo.CaseEventRow, b: repo.CaseEventRow) =>
        a.occurredAt.getTime() - b.occurredAt.getTime() || a.eventId - b.eventId;
      const written = found.flatMap((f) => f.events.filter((e) => e.copiedFromOrgId === null)).sort(inOrder);
      const own = written.filter((e) => e.visibility === 'public');
      const byOrg = new Map(found.map((f) => [f.row.orgId, f.summary.responsible]));
      const holders: OrganisationBrand[] = [];
      // Who held it, from each holder's opening or receipt (a referral's reason stays with staff).
      for (const e of written) {
        if (e.kind !== 'opened' && e.kind !== 'referred_in') continue;
        const brand = byOrg.get(e.orgId);
        if (brand && holders.at(-1)?.orgId !== brand.orgId) holders.push(brand);
      }
      const events = await withTenant(ctx.db, { readOrgs: [], writeOrgs: [], accountId: null }, (tx) =>
        ctx.eventViews(tx, own),
      );
      return {
        ...current.summary,
        ...trackingTimes(
          found.map((f) => f.row),
          current.row,
        ),
        holders,
        events,
      };
    },
  };
}
