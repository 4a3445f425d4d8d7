import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { openTestDatabase } from '../../../test/support/database.ts';
import { buildTestApp, hiddenFields, orgIdsBySlug } from '../../../test/support/app.ts';
import type { Database } from '../../db/engine.ts';
import { withSystem } from '../../db/context.ts';
import type { AppServices } from '../../app/services.ts';
import type { Actor } from '../../register/register.service.ts';
import { referencePrefix } from '../cases/case-reference.ts';

/** The prefix of the reference a confirmation page's address carries, or null. */
const referenceDone = (location: string) =>
  referencePrefix(/^\/report\/done\/([^/?]+)$/.exec(location)?.[1] ?? '');

const HOUSEHOLD_WASTE = '524';
const STREET_LIGHTING = '564';

/** A browser: keeps its cookies, and reads the hidden fields of the last form it was shown. */
class Visitor {
  cookie = '';
  constructor(private readonly app: FastifyInstance) {}

  private remember(setCookie: string | string[] | undefined) {
    const jar = new Map(
      this.cookie
        .split('; ')
        .filter(Boolean)
        .map((c) => [c.split('=')[0]!, c] as const),
    );
    for (const header of [setCookie ?? []].flat()) {
      const pair = header.split(';')[0]!;
      jar.set(pair.split('=')[0]!, pair);
    }
    this.cookie = [...jar.values()].join('; ');
  }

  async get(url: string) {
    const response = await this.app.inject({ method: 'GET', url, headers: { cookie: this.cookie } });
    this.remember(response.headers['set-cookie']);
    return response;
  }

