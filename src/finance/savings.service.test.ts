/**
 * Savings against each council's baseline, business cases and a partner's exit, over the demo's
 * 2025-26 pools: figures are read from the database and the issued runs, or worked by hand here.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { openTestDatabase } from '../../test/support/database.ts';
import type { Database } from '../db/engine.ts';
import { withSystem } from '../db/index.ts';
import { ProblemError, ValidationProblem } from '../platform/index.ts';
import { createRegisterService } from '../register/index.ts';
import { caseloadByCouncil } from '../frontdoor/index.ts';
import { NOBODY, type FinanceActor } from './finance-actor.ts';
import { createFinanceService, type FinanceService } from './recharge.service.ts';
import { createSavingsService, type SavingsService } from './savings.service.ts';

const YEAR = '2025-26';
const WEST_OXFORDSHIRE = 'E07000181';

describe('savings, business cases and exits', () => {
  let database: Database;
  let finance: FinanceService;
  let savings: SavingsService;
  const orgs = new Map<string, number>();
  let lead: FinanceActor;
  let councillor: FinanceActor;
  let stranger: FinanceActor;

  before(async () => {
    database = await openTestDatabase({ data: 'demo' });
    const register = createRegisterService(database.db);
    finance = createFinanceService({
      db: database.db,
      register,
      caseload: (query) => caseloadByCouncil(database.db, query),
    });
    savings = createSavingsService({ db: database.db, register, finance });
    const rows = await withSystem(database.db, (tx) =>
      tx.selectFrom('organisation').select(['org_id', 'gss_code', 'jurisdiction']).execute(),
    );
    for (const r of rows) {
      if (r.gss_code) orgs.set(r.gss_code, r.org_id);
      if (r.jurisdiction) orgs.set(r.jurisdiction, r.org_id);
    }
    const vision = await withSystem(database.db, (tx) =>
      tx
        .selectFrom('partnership')
        .select('partnership_id')
        .where('slug', '=', '2020-vision')
        .executeTakeFirstOrThrow(),
    );
    lead = { ...NOBODY, leads: [{ partnershipId: vision.partnership_id, orgId: orgs.get('cotswold')! }] };
    councillor = { ...NOBODY, councillorOf: [orgs.get(WEST_OXFORDSHIRE)!] };
    stranger = { ...NOBODY, financeOfficerOf: [orgs.get('exeter')!] };
  });
  after(() => database.close());

  it("measures each council's saving as its baseline less what the year's issued runs charge it", async () => {
    const result = await savings.savings(lead, '2020-vision', YEAR);
    assert.equal(result.councils.length, 4);
    const baselines = await withSystem(database.db, (tx) =>
      sql<{ org: number; pence: string }>`select member_org_id as org, sum(baseline_pence) as pence
        from pool_baseline group by member_org_id`.execute(tx),
    );
    for (const c of result.councils) {
      const charged = (await finance.statement(lead, '2020-vision', c.council.gss!, YEAR)).items
        .filter((i) => i.run.pool.retainedBy === null)
        .reduce((sum, i) => sum + i.line.amountPence, 0n);
      assert.equal(c.chargedPence, charged, c.council.name);
      const baseline = baselines.rows.find((b) => b.org === c.council.orgId);
      assert.equal(c.baselinePence, BigInt(baseline!.pence), c.council.name);
      assert.equal(c.savingPence, c.baselinePence - c.chargedPence);
    }
    // Shared, the demo's services cost less than the four baselines together.
    assert.ok(result.councils.reduce((sum, c) => sum + c.savingPence, 0n) > 0n);

    const own = await savings.savings(councillor, '2020-vision', YEAR);
    assert.deepEqual(
      own.councils.map((c) => c.council.gss),
      [WEST_OXFORDSHIRE],
    );
    assert.deepEqual((await savings.savings(stranger, '2020-vision', YEAR)).rows, []);
    await assert.rejects(savings.savings(lead, '2020-vision', '2025-26 Q1'), ValidationProblem);
  });

  it('works out a business case from figures written here: net present value at 3.5% and the payback year', async () => {
    const id = await savings.createBusinessCase(lead, '2020-vision', {
      title: 'Shared payroll',
      firstYear: '2026-27',
      members: [orgs.get('E07000078')!, orgs.get('E07000079')!],
      rule: { kind: 'fixed', shares: { E07000078: 6000, E07000079: 4000 } },
      years: [
        { costPence: 100_000_00n, savingPence: 0n },
        { costPence: 0n, savingPence: 60_000_00n },
        { costPence: 0n, savingPence: 60_000_00n },
      ],
    });
    const view = await savings.businessCase(lead, id);
    // −100,000 + 60,000 / 1.035 + 60,000 / 1.035² = 13,981.6565… = £13,981.66 (worked by hand).
    assert.equal(view.npvPence, 13_981_66n);
    assert.equal(view.paybackYear, '2028-29');
    assert.deepEqual(
      view.councils.map((c) => [c.council.gss, c.costPence, c.savingPence]),
      [
        ['E07000078', 60_000_00n, 72_000_00n],
        ['E07000079', 40_000_00n, 48_000_00n],
      ],
    );
    await assert.rejects(
      savings.businessCase(stranger, id),
      (e: unknown) => e instanceof ProblemError && e.status === 404,
    );
  });

  it('refuses a business case with bad figures or from anyone but the finance lead, and writes nothing', async () => {
    const count = async () =>
      Number(
        (
          await withSystem(database.db, (tx) =>
            tx
              .selectFrom('business_case')
              .select(sql<string>`count(*)`.as('n'))
              .executeTakeFirstOrThrow(),
          )
        ).n,
      );
    const before = await count();
    await assert.rejects(
      savings.createBusinessCase(lead, '2020-vision', {
        title: ' ',
        firstYear: '2026',
        discountRate: -1,
        members: [],
        rule: { kind: 'fixed', shares: { E07000078: 5000 } },
        years: [{ costPence: -1n, savingPence: 0n }],
      }),
      (e: unknown) =>
        e instanceof ValidationProblem &&
        ['title', 'firstYear', 'discountRate', 'years', 'members'].every((f) => f in e.fields),
    );
    await assert.rejects(
      savings.createBusinessCase(councillor, '2020-vision', {
        title: 'Not mine',
        firstYear: '2026-27',
        members: [orgs.get(WEST_OXFORDSHIRE)!],
        rule: { kind: 'equal' },
        years: [{ costPence: 0n, savingPence: 0n }],
      }),
      (e: unknown) => e instanceof ProblemError && e.status === 403,
    );
    assert.equal(await count(), before);
  });

  it("shows what a partner's exit would cost those who remain: its share of the fixed costs, and nobody's bill goes down", async () => {
    const ict = (await finance.pools(lead, '2020-vision')).find((p) => p.name === 'ICT')!;
    const model = await finance.exitCost(councillor, ict.id, YEAR, WEST_OXFORDSHIRE);
    assert.equal(model.fixedPence + model.variablePence, model.totalPence);
    assert.equal(
      model.result.lines.reduce((sum, l) => sum + l.more, 0n),
      model.result.fixedShare,
    );
    assert.ok(model.result.lines.every((l) => l.after >= l.before));
    assert.equal(model.result.lines.length, 3);
    await assert.rejects(finance.exitCost(stranger, ict.id, YEAR, WEST_OXFORDSHIRE), ProblemError);
    await assert.rejects(finance.exitCost(lead, ict.id, YEAR, 'E07000044'), ValidationProblem);
  });
});
