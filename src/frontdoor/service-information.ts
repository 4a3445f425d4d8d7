/**
 * What a council tells residents about one of its services (the `service_information` table):
 * a summary of its policy, its fees, and links to its own pages. A contact-centre agent answers for
 * every partner, so the desk shows the responsible council's own words, never another's, and says
 * plainly when that council has recorded nothing. Readable by anyone: it is public information.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { withTenant } from '../db/context.ts';

export interface ServiceLink {
  text: string;
  href: string;
}

export interface ServiceInformation {
  orgId: number;
  lgslCode: number;
  /** Policy and how the service works, as the council puts it. */
  summary: string;
  fees: string;
  links: ServiceLink[];
  updatedAt: string;
}

const MAX_LINKS = 20;

/**
 * The links as stored (a JSON array of `{ text|title|label, url|href }`), keeping only web
 * addresses: anything else (a `javascript:` URL, a typo) is not offered to an agent to open.
 */
export function linksFrom(stored: unknown): ServiceLink[] {
  let value = stored;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return [];
    }
  }
  if (!Array.isArray(value)) return [];
  const links: ServiceLink[] = [];
  for (const item of value) {
    if (typeof item !== 'object' || item === null) continue;
    const record = item as Record<string, unknown>;
    const href = [record.url, record.href].find((v): v is string => typeof v === 'string')?.trim();
    if (!href) continue;
    let url: URL;
    try {
      url = new URL(href);
    } catch {
      continue;
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') continue;
    const text =
      [record.text, record.title, record.label]
        .find((v): v is string => typeof v === 'string' && v.trim() !== '')
        ?.trim() ?? url.host;
    links.push({ text: text.slice(0, 200), href: url.toString() });
    if (links.length === MAX_LINKS) break;
  }
  return links;
}

/** One council's information about one service, or null when it has recorded none. */
export async function serviceInformation(
  db: Kysely<DB>,
  orgId: number,
  lgslCode: number,
): Promise<ServiceInformation | null> {
  const row = await withTenant(db, { readOrgs: [], writeOrgs: [], accountId: null }, (tx) =>
    tx
      .selectFrom('service_information')
      .select(['org_id', 'lgsl_code', 'summary', 'fees', 'links', 'updated_at'])
      .where('org_id', '=', orgId)
      .where('lgsl_code', '=', lgslCode)
      .executeTakeFirst(),
  );
  if (!row) return null;
  const information: ServiceInformation = {
    orgId: row.org_id,
    lgslCode: row.lgsl_code,
    summary: row.summary.trim(),
    fees: row.fees.trim(),
    links: linksFrom(row.links),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
  const empty = information.summary === '' && information.fees === '' && information.links.length === 0;
  return empty ? null : information;
}
