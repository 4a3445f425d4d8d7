/**
 * Bodies and meetings through the meeting service and its pages, on the demo: who may record a
 * body's business (its council's clerk and the operator; not another council's clerk, the public
 * or the partnership administrator), exempt items and papers invisible to the public, every
 * refused paper writing nothing (wrong type, a mismatched extension, empty, too big, infected,
 * a scanner that fails), a paper's bytes coming back as they went in, the calendar feed's UID,
 * SEQUENCE and STATUS, and an audit row for each change.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { openDemoApp } from '../../test/support/app.ts';
import type { AppServices } from '../app/services.ts';
import { withSystem, type Database } from '../db/index.ts';
import { ProblemError, ValidationProblem } from '../platform/index.ts';
import { NOBODY, OPERATOR, type GovernanceActor } from './governance-actor.ts';
import { createMeetingService, type MeetingService, type ScanPaper } from './meeting.service.ts';
import { PAPER_MAX_BYTES } from './paper-check.ts';

const PDF = new TextEncoder().encode('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n');

/** The lines of an iCalendar text, unfolded (RFC 5545 §3.1). */
const icsLines = (text: string) => text.replace(/\r\n[ \t]/g, '').split(/\r\n/);
function events(text: string): Array<Record<string, string>> {
  const found: Array<Record<string, string>> = [];
  let current: Record<string, string> | undefined;
  for (const line of icsLines(text)) {
    if (line === 'BEGIN:VEVENT') current = {};
    else if (line === 'END:VEVENT') {
      found.push(current!);
      current = undefined;
    } else if (current) {
      const [name, ...rest] = line.split(':');
      current[name!.split(';')[0]!] = rest.join(':');
    }
  }
  return found;
}

