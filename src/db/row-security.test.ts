import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { openTestDatabase, testEngine } from '../../test/support/database.ts';
import { openDatabase, type Database } from './engine.ts';
import { RequestRoleError, withSystem, withTenant, type TenantScope, type Tx } from './context.ts';
import { leavesTenantContext } from './pglite-dialect.ts';

/**
 * The tables that have no `org_id`, and why. Reference data is public and shared by every
 * organisation: request work may read it and never change it. System tables are the owner's only
 * (migrations, sign-in, secrets, import runs): request work has no privilege on them at all.
 * Every other table belongs to organisations (see the tests below).
 */
const WITHOUT_ORG = {
  area: 'reference',
  area_member: 'reference',
  area_postcode: 'reference',
  boundary: 'reference',
  postcode: 'reference',
  service: 'reference',
  bank_holiday: 'reference',
  revenue_outturn: 'reference',
  partnership: 'reference',
  partnership_area: 'reference',
  partnership_service: 'reference',
  account: 'system',
  account_session: 'system',
  api_token: 'system',
  app_secret: 'system',
  import_run: 'system',
  case_summary_run: 'system',
  kysely_migration: 'system',
  kysely_migration_lock: 'system',
} as const satisfies Record<string, 'reference' | 'system'>;

/** The directory of organisations: its own org_id is its key, and its codes are unique across it. */
const DIRECTORY = 'organisation';

interface TableRow {
  table: string;
  has_org: boolean;
  enabled: boolean;
  forced: boolean;
  policies: number;
}

interface KeyRow {
  table: string;
  name: string;
  kind: 'p' | 'u' | 'f' | 'i';
  first: string | null;
  target: string | null;
  target_first: string | null;
}

/** Exeter and Cotswold, each with its reference-number row for 2026 at `lastNumber`; their ids. */
async function addExeterAndCotswold(tx: Tx, lastNumber: number): Promise<[number, number]> {
  const ids: number[] = [];
  for (const [name, prefix] of [
    ['Exeter City Council', 'EXE'],
    ['Cotswold District Council', 'COT'],
  ] as const) {
    const org = await tx
      .insertInto('organisation')
      .values({ kind: 'district', name, short_name: name, source: 'test', case_prefix: prefix })
      .returning('org_id')
      .executeTakeFirstOrThrow();
    await tx
      .insertInto('case_number')
      .values({ org_id: org.org_id, prefix, year: 2026, last_number: lastNumber })
      .execute();
    ids.push(org.org_id);
  }
  return ids as [number, number];
}

