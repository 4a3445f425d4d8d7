import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { openTestDatabase } from '../../../test/support/database.ts';
import {
  buildTestApp,
  csrfTokenIn,
  getPage,
  hiddenFields,
  orgIdsBySlug,
  postForm,
  signIn,
  type Session,
} from '../../../test/support/app.ts';
import type { Database } from '../../db/engine.ts';
import { parseLinks } from './service-information.ts';

const PASSWORD = 'a long enough password for tests';
const WASTE = 524;
const PEST_CONTROL = 431;

describe('a council’s information about its services', () => {
  let database: Database;
  let app: FastifyInstance;
  const org: Record<string, number> = {};
  const people: Record<string, Session> = {};
  const url = (jurisdiction: string, lgsl: number) => `/desk/information/${org[jurisdiction]}/${lgsl}`;

  const stored = () =>
    database.db
      .selectFrom('service_information')
      .select(['summary', 'fees', 'links'])
      .where('org_id', '=', org.exeter!)
      .where('lgsl_code', '=', WASTE)
      .executeTakeFirst();
  const audits = async () =>
    database.db
      .selectFrom('audit_log')
      .select(['action', 'before', 'after'])
      .where('entity_type', '=', 'service_information')
      .orderBy('audit_id')
      .execute();
  /** Opens the form as this person, and sends it back with these answers. */
  async function save(who: string, answers: Record<string, string>, form?: string) {
    const page = form ?? (await getPage(app, url('exeter', WASTE), people[who])).body;
    return postForm(app, url('exeter', WASTE), people[who]!, { ...hiddenFields(page), ...answers });
  }

  before(async () => {
    database = await openTestDatabase({ data: 'reference' });
    const built = await buildTestApp(database);
    app = built.app;
    Object.assign(org, await orgIdsBySlug(database.db, ['exeter', 'teignbridge']));
    const accounts = [
      ['officer', org.exeter!, 'officer', null],
      ['waste', org.exeter!, 'officer', [WASTE]],
      ['agent', org.exeter!, 'agent', null],
      ['councillor', org.exeter!, 'councillor', null],
      ['teignbridge', org.teignbridge!, 'officer', null],
    ] as const;
    for (const [name, orgId, role, lgslCodes] of accounts) {
      const email = `${name}@example.org`;
      await built.services.auth.createAccount({
        email,
        displayName: `Test ${name}`,
        password: PASSWORD,
        grants: [{ orgId, role, partnershipId: null, lgslCodes: lgslCodes ? [...lgslCodes] : null }],
      });
      people[name] = await signIn(app, email, PASSWORD);
    }
  });
  after(async () => {
    await app?.close();
    await database?.close();
  });

  it('lets the council’s officers change it, and no one else', async () => {
    const signedOut = await getPage(app, url('exeter', WASTE));
    assert.equal(signedOut.statusCode, 303);
    for (const who of ['agent', 'councillor', 'teignbridge']) {
      assert.equal((await getPage(app, url('exeter', WASTE), people[who])).statusCode, 403, who);
    }
    assert.equal((await getPage(app, url('exeter', WASTE), people.waste)).statusCode, 200);
    assert.equal((await getPage(app, url('exeter', PEST_CONTROL), people.waste)).statusCode, 403);
    assert.equal((await getPage(app, url('teignbridge', WASTE), people.officer)).statusCode, 403);
    assert.equal((await getPage(app, url('exeter', 999_999), people.officer)).statusCode, 404);
    assert.equal((await getPage(app, '/desk/information/x/524', people.officer)).statusCode, 404);

    const refused = await postForm(app, url('exeter', WASTE), people.teignbridge!, {
      _csrf: people.teignbridge!.csrf,
      summary: 'Teignbridge writing for Exeter',
      fees: '',
      links: '',
      updatedAt: '',
    });
    assert.equal(refused.statusCode, 403);
    assert.equal(await stored(), undefined);
  });

  it('refuses a form without its CSRF token', async () => {
    const response = await postForm(app, url('exeter', WASTE), people.officer!, { summary: 'x' });
    assert.equal(response.statusCode, 403);
    assert.equal(await stored(), undefined);
  });

  it('saves it, audits it, and the desk then answers with it for Exeter', async () => {
    const saved = await save('waste', {
      summary: 'Bins are collected weekly; recycling fortnightly.',
      fees: 'A garden waste bin costs £50 a year.',
      links: 'Bins and recycling | https://www.exeter.gov.uk/bins\nhttps://www.exeter.gov.uk/garden-waste',
    });
    assert.equal(saved.statusCode, 303);
    assert.match(String(saved.headers.location), /\?done=saved$/);
    const row = await stored();
    assert.equal(row?.summary, 'Bins are collected weekly; recycling fortnightly.');
    const [audit] = await audits();
    assert.equal(audit?.action, 'create');
    assert.equal(audit?.before, null);
    assert.deepEqual((audit?.after as { links: unknown[] }).links, [
      { text: 'Bins and recycling', href: 'https://www.exeter.gov.uk/bins' },
      { text: 'www.exeter.gov.uk', href: 'https://www.exeter.gov.uk/garden-waste' },
    ]);

    const again = await getPage(app, String(saved.headers.location), people.waste);
    assert.match(again.body, /Saved\. Agents now answer with this/);
    assert.match(again.body, /Bins and recycling \| https:\/\/www\.exeter\.gov\.uk\/bins/);

    const desk = await getPage(app, '/desk/new', people.agent);
    const check = await postForm(app, '/desk/new', people.agent!, {
      ...hiddenFields(desk.body),
      _csrf: csrfTokenIn(desk.body),
      service: String(WASTE),
      postcode: 'EX1 1AE',
      action: 'check',
    });
    assert.equal(check.statusCode, 200);
    assert.match(check.body, /Bins are collected weekly/);
    assert.match(check.body, /A garden waste bin costs £50 a year\./);
    assert.match(check.body, /href="https:\/\/www\.exeter\.gov\.uk\/bins"/);
    assert.ok(
      !check.body.includes('Change what Exeter City Council says'),
      'an agent is not offered to change it',
    );
  });

  it('shows every mistake, keeps every answer, and saves nothing', async () => {
    const before = await stored();
    const auditsBefore = (await audits()).length;
    const response = await save('officer', {
      summary: 'x'.repeat(4001),
      fees: 'Free',
      links: 'Good | https://www.exeter.gov.uk/ok\nBad | javascript:alert(1)\nnot a link',
    });
    assert.equal(response.statusCode, 400);
    assert.match(response.body, /There is a problem/);
    assert.match(response.body, /How the service works must be 4,000 characters or fewer/);
    assert.match(response.body, /Line 2 is not a web address/);
    assert.match(response.body, /Line 3 is not a web address/);
    assert.ok(response.body.includes('x'.repeat(4001)), 'the long answer comes back whole');
    assert.match(response.body, /Bad \| javascript:alert\(1\)/);
    assert.deepEqual(await stored(), before);
    assert.equal((await audits()).length, auditsBefore);
  });

  it('refuses a save made over someone else’s newer one, keeping what was typed', async () => {
    const first = (await getPage(app, url('exeter', WASTE), people.officer)).body;
    const second = (await getPage(app, url('exeter', WASTE), people.waste)).body;
    const ok = await save(
      'officer',
      { summary: 'Collections move to Tuesdays from April.', fees: '', links: '' },
      first,
    );
    assert.equal(ok.statusCode, 303);
    const auditsBefore = (await audits()).length;
    const stale = await save('waste', { summary: 'My older edit.', fees: 'Free', links: '' }, second);
    assert.equal(stale.statusCode, 409);
    assert.match(stale.body, /Someone else saved this after you began/);
    assert.match(stale.body, /My older edit\./);
    assert.match(stale.body, /Collections move to Tuesdays from April\./);
    assert.equal((await stored())?.summary, 'Collections move to Tuesdays from April.');
    assert.equal((await audits()).length, auditsBefore);
    const [last] = (await audits()).slice(-1);
    assert.equal(last?.action, 'update');
    assert.equal(
      (last?.before as { summary: string }).summary,
      'Bins are collected weekly; recycling fortnightly.',
    );

    // Sent again from the page that refused it, it is saved: the person has seen the newer one.
    const retried = await save('waste', { summary: 'My older edit.', fees: 'Free', links: '' }, stale.body);
    assert.equal(retried.statusCode, 303);
    assert.equal((await stored())?.summary, 'My older edit.');
  });

  it('reads links one a line, and names each line that is not one', () => {
    assert.deepEqual(parseLinks(' Bins | https://a.example.org/bins \n\nhttp://b.example.org/x'), {
      links: [
        { text: 'Bins', href: 'https://a.example.org/bins' },
        { text: 'b.example.org', href: 'http://b.example.org/x' },
      ],
      problems: [],
    });
    assert.deepEqual(parseLinks('ftp://a.example.org\nPay | javascript:pay()').problems, [
      'Line 1 is not a web address starting https:// or http://',
      'Line 2 is not a web address starting https:// or http://',
    ]);
    const many = Array.from({ length: 21 }, (_, i) => `https://a.example.org/${i}`).join('\n');
    assert.deepEqual(parseLinks(many).problems, ['Enter 20 links or fewer']);
  });

  it('refuses words for a link over 200 characters instead of cutting them', () => {
    const words = 'w'.repeat(201);
    assert.deepEqual(parseLinks(`Bins | https://a.example.org/bins\n${words} | https://a.example.org/x`), {
      links: [{ text: 'Bins', href: 'https://a.example.org/bins' }],
      problems: ['Line 2: the words to show must be 200 characters or fewer'],
    });
    assert.equal(parseLinks(`${'w'.repeat(200)} | https://a.example.org/x`).links[0]?.text.length, 200);
  });
});
