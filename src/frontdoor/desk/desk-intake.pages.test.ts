import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { openTestDatabase } from '../../../test/support/database.ts';
import {
  buildTestApp,
  getPage,
  hiddenFields,
  orgIdsBySlug,
  postForm,
  signIn,
  type Session,
} from '../../../test/support/app.ts';
import type { Database } from '../../db/engine.ts';
import { withSystem } from '../../db/context.ts';
import type { AppServices } from '../../app/services.ts';
import { linksFrom } from '../information/service-information.ts';

const PASSWORD = 'a long enough password for tests';
const HOUSEHOLD_WASTE = '524'; // district tier: Exeter at EX1 1AE
const STREET_LIGHTING = '564'; // county tier: Devon at EX1 1AE
const PEST_CONTROL = '431';

/** The fields the error summary links to, in its order. */
function summaryFields(html: string): string[] {
  const summary = /<ul class="govuk-list govuk-error-summary__list">([\s\S]*?)<\/ul>/.exec(html);
  return summary ? [...summary[1]!.matchAll(/href="#([^"]+)"/g)].map((m) => m[1]!) : [];
}

const PHONE_CALL = {
  service: STREET_LIGHTING,
  postcode: 'ex1 1ae',
  address: 'Outside 3 Queen Street',
  description: 'The street light outside number 3 has been out for a week.',
  channel: 'phone',
  accessPoint: '',
  reporterName: 'Pat Caller',
  reporterEmail: 'pat.caller@example.org',
  reporterPhone: '',
  resolved: 'no',
  resolution: '',
  action: 'create',
};

