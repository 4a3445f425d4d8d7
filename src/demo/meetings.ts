/**
 * The demo's bodies and meetings, from the 2020 Vision seeds:
 * - Cotswold District Council's Cabinet, resolving in December 2014 what every partner council
 *   resolved (seed 002 §3.1, verbatim), informed by the Activist report (seed 004, attached as the
 *   paper when the seed file is there);
 * - West Oxfordshire's Finance and Management Overview & Scrutiny Committee of Wednesday 15 July
 *   2015, the meeting seed 002 was written for, with that report as its paper;
 * - the 2020 Vision Joint Committee, "a member board" of the four councils (002 Appendix A), with a
 *   member appointed by each, the programme's officers (004 §1.68) and two meetings on the
 *   timetable of 004 Table 7.4 and §1.63–1.64, one with an exempt item.
 * No person is named: members are named by their office. What the seeds do not give (exact dates
 * and times, who holds which seat, the minutes' words beyond the resolutions the seeds quote) is
 * marked illustrative.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Kysely } from 'kysely';
import type { DB } from '../db/index.ts';
import { OPERATOR, createGovernanceService, createMeetingService } from '../governance/index.ts';
import type { createRegisterService } from '../register/index.ts';

const VISION_REPORT = '004_2ab9354ca58d4887.txt';
const UPDATE_REPORT = '002_f7afd23be1ad2d36.txt';

/** A seed report's text, or undefined when the seeds are not beside the reference data. */
function seedFile(seedsDir: string, name: string): Uint8Array | undefined {
  const file = path.join(seedsDir, name);
  return existsSync(file) ? new Uint8Array(readFileSync(file)) : undefined;
}

