/**
 * An officer of one council cannot read or change another council's records: not through the
 * pages, not through the API, and not through a query that forgets its filter (row-level security).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import { openTestDatabase } from '../support/database.ts';
import { loadFixture, type Fixture } from '../support/fixtures.ts';
import { buildTestApp, signIn, type Session } from '../support/app.ts';
import type { Database } from '../../src/db/engine.ts';
import { withSystem, withTenant } from '../../src/db/context.ts';
import { insertArrangement } from '../../src/register/register.repository.ts';

const PASSWORD = 'correct horse battery staple';

describe('isolation between councils', () => {
  let database: Database;
  let app: FastifyInstance;
  let f: Fixture;
  let exeter: Session;
  let teignbridgeArrangementId: number;

  const arrangementCount = async () =>
    Number(
      (
        await withSystem(database.db, (tx) =>
          sql<{ n: number }>`select count(*)::int as n from arrangement`.execute(tx),
        )
      ).rows[0]!.n,
    );

  before(async () => {
    database = await openTestDatabase();
    f = await loadFixture(database.db);
    const built = await buildTestApp(database);
    app = built.app;
    await withSystem(database.db, async (tx) => {
      await insertArrangement(
        tx,
        {
          orgId: f.org.exeter,
          lgslCode: 524,
          validFrom: '2012-04-01',
          mode: 'retained',
          level: 'district',
          providerOrgId: f.org.exeter,
          notes: 'Exeter collects its own household waste',
        },
        null,
      );
      const t = await insertArrangement(
        tx,
        {
          orgId: f.org.teignbridge,
          lgslCode: 524,
          validFrom: '2012-04-01',
          mode: 'lead_authority',
          level: 'cluster',
          providerOrgId: f.org.devon,
          notes: 'Confidential: Teignbridge contract terms under negotiation',
        },
        null,
      );
      teignbridgeArrangementId = t.arrangementId;
    });
    for (const [email, org] of [
      ['officer.exeter@example.org', f.org.exeter],
      ['officer.teignbridge@example.org', f.org.teignbridge],
    ] as const) {
      await built.services.auth.createAccount({
        email,
        displayName: email,
        password: PASSWORD,
        grants: [{ orgId: org, role: 'officer', partnershipId: null, lgslCodes: null }],
      });
    }
    exeter = await signIn(app, 'officer.exeter@example.org', PASSWORD);
  });
  after(async () => {
    await app?.close();
    await database?.close();
  });

  const asExeter = (method: 'GET' | 'POST', url: string, payload?: unknown) =>
    app.inject({
      method,
      url,
      headers: {
        cookie: exeter.cookie,
        // The session's CSRF token, as the app's own pages send it: what is refused is the access.
        'x-csrf-token': exeter.csrf,
        ...(payload ? { 'content-type': 'application/json' } : {}),
      },
      ...(payload ? { payload: JSON.stringify(payload) } : {}),
    });

  describe('through the API', () => {
    it('reads its own council’s arrangements', async () => {
      const own = await asExeter('GET', '/api/v1/organisations/exeter/arrangements?date=2020-01-01');
      assert.equal(own.statusCode, 200);
      assert.deepEqual(
        own.json().map((a: { orgId: number }) => a.orgId),
        [f.org.exeter],
      );
    });

    it('reads another council’s arrangements and their history (public), but not its internal notes', async () => {
      const other = await asExeter('GET', '/api/v1/organisations/teignbridge/arrangements?date=2020-01-01');
      assert.equal(other.statusCode, 200);
      const [row] = other.json() as Array<{ mode: string; notes: string | null; notesInternal: boolean }>;
      assert.equal(row?.mode, 'lead_authority');
      assert.deepEqual([row?.notes, row?.notesInternal], [null, true]);
      assert.doesNotMatch(other.body, /Confidential/);
      const history = await asExeter('GET', '/api/v1/organisations/teignbridge/services/524/history');
      assert.equal(history.statusCode, 200);
      assert.equal(history.json().length, 1);
      assert.doesNotMatch(history.body, /Confidential/);
      const matrix = await asExeter('GET', '/api/v1/partnerships/test-devon/matrix?date=2020-01-01');
      assert.equal(matrix.statusCode, 200);
      assert.doesNotMatch(matrix.body, /Confidential|hidden/);
      const csv = await asExeter('GET', '/api/v1/partnerships/test-devon/matrix.csv?date=2020-01-01');
      assert.doesNotMatch(csv.body, /Confidential/);
      assert.match(csv.body, /Delivered by a lead authority/);
    });

    it('cannot change another council’s arrangements, and nothing is written', async () => {
      const before = await arrangementCount();
      const response = await asExeter('POST', '/api/v1/organisations/teignbridge/arrangements', {
        lgslCode: 524,
        validFrom: '2030-04-01',
        mode: 'retained',
        level: 'district',
        providerOrgId: f.org.teignbridge,
        expectedCurrentId: teignbridgeArrangementId,
      });
      assert.equal(response.statusCode, 403);
      assert.match(String(response.headers['content-type']), /application\/problem\+json/);
      assert.equal(await arrangementCount(), before);
    });

    it('refuses changes from someone not signed in', async () => {
      const before = await arrangementCount();
      const response = await app.inject({
        method: 'POST',
        url: '/api/v1/organisations/exeter/arrangements',
        payload: {
          lgslCode: 524,
          validFrom: '2030-04-01',
          mode: 'retained',
          level: 'district',
          providerOrgId: f.org.exeter,
        },
      });
      assert.equal(response.statusCode, 401);
      assert.equal(await arrangementCount(), before);
    });
  });

  describe('through the pages', () => {
    it('shows its own council’s internal notes, and another’s service history without them', async () => {
      const own = await asExeter('GET', '/organisations/exeter/services/524');
      assert.equal(own.statusCode, 200);
      assert.match(own.body, /Exeter collects its own household waste/);
      const other = await asExeter('GET', '/organisations/teignbridge/services/524');
      assert.equal(other.statusCode, 200);
      assert.match(other.body, /Devon County Council/);
      assert.doesNotMatch(other.body, /Confidential/);
      const matrix = await asExeter('GET', '/partnerships/test-devon/services');
      assert.equal(matrix.statusCode, 200);
      assert.doesNotMatch(matrix.body, /Confidential/);
    });

    it('cannot open or submit the form to change another council’s arrangement', async () => {
      const form = await asExeter('GET', '/organisations/teignbridge/arrangements/new?service=524');
      assert.equal(form.statusCode, 403);
      const before = await arrangementCount();
      const posted = await app.inject({
        method: 'POST',
        url: '/organisations/teignbridge/arrangements',
        headers: { cookie: exeter.cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({
          _csrf: exeter.csrf,
          lgslCode: '524',
          'validFrom-day': '1',
          'validFrom-month': '4',
          'validFrom-year': '2030',
          mode: 'retained',
          level: 'district',
          providerOrgId: String(f.org.teignbridge),
          expectedCurrentId: String(teignbridgeArrangementId),
        }).toString(),
      });
      assert.equal(posted.statusCode, 403);
      assert.equal(await arrangementCount(), before);
    });
  });

  describe('through a query that forgets its filter (row-level security)', () => {
    const exeterScope = () => ({ readOrgs: [f.org.exeter], writeOrgs: [f.org.exeter], accountId: null });

    it('reads every council’s arrangement facts, but internal notes only through the notes view, and only its own', async () => {
      const rows = await withTenant(database.db, exeterScope(), (tx) =>
        tx.selectFrom('arrangement').select(['org_id', 'notes_internal']).execute(),
      );
      assert.deepEqual(
        [...new Set(rows.map((r) => r.org_id))].sort((a, b) => a - b),
        [f.org.exeter, f.org.teignbridge].sort((a, b) => a - b),
      );
      await assert.rejects(
        withTenant(database.db, exeterScope(), (tx) =>
          tx.selectFrom('arrangement').select('notes').execute(),
        ),
        /permission denied/,
      );
      const notes = await withTenant(database.db, exeterScope(), (tx) =>
        tx.selectFrom('arrangement_note').select(['org_id', 'notes']).execute(),
      );
      assert.ok(notes.some((n) => n.notes === 'Exeter collects its own household waste'));
      assert.ok(notes.every((n) => !/Confidential/.test(n.notes)));
      const audit = await withTenant(database.db, exeterScope(), (tx) =>
        tx.selectFrom('audit_log').select('org_id').execute(),
      );
      assert.ok(audit.every((r) => r.org_id === f.org.exeter));
    });

    it('cannot insert another council’s row, update another council, or delete history', async () => {
      const before = await arrangementCount();
      await assert.rejects(
        withTenant(database.db, exeterScope(), (tx) =>
          insertArrangement(
            tx,
            {
              orgId: f.org.teignbridge,
              lgslCode: 524,
              validFrom: '2031-04-01',
              mode: 'retained',
              level: 'district',
              providerOrgId: f.org.teignbridge,
            },
            null,
          ),
        ),
        /row-level security/,
      );
      assert.equal(await arrangementCount(), before);
      const updated = await withTenant(database.db, exeterScope(), (tx) =>
        tx
          .updateTable('organisation')
          .set({ brand_colour: '#000000' })
          .where('org_id', '=', f.org.teignbridge)
          .execute(),
      );
      assert.equal(Number(updated[0]?.numUpdatedRows ?? 0), 0);
      await assert.rejects(
        withTenant(database.db, exeterScope(), (tx) =>
          tx.deleteFrom('arrangement').where('org_id', '=', f.org.exeter).execute(),
        ),
        /permission denied/,
      );
      assert.equal(await arrangementCount(), before);
    });
  });
});
