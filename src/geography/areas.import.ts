/**
 * A partnership's own areas below or across councils (localities, market towns, parishes, wards),
 * defined by the postcodes in them: `jointly import areas FILE --partnership SLUG --kind KIND`.
 *
 * The file is CSV with a header: `name` (required), `postcodes` (required: postcode units,
 * sectors or districts such as "EX16 6AB; EX16 4; EX17", separated by ";") and `code` (optional:
 * a parish's or ward's GSS code, or the partnership's own; made from the partnership, the kind and
 * the name when blank). Several rows for one area add up. Each sector, district or unit must hold
 * postcodes in the directory, so a mistyped one is refused with its line rather than kept empty.
 *
 * Importing a file again makes each area's postcodes what the file says, and changes nothing when
 * they are the same; an area drawn from a boundary before (`area-boundaries.import.ts`) loses it. An area is the partnership's (`partnership_area`); a code that another
 * partnership's area, or a council, already has is refused.
 */
import { sql } from 'kysely';
import type { Tx } from '../db/index.ts';
import type { AreaKind } from '../db/index.ts';
import type { CsvFile, CsvRow } from '../platform/index.ts';
import { ImportError } from '../platform/index.ts';
import type { Progress } from '../platform/index.ts';
import { Tally } from '../platform/index.ts';
import { DEFINABLE_KINDS, kindText, type DefinableKind } from './area-kinds.ts';
import { PostcodeFormatError, parsePostcodeQuery } from './postcode.ts';

export interface AreaImportOptions {
  /** The partnership whose areas these are, by slug. */
  partnership: string;
  kind: DefinableKind;
  /** For a GeoJSON file: the property that names each area (`name` when not given). */
  nameProperty?: string;
}

/** `--kind` as people type it ('market-town') → the kind the register keeps ('market_town'). */
export function parseAreaKind(text: string): DefinableKind {
  const kind = text.trim().toLowerCase().replaceAll('-', '_');
  if (!(DEFINABLE_KINDS as readonly string[]).includes(kind)) {
    throw new Error(
      `--kind must be one of ${DEFINABLE_KINDS.map((k) => k.replaceAll('_', '-')).join(', ')}, not "${text}"`,
    );
  }
  return kind as DefinableKind;
}

/** What an area's own code may be: letters, digits and : . _ - (64 at most). */
export const AREA_CODE = /^[A-Za-z0-9][A-Za-z0-9:._-]{0,63}$/;
/** The longest name an area may have. */
export const MAX_AREA_NAME = 120;
const MAX_PREFIXES_PER_AREA = 5000;

/** The code of a partnership's area that is given none: 'integrated-devon:locality:tiverton'. */
export function areaCodeFor(partnershipSlug: string, kind: DefinableKind, name: string): string {
  return `${partnershipSlug}:${kind.replaceAll('_', '-')}:${slugOf(name)}`;
}

/** 'Tiverton (town)' → 'tiverton-town'. */
const slugOf = (text: string) =>
  text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

/** An area as a file or the demo defines it. */
export interface AreaDefinition {
  code: string;
  name: string;
  /** Postcode units, sectors and districts, normalised ('EX16 6AB', 'EX16 6', 'EX16'). */
  prefixes: Set<string>;
  /** The line of the file that first names it, for messages. */
  line?: number;
}

/**
 * Writes a partnership's areas of one kind, after checking each code is free and each prefix
 * holds postcodes; `file` and each area's line place any problem. Returns how many areas were new
 * and how many changed.
 */
