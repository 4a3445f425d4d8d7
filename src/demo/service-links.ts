/**
 * The demo councils' own web pages for their services, as GOV.UK linked to them in 2017
 * (`services/govuk_lgsl_lgil_fallback_links_2017.csv`, from alphagov/local-links-manager): so that
 * an agent at the desk sees each council's real links, not made-up ones. Nothing else is said for
 * a council (no fees, no policy): those are for the council to record. Links already recorded for
 * a service are left as they are, so loading again changes nothing.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/index.ts';
import { withSystem } from '../db/index.ts';
import type { Progress } from '../platform/index.ts';

export const SERVICE_LINKS_FILE = path.join('services', 'govuk_lgsl_lgil_fallback_links_2017.csv');

/** "reporting" → "Reporting", "applications-for-service" → "Applications for service". */
const inWords = (slug: string) => {
  const words = slug.replace(/-/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
};

/**
 * Records the links of the file for the members of the demo partnerships, one row per council and
 * service; returns how many rows it added.
 */
export async function loadDemoServiceLinks(
  db: Kysely<DB>,
  referenceDir: string,
  progress: Progress,
): Promise<number> {
  const members = await db
    .selectFrom('partnership_member as m')
    .innerJoin('organisation as o', 'o.org_id', 'm.org_id')
    .select('o.jurisdiction')
    .where('o.jurisdiction', 'is not', null)
    .distinct()
    .execute();
  const demo = new Set(members.map((m) => m.jurisdiction!));
  // The header names four columns; each row has six: council slug, LGSL slug, LGIL slug, address,
  // LGSL code, LGIL code.
  const rows: string[][] = parse(await readFile(path.join(referenceDir, SERVICE_LINKS_FILE), 'utf8'), {
    from_line: 2,
    relax_column_count: true,
    skip_empty_lines: true,
  });
  progress.start('Demo service links (GOV.UK, 2017)', rows.length);
  const byService = new Map<
    string,
    { slug: string; lgsl: number; links: Array<{ text: string; url: string }> }
  >();
  for (const [slug, , interaction, url, code] of rows) {
    progress.tick();
    if (!slug || !demo.has(slug) || !url || !/^\d+$/.test(code ?? '')) continue;
    const key = `${slug}:${code}`;
    const entry = byService.get(key) ?? { slug, lgsl: Number(code), links: [] };
    entry.links.push({ text: `${inWords(interaction ?? 'web page')} (GOV.UK’s link, 2017)`, url });
    byService.set(key, entry);
  }
  progress.stop();
  if (byService.size === 0) return 0;
  const result = await withSystem(db, (tx) =>
    sql`
      INSERT INTO service_information (org_id, lgsl_code, links)
      SELECT o.org_id, v.lgsl, v.links
      FROM jsonb_to_recordset(${JSON.stringify([...byService.values()])}::jsonb) AS v(slug text, lgsl integer, links jsonb)
      JOIN organisation o ON o.jurisdiction = v.slug
      JOIN service s ON s.lgsl_code = v.lgsl
      ON CONFLICT (org_id, lgsl_code) DO NOTHING`.execute(tx),
  );
  return Number(result.numAffectedRows ?? 0n);
}
