/**
 * Councils from the public reference files: an `area` and an `organisation` row per current council
 * (GSS code, names, tier, parent county, GOV.UK slug as the jurisdiction, nation, region, homepage,
 * population and households). Four files describe the same councils, each best at something:
 *
 * - mySociety's UK local authorities: every current council of the UK. It creates the councils and
 *   keeps the ones it created up to date, but only fills gaps in councils another file describes.
 * - The England council hierarchy (derived from mySociety with ONS and GOV.UK corrections): names,
 *   tiers, parent counties, regions for England; it wins over mySociety.
 * - GOV.UK's local authorities (local-links-manager): GOV.UK's own slug and homepage for each
 *   council; the slug it holds wins, a blank one changes nothing. It never adds councils.
 * - Census 2021 population and households by area: it sets both figures; the hierarchy only fills
 *   them where the census file has none (the councils created in 2023).
 *
 * With these rules mySociety and the hierarchy give the same register in either order, and any of
 * the files can be imported again without undoing the others. GOV.UK's list and the census only
 * add to councils already there, so they come after.
 *
 * It stays one file because the four formats share these precedence rules and one upsert; each
 * format's reader is a section of its own below.
 */
import type { AreaKind, OrganisationKind } from '../db/index.ts';
import type { Tx } from '../db/index.ts';
import type { CsvHeader } from '../platform/index.ts';
import {
  BATCH_SIZE,
  MAX_INT4,
  inBatches,
  matchFormat,
  unknownHeader,
  type CsvFile,
  type CsvFormat,
  type CsvRow,
} from '../platform/index.ts';
import { ImportError } from '../platform/index.ts';
import type { Progress } from '../platform/index.ts';
import { Tally, type NotImported } from '../platform/index.ts';
import { rowKey, updateRows, upsertRows, type ColumnRule, type TableSpec } from '../platform/index.ts';
import { assignCasePrefixes } from './case-prefix.ts';

export type CouncilFormatId = 'mysociety' | 'hierarchy' | 'govuk-authorities' | 'census-population';

export const COUNCIL_FORMATS: readonly CsvFormat<CouncilFormatId>[] = [
  {
    id: 'mysociety',
    description: "mySociety's UK local authorities",
    required: [
      'local-authority-code',
      'official-name',
      'nice-name',
      'gss-code',
      'local-authority-type',
      'current-authority',
      'county-la',
      'nation',
      'region',
      'gov-uk-slug',
    ],
  },
  {
    id: 'hierarchy',
    description: 'the England council hierarchy',
    required: [
      'gss_code',
      'official_name',
      'short_name',
      'la_type',
      'parent_county_gss_code',
      'nation',
      'region',
      'gov_uk_slug',
      'homepage_url_govuk',
      'population_census2021',
      'households_census2021',
    ],
  },
  {
    id: 'govuk-authorities',
    description: "GOV.UK's local authorities",
    required: ['gss', 'slug', 'homepage_url', 'tier_id', 'name'],
  },
  {
    id: 'census-population',
    description: 'Census 2021 population and households by area',
    required: ['area_code', 'area_name', 'area_type', 'population_2021', 'households_2021'],
  },
];

/** Council lookups recognised by their header and deliberately not imported. */
export const COUNCIL_FILES_NOT_IMPORTED: readonly NotImported[] = [
  {
    id: 'drkane-lad',
    description: 'a district to upper-tier code lookup (drkane/geo-lookups)',
    required: ['LADCD', 'LADCD_ACTIVE', 'UTLACD', 'Current'],
    reason: 'a lookup of district codes: parents and tiers come from the council files',
  },
  {
    id: 'drkane-utla',
    description: 'an upper-tier authority lookup (drkane/geo-lookups)',
    required: ['UTLACD', 'UTLANM', 'CAUTHCD', 'RGNCD'],
    reason: 'a lookup of upper-tier codes: the council files already hold every council',
  },
  {
    id: 'ons-lad-cty',
    description: 'the ONS district to county lookup',
    required: ['LAD21CD', 'CTY21CD'],
    reason: 'a check of parent counties: the England council hierarchy carries them',
  },
];

/** Area kinds by mySociety's `local-authority-type`; null for bodies that are not councils. */
const MYSOCIETY_KINDS: Readonly<Record<string, CouncilKind | null>> = {
  CTY: 'county',
  NMD: 'district',
  UA: 'unitary',
  MD: 'metropolitan_district',
  LBO: 'london_borough',
  CC: 'london_borough',
  SCO: 'unitary',
  WPA: 'unitary',
  NID: 'unitary',
  COMB: null,
  SRA: null,
};