export async function defineAreas(
  tx: Tx,
  file: string,
  partnershipId: number,
  kind: DefinableKind,
  areas: readonly AreaDefinition[],
  source: string,
): Promise<{ inserted: number; updated: number }> {
  const written = { inserted: 0, updated: 0 };
  for (const area of areas) {
    const at = { file, ...(area.line === undefined ? {} : { line: area.line }) };
    await checkCodeIsFree(tx, at, area, partnershipId);
    const counts = await postcodesByDistrict(tx, [...area.prefixes]);
    const empty = [...area.prefixes].filter((p) => !counts.prefixes.has(p));
    if (area.prefixes.size === 0 || empty.length > 0) {
      throw new ImportError(
        area.prefixes.size === 0
          ? `area ${area.code} (${area.name}) names no postcode, sector or district`
          : `area ${area.code} (${area.name}) names ${empty.join(', ')}, which hold${empty.length === 1 ? 's' : ''} ` +
              'no postcode in the postcode directory: check them, or import the postcodes first',
        { ...at, column: 'postcodes' },
      );
    }
    const result = await writeArea(tx, area, kind, counts.mainDistrict, source);
    if (result !== 'unchanged') written[result] += 1;
    await tx
      .insertInto('partnership_area')
      .values({ partnership_id: partnershipId, area_code: area.code })
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
  return written;
}

/** The postcode units, sectors and districts of one `postcodes` field, normalised. */
function prefixesOf(row: CsvRow): string[] {
  const items = row
    .text('postcodes', { max: 100_000 })
    .split(';')
    .map((item) => item.trim())
    .filter((item) => item !== '');
  if (items.length === 0) row.fail('postcodes', 'names no postcode, sector or district');
  return items.map((item) => {
    try {
      const query = parsePostcodeQuery(item);
      return query.kind === 'full' ? query.text : query.kind === 'sector' ? query.sector : query.outcode;
    } catch (error) {
      if (error instanceof PostcodeFormatError) {
        row.fail('postcodes', `"${item}" is not a postcode, a postcode sector (EX16 6) or a district (EX16)`);
      }
      throw error;
    }
  });
}

export async function importAreaFile(
  tx: Tx,
  csv: CsvFile,
  progress: Progress,
  options: AreaImportOptions,
): Promise<Tally> {
  const tally = new Tally(`${kindText(options.kind)} areas of ${options.partnership}`);
  const partnership = await partnershipForAreas(tx, options.partnership, csv.file);
  const header = csv.header();
  const missing = ['name', 'postcodes'].filter((name) => !header.has(name));
  if (missing.length > 0) {
    throw new ImportError(
      `has no ${missing.join(' or ')} column: an areas file has name, postcodes and, if you like, code`,
      { file: csv.file, line: 1 },
    );
  }

  const areas = new Map<string, AreaDefinition>();
  progress.start(`Areas: ${csv.name}`, csv.size);
  try {
    for await (const row of csv.rows(header, progress)) {
      tally.read += 1;
      const name = row.text('name', { max: MAX_AREA_NAME });
      const given = row.optional('code', { max: 64 });
      if (given !== null && !AREA_CODE.test(given)) {
        row.fail('code', `"${given}" is not a code: use letters, digits and : . _ - (64 at most)`);
      }
      const code = given ?? areaCodeFor(partnership.slug, options.kind, name);
      const area = areas.get(code) ?? { code, name, prefixes: new Set<string>(), line: row.line };
      if (area.name !== name)
        row.fail('name', `area ${code} is named "${area.name}" on line ${area.line}, not "${name}"`);
      for (const prefix of prefixesOf(row)) area.prefixes.add(prefix);
      if (area.prefixes.size > MAX_PREFIXES_PER_AREA) {
        row.fail(
          'postcodes',
          `area ${code} lists more than ${MAX_PREFIXES_PER_AREA} postcodes, sectors and districts`,
        );
      }
      areas.set(code, area);
    }
  } finally {
    progress.stop();
  }
  if (areas.size === 0) throw new ImportError('has no areas after its header', { file: csv.file, line: 2 });

  const written = await defineAreas(
    tx,
    csv.file,
    partnership.partnership_id,
    options.kind,
    [...areas.values()],
    csv.name,
  );
  tally.inserted += written.inserted;
  tally.updated += written.updated;
  // The tally counts areas: the rows that only added postcodes to an area are neither.
  tally.skip('rows adding to an area named on an earlier line', tally.read - areas.size);
  return tally;
}

/** The partnership whose areas a file defines, by its slug; an ImportError when there is none. */
export async function partnershipForAreas(
  tx: Tx,
  slug: string,
  file: string,
): Promise<{ partnership_id: number; slug: string }> {
  const partnership = await tx
    .selectFrom('partnership')
    .select(['partnership_id', 'slug'])
    .where('slug', '=', slug.trim().toLowerCase())
    .executeTakeFirst();
  if (!partnership) {
    throw new ImportError(`there is no partnership "${slug}" (give its slug, as in /partnerships)`, { file });
  }
  return partnership;
}

/** A code already used by a council, or by an area of another partnership, is not taken over. */
async function checkCodeIsFree(
  tx: Tx,
  at: { file: string; line?: number },
  area: AreaDefinition,
  partnershipId: number,
) {
  const problem = await codeTakenBy(tx, area.code, partnershipId);
  if (problem) throw new ImportError(problem, { ...at, column: 'code' });
}

/**
 * Why a partnership may not use `code` for one of its areas (a council's code, or another
 * partnership's area), or null when it may: a code that is free, or is already its own.
 */
export async function codeTakenBy(tx: Tx, code: string, partnershipId: number): Promise<string | null> {
  const existing = await tx
    .selectFrom('area')
    .select(['kind', 'name'])
    .select((eb) =>
      eb
        .exists(
          eb
            .selectFrom('partnership_area')
            .select('area_code')
            .where('area_code', '=', code)
            .where('partnership_id', '=', partnershipId),
        )
        .as('ours'),
    )
    .where('code', '=', code)
    .executeTakeFirst();
  if (!existing || existing.ours) return null;
  const definable = (DEFINABLE_KINDS as readonly AreaKind[]).includes(existing.kind);
  const ownedByOther = await tx
    .selectFrom('partnership_area')
    .select('partnership_id')
    .where('area_code', '=', code)
    .executeTakeFirst();
  if (!definable || ownedByOther) {
    return (
      `code ${code} is already ${existing.name} (${kindText(existing.kind)})` +
      (ownedByOther ? ', an area of another partnership' : '') +
      ': give this area a code of its own, or leave the code blank'
    );
  }
  return null;
}

/**
 * How many of the directory's postcodes each prefix (a unit 'EX16 6AB', a sector 'EX16 6' or a
 * district 'EX16') holds, by council. A prefix holding none is missing from the answer.
 */
async function postcodesByPrefix(tx: Tx, prefixes: readonly string[]) {
  // What a postcode starts with: the unit or sector itself, or a district and its space.
  const starts = prefixes.map((prefix) => (prefix.includes(' ') ? prefix : `${prefix} `));
  const { rows } = await sql<{ prefix: string; district_code: string | null; postcodes: number }>`
    SELECT p.prefix, pc.district_code, count(*)::int AS postcodes
      FROM unnest(${[...prefixes]}::text[], ${starts}::text[]) AS p(prefix, start)
      JOIN postcode pc ON pc.postcode >= p.start AND pc.postcode <= p.start || chr(65535)
                      AND left(pc.postcode, length(p.start)) = p.start
     GROUP BY p.prefix, pc.district_code`.execute(tx);
  return rows;
}

/** How many of the directory's postcodes lie in any of the prefixes, each counted once. */
export async function countPostcodesIn(tx: Tx, prefixes: readonly string[]): Promise<number> {
  const starts = prefixes.map((prefix) => (prefix.includes(' ') ? prefix : `${prefix} `));
  const { rows } = await sql<{ postcodes: number }>`
    SELECT count(DISTINCT pc.postcode)::int AS postcodes
      FROM unnest(${starts}::text[]) AS p(start)
      JOIN postcode pc ON pc.postcode >= p.start AND pc.postcode <= p.start || chr(65535)
                      AND left(pc.postcode, length(p.start)) = p.start`.execute(tx);
  return rows[0]?.postcodes ?? 0;
}

/** How many of the directory's postcodes each prefix holds; 0 for one that holds none. */
export async function postcodesInPrefixes(tx: Tx, prefixes: readonly string[]): Promise<Map<string, number>> {
  const counts = new Map(prefixes.map((p) => [p, 0]));
  for (const r of await postcodesByPrefix(tx, prefixes))
    counts.set(r.prefix, counts.get(r.prefix)! + r.postcodes);
  return counts;
}

/**
 * Which prefixes hold postcodes, and the council that holds most of the area's postcodes (its
 * parent, for reading; the area may reach into other councils).
 */
async function postcodesByDistrict(tx: Tx, prefixes: string[]) {
  const rows = await postcodesByPrefix(tx, prefixes);
  const byDistrict = new Map<string, number>();
  for (const r of rows) {
    if (r.district_code)
      byDistrict.set(r.district_code, (byDistrict.get(r.district_code) ?? 0) + r.postcodes);
  }
  const mainDistrict =
    [...byDistrict].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0] ?? null;
  return { prefixes: new Set(rows.map((r) => r.prefix)), mainDistrict };
}

