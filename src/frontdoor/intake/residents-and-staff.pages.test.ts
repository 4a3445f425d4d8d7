/**
 * What residents and staff meet at the edges of the front door, over the real reference data with
 * one partnership (Exeter, Teignbridge and Devon): the home page's way in; a postcode whose council
 * is not in a partnership (Aberdeen City and Manchester, both in the shipped postcode files), one
 * in Jersey, and postcodes shaped like Scottish, Welsh and Northern Irish ones that the shipped
 * directory does not hold, each told plainly who is responsible where the register knows and that
 * this service does not cover it, on /report, at the desk, on "who is responsible" and in the API;
 * a report given only an outcode, which keeps the street staff can act on; and choosing a service
 * by its name or the words people use, on "who is responsible" and at the desk.
 */
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

const PASSWORD = 'a long enough password for tests';
const HOUSEHOLD_WASTE = '524';

const REPORT = {
  service: HOUSEHOLD_WASTE,
  address: '',
  description: 'The bins in our street were not collected on Tuesday.',
  reporterName: 'Pat Resident',
  reporterEmail: 'pat.resident@example.org',
  reporterPhone: '',
};

describe('the front door at the edges of its partnerships', () => {
  let database: Database;
  let app: FastifyInstance;
  let services: AppServices;
  const org: Record<string, number> = {};
  let agent: Session;

  const caseCount = async () =>
    Number(
      (
        await database.db
          .selectFrom('service_case')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  /** Opens the report form signed out and sends it with these answers. */
  async function report(answers: Record<string, string>) {
    const form = await app.inject({ method: 'GET', url: '/report' });
    const cookie = [form.headers['set-cookie'] ?? []]
      .flat()
      .map((c) => c.split(';')[0])
      .join('; ');
    return app.inject({
      method: 'POST',
      url: '/report',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ ...hiddenFields(form.body), ...answers }).toString(),
    });
  }

  async function deskTake(answers: Record<string, string>) {
    const form = await getPage(app, '/desk/new', agent);
    assert.equal(form.statusCode, 200);
    return postForm(app, '/desk/new', agent, {
      ...hiddenFields(form.body),
      channel: 'phone',
      resolved: 'no',
      description: 'Bins not collected.',
      ...answers,
    });
  }

  before(async () => {
    database = await openTestDatabase({ data: 'reference' });
    ({ app, services } = await buildTestApp(database));
    Object.assign(org, await orgIdsBySlug(database.db, ['exeter', 'teignbridge', 'devon']));
    await withSystem(database.db, async (tx) => {
      const { partnership_id } = await tx
        .insertInto('partnership')
        .values({ slug: 'devon-test', name: 'Devon test partnership' })
        .returning('partnership_id')
        .executeTakeFirstOrThrow();
      await tx
        .insertInto('partnership_member')
        .values(
          [org.exeter!, org.teignbridge!, org.devon!].map((orgId) => ({
            org_id: orgId,
            partnership_id,
            role: 'member' as const,
            joined_on: '2000-01-01',
          })),
        )
        .execute();
    });
    await services.auth.createAccount({
      email: 'agent.exeter@example.org',
      displayName: 'Alex Agent',
      password: PASSWORD,
      grants: [{ orgId: org.exeter!, role: 'agent', partnershipId: null, lgslCodes: null }],
    });
    agent = await signIn(app, 'agent.exeter@example.org', PASSWORD);
  });
  after(async () => {
    await app?.close();
    await database?.close();
  });

  it('leads from the home page to report a problem, track a report, staff sign-in and the register', async () => {
    const home = await app.inject({ method: 'GET', url: '/' });
    assert.equal(home.statusCode, 200);
    for (const href of ['/report', '/track', '/sign-in', '/responsible', '/partnerships/devon-test']) {
      assert.match(home.body, new RegExp(`href="${href}"`), `links to ${href}`);
    }
    assert.match(home.body, />Report a problem</);
    assert.match(home.body, />Track a report</);
    const signedIn = await getPage(app, '/', agent);
    assert.match(signedIn.body, /href="\/desk\/new"/, 'staff are led to take a request');
    assert.doesNotMatch(signedIn.body, /href="\/sign-in"/);
  });

  it('still opens a case for a partnership council', async () => {
    const before = await caseCount();
    const response = await report({ ...REPORT, postcode: 'EX1 1AE' });
    assert.equal(response.statusCode, 303, response.body);
    assert.equal(await caseCount(), before + 1);
  });

  for (const [postcode, council, site] of [
    ['AB10 1AN', 'Aberdeen City Council', 'https://www.aberdeencity.gov.uk/'],
    ['M1 1AD', 'Manchester City Council', 'http://www.manchester.gov.uk/'],
  ] as const) {
    it(`tells a resident at ${postcode} that ${council} is responsible and this service does not cover it`, async () => {
      const before = await caseCount();
      const response = await report({ ...REPORT, postcode });
      assert.equal(response.statusCode, 422);
      assert.doesNotMatch(response.body, /We cannot find/);
      assert.match(
        response.body,
        new RegExp(`${council} is responsible for household waste collection at ${postcode}`),
      );
      assert.match(
        response.body,
        /This service only takes reports for the councils of the partnerships it works for/,
      );
      assert.ok(response.body.includes(`href="${site}"`), `links to ${site}`);
      assert.ok(response.body.includes(REPORT.description), 'keeps what was typed');
      assert.match(response.body, /govuk-error-summary/);
      assert.equal(await caseCount(), before);
    });
  }

  for (const [postcode, country] of [
    ['EH1 1YZ', 'Scotland'],
    ['CF10 1EP', 'Wales'],
    ['BT1 5GS', 'Northern Ireland'],
    ['JE2 4WD', 'the Channel Islands'],
  ] as const) {
    it(`says plainly that ${postcode} is in ${country} and not covered, not that it cannot be found`, async () => {
      const before = await caseCount();
      const response = await report({ ...REPORT, postcode });
      assert.equal(response.statusCode, 404);
      assert.doesNotMatch(response.body, /We cannot find/);
      assert.match(
        response.body,
        new RegExp(`${postcode} is in ${country}\\. This service only covers councils in England`),
      );
      assert.ok(response.body.includes(REPORT.description), 'keeps what was typed');
      assert.equal(await caseCount(), before);
    });
  }

  it('tells the desk who is responsible outside the partnerships, and opens nothing', async () => {
    const before = await caseCount();
    const check = await deskTake({ service: HOUSEHOLD_WASTE, postcode: 'M1 1AD', action: 'check' });
    assert.equal(check.statusCode, 200, check.body);
    assert.match(
      check.body,
      /Manchester City Council is responsible for household waste collection at M1 1AD/,
    );
    assert.ok(check.body.includes('href="http://www.manchester.gov.uk/"'));
    const create = await deskTake({ service: HOUSEHOLD_WASTE, postcode: 'M1 1AD', action: 'create' });
    assert.equal(create.statusCode, 422);
    assert.match(create.body, /govuk-error-summary[\s\S]*Manchester City Council is responsible/);
    assert.match(create.body, /Bins not collected\./);
    const scottish = await deskTake({ service: HOUSEHOLD_WASTE, postcode: 'EH1 1YZ', action: 'create' });
    assert.equal(scottish.statusCode, 400);
    assert.match(scottish.body, /EH1 1YZ is in Scotland/);
    assert.equal(await caseCount(), before);
  });

  it('answers "who is responsible" outside the partnerships with the council and that it is not covered', async () => {
    const page = await app.inject({ method: 'GET', url: '/responsible?postcode=AB10+1AN&service=524' });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Aberdeen City Council/);
    assert.match(page.body, /is not one of them/);
    assert.ok(page.body.includes('href="https://www.aberdeencity.gov.uk/"'));
    const inside = await app.inject({ method: 'GET', url: '/responsible?postcode=EX1+1AE&service=524' });
    assert.doesNotMatch(inside.body, /is not one of them/);
    const welsh = await app.inject({ method: 'GET', url: '/responsible?postcode=CF10+1EP&service=524' });
    assert.equal(welsh.statusCode, 404);
    assert.match(welsh.body, /CF10 1EP is in Wales/);

    const api = await app.inject({ method: 'GET', url: '/api/v1/responsible?postcode=M1+1AD&service=524' });
    assert.equal(api.statusCode, 200);
    const answer = api.json();
    assert.equal(answer.status, 'resolved');
    assert.equal(answer.responsible.name, 'Manchester City Council');
    assert.equal(answer.coverage.covered, false);
    assert.equal(answer.coverage.homepageUrl, 'http://www.manchester.gov.uk/');
    const covered = await app.inject({
      method: 'GET',
      url: '/api/v1/responsible?postcode=EX1+1AE&service=524',
    });
    assert.deepEqual(covered.json().coverage, {
      covered: true,
      homepageUrl: 'https://exeter.gov.uk/',
      text: null,
    });
    const scottish = await app.inject({
      method: 'GET',
      url: '/api/v1/responsible?postcode=EH1+1YZ&service=524',
    });
    assert.equal(scottish.statusCode, 404);
    assert.equal(scottish.json().country, 'Scotland');
  });

  it('asks for the street when given only part of a postcode, and keeps it with the case for staff', async () => {
    const before = await caseCount();
    for (const postcode of ['EX1', 'EX16']) {
      const missing = await report({ ...REPORT, postcode });
      assert.equal(missing.statusCode, 400, postcode);
      assert.match(
        missing.body,
        new RegExp(
          `href="#address">Enter the street or a landmark near the place: ${postcode} is only part of a postcode`,
        ),
      );
      assert.ok(missing.body.includes(REPORT.description), 'keeps what was typed');
    }
    const desk = await deskTake({ service: HOUSEHOLD_WASTE, postcode: 'EX1', action: 'create' });
    assert.equal(desk.statusCode, 400);
    assert.match(desk.body, /href="#address">Enter the street or a landmark near the place: EX1/);
    assert.equal(await caseCount(), before);

    const sent = await report({ ...REPORT, postcode: 'ex1', address: 'Outside 3 Fore Street' });
    assert.equal(sent.statusCode, 303, sent.body);
    const reference = String(sent.headers.location).split('/').at(-1)!;
    const row = await database.db
      .selectFrom('service_case')
      .select(['org_id', 'postcode', 'address'])
      .where('reference', '=', reference)
      .executeTakeFirstOrThrow();
    assert.deepEqual(
      { postcode: row.postcode, address: row.address },
      {
        postcode: 'EX1',
        address: 'Outside 3 Fore Street',
      },
    );
    const page = await getPage(app, `/desk/cases/${row.org_id}/${reference}`, agent);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Outside 3 Fore Street, EX1/);
  });

  const options = (html: string, name = 'service') => {
    const select = new RegExp(`<select[^>]*name="${name}"[^>]*>([\\s\\S]*?)</select>`).exec(html);
    assert.ok(select, `a ${name} list`);
    return [...select[1]!.matchAll(/<option value="([^"]*)"([^>]*)>([^<]*)</g)].map((m) => ({
      value: m[1]!,
      attributes: m[2]!,
      text: m[3]!.trim(),
    }));
  };

  it('lets "who is responsible" choose a service by name from a list that works without JavaScript', async () => {
    const page = await app.inject({ method: 'GET', url: '/responsible' });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<select class="govuk-select" id="service" name="service"[^>]*data-autocomplete/);
    assert.doesNotMatch(page.body, /LGSL code of the service/);
    const list = options(page.body);
    assert.ok(list.length > 900, `every live service: ${list.length}`);
    const roads = list.find((o) => o.value === '557')!;
    assert.equal(roads.text, 'Road maintenance (LGSL 557)');
    assert.match(roads.attributes, /data-words="[^"]*pothole/);
    assert.match(page.body, /<script type="module" src="\/assets\/app.js">/);
    assert.match(page.body, /href="\/assets\/accessible-autocomplete.min.css"/);

    const answer = await app.inject({ method: 'GET', url: '/responsible?postcode=EX1+1AE&service=557' });
    assert.equal(answer.statusCode, 200);
    assert.match(answer.body, /Devon County Council/);
    assert.match(answer.body, /<option value="557" selected[ >]/);
    const wrong = await app.inject({ method: 'GET', url: '/responsible?postcode=EX1+1AE&service=potholes' });
    assert.equal(wrong.statusCode, 400);
    assert.match(wrong.body, /href="#service">Select the service from the list/);

    const script = await app.inject({ method: 'GET', url: '/assets/accessible-autocomplete.min.js' });
    assert.equal(script.statusCode, 200, 'the autocomplete is served from here');
  });

  it('keeps the desk’s list narrowed and the service chosen when the form comes back, councils’ own first', async () => {
    const all = options((await getPage(app, '/desk/new', agent)).body);
    assert.ok(all.length > 900, `every front-line service: ${all.length}`);
    const page = await getPage(app, '/desk/new', agent);
    assert.match(page.body, /Services Exeter City Council provides come first/);
    const firstTiers = await database.db
      .selectFrom('service')
      .select(['lgsl_code', 'providing_tier'])
      .where('lgsl_code', '=', Number(all[1]!.value))
      .executeTakeFirstOrThrow();
    assert.ok(['district', 'all'].includes(String(firstTiers.providing_tier)), 'a district’s service first');

    const found = await getPage(app, '/desk/new?find=pothole', agent);
    const narrowed = options(found.body);
    assert.deepEqual(
      narrowed.map((o) => o.value),
      ['', '557'],
    );
    const form = hiddenFields(found.body);
    assert.equal(form.find, 'pothole');
    const check = await postForm(app, '/desk/new', agent, {
      ...form,
      service: '557',
      postcode: 'EX1 1AE',
      action: 'check',
    });
    assert.equal(check.statusCode, 200, check.body);
    assert.match(check.body, /Devon County Council/);
    const again = options(check.body);
    assert.deepEqual(
      again.map((o) => o.value),
      ['', '557'],
      'still narrowed after check',
    );
    assert.match(check.body, /<option value="557" selected[ >]/);
    assert.equal(hiddenFields(check.body).find, 'pothole');
    assert.match(check.body, /id="find" name="find" type="text" spellcheck="false" value="pothole"/);
  });

  it('keeps a long reference as it was typed when it is refused', async () => {
    const typed = `EXE-2026-${'1'.repeat(150)}`;
    const response = await app.inject({ method: 'GET', url: `/track?reference=${typed}` });
    assert.equal(response.statusCode, 400);
    assert.ok(response.body.includes(`value="${typed}"`), 'the whole reference comes back');
    assert.match(response.body, /Enter your reference as it was given to you/);
  });

  it('names the note that is too long when a status changes, keeping both notes as typed', async () => {
    await services.auth.createAccount({
      email: 'officer.exeter@example.org',
      displayName: 'Sam Officer',
      password: PASSWORD,
      grants: [{ orgId: org.exeter!, role: 'officer', partnershipId: null, lgslCodes: null }],
    });
    const officer = await signIn(app, 'officer.exeter@example.org', PASSWORD);
    const sent = await report({ ...REPORT, postcode: 'EX1 1AE' });
    const reference = String(sent.headers.location).split('/').at(-1)!;
    const row = await database.db
      .selectFrom('service_case')
      .select(['org_id', 'version'])
      .where('reference', '=', reference)
      .executeTakeFirstOrThrow();
    const internalNote = 'i'.repeat(4001);
    const response = await postForm(app, `/desk/cases/${row.org_id}/${reference}/status`, officer, {
      _csrf: officer.csrf,
      status: 'investigating',
      publicNote: 'We are looking at it.',
      internalNote,
      version: String(row.version),
    });
    assert.equal(response.statusCode, 400);
    assert.match(response.body, /href="#internalNote">Note for staff must be 4,000 characters or fewer/);
    assert.match(response.body, /id="internalNote-error"/, 'the field itself says what is wrong');
    assert.doesNotMatch(response.body, /href="#publicNote"/);
    assert.ok(response.body.includes(internalNote), 'the note comes back whole');
  });
});
