/**
 * The demo's cost sharing for 2025-26, so that statements have something true to show on first
 * start. The pools are ILLUSTRATIVE: their sizes are worked out from the councils' real revenue
 * outturn (MHCLG RS 2017-18, net current expenditure in £ thousands; ../shared/data/finance), by
 * fractions chosen for the demo, and their ledgers are twelve monthly lines that say so. Who pays
 * what is then worked out by the software from real drivers: Census 2021 population and households
 * (../shared/data/population) and the caseload of the demo's own cases.
 *
 * - 2020 Vision: ICT, finance, HR, revenues and benefits and customer services, shared by the four
 *   councils through the venture (seed 002: "Costs of shared services would be recharged across
 *   the Partners on an agreed distribution"), kept by Cotswold; and West Oxfordshire's retained
 *   costs, attributed to it alone ("All costs incurred within the retained areas would be
 *   attributed to that Council").
 * - Integrated Devon: South Hams and West Devon's shared waste and street-scene service, split by
 *   caseload estimated from the first nine months' actual cases, with a year-end true-up when a
 *   council's share moves by more than 3%, as the two councils' own agreement does.
 */
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../db/index.ts';
import type { Progress } from '../platform/index.ts';
import { createRegisterService } from '../register/index.ts';
import { caseloadByCouncil } from '../frontdoor/index.ts';
import {
  OPERATOR,
  apportion,
  createFinanceService,
  createSavingsService,
  outturnOf,
  type FinanceService,
} from '../finance/index.ts';

export const DEMO_FINANCE_YEAR = '2025-26';

/** Revenue outturn lines (MHCLG RS 2017-18). */
const CENTRAL_SERVICES = 690;
const ENVIRONMENTAL = 590;
const OUTTURN_YEAR = '2017-18';

const CHELTENHAM = 'E07000078';
const COTSWOLD = 'E07000079';
const FOREST_OF_DEAN = 'E07000080';
const WEST_OXFORDSHIRE = 'E07000181';
const VISION = [CHELTENHAM, COTSWOLD, FOREST_OF_DEAN, WEST_OXFORDSHIRE];
const SOUTH_HAMS = 'E07000044';
const WEST_DEVON = 'E07000047';

/** The demo's fractions of the four councils' central services, in hundredths of a percent, and each pool's rule. */
const VISION_POOLS: ReadonlyArray<{
  name: string;
  share: bigint;
  rule: unknown;
  lgsl: number[];
  description: string;
}> = [
  {
    name: 'ICT',
    share: 1500n,
    rule: {
      kind: 'mix',
      parts: [
        { share: 5000, rule: { kind: 'driver', driver: 'population' } },
        { share: 5000, rule: { kind: 'driver', driver: 'households' } },
      ],
    },
    lgsl: [],
    description: 'The shared ICT service: half by population, half by households.',
  },
  {
    name: 'Finance',
    share: 1000n,
    rule: {
      kind: 'mix',
      parts: [
        { share: 3000, rule: { kind: 'equal' } },
        { share: 7000, rule: { kind: 'driver', driver: 'population' } },
      ],
    },
    lgsl: [],
    description: 'The shared finance service: 30% in equal shares, 70% by population.',
  },
  {
    name: 'HR',
    share: 500n,
    rule: { kind: 'driver', driver: 'population' },
    lgsl: [],
    description: 'The shared HR service, by population.',
  },
  {
    name: 'Revenues and benefits',
    share: 2000n,
    rule: { kind: 'driver', driver: 'households' },
    lgsl: [],
    description: 'Revenues and benefits, by households (the nearest real driver to council-tax properties).',
  },
  {
    name: 'Customer services',
    share: 1000n,
    rule: {
      kind: 'mix',
      parts: [
        { share: 5000, rule: { kind: 'driver', driver: 'population' } },
        { share: 5000, rule: { kind: 'driver', driver: 'caseload' } },
      ],
    },
    lgsl: [],
    description: "Customer services: half by population, half by the year's cases at the front door.",
  },
];

/** The part of a shared service's cost that is shared once shared (illustrative), in hundredths of a percent. */
const SHARED_COST = 8500n;
/** The part of a pool's cost that would stay if a council left (illustrative). */
const FIXED_SHARE = 7000;

/** The demo's waste and street-scene services, whose cases are the Devon pool's caseload. */
const DEVON_WASTE_LGSL = [524, 528, 530, 577, 580, 584, 587];