async function writeArea(
  tx: Tx,
  area: AreaDefinition,
  kind: DefinableKind,
  parent: string | null,
  source: string,
): Promise<'inserted' | 'updated' | 'unchanged'> {
  const before = await tx
    .selectFrom('area')
    .select(['name', 'kind', 'parent_code'])
    .where('code', '=', area.code)
    .executeTakeFirst();
  const prefixes = [...area.prefixes].sort();
  const had = (
    await tx
      .selectFrom('area_postcode')
      .select('prefix')
      .where('area_code', '=', area.code)
      .orderBy('prefix')
      .execute()
  ).map((r) => r.prefix);
  // An area drawn from a boundary before is now defined by its postcodes alone.
  const boundaries = await tx
    .selectFrom('boundary')
    .select('source')
    .where('area_code', '=', area.code)
    .execute();
  // A parish or ward already in the register keeps its council as parent.
  const parentCode = before?.parent_code ?? parent;
  if (
    before &&
    before.name === area.name &&
    before.kind === kind &&
    boundaries.length === 0 &&
    had.length === prefixes.length &&
    had.every((p, i) => p === prefixes[i])
  ) {
    return 'unchanged';
  }
  await tx
    .insertInto('area')
    .values({ code: area.code, name: area.name, kind, parent_code: parentCode, source })
    .onConflict((oc) =>
      oc
        .column('code')
        .doUpdateSet({ name: area.name, kind, parent_code: parentCode, source, updated_at: new Date() }),
    )
    .execute();
  await tx.deleteFrom('area_postcode').where('area_code', '=', area.code).execute();
  if (boundaries.length > 0) await tx.deleteFrom('boundary').where('area_code', '=', area.code).execute();
  await tx
    .insertInto('area_postcode')
    .values(prefixes.map((prefix) => ({ area_code: area.code, prefix })))
    .execute();
  return before ? 'updated' : 'inserted';
}
