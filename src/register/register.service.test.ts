import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { openTestDatabase } from '../../test/support/database.ts';
import { loadFixture, type Fixture } from '../../test/support/fixtures.ts';
import type { Database } from '../db/engine.ts';
import { withTenant } from '../db/context.ts';
import { ProblemError, ValidationProblem } from '../platform/errors.ts';
import { PUBLIC_ACTOR, createRegisterService, type Actor, type RegisterService } from './register.service.ts';

const officerOf = (orgId: number, lgslCodes?: number[]): Actor => ({
  scope: { readOrgs: [orgId], writeOrgs: [orgId], accountId: null },
  accountId: null,
  mayChange: (o, s) => o === orgId && (!lgslCodes || lgslCodes.includes(s)),
});

describe('register service', () => {
  let database: Database;
  let register: RegisterService;
  let f: Fixture;

  before(async () => {
    database = await openTestDatabase();
    f = await loadFixture(database.db);
    register = createRegisterService(database.db);
  });
  after(() => database.close());

  it('records a change as a new row and reads the register as at any date', async () => {
    const exeter = officerOf(f.org.exeter);
    const first = await register.recordArrangement(exeter, {
      orgId: f.org.exeter,
      lgslCode: 524,
      validFrom: '2010-04-01',
      mode: 'retained',
      level: 'district',
      providerOrgId: f.org.exeter,
      reservedDecisions: ['Setting fees and charges'],
    });
    const second = await register.recordArrangement(exeter, {
      orgId: f.org.exeter,
      lgslCode: 524,
      validFrom: '2015-04-01',
      mode: 'lead_authority',
      level: 'district',
      providerOrgId: f.org.teignbridge,
      reservedDecisions: ['Setting fees and charges'],
      delegatedDecisions: ['Day-to-day operational management'],
      expectedCurrentId: first.arrangementId,
    });
    const asAt = async (date: string) =>
      (await register.arrangementsInForce(exeter, [f.org.exeter], date, [524]))[0]?.arrangementId;
    assert.equal(await asAt('2009-12-31'), undefined);
    assert.equal(await asAt('2010-04-01'), first.arrangementId);
    assert.equal(await asAt('2015-03-31'), first.arrangementId);
    assert.equal(await asAt('2015-04-01'), second.arrangementId);
    const history = await register.arrangementHistory(exeter, f.org.exeter, 524);
    assert.deepEqual(
      history.map((a) => [a.validFrom, a.mode, a.provider.name]),
      [
        ['2010-04-01', 'retained', 'Exeter City Council'],
        ['2015-04-01', 'lead_authority', 'Teignbridge District Council'],
      ],
    );
    const audit = await database.db
      .selectFrom('audit_log')
      .select(['action', 'entity_key'])
      .where('org_id', '=', f.org.exeter)
      .orderBy('audit_id')
      .execute();
    assert.deepEqual(audit, [
      { action: 'create', entity_key: `${f.org.exeter}:524` },
      { action: 'supersede', entity_key: `${f.org.exeter}:524` },
    ]);
  });

  it('ends an arrangement from a date without losing the earlier row', async () => {
    const actor = officerOf(f.org.teignbridge);
    const started = await register.recordArrangement(actor, {
      orgId: f.org.teignbridge,
      lgslCode: 530,
      validFrom: '2012-01-01',
      mode: 'retained',
      level: 'district',
      providerOrgId: f.org.teignbridge,
    });
    await register.recordArrangement(actor, {
      orgId: f.org.teignbridge,
      lgslCode: 530,
      validFrom: '2012-01-01',
      validTo: '2020-01-01',
      mode: 'retained',
      level: 'district',
      providerOrgId: f.org.teignbridge,
      expectedCurrentId: started.arrangementId,
    });
    assert.equal(
      (await register.arrangementsInForce(actor, [f.org.teignbridge], '2019-12-31', [530])).length,
      1,
    );
    assert.equal(
      (await register.arrangementsInForce(actor, [f.org.teignbridge], '2020-01-01', [530])).length,
      0,
    );
    assert.equal((await register.arrangementHistory(actor, f.org.teignbridge, 530)).length, 2);
  });

  it('refuses bad input with a message per field and saves nothing', async () => {
    const before = await database.db
      .selectFrom('arrangement')
      .select(sql<number>`count(*)::int`.as('n'))
      .executeTakeFirst();
    await assert.rejects(
      register.recordArrangement(officerOf(f.org.exeter), {
        orgId: f.org.exeter,
        lgslCode: 524,
        validFrom: '2021-02-30',
        validTo: '2020-01-01',
        mode: 'retained',
        level: 'cluster',
        providerOrgId: f.org.teignbridge,
        reservedDecisions: ['Budget'],
        delegatedDecisions: ['budget'],
      }),
      (error: unknown) => {
        assert.ok(error instanceof ValidationProblem);
        assert.deepEqual(Object.keys(error.fields).sort(), [
          'areaCode',
          'delegatedDecisions',
          'providerOrgId',
          'validFrom',
        ]);
        assert.match(
          error.fields.providerOrgId!,
          /retained service is provided by Exeter City Council itself/,
        );
        return true;
      },
    );
    const afterCount = await database.db
      .selectFrom('arrangement')
      .select(sql<number>`count(*)::int`.as('n'))
      .executeTakeFirst();
    assert.equal(afterCount?.n, before?.n);
  });

  it("refuses a change to another council's arrangements, and to services outside an officer's scope", async () => {
    const input = {
      orgId: f.org.teignbridge,
      lgslCode: 524,
      validFrom: '2022-04-01',
      mode: 'retained' as const,
      level: 'district' as const,
      providerOrgId: f.org.teignbridge,
    };
    await assert.rejects(register.recordArrangement(officerOf(f.org.exeter), input), (e: unknown) => {
      assert.ok(e instanceof ProblemError);
      assert.equal(e.status, 403);
      return true;
    });
    await assert.rejects(
      register.recordArrangement(officerOf(f.org.teignbridge, [530]), input),
      (e: unknown) => e instanceof ProblemError && e.status === 403,
    );
  });

  it('row-level security lets anyone read arrangement facts but not the notes column, and refuses other councils’ writes', async () => {
    const exeterScope = { readOrgs: [f.org.exeter], writeOrgs: [f.org.exeter], accountId: null };
    const seen = await withTenant(database.db, PUBLIC_ACTOR.scope, (tx) =>
      tx.selectFrom('arrangement').select('org_id').distinct().execute(),
    );
    assert.ok(seen.length > 1, 'the public reads more than one council’s arrangements');
    await assert.rejects(
      withTenant(database.db, PUBLIC_ACTOR.scope, (tx) =>
        tx.selectFrom('arrangement').select('notes').execute(),
      ),
      /permission denied/,
    );
    await assert.rejects(
      withTenant(database.db, exeterScope, (tx) =>
        tx
          .insertInto('arrangement')
          .values({
            org_id: f.org.teignbridge,
            lgsl_code: 524,
            valid_from: '2023-01-01',
            delivery_mode: 'retained',
            delivery_level: 'district',
            provider_org_id: f.org.teignbridge,
          })
          .execute(),
      ),
      /row-level security/,
    );
    await assert.rejects(
      withTenant(database.db, exeterScope, (tx) =>
        tx
          .updateTable('arrangement')
          .set({ notes: 'rewritten' })
          .where('org_id', '=', f.org.exeter)
          .execute(),
      ),
      /permission denied/,
    );
    await assert.rejects(
      withTenant(database.db, exeterScope, (tx) => tx.deleteFrom('audit_log').execute()),
      /permission denied/,
    );
  });

  it('refuses a change made against a version that is no longer the latest', async () => {
    const actor = officerOf(f.org.exeter);
    const history = await register.arrangementHistory(actor, f.org.exeter, 524);
    const stale = history[0]!.arrangementId;
    await assert.rejects(
      register.recordArrangement(actor, {
        orgId: f.org.exeter,
        lgslCode: 524,
        validFrom: '2024-04-01',
        mode: 'retained',
        level: 'district',
        providerOrgId: f.org.exeter,
        expectedCurrentId: stale,
      }),
      (e: unknown) => e instanceof ProblemError && e.status === 409 && /Someone else changed/.test(e.detail),
    );
  });

  it('of two concurrent edits from the same version, exactly one is saved', async () => {
    const actor = officerOf(f.org.exeter);
    const latest = (await register.arrangementHistory(actor, f.org.exeter, 524)).at(-1)!.arrangementId;
    const edit = (validFrom: string) =>
      register.recordArrangement(actor, {
        orgId: f.org.exeter,
        lgslCode: 524,
        validFrom,
        mode: 'retained',
        level: 'district',
        providerOrgId: f.org.exeter,
        expectedCurrentId: latest,
      });
    const results = await Promise.allSettled([edit('2025-04-01'), edit('2025-05-01')]);
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    assert.ok(rejected.reason instanceof ProblemError && rejected.reason.status === 409);
  });

  it('shows a partnership matrix with every member’s arrangements, to the public too', async () => {
    const matrix = await register.matrix(PUBLIC_ACTOR, 'test-devon', { date: '2016-01-01' });
    assert.deepEqual(
      matrix.members.map((m) => m.shortName),
      ['Devon', 'Exeter', 'Teignbridge'],
    );
    const row = matrix.cells[matrix.services.findIndex((s) => s.lgslCode === 524)]!;
    assert.equal(row[0]!.arrangement, null, 'Devon records no arrangement for 524');
    assert.equal(row[1]!.arrangement?.mode, 'lead_authority');
    assert.ok(
      row.every((c) => c.arrangement !== undefined),
      'no cell is hidden',
    );
    await assert.rejects(
      register.matrix(officerOf(f.org.exeter), 'no-such'),
      (e: unknown) => e instanceof ProblemError && e.status === 404,
    );
  });

  it('keeps internal notes (the default) for the council’s own people, and publishes public notes to everyone', async () => {
    const exeter = officerOf(f.org.exeter);
    const latest = async () =>
      (await register.arrangementHistory(exeter, f.org.exeter, 530)).at(-1)?.arrangementId;
    const internal = await register.recordArrangement(exeter, {
      orgId: f.org.exeter,
      lgslCode: 530,
      validFrom: '2030-04-01',
      mode: 'retained',
      level: 'district',
      providerOrgId: f.org.exeter,
      notes: 'Internal: crew rota under review',
      expectedCurrentId: (await latest()) ?? null,
    });
    assert.equal(internal.notesInternal, true, 'notes are internal unless marked public');
    assert.equal(
      internal.notes,
      'Internal: crew rota under review',
      'the officer who wrote them reads them back',
    );
    const published = await register.recordArrangement(exeter, {
      orgId: f.org.exeter,
      lgslCode: 530,
      validFrom: '2031-04-01',
      mode: 'retained',
      level: 'district',
      providerOrgId: f.org.exeter,
      notes: 'Collections move to a four-day week',
      notesInternal: false,
      expectedCurrentId: internal.arrangementId,
    });
    const notesSeenBy = async (actor: Actor) =>
      (await register.arrangementHistory(actor, f.org.exeter, 530))
        .filter(
          (a) => a.arrangementId === internal.arrangementId || a.arrangementId === published.arrangementId,
        )
        .map((a) => [a.notes, a.notesInternal]);
    assert.deepEqual(await notesSeenBy(exeter), [
      ['Internal: crew rota under review', true],
      ['Collections move to a four-day week', false],
    ]);
    for (const outsider of [PUBLIC_ACTOR, officerOf(f.org.teignbridge)]) {
      assert.deepEqual(await notesSeenBy(outsider), [
        [null, true],
        ['Collections move to a four-day week', false],
      ]);
      const inForce = await register.organisationArrangements(outsider, f.org.exeter, '2030-06-01');
      const row = inForce.find((a) => a.lgslCode === 530);
      assert.equal(row?.mode, 'retained', 'the arrangement itself is public');
      assert.equal(row?.notes, null);
      const history = await register.serviceHistory(outsider, 530);
      assert.ok(history.some((a) => a.arrangementId === internal.arrangementId));
      assert.ok(history.every((a) => !/crew rota/.test(a.notes ?? '')));
    }
  });
});