/** Area kinds by the hierarchy's `la_type`. The City of London sits with the London boroughs. */
const HIERARCHY_KINDS: Readonly<Record<string, CouncilKind>> = {
  County: 'county',
  'Non-metropolitan district': 'district',
  'Unitary authority': 'unitary',
  'Metropolitan district': 'metropolitan_district',
  'London borough': 'london_borough',
  'City corporation': 'london_borough',
};

type CouncilKind = Extract<AreaKind, OrganisationKind>;

interface Council {
  line: number;
  code: string;
  name: string;
  shortName: string;
  kind: CouncilKind;
  jurisdiction: string | null;
  nation: string | null;
  region: string | null;
  homepage: string | null;
  population: number | null;
  households: number | null;
  /** How the file names the parent county (a GSS code, or mySociety's own code), if it has one. */
  parent: { column: string; ref: string } | null;
}

/** How each file's values meet those already stored (see the module comment). */
interface CouncilRules {
  place: ColumnRule;
  jurisdiction: ColumnRule;
  homepage: ColumnRule;
  figures: ColumnRule;
  source: ColumnRule;
}

const RULES: Record<'mysociety' | 'hierarchy', CouncilRules> = {
  mysociety: { place: 'own', jurisdiction: 'fill', homepage: 'fill', figures: 'fill', source: 'insert' },
  hierarchy: { place: 'replace', jurisdiction: 'fill', homepage: 'fill', figures: 'fill', source: 'replace' },
};

const areaSpec = (r: CouncilRules): TableSpec => ({
  table: 'area',
  key: ['code'],
  columns: {
    code: { type: 'text', rule: 'insert' },
    name: { type: 'text', rule: r.place },
    kind: { type: 'text', rule: r.place },
    source: { type: 'text', rule: r.source },
  },
  sourceColumn: 'source',
  touch: ['updated_at'],
});

const organisationSpec = (r: CouncilRules): TableSpec => ({
  table: 'organisation',
  key: ['gss_code'],
  columns: {
    gss_code: { type: 'text', rule: 'insert' },
    kind: { type: 'text', rule: r.place },
    name: { type: 'text', rule: r.place },
    short_name: { type: 'text', rule: r.place },
    area_code: { type: 'text', rule: r.place },
    nation: { type: 'text', rule: r.place },
    region: { type: 'text', rule: r.place },
    jurisdiction: { type: 'text', rule: r.jurisdiction },
    homepage_url: { type: 'text', rule: r.homepage },
    population: { type: 'integer', rule: r.figures },
    households: { type: 'integer', rule: r.figures },
    source: { type: 'text', rule: r.source },
  },
  sourceColumn: 'source',
  touch: ['updated_at'],
});

const areaParentSpec = (r: CouncilRules): TableSpec => ({
  table: 'area',
  key: ['code'],
  columns: {
    code: { type: 'text', rule: 'insert' },
    parent_code: { type: 'text', rule: r.place },
    source: { type: 'text', rule: 'insert' },
  },
  sourceColumn: 'source',
  touch: ['updated_at'],
});

const organisationParentSpec = (r: CouncilRules): TableSpec => ({
  table: 'organisation',
  key: ['gss_code'],
  columns: {
    gss_code: { type: 'text', rule: 'insert' },
    parent_org_id: { type: 'bigint', rule: r.place },
    source: { type: 'text', rule: 'insert' },
  },
  sourceColumn: 'source',
  touch: ['updated_at'],
});

const GOVUK_SPEC: TableSpec = {
  table: 'organisation',
  key: ['gss_code'],
  columns: {
    gss_code: { type: 'text', rule: 'insert' },
    jurisdiction: { type: 'text', rule: 'unless-blank' },
    homepage_url: { type: 'text', rule: 'unless-blank' },
  },
  touch: ['updated_at'],
};

const POPULATION_SPEC: TableSpec = {
  table: 'organisation',
  key: ['gss_code'],
  columns: {
    gss_code: { type: 'text', rule: 'insert' },
    population: { type: 'integer', rule: 'replace' },
    households: { type: 'integer', rule: 'replace' },
  },
  touch: ['updated_at'],
};

/** The format of a councils file, by its header; undefined when it is none of them. */
export function councilFormatOf(header: CsvHeader): CsvFormat<CouncilFormatId> | undefined {
  return matchFormat(header, COUNCIL_FORMATS);
}

/**
 * A GOV.UK slug as a jurisdiction id: lower case words joined by single hyphens
 * ('st.-helens' becomes 'st-helens', as GOV.UK itself spells it). Null when blank.
 */
export function jurisdictionOf(slug: string | null): string | null {
  if (slug === null) return null;
  const id = slug
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return id === '' ? null : id;
}