/** Twelve monthly ledger lines adding up to `annual`, each saying it is illustrative. */
function monthlyLines(annual: bigint, what: string) {
  const months = Array.from({ length: 12 }, (_, i) => {
    const year = i < 9 ? 2025 : 2026;
    const month = ((i + 3) % 12) + 1;
    return { key: `${year}-${String(month).padStart(2, '0')}`, weight: 1n };
  });
  const split = apportion(annual, months);
  return months.map((m, i) => ({
    line: i + 1,
    paidOn: `${m.key}-15`,
    amount: split.get(m.key)!,
    supplier: 'Illustrative: the demo partnership',
    expenditureCode: 'DEMO',
    serviceArea: what,
    category: `Illustrative monthly cost of ${what}, ${m.key}: not a real payment`,
    reference: `DEMO-${m.key}`,
  }));
}

async function addLedger(finance: FinanceService, poolId: number, annual: bigint, what: string) {
  const lines = monthlyLines(annual, what);
  const sha256 = createHash('sha256')
    .update(JSON.stringify(lines, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)))
    .digest('hex');
  await finance.addLedgerLines(
    OPERATOR,
    poolId,
    { fileName: `illustrative ledger: ${what} 2025-26`, sha256, mapping: {} },
    lines,
  );
}

export async function loadDemoFinance(db: Kysely<DB>, progress: Progress): Promise<void> {
  const register = createRegisterService(db);
  const finance = createFinanceService({ db, register, caseload: (query) => caseloadByCouncil(db, query) });
  const savings = createSavingsService({ db, register, finance });
  // Loading twice changes nothing: the pools are made once.
  if ((await finance.pools(OPERATOR, '2020-vision')).length > 0) return;
  // The reference import has loaded the outturn: sizes come from the register's own copy.
  const { figures: outturn } = await outturnOf(
    db,
    [...VISION, SOUTH_HAMS, WEST_DEVON],
    [CENTRAL_SERVICES, ENVIRONMENTAL],
    OUTTURN_YEAR,
  );
  const orgId = async (gss: string) => (await register.organisation(gss)).orgId;
  const pence = (gss: string, line: number) => {
    const value = outturn.get(gss)?.get(line)?.pence;
    if (value === undefined || value === null)
      throw new Error(`Demo finance: no outturn line ${line} for ${gss}`);
    return value;
  };
  const source =
    'ILLUSTRATIVE: sized by the demo from MHCLG Revenue Outturn Summary (RS) 2017-18, net current ' +
    'expenditure in £ thousands (../shared/data/finance), not a real budget or recharge';
  progress.start('Demo cost sharing', VISION_POOLS.length + 3);

  // 2020 Vision: five shared pools and West Oxfordshire's retained costs, kept at Cotswold.
  const keeper = await orgId(COTSWOLD);
  const members = await Promise.all(
    VISION.map(async (gss) => ({ orgId: await orgId(gss), joinedOn: '2015-04-01' })),
  );
  for (const pool of VISION_POOLS) {
    // Each council's own cost of the service before sharing is its part of its own central
    // services; shared, the service costs 85% of the four together (both fractions illustrative).
    const baselines = VISION.map((gss) => (pence(gss, CENTRAL_SERVICES) * pool.share) / 10_000n);
    const annual = (baselines.reduce((sum, b) => sum + b, 0n) * SHARED_COST) / 10_000n;
    const poolId = await finance.createPool(OPERATOR, '2020-vision', {
      name: pool.name,
      description: pool.description,
      lgslCodes: pool.lgsl,
      fixedShare: FIXED_SHARE,
      illustrative: true,
      source:
        `${source}: ${Number(pool.share) / 100}% of each council's line 690 Central services before ` +
        `sharing, and ${Number(SHARED_COST) / 100}% of their sum once shared`,
      members,
      keeperOrgId: keeper,
    });
    for (const [i, gss] of VISION.entries()) {
      await savings.recordBaseline(OPERATOR, poolId, {
        memberOrgId: members[i]!.orgId,
        year: '2017-18',
        pence: baselines[i]!,
        source: `${source}: ${Number(pool.share) / 100}% of ${gss}'s line 690 Central services, 2017-18`,
      });
    }
    await finance.saveRule(OPERATOR, poolId, { validFrom: '2025-04-01', rule: pool.rule });
    await finance.recordAmount(OPERATOR, poolId, {
      kind: 'budget',
      period: DEMO_FINANCE_YEAR,
      pence: annual,
      source,
    });
    await addLedger(finance, poolId, annual, pool.name);
    progress.tick();
  }
  const westOxfordshire = await orgId(WEST_OXFORDSHIRE);
  const retained = await finance.createPool(OPERATOR, '2020-vision', {
    name: 'West Oxfordshire retained services',
    description: 'The services West Oxfordshire keeps in-house: their costs are attributed to it alone.',
    retainedBy: westOxfordshire,
    illustrative: true,
    source: `${source}: 25% of West Oxfordshire's line 690 Central services`,
    members: [{ orgId: westOxfordshire, joinedOn: '2015-04-01' }],
    keeperOrgId: keeper,
  });
  await finance.saveRule(OPERATOR, retained, { validFrom: '2025-04-01', rule: { kind: 'equal' } });
  await addLedger(
    finance,
    retained,
    pence(WEST_OXFORDSHIRE, CENTRAL_SERVICES) / 4n,
    'West Oxfordshire retained services',
  );
  progress.tick();

  // Integrated Devon: South Hams and West Devon's shared service, by caseload, trued up at 3%.
  const southHams = await orgId(SOUTH_HAMS);
  const westDevon = await orgId(WEST_DEVON);
  const devonPool = await finance.createPool(OPERATOR, 'integrated-devon', {
    name: 'South Hams and West Devon waste and street scene',
    description:
      "Shared between the two councils by caseload: estimated from the first nine months' cases, " +
      'trued up at year end when either share moves by more than 3%.',
    lgslCodes: DEVON_WASTE_LGSL,
    illustrative: true,
    source: `${source}: the two councils' line 590 Environmental and regulatory services`,
    members: [
      { orgId: southHams, joinedOn: '2015-04-01' },
      { orgId: westDevon, joinedOn: '2015-04-01' },
    ],
    keeperOrgId: southHams,
  });
  await finance.saveRule(OPERATOR, devonPool, {
    validFrom: '2025-04-01',
    rule: { kind: 'driver', driver: 'caseload' },
    trueUpTolerance: 300,
    notes: "Nine months' actual caseload as the estimate; 3% tolerance at year end.",
  });
  const devonAnnual = pence(SOUTH_HAMS, ENVIRONMENTAL) + pence(WEST_DEVON, ENVIRONMENTAL);
  await addLedger(finance, devonPool, devonAnnual, 'waste and street scene');
  const nineMonths = await caseloadByCouncil(db, {
    orgIds: [southHams, westDevon],
    lgslCodes: DEVON_WASTE_LGSL,
    first: '2025-04-01',
    last: '2025-12-31',
  });
  for (const [memberOrgId, cases] of nineMonths) {
    await finance.recordFigure(OPERATOR, devonPool, {
      memberOrgId,
      driver: 'caseload',
      period: DEMO_FINANCE_YEAR,
      basis: 'estimate',
      // A council with no case yet in those months is estimated at one, so the split can be made.
      value: BigInt(Math.max(cases, 1)),
      source: "the first nine months' actual cases, April to December 2025, counted by the front door",
    });
  }
  progress.tick();

  // A business case for the option the seeds leave open: moving from the joint committee to a
  // jointly owned company (seed 004, Table 7.4). Its figures are illustrative.
  await savings.createBusinessCase(OPERATOR, '2020-vision', {
    title: 'Move the partnership venture from the joint committee to a jointly owned company',
    summary:
      'Seed 004 (Table 7.4) asks the partners to "confirm whether to retain joint committee or move to ' +
      'company structure". This case sets one-off set-up and transition costs against recurring savings ' +
      "from a single employer and trading; the figures are illustrative, not the councils' estimates.",
    firstYear: '2026-27',
    members: members.map((m) => m.orgId),
    rule: { kind: 'equal' },
    years: [
      { costPence: 1_200_000_00n, savingPence: 0n },
      { costPence: 300_000_00n, savingPence: 450_000_00n },
      { costPence: 0n, savingPence: 600_000_00n },
      { costPence: 0n, savingPence: 600_000_00n },
      { costPence: 0n, savingPence: 600_000_00n },
      { costPence: 0n, savingPence: 600_000_00n },
    ],
    illustrative: true,
    source: 'ILLUSTRATIVE figures for the demo; the option is from seed 004 Table 7.4',
    keeperOrgId: keeper,
  });

  // Issue every pool's recharge for the year, and the Devon true-up.
  for (const slug of ['2020-vision', 'integrated-devon']) {
    await finance.runPartnership(OPERATOR, slug, DEMO_FINANCE_YEAR, { issue: true });
  }
  const trueUp = await finance.trueUpPool(OPERATOR, devonPool, DEMO_FINANCE_YEAR);
  await finance.issue(OPERATOR, trueUp.id);
  progress.tick();
  progress.stop();
}