describe('bodies and meetings', () => {
  let app: FastifyInstance;
  let services: AppServices;
  let database: Database;
  let close: () => Promise<void>;
  let cotswold: number;
  let teignbridge: number;
  let committee: number;
  let cabinetId: number;
  let jcId: number;
  const clerk = (orgId: number): GovernanceActor => ({
    ...NOBODY,
    accountId: null,
    clerkOf: [orgId],
    orgIds: [orgId],
  });
  const count = (table: 'meeting_paper' | 'audit_log' | 'meeting' | 'body_member' | 'agenda_item') =>
    withSystem(database.db, async (tx) =>
      Number(
        (await sql<{ n: string }>`select count(*) as n from ${sql.table(table)}`.execute(tx)).rows[0]!.n,
      ),
    );
  const withScanner = (scanPaper: ScanPaper): MeetingService =>
    createMeetingService({ db: database.db, register: services.register, scanPaper });

  before(async () => {
    ({ app, services, database, close } = await openDemoApp());
    cotswold = (await services.register.organisation('E07000079')).orgId;
    teignbridge = (await services.register.organisation('E07000045')).orgId;
    const vision = await services.register.partnership('2020-vision');
    committee = vision.members.find((m) => m.name === '2020 Vision Joint Committee')!.orgId;
    cabinetId = (await services.meetings.bodies(cotswold)).own.find((b) => b.name === 'Cabinet')!.bodyId;
    jcId = (await services.meetings.bodies(committee)).own[0]!.bodyId;
  });
  after(() => close?.());

  it('lets only the keeping council’s clerk and the operator record a body’s business', async () => {
    const vision = await services.register.partnership('2020-vision');
    const admin: GovernanceActor = {
      ...NOBODY,
      keeps: [{ partnershipId: vision.partnershipId, orgId: cotswold }],
      orgIds: [cotswold],
    };
    const member = { name: 'Cabinet Member for Finance', kind: 'councillor', termFrom: '2027-05-21' };
    const before = await count('body_member');
    for (const actor of [NOBODY, clerk(teignbridge), admin]) {
      await assert.rejects(
        services.meetings.addMember(actor, cotswold, cabinetId, member),
        (e: unknown) => e instanceof ProblemError && e.status === 403,
      );
      await assert.rejects(
        services.meetings.scheduleMeeting(actor, cotswold, cabinetId, {
          startsAt: new Date('2027-01-01T10:00:00Z'),
        }),
        (e: unknown) => e instanceof ProblemError && e.status === 403,
      );
    }
    assert.equal(await count('body_member'), before);
    const added = await services.meetings.addMember(clerk(cotswold), cotswold, cabinetId, member);
    assert.equal(added.state, 'future');
    const ended = await services.meetings.endTerm(OPERATOR, cotswold, added.memberId, '2028-05-20');
    assert.equal(ended.termTo, '2028-05-20');
    await assert.rejects(
      services.meetings.endTerm(clerk(cotswold), cotswold, added.memberId, '2028-05-21'),
      ValidationProblem,
    );
  });

  it('shows the public the Joint Committee’s members by office, and hides its exempt item from them', async () => {
    const body = await services.meetings.body(NOBODY, committee, jcId);
    assert.deepEqual(
      body.current
        .filter((m) => m.kind === 'councillor')
        .map((m) => m.represents?.name)
        .sort(),
      [
        'Cheltenham Borough Council',
        'Cotswold District Council',
        'Forest of Dean District Council',
        'West Oxfordshire District Council',
      ],
    );
    assert.deepEqual(
      body.past.map((m) => m.name),
      ['Interim Managing Director of the partnership venture'],
    );
    assert.equal(body.mayManage, false);
    const first = body.held.at(-1)!;
    const publicView = await services.meetings.meeting(NOBODY, committee, first.meetingId);
    assert.equal(publicView.items.length, 2);
    assert.ok(publicView.items.every((i) => !i.exempt));
    assert.equal(publicView.heldInPrivate, true);
    const staffView = await services.meetings.meeting(clerk(committee), committee, first.meetingId);
    assert.equal(staffView.items.length, 3);
    assert.equal(staffView.heldInPrivate, false);
    const page = await app.inject({
      method: 'GET',
      url: `/organisations/${committee}/meetings/${first.meetingId}`,
    });
    assert.equal(page.statusCode, 200);
    assert.doesNotMatch(page.body, /candidates|Paragraph 1|JC 3\/15/);
    assert.match(page.body, /Part of this meeting was held in private/);
    assert.match(page.body, /JC 1\/15/, 'published minutes are public');
  });

  it('refuses a paper of the wrong type, a mismatched extension, an empty or oversized file, writing nothing', async () => {
    const meeting = await services.meetings.scheduleMeeting(clerk(cotswold), cotswold, cabinetId, {
      startsAt: new Date('2027-02-01T18:00:00Z'),
      location: 'Council Chamber',
    });
    const papers = await count('meeting_paper');
    const audits = await count('audit_log');
    const cases: Array<[string, Uint8Array, RegExp]> = [
      ['virus.exe', PDF, /must be a PDF, Word document/],
      ['report.docx', PDF, /not a Word document \(DOCX\) file: its name ends \.docx but it holds a PDF file/],
      ['empty.pdf', new Uint8Array(0), /is empty/],
      ['large.txt', new Uint8Array(PAPER_MAX_BYTES + 1).fill(65), /smaller than 20\.0 MB/],
      ['binary.txt', new Uint8Array([65, 0, 66]), /UTF-8/],
      ['notes.txt', new Uint8Array([0x41, 0xc3, 0x28]), /UTF-8/],
    ];
    for (const [fileName, bytes, message] of cases) {
      await assert.rejects(
        services.meetings.uploadPaper(clerk(cotswold), cotswold, meeting.meetingId, {
          kind: 'report',
          title: 'A report',
          fileName,
          bytes,
        }),
        (e: unknown) => e instanceof ValidationProblem && message.test(e.fields.file ?? ''),
        fileName,
      );
    }
    assert.equal(await count('meeting_paper'), papers);
    assert.equal(await count('audit_log'), audits);
  });

  it('refuses an infected file (audited) and any file when the scanner fails, keeping neither', async () => {
    const meeting = (await services.meetings.body(OPERATOR, cotswold, cabinetId)).upcoming[0]!;
    const papers = await count('meeting_paper');
    const audits = await count('audit_log');
    const input = { kind: 'report', title: 'Report', fileName: 'report.pdf', bytes: PDF };
    await assert.rejects(
      withScanner(async () => 'infected').uploadPaper(clerk(cotswold), cotswold, meeting.meetingId, input),
      (e: unknown) => e instanceof ValidationProblem && /contains a virus/.test(e.fields.file!),
    );
    await assert.rejects(
      withScanner(async () => {
        throw new Error('clamd is not running');
      }).uploadPaper(clerk(cotswold), cotswold, meeting.meetingId, input),
      (e: unknown) => e instanceof ValidationProblem && /virus scan could not run/.test(e.fields.file!),
    );
    assert.equal(await count('meeting_paper'), papers);
    assert.equal(await count('audit_log'), audits + 2);
    const refusals = await withSystem(database.db, (tx) =>
      tx.selectFrom('audit_log').select(['action', 'entity_type']).where('action', '=', 'refuse').execute(),
    );
    assert.equal(refusals.length, 2);
  });

  it('gives a paper back byte for byte as a download, and an exempt paper only to its council', async () => {
    const meeting = (await services.meetings.body(OPERATOR, cotswold, cabinetId)).upcoming[0]!;
    const bytes = new Uint8Array([...new TextEncoder().encode('Item,Cost\nWaste,£1\n')]);
    const open = await services.meetings.uploadPaper(clerk(cotswold), cotswold, meeting.meetingId, {
      kind: 'appendix',
      title: 'Costs',
      fileName: '../../etc/Costs "2027".csv',
      bytes,
    });
    assert.equal(open.mediaType, 'text/csv');
    assert.equal(open.scan, 'not_scanned');
    const download = await app.inject({
      method: 'GET',
      url: `/organisations/cotswold/papers/${open.paperId}`,
    });
    assert.equal(download.statusCode, 200);
    assert.deepEqual(new Uint8Array(download.rawPayload), bytes);
    assert.match(String(download.headers['content-type']), /^text\/csv/);
    assert.equal(download.headers['x-content-type-options'], 'nosniff');
    assert.match(String(download.headers['content-disposition']), /^attachment; filename="Costs 2027\.csv"/);
    const exempt = await services.meetings.uploadPaper(clerk(cotswold), cotswold, meeting.meetingId, {
      kind: 'report',
      title: 'Exempt report',
      fileName: 'exempt.pdf',
      bytes: PDF,
      exempt: true,
    });
    assert.equal(
      (await app.inject({ method: 'GET', url: `/organisations/cotswold/papers/${exempt.paperId}` }))
        .statusCode,
      404,
    );
    await assert.rejects(
      services.meetings.paper(NOBODY, cotswold, exempt.paperId),
      (e: unknown) => e instanceof ProblemError && e.status === 404,
    );
    assert.deepEqual((await services.meetings.paper(clerk(cotswold), cotswold, exempt.paperId)).content, PDF);
    const page = await app.inject({
      method: 'GET',
      url: `/organisations/cotswold/meetings/${meeting.meetingId}`,
    });
    assert.match(page.body, /Costs/);
    assert.doesNotMatch(page.body, /Exempt report/);
  });

  it('publishes a calendar whose events keep their UID, raise SEQUENCE on a reschedule and say CANCELLED', async () => {
    const meeting = await services.meetings.scheduleMeeting(clerk(cotswold), cotswold, cabinetId, {
      startsAt: new Date('2027-03-01T18:00:00Z'),
      endsAt: new Date('2027-03-01T20:00:00Z'),
      location: 'Trinity Road, Cirencester',
    });
    const feed = async () => {
      const response = await app.inject({
        method: 'GET',
        url: `/organisations/cotswold/bodies/${cabinetId}/calendar.ics`,
      });
      assert.equal(response.statusCode, 200);
      assert.equal(response.headers['content-type'], 'text/calendar; charset=utf-8');
      return events(response.body).find((e) => e.UID === meeting.uid)!;
    };
    let event = await feed();
    assert.equal(event.SEQUENCE, '0');
    assert.equal(event.DTSTART, '20270301T180000Z');
    assert.equal(event.DTEND, '20270301T200000Z');
    assert.equal(event.LOCATION, 'Trinity Road\\, Cirencester');
    assert.match(event.URL!, new RegExp(`/organisations/cotswold/meetings/${meeting.meetingId}$`));
    assert.equal(event.STATUS, 'CONFIRMED');
    const audits = await count('audit_log');
    await services.meetings.rescheduleMeeting(clerk(cotswold), cotswold, meeting.meetingId, {
      startsAt: new Date('2027-03-02T18:00:00Z'),
      endsAt: null,
      location: 'Trinity Road, Cirencester',
    });
    event = await feed();
    assert.equal(event.SEQUENCE, '1');
    assert.equal(event.DTSTART, '20270302T180000Z');
    await services.meetings.cancelMeeting(clerk(cotswold), cotswold, meeting.meetingId);
    event = await feed();
    assert.equal(event.SEQUENCE, '2');
    assert.equal(event.STATUS, 'CANCELLED');
    assert.equal(await count('audit_log'), audits + 2);
    assert.equal(
      (await count('meeting')) > 0 &&
        (await services.meetings.meeting(NOBODY, cotswold, meeting.meetingId)).meeting.cancelled,
      true,
      'a cancelled meeting keeps its row',
    );
  });

  it('records an item, its minute once the meeting has started, and publishes the minutes, auditing each', async () => {
    const meeting = await services.meetings.scheduleMeeting(clerk(cotswold), cotswold, cabinetId, {
      startsAt: new Date(Date.now() - 3_600_000),
    });
    const future = (await services.meetings.body(OPERATOR, cotswold, cabinetId)).upcoming.find(
      (m) => !m.cancelled,
    )!;
    const audits = await count('audit_log');
    const proposals = await services.governance.proposals(NOBODY, 'integrated-devon');
    const position = await services.meetings.addItem(clerk(cotswold), cotswold, meeting.meetingId, {
      title: 'Shared licensing',
      proposalId: proposals[0]!.id,
    });
    await assert.rejects(
      services.meetings.addItem(clerk(cotswold), cotswold, meeting.meetingId, {
        title: 'Bad',
        proposalId: '00000000-0000-4000-8000-000000000000',
      }),
      (e: unknown) => e instanceof ValidationProblem && 'proposalId' in e.fields,
    );
    await assert.rejects(
      services.meetings.addItem(clerk(cotswold), cotswold, meeting.meetingId, {
        title: 'Private',
        exempt: true,
      }),
      (e: unknown) => e instanceof ValidationProblem && 'exemptReason' in e.fields,
    );
    const futureItem = await services.meetings.addItem(clerk(cotswold), cotswold, future.meetingId, {
      title: 'Later',
    });
    await assert.rejects(
      services.meetings.recordMinute(clerk(cotswold), cotswold, future.meetingId, futureItem, {
        reference: 'C 1',
        minute: 'Too early',
      }),
      (e: unknown) =>
        e instanceof ValidationProblem && /once the meeting has started/.test(e.fields.position!),
    );
    await assert.rejects(
      services.meetings.publishMinutes(clerk(cotswold), cotswold, meeting.meetingId),
      ValidationProblem,
    );
    await services.meetings.recordMinute(clerk(cotswold), cotswold, meeting.meetingId, position, {
      reference: 'CAB 1/27',
      minute: 'Resolved.',
    });
    assert.equal(
      (await services.meetings.meeting(NOBODY, cotswold, meeting.meetingId)).items[0]!.minute,
      null,
      'not public before publication',
    );
    const published = await services.meetings.publishMinutes(clerk(cotswold), cotswold, meeting.meetingId, {
      confirmed: 'CAB 2/27',
    });
    assert.ok(published.minutesPublishedOn);
    const view = await services.meetings.meeting(NOBODY, cotswold, meeting.meetingId);
    assert.equal(view.items[0]!.minute, 'Resolved.');
    assert.equal(view.items[0]!.proposal?.id, proposals[0]!.id);
    assert.equal(await count('audit_log'), audits + 4);
    assert.ok((await services.meetings.minutes(cotswold)).some((m) => m.meetingId === meeting.meetingId));
    const minutesPage = await app.inject({ method: 'GET', url: '/organisations/cotswold/minutes' });
    assert.equal(minutesPage.statusCode, 200);
    assert.match(minutesPage.body, /Cabinet/);
  });
});
