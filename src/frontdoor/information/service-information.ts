/**
 * What a council tells residents about one of its services (the `service_information` table):
 * a summary of its policy, its fees, and links to its own pages. A contact-centre agent answers for
 * every partner, so the desk shows the responsible council's own words, never another's, and says
 * plainly when that council has recorded nothing. Readable by anyone: it is public information.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../../db/index.ts';
import { withTenant, type Tx } from '../../db/index.ts';
import { recordAudit } from '../../platform/index.ts';

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

export const MAX_LINKS = 20;
/** The longest words shown for a link. */
export const LINK_TEXT_LIMIT = 200;

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
    // Stored links are checked when saved (parseLinks); anything longer read back is shortened visibly.
    links.push({
      text: text.length > LINK_TEXT_LIMIT ? `${text.slice(0, LINK_TEXT_LIMIT - 1)}…` : text,
      href: url.toString(),
    });
    if (links.length === MAX_LINKS) break;
  }
  return links;
}

/** A council's stored information about a service as it is, if there is a row for it. */
async function stored(
  db: Kysely<DB>,
  orgId: number,
  lgslCode: number,
): Promise<Omit<ServiceInformation, 'orgId' | 'lgslCode'> | undefined> {
  const row = await withTenant(db, { readOrgs: [], writeOrgs: [], accountId: null }, (tx) =>
    tx
      .selectFrom('service_information')
      .select(['summary', 'fees', 'links', 'updated_at'])
      .where('org_id', '=', orgId)
      .where('lgsl_code', '=', lgslCode)
      .executeTakeFirst(),
  );
  return (
    row && {
      summary: row.summary,
      fees: row.fees,
      links: linksFrom(row.links),
      updatedAt: new Date(row.updated_at).toISOString(),
    }
  );
}

/** What a council has recorded about a service, to change it: empty, with no date, when nothing. */
export async function informationToEdit(
  db: Kysely<DB>,
  orgId: number,
  lgslCode: number,
): Promise<{ summary: string; fees: string; links: ServiceLink[]; updatedAt: string | null }> {
  return (await stored(db, orgId, lgslCode)) ?? { summary: '', fees: '', links: [], updatedAt: null };
}

/** One council's information about one service, or null when it has recorded none. */
export async function serviceInformation(
  db: Kysely<DB>,
  orgId: number,
  lgslCode: number,
): Promise<ServiceInformation | null> {
  const row = await stored(db, orgId, lgslCode);
  if (!row) return null;
  const information: ServiceInformation = {
    orgId,
    lgslCode,
    ...row,
    summary: row.summary.trim(),
    fees: row.fees.trim(),
  };
  const empty = information.summary === '' && information.fees === '' && information.links.length === 0;
  return empty ? null : information;
}

export const SUMMARY_LIMIT = 4000;
export const FEES_LIMIT = 2000;

/**
 * Links as a person types them, one a line: the text people see, a `|`, and the web address
 * (`Bins and recycling | https://www.exeter.gov.uk/bins`); a line with only an address is shown
 * as its site's name. Each line that is not a link is named with its number.
 */
export function parseLinks(text: string): { links: ServiceLink[]; problems: string[] } {
  const links: ServiceLink[] = [];
  const problems: string[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === '') return;
    const bar = line.lastIndexOf('|');
    const [label, address] = bar < 0 ? ['', line] : [line.slice(0, bar).trim(), line.slice(bar + 1).trim()];
    const [link] = linksFrom([{ text: label, url: address }]);
    if (!link) problems.push(`Line ${index + 1} is not a web address starting https:// or http://`);
    else if (label.length > LINK_TEXT_LIMIT) {
      problems.push(`Line ${index + 1}: the words to show must be ${LINK_TEXT_LIMIT} characters or fewer`);
    } else links.push(link);
  });
  if (links.length > MAX_LINKS) problems.push(`Enter ${MAX_LINKS} links or fewer`);
  return { links, problems };
}

/** Links as `parseLinks` reads them, for a form. */
export const linksAsText = (links: readonly ServiceLink[]): string =>
  links.map((l) => `${l.text} | ${l.href}`).join('\n');

export interface InformationChange {
  orgId: number;
  lgslCode: number;
  summary: string;
  fees: string;
  links: ServiceLink[];
  /** When the information the person started from was saved; null when there was none. */
  expectedUpdatedAt: string | null;
  accountId: number | null;
}

/**
 * Saves a council's information about a service, if nobody has saved it since the person began;
 * audited with what it was and what it is. False when someone else saved it first (nothing is
 * changed). Runs in the caller's transaction, which must be able to write for the council.
 */
export async function saveServiceInformation(tx: Tx, change: InformationChange): Promise<boolean> {
  const before = await tx
    .selectFrom('service_information')
    .select(['summary', 'fees', 'links', 'updated_at'])
    .where('org_id', '=', change.orgId)
    .where('lgsl_code', '=', change.lgslCode)
    .forUpdate()
    .executeTakeFirst();
  const savedAt = before ? new Date(before.updated_at).toISOString() : null;
  if (savedAt !== change.expectedUpdatedAt) return false;
  const after = { summary: change.summary, fees: change.fees, links: JSON.stringify(change.links) };
  if (before) {
    await tx
      .updateTable('service_information')
      .set({ ...after, updated_at: new Date(), updated_by: change.accountId })
      .where('org_id', '=', change.orgId)
      .where('lgsl_code', '=', change.lgslCode)
      .execute();
  } else {
    await tx
      .insertInto('service_information')
      .values({ org_id: change.orgId, lgsl_code: change.lgslCode, ...after, updated_by: change.accountId })
      .execute();
  }
  await recordAudit(tx, {
    orgId: change.orgId,
    accountId: change.accountId,
    action: before ? 'update' : 'create',
    entityType: 'service_information',
    entityKey: String(change.lgslCode),
    ...(before
      ? { before: { summary: before.summary, fees: before.fees, links: linksFrom(before.links) } }
      : {}),
    after: { summary: change.summary, fees: change.fees, links: change.links },
  });
  return true;
}

/** A council's information about its services, as pages read and change it. */
export interface ServiceInformationService {
  /** What residents and staff are shown, or null when the council has recorded nothing. */
  of(orgId: number, lgslCode: number): Promise<ServiceInformation | null>;
  /** What is recorded, to change it. */
  toEdit(orgId: number, lgslCode: number): ReturnType<typeof informationToEdit>;
  /** Saves a change for the council, audited, unless someone saved it since (false). */
  save(change: InformationChange): Promise<boolean>;
}

export function createServiceInformation(db: Kysely<DB>): ServiceInformationService {
  return {
    of: (orgId, lgslCode) => serviceInformation(db, orgId, lgslCode),
    toEdit: (orgId, lgslCode) => informationToEdit(db, orgId, lgslCode),
    save: (change) =>
      withTenant(
        db,
        { readOrgs: [change.orgId], writeOrgs: [change.orgId], accountId: change.accountId },
        (tx) => saveServiceInformation(tx, change),
      ),
  };
}
