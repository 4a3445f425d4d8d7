/**
 * Postcodes: the ONS postcode directories (ONSPD and NSPL, older and newer column names) and OS
 * Code-Point Open, with or without its header row. Each row gives a postcode, where it is (WGS84
 * latitude and longitude; Code-Point's British National Grid eastings and northings are converted)
 * and the GSS codes of the country, county, district, ward and parish it is in.
 *
 * The national directory has 2.7 million rows: they are read and written a batch at a time.
 * ONS pseudo-codes ('E99999999', 'S99999999', …) mean "none" and are stored as null, as is the
 * directories' "no location" (latitude 99.999999, longitude 0).
 */
import proj4 from 'proj4';
import type { Tx } from '../db/index.ts';
import {
  BATCH_SIZE,
  CsvHeader,
  inBatches,
  unknownHeader,
  type CsvFile,
  type CsvFormat,
  type CsvRecord,
  type CsvRow,
} from '../platform/index.ts';
import type { Progress } from '../platform/index.ts';
import { Tally } from '../platform/index.ts';
import { lastOfEachKey, upsertRows, type Row, type TableSpec } from '../platform/index.ts';
import { tryNormalisePostcode } from './postcode.ts';

export type PostcodeFormatId = 'ons-directory' | 'codepoint-open' | 'codepoint-open-headerless';

/** Code-Point Open's columns, in order, as OS names them (its data files have no header row). */
const CODEPOINT_COLUMNS = [
  'Postcode',
  'Positional_quality_indicator',
  'Eastings',
  'Northings',
  'Country_code',
  'NHS_regional_HA_code',
  'NHS_HA_code',
  'Admin_county_code',
  'Admin_district_code',
  'Admin_ward_code',
] as const;

export const POSTCODE_FORMATS: readonly CsvFormat<PostcodeFormatId>[] = [
  {
    id: 'ons-directory',
    description: 'an ONS postcode directory, ONSPD or NSPL',
    required: ['pcds', 'dointr', 'doterm', 'lat', 'long', 'oslaua or laua or ladNNcd'],
  },
  {
    id: 'codepoint-open',
    description: 'OS Code-Point Open with its header',
    required: [
      'Postcode',
      'Eastings',
      'Northings',
      'Admin_county_code',
      'Admin_district_code',
      'Admin_ward_code',
    ],
  },
  {
    id: 'codepoint-open-headerless',
    description: 'OS Code-Point Open without a header, 10 fields a row in this order',
    required: CODEPOINT_COLUMNS,
  },
];

/** Where an ONS directory keeps each value: the ONSPD name, the NSPL name, then the newer dated names. */
const ONS_COLUMNS = {
  postcode: ['pcds', 'pcd', 'pcd7', 'pcd8'],
  introduced: ['dointr'],
  terminated: ['doterm'],
  country: ['ctry', /^ctry[0-9]{2}cd$/i],
  county: ['oscty', 'cty', /^cty[0-9]{2}cd$/i],
  district: ['oslaua', 'laua', /^lad[0-9]{2}cd$/i],
  ward: ['osward', 'ward', /^wd[0-9]{2}cd$/i],
  parish: ['parish', /^parncp[0-9]{2}cd$/i],
  lat: ['lat'],
  lon: ['long', 'lon'],
} satisfies Record<string, Array<string | RegExp>>;

/** The directories' "no location" latitude. */
const NO_LATITUDE = 99.999999;

/** British National Grid (OSGB36, EPSG:27700) with the 7-parameter Helmert shift to WGS84 (about ±5 m). */
const BRITISH_NATIONAL_GRID =
  '+proj=tmerc +lat_0=49 +lon_0=-2 +k=0.9996012717 +x_0=400000 +y_0=-100000 +ellps=airy ' +
  '+towgs84=446.448,-125.157,542.06,0.15,0.247,0.842,-20.489 +units=m +no_defs';
const fromGrid = proj4(BRITISH_NATIONAL_GRID, 'WGS84');

/** WGS84 latitude and longitude of an easting and northing, to 6 decimals (about 0.1 m). */
export function gridToLatLon(easting: number, northing: number): { lat: number; lon: number } {
  const [lon, lat] = fromGrid.forward([easting, northing]) as [number, number];
  return { lat: round6(lat), lon: round6(lon) };
}

const round6 = (value: number) => Math.round(value * 1e6) / 1e6;

const POSTCODE_SPEC: TableSpec = {
  table: 'postcode',
  key: ['postcode'],
  columns: {
    postcode: { type: 'text', rule: 'insert' },
    lat: { type: 'double precision', rule: 'replace' },
    lon: { type: 'double precision', rule: 'replace' },
    country_code: { type: 'text', rule: 'replace' },
    county_code: { type: 'text', rule: 'replace' },
    district_code: { type: 'text', rule: 'replace' },
    ward_code: { type: 'text', rule: 'replace' },
    parish_code: { type: 'text', rule: 'replace' },
    introduced: { type: 'text', rule: 'replace' },
    terminated: { type: 'text', rule: 'replace' },
    source: { type: 'text', rule: 'replace' },
  },
};

interface Detected {
  format: CsvFormat<PostcodeFormatId>;
  header: CsvHeader;
  /** Whether the first record is data (a file without a header). */
  firstIsData: boolean;
}