  async post(url: string, form: Record<string, string>) {
    const response = await this.app.inject({
      method: 'POST',
      url,
      headers: { cookie: this.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams(form).toString(),
    });
    this.remember(response.headers['set-cookie']);
    return response;
  }
}

const REPORT = {
  service: HOUSEHOLD_WASTE,
  postcode: 'ex1 1ae',
  address: 'Outside 12 High Street',
  description: 'The bins in our street were not collected on Tuesday.',
  reporterName: 'Pat Resident',
  reporterEmail: 'pat.resident@example.org',
  reporterPhone: '07700 900123',
};

describe('resident pages of the front door', () => {
  let database: Database;
  let app: FastifyInstance;
  let services: AppServices;
  const org: Record<string, number> = {};

  const caseCount = async () =>
    Number(
      (
        await database.db
          .selectFrom('service_case')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  /** Opens the form in a new browser and sends it with these answers. */
  async function report(answers: Record<string, string>) {
    const visitor = new Visitor(app);
    const form = await visitor.get('/report');
    const response = await visitor.post('/report', { ...hiddenFields(form.body), ...answers });
    return { visitor, form, response };
  }

  before(async () => {
    database = await openTestDatabase({ data: 'reference' });
    ({ app, services } = await buildTestApp(database));
    Object.assign(org, await orgIdsBySlug(database.db, ['exeter', 'teignbridge', 'devon']));
    // Exeter's household waste is collected by Teignbridge as lead authority, within 5 working days.
    const exeterOfficer: Actor = {
      scope: { readOrgs: [org.exeter!], writeOrgs: [org.exeter!], accountId: null },
      accountId: null,
      mayChange: (o) => o === org.exeter,
    };
    await services.register.recordArrangement(exeterOfficer, {
      orgId: org.exeter!,
      lgslCode: 524,
      validFrom: '2020-04-01',
      mode: 'lead_authority',
      level: 'district',
      providerOrgId: org.teignbridge!,
    });
    await withSystem(database.db, (tx) =>
      tx
        .insertInto('service_level')
        .values({
          org_id: org.exeter!,
          lgsl_code: 524,
          valid_from: '2020-04-01',
          target_amount: 5,
          target_unit: 'working_days',
        })
        .execute(),
    );
  });
  after(async () => {
    await app?.close();
    await database?.close();
  });

  it('shows the form: services to choose, postcode, description with its limit, optional details', async () => {
    const visitor = new Visitor(app);
    const page = await visitor.get('/report');
    assert.equal(page.statusCode, 200);
    assert.equal(page.headers['cache-control'], 'no-store');
    for (const label of [
      'Household waste collection',
      'Household garden waste',
      'Street lighting',
      'Potholes',
    ]) {
      assert.match(page.body, new RegExp(label));
    }
    assert.match(page.body, /name="service" type="radio" value="524"/);
    assert.match(page.body, /data-maxlength="4000"/);
    assert.match(page.body, /You can enter up to 4000 characters/);
    assert.match(page.body, /name="postcode" type="text" spellcheck="false"[^>]*autocomplete="postal-code"/);
    assert.match(page.body, /name="reporterEmail" type="email"[^>]*autocomplete="email"/);
    assert.match(page.body, /name="reporterPhone" type="tel"[^>]*autocomplete="tel"/);
    assert.match(page.body, /to send you updates/);
    const hidden = hiddenFields(page.body);
    assert.ok(hidden._csrf, 'a CSRF token');
    assert.match(hidden.token ?? '', /^[A-Za-z0-9_-]{24}$/, 'an idempotency token');
    const again = hiddenFields((await visitor.get('/report')).body);
    assert.notEqual(again.token, hidden.token, 'a new token each time the form is shown');
    const preselected = await visitor.get('/report?service=564');
    assert.match(preselected.body, /value="564" checked/);
  });

  it('shows the mistakes with the error summary, keeps everything typed, and opens nothing', async () => {
    const before = await caseCount();
    const long = 'x'.repeat(4001);
    const { response } = await report({
      service: '',
      postcode: 'not a postcode',
      description: long,
      reporterName: 'Pat Resident',
      reporterEmail: 'pat at example',
      reporterPhone: 'call me',
      address: 'Corner of Fore Street',
    });
    assert.equal(response.statusCode, 400);
    assert.match(response.body, /<title>Error: Report a problem/);
    assert.match(response.body, /There is a problem/);
    const summary = /<ul class="govuk-list govuk-error-summary__list">([\s\S]*?)<\/ul>/.exec(
      response.body,
    )![1]!;
    assert.deepEqual(
      [...summary.matchAll(/href="#([^"]+)"/g)].map((m) => m[1]),
      ['service', 'postcode', 'description', 'reporterEmail', 'reporterPhone'],
    );
    assert.match(response.body, /Select what you want to report/);
    assert.match(response.body, /Description must be 4,000 characters or fewer/);
    assert.match(response.body, /Enter an email address in the correct format/);
    for (const kept of [
      'not a postcode',
      'Pat Resident',
      'pat at example',
      'call me',
      'Corner of Fore Street',
      long,
    ]) {
      assert.ok(response.body.includes(kept), `keeps ${kept.slice(0, 20)}`);
    }
    assert.equal(await caseCount(), before);
  });

  it('opens a district service’s case at EX1 1AE for Exeter, and confirms it with who has it', async () => {
    const before = await caseCount();
    const { response } = await report(REPORT);
    assert.equal(response.statusCode, 303, response.body);
    const location = String(response.headers.location);
    assert.equal(referenceDone(location), 'EXE');
    assert.equal(await caseCount(), before + 1);

    const done = await app.inject({ method: 'GET', url: location });
    assert.equal(done.statusCode, 200);
    const reference = location.split('/').at(-1)!;
    assert.match(done.body, /govuk-panel--confirmation/);
    assert.match(done.body, new RegExp(`<strong>${reference}</strong>`));
    assert.match(done.body, /<span class="app-header__name">Exeter City Council<\/span>/);
    assert.match(done.body, /Teignbridge District Council deals with it on behalf of Exeter City Council/);
    assert.match(done.body, /aims to deal with it by \d{1,2} [A-Z][a-z]+ \d{4}, \d{2}:\d{2}/);
    assert.match(done.body, new RegExp(`href="/track/${reference}"`));
    assert.doesNotMatch(done.body, /pat\.resident@example\.org|07700 900123|Pat Resident/);
  });

  it('opens a county service’s case at the same postcode for Devon', async () => {
    const { response } = await report({
      ...REPORT,
      service: STREET_LIGHTING,
      description: 'Street light out.',
    });
    assert.equal(response.statusCode, 303, response.body);
    assert.equal(referenceDone(String(response.headers.location)), 'DEV');
    const done = await app.inject({ method: 'GET', url: String(response.headers.location) });
    assert.match(done.body, /<span class="app-header__name">Devon County Council<\/span>/);
    assert.doesNotMatch(done.body, /on behalf of/);
  });

  it('asks which council area when the postcode could be two councils’, and opens the case for the one chosen', async () => {
    const before = await caseCount();
    const { visitor, response } = await report({ ...REPORT, postcode: 'EX2' });
    assert.equal(response.statusCode, 200, response.body);
    assert.match(response.body, /Which council area is the place in\?/);
    assert.match(response.body, /more than one council/);
    assert.match(response.body, new RegExp(`name="choose" type="radio" value="${org.exeter}"`));
    assert.match(response.body, new RegExp(`name="choose" type="radio" value="${org.teignbridge}"`));
    assert.match(response.body, /I will give the full postcode/);
    assert.equal(await caseCount(), before, 'nothing opened while the place is ambiguous');
    const carried = hiddenFields(response.body);
    assert.equal(carried.description, REPORT.description);
    assert.equal(carried.reporterEmail, REPORT.reporterEmail);
    assert.equal(carried.step, 'choose');

    // Sending without a choice asks again, with the same councils and the answers still carried.
    const unchosen = await visitor.post('/report', carried);
    assert.equal(unchosen.statusCode, 400);
    assert.match(unchosen.body, /Select the council area the place is in/);
    assert.match(unchosen.body, new RegExp(`value="${org.teignbridge}"`));
    assert.equal(hiddenFields(unchosen.body).description, REPORT.description);

    const chosen = await visitor.post('/report', { ...carried, choose: String(org.teignbridge) });
    assert.equal(chosen.statusCode, 303, chosen.body);
    assert.equal(referenceDone(String(chosen.headers.location)), 'TEI');
    const done = await app.inject({ method: 'GET', url: String(chosen.headers.location) });
    assert.match(done.body, /Teignbridge District Council/);
    assert.equal(await caseCount(), before + 1);
  });

  it('takes a full postcode instead of a choice, and refuses a part of one', async () => {
    const { visitor, response } = await report({ ...REPORT, postcode: 'EX2' });
    const carried = hiddenFields(response.body);
    const partial = await visitor.post('/report', { ...carried, choose: 'postcode', fullPostcode: 'EX1' });
    assert.equal(partial.statusCode, 400);
    assert.match(partial.body, /Enter the full postcode, like EX1 1AA/);
    assert.match(partial.body, /name="fullPostcode" type="text"[^>]*value="EX1"/);
    const full = await visitor.post('/report', { ...carried, choose: 'postcode', fullPostcode: 'EX1 1AE' });
    assert.equal(full.statusCode, 303, full.body);
    assert.match(String(full.headers.location), /^\/report\/done\/EXE-/);
  });

  it('says plainly when a postcode is not known, keeping the answers', async () => {
    const { response } = await report({ ...REPORT, postcode: 'EX1 9ZZ' });
    assert.equal(response.statusCode, 404);
    assert.match(response.body, /We cannot find the postcode EX1 9ZZ/);
    assert.ok(response.body.includes(REPORT.description));
  });

  it('opens one case when the same form is sent twice', async () => {
    const visitor = new Visitor(app);
    const form = hiddenFields((await visitor.get('/report')).body);
    const before = await caseCount();
    const first = await visitor.post('/report', { ...form, ...REPORT });
    const second = await visitor.post('/report', { ...form, ...REPORT });
    assert.equal(first.statusCode, 303);
    assert.equal(second.statusCode, 303);
    assert.equal(second.headers.location, first.headers.location);
    assert.equal(await caseCount(), before + 1);

    // Back to the form, a change, and send again: not a repeat, so the person is told and keeps it all.
    const changed = await visitor.post('/report', { ...form, ...REPORT, description: 'And the recycling.' });
    assert.equal(changed.statusCode, 409);
    assert.match(changed.body, /You have already sent a report from this page/);
    assert.match(changed.body, /And the recycling\./);
    assert.notEqual(hiddenFields(changed.body).token, form.token);
    assert.equal(await caseCount(), before + 1);
  });

  it('tracks a case by its reference: status, service, who has it and its history, without personal data', async () => {
    const { response } = await report(REPORT);
    const reference = String(response.headers.location).split('/').at(-1)!;
    const page = await app.inject({ method: 'GET', url: `/track/${reference}` });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, new RegExp(`Report ${reference}`));
    assert.match(page.body, /govuk-tag--blue">\s*Open/);
    assert.match(page.body, /Household waste collection/);
    assert.match(page.body, /Exeter City Council/);
    assert.match(page.body, /Teignbridge District Council deals with it on their behalf/);
    assert.match(page.body, /Report received/);
    assert.match(page.body, /received by online form for Exeter City Council/);
    assert.match(page.body, /<time datetime="[^"]+">\d{1,2} [A-Z][a-z]+ \d{4}, \d{2}:\d{2}<\/time>/);
    assert.match(page.body, /<span class="app-header__name">Exeter City Council<\/span>/);
    for (const personal of [
      REPORT.reporterEmail,
      REPORT.reporterPhone,
      REPORT.reporterName,
      REPORT.description,
      REPORT.address,
    ]) {
      assert.ok(!page.body.includes(personal), `does not show ${personal}`);
    }

    const typed = await app.inject({ method: 'GET', url: `/track?reference=${reference.toLowerCase()}%20` });
    assert.equal(typed.statusCode, 303);
    assert.equal(typed.headers.location, `/track/${reference}`);
    assert.equal((await app.inject({ method: 'GET', url: '/track' })).statusCode, 200);
  });

  it('answers an unknown reference with a 404 page that says so and offers the form again', async () => {
    const page = await app.inject({ method: 'GET', url: '/track/EXE-2020-999999' });
    assert.equal(page.statusCode, 404);
    assert.match(page.body, /There is no report with the reference EXE-2020-999999/);
    assert.match(page.body, /<form method="get" action="\/track"/);
    assert.match(page.body, /value="EXE-2020-999999"/);
    assert.equal((await app.inject({ method: 'GET', url: '/report/done/EXE-2020-999999' })).statusCode, 404);
    const garbled = await app.inject({ method: 'GET', url: '/track?reference=hello' });
    assert.equal(garbled.statusCode, 400);
    assert.match(garbled.body, /Enter your reference as it was given to you/);
    const empty = await app.inject({ method: 'GET', url: '/track?reference=' });
    assert.equal(empty.statusCode, 400);
    assert.match(empty.body, /Enter your reference/);
  });

  it('refuses a report without its CSRF token', async () => {
    const before = await caseCount();
    const visitor = new Visitor(app);
    const form = hiddenFields((await visitor.get('/report')).body);
    const response = await visitor.post('/report', { token: form.token!, ...REPORT });
    assert.equal(response.statusCode, 403);
    const stranger = await new Visitor(app).post('/report', { ...form, ...REPORT });
    assert.equal(stranger.statusCode, 403, 'a token without the session it belongs to');
    assert.equal(await caseCount(), before);
  });
});
