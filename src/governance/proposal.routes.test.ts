/**
 * The proposals API: the documented shape for the demo's Integrated Devon proposal, to anyone
 * signed out; a draft is a 404 to the public and readable by a council it asks; a decision is
 * recorded only by the council's own democratic services officer, with a token or the CSRF token,
 * and every refusal writes nothing; no parameter gives a 500.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { openTestDatabase } from '../../test/support/database.ts';
import { rowCount } from '../../test/support/rows.ts';
import { buildTestApp, signIn, type Session } from '../../test/support/app.ts';
import type { Database } from '../db/engine.ts';
import type { AppServices } from '../app/services.ts';
import { NOBODY } from './governance-actor.ts';
import type { ProposalJson } from './proposal.schemas.ts';
import { XMLParser } from 'fast-xml-parser';

const PASSWORD = 'a long test password for proposals';
const TEIGNBRIDGE = 'E07000045';
const WEST_DEVON = 'E07000047';
const SOUTH_HAMS = 'E07000044';

describe('the proposals API', () => {
  let database: Database;
  let app: FastifyInstance;
  let services: AppServices;
  let devonProposal: ProposalJson;
  const sessions: Record<string, Session> = {};
  const org = new Map<string, number>();
  const bodyOf = new Map<string, number>();

  const get = (url: string, session?: Session) =>
    app.inject({ method: 'GET', url, headers: session ? { cookie: session.cookie } : {} });
  const post = (url: string, session: Session | undefined, body: unknown, csrf = true) =>
    app.inject({
      method: 'POST',
      url,
      headers: session ? { cookie: session.cookie, ...(csrf ? { 'x-csrf-token': session.csrf } : {}) } : {},
      payload: body as Record<string, unknown>,
    });
  const decisions = () => rowCount(database, 'proposal_decision');

  before(async () => {
    database = await openTestDatabase({ data: 'demo' });
    const built = await buildTestApp(database);
    app = built.app;
    services = built.services;
    for (const gss of [TEIGNBRIDGE, WEST_DEVON, SOUTH_HAMS]) {
      const orgId = (await services.register.organisation(gss)).orgId;
      org.set(gss, orgId);
      const email = `clerk.${gss.toLowerCase()}@example.org`;
      await services.auth.createAccount({
        email,
        displayName: email,
        password: PASSWORD,
        grants: [{ orgId, role: 'clerk', partnershipId: null, lgslCodes: null }],
      });
      sessions[gss] = await signIn(app, email, PASSWORD);
    }
    for (const b of await services.governance.bodies([...org.values()])) {
      if (b.kind !== 'full_council') bodyOf.set([...org].find(([, id]) => id === b.orgId)![0], b.bodyId);
    }
    const listed = await get('/api/v1/proposals?partnership=integrated-devon');
    devonProposal = (listed.json() as { proposals: ProposalJson[] }).proposals[0]!;
  });
  after(async () => {
    await app?.close();
    await database?.close();
  });

  it("lists a partnership's proposals in the documented shape, to anyone", async () => {
    const response = await get('/api/v1/proposals?partnership=integrated-devon');
    assert.equal(response.statusCode, 200);
    const { proposals } = response.json() as { proposals: ProposalJson[] };
    assert.equal(proposals.length, 1);
    const p = proposals[0]!;
    assert.equal(p.partnership, 'integrated-devon');
    assert.equal(p.state, 'awaiting_decisions');
    assert.equal(p.effective_from, '2027-04-01');
    assert.match(p.id, /^[0-9a-f-]{36}$/);
    assert.deepEqual(
      p.changes.map((c) => [c.gss, c.lgsl]),
      [TEIGNBRIDGE, SOUTH_HAMS, WEST_DEVON].map((g) => [g, 860]),
    );
    for (const c of p.changes) {
      assert.match(c.from, /^Retained in-house: .+, per district$/);
      assert.match(c.to, /Teignbridge District Council, per cluster \(Integrated Devon: South cluster/);
    }
    const byCouncil = Object.fromEntries(p.approvals.map((a) => [a.gss, [a.body, a.decision, a.decided_on]]));
    assert.deepEqual(byCouncil, {
      [TEIGNBRIDGE]: ['Executive', null, null],
      [SOUTH_HAMS]: ['Executive', 'approved', '2026-11-19'],
      [WEST_DEVON]: ['Hub Committee', null, null],
    });
    const one = await get(`/api/v1/proposals/${p.id}`);
    assert.equal(one.statusCode, 200);
    assert.deepEqual(one.json(), p);
  });

  it('answers a bad or unknown parameter with a 400 or 404, never a 500', async () => {
    for (const [url, status] of [
      ['/api/v1/proposals', 400],
      ['/api/v1/proposals?partnership=', 400],
      ['/api/v1/proposals?partnership=No%20Such', 400],
      [`/api/v1/proposals?partnership=${'a'.repeat(101)}`, 400],
      ['/api/v1/proposals?partnership=no-such-partnership', 404],
      ['/api/v1/proposals?partnership=integrated-devon&extra=kept', 200],
      ['/api/v1/proposals/not-a-uuid', 400],
      ['/api/v1/proposals/00000000-0000-4000-8000-000000000000', 404],
      ['/api/v1/proposals/%00', 400],
    ] as const) {
      const response = await get(url);
      assert.equal(response.statusCode, status, `${url}: ${response.body}`);
    }
  });

  it('keeps a draft from the public and shows it to a council it asks', async () => {
    const devon = (await services.register.partnership('integrated-devon')).partnershipId;
    const keeper = { ...NOBODY, keeps: [{ partnershipId: devon, orgId: org.get(TEIGNBRIDGE)! }] };
    const draft = await services.governance.create(keeper, 'integrated-devon', {
      title: 'A draft for West Devon',
      effectiveFrom: '2030-04-01',
      changes: [
        {
          orgId: org.get(WEST_DEVON)!,
          lgslCode: 608,
          mode: 'lead_authority',
          level: 'district',
          providerOrgId: org.get(TEIGNBRIDGE)!,
        },
      ],
      approvals: [{ orgId: org.get(WEST_DEVON)!, bodyId: bodyOf.get(WEST_DEVON)! }],
    });
    assert.equal((await get(`/api/v1/proposals/${draft.id}`)).statusCode, 404);
    assert.equal((await get(`/api/v1/proposals/${draft.id}`, sessions[SOUTH_HAMS])).statusCode, 404);
    const asked = await get(`/api/v1/proposals/${draft.id}`, sessions[WEST_DEVON]);
    assert.equal(asked.statusCode, 200);
    assert.equal((asked.json() as ProposalJson).state, 'draft');
    const publicList = (await get('/api/v1/proposals?partnership=integrated-devon')).json() as {
      proposals: ProposalJson[];
    };
    assert.ok(!publicList.proposals.some((p) => p.id === draft.id));
  });

  it("records a decision only by the council's own officer, and writes nothing when refused", async () => {
    const url = `/api/v1/proposals/${devonProposal.id}/decisions`;
    const body = {
      gss: TEIGNBRIDGE,
      body_id: bodyOf.get(TEIGNBRIDGE)!,
      decision: 'approved',
      decided_on: '2026-11-26',
      minute: 'EX/26/113',
      client_reference: 'kept and ignored',
    };
    const before = await decisions();
    assert.equal((await post(url, undefined, body)).statusCode, 401);
    assert.equal((await post(url, sessions[WEST_DEVON], body)).statusCode, 403, 'another council');
    assert.equal((await post(url, sessions[TEIGNBRIDGE], body, false)).statusCode, 403, 'no CSRF token');
    const bad = await post(url, sessions[TEIGNBRIDGE], {
      ...body,
      decision: 'perhaps',
      decided_on: '2026-13-01',
    });
    assert.equal(bad.statusCode, 400);
    const fields = (bad.json() as { errors: Array<{ field: string }> }).errors.map((e) => e.field).sort();
    assert.deepEqual(fields, ['decidedOn', 'decision']);
    assert.equal((await post(url, sessions[TEIGNBRIDGE], { ...body, gss: 'E99999999' })).statusCode, 404);
    assert.equal((await post(url, sessions[TEIGNBRIDGE], { ...body, body_id: 'x' })).statusCode, 400);
    assert.equal(await decisions(), before);

    const done = await post(url, sessions[TEIGNBRIDGE], body);
    assert.equal(done.statusCode, 201, done.body);
    const p = done.json() as ProposalJson;
    assert.equal(p.approvals.find((a) => a.gss === TEIGNBRIDGE)?.decision, 'approved');
    assert.equal(p.state, 'awaiting_decisions');
    assert.match(p.waiting_for ?? '', /West Devon Borough Council \(Hub Committee\)\.$/);
    assert.equal(await decisions(), before + 1);
  });

  it("publishes councils' decisions on the partnership's proposals as an Atom feed, drafts never", async () => {
    const response = await get('/partnerships/integrated-devon/decisions.atom');
    assert.equal(response.statusCode, 200);
    assert.match(response.headers['content-type'] as string, /^application\/atom\+xml/);
    const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@' }).parse(response.body);
    const entries = [xml.feed.entry].flat() as Array<{
      title: string;
      id: string;
      updated: string;
      summary: string;
    }>;
    assert.deepEqual(
      entries.map((e) => e.title.split(':')[0]),
      ['Teignbridge District Council Executive approved', 'South Hams District Council Executive approved'],
      'newest first, and nothing of the draft',
    );
    assert.match(entries[0]!.summary, /on 2026-11-26 \(minute EX\/26\/113\)/);
    assert.match(entries[0]!.id, new RegExp(`/proposals/${devonProposal.id}#decision-\\d+$`));
    assert.equal(xml.feed.updated, entries[0]!.updated);
    assert.equal((await get('/partnerships/no-such/decisions.atom')).statusCode, 404);
    assert.equal((await get('/partnerships/Bad%20Slug/decisions.atom')).statusCode, 400);
  });

  it("publishes each council's decisions, and what waits for its decision, as a page and a feed", async () => {
    const southHams = await get(`/organisations/${SOUTH_HAMS}/decisions`);
    assert.equal(southHams.statusCode, 200);
    assert.match(southHams.body, /E\.52\/26 \(illustrative\)/);
    assert.match(southHams.body, /<td class="govuk-table__cell">Approved<\/td>/);
    assert.doesNotMatch(southHams.body, /Waiting for a decision of/);
    const westDevon = await get('/organisations/west-devon/decisions');
    assert.match(westDevon.body, /Waiting for a decision of West Devon Borough Council/);
    assert.match(westDevon.body, /has recorded no decision on a published proposal/);
    assert.doesNotMatch(westDevon.body, /A draft for West Devon/, 'drafts are not published');
    const feed = await get(`/organisations/${TEIGNBRIDGE}/decisions.atom`);
    const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@' }).parse(feed.body);
    const entries = [xml.feed.entry].flat() as Array<{ title: string }>;
    assert.deepEqual(
      entries.map((e) => e.title.split(':')[0]),
      ['Teignbridge District Council Executive approved'],
      "only the council's own decisions",
    );
    assert.equal((await get('/organisations/E99999999/decisions')).statusCode, 404);
    assert.equal((await get('/organisations/%3Cscript%3E/decisions')).statusCode, 400);
  });
});