export async function loadDemoMeetings(
  db: Kysely<DB>,
  register: ReturnType<typeof createRegisterService>,
  referenceDir = path.resolve('../shared/data'),
): Promise<void> {
  const seedsDir = path.resolve(referenceDir, '..', 'seeds');
  const meetings = createMeetingService({ db, register, scanPaper: async () => 'not_scanned' });
  const governance = createGovernanceService({ db, register });
  const vision = await register.partnership('2020-vision');
  const councils = vision.members.filter((m) => m.role !== 'vehicle');
  const committee = vision.members.find((m) => m.name === '2020 Vision Joint Committee')!;
  const bodyNamed = async (orgId: number, name: string) =>
    (await meetings.bodies(orgId)).own.find((b) => b.name === name)!;
  const at = (iso: string) => new Date(iso);

  // The Joint Committee: one member appointed by each council, and the programme's officers.
  const jc = await bodyNamed(committee.orgId, '2020 Vision Joint Committee');
  for (const council of councils) {
    await meetings.addMember(OPERATOR, committee.orgId, jc.bodyId, {
      name: `Member appointed by ${council.name}`,
      kind: 'councillor',
      representsOrgId: council.orgId,
      termFrom: '2015-02-01',
      illustrative: true,
    });
  }
  for (const [name, from, to] of [
    ['Programme Director', '2015-02-01', null],
    ['Interim Managing Director of the partnership venture', '2015-02-01', '2016-03-31'],
    ['Partnership Chief Executive', '2016-04-01', null],
  ] as const) {
    await meetings.addMember(OPERATOR, committee.orgId, jc.bodyId, {
      name,
      kind: 'officer',
      voting: false,
      termFrom: from,
      termTo: to,
      illustrative: true,
    });
  }
  const first = await meetings.scheduleMeeting(OPERATOR, committee.orgId, jc.bodyId, {
    startsAt: at('2015-03-18T14:00:00Z'),
    endsAt: at('2015-03-18T16:00:00Z'),
    illustrative: true,
  });
  const mou = await meetings.addItem(OPERATOR, committee.orgId, first.meetingId, {
    title: 'The interim joint committee and its memorandum of understanding',
    summary:
      'The partnership venture is managed on a transitional basis under an interim joint committee, operating ' +
      'initially under a memorandum of understanding to oversee the detailed programme plans and the final ' +
      'business case, new sharing projects, any services transferred to it, and the future agreements ' +
      '(seed 004 §1.63).',
  });
  const appointments = await meetings.addItem(OPERATOR, committee.orgId, first.meetingId, {
    title: 'Interim Lead Commissioner, Interim Managing Director and Programme Director',
    summary:
      'Appointments confirmed by Programme Board or Joint Committee (seed 004 Table 7.2, Recommendation 7.6).',
  });
  const candidates = await meetings.addItem(OPERATOR, committee.orgId, first.meetingId, {
    title: 'Interim appointments: the candidates from the ring-fenced officer pool',
    exempt: true,
    exemptReason: 'Paragraph 1: information relating to any individual (illustrative)',
  });
  for (const [position, reference, minute] of [
    [
      mou,
      'JC 1/15',
      'ILLUSTRATIVE. Resolved to adopt the memorandum of understanding for the interim period.',
    ],
    [appointments, 'JC 2/15', 'ILLUSTRATIVE. Resolved to confirm the three interim appointments.'],
    [candidates, 'JC 3/15', 'ILLUSTRATIVE. Considered in private.'],
  ] as const) {
    await meetings.recordMinute(OPERATOR, committee.orgId, first.meetingId, position, { reference, minute });
  }
  await meetings.publishMinutes(OPERATOR, committee.orgId, first.meetingId);

  const autumn = await meetings.scheduleMeeting(OPERATOR, committee.orgId, jc.bodyId, {
    startsAt: at('2015-09-23T13:00:00Z'),
    endsAt: at('2015-09-23T15:00:00Z'),
    illustrative: true,
  });
  await meetings.addItem(OPERATOR, committee.orgId, autumn.meetingId, {
    title: 'Final proposals and implementation plans for the partner authorities',
    summary:
      'The joint committee reports to the partner authorities in the autumn of 2015 on final proposals alongside ' +
      'implementation plans to take effect from 2016 onwards (seed 004 §1.64).',
  });
  await meetings.addItem(OPERATOR, committee.orgId, autumn.meetingId, {
    title: 'Whether to retain the joint committee or move to a company structure',
    summary: 'Programme Initiation, Summer 2015 (seed 004 Table 7.4).',
  });

  // Cotswold's Cabinet: the December 2014 resolution every council made (002 §3.1).
  const cotswold = councils.find((c) => c.gss === 'E07000079')!;
  const cabinet = await bodyNamed(cotswold.orgId, 'Cabinet');
  for (const [name, role] of [
    ['Leader of Cotswold District Council', 'Chair'],
    ['Deputy Leader of Cotswold District Council', 'Vice-chair'],
  ] as const) {
    await meetings.addMember(OPERATOR, cotswold.orgId, cabinet.bodyId, {
      name,
      kind: 'councillor',
      role,
      termFrom: '2014-05-22',
      illustrative: true,
    });
  }
  const december = await meetings.scheduleMeeting(OPERATOR, cotswold.orgId, cabinet.bodyId, {
    startsAt: at('2014-12-04T18:00:00Z'),
    illustrative: true,
  });
  const decision = await meetings.addItem(OPERATOR, cotswold.orgId, december.meetingId, {
    title:
      'A 2020 Vision for Joint Working: options for future delivery models and interim management arrangements',
    summary:
      'The decision was informed by a report drafted by Activist which set out a number of outcomes, ' +
      'recommendations and principles that the new Partnership Venture will need to deliver against (seed 002 §3.2).',
  });
  const report = seedFile(seedsDir, VISION_REPORT);
  if (report)
    await meetings.uploadPaper(OPERATOR, cotswold.orgId, december.meetingId, {
      kind: 'report',
      title:
        'A 2020 Vision for Joint Working: Report on Options for Future Delivery Models and Interim Management Arrangements (Activist Group, v3.0, 20 November 2014)',
      fileName: 'a-2020-vision-for-joint-working.txt',
      bytes: report,
      itemPosition: decision,
    });
  await meetings.recordMinute(OPERATOR, cotswold.orgId, december.meetingId, decision, {
    reference: 'CAB 12/14 (illustrative)',
    minute:
      'Resolved to: establish a shared services partnership venture in early 2015 between the four authorities, ' +
      'managed by a joint committee operating under a Memorandum of Understanding for an interim period pending a ' +
      'further decision in the autumn of 2015; establish the roles of Interim Lead Commissioner, Interim Managing ' +
      'Director of the partnership venture and the appointment of the Programme Director; and agree the creation of ' +
      'a project to develop effective commissioning arrangements for each authority, including exploring the ' +
      'potential for sharing commissioning functions where possible. (Seed 002 §3.1; the minute number and date are illustrative.)',
  });
  await meetings.publishMinutes(OPERATOR, cotswold.orgId, december.meetingId);

  // West Oxfordshire's scrutiny committee of 15 July 2015: the meeting and report of seed 002.
  const westOxfordshire = councils.find((c) => c.gss === 'E07000181')!;
  const scrutiny = await governance.createBody(OPERATOR, {
    orgId: westOxfordshire.orgId,
    name: 'Finance and Management Overview & Scrutiny Committee',
    kind: 'committee',
  });
  const july = await meetings.scheduleMeeting(OPERATOR, westOxfordshire.orgId, scrutiny.bodyId, {
    // Wednesday 15 July 2015; the seed gives the day, not the hour, so the time is illustrative.
    startsAt: at('2015-07-15T13:00:00Z'),
    illustrative: true,
  });
  const update = await meetings.addItem(OPERATOR, westOxfordshire.orgId, july.meetingId, {
    title: '2020 Vision Partnership Update – Principles and Organisational Model',
    summary:
      'To consider suggested principles and the organisational model for the 2020 Vision Partnership and the ' +
      'proposed services/functions to be initially retained. Recommendation: that the Committee notes the ' +
      'information set out in the report and makes such comments to the 2020 Vision Member Governance Board as ' +
      'Committee Members consider appropriate. (Seed 002 §1 and §2.)',
  });
  const updateReport = seedFile(seedsDir, UPDATE_REPORT);
  if (updateReport)
    await meetings.uploadPaper(OPERATOR, westOxfordshire.orgId, july.meetingId, {
      kind: 'report',
      title:
        '2020 Vision Partnership Update – Principles and Organisational Model: report of the 2020 Programme Team (24 June 2015)',
      fileName: '2020-vision-partnership-update.txt',
      bytes: updateReport,
      itemPosition: update,
    });
}