describe('row-level security catalogue', () => {
  let database: Database;
  let tables: TableRow[];
  let keys: KeyRow[];
  const tenantTables = () => tables.filter((t) => t.has_org && t.table !== DIRECTORY).map((t) => t.table);

  before(async () => {
    database = await openTestDatabase();
    tables = (
      await sql<TableRow>`
        select c.relname as table, c.relrowsecurity as enabled, c.relforcerowsecurity as forced,
               exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'org_id'
                                                      and not a.attisdropped) as has_org,
               (select count(*)::int from pg_policy p where p.polrelid = c.oid) as policies
          from pg_class c join pg_namespace n on n.oid = c.relnamespace
         where n.nspname = current_schema() and c.relkind in ('r', 'p')
         order by 1`.execute(database.db)
    ).rows;
    // Every primary key, unique constraint, foreign key and unique index, with its first column
    // and (for a foreign key) the table it points at and that table's first column.
    keys = (
      await sql<KeyRow>`
        select c.relname as table, k.conname as name, k.contype as kind, a.attname as first,
               t.relname as target, ta.attname as target_first
          from pg_constraint k
          join pg_class c on c.oid = k.conrelid
          join pg_namespace n on n.oid = c.relnamespace
          join pg_attribute a on a.attrelid = c.oid and a.attnum = k.conkey[1]
          left join pg_class t on t.oid = k.confrelid
          left join pg_attribute ta on ta.attrelid = t.oid and ta.attnum = k.confkey[1]
         where n.nspname = current_schema() and k.contype in ('p', 'u', 'f')
        union all
        select c.relname, ic.relname, 'i', a.attname, null, null
          from pg_index i
          join pg_class c on c.oid = i.indrelid
          join pg_class ic on ic.oid = i.indexrelid
          join pg_namespace n on n.oid = c.relnamespace
          left join pg_attribute a on a.attrelid = c.oid and a.attnum = i.indkey[0]
         where n.nspname = current_schema() and i.indisunique
           and not exists (select 1 from pg_constraint k where k.conindid = i.indexrelid)
         order by 1, 2`.execute(database.db)
    ).rows;
  });
  after(() => database.close());

  it('knows every table: a table without org_id is reference or system data named here', () => {
    const unknown = tables.filter((t) => !t.has_org && !(t.table in WITHOUT_ORG)).map((t) => t.table);
    assert.deepEqual(unknown, [], `tables without org_id that are not reference data: ${unknown.join(', ')}`);
    const stale = Object.keys(WITHOUT_ORG).filter(
      (name) => !tables.some((t) => t.table === name && !t.has_org),
    );
    assert.deepEqual(stale, [], `listed as without org_id but not so: ${stale.join(', ')}`);
    assert.ok(tenantTables().length >= 14, `expected the tenant tables, found ${tenantTables().join(', ')}`);
  });

  it('every table that carries org_id has forced row-level security with at least one policy', () => {
    const unprotected = tables
      .filter((t) => t.has_org && (!t.enabled || !t.forced || t.policies === 0))
      .map((t) => t.table);
    assert.deepEqual(unprotected, [], `tables without forced row-level security: ${unprotected.join(', ')}`);
  });

  it('org_id leads every primary key, unique constraint, unique index and foreign key of a tenant table', () => {
    const tenant = new Set(tenantTables());
    for (const name of tenant) {
      assert.ok(
        keys.some((k) => k.table === name && k.kind === 'p'),
        `${name} has no primary key`,
      );
    }
    const wrong = keys
      .filter((k) => tenant.has(k.table))
      .filter((k) =>
        k.kind === 'f'
          ? // A key into another organisation's table is co-located: org_id to org_id. Keys into
            // the directory and reference data have no organisation to lead with.
            tenant.has(k.target!) && (k.first !== 'org_id' || k.target_first !== 'org_id')
          : k.first !== 'org_id',
      )
      .map((k) => `${k.table}.${k.name}`);
    assert.deepEqual(wrong, [], `keys that org_id does not lead: ${wrong.join(', ')}`);
  });

  it('request work may only read reference data, and may not touch system tables', async () => {
    const { rows } = await sql<{ table: string; privilege: string }>`
      select t.name as table, p.privilege
        from unnest(${Object.keys(WITHOUT_ORG)}::text[]) as t(name)
        cross join unnest(array['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER'])
          as p(privilege)
       where to_regclass(t.name) is not null and has_table_privilege('jointly_app', t.name, p.privilege)`.execute(
      database.db,
    );
    const wrong = rows
      .filter(
        (r) => WITHOUT_ORG[r.table as keyof typeof WITHOUT_ORG] === 'system' || r.privilege !== 'SELECT',
      )
      .map((r) => `${r.privilege} on ${r.table}`);
    assert.deepEqual(wrong, [], `request role privileges it must not have: ${wrong.join(', ')}`);
  });

  it('every policy and view reads the tenant scope through its sealed readers, once per statement', async () => {
    const { rows } = await sql<{ name: string; text: string }>`
      select p.tablename || '.' || p.policyname as name, coalesce(p.qual, '') || ' ' || coalesce(p.with_check, '') as text
        from pg_policies p where p.schemaname = current_schema()
      union all
      select v.viewname, v.definition from pg_views v where v.schemaname = current_schema()
       order by 1`.execute(database.db);
    const wrong: string[] = [];
    for (const { name, text } of rows) {
      // A setting read directly would trust whatever the transaction set it to.
      if (/current_setting/i.test(text)) wrong.push(`${name} reads a setting directly`);
      for (const reader of ['jointly_read_orgs', 'jointly_write_orgs', 'jointly_account_id']) {
        const calls = text.split(`${reader}()`).length - 1;
        const once = text.split(`SELECT ${reader}()`).length - 1;
        if (calls !== once) wrong.push(`${name} calls ${reader}() per row`);
      }
      if (/jointly_may_(read|write)_case/.test(text)) wrong.push(`${name} calls a per-row case check`);
    }
    assert.deepEqual(wrong, [], wrong.join('; '));
    assert.ok(rows.length >= 30, `expected the policies, found ${rows.length}`);
  });

  it('request work cannot seal a scope of its own or read the secret behind the seals', async () => {
    const { rows } = await sql<{ seal: boolean; sealed: boolean; begin: boolean; secret: boolean }>`
      select has_function_privilege('jointly_app', 'jointly_scope_seal(text, text, text)', 'EXECUTE') as seal,
             has_function_privilege('jointly_app', 'jointly_scope_sealed()', 'EXECUTE') as sealed,
             has_function_privilege('jointly_app', 'jointly_begin_scope(bigint[], bigint[], bigint)', 'EXECUTE') as begin,
             has_table_privilege('jointly_app', 'app_secret', 'SELECT') as secret`.execute(database.db);
    assert.deepEqual(rows[0], { seal: false, sealed: false, begin: true, secret: false });
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

describe('stored answers and reference numbers belong to their organisation', () => {
  let database: Database;
  let exeter: number;
  let cotswold: number;
  const nobody: TenantScope = { readOrgs: [], writeOrgs: [], accountId: null };
  const only = (orgId: number): TenantScope => ({ readOrgs: [orgId], writeOrgs: [orgId], accountId: null });

  before(async () => {
    database = await openTestDatabase();
    [exeter, cotswold] = await withSystem(database.db, async (tx) => {
      const ids = await addExeterAndCotswold(tx, 41);
      for (const [orgId, prefix] of [
        [ids[0], 'EXE'],
        [ids[1], 'COT'],
      ] as const) {
        await tx
          .insertInto('idempotency_key')
          .values({
            org_id: orgId,
            caller: 'open311:1',
            idempotency_key: `key-${prefix}`,
            request_hash: 'a'.repeat(64),
            status_code: 201,
            response: JSON.stringify({ case: { reference: `${prefix}-2026-000041` } }),
          })
          .execute();
      }
      return ids;
    });
  });
  after(() => database.close());

  const count = (tx: Tx, table: 'idempotency_key' | 'case_number') =>
    tx
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
      .then((r) => Number(r.n));

  it('shows request work without a tenant context no stored answer and no reference number', async () => {
    const seen = await withTenant(database.db, nobody, async (tx) => ({
      answers: await count(tx, 'idempotency_key'),
      numbers: await count(tx, 'case_number'),
    }));
    assert.deepEqual(seen, { answers: 0, numbers: 0 });
  });

  it("shows a council its own stored answers and numbers, never another council's", async () => {
    const seen = await withTenant(database.db, only(exeter), async (tx) => ({
      answers: await tx.selectFrom('idempotency_key').select('idempotency_key').execute(),
      numbers: await tx.selectFrom('case_number').select('prefix').execute(),
    }));
    assert.deepEqual(seen, { answers: [{ idempotency_key: 'key-EXE' }], numbers: [{ prefix: 'EXE' }] });
  });

  it("does not let one council change another's reference numbers, or number with its prefix", async () => {
    const updated = await withTenant(database.db, only(exeter), (tx) =>
      tx.updateTable('case_number').set({ last_number: 0 }).where('org_id', '=', cotswold).executeTakeFirst(),
    );
    assert.equal(Number(updated.numUpdatedRows), 0);
    await assert.rejects(
      withTenant(database.db, only(exeter), (tx) =>
        tx
          .insertInto('case_number')
          .values({ org_id: cotswold, prefix: 'COT', year: 2027, last_number: 1 })
          .execute(),
      ),
      /row-level security/,
    );
    // Its own row with another council's prefix breaks the key to the organisation's prefix.
    await assert.rejects(
      withTenant(database.db, only(exeter), (tx) =>
        tx
          .insertInto('case_number')
          .values({ org_id: exeter, prefix: 'COT', year: 2027, last_number: 1 })
          .execute(),
      ),
      /foreign key/,
    );
    const cotswoldNumber = await withSystem(database.db, (tx) =>
      tx
        .selectFrom('case_number')
        .select('last_number')
        .where('org_id', '=', cotswold)
        .executeTakeFirstOrThrow(),
    );
    assert.equal(cotswoldNumber.last_number, 41);
  });

  it("does not let one council store an answer under another's name", async () => {
    await assert.rejects(
      withTenant(database.db, only(exeter), (tx) =>
        tx
          .insertInto('idempotency_key')
          .values({
            org_id: cotswold,
            caller: 'open311:1',
            idempotency_key: 'planted',
            request_hash: 'b'.repeat(64),
            status_code: 201,
            response: '{}',
          })
          .execute(),
      ),
      /row-level security/,
    );
  });
});

describe('a request transaction cannot leave its role', () => {
  let database: Database;
  let exeter: number;
  before(async () => {
    database = await openTestDatabase();
    [exeter] = await withSystem(database.db, (tx) => addExeterAndCotswold(tx, 1));
  });
  after(() => database.close());

  const attempts = [
    'reset role',
    'reset all',
    'set role jointly',
    'set role postgres',
    'set local role postgres',
    "select set_config('role', 'jointly', true)",
    "select set_config('role', 'postgres', true)",
    "select set_config('role', 'none', true)",
    'set session authorization jointly',
    'set session authorization postgres',
    'reset session authorization',
  ];

  for (const attempt of attempts) {
    it(`sees no more after "${attempt}" than before it`, async () => {
      const scope: TenantScope = { readOrgs: [exeter], writeOrgs: [exeter], accountId: null };
      let outcome: { who: string; numbers: number } | 'refused';
      try {
        outcome = await withTenant(database.db, scope, async (tx) => {
          await sql.raw(attempt).execute(tx);
          const { rows } = await sql<{ who: string; numbers: number }>`
            select current_user as who, (select count(*)::int from case_number) as numbers`.execute(tx);
          return rows[0]!;
        });
      } catch {
        outcome = 'refused';
      }
      if (outcome !== 'refused') {
        // RESET ALL clears the context too, which narrows what it sees: never widens it.
        assert.equal(outcome.who, 'jointly_app');
        assert.ok(outcome.numbers <= 1, `saw ${outcome.numbers} councils' numbers`);
      }
      // The connection is still usable, and still confined, for the next request.
      const after = await withTenant(database.db, scope, async (tx) => {
        const { rows } = await sql<{ who: string; numbers: number }>`
          select current_user as who, (select count(*)::int from case_number) as numbers`.execute(tx);
        return rows[0]!;
      });
      assert.deepEqual(after, { who: 'jointly_app', numbers: 1 });
    });
  }

  it(
    'on PostgreSQL, refuses the role changes in the database itself',
    { skip: testEngine() !== 'postgres' },
    async () => {
      for (const attempt of ['set role jointly', "select set_config('role', 'jointly', true)"]) {
        await assert.rejects(
          withTenant(database.db, { readOrgs: [], writeOrgs: [], accountId: null }, (tx) =>
            sql.raw(attempt).execute(tx),
          ),
          /permission denied/,
          attempt,
        );
      }
    },
  );

  it(
    'on PostgreSQL, refuses request work through a connection that is not a confined jointly_app',
    {
      skip: testEngine() !== 'postgres',
    },
    async () => {
      const ownerUrl = new URL(process.env.TEST_DATABASE_URL!);
      // The owner's own credentials given as the request connection: refused before any work.
      const owner = await openDatabase({ url: ownerUrl.toString(), appUrl: ownerUrl.toString() });
      try {
        await assert.rejects(
          withTenant(owner.db, { readOrgs: [], writeOrgs: [], accountId: null }, async () => 'ran'),
          (error: unknown) => error instanceof RequestRoleError && /not "jointly_app"/.test(error.message),
        );
      } finally {
        await owner.close();
      }
      // No request connection at all: request work is refused, never run as the owner.
      const ownerOnly = await openDatabase({ url: ownerUrl.toString() });
      try {
        await assert.rejects(
          withTenant(ownerOnly.db, { readOrgs: [], writeOrgs: [], accountId: null }, async () => 'ran'),
          (error: unknown) => error instanceof RequestRoleError && /DATABASE_APP_URL/.test(error.message),
        );
      } finally {
        await ownerOnly.close();
      }
    },
  );

  it('on the embedded engine, refuses statements that would change role or settings', () => {
    for (const text of [
      ...attempts,
      "set local jointly.read_orgs = '1,2'",
      "select jointly_begin_scope('{1,2}', '{1,2}', null)",
      'select 1; commit',
      'SET "jointly.write_orgs" TO 3',
    ]) {
      assert.ok(leavesTenantContext(text), text);
    }
    for (const text of [
      'update "role_grant" set "role" = $1 where "org_id" = $2',
      'select case when a then 1 else 2 end from t',
      'insert into case_number (org_id, prefix, year, last_number) values ($1, $2, $3, 1) on conflict (org_id, prefix, year) do update set last_number = case_number.last_number + 1',
      'select "reference", "reset_at" from x',
    ]) {
      assert.ok(!leavesTenantContext(text), text);
    }
  });
});

describe('a request transaction cannot widen its tenant scope', () => {
  let database: Database;
  let exeter: number;
  let cotswold: number;
  before(async () => {
    database = await openTestDatabase();
    [exeter, cotswold] = await withSystem(database.db, (tx) => addExeterAndCotswold(tx, 1));
  });
  after(() => database.close());

  const exeterOnly = (): TenantScope => ({ readOrgs: [exeter], writeOrgs: [exeter], accountId: 7 });
  const both = () => `${exeter},${cotswold}`;
  /** What request work sees: whose reference numbers (written orgs), and who it is for audit. */
  const seen = (tx: Tx) =>
    sql<{ numbers: number; account: string | null }>`
      select (select count(*)::int from case_number) as numbers, jointly_account_id()::text as account`
      .execute(tx)
      .then((r) => r.rows[0]!);

  const widenings = (): string[] => [
    `select set_config('jointly.write_orgs', '${both()}', true), set_config('jointly.read_orgs', '${both()}', true)`,
    `select set_config('jointly.write_orgs', '${both()}', false)`,
    `select 1 from organisation where set_config('jointly.write_orgs', '${both()}', true) is not null limit 1`,
    `set local jointly.write_orgs = '${both()}'`,
    `set jointly.write_orgs = '${both()}'`,
    `select jointly_begin_scope(array[${both()}]::bigint[], array[${both()}]::bigint[], null)`,
  ];

  it('sees its own scope when nothing is changed', async () => {
    assert.deepEqual(await withTenant(database.db, exeterOnly(), seen), { numbers: 1, account: '7' });
  });

  for (const [index, label] of [
    'set_config of both settings',
    'set_config for the session',
    'set_config inside a query',
    'SET LOCAL',
    'SET',
    'a second jointly_begin_scope',
  ].entries()) {
    it(`sees no other council after ${label}, and the next transaction is its own again`, async () => {
      const attempt = widenings()[index]!;
      let outcome: { numbers: number; account: string | null } | 'refused';
      try {
        outcome = await withTenant(database.db, exeterOnly(), async (tx) => {
          await sql.raw(attempt).execute(tx);
          return seen(tx);
        });
      } catch {
        outcome = 'refused';
      }
      if (outcome !== 'refused') {
        // A changed setting breaks the seal: the transaction is left with no scope at all.
        assert.deepEqual(outcome, { numbers: 0, account: null }, attempt);
      }
      assert.deepEqual(await withTenant(database.db, exeterOnly(), seen), { numbers: 1, account: '7' });
    });
  }

  it(
    'on PostgreSQL, the database itself narrows a rewritten scope to nothing',
    { skip: testEngine() !== 'postgres' },
    async () => {
      const outcome = await withTenant(database.db, exeterOnly(), async (tx) => {
        await sql.raw(`select set_config('jointly.write_orgs', '${both()}', true)`).execute(tx);
        return seen(tx);
      });
      assert.deepEqual(outcome, { numbers: 0, account: null });
    },
  );

  it(
    'on PostgreSQL, refuses a second jointly_begin_scope in the database itself',
    { skip: testEngine() !== 'postgres' },
    async () => {
      await assert.rejects(
        withTenant(database.db, exeterOnly(), (tx) => sql.raw(widenings()[5]!).execute(tx)),
        /tenant scope is set only by the statement that begins it/,
      );
    },
  );

  it(
    'gives no scope to a seal made with a secret of its own in a temporary table',
    { skip: testEngine() !== 'postgres' },
    async () => {
      const forged = await withTenant(
        database.db,
        { readOrgs: [], writeOrgs: [], accountId: null },
        async (tx) => {
          await sql`create temporary table app_secret (name text, value text) on commit drop`.execute(tx);
          await sql`insert into app_secret values ('request_scope', 'known')`.execute(tx);
          const wide = both();
          await sql`
          select set_config('jointly.read_orgs', ${wide}, true), set_config('jointly.write_orgs', ${wide}, true),
                 set_config('jointly.account_id', '', true),
                 set_config('jointly.scope_seal', encode(sha256(convert_to(concat_ws('|', 'known', pg_backend_pid(),
                   extract(epoch from transaction_timestamp()), ${wide}::text, ${wide}::text, ''), 'UTF8')), 'hex'), true)`.execute(
            tx,
          );
          return seen(tx);
        },
      );
      assert.deepEqual(forged, { numbers: 0, account: null });
    },
  );

  it(
    'gives no scope to a transaction that copies the settings and seal of an earlier one',
    { skip: testEngine() !== 'postgres' },
    async () => {
      const earlier = await withTenant(
        database.db,
        { readOrgs: [exeter, cotswold], writeOrgs: [exeter, cotswold], accountId: 1 },
        async (tx) => {
          const { rows } = await sql<{ reads: string; writes: string; account: string; seal: string }>`
        select current_setting('jointly.read_orgs') as reads, current_setting('jointly.write_orgs') as writes,
               current_setting('jointly.account_id') as account, current_setting('jointly.scope_seal') as seal`.execute(
            tx,
          );
          return rows[0]!;
        },
      );
      const replayed = await withTenant(
        database.db,
        { readOrgs: [], writeOrgs: [], accountId: null },
        async (tx) => {
          for (const [name, value] of [
            ['read_orgs', earlier.reads],
            ['write_orgs', earlier.writes],
            ['account_id', earlier.account],
            ['scope_seal', earlier.seal],
          ]) {
            await sql`select set_config(${'jointly.' + name}, ${value}, true)`.execute(tx);
          }
          return seen(tx);
        },
      );
      assert.deepEqual(replayed, { numbers: 0, account: null });
    },
  );
});