/** Imports one councils file (any of COUNCIL_FORMATS, told apart by its header) in the caller's transaction. */
export async function importCouncilFile(
  tx: Tx,
  csv: CsvFile,
  progress: Progress,
  formats: readonly CsvFormat<CouncilFormatId>[] = COUNCIL_FORMATS,
): Promise<Tally> {
  const header = csv.header();
  const format = matchFormat(header, formats);
  if (!format) {
    csv.close();
    throw unknownHeader(csv.file, header, formats);
  }
  const tally = new Tally(format.description);
  progress.start(`Councils: ${csv.name}`, csv.size);
  try {
    const rows = csv.rows(header, progress);
    switch (format.id) {
      case 'mysociety':
      case 'hierarchy':
        await importCouncils(tx, csv, format.id, rows, tally);
        await assignCasePrefixes(tx);
        break;
      case 'govuk-authorities':
        await updateCouncils(tx, GOVUK_SPEC, rows, tally, readGovukAuthority);
        break;
      case 'census-population':
        await updateCouncils(tx, POPULATION_SPEC, rows, tally, readPopulation);
        break;
    }
  } finally {
    progress.stop();
    csv.close();
  }
  return tally;
}

function readMySocietyCouncil(row: CsvRow, tally: Tally): Council | undefined {
  if (!row.boolean('current-authority')) {
    tally.skip('former authorities');
    return undefined;
  }
  const kind = row.choice('local-authority-type', MYSOCIETY_KINDS);
  if (kind === null) {
    tally.skip('combined and strategic authorities (not councils)');
    return undefined;
  }
  const county = row.optional('county-la');
  return {
    line: row.line,
    code: row.gssCode('gss-code'),
    name: row.text('official-name', { max: 200 }),
    shortName: row.text('nice-name', { max: 100 }),
    kind,
    jurisdiction: jurisdictionOf(row.optional('gov-uk-slug')),
    nation: row.optional('nation'),
    region: row.optional('region'),
    homepage: null,
    population: null,
    households: null,
    parent: county === null ? null : { column: 'county-la', ref: county },
  };
}

function readHierarchyCouncil(row: CsvRow): Council {
  const parent = row.optionalGssCode('parent_county_gss_code');
  return {
    line: row.line,
    code: row.gssCode('gss_code'),
    name: row.text('official_name', { max: 200 }),
    shortName: row.text('short_name', { max: 100 }),
    kind: row.choice('la_type', HIERARCHY_KINDS),
    jurisdiction: jurisdictionOf(row.optional('gov_uk_slug')),
    nation: row.optional('nation'),
    region: row.optional('region'),
    homepage: row.optionalUrl('homepage_url_govuk'),
    population: row.optionalInteger('population_census2021', { min: 0, max: MAX_INT4 }),
    households: row.optionalInteger('households_census2021', { min: 0, max: MAX_INT4 }),
    parent: parent === null ? null : { column: 'parent_county_gss_code', ref: parent },
  };
}

/**
 * mySociety and hierarchy files: areas and organisations first, then (once every council of the
 * file is stored) the links from districts to their counties.
 */
async function importCouncils(
  tx: Tx,
  csv: CsvFile,
  format: 'mysociety' | 'hierarchy',
  rows: AsyncIterable<CsvRow>,
  tally: Tally,
): Promise<void> {
  const rules = RULES[format];
  const seen = new Map<string, number>();
  /** mySociety names a district's county by its own three-letter code. */
  const gssByMySocietyCode = new Map<string, string>();
  const links: Array<{ line: number; code: string; parent: Council['parent'] }> = [];
  const inserted = new Set<string>();
  const changed = new Set<string>();

  for await (const batch of inBatches(rows, BATCH_SIZE)) {
    const councils: Council[] = [];
    for (const row of batch) {
      tally.read++;
      const council = format === 'mysociety' ? readMySocietyCouncil(row, tally) : readHierarchyCouncil(row);
      if (!council) continue;
      const earlier = seen.get(council.code);
      if (earlier !== undefined) {
        row.fail(
          format === 'mysociety' ? 'gss-code' : 'gss_code',
          `${council.code} is already on line ${earlier}`,
        );
      }
      seen.set(council.code, council.line);
      if (format === 'mysociety')
        gssByMySocietyCode.set(row.raw('local-authority-code').toUpperCase(), council.code);
      links.push({ line: council.line, code: council.code, parent: council.parent });
      councils.push(council);
    }
    const areas = await upsertRows(
      tx,
      areaSpec(rules),
      councils.map((c) => ({ code: c.code, name: c.shortName, kind: c.kind, source: csv.name })),
    );
    const organisations = await upsertRows(
      tx,
      organisationSpec(rules),
      councils.map((c) => ({
        gss_code: c.code,
        kind: c.kind,
        name: c.name,
        short_name: c.shortName,
        area_code: c.code,
        nation: c.nation,
        region: c.region,
        jurisdiction: c.jurisdiction,
        homepage_url: c.homepage,
        population: c.population,
        households: c.households,
        source: csv.name,
      })),
    );
    for (const code of organisations.inserted) inserted.add(code);
    for (const code of [...areas.inserted, ...areas.updated, ...organisations.updated]) changed.add(code);
  }

  for (const code of await linkParents(tx, csv, rules, links, gssByMySocietyCode)) changed.add(code);
  tally.inserted += inserted.size;
  tally.updated += [...changed].filter((code) => !inserted.has(code)).length;
}

