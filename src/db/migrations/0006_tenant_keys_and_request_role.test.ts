import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { openTestDatabase } from '../../../test/support/database.ts';
import type { Database } from '../engine.ts';
import { MigrationError, migrateTo, migrateToLatest } from '../migrate.ts';

/** Stored answers and reference numbers written before 0006 are given their organisation. */
describe('migration 0006: existing answers and numbers get their organisation', () => {
  let database: Database;
  const org: Record<string, number> = {};

  before(async () => {
    database = await openTestDatabase({ migrate: false });
    await migrateTo(database, '0005_case_event_owner_insert');
    const db = database.db;
    await sql`INSERT INTO service (lgsl_code, label, status) VALUES (524, 'Bins', 'live')`.execute(db);
    for (const [key, name, prefix] of [
      ['exeter', 'Exeter City Council', 'EXE'],
      ['devon', 'Devon County Council', 'DEV'],
      ['cotswold', 'Cotswold District Council', 'COT'],
    ] as const) {
      const { rows } = await sql<{ org_id: number }>`
        INSERT INTO organisation (kind, name, short_name, source, case_prefix)
        VALUES ('district', ${name}, ${name}, 'test', ${prefix}) RETURNING org_id`.execute(db);
      org[key] = rows[0]!.org_id;
    }
    // A case Devon holds that Exeter's front door took, and its stored answer.
    await sql`
      INSERT INTO service_case (org_id, reference, lgsl_code, provider_org_id, status, description, channel,
                                routing, contact_org_id)
      VALUES (${org.devon}, 'DEV-2026-000007', 524, ${org.devon}, 'open', 'Pothole', 'web', '{}', ${org.exeter})`.execute(
      db,
    );
    const { rows: keys } = await sql<{ key_id: number }>`
      INSERT INTO api_key (org_id, name, key_prefix, key_hash) VALUES (${org.cotswold}, 'App', 'abcdef', 'x')
      RETURNING key_id`.execute(db);
    await sql`
      INSERT INTO idempotency_key (caller, idempotency_key, request_hash, status_code, response) VALUES
        ('web:abc', 'abc', 'h', 201, '{"case": {"reference": "DEV-2026-000007"}}'),
        (${`open311:${keys[0]!.key_id}`}, 'tok-1', 'h', 201, '{"case": {"reference": "COT-2026-000001"}}'),
        ('public', 'lost', 'h', 201, '{"case": {"reference": "ZZZ-2026-000001"}}')`.execute(db);
    await sql`
      INSERT INTO case_number (prefix, year, last_number) VALUES ('DEV', 2026, 7), ('COT', 2026, 1),
        ('OLD', 2025, 3)`.execute(db);
  });
  after(() => database.close());

  it('refuses to guess whose numbers a prefix no organisation has are, and changes nothing', async () => {
    await assert.rejects(
      migrateToLatest(database),
      (error: unknown) =>
        error instanceof MigrationError && /prefixes no organisation has: OLD/.test(error.message),
    );
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM idempotency_key`.execute(
      database.db,
    );
    assert.equal(rows[0]!.n, 3, 'the failed migration kept nothing of its work');
  });

  it("gives each answer the front door of its case, or its Open311 client's council, and each number its council", async () => {
    await sql`UPDATE organisation SET case_prefix = 'OLD' WHERE org_id = ${org.exeter}`.execute(database.db);
    await migrateToLatest(database);
    const answers = await database.db
      .selectFrom('idempotency_key')
      .select(['org_id', 'idempotency_key'])
      .orderBy('idempotency_key')
      .execute();
    assert.deepEqual(answers, [
      { org_id: org.exeter, idempotency_key: 'abc' },
      { org_id: org.cotswold, idempotency_key: 'tok-1' },
    ]);
    const numbers = await database.db
      .selectFrom('case_number')
      .select(['org_id', 'prefix', 'last_number'])
      .orderBy('prefix')
      .execute();
    assert.deepEqual(numbers, [
      { org_id: org.cotswold, prefix: 'COT', last_number: 1 },
      { org_id: org.devon, prefix: 'DEV', last_number: 7 },
      { org_id: org.exeter, prefix: 'OLD', last_number: 3 },
    ]);
  });
});
