import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { openTestDatabase } from '../../test/support/database.ts';
import {
  buildTestApp,
  csrfTokenIn,
  getPage,
  orgIdsBySlug,
  postForm,
  signIn,
  type Session,
} from '../../test/support/app.ts';
import type { Database } from '../db/engine.ts';
import { importAllReferenceData } from '../app/import.command.ts';
import { silentProgress } from '../platform/import/progress.ts';
import { RESIDENT } from './case-actor.ts';
import type { AppServices } from '../app/services.ts';

const DATA = path.resolve(process.env.JOINTLY_REFERENCE_DATA ?? '../shared/data');
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
    database = await openTestDatabase();
    await importAllReferenceData(database.db, DATA, silentProgress);
    ({ app, services } = await buildTestApp(database));
    Object.assign(org, await orgIdsBySlug(database.db, ['exeter', 'teignbridge', 'devon']));
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
    const referred = await post(`/desk/cases/${org.exeter}/${reference}/referral`, exeter, {
      _csrf: csrfTokenIn(page.body),
      version,
      toOrgId: String(org.devon),
      reason: 'The verge is the county’s.',
    });
    assert.equal(referred.statusCode, 303);
    const tracked = await services.cases.track(reference);
    assert.equal(tracked.responsible.name, 'Devon County Council');
  });

  it('shows another council’s officer nothing of the case', async () => {
    assert.equal((await get(`/desk/cases/${org.exeter}/${reference}`, teignbridge)).statusCode, 404);
    const queue = await get(`/desk?q=${reference}&state=all`, teignbridge);
    assert.match(queue.body, />0 cases</);
    assert.doesNotMatch(queue.body, new RegExp(`href="/desk/cases/[0-9]+/${reference}"`));
  });
});
