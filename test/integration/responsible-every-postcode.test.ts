/**
 * `/api/v1/responsible` is right for every postcode in the reference data we ship, for a
 * county-tier service and a district-tier service. The expected answer is worked out here from the
 * raw files, independently of the importers: the postcode's own council codes and the tier GOV.UK
 * publishes for the service. A council code the register does not hold must never be guessed.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import type { FastifyInstance } from 'fastify';
import { openTestDatabase } from '../support/database.ts';
import { buildTestApp } from '../support/app.ts';
import type { Database } from '../../src/db/engine.ts';

const DATA = path.resolve(process.env.JOINTLY_REFERENCE_DATA ?? '../shared/data');
const read = (file: string): Record<string, string>[] =>
  parse(readFileSync(path.join(DATA, file)), { columns: true, bom: true, skip_empty_lines: true });

/** ONS writes "no such area" as a pseudo-code ending in 9s. */
const code = (value: string | undefined): string | null =>
  value && value.trim() !== '' && !/^[A-Z]99999999$/.test(value.trim()) ? value.trim() : null;

interface Expected {
  postcode: string;
  county: string | null;
  district: string | null;
}

function postcodesInTheData(): Expected[] {
  const onspd = read('postcodes/onspd_2024_postcodesio_seed.csv').map((r) => ({
    postcode: r.pcds!,
    county: code(r.oscty),
    district: code(r.oslaua),
  }));
  const codePoint = read('postcodes/codepoint_open_2014_two_tier_sample.csv').map((r) => ({
    postcode: r.Postcode!,
    county: code(r.Admin_county_code),
    district: code(r.Admin_district_code),
  }));
  return [...onspd, ...codePoint];
}

const tierOf = (lgsl: string) =>
  read('services/derived_lgsl_services_with_govuk_tier.csv').find((s) => s.lgsl_code === lgsl)!
    .govuk_providing_tier;

/** Current councils in the reference data, by GSS code. */
const councils = new Set(
  read('authorities/mysociety_uk_local_authorities.csv')
    .filter((r) => !r['end-date'])
    .map((r) => r['gss-code']!),
);

describe('who is responsible, for every postcode we ship', () => {
  let database: Database;
  let app: FastifyInstance;
  const postcodes = postcodesInTheData();

  before(async () => {
    database = await openTestDatabase({ data: 'reference' });
    app = (await buildTestApp(database)).app;
  });
  after(async () => {
    await app?.close();
    await database?.close();
  });

  it('reads both postcode files and the services’ tiers as the test expects', () => {
    assert.ok(postcodes.length > 12_000, `${postcodes.length} postcodes`);
    assert.equal(tierOf('524'), 'district/unitary');
    assert.equal(tierOf('160'), 'county/unitary');
  });

  for (const [lgsl, tier] of [
    ['524', 'district'],
    ['160', 'county'],
  ] as const) {
    it(`answers LGSL ${lgsl} (${tier} tier) for every postcode`, async () => {
      const wrong: string[] = [];
      let resolved = 0;
      for (const p of postcodes) {
        const response = await app.inject({
          method: 'GET',
          url: `/api/v1/responsible?service=${lgsl}&postcode=${encodeURIComponent(p.postcode)}`,
        });
        const body = response.json();
        // A unitary's postcodes carry no county; in a two-tier area a county service goes to the county.
        const expected = tier === 'county' ? (p.county ?? p.district) : p.district;
        if (expected !== null && councils.has(expected)) {
          if (
            response.statusCode !== 200 ||
            body.status !== 'resolved' ||
            body.responsible?.gss !== expected
          ) {
            wrong.push(
              `${p.postcode}: expected ${expected}, got ${response.statusCode} ${body.status} ${body.responsible?.gss}`,
            );
          } else resolved++;
        } else if (body.status === 'resolved') {
          wrong.push(
            `${p.postcode}: guessed ${body.responsible?.gss} for a council the register cannot know`,
          );
        }
      }
      assert.deepEqual(wrong.slice(0, 20), [], `${wrong.length} wrong answers`);
      assert.ok(resolved > 12_000, `${resolved} resolved`);
    });
  }
});
