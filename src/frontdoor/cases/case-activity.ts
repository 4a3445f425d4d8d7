/**
 * The front door's activity as facts about cases, for the modules that report on it: when each
 * case was opened and closed, by which channel, through whose front door, whether the contact was
 * resolved there and then, its due time, its place, and each referral it went out on. No one's
 * name, contact details or description leaves this file, so it reads as the owner across every
 * council: what is built from it is counts.
 *
 * A case is in the answer when anything about it happened in the span: opened (from `openedFrom`,
 * which may reach back further than the span for rules that look at earlier requests), closed, or
 * referred out.
 */
import { sql, type Kysely } from 'kysely';
import type { Channel, DB } from '../../db/index.ts';
import { withSystem } from '../../db/index.ts';

export interface CaseActivityRow {
  caseId: number;
  orgId: number;
  lgslCode: number;
  channel: Channel;
  openedAt: Date;
  closedAt: Date | null;
  dueAt: Date | null;
  postcode: string | null;
  lat: number | null;
  lon: number | null;
  /** The district or unitary (GSS) of the case's full postcode; null when it has none known. */
  districtCode: string | null;
  referredFromOrgId: number | null;
  /** The council whose front door took the contact; null when none is recorded. */
  contactOrgId: number | null;
  /** Whether that contact was dealt with there and then. */
  resolvedAtFirstContact: boolean;
  /** Each time the case was referred to another council: when and to whom. */
  referrals: Array<{ at: Date; toOrgId: number }>;
}

export interface CaseActivityQuery {
  /** Instants, inclusive: the span whose days are being counted. */
  from: Date;
  until: Date;
  /** Cases opened from here are read even when nothing else of theirs is in the span. */
  openedFrom: Date;
}

const asDate = (v: Date | string | null): Date | null => (v === null ? null : new Date(v));

/** The facts of every case with something in the span, in the order of their ids. */
export async function caseActivityBetween(db: Kysely<DB>, q: CaseActivityQuery): Promise<CaseActivityRow[]> {
  const { rows } = await withSystem(db, (tx) =>
    sql<{
      case_id: number | string;
      org_id: number | string;
      lgsl_code: number;
      channel: Channel;
      opened_at: Date | string;
      closed_at: Date | string | null;
      due_at: Date | string | null;
      postcode: string | null;
      lat: number | null;
      lon: number | null;
      district_code: string | null;
      referred_from_org_id: number | string | null;
      contact_org_id: number | string | null;
      resolved: boolean | null;
      referrals: Array<{ at: string; to: number | string }> | null;
    }>`
      WITH touched AS (
        SELECT c.org_id, c.case_id FROM service_case c
        WHERE c.opened_at BETWEEN ${q.openedFrom}::timestamptz AND ${q.until}::timestamptz
        UNION
        SELECT c.org_id, c.case_id FROM service_case c
        WHERE c.closed_at BETWEEN ${q.from}::timestamptz AND ${q.until}::timestamptz
        UNION
        SELECT e.org_id, e.case_id FROM case_event e
        WHERE e.kind = 'referred_out' AND e.copied_from_org_id IS NULL
          AND e.occurred_at BETWEEN ${q.from}::timestamptz AND ${q.until}::timestamptz
      )
      SELECT c.case_id, c.org_id, c.lgsl_code, c.channel, c.opened_at, c.closed_at, c.due_at,
             c.postcode, c.lat, c.lon, p.district_code, c.referred_from_org_id, c.contact_org_id,
             (ct.resolved_at_first_contact OR EXISTS (
                SELECT 1 FROM case_event r WHERE r.org_id = c.org_id AND r.case_id = c.case_id
                  AND r.kind = 'resolved_at_first_contact' AND r.copied_from_org_id IS NULL)) AS resolved,
             (SELECT json_agg(json_build_object('at', e.occurred_at, 'to', e.related_org_id)
                              ORDER BY e.occurred_at, e.event_id)
                FROM case_event e
                WHERE e.org_id = c.org_id AND e.case_id = c.case_id AND e.kind = 'referred_out'
                  AND e.copied_from_org_id IS NULL AND e.related_org_id IS NOT NULL) AS referrals
      FROM touched t
      JOIN service_case c ON c.org_id = t.org_id AND c.case_id = t.case_id
      LEFT JOIN contact ct ON ct.org_id = c.contact_org_id AND ct.contact_id = c.contact_id
      -- Postcodes are kept in the stored form (EX1 1AA), so a full one matches exactly.
      LEFT JOIN postcode p ON p.postcode = c.postcode
      ORDER BY c.case_id`.execute(tx),
  );
  return rows.map((r) => ({
    caseId: Number(r.case_id),
    orgId: Number(r.org_id),
    lgslCode: r.lgsl_code,
    channel: r.channel,
    openedAt: new Date(r.opened_at),
    closedAt: asDate(r.closed_at),
    dueAt: asDate(r.due_at),
    postcode: r.postcode,
    lat: r.lat,
    lon: r.lon,
    districtCode: r.district_code,
    referredFromOrgId: r.referred_from_org_id === null ? null : Number(r.referred_from_org_id),
    contactOrgId: r.contact_org_id === null ? null : Number(r.contact_org_id),
    resolvedAtFirstContact: r.resolved === true,
    referrals: (r.referrals ?? []).map((x) => ({ at: new Date(x.at), toOrgId: Number(x.to) })),
  }));
}
