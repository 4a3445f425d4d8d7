/**
 * The pages of bodies and meetings over the demo, through `app.inject()`: the public pages and
 * their links from the council's own pages, the clerk's forms (a mistake shown in the error
 * summary with what was typed, nothing written; the form then accepted), a paper uploaded as a
 * browser sends it (multipart) and a refused one writing nothing, other people refused by the
 * service; and odd ids, keys and strings sent to every one of these routes never giving a 500 or
 * writing anything.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { openDemoApp, postForm, signIn, type Session } from '../../test/support/app.ts';
import type { AppServices } from '../app/services.ts';
import { withSystem, type Database } from '../db/index.ts';
import { DEMO_PASSWORD } from '../demo/accounts.ts';

const TABLES = ['body_member', 'meeting', 'agenda_item', 'meeting_paper', 'audit_log'] as const;

/** A multipart form as a browser sends it, with one file. */
function multipartForm(
  fields: Record<string, string>,
  file: { name: string; bytes: Uint8Array; type: string },
) {
  const boundary = '----jointlyTestBoundary7MA4YWxkTrZu0gW';
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields))
    parts.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`),
    );
  parts.push(
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="paper-file"; filename="${file.name}"\r\nContent-Type: ${file.type}\r\n\r\n`,
    ),
    Buffer.from(file.bytes),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  );
  return { payload: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

describe('the pages of bodies and meetings', () => {
  let app: FastifyInstance;
  let services: AppServices;
  let database: Database;
  let close: () => Promise<void>;
  let clerk: Session;
  let otherClerk: Session;
  let executive: number;
  let committee: number;
  const counts = () =>
    withSystem(database.db, async (tx) => {
      const found: Record<string, number> = {};
      for (const t of TABLES)
        found[t] = Number(
          (await sql<{ n: string }>`select count(*) as n from ${sql.table(t)}`.execute(tx)).rows[0]!.n,
        );
      return found;
    });

  before(async () => {
    ({ app, services, database, close } = await openDemoApp());
    clerk = await signIn(app, 'clerk.teignbridge@example.org', DEMO_PASSWORD);
    otherClerk = await signIn(app, 'clerk.westdevon@example.org', DEMO_PASSWORD);
    const teignbridge = (await services.register.organisation('teignbridge')).orgId;
    executive = (await services.meetings.bodies(teignbridge)).own.find((b) => b.name === 'Executive')!.bodyId;
    committee = (await services.register.partnership('2020-vision')).members.find(
      (m) => m.role === 'vehicle',
    )!.orgId;
  });
  after(() => close?.());

  it('publishes a council’s bodies, a body, a meeting and its minutes, linked from the council’s pages', async () => {
    const org = await app.inject({ method: 'GET', url: '/organisations/cotswold' });
    assert.match(org.body, /href="\/organisations\/cotswold\/bodies"/);
    const decisions = await app.inject({ method: 'GET', url: '/organisations/cotswold/decisions' });
    assert.match(decisions.body, /href="\/organisations\/cotswold\/minutes"/);
    const bodies = await app.inject({ method: 'GET', url: '/organisations/cotswold/bodies' });
    assert.equal(bodies.statusCode, 200);
    assert.match(bodies.body, /Cabinet/);
    assert.match(bodies.body, /Joint bodies Cotswold District Council sits on/);
    assert.match(bodies.body, /2020 Vision Joint Committee/);
    const minutes = await app.inject({ method: 'GET', url: '/organisations/cotswold/minutes' });
    assert.match(minutes.body, /4 December 2014/);
    const jc = (await services.meetings.bodies(committee)).own[0]!;
    const body = await app.inject({ method: 'GET', url: `/organisations/${committee}/bodies/${jc.bodyId}` });
    assert.equal(body.statusCode, 200);
    assert.match(body.body, /Member appointed by Forest of Dean District Council/);
    assert.match(body.body, /Past members/);
    assert.match(body.body, /calendar\.ics/);
    assert.doesNotMatch(body.body, /Add a member/, 'no forms for the public');
    const westOx = await app.inject({ method: 'GET', url: '/organisations/west-oxfordshire/bodies' });
    const scrutiny = /href="(\/organisations\/west-oxfordshire\/bodies\/\d+)">Finance and Management/.exec(
      westOx.body,
    )![1]!;
    const meetingHref = /href="(\/organisations\/west-oxfordshire\/meetings\/\d+)"/.exec(
      (await app.inject({ method: 'GET', url: scrutiny })).body,
    )![1]!;
    const meeting = await app.inject({ method: 'GET', url: meetingHref });
    assert.match(meeting.body, /2020 Vision Partnership Update/);
    assert.match(meeting.body, /Plain text, \d+ KB/);
  });

  it('shows the clerk’s forms, keeps what was typed on a mistake and writes nothing, then accepts the form', async () => {
    const url = `/organisations/teignbridge/bodies/${executive}`;
    const page = await app.inject({ method: 'GET', url, headers: { cookie: clerk.cookie } });
    assert.match(page.body, /Schedule a meeting/);
    const before = await counts();
    const wrong = await postForm(app, `${url}/meetings`, clerk, {
      _csrf: clerk.csrf,
      'meeting-date-day': '31',
      'meeting-date-month': '2',
      'meeting-date-year': '2027',
      'meeting-start': '25:00',
      'meeting-location': 'Forde House, Newton Abbot',
    });
    assert.equal(wrong.statusCode, 400);
    assert.match(wrong.body, /There is a problem/);
    assert.match(wrong.body, /href="#meeting-date-day"/);
    assert.match(wrong.body, /href="#meeting-start"/);
    assert.match(wrong.body, /value="Forde House, Newton Abbot"/);
    assert.deepEqual(await counts(), before);
    const right = await postForm(app, `${url}/meetings`, clerk, {
      _csrf: clerk.csrf,
      'meeting-date-day': '10',
      'meeting-date-month': '6',
      'meeting-date-year': '2027',
      'meeting-start': '10:00',
      'meeting-end': '12:30',
      'meeting-location': 'Forde House, Newton Abbot',
    });
    assert.equal(right.statusCode, 303);
    const shown = await app.inject({
      method: 'GET',
      url: right.headers.location!,
      headers: { cookie: clerk.cookie },
    });
    assert.match(shown.body, /The meeting is scheduled/);
    const meeting = (
      await services.meetings.body(
        { accountId: null, keeps: [], clerkOf: [], orgIds: [] },
        (await services.register.organisation('teignbridge')).orgId,
        executive,
      )
    ).upcoming.at(-1)!;
    // 10:00 in London in June is 09:00 UTC.
    assert.equal(meeting.startsAt, '2027-06-10T09:00:00.000Z');
    const member = await postForm(app, `${url}/members`, clerk, {
      _csrf: clerk.csrf,
      'member-name': 'Leader of Teignbridge District Council',
      'member-kind': 'councillor',
      'member-role': 'Chair',
      'member-voting': 'yes',
      'member-from-day': '1',
      'member-from-month': '5',
      'member-from-year': '2027',
    });
    assert.equal(member.statusCode, 303);
    assert.equal((await counts()).audit_log, before.audit_log! + 2);
    const refused = await postForm(app, `${url}/meetings`, otherClerk, {
      _csrf: otherClerk.csrf,
      'meeting-date-day': '10',
      'meeting-date-month': '6',
      'meeting-date-year': '2027',
      'meeting-start': '10:00',
    });
    assert.equal(refused.statusCode, 403, 'another council’s clerk is refused by the service');
    const signedOut = await app.inject({
      method: 'POST',
      url: `${url}/meetings`,
      payload: { 'meeting-start': '10:00' },
    });
    assert.ok([303, 403].includes(signedOut.statusCode));
  });

  it('takes a paper as a browser uploads it, and refuses a file that is not what its name says', async () => {
    const teignbridge = (await services.register.organisation('teignbridge')).orgId;
    const meeting = (
      await services.meetings.body(
        { accountId: null, keeps: [], clerkOf: [], orgIds: [] },
        teignbridge,
        executive,
      )
    ).upcoming.at(-1)!;
    const url = `/organisations/teignbridge/meetings/${meeting.meetingId}/papers`;
    const pdf = new TextEncoder().encode('%PDF-1.4\n%%EOF\n');
    const before = await counts();
    const bad = multipartForm(
      { _csrf: clerk.csrf, 'paper-title': 'Agenda', 'paper-kind': 'agenda', 'paper-item': '' },
      {
        name: 'agenda.docx',
        bytes: pdf,
        type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      },
    );
    const refused = await app.inject({
      method: 'POST',
      url,
      headers: { cookie: clerk.cookie, 'content-type': bad.contentType },
      payload: bad.payload,
    });
    assert.equal(refused.statusCode, 400);
    assert.match(refused.body, /href="#paper-file"/);
    assert.match(refused.body, /its name ends \.docx but it holds a PDF file/);
    assert.match(refused.body, /value="Agenda"/);
    assert.deepEqual(await counts(), before);
    const good = multipartForm(
      { _csrf: clerk.csrf, 'paper-title': 'Agenda', 'paper-kind': 'agenda', 'paper-item': '' },
      { name: 'agenda.pdf', bytes: pdf, type: 'application/pdf' },
    );
    const taken = await app.inject({
      method: 'POST',
      url,
      headers: { cookie: clerk.cookie, 'content-type': good.contentType },
      payload: good.payload,
    });
    assert.equal(taken.statusCode, 303);
    const page = await app.inject({
      method: 'GET',
      url: `/organisations/teignbridge/meetings/${meeting.meetingId}`,
      headers: { cookie: clerk.cookie },
    });
    assert.match(page.body, /PDF, 15 bytes/);
    assert.match(page.body, /Not scanned for viruses/);
    const href = /href="(\/organisations\/teignbridge\/papers\/\d+)"/.exec(page.body)![1]!;
    const download = await app.inject({ method: 'GET', url: href });
    assert.deepEqual(new Uint8Array(download.rawPayload), pdf);
    const noCsrf = multipartForm(
      { 'paper-title': 'Agenda', 'paper-kind': 'agenda' },
      { name: 'agenda.pdf', bytes: pdf, type: 'application/pdf' },
    );
    const forged = await app.inject({
      method: 'POST',
      url,
      headers: { cookie: clerk.cookie, 'content-type': noCsrf.contentType },
      payload: noCsrf.payload,
    });
    assert.equal(forged.statusCode, 403);
  });

  it('answers odd ids, keys and strings on every route below 500, writing nothing', async () => {
    const teignbridge = (await services.register.organisation('teignbridge')).orgId;
    const meeting = (
      await services.meetings.body(
        { accountId: null, keeps: [], clerkOf: [], orgIds: [] },
        teignbridge,
        executive,
      )
    ).upcoming.at(-1)!;
    const odd = fc.oneof(
      fc.constantFrom(
        '0',
        '-1',
        '1.5',
        '99999999999999999999',
        '9007199254740993',
        '%00',
        '%2e%2e',
        'NaN',
        ' ',
        '%F0%9F%98%80',
        'a'.repeat(120),
        '__proto__',
      ),
      fc.string({ maxLength: 20 }).map(encodeURIComponent),
    );
    const keys = fc.oneof(fc.constant('teignbridge'), fc.constant(String(teignbridge)), odd);
    const ids = fc.oneof(fc.constant(String(executive)), fc.constant(String(meeting.meetingId)), odd);
    const value = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.constantFrom('\u0000', '31', '2-30', '25:99', '9999', '', 'yes', 'no', 'x'.repeat(11_000)),
    );
    const routes = [
      ['GET', '/organisations/:key/bodies'],
      ['GET', '/organisations/:key/minutes'],
      ['GET', '/organisations/:key/bodies/:id'],
      ['GET', '/organisations/:key/bodies/:id/calendar.ics'],
      ['GET', '/organisations/:key/meetings/:id'],
      ['GET', '/organisations/:key/papers/:id'],
      ['POST', '/organisations/:key/bodies/:id/members'],
      ['POST', '/organisations/:key/bodies/:id/members/end'],
      ['POST', '/organisations/:key/bodies/:id/meetings'],
      ['POST', '/organisations/:key/meetings/:id/reschedule'],
      ['POST', '/organisations/:key/meetings/:id/cancel'],
      ['POST', '/organisations/:key/meetings/:id/items'],
      ['POST', '/organisations/:key/meetings/:id/papers'],
      ['POST', '/organisations/:key/meetings/:id/minutes'],
      ['POST', '/organisations/:key/meetings/:id/publish'],
    ] as const;
    const fields = [
      'member-name',
      'member-kind',
      'member-from-day',
      'member-from-month',
      'member-from-year',
      'end-member',
      'end-on-day',
      'meeting-date-day',
      'meeting-date-month',
      'meeting-date-year',
      'meeting-start',
      'meeting-end',
      'item-title',
      'item-exempt',
      'item-proposal',
      'minute-item',
      'minute-reference',
      'minute-text',
      'paper-item',
      'paper-kind',
      'publish-confirmed',
    ];
    const before = await counts();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        keys,
        ids,
        fc.dictionary(fc.constantFrom(...fields), value, { maxKeys: 6 }),
        fc.boolean(),
        async ([method, path], key, id, form, signedIn) => {
          const url = path.replace(':key', key).replace(':id', id);
          const response =
            method === 'GET'
              ? await app.inject({ method, url, headers: signedIn ? { cookie: otherClerk.cookie } : {} })
              : await app.inject({
                  method,
                  url,
                  headers: {
                    'content-type': 'application/x-www-form-urlencoded',
                    ...(signedIn ? { cookie: otherClerk.cookie } : {}),
                  },
                  payload: new URLSearchParams({
                    ...form,
                    ...(signedIn ? { _csrf: otherClerk.csrf } : {}),
                  }).toString(),
                });
          assert.ok(
            response.statusCode < 500,
            `${method} ${url} answered ${response.statusCode}: ${response.body.slice(0, 300)}`,
          );
        },
      ),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 150) },
    );
    assert.deepEqual(await counts(), before, 'another council’s clerk and the public change nothing');
    // As the clerk who keeps the body: whatever is sent, a refusal writes nothing.
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes.filter(([method]) => method === 'POST')),
        ids,
        fc.dictionary(fc.constantFrom(...fields), value, { maxKeys: 6 }),
        async ([method, path], id, form) => {
          const url = path.replace(':key', 'teignbridge').replace(':id', id);
          const was = await counts();
          const response = await app.inject({
            method,
            url,
            headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: clerk.cookie },
            payload: new URLSearchParams({ ...form, _csrf: clerk.csrf }).toString(),
          });
          assert.ok(
            response.statusCode < 500,
            `${method} ${url} answered ${response.statusCode}: ${response.body.slice(0, 300)}`,
          );
          if (response.statusCode >= 400)
            assert.deepEqual(await counts(), was, `${method} ${url} refused but wrote`);
        },
      ),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 60) },
    );
  });
});