/** The format of a postcodes file from its first record: a known header, or Code-Point's data shape. */
export function detectPostcodeFormat(first: CsvRecord | undefined): Detected | undefined {
  if (!first) return undefined;
  const header = new CsvHeader(first.fields.map((f) => f.trim()));
  const [ons, codepoint, headerless] = POSTCODE_FORMATS as [
    CsvFormat<PostcodeFormatId>,
    CsvFormat<PostcodeFormatId>,
    CsvFormat<PostcodeFormatId>,
  ];
  if (header.has('dointr') && findOns(header).postcode && findOns(header).district) {
    return { format: ons, header, firstIsData: false };
  }
  if (header.hasAll(codepoint.required)) return { format: codepoint, header, firstIsData: false };
  if (looksLikeCodePointData(first.fields)) {
    return { format: headerless, header: new CsvHeader(CODEPOINT_COLUMNS), firstIsData: true };
  }
  return undefined;
}

function looksLikeCodePointData(fields: readonly string[]): boolean {
  return (
    fields.length === CODEPOINT_COLUMNS.length &&
    tryNormalisePostcode(fields[0] ?? '') !== null &&
    [1, 2, 3].every((i) => /^\s*[0-9]+\s*$/.test(fields[i] ?? ''))
  );
}

function findOns(header: CsvHeader) {
  return Object.fromEntries(
    Object.entries(ONS_COLUMNS).map(([field, candidates]) => [field, header.find(...candidates)]),
  ) as Record<keyof typeof ONS_COLUMNS, string | undefined>;
}

function postcodeOf(row: CsvRow, column: string): string {
  const text = row.raw(column);
  const postcode = tryNormalisePostcode(text);
  if (postcode === null) {
    row.fail(column, text === '' ? 'is empty: a postcode is needed' : `"${text}" is not a UK postcode`);
  }
  return postcode;
}

function onsReader(header: CsvHeader, source: string): (row: CsvRow) => Row {
  const c = findOns(header);
  const code = (row: CsvRow, column: string | undefined) => (column ? row.optionalGssCode(column) : null);
  return (row) => {
    let lat = c.lat ? row.optionalNumber(c.lat) : null;
    let lon = c.lon ? row.optionalNumber(c.lon, { min: -180, max: 180 }) : null;
    if (lat === NO_LATITUDE || lat === null || lon === null) lat = lon = null;
    else if (lat < -90 || lat > 90) row.fail(c.lat, `"${row.raw(c.lat!)}" is not a latitude (-90 to 90)`);
    return {
      postcode: postcodeOf(row, c.postcode!),
      lat,
      lon,
      country_code: code(row, c.country),
      county_code: code(row, c.county),
      district_code: code(row, c.district),
      ward_code: code(row, c.ward),
      parish_code: code(row, c.parish),
      introduced: c.introduced ? row.optionalYearMonth(c.introduced) : null,
      terminated: c.terminated ? row.optionalYearMonth(c.terminated) : null,
      source,
    };
  };
}

/** Code-Point gives no position for a postcode with quality 90, and 0, 0 for it. */
const NO_POSITION_QUALITY = 90;

function codePointReader(source: string): (row: CsvRow) => Row {
  return (row) => {
    const postcode = postcodeOf(row, 'Postcode');
    const quality = row.optionalInteger('Positional_quality_indicator', { min: 0, max: 99 });
    const easting = row.optionalInteger('Eastings', { min: 0, max: 800_000 });
    const northing = row.optionalInteger('Northings', { min: 0, max: 1_400_000 });
    const located =
      easting !== null &&
      northing !== null &&
      quality !== NO_POSITION_QUALITY &&
      !(easting === 0 && northing === 0);
    const position = located ? gridToLatLon(easting, northing) : { lat: null, lon: null };
    return {
      postcode,
      lat: position.lat,
      lon: position.lon,
      country_code: row.optionalGssCode('Country_code'),
      county_code: row.optionalGssCode('Admin_county_code'),
      district_code: row.optionalGssCode('Admin_district_code'),
      ward_code: row.optionalGssCode('Admin_ward_code'),
      parish_code: null,
      introduced: null,
      terminated: null,
      source,
    };
  };
}

/** Imports one postcodes file (told apart by its first record) in the caller's transaction. */
export async function importPostcodeFile(tx: Tx, csv: CsvFile, progress: Progress): Promise<Tally> {
  const detected = detectPostcodeFormat(csv.first);
  if (!detected) {
    csv.close();
    throw unknownHeader(csv.file, csv.header(), POSTCODE_FORMATS);
  }
  const { format, header, firstIsData } = detected;
  const read = format.id === 'ons-directory' ? onsReader(header, csv.name) : codePointReader(csv.name);
  const tally = new Tally(format.description);
  progress.start(`Postcodes: ${csv.name}`, csv.size);
  try {
    for await (const batch of inBatches(
      csv.rows(header, progress, { includeFirst: firstIsData }),
      BATCH_SIZE,
    )) {
      tally.read += batch.length;
      const { rows, dropped } = lastOfEachKey(POSTCODE_SPEC, batch.map(read));
      tally.skip('repeated postcodes (the last row of each was kept)', dropped);
      const result = await upsertRows(tx, POSTCODE_SPEC, rows);
      tally.inserted += result.inserted.length;
      tally.updated += result.updated.length;
    }
  } finally {
    progress.stop();
    csv.close();
  }
  return tally;
}
