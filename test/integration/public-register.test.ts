/**
 * The register is public: signed out, each demo partnership's page says which services its members
 * deliver, how and by whom, every link on it answers, and no cell is a placeholder. An
 * arrangement's notes marked internal (the default) are read only by the council's own people (and
 * its partnership's administrators), never by the public or another council.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { openTestDatabase } from '../support/database.ts';
import { buildTestApp, getPage, hiddenFields, postForm, signIn, type Session } from '../support/app.ts';
import type { Database } from '../../src/db/engine.ts';
import { DEMO_PASSWORD } from '../../src/demo/accounts.ts';
import type { AppServices } from '../../src/app/services.ts';
import { PUBLIC_ACTOR } from '../../src/register/register.service.ts';

const decode = (text: string) =>
  text
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/** Every link target on a page that stays on this site (not fragments, not other sites). */
const localHrefs = (html: string): string[] =>
  [
    ...new Set(
      [...html.matchAll(/\bhref="([^"]*)"/g)].map((m) => decode(m[1]!)).filter((h) => h.startsWith('/')),
    ),
  ].sort();

describe('the public register', () => {
  let database: Database;
  let app: FastifyInstance;
  let services: AppServices;

  before(async () => {
    database = await openTestDatabase({ data: 'demo' });
    const built = await buildTestApp(database);
    app = built.app;
    services = built.services;
  });
  after(async () => {
    await app?.close();
    await database?.close();
  });

  it("answers West Oxfordshire's list of services to retain (seed 002 §3.35), and only those, as retained", async () => {
    // The register decides what is in force; this reads its answer for today, never a copy of the rule.
    const expected: Array<[string, number]> = [
      ['Press and Media', 822],
      ['Planning Policy', 494],
      ['Economic Development', 347],
      ['Development Management', 608],
      ['Client Management – Car Parking', 478],
      ['Client Management – Waste and Recycling', 524],
      ['Client Management – Leisure', 451],
      ['Community Safety', 870],
      ['Community Support and Liaison', 366],
      ['Tourism Support and Strategy', 622],
      ['Housing Strategy', 868],
      ['Democratic Services', 354],
      ['Elections', 362],
    ];
    const westOxfordshire = await services.register.organisation('E07000181');
    const inForce = await services.register.organisationArrangements(PUBLIC_ACTOR, westOxfordshire.orgId);
    const retained = inForce.filter((a) => a.mode === 'retained');
    assert.deepEqual(
      retained.map((a) => a.lgslCode).sort((x, y) => x - y),
      expected.map(([, code]) => code).sort((x, y) => x - y),
    );
    for (const [item, code] of expected) {
      const a = retained.find((x) => x.lgslCode === code)!;
      assert.equal(a.validFrom, '2015-07-15', item);
      assert.equal(a.areaCode, 'E07000181', `${item}: for the whole council`);
      assert.ok(a.source.includes('002_f7afd23be1ad2d36.txt §3.35') && a.source.includes(`"${item}"`), item);
      assert.ok(
        a.reservedDecisions.some((d) => d.includes('taken solely by the council')),
        item,
      );
      assert.deepEqual(a.delegatedDecisions, [], `${item}: nothing of a retained service is delegated`);
    }
    const reservedFor = (code: number) =>
      retained.find((a) => a.lgslCode === code)!.reservedDecisions.join(' | ');
    assert.match(reservedFor(494), /Strategic planning policy/);
    assert.match(reservedFor(608), /Local planning decisions/);
    assert.match(reservedFor(478), /Car parking charges/);
  });

  it('shows every demo partnership’s services and who delivers them to someone signed out, with no placeholders', async () => {
    const partnerships = await services.register.listPartnerships();
    assert.equal(partnerships.length, 4);
    for (const p of partnerships) {
      const page = await getPage(app, `/partnerships/${p.slug}`);
      assert.equal(page.statusCode, 200, p.slug);
      const html = decode(page.body);
      assert.doesNotMatch(html, /not visible|Sign in to see/i, `${p.slug} shows placeholders`);
      // What the register says is delivered by someone other than the member itself is on the page.
      const matrix = await services.register.matrix(PUBLIC_ACTOR, p.slug);
      const shared = matrix.cells.flat().filter((c) => c.arrangement && c.arrangement.mode !== 'retained');
      assert.ok(shared.length > 0, `${p.slug} has services delivered together`);
      for (const cell of shared) {
        const service = matrix.services.find((s) => s.lgslCode === cell.lgslCode)!;
        assert.ok(html.includes(service.label), `${p.slug}: ${service.label} is on the page`);
        assert.ok(html.includes(cell.arrangement!.provider.name), `${p.slug}: its provider is on the page`);
      }
      assert.match(html, /role="img"/, `${p.slug} draws its chart`);

      const api = await getPage(app, `/api/v1/partnerships/${p.slug}/matrix`);
      assert.equal(api.statusCode, 200);
      const cells = (api.json() as { cells: unknown[][] }).cells.flat();
      assert.ok(
        cells.length > 0 && cells.every((c) => c === null || typeof c === 'object'),
        'no cell is hidden',
      );
      assert.ok(
        cells.some((c) => c !== null),
        `${p.slug}: the API gives the public the arrangements`,
      );

      const servicesPage = await getPage(app, `/partnerships/${p.slug}/services`);
      assert.equal(servicesPage.statusCode, 200);
      assert.doesNotMatch(servicesPage.body, /not visible|Sign in to see/i);
      assert.doesNotMatch(
        servicesPage.body.replace(/<form[\s\S]*?<\/form>/g, '').replace(/href="[^"]*"/g, ''),
        /\b\d{4}-\d{2}-\d{2}\b/,
        `${p.slug}: the matrix shows no ISO dates`,
      );
    }
  });

  it('refuses filter words longer than 100 characters on the field, keeping them, and in the CSV', async () => {
    const words = 'waste collection '.repeat(7).trim();
    const page = await getPage(app, `/partnerships/integrated-devon/services?q=${encodeURIComponent(words)}`);
    assert.equal(page.statusCode, 400);
    assert.match(
      page.body,
      /href="#q">Service name or LGSL code must be 100 characters or fewer \(you entered 118\)/,
    );
    assert.match(page.body, /id="q-error"/);
    assert.ok(page.body.includes(`value="${words}"`), 'the words come back whole');
    const csv = await getPage(
      app,
      `/partnerships/integrated-devon/services.csv?q=${encodeURIComponent(words)}`,
    );
    assert.equal(csv.statusCode, 400);
    const fits = await getPage(
      app,
      `/partnerships/integrated-devon/services?q=${encodeURIComponent('waste')}`,
    );
    assert.equal(fits.statusCode, 200);
  });

  it('answers every link on each demo partnership’s page', async () => {
    const broken: string[] = [];
    for (const p of await services.register.listPartnerships()) {
      const page = await getPage(app, `/partnerships/${p.slug}`);
      const hrefs = localHrefs(page.body);
      assert.ok(hrefs.length > 10, `${p.slug} has links`);
      for (const href of hrefs) {
        const response = await getPage(app, href);
        if (response.statusCode !== 200) broken.push(`${p.slug}: ${href} → ${response.statusCode}`);
      }
    }
    assert.deepEqual(broken, []);
  });

  describe('an arrangement’s notes', () => {
    let exeter: Session;
    let cotswold: Session;
    const secret = 'Internal: the waste contract’s break clause is under discussion';
    const published = 'Collections are planned to move to a four-day week';

    let exeterId: number;
    const exeterOrgId = () => exeterId;

    before(async () => {
      exeterId = (await services.register.organisation('exeter')).orgId;
      exeter = await signIn(app, 'officer.exeter@example.org', DEMO_PASSWORD);
      cotswold = await signIn(app, 'officer.cotswold.waste@example.org', DEMO_PASSWORD);
    });

    /** Records Exeter's household waste collection from a date, through the form as a browser does. */
    async function recordThroughForm(day: string, fields: Record<string, string>) {
      const form = await getPage(app, '/organisations/exeter/arrangements/new?service=524', exeter);
      assert.equal(form.statusCode, 200);
      assert.match(form.body, /Who may read the notes/);
      assert.match(
        form.body,
        /name="notesVisibility" type="radio" value="internal" checked/,
        'internal is chosen until the officer chooses otherwise',
      );
      const exeterId = /<option value="(\d+)"[^>]*>Exeter City Council<\/option>/.exec(form.body)![1]!;
      return postForm(app, '/organisations/exeter/arrangements', exeter, {
        ...hiddenFields(form.body),
        lgslCode: '524',
        'validFrom-day': day,
        'validFrom-month': '4',
        'validFrom-year': '2032',
        mode: 'retained',
        level: 'district',
        providerOrgId: exeterId,
        ...fields,
      });
    }

    it('refuses a visibility that is not on the form, keeping what was typed, and saves nothing', async () => {
      const before = await services.register.arrangementHistory(PUBLIC_ACTOR, exeterOrgId(), 524);
      const response = await recordThroughForm('1', { notes: secret, notesVisibility: 'everyone' });
      assert.equal(response.statusCode, 400);
      assert.match(response.body, /govuk-error-summary/);
      assert.match(response.body, /Select who may read the notes/);
      assert.ok(decode(response.body).includes(secret), 'the notes typed are kept');
      const after = await services.register.arrangementHistory(PUBLIC_ACTOR, exeterOrgId(), 524);
      assert.equal(after.length, before.length);
    });

    it('keeps internal notes from the public and from another council, and shows them to the council’s officer', async () => {
      const saved = await recordThroughForm('1', { notes: secret });
      assert.equal(saved.statusCode, 303, saved.body);
      const url = '/organisations/exeter/services/524';

      const own = await getPage(app, url, exeter);
      assert.equal(own.statusCode, 200);
      assert.ok(decode(own.body).includes(secret), 'Exeter’s officer reads its internal notes');
      assert.match(own.body, /Internal/);

      for (const [who, session] of [
        ['the public', undefined],
        ['Cotswold’s officer', cotswold],
      ] as const) {
        const page = await getPage(app, url, session);
        assert.equal(page.statusCode, 200, who);
        const html = decode(page.body);
        assert.ok(!html.includes(secret), `${who} does not read Exeter’s internal notes`);
        assert.match(html, /1 April 2032/, `${who} sees the arrangement itself`);
        for (const path of [
          '/api/v1/organisations/exeter/services/524/history',
          '/api/v1/organisations/exeter/arrangements?date=2032-06-01',
          '/api/v1/services/524',
          '/api/v1/partnerships/integrated-devon/matrix?date=2032-06-01',
          '/partnerships/integrated-devon/services?date-day=1&date-month=6&date-year=2032',
          '/partnerships/integrated-devon/services.csv?date-day=1&date-month=6&date-year=2032',
          '/services/524',
        ]) {
          const response = await getPage(app, path, session);
          assert.equal(response.statusCode, 200, `${who}: ${path}`);
          assert.ok(!decode(response.body).includes(secret), `${who}: ${path} has no internal notes`);
        }
      }
      const history = await getPage(app, '/api/v1/organisations/exeter/services/524/history');
      const latest = (history.json() as Array<{ notes: string | null; notesInternal: boolean }>).at(-1);
      assert.deepEqual([latest?.notes, latest?.notesInternal], [null, true]);
    });

    it('publishes notes the officer marks public', async () => {
      const saved = await recordThroughForm('2', { notes: published, notesVisibility: 'public' });
      assert.equal(saved.statusCode, 303, saved.body);
      const page = await getPage(app, '/organisations/exeter/services/524');
      assert.ok(decode(page.body).includes(published));
      assert.ok(!decode(page.body).includes(secret));
    });
  });
});
