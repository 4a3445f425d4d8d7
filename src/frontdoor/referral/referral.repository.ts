/** SQL for referring a case: the receiving organisation's new row, and the holder's partners. */
import { sql, type Kysely } from 'kysely';
import type { Tx } from '../../db/index.ts';
import type { DB } from '../../db/index.ts';
import type { NewCase } from '../cases/cases.repository.ts';

/** The organisation a case is to be referred to, if it exists (the directory is public). */
export async function organisationToReceive(
  db: Kysely<DB> | Tx,
  orgId: number,
): Promise<
  { org_id: number; name: string; gss_code: string | null; jurisdiction: string | null } | undefined
> {
  return db
    .selectFrom('organisation')
    .select(['org_id', 'name', 'gss_code', 'jurisdiction'])
    .where('org_id', '=', orgId)
    .executeTakeFirst();
}

/** Writes the row of a case referred to an organisation that has not held it before. */
export async function insertCase(tx: Tx, c: NewCase): Promise<number> {
  const row = await tx
    .insertInto('service_case')
    .values({
      org_id: c.orgId,
      reference: c.reference,
      lgsl_code: c.lgslCode,
      provider_org_id: c.providerOrgId,
      arrangement_id: c.arrangementId,
      status: c.status,
      description: c.description,
      postcode: c.postcode,
      lat: c.lat,
      lon: c.lon,
      address: c.address,
      reporter_name: c.reporterName,
      reporter_email: c.reporterEmail,
      reporter_phone: c.reporterPhone,
      channel: c.channel,
      contact_org_id: c.contactOrgId,
      contact_id: c.contactId,
      routing: JSON.stringify(c.routing),
      opened_at: c.openedAt,
      updated_at: c.openedAt,
      due_at: c.dueAt,
      ...(c.closedAt ? { closed_at: c.closedAt } : {}),
      referred_from_org_id: c.referredFromOrgId ?? null,
      referred_from_case_id: c.referredFromCaseId ?? null,
      attributes: JSON.stringify(c.attributes ?? {}),
      media_url: c.mediaUrl ?? null,
    })
    .returning('case_id')
    .executeTakeFirstOrThrow();
  return row.case_id;
}

/**
 * The current partners of an organisation on a date, in one query: the other members and
 * associates of every partnership it belongs to, with the partnership's name (the first by name
 * where they share more than one).
 */
export async function partnersOf(
  tx: Tx,
  orgId: number,
  date: string,
): Promise<Array<{ orgId: number; name: string; partnership: string }>> {
  const rows = await tx
    .selectFrom('partnership_member as me')
    .innerJoin('partnership as p', 'p.partnership_id', 'me.partnership_id')
    .innerJoin('partnership_member as pm', 'pm.partnership_id', 'me.partnership_id')
    .innerJoin('organisation as o', 'o.org_id', 'pm.org_id')
    .select(['o.org_id', 'o.name', 'p.name as partnership'])
    .where('me.org_id', '=', orgId)
    .where('pm.org_id', '<>', orgId)
    .where('pm.role', 'in', ['member', 'associate'])
    .where(sql<boolean>`me.joined_on <= ${date}::date AND (me.left_on IS NULL OR me.left_on > ${date}::date)`)
    .where(sql<boolean>`pm.joined_on <= ${date}::date AND (pm.left_on IS NULL OR pm.left_on > ${date}::date)`)
    .orderBy('p.name')
    .orderBy('o.name')
    .execute();
  const seen = new Set<number>();
  return rows.flatMap((r) => {
    if (seen.has(r.org_id)) return [];
    seen.add(r.org_id);
    return [{ orgId: r.org_id, name: r.name, partnership: r.partnership }];
  });
}
