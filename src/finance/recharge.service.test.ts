/**
 * Recharge runs over the demo's 2025-26 pools, through the finance service as every caller uses
 * it: runs add up to their pools and to the ledger lines behind them, the same inputs give the
 * same pence, an issued run never changes, a correction supersedes it, and each role reaches only
 * what docs/access.md says. Figures are read from the database or the ledger, never from a copy
 * of the rule.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { openTestDatabase } from '../../test/support/database.ts';
import { rejectsWithProblem } from '../../test/support/problems.ts';
import type { Database } from '../db/engine.ts';
import { withSystem, withTenant } from '../db/index.ts';
import { ProblemError, ValidationProblem } from '../platform/index.ts';
import { createRegisterService } from '../register/index.ts';
import { caseloadByCouncil } from '../frontdoor/index.ts';
import { NOBODY, OPERATOR, type FinanceActor } from './finance-actor.ts';
import { createFinanceService, type FinanceService } from './recharge.service.ts';

const YEAR = '2025-26';
const CHELTENHAM = 'E07000078';
const WEST_OXFORDSHIRE = 'E07000181';

const rejects = rejectsWithProblem;

describe('recharge runs', () => {
  let database: Database;
  let finance: FinanceService;
  const orgs = new Map<string, number>();
  let visionId: number;
  let devonId: number;
  let lead: FinanceActor;
  let devonLead: FinanceActor;
  let cheltenhamOfficer: FinanceActor;
  let westDevonOfficer: FinanceActor;
  let westOxfordshireCouncillor: FinanceActor;

  before(async () => {
    database = await openTestDatabase({ data: 'demo' });
    finance = createFinanceService({
      db: database.db,
      register: createRegisterService(database.db),
      caseload: (query) => caseloadByCouncil(database.db, query),
    });
    const rows = await withSystem(database.db, (tx) =>
      tx.selectFrom('organisation').select(['org_id', 'gss_code', 'jurisdiction']).execute(),
    );
    for (const r of rows) {
      if (r.gss_code) orgs.set(r.gss_code, r.org_id);
      if (r.jurisdiction) orgs.set(r.jurisdiction, r.org_id);
    }
    const partnerships = await withSystem(database.db, (tx) =>
      tx.selectFrom('partnership').select(['partnership_id', 'slug']).execute(),
    );
    visionId = partnerships.find((p) => p.slug === '2020-vision')!.partnership_id;
    devonId = partnerships.find((p) => p.slug === 'integrated-devon')!.partnership_id;
    const actor = (a: Partial<FinanceActor>): FinanceActor => ({ ...NOBODY, accountId: null, ...a });
    lead = actor({ leads: [{ partnershipId: visionId, orgId: orgs.get('cotswold')! }] });
    devonLead = actor({ leads: [{ partnershipId: devonId, orgId: orgs.get('south-hams')! }] });
    cheltenhamOfficer = actor({ financeOfficerOf: [orgs.get(CHELTENHAM)!] });
    westDevonOfficer = actor({ financeOfficerOf: [orgs.get('west-devon')!] });
    westOxfordshireCouncillor = actor({ councillorOf: [orgs.get(WEST_OXFORDSHIRE)!] });
  });
  after(() => database.close());

  it('gives every demo council a statement whose lines add up, and whose runs add up to the ledger lines behind them', async () => {
    for (const [slug, gss] of [
      ['2020-vision', CHELTENHAM],
      ['2020-vision', WEST_OXFORDSHIRE],
      ['integrated-devon', 'E07000044'],
      ['integrated-devon', 'E07000047'],
    ] as const) {
      const statement = await finance.statement(OPERATOR, slug, gss, YEAR);
      assert.ok(statement.items.length > 0, `${gss} has a statement`);
      assert.equal(statement.notYetRun.length, 0);
      assert.equal(
        statement.totalPence,
        statement.items.reduce((sum, i) => sum + i.line.amountPence, 0n),
      );
      for (const { run } of statement.items) {
        assert.equal(run.state, 'issued');
        assert.equal(
          run.lines.reduce((sum, l) => sum + l.amountPence, 0n),
          run.totalPence,
          run.pool.name,
        );
        if (run.kind !== 'recharge') continue;
        // The ledger lines behind the run, summed by the database, are the run's total.
        const ledger = await finance.ledgerLines(OPERATOR, run.pool.id, YEAR, { limit: 500, offset: 0 });
        assert.equal(ledger.total.pence, run.totalPence, run.pool.name);
        assert.equal(
          ledger.lines.reduce((sum, l) => sum + BigInt(l.amountPence), 0n),
          run.totalPence,
          `${run.pool.name}: the ledger lines listed add up to the run`,
        );
      }
    }
  });

  it('gives the same pence for the same inputs, and a correction supersedes the run it corrects once issued', async () => {
    const [issued] = (await finance.runs(lead, '2020-vision', YEAR)).filter(
      (r) => r.pool.name === 'ICT' && r.state === 'issued',
    );
    assert.ok(issued);
    await rejects(finance.runPool(lead, issued.pool.id, YEAR), 400, /already has an issued run/);
    const draft = await finance.runPool(lead, issued.pool.id, YEAR, {
      reason: 'Checked the Census figures again',
    });
    assert.equal(draft.state, 'draft');
    assert.equal(draft.corrects, issued.id);
    assert.deepEqual(
      draft.lines.map((l) => [l.gss, l.amountPence, l.explanation]),
      issued.lines.map((l) => [l.gss, l.amountPence, l.explanation]),
    );
    const done = await finance.issue(lead, draft.id);
    assert.equal(done.state, 'issued');
    const old = await finance.run(lead, issued.id);
    assert.equal(old.state, 'superseded');
    assert.equal(old.supersededBy, draft.id);
    await rejects(finance.issue(lead, draft.id), 409, /only a draft can be issued/);
    const audit = await withSystem(database.db, (tx) =>
      tx
        .selectFrom('audit_log')
        .select(['action', 'entity_key'])
        .where('entity_type', '=', 'recharge_run')
        .where('entity_key', '=', draft.id)
        .orderBy('audit_id')
        .execute(),
    );
    assert.deepEqual(
      audit.map((a) => a.action),
      ['create', 'supersede'],
    );
  });

  it('never changes an issued run, even for the owner: its lines, its total, its state back to draft', async () => {
    const [run] = (await finance.runs(OPERATOR, '2020-vision', YEAR)).filter((r) => r.state === 'issued');
    assert.ok(run);
    const attempts = [
      sql`update recharge_line set amount_pence = amount_pence + 1 where run_id = ${run.id}::uuid`,
      sql`update recharge_run set total_pence = total_pence + 1 where run_id = ${run.id}::uuid`,
      sql`update recharge_run set state = 'draft', issued_at = null where run_id = ${run.id}::uuid`,
      sql`delete from recharge_line where run_id = ${run.id}::uuid`,
      sql`delete from recharge_run where run_id = ${run.id}::uuid`,
    ];
    for (const attempt of attempts) {
      await assert.rejects(
        withSystem(database.db, (tx) => attempt.execute(tx)),
        /never change|never deleted|only moves/,
      );
    }
    const after = await finance.run(OPERATOR, run.id);
    assert.deepEqual(
      after.lines.map((l) => l.amountPence),
      run.lines.map((l) => l.amountPence),
    );
  });

  it("lets a finance officer read the pools its council shares, a councillor only its council's lines, and nobody else anything", async () => {
    const officerRuns = await finance.runs(cheltenhamOfficer, '2020-vision', YEAR);
    assert.ok(officerRuns.length >= 5);
    const shared = officerRuns.filter((r) => r.pool.retainedBy === null);
    assert.ok(shared.every((r) => r.allLines && r.lines.length === 4 && r.inputs !== null));
    assert.ok(
      officerRuns.every((r) => r.pool.retainedBy === null),
      "Cheltenham's officer does not see West Oxfordshire's retained costs",
    );

    const councillorRuns = await finance.runs(westOxfordshireCouncillor, '2020-vision', YEAR);
    assert.ok(councillorRuns.length >= 6);
    for (const run of councillorRuns) {
      assert.deepEqual(
        run.lines.map((l) => l.gss),
        [WEST_OXFORDSHIRE],
      );
      assert.equal(run.inputs, null);
    }
    await rejects(finance.ledgerLines(westOxfordshireCouncillor, councillorRuns[0]!.pool.id, YEAR), 403);

    assert.deepEqual(await finance.runs(westDevonOfficer, '2020-vision', YEAR), []);
    assert.deepEqual(await finance.runs(NOBODY, '2020-vision', YEAR), []);
    await rejects(finance.run(westDevonOfficer, officerRuns[0]!.id), 404);
    await rejects(finance.run(NOBODY, officerRuns[0]!.id), 404);
    await rejects(finance.statement(westDevonOfficer, '2020-vision', CHELTENHAM, YEAR), 403);
    await rejects(finance.statement(NOBODY, '2020-vision', CHELTENHAM, YEAR), 403);
    await rejects(finance.statement(westOxfordshireCouncillor, '2020-vision', CHELTENHAM, YEAR), 403);
  });

  it("refuses to run, issue or set up a pool for anyone but its partnership's finance lead, and writes nothing", async () => {
    const [pool] = await finance.pools(lead, '2020-vision');
    assert.ok(pool);
    const count = async () =>
      Number(
        (
          await withSystem(database.db, (tx) =>
            tx
              .selectFrom('recharge_run')
              .select(sql<string>`count(*)`.as('n'))
              .executeTakeFirstOrThrow(),
          )
        ).n,
      );
    const before = await count();
    for (const actor of [cheltenhamOfficer, westOxfordshireCouncillor, devonLead]) {
      await rejects(
        finance.runPool(actor, pool.id, YEAR, { reason: 'not mine' }),
        actor === devonLead ? 404 : 403,
      );
    }
    await rejects(finance.runPartnership(cheltenhamOfficer, '2020-vision', YEAR), 403);
    await rejects(finance.createPool(devonLead, '2020-vision', { name: 'Not mine', members: [] }), 403);
    assert.equal(await count(), before);
  });

  it('keeps another organisation out of the finance rows in the database itself', async () => {
    const exeter = orgs.get('exeter')!;
    const seen = await withTenant(
      database.db,
      { readOrgs: [exeter], writeOrgs: [exeter], accountId: null },
      (tx) =>
        sql<{ n: string }>`select (select count(*) from recharge_run) + (select count(*) from recharge_line)
        + (select count(*) from ledger_line) + (select count(*) from cost_pool) as n`.execute(tx),
    );
    assert.equal(Number(seen.rows[0]!.n), 0);
    const [pool] = await finance.pools(lead, '2020-vision');
    await assert.rejects(
      withTenant(database.db, { readOrgs: [exeter], writeOrgs: [exeter], accountId: null }, (tx) =>
        sql`insert into allocation_rule (org_id, pool_id, valid_from, rule) values (${pool!.keeper.orgId}, ${pool!.id}, '2030-04-01', '{"kind":"equal"}')`.execute(
          tx,
        ),
      ),
    );
  });

  it('checks a rule when it is saved: shares that do not add to 100%, a driver a member lacks, and writes nothing', async () => {
    const [pool] = (await finance.pools(lead, '2020-vision')).filter((p) => p.name === 'HR');
    assert.ok(pool);
    const rules = async () =>
      Number(
        (
          await withSystem(database.db, (tx) =>
            tx
              .selectFrom('allocation_rule')
              .select(sql<string>`count(*)`.as('n'))
              .executeTakeFirstOrThrow(),
          )
        ).n,
      );
    const before = await rules();
    const shares = Object.fromEntries(pool.members.map((m) => [m.gss!, 2400]));
    await assert.rejects(
      finance.saveRule(lead, pool.id, { validFrom: '2026-04-01', rule: { kind: 'fixed', shares } }),
      (error: unknown) => error instanceof ValidationProblem && /100/.test(error.fields.rule ?? ''),
    );
    await assert.rejects(
      finance.saveRule(lead, pool.id, {
        validFrom: '2026-04-01',
        rule: { kind: 'driver', driver: 'staff_time' },
      }),
      (error: unknown) => error instanceof ValidationProblem && /staff time/.test(error.fields.rule ?? ''),
    );
    await assert.rejects(
      finance.saveRule(lead, pool.id, { validFrom: 'next april', rule: { kind: 'sideways' } }),
      (error: unknown) =>
        error instanceof ValidationProblem && 'validFrom' in error.fields && 'rule' in error.fields,
    );
    assert.equal(await rules(), before);
  });

  it('charges a council that joins in the year for its days in the pool', async () => {
    const cheltenham = orgs.get(CHELTENHAM)!;
    const cotswold = orgs.get('cotswold')!;
    const poolId = await finance.createPool(lead, '2020-vision', {
      name: 'Joined in October',
      members: [
        { orgId: cheltenham, joinedOn: '2025-04-01' },
        { orgId: cotswold, joinedOn: '2025-10-01' },
      ],
    });
    await finance.saveRule(lead, poolId, { validFrom: '2025-04-01', rule: { kind: 'equal' } });
    await finance.recordAmount(lead, poolId, {
      kind: 'actual',
      period: YEAR,
      pence: 365_00n,
      source: 'test',
    });
    const run = await finance.runPool(lead, poolId, YEAR);
    // Worked by hand: 365 days against 182 (1 October to 31 March) of £365.00 is £243.5558… and
    // £121.4442…; the penny left over goes to the larger remainder.
    const byGss = new Map(run.lines.map((l) => [l.gss, l.amountPence]));
    assert.equal(byGss.get(CHELTENHAM), 243_56n);
    assert.equal(byGss.get('E07000079'), 121_44n);
  });

  it('issues a draft once when two people issue it at the same time', async () => {
    const [pool] = (await finance.pools(lead, '2020-vision')).filter((p) => p.name === 'Finance');
    const draft = await finance.runPool(lead, pool!.id, YEAR, { reason: 'issued twice at once' });
    const results = await Promise.allSettled([finance.issue(lead, draft.id), finance.issue(lead, draft.id)]);
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    assert.ok(refused.reason instanceof ProblemError && refused.reason.status === 409);
    const issued = (await finance.runs(lead, '2020-vision', YEAR)).filter(
      (r) => r.pool.id === pool!.id && r.state === 'issued',
    );
    assert.equal(issued.length, 1);
  });
});
