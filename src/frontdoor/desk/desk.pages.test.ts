import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { openTestDatabase } from '../../../test/support/database.ts';
import { addTestPartnership } from '../../../test/support/fixtures.ts';
import {
  buildTestApp,
  csrfTokenIn,
  getPage,
  orgIdsBySlug,
  postForm,
  signIn,
  type Session,
} from '../../../test/support/app.ts';
import type { Database } from '../../db/engine.ts';
import { RESIDENT } from '../cases/case-actor.ts';
import { withSystem } from '../../db/context.ts';
import type { AppServices } from '../../app/services.ts';

const PASSWORD = 'a long enough password for tests';

describe('case desk pages', () => {
  let database: Database;
  let app: FastifyInstance;
  let services: AppServices;
  const org: Record<string, number> = {};
  let exeter: Session;
  let teignbridge: Session;
  let reference: string;

  const get = (url: string, session?: Session) => getPage(app, url, session);
  const post = (url: string, session: Session, form: Record<string, string>) =>
    postForm(app, url, session, form);

  before(async () => {
    database = await openTestDatabase({ data: 'reference' });
    ({ app, services } = await buildTestApp(database));
    Object.assign(org, await orgIdsBySlug(database.db, ['exeter', 'teignbridge', 'devon', 'rugby']));
    // Devon, Exeter and Teignbridge work together; Rugby is in none of their partnerships.
    await withSystem(database.db, (tx) =>
      addTestPartnership(tx, 'test-devon', 'Test Devon partnership', [
        org.devon!,
        org.exeter!,
        org.teignbridge!,
      ]),
    );
    for (const [email, orgId] of [
      ['officer.exeter@example.org', org.exeter!],
      ['officer.teignbridge@example.org', org.teignbridge!],
    ] as const) {
      await services.auth.createAccount({
        email,
        displayName: email.split('@')[0]!,
        password: PASSWORD,
        grants: [{ orgId, role: 'officer', partnershipId: null, lgslCodes: null }],
      });
    }
    exeter = await signIn(app, 'officer.exeter@example.org', PASSWORD);
    teignbridge = await signIn(app, 'officer.teignbridge@example.org', PASSWORD);
    const opened = await services.cases.intake(RESIDENT, {
      lgslCode: 524,
      postcode: 'EX1 1AE',
      description: 'Bins not collected on Tuesday.',
      reporterName: 'Pat Resident',
      reporterEmail: 'pat@example.org',
      channel: 'phone',
    });
    assert.ok(opened.outcome === 'opened');
    reference = opened.case.reference;
  });
  after(async () => {
    await app?.close();
    await database?.close();
  });

  it('sends someone not signed in to sign in', async () => {
    const response = await get('/desk');
    assert.equal(response.statusCode, 303);
    assert.match(String(response.headers.location), /^\/sign-in\?returnTo=%2Fdesk/);
  });

  it('gives someone working for two councils a queue per team, and lists one team’s cases', async () => {
    await services.auth.createAccount({
      email: 'agent.both@example.org',
      displayName: 'Agent for both',
      password: PASSWORD,
      grants: [
        { orgId: org.exeter!, role: 'agent', partnershipId: null, lgslCodes: null },
        { orgId: org.teignbridge!, role: 'agent', partnershipId: null, lgslCodes: null },
      ],
    });
    const agent = await signIn(app, 'agent.both@example.org', PASSWORD);
    const theirs = await services.cases.intake(RESIDENT, {
      lgslCode: 524,
      postcode: 'EX2',
      chooseOrgId: org.teignbridge!,
      description: 'Bins not collected in Alphington.',
      channel: 'phone',
    });
    assert.ok(theirs.outcome === 'opened');
    const page = await get('/desk', agent);
    assert.equal(page.statusCode, 200);
    const teams = [
      ...page.body.matchAll(/team=(\d+)&state=open">Household waste collection<\/a><br><span[^>]*>([^<]+)</g),
    ];
    assert.deepEqual(
      teams.map((m) => [Number(m[1]), m[2]]),
      [
        [org.exeter, 'Exeter City Council'],
        [org.teignbridge, 'Teignbridge District Council'],
      ],
    );
    const one = await get(`/desk?service=524&team=${org.teignbridge}&state=open`, agent);
    assert.match(one.body, /1 case for the team at Teignbridge District Council/);
    assert.match(one.body, new RegExp(theirs.case.reference));
    assert.ok(!one.body.includes(reference), 'Exeter’s case is not in Teignbridge’s queue');
    // A team the person cannot see lists nothing.
    const other = await get(`/desk?team=${org.devon}&state=all`, exeter);
    assert.match(other.body, /0 cases/);
  });

  it('shows an officer their council’s queue with counts, and finds a case by reference', async () => {
    const page = await get('/desk', exeter);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, new RegExp(reference));
    assert.match(page.body, /Household waste collection/);
    const found = await get(`/desk?q=${reference.toLowerCase()}`, exeter);
    assert.match(found.body, /1 case</);
  });

  it('finds a finished case by its reference when the search names no state', async () => {
    const opened = await services.cases.intake(RESIDENT, {
      lgslCode: 524,
      postcode: 'EX1 1AE',
      description: 'Bin collected late, now sorted.',
      reporterName: 'Sam Resident',
      reporterEmail: 'sam@example.org',
      channel: 'web',
    });
    assert.ok(opened.outcome === 'opened');
    const finished = opened.case.reference;
    await sql`UPDATE service_case SET status = 'fixed', closed_at = now() WHERE reference = ${finished}`.execute(
      database.db,
    );
    const found = await get(`/desk?q=${finished}`, exeter);
    assert.equal(found.statusCode, 200);
    assert.match(found.body, /1 case</);
    assert.ok(found.body.includes(finished));
    // Asked for cases in hand only, the finished one is not among them.
    const inHand = await get(`/desk?q=${finished}&state=open`, exeter);
    assert.ok(!inHand.body.includes(`>${finished}<`), 'not among the cases in hand');
  });

  it('refuses a search longer than 100 characters on its field, keeping what was typed', async () => {
    const words = 'bins '.repeat(30).trim();
    const page = await get(`/desk?q=${encodeURIComponent(words)}`, exeter);
    assert.equal(page.statusCode, 400);
    assert.match(page.body, /<title>Error: Cases/);
    assert.match(page.body, /href="#q">Find a case must be 100 characters or fewer \(you entered 149\)/);
    assert.match(page.body, /id="q-error"/);
    assert.ok(page.body.includes(`value="${words}"`), 'the search comes back whole');
  });

  it('shows the case with the resident’s details, and records that they were seen', async () => {
    const page = await get(`/desk/cases/${org.exeter}/${reference}`, exeter);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /pat@example\.org/);
    assert.match(page.body, /Change the status/);
    const views = await database.db
      .selectFrom('audit_log')
      .select('entity_key')
      .where('action', '=', 'view')
      .where('entity_key', '=', reference)
      .execute();
    assert.ok(views.length >= 1);
  });

  it('changes the status, refuses a change made against an old version, and keeps what was typed', async () => {
    const page = await get(`/desk/cases/${org.exeter}/${reference}`, exeter);
    const csrf = csrfTokenIn(page.body);
    const changed = await post(`/desk/cases/${org.exeter}/${reference}/status`, exeter, {
      _csrf: csrf,
      version: '1',
      status: 'investigating',
      publicNote: 'We are checking the crew’s round.',
    });
    assert.equal(changed.statusCode, 303);
    const after = await get(String(changed.headers.location), exeter);
    assert.match(after.body, /Status changed\./);
    const stale = await post(`/desk/cases/${org.exeter}/${reference}/status`, exeter, {
      _csrf: csrf,
      version: '1',
      status: 'fixed',
      publicNote: 'Collected today.',
    });
    assert.equal(stale.statusCode, 409);
    assert.match(stale.body, /There is a problem/);
    assert.match(stale.body, /Someone else changed this case/);
    assert.match(stale.body, /Collected today\./);
  });

  it('refuses a form without its CSRF token', async () => {
    const response = await post(`/desk/cases/${org.exeter}/${reference}/notes`, exeter, { body: 'x' });
    assert.equal(response.statusCode, 403);
  });

  it('starts the status list at the current status, and shows the front door that took the case', async () => {
    const page = await get(`/desk/cases/${org.exeter}/${reference}`, exeter);
    const select = /<select[^>]*id="status"[^>]*>([\s\S]*?)<\/select>/.exec(page.body)![1]!;
    const options = [...select.matchAll(/<option value="([a-z_]+)"( selected)?/g)];
    assert.equal(options[0]![1], 'investigating', 'the first choice is where the case is now');
    assert.equal(options[0]![2], ' selected');
    assert.ok(!options.some((o) => o[1] === 'open'), 'a case in hand cannot go back to open');
    assert.match(page.body, /Front door that took it\s*<\/dt>\s*<dd[^>]*>\s*Exeter City Council/);
  });

  it('refuses a referral to a council that is not a partner nor named by the register, and changes nothing', async () => {
    const page = await get(`/desk/cases/${org.exeter}/${reference}`, exeter);
    assert.ok(!page.body.includes(`value="${org.rugby}"`), 'Rugby is not offered');
    assert.match(page.body, new RegExp(`<option value="${org.devon}">Devon County Council – Partner in`));
    const version = /name="version" value="(\d+)"/.exec(page.body)![1]!;
    const refused = await post(`/desk/cases/${org.exeter}/${reference}/referral`, exeter, {
      _csrf: csrfTokenIn(page.body),
      version,
      toOrgId: String(org.rugby),
      reason: 'Sending it to Rugby.',
      residentMessage: '',
    });
    assert.equal(refused.statusCode, 400);
    assert.match(refused.body, /There is a problem/);
    assert.match(refused.body, /Rugby Borough Council is not a partner of Exeter City Council/);
    assert.match(refused.body, /Sending it to Rugby\./, 'what was typed is kept');
    const rows = await database.db
      .selectFrom('service_case')
      .select(['org_id', 'status', 'version'])
      .where('reference', '=', reference)
      .execute();
    assert.deepEqual(rows, [{ org_id: org.exeter, status: 'investigating', version: Number(version) }]);
  });

  it('refers the case to the county, who then hold it under the same reference', async () => {
    const page = await get(`/desk/cases/${org.exeter}/${reference}`, exeter);
    const version = /name="version" value="(\d+)"/.exec(page.body)![1]!;
    const empty = await post(`/desk/cases/${org.exeter}/${reference}/referral`, exeter, {
      _csrf: csrfTokenIn(page.body),
      version,
      toOrgId: '',
      reason: '',
    });
    assert.equal(empty.statusCode, 400);
    assert.match(empty.body, /Choose who the case belongs to/);
    const before = await services.cases.track(reference);
    const referred = await post(`/desk/cases/${org.exeter}/${reference}/referral`, exeter, {
      _csrf: csrfTokenIn(page.body),
      version,
      toOrgId: String(org.devon),
      reason: 'The verge is the county’s: inspector’s note 14.',
      residentMessage: 'The county’s highways team will be in touch.',
    });
    assert.equal(referred.statusCode, 303);
    const tracked = await services.cases.track(reference);
    assert.equal(tracked.responsible.name, 'Devon County Council');
    assert.equal(tracked.openedAt, before.openedAt, 'the reported time does not change');
    // The resident's page: the message for them once, the reason for staff never.
    const track = await get(`/track/${reference}`);
    assert.equal(track.statusCode, 200);
    assert.equal(track.body.split('The county’s highways team will be in touch.').length - 1, 1);
    assert.ok(!track.body.includes('inspector’s note 14'));
    const api = await app.inject({ method: 'GET', url: `/api/v1/cases/${reference}` });
    assert.equal(api.statusCode, 200);
    assert.ok(!api.body.includes('inspector’s note 14'));
    assert.equal(api.body.split('will be in touch.').length - 1, 1);
    // Staff at the county see the reason, as staff only, and the front door that took it.
    const devonOfficer = await services.auth.createAccount({
      email: 'officer.devon@example.org',
      displayName: 'Devon officer',
      password: PASSWORD,
      grants: [{ orgId: org.devon!, role: 'officer', partnershipId: null, lgslCodes: null }],
    });
    assert.ok(devonOfficer);
    const devon = await signIn(app, 'officer.devon@example.org', PASSWORD);
    const atDevon = await get(`/desk/cases/${org.devon}/${reference}`, devon);
    assert.equal(atDevon.statusCode, 200);
    assert.match(
      atDevon.body,
      /Staff only<\/p>\s*<p class="govuk-body">Referred by Exeter City Council: The verge is the county’s: inspector’s note 14\./,
    );
    assert.match(atDevon.body, /Front door that took it\s*<\/dt>\s*<dd[^>]*>\s*Exeter City Council/);
  });

  it('shows another council’s officer nothing of the case', async () => {
    assert.equal((await get(`/desk/cases/${org.exeter}/${reference}`, teignbridge)).statusCode, 404);
    const queue = await get(`/desk?q=${reference}&state=all`, teignbridge);
    assert.match(queue.body, />0 cases</);
    assert.doesNotMatch(queue.body, new RegExp(`href="/desk/cases/[0-9]+/${reference}"`));
  });
  it('keeps an officer granted only waste services away from a fly-tipping case: page, notes, referral, queue, search and outbox', async () => {
    await services.auth.createAccount({
      email: 'waste.exeter@example.org',
      displayName: 'Waste officer',
      password: PASSWORD,
      grants: [{ orgId: org.exeter!, role: 'officer', partnershipId: null, lgslCodes: [524] }],
    });
    const waste = await signIn(app, 'waste.exeter@example.org', PASSWORD);
    const opened = await services.cases.intake(RESIDENT, {
      lgslCode: 587,
      postcode: 'EX1 1AE',
      description: 'Mattresses dumped in the lane.',
      reporterName: 'Fiona Flytip',
      reporterEmail: 'fiona@example.org',
      channel: 'web',
    });
    assert.ok(opened.outcome === 'opened');
    const ref = opened.case.reference;
    const url = `/desk/cases/${org.exeter}/${ref}`;
    // The council's officer without a service list sees it.
    assert.equal((await get(url, exeter)).statusCode, 200);
    const page = await get(url, waste);
    assert.equal(page.statusCode, 404);
    assert.ok(!page.body.includes('fiona@example.org'));
    const desk = await get('/desk', waste);
    const form = { _csrf: waste.csrf, version: '1' };
    for (const [action, fields] of [
      ['notes', { body: 'Seen it.', visibility: 'internal' }],
      ['referral', { toOrgId: String(org.devon), reason: 'County’s.', residentMessage: '' }],
      ['status', { status: 'investigating' }],
    ] as const) {
      const response = await post(`${url}/${action}`, waste, { ...form, ...fields });
      assert.equal(response.statusCode, 404, action);
    }
    const events = await database.db
      .selectFrom('case_event')
      .select('event_id')
      .where('org_id', '=', org.exeter!)
      .where('body', 'in', ['Seen it.'])
      .execute();
    assert.deepEqual(events, []);
    assert.equal(desk.statusCode, 200);
    assert.ok(!desk.body.includes(ref), 'not in the queue');
    assert.ok(!desk.body.includes('Flytipping'), 'no fly-tipping team in the counts');
    assert.ok((await get('/desk', exeter)).body.includes('Flytipping'));
    const search = await get(`/desk?q=${encodeURIComponent('Fiona Flytip')}&state=all`, waste);
    assert.match(search.body, />0 cases</);
    const outbox = await get('/outbox', waste);
    assert.equal(outbox.statusCode, 200);
    assert.ok(!outbox.body.includes(ref), 'no message about the case in the outbox');
    assert.ok((await get('/outbox', exeter)).body.includes(ref));
    const message = await database.db
      .selectFrom('outbox_message')
      .select(['org_id', 'message_id'])
      .where('case_reference', '=', ref)
      .where('channel', '=', 'email')
      .executeTakeFirstOrThrow();
    const messagePage = await get(`/outbox/${message.org_id}/${message.message_id}`, waste);
    assert.equal(messagePage.statusCode, 404);
    assert.ok(!messagePage.body.includes('fiona@example.org'));
    // The name search was recorded: who searched, for what.
    const searches = await database.db
      .selectFrom('audit_log as a')
      .innerJoin('account as u', 'u.account_id', 'a.account_id')
      .select(['a.org_id', 'u.email', 'a.after'])
      .where('a.action', '=', 'search')
      .where('u.email', '=', 'waste.exeter@example.org')
      .execute();
    assert.deepEqual(searches, [
      { org_id: org.exeter, email: 'waste.exeter@example.org', after: { search: 'Fiona Flytip', found: 0 } },
    ]);
  });
});
