/**
 * "Who is responsible" is right for every postcode in the reference data we ship, for a
 * county-tier service and a district-tier service. The expected answer is worked out here from the
 * raw files, independently of the importers: the postcode's own council codes and the tier GOV.UK
 * publishes for the service. A council code the register does not hold must never be guessed.
 *
 * Every postcode is placed by the geography service and decided by the routing decision itself
 * (`decideResponsible`), with the register's facts read once for each set of areas; a sample of
 * them also goes the whole way through `/api/v1/responsible`, which must give the same answers.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import type { FastifyInstance } from 'fastify';
import type { AppServices } from '../../src/app/services.ts';
import type { PlaceLookup } from '../../src/geography/geography.service.ts';
import { todayInLondon } from '../../src/platform/dates.ts';
import { ProblemError } from '../../src/platform/errors.ts';
import {
  decideResponsible,
  routingFactsFor,
  type RoutingFacts,
} from '../../src/register/responsible.service.ts';
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

/** What the oracle compares: whether one council was named, and which. */
interface Answer {
  status: number;
  kind: string;
  gss: string | undefined;
}

/** Every answer that disagrees with the raw files, as a line each. */
function wrongAnswers(postcodes: readonly Expected[], tier: 'county' | 'district', answers: Answer[]) {
  const wrong: string[] = [];
  let resolved = 0;
  postcodes.forEach((p, i) => {
    const answer = answers[i]!;
    // A unitary's postcodes carry no county; in a two-tier area a county service goes to the county.
    const expected = tier === 'county' ? (p.county ?? p.district) : p.district;
    if (expected !== null && councils.has(expected)) {
      if (answer.status !== 200 || answer.kind !== 'resolved' || answer.gss !== expected) {
        wrong.push(`${p.postcode}: expected ${expected}, got ${answer.status} ${answer.kind} ${answer.gss}`);
      } else resolved++;
    } else if (answer.kind === 'resolved') {
      wrong.push(`${p.postcode}: guessed ${answer.gss} for a council the register cannot know`);
    }
  });
  return { wrong, resolved };
}

/** Every 50th postcode, and the first and last: the ones that also go through the API. */
const sampleOf = <T>(all: readonly T[]): T[] => all.filter((_, i) => i % 50 === 0 || i === all.length - 1);

describe('who is responsible, for every postcode we ship', () => {
  let database: Database;
  let app: FastifyInstance;
  let services: AppServices;
  const postcodes = postcodesInTheData();
  const places: PlaceLookup[] = [];

  before(async () => {
    database = await openTestDatabase({ data: 'reference' });
    ({ app, services } = await buildTestApp(database));
    for (const p of postcodes) places.push(await services.geography.lookupPostcode(p.postcode));
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
    it(`decides LGSL ${lgsl} (${tier} tier) for every postcode`, async () => {
      const date = todayInLondon();
      // The facts depend only on the place's areas: read them once for each set of areas.
      const factsByAreas = new Map<string, RoutingFacts>();
      const answers: Answer[] = [];
      for (const place of places) {
        const areas = JSON.stringify([place.localAreas, place.areas]);
        let facts = factsByAreas.get(areas);
        if (!facts) {
          facts = await routingFactsFor(database.db, Number(lgsl), place, date);
          factsByAreas.set(areas, facts);
        }
        try {
          const answer = decideResponsible({ service: Number(lgsl) }, date, place, facts);
          answers.push({ status: 200, kind: answer.status, gss: answer.responsible?.gss ?? undefined });
        } catch (error) {
          if (!(error instanceof ProblemError)) throw error;
          answers.push({ status: error.status, kind: String(error.extensions.code), gss: undefined });
        }
      }
      const { wrong, resolved } = wrongAnswers(postcodes, tier, answers);
      assert.deepEqual(wrong.slice(0, 20), [], `${wrong.length} wrong answers`);
      assert.ok(resolved > 12_000, `${resolved} resolved`);
    });

    it(`answers LGSL ${lgsl} (${tier} tier) through the API for a sample of them`, async () => {
      const sample = sampleOf(postcodes);
      const answers: Answer[] = [];
      for (const p of sample) {
        const response = await app.inject({
          method: 'GET',
          url: `/api/v1/responsible?service=${lgsl}&postcode=${encodeURIComponent(p.postcode)}`,
        });
        const body = response.json();
        answers.push({
          status: response.statusCode,
          kind: response.statusCode === 200 ? body.status : body.code,
          gss: body.responsible?.gss,
        });
      }
      const { wrong, resolved } = wrongAnswers(sample, tier, answers);
      assert.deepEqual(wrong.slice(0, 20), [], `${wrong.length} wrong answers`);
      assert.ok(resolved > 200, `${resolved} resolved`);
    });
  }
});