/** Points each council's area and organisation at its parent county (or at none). */
async function linkParents(
  tx: Tx,
  csv: CsvFile,
  rules: CouncilRules,
  links: ReadonlyArray<{ line: number; code: string; parent: Council['parent'] }>,
  gssByMySocietyCode: ReadonlyMap<string, string>,
): Promise<string[]> {
  const resolved = links.map(({ line, code, parent }) => {
    if (!parent) return { line, code, parentCode: null as string | null, column: undefined };
    const parentCode = /^[A-Z][0-9]{8}$/.test(parent.ref)
      ? parent.ref
      : gssByMySocietyCode.get(parent.ref.toUpperCase());
    if (!parentCode) {
      throw new ImportError(`county "${parent.ref}" is not a current council in this file`, {
        file: csv.file,
        line,
        column: parent.column,
      });
    }
    return { line, code, parentCode, column: parent.column };
  });

  const parentCodes = [...new Set(resolved.flatMap((r) => (r.parentCode ? [r.parentCode] : [])))];
  const parents = new Map<string, { kind: string; orgId: number | null }>();
  if (parentCodes.length > 0) {
    const rows = await tx
      .selectFrom('area')
      .leftJoin('organisation', 'organisation.gss_code', 'area.code')
      .select(['area.code', 'area.kind', 'organisation.org_id'])
      .where('area.code', 'in', parentCodes)
      .execute();
    for (const row of rows) parents.set(row.code, { kind: row.kind, orgId: row.org_id });
  }
  for (const r of resolved) {
    if (r.parentCode === null) continue;
    const parent = parents.get(r.parentCode);
    if (!parent || parent.kind !== 'county') {
      throw new ImportError(
        parent
          ? `${r.parentCode} is a ${parent.kind}, not a county`
          : `${r.parentCode} is not a council in this file or in the register`,
        { file: csv.file, line: r.line, ...(r.column ? { column: r.column } : {}) },
      );
    }
  }

  const changed: string[] = [];
  for (let start = 0; start < resolved.length; start += BATCH_SIZE) {
    const batch = resolved.slice(start, start + BATCH_SIZE);
    const areas = await updateRows(
      tx,
      areaParentSpec(rules),
      batch.map((r) => ({ code: r.code, parent_code: r.parentCode, source: csv.name })),
    );
    const organisations = await updateRows(
      tx,
      organisationParentSpec(rules),
      batch.map((r) => ({
        gss_code: r.code,
        parent_org_id: r.parentCode === null ? null : (parents.get(r.parentCode)?.orgId ?? null),
        source: csv.name,
      })),
    );
    changed.push(...areas.updated, ...organisations.updated);
  }
  return changed;
}

type Reader = (row: CsvRow, tally: Tally) => Record<string, unknown> | undefined;

const readGovukAuthority: Reader = (row, tally) => {
  const code = row.optionalGssCode('gss');
  if (code === null) {
    tally.skip('councils without a GSS code');
    return undefined;
  }
  return {
    gss_code: code,
    jurisdiction: jurisdictionOf(row.optional('slug')),
    homepage_url: row.optionalUrl('homepage_url'),
  };
};

const readPopulation: Reader = (row) => ({
  gss_code: row.gssCode('area_code'),
  population: row.integer('population_2021', { min: 0, max: MAX_INT4 }),
  households: row.optionalInteger('households_2021', { min: 0, max: MAX_INT4 }),
});

/** Files that add facts to councils already in the register, and never add councils. */
async function updateCouncils(
  tx: Tx,
  spec: TableSpec,
  rows: AsyncIterable<CsvRow>,
  tally: Tally,
  read: Reader,
): Promise<void> {
  const seen = new Map<string, number>();
  for await (const batch of inBatches(rows, BATCH_SIZE)) {
    const values: Record<string, unknown>[] = [];
    for (const row of batch) {
      tally.read++;
      const value = read(row, tally);
      if (!value) continue;
      const key = rowKey(spec, value);
      const earlier = seen.get(key);
      if (earlier !== undefined) row.fail(undefined, `${key} is already on line ${earlier}`);
      seen.set(key, row.line);
      values.push(value);
    }
    const result = await updateRows(tx, spec, values);
    tally.updated += result.updated.length;
    tally.skip(
      'areas with no council in the register (regions, countries, former councils)',
      result.missing.length,
    );
  }
}
