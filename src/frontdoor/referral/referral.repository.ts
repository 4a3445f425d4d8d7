/**
 * SQL for referring a case: the case with its holder's partners (where it may go), the receiving
 * organisation, and its new row.
 */
import { sql, type Kysely } from 'kysely';
import type { Tx } from '../../db/index.ts';
import type { DB } from '../../db/index.ts';
import { caseQuery, toCase, type CaseRow, type NewCase } from '../cases/cases.repository.ts';

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

/** A case to refer, with what deciding where it may go needs from its organisation's side. */
export interface CaseToRefer extends CaseRow {
  holderName: string;
  referrerName: string | null;
  /**
   * The holder's current partners on the date: the other members and associates of every
   * partnership it belongs to, each once, with the partnership's name (the first by name where
   * they share more than one).
   */
  partners: Array<{ orgId: number; name: string; partnership: string }>;
}

/**
 * The case an organisation holds under a reference (as the transaction may see it), its holder's
 * and referrer's names and the holder's partners on the date, in one statement.
 */
export async function caseToRefer(
  tx: Tx,
  orgId: number,
  reference: string,
  date: string,
): Promise<CaseToRefer | undefined> {
  const row = await caseQuery(tx)
    .innerJoin('organisation as holder', 'holder.org_id', 'c.org_id')
    .leftJoin('organisation as referrer', 'referrer.org_id', 'c.referred_from_org_id')
    .select(['holder.name as holder_name', 'referrer.name as referrer_name'])
    .select(
      sql<CaseToRefer['partners']>`(
        SELECT coalesce(json_agg(json_build_object('orgId', x.org_id, 'name', x.name, 'partnership', x.partnership)
                                 ORDER BY x.partnership, x.name), '[]')
        FROM (
          SELECT DISTINCT ON (o.org_id) o.org_id, o.name, p.name AS partnership
          FROM partnership_member me
          JOIN partnership p ON p.partnership_id = me.partnership_id
          JOIN partnership_member pm ON pm.partnership_id = me.partnership_id
          JOIN organisation o ON o.org_id = pm.org_id
          WHERE me.org_id = c.org_id AND pm.org_id <> c.org_id AND pm.role IN ('member', 'associate')
            AND me.joined_on <= ${date}::date AND (me.left_on IS NULL OR me.left_on > ${date}::date)
            AND pm.joined_on <= ${date}::date AND (pm.left_on IS NULL OR pm.left_on > ${date}::date)
          ORDER BY o.org_id, p.name, p.partnership_id
        ) x)`.as('partners'),
    )
    .where('c.org_id', '=', orgId)
    .where('c.reference', '=', reference)
    .executeTakeFirst();
  return (
    row && {
      ...toCase(row),
      holderName: row.holder_name,
      referrerName: row.referrer_name,
      partners: row.partners.map((p) => ({
        orgId: Number(p.orgId),
        name: p.name,
        partnership: p.partnership,
      })),
    }
  );
}
