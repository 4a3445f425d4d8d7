import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { openTestDatabase } from '../../../test/support/database.ts';
import { addTestPartnership } from '../../../test/support/fixtures.ts';
import type { Database } from '../../db/engine.ts';
import { withSystem, withTenant } from '../../db/context.ts';
import { ProblemError, ValidationProblem } from '../../platform/errors.ts';
import { createGeographyService } from '../../geography/geography.service.ts';
import { createResponsibleService } from '../../register/responsible.service.ts';
import { createCasesService, type CasesService } from './cases.service.ts';
import { dueDateFromServiceLevels } from '../service-levels/service-levels.ts';
import { RESIDENT, caseActorFor, type CaseActor } from './case-actor.ts';
import type { RoleGrant } from '../../platform/auth/principal.ts';
import { referencePrefix } from './case-reference.ts';

const HOUSEHOLD_WASTE = 524;
const HIGHWAYS = 160; // a county-tier service (GOV.UK providing tier county/unitary)

const problem = (status: number, pattern?: RegExp) => (error: unknown) =>
  error instanceof ProblemError && error.status === status && (!pattern || pattern.test(error.detail));

describe('cases service', () => {
  let database: Database;
  let cases: CasesService;
  /** The same service on a clock stopped at 10:00 on Christmas Eve 2026 (a Thursday). */
  let christmasEve: CasesService;
  const org: Record<string, number> = {};

  /** An officer of one organisation, who may handle every service of it. */
  const officerOf = (orgId: number, name = 'Sam Officer'): CaseActor => ({
    accountId: null,
    name,
    readOrgs: [orgId],
    writeOrgs: [orgId],
    frontDoorOrgs: [orgId],
    mayHandle: (o, p) => o === orgId || p === orgId,
    mayNote: (o, p) => o === orgId || p === orgId,
    mayRefer: (o, p) => o === orgId || p === orgId,
  });
  /** A contact-centre agent answering for several organisations: notes and referrals, no status. */
  const agentFor = (orgIds: number[]): CaseActor => ({
    accountId: null,
    name: 'Alex Agent',
    readOrgs: orgIds,
    writeOrgs: orgIds,
    frontDoorOrgs: orgIds,
    mayHandle: () => false,
    mayNote: (o, p) => orgIds.includes(o) || orgIds.includes(p),
    mayRefer: (o, p) => orgIds.includes(o) || orgIds.includes(p),
  });

  const report = (overrides: Partial<Parameters<CasesService['intake']>[1]> = {}) => ({
    lgslCode: HOUSEHOLD_WASTE,
    postcode: 'EX1 1AE',
    description: 'The bins in our street were not collected on Tuesday.',
    reporterName: 'Pat Resident',
    reporterEmail: 'Pat.Resident@example.org',
    channel: 'web' as const,
    ...overrides,
  });

  async function opened(overrides: Parameters<typeof report>[0] = {}, actor: CaseActor = RESIDENT) {
    const result = await cases.intake(actor, report(overrides));
    assert.equal(result.outcome, 'opened');
    return result.outcome === 'opened' ? result.case : assert.fail('not opened');
  }

  const count = async (
    table: 'service_case' | 'contact' | 'case_event' | 'outbox_message' | 'idempotency_key',
  ) =>
    Number(
      (
        await database.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  before(async () => {
    database = await openTestDatabase({ data: 'reference' });
    const geography = await createGeographyService(database.db);
    const responsible = createResponsibleService({ db: database.db, geography });
    cases = createCasesService({ db: database.db, responsible, dueDate: dueDateFromServiceLevels });
    christmasEve = createCasesService({
      db: database.db,
      responsible,
      dueDate: dueDateFromServiceLevels,
      now: () => new Date('2026-12-24T10:00:00Z'),
    });
    const rows = await database.db
      .selectFrom('organisation')
      .select(['org_id', 'jurisdiction'])
      .where('jurisdiction', 'in', ['devon', 'exeter', 'teignbridge', 'warwickshire', 'rugby'])
      .execute();
    for (const row of rows) org[row.jurisdiction!] = row.org_id;
    // Devon, Exeter and Teignbridge work together; Warwickshire is in a partnership of its own
    // (so the front door covers it, and it has no partner); Rugby is in none.
    await withSystem(database.db, async (tx) => {
      await addTestPartnership(tx, 'test-warwickshire', 'Test Warwickshire partnership', [org.warwickshire!]);
      await addTestPartnership(tx, 'test-devon', 'Test Devon partnership', [
        org.devon!,
        org.exeter!,
        org.teignbridge!,
      ]);
    });
  });
  after(() => database.close());

  describe('intake', () => {
    it('finds every council imported with a reference prefix of its own', async () => {
      const councils = await database.db
        .selectFrom('organisation')
        .select(['jurisdiction', 'case_prefix'])
        .where('gss_code', 'is not', null)
        .execute();
      assert.ok(councils.length > 300, `${councils.length} councils`);
      assert.ok(
        councils.every((c) => c.case_prefix !== null && /^[A-Z]{2,6}[0-9]{0,2}$/.test(c.case_prefix)),
      );
      assert.equal(new Set(councils.map((c) => c.case_prefix)).size, councils.length);
      const byslug = new Map(councils.map((c) => [c.jurisdiction, c.case_prefix]));
      assert.deepEqual(
        ['devon', 'exeter', 'west-oxfordshire', 'forest-of-dean'].map((s) => byslug.get(s)),
        ['DEV', 'EXE', 'WOX', 'FDE'],
      );
    });

    it('gives a council without a reference prefix one as its first case opens', async () => {
      const prefix = () =>
        database.db
          .selectFrom('organisation')
          .select('case_prefix')
          .where('org_id', '=', org.warwickshire!)
          .executeTakeFirstOrThrow();
      const before = (await prefix()).case_prefix;
      await withSystem(database.db, (tx) =>
        tx
          .updateTable('organisation')
          .set({ case_prefix: null })
          .where('org_id', '=', org.warwickshire!)
          .execute(),
      );
      const lights = await opened({
        lgslCode: 564,
        postcode: 'CV21 1BH',
        description: 'A street light is out.',
      });
      assert.equal(lights.responsible.name, 'Warwickshire County Council');
      const after = (await prefix()).case_prefix;
      assert.equal(after, before, 'the same prefix is given again');
      assert.equal(referencePrefix(lights.reference), after);
    });

    it('opens a case for the council responsible, with a reference in its own series', async () => {
      const before = { cases: await count('service_case'), outbox: await count('outbox_message') };
      const waste = await opened();
      assert.match(waste.reference, /^EXE-\d{4}-000001$/);
      assert.equal(waste.status, 'open');
      assert.equal(waste.responsible.name, 'Exeter City Council');
      assert.equal(waste.provider.name, 'Exeter City Council');
      assert.equal(waste.service.label, 'Household waste collection');

      const highways = await opened({ lgslCode: HIGHWAYS, description: 'A pothole outside number 4.' });
      assert.match(highways.reference, /^DEV-\d{4}-000001$/);
      assert.equal(highways.responsible.name, 'Devon County Council');

      const second = await opened();
      assert.match(second.reference, /^EXE-\d{4}-000002$/);
      assert.equal(await count('service_case'), before.cases + 3);
      // Each case tells the resident (by email) and the team that handles it.
      assert.equal(await count('outbox_message'), before.outbox + 6);
      const messages = await database.db
        .selectFrom('outbox_message')
        .select(['channel', 'template', 'recipient'])
        .where('case_reference', '=', waste.reference)
        .orderBy('message_id')
        .execute();
      assert.deepEqual(messages, [
        { channel: 'email', template: 'case_received', recipient: 'pat.resident@example.org' },
        { channel: 'staff', template: 'case_assigned', recipient: `organisation:${org.exeter}` },
      ]);
    });

    it('keeps who got in touch, on which channel and where, with the front door that took it', async () => {
      const agent = agentFor([org.exeter!, org.devon!]);
      const result = await cases.intake(agent, {
        ...report({ lgslCode: HIGHWAYS, description: 'Streetlight out on Queen Street.' }),
        channel: 'face_to_face',
        accessPoint: 'Exeter Civic Centre customer service centre',
        frontDoorOrgId: org.exeter!,
      });
      assert.equal(result.outcome, 'opened');
      if (result.outcome !== 'opened') return;
      assert.equal(result.case.responsible.name, 'Devon County Council');
      const detail = await cases.detail(agent, org.devon!, result.case.reference);
      assert.equal(detail.channel, 'face_to_face');
      assert.equal(detail.reporter.email, 'pat.resident@example.org');
      const contact = await database.db
        .selectFrom('contact')
        .select(['org_id', 'channel', 'access_point'])
        .orderBy('contact_id', 'desc')
        .executeTakeFirstOrThrow();
      assert.deepEqual(contact, {
        org_id: org.exeter,
        channel: 'face_to_face',
        access_point: 'Exeter Civic Centre customer service centre',
      });
    });

    it('asks the person to choose where a place could be two councils’, and opens the case once they do', async () => {
      const before = await count('service_case');
      const onTheBoundary = { postcode: undefined, lat: 50.692964, lon: -3.540154 };
      const asked = await cases.intake(RESIDENT, report(onTheBoundary));
      assert.equal(asked.outcome, 'ambiguous');
      if (asked.outcome !== 'ambiguous') return;
      assert.deepEqual(asked.candidates.map((c) => c.name).sort(), [
        'Exeter City Council',
        'Teignbridge District Council',
      ]);
      assert.equal(await count('service_case'), before, 'nothing is opened while the place is ambiguous');
      const chosen = await opened({ ...onTheBoundary, chooseOrgId: org.teignbridge! });
      assert.equal(chosen.responsible.name, 'Teignbridge District Council');
      assert.match(chosen.reference, /^TEI-/);
    });

    it('refuses bad input with a message per field, and writes nothing', async () => {
      const before = [await count('service_case'), await count('contact'), await count('outbox_message')];
      await assert.rejects(
        cases.intake(
          RESIDENT,
          report({ description: '   ', reporterEmail: 'not-an-email', reporterPhone: 'call me' }),
        ),
        (error: unknown) =>
          error instanceof ValidationProblem &&
          Object.keys(error.fields).join() === 'description,reporterEmail,reporterPhone',
      );
      await assert.rejects(
        cases.intake(RESIDENT, report({ description: 'x'.repeat(4001) })),
        (e: unknown) => e instanceof ValidationProblem && /4,000 characters/.test(e.fields.description ?? ''),
      );
      await assert.rejects(cases.intake(RESIDENT, report({ postcode: 'EX1 9ZZ' })), problem(404));
      await assert.rejects(cases.intake(RESIDENT, report({ lgslCode: 9999 })), problem(404));
      await assert.rejects(cases.intake(RESIDENT, report({ postcode: 'not a postcode' })), problem(400));
      assert.deepEqual(
        [await count('service_case'), await count('contact'), await count('outbox_message')],
        before,
      );
    });

    it('refuses a contact taken for an organisation the agent does not answer for', async () => {
      const agent = agentFor([org.exeter!]);
      await assert.rejects(
        cases.intake(agent, { ...report(), channel: 'phone', frontDoorOrgId: org.warwickshire! }),
        problem(403),
      );
    });
  });

  describe('service levels', () => {
    it('gives a case the due date of its council’s target, in working days past the bank holidays', async () => {
      await database.db
        .insertInto('bank_holiday')
        .values(
          [
            ['2026-12-25', 'Christmas Day'],
            ['2026-12-28', 'Boxing Day (substitute day)'],
            ['2027-01-01', 'New Year’s Day'],
          ].map(([holiday_date, title]) => ({
            division: 'england-and-wales' as const,
            holiday_date: holiday_date!,
            title: title!,
            source: 'test',
          })),
        )
        .onConflict((oc) => oc.doNothing())
        .execute();
      await withTenant(database.db, { readOrgs: [], writeOrgs: [org.exeter!], accountId: null }, (tx) =>
        tx
          .insertInto('service_level')
          .values([
            {
              org_id: org.exeter!,
              lgsl_code: HOUSEHOLD_WASTE,
              valid_from: '2026-01-01',
              target_amount: 5,
              target_unit: 'working_days',
            },
            {
              org_id: org.exeter!,
              lgsl_code: 530,
              valid_from: '2026-01-01',
              target_amount: 48,
              target_unit: 'hours',
            },
          ])
          .execute(),
      );
      const waste = await christmasEve.intake(RESIDENT, report());
      assert.ok(waste.outcome === 'opened');
      // Thursday 24 December: 29, 30, 31 December, 4 and 5 January are the five working days.
      assert.equal(waste.case.dueAt, '2027-01-05T23:59:59.999Z');
      const garden = await christmasEve.intake(RESIDENT, report({ lgslCode: 530 }));
      assert.ok(garden.outcome === 'opened');
      assert.equal(garden.case.dueAt, '2026-12-26T10:00:00.000Z');
      // No target for the county's highways: no due date.
      const highways = await christmasEve.intake(RESIDENT, report({ lgslCode: HIGHWAYS }));
      assert.ok(highways.outcome === 'opened');
      assert.equal(highways.case.dueAt, null);
      // Seen on 27 December, after its due time, the garden waste case is overdue; the waste one is not.
      const later = createCasesService({
        db: database.db,
        responsible: createResponsibleService({
          db: database.db,
          geography: await createGeographyService(database.db),
        }),
        dueDate: dueDateFromServiceLevels,
        now: () => new Date('2026-12-27T09:00:00Z'),
      });
      const exeter = officerOf(org.exeter!);
      assert.equal((await later.detail(exeter, org.exeter!, garden.case.reference)).overdue, true);
      assert.equal((await later.detail(exeter, org.exeter!, waste.case.reference)).overdue, false);

      // Waiting on the resident from Christmas Eve to Tuesday 29 December stops the clock for one
      // working day (the 29th): the due date moves from 5 to 6 January, and it is never overdue meanwhile.
      const paused = await christmasEve.pause(exeter, org.exeter!, waste.case.reference, {
        reason: 'Which side of the road are the bins on?',
        expectedVersion: 1,
      });
      assert.notEqual(paused.pausedAt, null);
      await assert.rejects(
        christmasEve.pause(exeter, org.exeter!, waste.case.reference, {
          reason: 'again',
          expectedVersion: 2,
        }),
        problem(409, /already waiting/),
      );
      const resumedOn29th = createCasesService({
        db: database.db,
        responsible: createResponsibleService({
          db: database.db,
          geography: await createGeographyService(database.db),
        }),
        dueDate: dueDateFromServiceLevels,
        now: () => new Date('2026-12-29T10:00:00Z'),
      });
      const resumed = await resumedOn29th.resume(exeter, org.exeter!, waste.case.reference, 2);
      assert.equal(resumed.pausedAt, null);
      assert.equal(resumed.dueAt, '2027-01-06T23:59:59.999Z');
      assert.deepEqual(
        resumed.events.slice(-2).map((e) => [e.kind, e.visibility]),
        [
          ['paused', 'public'],
          ['resumed', 'public'],
        ],
      );
      await assert.rejects(
        resumedOn29th.resume(exeter, org.exeter!, waste.case.reference, 3),
        problem(409, /not waiting/),
      );
      await assert.rejects(
        resumedOn29th.pause(agentFor([org.exeter!]), org.exeter!, waste.case.reference, {
          reason: 'x',
          expectedVersion: 3,
        }),
        problem(403),
      );
    });
  });

  describe('Idempotency-Key', () => {
    it('answers a repeat with the first answer and opens one case', async () => {
      const before = await count('service_case');
      const key = { caller: 'test-client', key: 'intake-repeat-1' };
      const first = await cases.intake(RESIDENT, report(), key);
      const again = await cases.intake(RESIDENT, report(), key);
      assert.deepEqual(again, first);
      assert.equal(await count('service_case'), before + 1);
    });

    it('refuses the same key with a different request, and changes nothing', async () => {
      const key = { caller: 'test-client', key: 'intake-repeat-2' };
      await cases.intake(RESIDENT, report(), key);
      const before = await count('service_case');
      await assert.rejects(
        cases.intake(RESIDENT, report({ description: 'Something else entirely.' }), key),
        problem(422, /already used for a different request/),
      );
      assert.equal(await count('service_case'), before);
    });

    it('opens one case when two requests with one key arrive together', async () => {
      const before = await count('service_case');
      const key = { caller: 'test-client', key: 'intake-race' };
      const [a, b] = await Promise.all([
        cases.intake(RESIDENT, report(), key),
        cases.intake(RESIDENT, report(), key),
      ]);
      assert.deepEqual(a, b);
      assert.equal(await count('service_case'), before + 1);
    });

    it('keeps keys apart per caller', async () => {
      const one = await cases.intake(RESIDENT, report(), { caller: 'client-one', key: 'same-key' });
      const two = await cases.intake(RESIDENT, report(), { caller: 'client-two', key: 'same-key' });
      assert.ok(one.outcome === 'opened' && two.outcome === 'opened');
      assert.notEqual(one.case.reference, two.case.reference);
    });
  });

  describe('status and notes', () => {
    it('moves a case on, records each change in its history, and tells the resident when it is done', async () => {
      const waste = await opened();
      const exeter = officerOf(org.exeter!);
      let detail = await cases.detail(exeter, org.exeter!, waste.reference);
      assert.equal(detail.version, 1);
      detail = await cases.changeStatus(exeter, org.exeter!, waste.reference, {
        status: 'investigating',
        expectedVersion: 1,
        internalNote: 'Crew sheet checked.',
      });
      detail = await cases.changeStatus(exeter, org.exeter!, waste.reference, {
        status: 'fixed',
        publicNote: 'Collected on Wednesday. Sorry for the delay.',
        expectedVersion: 2,
      });
      assert.equal(detail.status, 'fixed');
      assert.equal(detail.version, 3);
      assert.notEqual(detail.closedAt, null);
      assert.deepEqual(
        detail.events.map((e) => [e.kind, e.status, e.visibility]),
        [
          ['opened', 'open', 'public'],
          ['status', 'investigating', 'public'],
          ['note', null, 'internal'],
          ['status', 'fixed', 'public'],
        ],
      );
      const templates = await database.db
        .selectFrom('outbox_message')
        .select('template')
        .where('case_reference', '=', waste.reference)
        .where('channel', '=', 'email')
        .orderBy('message_id')
        .execute();
      assert.deepEqual(
        templates.map((t) => t.template),
        ['case_received', 'case_updated', 'case_closed'],
      );
      // A finished case only reopens.
      await assert.rejects(
        cases.changeStatus(exeter, org.exeter!, waste.reference, {
          status: 'in_progress',
          expectedVersion: 3,
        }),
        problem(409, /reopen it before/),
      );
      detail = await cases.changeStatus(exeter, org.exeter!, waste.reference, {
        status: 'reopened',
        expectedVersion: 3,
      });
      assert.equal(detail.closedAt, null);
    });

    it('refuses a change made against an old version, and saves nothing of it', async () => {
      const waste = await opened();
      const exeter = officerOf(org.exeter!);
      await cases.changeStatus(exeter, org.exeter!, waste.reference, {
        status: 'in_progress',
        expectedVersion: 1,
      });
      await assert.rejects(
        cases.changeStatus(exeter, org.exeter!, waste.reference, {
          status: 'fixed',
          publicNote: 'Done',
          expectedVersion: 1,
        }),
        problem(409, /Someone else changed this case/),
      );
      const detail = await cases.detail(exeter, org.exeter!, waste.reference);
      assert.equal(detail.status, 'in_progress');
      assert.equal(detail.events.length, 2);
    });

    it('lets only one of two simultaneous changes of one version through', async () => {
      const waste = await opened();
      const a = officerOf(org.exeter!, 'First Officer');
      const b = officerOf(org.exeter!, 'Second Officer');
      const results = await Promise.allSettled([
        cases.changeStatus(a, org.exeter!, waste.reference, { status: 'investigating', expectedVersion: 1 }),
        cases.changeStatus(b, org.exeter!, waste.reference, {
          status: 'action_scheduled',
          expectedVersion: 1,
        }),
      ]);
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      assert.ok(problem(409)(refused.reason));
      const detail = await cases.detail(a, org.exeter!, waste.reference);
      assert.equal(detail.version, 2);
      assert.equal(detail.events.filter((e) => e.kind === 'status').length, 1);
    });

    it('lets an agent write notes but not change the status', async () => {
      const waste = await opened();
      const agent = agentFor([org.exeter!]);
      const detail = await cases.addNote(agent, org.exeter!, waste.reference, {
        body: 'Resident rang again; told them it is in hand.',
        visibility: 'internal',
      });
      assert.equal(detail.events.at(-1)?.actorName, 'Alex Agent');
      await assert.rejects(
        cases.changeStatus(agent, org.exeter!, waste.reference, { status: 'fixed', expectedVersion: 1 }),
        problem(403),
      );
      await assert.rejects(
        cases.addNote(agent, org.exeter!, waste.reference, { body: ' ', visibility: 'internal' }),
        (e: unknown) => e instanceof ValidationProblem,
      );
    });
  });

  describe('another council’s cases', () => {
    it('cannot be read or changed by an officer of another council, even by a query that forgets its filter', async () => {
      const waste = await opened();
      const teignbridge = officerOf(org.teignbridge!);
      await assert.rejects(cases.detail(teignbridge, org.exeter!, waste.reference), problem(404));
      await assert.rejects(
        cases.changeStatus(teignbridge, org.exeter!, waste.reference, {
          status: 'fixed',
          expectedVersion: 1,
        }),
        problem(404),
      );
      await assert.rejects(
        cases.addNote(teignbridge, org.exeter!, waste.reference, { body: 'hello', visibility: 'internal' }),
        problem(404),
      );
      const seen = await withTenant(
        database.db,
        { readOrgs: [org.teignbridge!], writeOrgs: [org.teignbridge!], accountId: null },
        async (tx) => ({
          cases: await tx.selectFrom('service_case').select('reference').execute(),
          contacts: await tx.selectFrom('contact').select('contact_id').execute(),
          events: await tx.selectFrom('case_event').select('event_id').execute(),
          changed: await tx
            .updateTable('service_case')
            .set({ status: 'cancelled' })
            .where('reference', '=', waste.reference)
            .executeTakeFirst(),
        }),
      );
      assert.ok(seen.cases.every((c) => c.reference.startsWith('TEI-')));
      assert.equal(Number(seen.changed.numUpdatedRows), 0);
      const events = await withTenant(
        database.db,
        { readOrgs: [org.teignbridge!], writeOrgs: [org.teignbridge!], accountId: null },
        (tx) => tx.selectFrom('case_event').select('org_id').distinct().execute(),
      );
      assert.ok(events.every((e) => e.org_id === org.teignbridge));
    });
  });

  describe('referral', () => {
    it('passes a case to the county with its history, keeps one reference, and brings it back', async () => {
      // Reported to the district as waste, but it is a county matter.
      const waste = await opened({ description: 'Fly-tipped sofa blocking the highway verge.' });
      const exeter = officerOf(org.exeter!, 'Erin Exeter');
      const devon = officerOf(org.devon!, 'Dev Devon');
      await cases.addNote(exeter, org.exeter!, waste.reference, {
        body: 'Photo attached.',
        visibility: 'internal',
      });

      const referred = await cases.refer(exeter, org.exeter!, waste.reference, {
        toOrgId: org.devon!,
        reason: 'It is blocking the highway, which the county looks after.',
        expectedVersion: 1,
      });
      assert.equal(referred.status, 'referred');
      assert.equal(referred.referredTo?.name, 'Devon County Council');

      const atDevon = await cases.detail(devon, org.devon!, waste.reference);
      assert.equal(atDevon.status, 'open');
      assert.equal(atDevon.referredFrom?.name, 'Exeter City Council');
      assert.equal(atDevon.reporter.email, 'pat.resident@example.org');
      assert.deepEqual(
        atDevon.events.map((e) => [e.kind, e.from]),
        [
          ['opened', 'Exeter City Council'],
          ['note', 'Exeter City Council'],
          ['referred_in', null],
        ],
      );

      let tracked = await cases.track(waste.reference.toLowerCase());
      assert.equal(tracked.reference, waste.reference);
      assert.equal(tracked.responsible.name, 'Devon County Council');
      assert.deepEqual(
        tracked.holders.map((h) => h.name),
        ['Exeter City Council', 'Devon County Council'],
      );
      assert.ok(tracked.events.every((e) => e.visibility === 'public'));
      assert.ok(!JSON.stringify(tracked).includes('pat.resident'), 'tracking shows no personal data');

      // Devon sends it back: the same Exeter case reopens, without a second copy of its history.
      await cases.refer(devon, org.devon!, waste.reference, {
        toOrgId: org.exeter!,
        reason: 'Our inspector found it on private land.',
        expectedVersion: atDevon.version,
      });
      const back = await cases.detail(exeter, org.exeter!, waste.reference);
      assert.equal(back.status, 'reopened');
      assert.equal(back.events.filter((e) => e.kind === 'opened').length, 1);
      assert.equal(
        back.events.filter((e) => e.from === 'Devon County Council' && e.kind === 'referred_in').length,
        1,
      );
      tracked = await cases.track(waste.reference);
      assert.equal(tracked.responsible.name, 'Exeter City Council');
      assert.equal(tracked.status, 'reopened');
      assert.deepEqual(
        tracked.holders.map((h) => h.name),
        ['Exeter City Council', 'Devon County Council', 'Exeter City Council'],
      );
      const referralMails = await database.db
        .selectFrom('outbox_message')
        .select('personalisation')
        .where('case_reference', '=', waste.reference)
        .where('template', '=', 'case_referred')
        .execute();
      assert.equal(referralMails.length, 2);
    });

    it('refuses a referral of a finished case, to itself, or without a reason, and changes nothing', async () => {
      const waste = await opened();
      const exeter = officerOf(org.exeter!);
      await assert.rejects(
        cases.refer(exeter, org.exeter!, waste.reference, {
          toOrgId: org.devon!,
          reason: ' ',
          expectedVersion: 1,
        }),
        (e: unknown) => e instanceof ValidationProblem,
      );
      await assert.rejects(
        cases.refer(exeter, org.exeter!, waste.reference, {
          toOrgId: org.exeter!,
          reason: 'x',
          expectedVersion: 1,
        }),
        (e: unknown) => e instanceof ValidationProblem,
      );
      await cases.changeStatus(exeter, org.exeter!, waste.reference, { status: 'fixed', expectedVersion: 1 });
      await assert.rejects(
        cases.refer(exeter, org.exeter!, waste.reference, {
          toOrgId: org.devon!,
          reason: 'Belongs to the county.',
          expectedVersion: 2,
        }),
        problem(409, /only a case in hand can be referred/),
      );
      await assert.rejects(cases.detail(officerOf(org.devon!), org.devon!, waste.reference), problem(404));
    });

    it('lets an officer of another council refer nothing of a case they cannot see', async () => {
      const waste = await opened();
      await assert.rejects(
        cases.refer(officerOf(org.teignbridge!), org.exeter!, waste.reference, {
          toOrgId: org.teignbridge!,
          reason: 'Taking it',
          expectedVersion: 1,
        }),
        problem(404),
      );
    });

    it('lets no update move a case to another holder or provider: only a referral does', async () => {
      const waste = await opened({ description: 'Holder test: bins left out.' });
      const exeter = org.exeter!;
      const devon = org.devon!;
      const { caseId } = await withSystem(database.db, (tx) =>
        tx
          .selectFrom('service_case')
          .select('case_id as caseId')
          .where('org_id', '=', exeter)
          .where('reference', '=', waste.reference)
          .executeTakeFirstOrThrow(),
      );
      // Even a scope that may write for both councils cannot reassign the case by an update.
      const both = { readOrgs: [exeter, devon], writeOrgs: [exeter, devon], accountId: null };
      for (const column of ['provider_org_id', 'org_id', 'contact_org_id', 'referred_from_org_id']) {
        await assert.rejects(
          withTenant(database.db, both, (tx) =>
            sql`UPDATE service_case SET ${sql.ref(column)} = ${devon} WHERE org_id = ${exeter} AND case_id = ${caseId}`.execute(
              tx,
            ),
          ),
          /permission denied/,
          column,
        );
      }
      // The database's referral path wants a case of the same reference to come from.
      await assert.rejects(
        withTenant(database.db, both, (tx) =>
          sql`SELECT jointly_take_back_referred_case(${exeter}::bigint, ${caseId}::bigint, ${exeter}::bigint,
                ${caseId}::bigint, ${devon}::bigint, null)`.execute(tx),
        ),
        /cannot be referred from here|not the same case/,
      );
      const other = await opened({ description: 'Holder test: another report.' });
      const { otherId } = await withSystem(database.db, (tx) =>
        tx
          .selectFrom('service_case')
          .select('case_id as otherId')
          .where('org_id', '=', exeter)
          .where('reference', '=', other.reference)
          .executeTakeFirstOrThrow(),
      );
      await assert.rejects(
        withTenant(database.db, both, (tx) =>
          sql`SELECT jointly_take_back_referred_case(${exeter}::bigint, ${caseId}::bigint, ${exeter}::bigint,
                ${otherId}::bigint, ${devon}::bigint, null)`.execute(tx),
        ),
        /not the same case/,
      );
      const row = await withSystem(database.db, (tx) =>
        tx
          .selectFrom('service_case')
          .select(['org_id', 'provider_org_id', 'version'])
          .where('org_id', '=', exeter)
          .where('case_id', '=', caseId)
          .executeTakeFirstOrThrow(),
      );
      assert.deepEqual(row, { org_id: exeter, provider_org_id: exeter, version: 1 });
    });
  });

  /** A signed-in person's case actor, from their grants as the sign-in gives them. */
  const actorWith = (
    accountId: number,
    ...grants: Array<Partial<RoleGrant> & Pick<RoleGrant, 'orgId' | 'role'>>
  ) =>
    caseActorFor(
      {
        accountId,
        email: `person${accountId}@example.org`,
        displayName: `Person ${accountId}`,
        grants: grants.map((g) => ({ partnershipId: null, lgslCodes: null, ...g })),
      },
      async () => [],
    );
  const FLY_TIPPING = 587;
  const auditRows = (reference: string) =>
    database.db
      .selectFrom('audit_log')
      .select(['org_id', 'account_id', 'action', 'after'])
      .where('entity_key', '=', reference)
      .orderBy('audit_id')
      .execute();

  describe('referral targets', () => {
    it('refuses a referral to a council that is neither a partner nor named by the register, and changes nothing', async () => {
      const waste = await opened({ description: 'Referral to a stranger.' });
      const exeter = officerOf(org.exeter!);
      const before = await cases.detail(exeter, org.exeter!, waste.reference);
      const messages = await count('outbox_message');
      await assert.rejects(
        cases.refer(exeter, org.exeter!, waste.reference, {
          toOrgId: org.rugby!,
          reason: 'Sending it to Rugby.',
          expectedVersion: 1,
        }),
        (e: unknown) =>
          e instanceof ValidationProblem &&
          e.status === 400 &&
          /Rugby Borough Council is not a partner of Exeter City Council/.test(e.fields.toOrgId ?? ''),
      );
      const after = await cases.detail(exeter, org.exeter!, waste.reference);
      assert.equal(after.status, 'open');
      assert.equal(after.version, before.version);
      assert.equal(after.events.length, before.events.length);
      assert.equal(await count('outbox_message'), messages);
      const atRugby = await database.db
        .selectFrom('service_case')
        .select('case_id')
        .where('org_id', '=', org.rugby!)
        .where('reference', '=', waste.reference)
        .execute();
      assert.deepEqual(atRugby, []);
      // The list the desk offers comes from the same rule: the partners, never Rugby.
      const targets = await cases.referralTargets(exeter, org.exeter!, waste.reference);
      assert.deepEqual(
        targets.map((t) => t.name),
        ['Devon County Council', 'Teignbridge District Council'],
      );
      assert.ok(targets.every((t) => /^Partner in Test Devon partnership$/.test(t.why)));
    });

    it('lets a case go to whoever the register names for its service at its place', async () => {
      const lights = await opened({ lgslCode: 564, postcode: 'CV21 1BH', description: 'Light out.' });
      assert.equal(lights.responsible.name, 'Warwickshire County Council');
      const warwickshire = officerOf(org.warwickshire!);
      assert.deepEqual(await cases.referralTargets(warwickshire, org.warwickshire!, lights.reference), []);
      await assert.rejects(
        cases.refer(warwickshire, org.warwickshire!, lights.reference, {
          toOrgId: org.rugby!,
          reason: 'Rugby does the lights here.',
          expectedVersion: 1,
        }),
        (e: unknown) => e instanceof ValidationProblem,
      );
      // Once the register records that Rugby answers for street lights in its area, it may go there.
      await withSystem(database.db, (tx) =>
        tx
          .insertInto('responsibility_override')
          .values({
            org_id: org.rugby!,
            lgsl_code: 564,
            area_code: 'E07000220',
            valid_from: '2020-01-01',
            reason: 'Street lights handed to the borough (test)',
          })
          .execute(),
      );
      try {
        const targets = await cases.referralTargets(warwickshire, org.warwickshire!, lights.reference);
        assert.deepEqual(
          targets.map((t) => t.name),
          ['Rugby Borough Council'],
        );
        assert.match(targets[0]!.why, /^Responsible for .* at this place$/);
        const referred = await cases.refer(warwickshire, org.warwickshire!, lights.reference, {
          toOrgId: org.rugby!,
          reason: 'Rugby does the lights here.',
          expectedVersion: 1,
        });
        assert.equal(referred.referredTo?.name, 'Rugby Borough Council');
      } finally {
        await withSystem(database.db, (tx) =>
          tx.deleteFrom('responsibility_override').where('org_id', '=', org.rugby!).execute(),
        );
      }
    });

    it('tells the resident what was written for them once, keeps the reason for staff, and keeps the reported time and due date', async () => {
      const waste = await opened({ description: 'Verge blocked by a sofa.' });
      assert.ok(waste.dueAt, 'Exeter has a target for household waste');
      const exeter = officerOf(org.exeter!);
      const reason = 'Inspector says the verge is highway land: county matter.';
      const message = 'Devon’s highways team will contact you within a week.';
      await cases.refer(exeter, org.exeter!, waste.reference, {
        toOrgId: org.devon!,
        reason,
        residentMessage: message,
        expectedVersion: 1,
      });
      const tracked = await cases.track(waste.reference);
      const seen = JSON.stringify(tracked);
      assert.equal(seen.split(message).length - 1, 1, 'the message to the resident is shown once');
      assert.ok(!seen.includes(reason), 'the reason for staff is not shown to the resident');
      assert.equal(tracked.openedAt, waste.openedAt, 'the reported time stays the first report’s');
      assert.equal(tracked.dueAt, waste.dueAt, 'the due date is kept where Devon has no target of its own');
      assert.deepEqual(
        tracked.holders.map((h) => h.name),
        ['Exeter City Council', 'Devon County Council'],
      );
      const mail = await database.db
        .selectFrom('outbox_message')
        .select('personalisation')
        .where('case_reference', '=', waste.reference)
        .where('template', '=', 'case_referred')
        .executeTakeFirstOrThrow();
      const sent = JSON.stringify(mail.personalisation);
      assert.ok(sent.includes(message) && !sent.includes(reason));
      // Staff on both sides have the reason in the history, as staff only.
      const atExeter = await cases.detail(exeter, org.exeter!, waste.reference);
      const atDevon = await cases.detail(officerOf(org.devon!), org.devon!, waste.reference);
      for (const detail of [atExeter, atDevon]) {
        const withReason = detail.events.filter((e) => e.body.includes(reason));
        assert.ok(withReason.length >= 1 && withReason.every((e) => e.visibility === 'internal'));
      }
      assert.equal(atDevon.frontDoor?.name, 'Exeter City Council', 'the front door that took it is kept');
    });
  });

  describe('officers scoped to services', () => {
    it('keeps an officer granted only waste services away from a fly-tipping case of their own council', async () => {
      const flyTipping = await opened({
        lgslCode: FLY_TIPPING,
        reporterName: 'Fiona Flytip',
        description: 'Mattresses dumped in the lane.',
      });
      const bins = await opened({ reporterName: 'Fiona Flytip', description: 'Bins missed again.' });
      const waste = await actorWith(9001, {
        orgId: org.exeter!,
        role: 'officer',
        lgslCodes: [HOUSEHOLD_WASTE],
      });
      const ref = flyTipping.reference;
      await assert.rejects(cases.detail(waste, org.exeter!, ref), problem(404));
      await assert.rejects(
        cases.addNote(waste, org.exeter!, ref, { body: 'Seen it.', visibility: 'internal' }),
        problem(404),
      );
      await assert.rejects(
        cases.refer(waste, org.exeter!, ref, { toOrgId: org.devon!, reason: 'x', expectedVersion: 1 }),
        problem(404),
      );
      await assert.rejects(cases.referralTargets(waste, org.exeter!, ref), problem(404));
      await assert.rejects(
        cases.changeStatus(waste, org.exeter!, ref, { status: 'investigating', expectedVersion: 1 }),
        problem(404),
      );
      await assert.rejects(
        cases.pause(waste, org.exeter!, ref, { reason: 'Waiting', expectedVersion: 1 }),
        problem(404),
      );
      await assert.rejects(cases.resume(waste, org.exeter!, ref, 1), problem(404));
      const found = await cases.queue(waste, { search: 'Fiona Flytip' });
      assert.deepEqual(
        found.items.map((i) => i.reference),
        [bins.reference],
      );
      const all = await cases.queue(waste, { state: 'all', limit: 200 });
      assert.ok(all.items.every((i) => i.lgslCode === HOUSEHOLD_WASTE));
      assert.deepEqual([...new Set(all.counts.map((c) => c.lgslCode))], [HOUSEHOLD_WASTE]);
      // Their own service's case is theirs to work on.
      assert.equal((await cases.detail(waste, org.exeter!, bins.reference)).reference, bins.reference);
      // An officer of the council without a service list still has both.
      const everyService = await actorWith(9002, { orgId: org.exeter!, role: 'officer' });
      assert.equal((await cases.detail(everyService, org.exeter!, ref)).reference, ref);
    });
  });

  describe('audit', () => {
    it('records the opening, notes, pause and resume of a case in the same transaction', async () => {
      const officer = await actorWith(9003, { orgId: org.exeter!, role: 'officer' });
      const result = await cases.intake(officer, report({ description: 'Audit me.' }));
      assert.ok(result.outcome === 'opened');
      const ref = result.case.reference;
      await cases.addNote(officer, org.exeter!, ref, { body: 'Called the crew.', visibility: 'internal' });
      await cases.pause(officer, org.exeter!, ref, { reason: 'Which bin?', expectedVersion: 1 });
      await cases.resume(officer, org.exeter!, ref, 2);
      const rows = (await auditRows(ref)).filter((r) => r.action !== 'view');
      assert.deepEqual(
        rows.map((r) => [r.org_id, r.account_id, r.action]),
        [
          [org.exeter, 9003, 'create'],
          [org.exeter, 9003, 'update'],
          [org.exeter, 9003, 'update'],
          [org.exeter, 9003, 'update'],
        ],
      );
      assert.deepEqual((rows[0]!.after as Record<string, unknown>).lgslCode, HOUSEHOLD_WASTE);
      assert.deepEqual(rows[1]!.after, { event: 'note', visibility: 'internal' });
      // A failed note leaves no audit row.
      await assert.rejects(cases.addNote(officer, org.exeter!, ref, { body: ' ', visibility: 'internal' }));
      assert.equal((await auditRows(ref)).filter((r) => r.action !== 'view').length, 4);
    });

    it('records a search by a resident’s name: who searched and for what', async () => {
      const officer = await actorWith(9004, { orgId: org.exeter!, role: 'officer' });
      await opened({ reporterName: 'Serena Searchable' });
      await cases.queue(officer, { search: 'Serena Searchable' });
      const rows = await database.db
        .selectFrom('audit_log')
        .select(['org_id', 'account_id', 'after'])
        .where('action', '=', 'search')
        .where('account_id', '=', 9004)
        .execute();
      assert.deepEqual(rows, [
        { org_id: org.exeter, account_id: 9004, after: { search: 'Serena Searchable', found: 1 } },
      ]);
      // A list without a search records nothing.
      await cases.queue(officer);
      assert.equal(
        (
          await database.db
            .selectFrom('audit_log')
            .select('audit_id')
            .where('account_id', '=', 9004)
            .execute()
        ).length,
        1,
      );
    });

    it('records a view through the front door that took a case under the council that holds it too', async () => {
      const agent = await actorWith(9005, { orgId: org.exeter!, role: 'agent' });
      const result = await cases.intake(agent, {
        ...report({ lgslCode: HIGHWAYS, description: 'Pothole on Queen Street.' }),
        channel: 'phone',
        frontDoorOrgId: org.exeter!,
      });
      assert.ok(result.outcome === 'opened');
      assert.equal(result.case.responsible.name, 'Devon County Council');
      const detail = await cases.detail(agent, org.devon!, result.case.reference);
      assert.equal(detail.frontDoor?.name, 'Exeter City Council');
      const views = (await auditRows(result.case.reference)).filter((r) => r.action === 'view');
      assert.deepEqual(
        views.map((r) => [r.org_id, r.account_id]).sort(),
        [
          [org.devon, 9005],
          [org.exeter, 9005],
        ].sort(),
      );
    });
  });

  describe('queues', () => {
    it('lists a council’s cases in hand with counts per service, and finds one by reference, postcode or name', async () => {
      const mine = await opened({ reporterName: 'Quentin Queue', description: 'Queue test: bins.' });
      const exeter = officerOf(org.exeter!);
      const view = await cases.queue(exeter);
      assert.ok(view.items.length > 0 && view.items.every((i) => i.orgId === org.exeter));
      assert.ok(view.items.every((i) => !['fixed', 'closed', 'referred', 'cancelled'].includes(i.status)));
      const waste = view.counts.find((c) => c.lgslCode === HOUSEHOLD_WASTE);
      assert.ok(waste && waste.open >= 1);
      assert.equal(
        view.total,
        view.counts.reduce((sum, c) => sum + c.open, 0),
      );

      const byReference = await cases.queue(exeter, { search: ` ${mine.reference.toLowerCase()} ` });
      assert.deepEqual(
        byReference.items.map((i) => i.reference),
        [mine.reference],
      );
      const byName = await cases.queue(exeter, { search: 'quentin' });
      assert.deepEqual(
        byName.items.map((i) => i.reference),
        [mine.reference],
      );
      const byPostcode = await cases.queue(exeter, { search: 'ex11ae', limit: 500 });
      assert.ok(byPostcode.items.some((i) => i.reference === mine.reference));
      assert.ok(byPostcode.items.every((i) => i.postcode === 'EX1 1AE'));
    });

    it('shows nothing of another council’s cases, whatever is searched for', async () => {
      const mine = await opened({ reporterName: 'Private Person' });
      const teignbridge = officerOf(org.teignbridge!);
      const view = await cases.queue(teignbridge, { state: 'all', limit: 200 });
      assert.ok(view.items.every((i) => i.orgId === org.teignbridge));
      assert.deepEqual((await cases.queue(teignbridge, { search: mine.reference })).items, []);
      assert.deepEqual((await cases.queue(teignbridge, { search: 'Private Person' })).items, []);
      // Asking for another council's queue by id gives nothing either.
      assert.deepEqual((await cases.queue(teignbridge, { orgId: org.exeter! })).items, []);
    });
  });

  describe('tracking', () => {
    it('says a reference that does not exist is not found, without telling whose it would be', async () => {
      await assert.rejects(cases.track('EXE-2020-999999'), problem(404, /Check the reference/));
      await assert.rejects(cases.track('ZZZ-2026-000001'), problem(404));
      await assert.rejects(cases.track('not a reference'), problem(404));
    });
  });
});