describe('taking a request at the desk', () => {
  let database: Database;
  let app: FastifyInstance;
  let services: AppServices;
  const org: Record<string, number> = {};
  let agent: Session;
  let twoDoors: Session;
  let councillor: Session;
  let devonOfficer: Session;

  const get = (url: string, session?: Session) => getPage(app, url, session);
  const post = (url: string, session: Session, form: Record<string, string>) =>
    postForm(app, url, session, form);
  const count = async (table: 'service_case' | 'contact' | 'outbox_message') =>
    Number(
      (
        await database.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  /** Opens the form as this person and sends it with these answers. */
  async function take(session: Session, answers: Record<string, string>) {
    const form = await get('/desk/new', session);
    assert.equal(form.statusCode, 200);
    const hidden = hiddenFields(form.body);
    const response = await post('/desk/new', session, { ...hidden, ...answers });
    return { hidden, response };
  }
  const caseAt = (location: string) => {
    const match = /^\/desk\/cases\/(\d+)\/([A-Z0-9-]+)\?done=created$/.exec(location);
    assert.ok(match, `a case page: ${location}`);
    return { orgId: Number(match[1]), reference: match[2]! };
  };

  before(async () => {
    database = await openTestDatabase({ data: 'reference' });
    ({ app, services } = await buildTestApp(database));
    Object.assign(org, await orgIdsBySlug(database.db, ['exeter', 'teignbridge', 'devon']));
    const accounts = [
      ['agent.exeter@example.org', 'Alex Agent', [{ orgId: org.exeter!, role: 'agent' }]],
      [
        'agent.two@example.org',
        'Jo Agent',
        [
          { orgId: org.exeter!, role: 'agent' },
          { orgId: org.teignbridge!, role: 'agent' },
        ],
      ],
      ['councillor.exeter@example.org', 'Cllr Exeter', [{ orgId: org.exeter!, role: 'councillor' }]],
      ['officer.devon@example.org', 'Dee Officer', [{ orgId: org.devon!, role: 'officer' }]],
    ] as const;
    for (const [email, displayName, grants] of accounts) {
      await services.auth.createAccount({
        email,
        displayName,
        password: PASSWORD,
        grants: grants.map((g) => ({ ...g, partnershipId: null, lgslCodes: null })),
      });
    }
    agent = await signIn(app, 'agent.exeter@example.org', PASSWORD);
    twoDoors = await signIn(app, 'agent.two@example.org', PASSWORD);
    councillor = await signIn(app, 'councillor.exeter@example.org', PASSWORD);
    devonOfficer = await signIn(app, 'officer.devon@example.org', PASSWORD);

    // Each council's own words about street lighting: the desk must show the responsible one's only.
    await withSystem(database.db, (tx) =>
      tx
        .insertInto('service_information')
        .values([
          {
            org_id: org.devon!,
            lgsl_code: 564,
            summary: 'Devon repairs faulty street lights within 7 days; urgent faults within 2 hours.',
            fees: 'Devon test fee: none for repairs.',
            links: JSON.stringify([
              { text: 'Devon test page', url: 'https://devon.example.org/street-lights' },
              { text: 'Not a web link', url: 'javascript:alert(1)' },
            ]),
          },
          {
            org_id: org.exeter!,
            lgsl_code: 564,
            summary: 'Exeter test text that must not be shown for Devon’s service.',
            fees: 'Exeter test fee: £99.',
          },
        ])
        .execute(),
    );
  });
  after(async () => {
    await app?.close();
    await database?.close();
  });

  it('sends someone signed out to sign in, and refuses a councillor', async () => {
    const signedOut = await get('/desk/new');
    assert.equal(signedOut.statusCode, 303);
    assert.match(String(signedOut.headers.location), /^\/sign-in\?returnTo=%2Fdesk%2Fnew/);
    assert.equal((await get('/desk/new', councillor)).statusCode, 403);
    const before = await count('service_case');
    const refused = await post('/desk/new', councillor, {
      _csrf: councillor.csrf,
      token: 'abcdefghijklmnopqrstuvwx',
      ...PHONE_CALL,
    });
    assert.equal(refused.statusCode, 403);
    assert.equal(await count('service_case'), before);
  });

  it('refuses a form without its CSRF token', async () => {
    const response = await post('/desk/new', agent, { ...PHONE_CALL, token: 'abcdefghijklmnopqrstuvwx' });
    assert.equal(response.statusCode, 403);
  });

  it('links to it from the desk, and shows every service, the staff channels and a token', async () => {
    const desk = await get('/desk', agent);
    assert.equal(desk.statusCode, 200);
    assert.match(desk.body, /href="\/desk\/new"[^>]*>\s*Take a request/);

    const page = await get('/desk/new', agent);
    assert.equal(page.statusCode, 200);
    assert.equal(page.headers['cache-control'], 'no-store');
    assert.match(page.body, /<option value="564"[^>]*>Street lighting \(LGSL 564\)<\/option>/);
    assert.match(page.body, /<option value="160"[^>]*>Adoption \(LGSL 160\)<\/option>/);
    assert.ok((page.body.match(/<option /g) ?? []).length > 500, 'the whole catalogue, not a short list');
    for (const channel of ['phone', 'face_to_face', 'email']) {
      assert.match(page.body, new RegExp(`name="channel" type="radio" value="${channel}"`));
    }
    for (const selfService of ['web', 'open311', 'kiosk', 'app']) {
      assert.doesNotMatch(page.body, new RegExp(`name="channel" type="radio" value="${selfService}"`));
    }
    assert.match(page.body, /data-maxlength="4000"/);
    assert.match(page.body, /Taken at Exeter City Council’s front door/);
    assert.doesNotMatch(page.body, /name="frontDoor"/);
    assert.match(hiddenFields(page.body).token ?? '', /^[A-Za-z0-9_-]{24}$/);

    const found = await get('/desk/new?find=street+light', agent);
    assert.match(found.body, /Street lighting \(LGSL 564\)/);
    assert.doesNotMatch(found.body, /Adoption \(LGSL 160\)/);
    assert.match(found.body, /value="street light"/);
  });

  it('opens a phone request for the county at an Exeter desk: the case is Devon’s, the contact Exeter’s', async () => {
    const before = await count('service_case');
    const { response } = await take(agent, PHONE_CALL);
    assert.equal(response.statusCode, 303);
    const { orgId, reference } = caseAt(String(response.headers.location));
    assert.equal(orgId, org.devon);
    assert.match(reference, /^DEV/);
    assert.equal(await count('service_case'), before + 1);

    const stored = await database.db
      .selectFrom('service_case')
      .select(['org_id', 'channel', 'status', 'contact_org_id', 'contact_id', 'reporter_email'])
      .where('reference', '=', reference)
      .executeTakeFirstOrThrow();
    assert.deepEqual(
      { ...stored, contact_id: typeof stored.contact_id },
      {
        org_id: org.devon,
        channel: 'phone',
        status: 'open',
        contact_org_id: org.exeter,
        contact_id: 'number',
        reporter_email: 'pat.caller@example.org',
      },
    );
    const contact = await database.db
      .selectFrom('contact')
      .select(['org_id', 'channel', 'access_point', 'resolved_at_first_contact', 'resident_name'])
      .where('org_id', '=', stored.contact_org_id!)
      .where('contact_id', '=', stored.contact_id!)
      .executeTakeFirstOrThrow();
    assert.deepEqual(contact, {
      org_id: org.exeter,
      channel: 'phone',
      access_point: null,
      resolved_at_first_contact: false,
      resident_name: 'Pat Caller',
    });

    // The agent who took it follows it at the desk, with the banner and the reference to give out.
    const page = await get(String(response.headers.location), agent);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, new RegExp(`Case ${reference} opened for Devon County Council`));
    assert.match(page.body, /Street lighting: received by telephone for Devon County Council\./);
    assert.match(page.body, /Alex Agent/);
    // Reading Devon's case is logged with the council that holds it and with the agent's own
    // council, whose front door raised it.
    const views = await database.db
      .selectFrom('audit_log')
      .select(['org_id'])
      .where('action', '=', 'view')
      .where('entity_key', '=', reference)
      .orderBy('org_id')
      .execute();
    assert.deepEqual(
      views,
      [{ org_id: org.devon }, { org_id: org.exeter }].sort((a, b) => a.org_id! - b.org_id!),
    );
    // And the county's officers have it in their queue.
    const queue = await get(`/desk?q=${reference}`, devonOfficer);
    assert.match(queue.body, new RegExp(`href="/desk/cases/${org.devon}/${reference}"`));
  });

  it('shows the responsible council’s own information for the service, never another council’s', async () => {
    const { response } = await take(agent, PHONE_CALL);
    const page = await get(String(response.headers.location), agent);
    assert.match(page.body, /What Devon County Council says about Street lighting/);
    assert.match(page.body, /Devon repairs faulty street lights within 7 days/);
    assert.match(page.body, /Devon test fee: none for repairs\./);
    assert.match(page.body, /<a class="govuk-link" href="https:\/\/devon\.example\.org\/street-lights"/);
    assert.doesNotMatch(page.body, /javascript:/);
    assert.doesNotMatch(page.body, /Exeter test/);

    // Before anything is opened, "Check the council’s information" shows the same, and opens nothing.
    const before = await count('service_case');
    const { response: checked } = await take(agent, { ...PHONE_CALL, description: '', action: 'check' });
    assert.equal(checked.statusCode, 200);
    assert.equal(await count('service_case'), before);
    assert.match(checked.body, /Devon County Council: Street lighting/);
    assert.match(checked.body, /Devon test fee: none for repairs\./);
    assert.doesNotMatch(checked.body, /Exeter test/);
    assert.doesNotMatch(checked.body, /There is a problem/, 'other answers are not checked yet');
    assert.match(checked.body, /value="Outside 3 Queen Street"/);

    // A council that has recorded nothing is named, and nothing is made up for it.
    const { response: none } = await take(agent, {
      ...PHONE_CALL,
      service: HOUSEHOLD_WASTE,
      action: 'check',
    });
    assert.equal(none.statusCode, 200);
    assert.match(none.body, /No information recorded by Exeter City Council for this service\./);
  });

  it('requires the access point for a face-to-face contact, and opens nothing without it', async () => {
    const before = [await count('service_case'), await count('contact')];
    const { response } = await take(agent, { ...PHONE_CALL, channel: 'face_to_face', accessPoint: '  ' });
    assert.equal(response.statusCode, 400);
    assert.deepEqual(summaryFields(response.body), ['accessPoint']);
    assert.match(response.body, /Enter the one-stop shop or access point where you met the person/);
    assert.match(response.body, /value="face_to_face" checked/);
    assert.match(response.body, /The street light outside number 3 has been out for a week\./);
    assert.deepEqual([await count('service_case'), await count('contact')], before);

    const { response: done } = await take(agent, {
      ...PHONE_CALL,
      channel: 'face_to_face',
      accessPoint: 'Exeter Civic Centre customer service centre',
    });
    assert.equal(done.statusCode, 303);
    const page = await get(String(done.headers.location), agent);
    assert.match(
      page.body,
      /received by face to face at Exeter Civic Centre customer service centre for Devon County Council/,
    );
  });

  it('opens one case when the same form is sent twice, and says so when it is sent again changed', async () => {
    const form = hiddenFields((await get('/desk/new', agent)).body);
    const before = await count('service_case');
    const [first, second] = await Promise.all([
      post('/desk/new', agent, { ...form, ...PHONE_CALL }),
      post('/desk/new', agent, { ...form, ...PHONE_CALL }),
    ]);
    assert.equal(first.statusCode, 303);
    assert.equal(second.statusCode, 303);
    assert.equal(second.headers.location, first.headers.location);
    assert.equal(await count('service_case'), before + 1);

    const changed = await post('/desk/new', agent, {
      ...form,
      ...PHONE_CALL,
      description: 'And the one opposite.',
    });
    assert.equal(changed.statusCode, 409);
    assert.match(changed.body, /This form has already opened a case with different answers/);
    assert.match(changed.body, /And the one opposite\./);
    assert.notEqual(hiddenFields(changed.body).token, form.token);
    assert.equal(await count('service_case'), before + 1);
  });

  it('asks which council area when the postcode could be two councils’, keeping every answer', async () => {
    const before = await count('service_case');
    const answers = {
      ...PHONE_CALL,
      service: HOUSEHOLD_WASTE,
      postcode: 'EX2',
      description: 'Bins not emptied on Tuesday.',
    };
    const { hidden, response } = await take(agent, answers);
    assert.equal(response.statusCode, 200);
    assert.match(response.body, /Which council area is the place in\?/);
    assert.match(response.body, new RegExp(`name="choose" type="radio" value="${org.exeter}"`));
    assert.match(response.body, new RegExp(`name="choose" type="radio" value="${org.teignbridge}"`));
    assert.match(response.body, /Bins not emptied on Tuesday\./);
    assert.match(response.body, /value="pat\.caller@example\.org"/);
    assert.match(response.body, /value="524" selected/);
    assert.equal(await count('service_case'), before, 'nothing is opened while the place is ambiguous');
    assert.equal(hiddenFields(response.body).token, hidden.token, 'the same form, the same token');

    const wrong = await post('/desk/new', agent, { ...hidden, ...answers, choose: String(org.devon) });
    assert.equal(wrong.statusCode, 400);
    assert.deepEqual(summaryFields(wrong.body), ['choose']);
    assert.equal(await count('service_case'), before);

    const chosen = await post('/desk/new', agent, { ...hidden, ...answers, choose: String(org.teignbridge) });
    assert.equal(chosen.statusCode, 303);
    const { orgId, reference } = caseAt(String(chosen.headers.location));
    assert.equal(orgId, org.teignbridge);
    assert.match(reference, /^TEI/);
    assert.equal(await count('service_case'), before + 1);
  });

  it('records a request resolved at first contact: closed, on the contact, and in the history', async () => {
    const missing = await take(agent, {
      ...PHONE_CALL,
      service: PEST_CONTROL,
      description: 'How much does a wasp nest treatment cost?',
      resolved: 'yes',
      resolution: ' ',
    });
    assert.equal(missing.response.statusCode, 400);
    assert.deepEqual(summaryFields(missing.response.body), ['resolution']);
    assert.match(missing.response.body, /Say what was done to resolve it/);
    assert.match(missing.response.body, /value="yes" checked/);

    const outboxBefore = await count('outbox_message');
    const { response } = await take(agent, {
      ...PHONE_CALL,
      service: PEST_CONTROL,
      description: 'How much does a wasp nest treatment cost?',
      resolved: 'yes',
      resolution: 'Explained the charge and how to book a treatment online.',
    });
    assert.equal(response.statusCode, 303);
    const { orgId, reference } = caseAt(String(response.headers.location));
    assert.equal(orgId, org.exeter);
    const stored = await database.db
      .selectFrom('service_case')
      .select(['status', 'closed_at', 'contact_org_id', 'contact_id'])
      .where('reference', '=', reference)
      .executeTakeFirstOrThrow();
    assert.equal(stored.status, 'closed');
    assert.ok(stored.closed_at);
    const contact = await database.db
      .selectFrom('contact')
      .select(['resolved_at_first_contact', 'notes'])
      .where('org_id', '=', stored.contact_org_id!)
      .where('contact_id', '=', stored.contact_id!)
      .executeTakeFirstOrThrow();
    assert.deepEqual(contact, {
      resolved_at_first_contact: true,
      notes: 'Explained the charge and how to book a treatment online.',
    });
    // The resident is told what was done; the service's team has nothing to do.
    const messages = await database.db
      .selectFrom('outbox_message')
      .select(['channel', 'template'])
      .where('case_reference', '=', reference)
      .execute();
    assert.deepEqual(messages, [{ channel: 'email', template: 'case_closed' }]);
    assert.equal(await count('outbox_message'), outboxBefore + 1);

    const page = await get(String(response.headers.location), agent);
    assert.match(page.body, /Resolved at first contact/);
    assert.match(
      page.body,
      /Dealt with when you got in touch: Explained the charge and how to book a treatment online\./,
    );
    const tracked = await services.cases.track(reference);
    assert.equal(tracked.status, 'closed');
    assert.ok(tracked.events.some((e) => e.kind === 'resolved_at_first_contact'));
  });

  it('shows every mistake in the error summary in the order of the form, keeps what was typed, opens nothing', async () => {
    const before = [await count('service_case'), await count('contact')];
    const { response } = await take(agent, {
      service: '',
      postcode: 'not a postcode',
      address: 'By the bus stop',
      description: 'x'.repeat(4001),
      channel: 'web',
      accessPoint: '',
      reporterName: 'Pat Caller',
      reporterEmail: 'pat at example',
      reporterPhone: 'call me',
      resolved: '',
      resolution: '',
      action: 'create',
    });
    assert.equal(response.statusCode, 400);
    assert.match(response.body, /<title>Error: Take a request/);
    assert.deepEqual(summaryFields(response.body), [
      'service',
      'postcode',
      'description',
      'channel',
      'reporterEmail',
      'reporterPhone',
      'resolved',
    ]);
    assert.match(response.body, /Select the service the request is about/);
    assert.match(response.body, /Description must be 4,000 characters or fewer/);
    assert.match(response.body, /Select how the person got in touch/);
    for (const kept of ['not a postcode', 'By the bus stop', 'pat at example', 'call me', 'x'.repeat(4001)]) {
      assert.ok(response.body.includes(kept), `keeps ${kept.slice(0, 20)}`);
    }
    assert.deepEqual([await count('service_case'), await count('contact')], before);

    const unknown = await take(agent, { ...PHONE_CALL, postcode: 'EX1 9ZZ' });
    assert.equal(unknown.response.statusCode, 400);
    assert.match(unknown.response.body, /We cannot find the postcode EX1 9ZZ/);
    assert.match(unknown.response.body, /value="EX1 9ZZ"/);
    const noService = await take(agent, { ...PHONE_CALL, service: '999999' });
    assert.equal(noService.response.statusCode, 400);
    assert.match(noService.response.body, /Select a service from the list/);
    assert.deepEqual([await count('service_case'), await count('contact')], before);
  });

  it('asks whose front door took it when the agent answers for several, and records the one chosen', async () => {
    const page = await get('/desk/new', twoDoors);
    assert.match(page.body, /name="frontDoor"/);
    assert.match(
      page.body,
      new RegExp(`<option value="${org.teignbridge}"[^>]*>Teignbridge District Council`),
    );

    const before = await count('service_case');
    const none = await take(twoDoors, PHONE_CALL);
    assert.equal(none.response.statusCode, 400);
    assert.deepEqual(summaryFields(none.response.body), ['frontDoor']);
    const other = await take(twoDoors, { ...PHONE_CALL, frontDoor: String(org.devon) });
    assert.equal(other.response.statusCode, 400, 'not a front door the agent answers for');
    assert.equal(await count('service_case'), before);

    const { response } = await take(twoDoors, { ...PHONE_CALL, frontDoor: String(org.teignbridge) });
    assert.equal(response.statusCode, 303);
    const { reference } = caseAt(String(response.headers.location));
    const stored = await database.db
      .selectFrom('service_case')
      .select(['org_id', 'contact_org_id'])
      .where('reference', '=', reference)
      .executeTakeFirstOrThrow();
    assert.deepEqual(stored, { org_id: org.devon, contact_org_id: org.teignbridge });
  });

  it('offers only web addresses from the stored links', () => {
    assert.deepEqual(
      linksFrom([
        { title: 'Fees', href: 'https://example.org/fees' },
        { text: 'Bad', url: 'javascript:alert(1)' },
        { url: 'not a url' },
        'nonsense',
        { url: 'http://example.org/x' },
      ]),
      [
        { text: 'Fees', href: 'https://example.org/fees' },
        { text: 'example.org', href: 'http://example.org/x' },
      ],
    );
    assert.deepEqual(linksFrom('not json'), []);
    assert.deepEqual(linksFrom(null), []);
  });
});
