import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { openTestDatabase } from '../../test/support/database.ts';
import type { Database } from './engine.ts';
import { withTenant } from './context.ts';

describe('row-level security catalogue', () => {
  let database: Database;
  before(async () => {
    database = await openTestDatabase();
  });
  after(() => database.close());

  it('every table that carries org_id has forced row-level security with at least one policy', async () => {
    const { rows } = await sql<{ table: string; enabled: boolean; forced: boolean; policies: number }>`
      select c.relname as table, c.relrowsecurity as enabled, c.relforcerowsecurity as forced,
             (select count(*)::int from pg_policy p where p.polrelid = c.oid) as policies
        from pg_class c
        join pg_namespace n on n.oid = c.relnamespace
       where n.nspname = current_schema() and c.relkind = 'r'
         and exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'org_id' and not a.attisdropped)
       order by 1`.execute(database.db);
    assert.ok(
      rows.length >= 5,
      `expected several tenant tables, found ${rows.map((r) => r.table).join(', ')}`,
    );
    const unprotected = rows.filter((r) => !r.enabled || !r.forced || r.policies === 0).map((r) => r.table);
    assert.deepEqual(unprotected, [], `tables without forced row-level security: ${unprotected.join(', ')}`);
  });

  it('org_id leads the primary key of every tenant table', async () => {
    const { rows } = await sql<{ table: string; first: string }>`
      select c.relname as table, a.attname as first
        from pg_index i
        join pg_class c on c.oid = i.indrelid
        join pg_namespace n on n.oid = c.relnamespace
        join pg_attribute a on a.attrelid = c.oid and a.attnum = i.indkey[0]
       where i.indisprimary and n.nspname = current_schema()
         and exists (select 1 from pg_attribute b where b.attrelid = c.oid and b.attname = 'org_id' and not b.attisdropped)`.execute(
      database.db,
    );
    const wrong = rows.filter((r) => r.first !== 'org_id').map((r) => r.table);
    assert.deepEqual(wrong, []);
  });

  it('request context runs as a role that is neither owner nor superuser', async () => {
    const row = await withTenant(
      database.db,
      { readOrgs: [], writeOrgs: [], accountId: null },
      async (tx) => {
        const { rows } = await sql<{ who: string; su: boolean; bypass: boolean }>`
        select current_user as who, r.rolsuper as su, r.rolbypassrls as bypass from pg_roles r where r.rolname = current_user`.execute(
          tx,
        );
        return rows[0];
      },
    );
    assert.deepEqual(row, { who: 'jointly_app', su: false, bypass: false });
  });

  it('a tenant context set in one transaction does not leak into the next', async () => {
    await withTenant(database.db, { readOrgs: [1], writeOrgs: [1], accountId: 7 }, async () => undefined);
    const { rows } = await sql<{ orgs: string | null; who: string }>`
      select nullif(current_setting('jointly.read_orgs', true), '') as orgs, current_user as who`.execute(
      database.db,
    );
    assert.equal(rows[0]?.orgs ?? null, null);
    assert.notEqual(rows[0]?.who, 'jointly_app');
  });
});
