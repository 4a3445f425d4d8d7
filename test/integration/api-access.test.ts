/**
 * Who may write through the API, and how sessions end, through the whole application:
 * a session cookie alone never makes a change (the session's CSRF token must come with it), API
 * clients use bearer tokens that act as their account and can be revoked, signing out or an
 * administrator ending a session stops the cookie on its next request.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import { openTestDatabase } from '../support/database.ts';
import { loadFixture, type Fixture } from '../support/fixtures.ts';
import { buildTestApp, csrfTokenIn, getPage, postForm, signIn, type Session } from '../support/app.ts';
import type { Database } from '../../src/db/engine.ts';
import { withSystem } from '../../src/db/context.ts';
import type { AppServices } from '../../src/app/services.ts';

const PASSWORD = 'correct horse battery staple';

describe('writes through the API and the sessions behind them', () => {
  let database: Database;
  let app: FastifyInstance;
  let services: AppServices;
  let f: Fixture;
  let validFrom = 2030;

  const arrangementCount = async () =>
    Number(
      (
        await withSystem(database.db, (tx) =>
          sql<{ n: number }>`select count(*)::int as n from arrangement`.execute(tx),
        )
      ).rows[0]!.n,
    );

  /** A new arrangement for a council's household waste collection, each from a later year. */
  const arrangement = (orgId: number) => ({
    lgslCode: '524',
    validFrom: `${validFrom++}-04-01`,
    mode: 'retained',
    level: 'district',
    providerOrgId: String(orgId),
  });

  const formPost = (url: string, headers: Record<string, string>, form: Record<string, string>) =>
    app.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      payload: new URLSearchParams(form).toString(),
    });

  const jsonPost = (url: string, headers: Record<string, string>, body: Record<string, string>) =>
    app.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/json', ...headers },
      payload: JSON.stringify({
        ...body,
        lgslCode: Number(body.lgslCode),
        providerOrgId: Number(body.providerOrgId),
      }),
    });

  before(async () => {
    database = await openTestDatabase();
    f = await loadFixture(database.db);
    ({ app, services } = await buildTestApp(database));
    const accounts = [
      ['officer.exeter@example.org', f.org.exeter, 'officer', null],
      ['officer.teignbridge@example.org', f.org.teignbridge, 'officer', null],
      ['officer.cotswold@example.org', f.org.cotswold, 'officer', null],
      ['admin.devon@example.org', f.org.devon, 'partnership_admin', f.partnershipId],
    ] as const;
    for (const [email, orgId, role, partnershipId] of accounts) {
      await services.auth.createAccount({
        email,
        displayName: email.split('@')[0]!,
        password: PASSWORD,
        grants: [{ orgId, role, partnershipId, lgslCodes: null }],
      });
    }
  });
  after(async () => {
    await app?.close();
    await database?.close();
  });

  describe('with the session cookie', () => {
    let exeter: Session;
    before(async () => {
      exeter = await signIn(app, 'officer.exeter@example.org', PASSWORD);
    });

    it('refuses a cross-origin form-encoded POST that carries only the cookie, and writes nothing', async () => {
      const before = await arrangementCount();
      const response = await formPost(
        '/api/v1/organisations/exeter/arrangements',
        { cookie: exeter.cookie, origin: 'https://elsewhere.example', referer: 'https://elsewhere.example/' },
        arrangement(f.org.exeter),
      );
      assert.equal(response.statusCode, 403);
      assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
      assert.match(response.json().detail, /CSRF token/);
      assert.equal(response.json().status, 403);
      assert.equal(await arrangementCount(), before);
    });

    it('refuses a wrong CSRF token, and a JSON POST with the cookie alone', async () => {
      const before = await arrangementCount();
      const wrong = await formPost(
        '/api/v1/organisations/exeter/arrangements',
        { cookie: exeter.cookie, 'x-csrf-token': 'not-the-token' },
        arrangement(f.org.exeter),
      );
      assert.equal(wrong.statusCode, 403);
      const json = await jsonPost(
        '/api/v1/organisations/exeter/arrangements',
        { cookie: exeter.cookie },
        arrangement(f.org.exeter),
      );
      assert.equal(json.statusCode, 403);
      assert.equal(await arrangementCount(), before);
    });

    it("accepts the same POST with the session's CSRF token, in the header or in the form", async () => {
      const before = await arrangementCount();
      const header = await formPost(
        '/api/v1/organisations/exeter/arrangements',
        { cookie: exeter.cookie, 'x-csrf-token': exeter.csrf },
        arrangement(f.org.exeter),
      );
      assert.equal(header.statusCode, 201, header.body);
      const field = await formPost(
        '/api/v1/organisations/exeter/arrangements',
        { cookie: exeter.cookie },
        { ...arrangement(f.org.exeter), _csrf: exeter.csrf },
      );
      assert.equal(field.statusCode, 201, field.body);
      assert.equal(await arrangementCount(), before + 2);
    });

    it('a cookie copied before signing out is refused after it', async () => {
      const session = await signIn(app, 'officer.exeter@example.org', PASSWORD);
      const copied = session.cookie;
      const signedOut = await postForm(app, '/sign-out', session, { _csrf: session.csrf });
      assert.equal(signedOut.statusCode, 303);
      const before = await arrangementCount();
      const replayed = await formPost(
        '/api/v1/organisations/exeter/arrangements',
        { cookie: copied, 'x-csrf-token': session.csrf },
        arrangement(f.org.exeter),
      );
      assert.equal(replayed.statusCode, 401);
      assert.equal(await arrangementCount(), before);
      assert.equal((await getPage(app, '/account', session)).statusCode, 303);
    });
  });

  describe('with a bearer token', () => {
    let exeterToken: string;
    before(async () => {
      exeterToken = (
        await services.auth.createToken({
          email: 'officer.exeter@example.org',
          name: 'Ledger',
          createdBy: null,
        })
      ).token;
    });

    it('writes as its account without any cookie, and is kept only as a hash', async () => {
      const response = await jsonPost(
        '/api/v1/organisations/exeter/arrangements',
        { authorization: `Bearer ${exeterToken}` },
        arrangement(f.org.exeter),
      );
      assert.equal(response.statusCode, 201, response.body);
      const stored = await withSystem(database.db, (tx) =>
        tx.selectFrom('api_token').select(['token_hash', 'token_prefix', 'last_used_at']).execute(),
      );
      assert.ok(stored.every((t) => !t.token_hash.includes(exeterToken.slice(4))));
      assert.ok(stored.some((t) => t.last_used_at !== null));
    });

    it("of an officer cannot write another council's arrangements, and nothing is written", async () => {
      const before = await arrangementCount();
      const response = await jsonPost(
        '/api/v1/organisations/teignbridge/arrangements',
        { authorization: `Bearer ${exeterToken}` },
        arrangement(f.org.teignbridge),
      );
      assert.equal(response.statusCode, 403);
      assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
      assert.equal(await arrangementCount(), before);
    });

    it('is refused once revoked, as is a token that does not exist or is malformed', async () => {
      const made = await services.auth.createToken({
        email: 'officer.exeter@example.org',
        name: 'Short-lived',
        createdBy: null,
      });
      const ok = await app.inject({
        method: 'GET',
        url: '/api/v1/organisations/exeter/arrangements',
        headers: { authorization: `Bearer ${made.token}` },
      });
      assert.equal(ok.statusCode, 200);
      assert.equal(await services.auth.revokeToken(made.tokenId, { accountId: null }), true);
      const before = await arrangementCount();
      for (const authorization of [
        `Bearer ${made.token}`,
        `Bearer jtk_${'x'.repeat(43)}`,
        'Bearer not-a-token',
        `Basic ${Buffer.from('a:b').toString('base64')}`,
      ]) {
        const response = await jsonPost(
          '/api/v1/organisations/exeter/arrangements',
          { authorization },
          arrangement(f.org.exeter),
        );
        assert.equal(response.statusCode, 401, authorization);
        assert.match(String(response.headers['www-authenticate']), /^Bearer/);
        assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
      }
      assert.equal(await arrangementCount(), before);
    });

    it('a token of a disabled account is refused, and a bad token is not passed over for the cookie', async () => {
      const made = await services.auth.createToken({
        email: 'officer.teignbridge@example.org',
        name: 'Leaver',
        createdBy: null,
      });
      const teignbridge = await signIn(app, 'officer.teignbridge@example.org', PASSWORD);
      const mixed = await jsonPost(
        '/api/v1/organisations/teignbridge/arrangements',
        { authorization: 'Bearer wrong', cookie: teignbridge.cookie, 'x-csrf-token': teignbridge.csrf },
        arrangement(f.org.teignbridge),
      );
      assert.equal(mixed.statusCode, 401);
      await withSystem(database.db, (tx) =>
        tx
          .updateTable('account')
          .set({ disabled_at: new Date() })
          .where('email', '=', 'officer.teignbridge@example.org')
          .execute(),
      );
      const response = await app.inject({
        method: 'GET',
        url: '/api/v1/organisations/teignbridge/arrangements',
        headers: { authorization: `Bearer ${made.token}` },
      });
      assert.equal(response.statusCode, 401);
      await withSystem(database.db, (tx) =>
        tx
          .updateTable('account')
          .set({ disabled_at: null })
          .where('email', '=', 'officer.teignbridge@example.org')
          .execute(),
      );
    });
  });

  describe('your account page', () => {
    it('makes a token shown once, which works, and revokes it', async () => {
      const session = await signIn(app, 'officer.cotswold@example.org', PASSWORD);
      const empty = await postForm(app, '/account/tokens', session, { _csrf: session.csrf, name: '  ' });
      assert.equal(empty.statusCode, 400);
      assert.match(empty.body, /govuk-error-summary/);
      const made = await postForm(app, '/account/tokens', session, { _csrf: session.csrf, name: 'Reports' });
      assert.equal(made.statusCode, 201);
      const token = /id="new-token">(jtk_[A-Za-z0-9_-]{43})</.exec(made.body)?.[1];
      assert.ok(token, 'the new token is shown');
      const page = await getPage(app, '/account', session);
      assert.doesNotMatch(page.body, new RegExp(token));
      assert.match(page.body, /Reports/);
      const api = () =>
        app.inject({
          method: 'GET',
          url: '/api/v1/organisations/cotswold/arrangements',
          headers: { authorization: `Bearer ${token}` },
        });
      assert.equal((await api()).statusCode, 200);
      const id = /action="\/account\/tokens\/(\d+)\/revoke"/.exec(page.body)?.[1];
      assert.ok(id);
      // Nobody else can revoke it from their own page.
      const other = await signIn(app, 'officer.exeter@example.org', PASSWORD);
      assert.equal(
        (await postForm(app, `/account/tokens/${id}/revoke`, other, { _csrf: other.csrf })).statusCode,
        404,
      );
      assert.equal((await api()).statusCode, 200);
      const revoked = await postForm(app, `/account/tokens/${id}/revoke`, session, {
        _csrf: csrfTokenIn(page.body),
      });
      assert.equal(revoked.statusCode, 303);
      assert.equal((await api()).statusCode, 401);
    });
  });

  describe('ending sessions', () => {
    it("a partnership administrator sees and ends the sessions of their members' people", async () => {
      const exeter = await signIn(app, 'officer.exeter@example.org', PASSWORD);
      const cotswold = await signIn(app, 'officer.cotswold@example.org', PASSWORD);
      const admin = await signIn(app, 'admin.devon@example.org', PASSWORD);
      const page = await getPage(app, '/sessions', admin);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /officer\.exeter@example\.org/);
      assert.doesNotMatch(page.body, /officer\.cotswold@example\.org/);
      const adminPrincipal = await services.auth.principal(await accountId('admin.devon@example.org'));
      const sessions = await services.auth.sessionsManagedBy(adminPrincipal!);
      // The newest Exeter session is the one signed in just above.
      const target = sessions!
        .filter((s) => s.email === 'officer.exeter@example.org')
        .reduce((a, b) => (a.sessionId > b.sessionId ? a : b));
      assert.equal((await getPage(app, '/account', exeter)).statusCode, 200);
      // Ending a session outside the partnership is refused as if it did not exist.
      const outside = (await services.auth.liveSessions()).find(
        (s) => s.email === 'officer.cotswold@example.org',
      )!;
      const refused = await postForm(app, `/sessions/${outside.sessionId}/end`, admin, { _csrf: admin.csrf });
      assert.equal(refused.statusCode, 404);
      assert.equal((await getPage(app, '/account', cotswold)).statusCode, 200);
      const ended = await postForm(app, `/sessions/${target.sessionId}/end`, admin, { _csrf: admin.csrf });
      assert.equal(ended.statusCode, 303);
      assert.equal((await getPage(app, '/account', exeter)).statusCode, 303);
      const audit = await withSystem(database.db, (tx) =>
        tx
          .selectFrom('audit_log')
          .select(['org_id', 'account_id'])
          .where('entity_type', '=', 'account_session')
          .where('entity_key', '=', String(target.sessionId))
          .execute(),
      );
      assert.deepEqual(audit, [
        { org_id: f.org.exeter, account_id: await accountId('admin.devon@example.org') },
      ]);
    });

    it('an officer may not see or end sessions', async () => {
      const officer = await signIn(app, 'officer.teignbridge@example.org', PASSWORD);
      assert.equal((await getPage(app, '/sessions', officer)).statusCode, 403);
      const any = (await services.auth.liveSessions())[0]!;
      assert.equal(
        (await postForm(app, `/sessions/${any.sessionId}/end`, officer, { _csrf: officer.csrf })).statusCode,
        403,
      );
      assert.equal((await getPage(app, '/sessions')).statusCode, 303);
    });
  });

  const accountId = async (email: string) =>
    (
      await withSystem(database.db, (tx) =>
        tx.selectFrom('account').select('account_id').where('email', '=', email).executeTakeFirstOrThrow(),
      )
    ).account_id;
});
