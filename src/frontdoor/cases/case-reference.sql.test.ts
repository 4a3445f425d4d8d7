import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { sql } from 'kysely';
import { openTestDatabase } from '../../../test/support/database.ts';
import type { Database } from '../../db/index.ts';
import { formatReference, parseReference, referenceSql, type ReferenceParts } from './case-reference.ts';

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'.split('');
const DIGITS = '0123456789'.split('');
const word = (chars: string[], minLength: number, maxLength: number) =>
  fc.array(fc.constantFrom(...chars), { minLength, maxLength }).map((c) => c.join(''));
const parts: fc.Arbitrary<ReferenceParts> = fc
  .record({
    prefix: fc.tuple(word(LETTERS, 2, 6), word(DIGITS, 0, 2)).map(([l, d]) => l + d),
    year: fc.integer({ min: 1000, max: 9999 }),
    number: fc.integer({ min: 1, max: 999_999 }),
  })
  // fc.record makes objects without a prototype; a reference's parts are plain objects.
  .map((p) => ({ ...p }));
const EDGES: ReferenceParts[] = [
  { prefix: 'EXE', year: 2026, number: 1 },
  { prefix: 'AB', year: 1000, number: 999_999 },
  { prefix: 'ABCDEF99', year: 9999, number: 100_000 },
];

describe('case references made by the database', () => {
  let database: Database;
  before(async () => {
    database = await openTestDatabase();
  });
  after(() => database.close());

  it('makes the same reference as formatReference, from the same parts', async () => {
    await fc.assert(
      fc.asyncProperty(parts, async (p) => {
        const { rows } = await sql<{ reference: string }>`
          SELECT ${referenceSql(p.prefix, p.year, sql`${p.number}::int`)} AS reference`.execute(database.db);
        assert.equal(rows[0]!.reference, formatReference(p));
      }),
      { numRuns: 60, examples: EDGES.map((e) => [e]) },
    );
  });

  it('keeps in service_case every reference formatReference makes, and none it refuses to parse', async () => {
    // The check migration 0003 put on the column, read from the database, not copied here.
    const { rows } = await sql<{ definition: string }>`
      SELECT pg_get_constraintdef(c.oid) AS definition FROM pg_constraint c
      WHERE c.conrelid = 'service_case'::regclass AND c.contype = 'c'
        AND pg_get_constraintdef(c.oid) LIKE '%reference%'`.execute(database.db);
    assert.equal(rows.length, 1);
    const pattern = /reference ~ '([^']+)'/.exec(rows[0]!.definition)?.[1];
    assert.ok(pattern, rows[0]!.definition);
    const checked = async (text: string) =>
      (await sql<{ ok: boolean }>`SELECT ${text}::text ~ ${pattern}::text AS ok`.execute(database.db))
        .rows[0]!.ok;

    await fc.assert(
      fc.asyncProperty(parts, async (p) => assert.equal(await checked(formatReference(p)), true)),
      { numRuns: 40, examples: EDGES.map((e) => [e]) },
    );
    for (const text of [
      'EXE-2026-00123',
      'EXE-2026-0001234',
      'E-2026-000123',
      'ABCDEFG-2026-000123',
      'exe-2026-000123',
      'EXE 2026 000123',
      ' EXE-2026-000123',
    ]) {
      assert.equal(parseReference(text), null, text);
      assert.equal(await checked(text), false, text);
    }
  });
});
