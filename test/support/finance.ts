/**
 * Cost pools, ledger lines and recharge runs for tests of the finance pages and API, over the demo
 * database: two pools of 2020 Vision (an equal split and a fixed split, with issued runs for
 * 2025-26), one pool of Integrated Devon, and the people who may or may not read them.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { withSystem } from '../../src/db/index.ts';
import type { Database } from '../../src/db/engine.ts';
import type { AppServices } from '../../src/app/services.ts';
import { OPERATOR } from '../../src/finance/index.ts';
import { signIn, type Session } from './app.ts';

export const PASSWORD = 'a long enough password for tests';

export interface FinanceFixture {
  vision: {
    slug: string;
    id: number;
    councils: Array<{ orgId: number; gss: string; jurisdiction: string; name: string }>;
  };
  ictPool: number;
  hrPool: number;
  devonPool: number;
  ictRun: string;
  hrRun: string;
  devonRun: string;
  /** The ledger lines of the ICT pool for 2025-26, in pence. */
  ictLedger: bigint[];
  sessions: {
    lead: Session;
    officer: Session;
    councillor: Session;
    devonLead: Session;
    plainOfficer: Session;
  };
  /** The councils the officer's and councillor's grants are at (Cheltenham) and another of 2020 Vision. */
  own: { orgId: number; gss: string; jurisdiction: string; name: string };
  other: { orgId: number; gss: string; jurisdiction: string; name: string };
}

async function addLedger(
  database: Database,
  orgId: number,
  poolId: number,
  lines: Array<{ paidOn: string; pence: bigint; supplier: string }>,
): Promise<void> {
  await withSystem(database.db, async (tx) => {
    const { import_id: importId } = await tx
      .insertInto('ledger_import')
      .values({
        org_id: orgId,
        pool_id: poolId,
        file_name: `test-ledger-${poolId}.csv`,
        file_sha256: createHash('sha256').update(`ledger ${poolId}`).digest('hex'),
        line_count: lines.length,
        total_pence: Number(lines.reduce((s, l) => s + l.pence, 0n)),
        mapping: JSON.stringify({ amount: 'Amount' }),
      })
      .returning('import_id')
      .executeTakeFirstOrThrow();
    await tx
      .insertInto('ledger_line')
      .values(
        lines.map((l, i) => ({
          org_id: orgId,
          import_id: importId,
          line_number: i + 2,
          pool_id: poolId,
          paid_on: l.paidOn,
          amount_pence: Number(l.pence),
          supplier: l.supplier,
          service_area: 'ICT',
          expenditure_code: 'IT100',
        })),
      )
      .execute();
  });
}

export async function loadFinanceFixture(
  app: FastifyInstance,
  services: AppServices,
  database: Database,
): Promise<FinanceFixture> {
  const { register, finance, auth } = services;
  const vision = await register.partnership('2020-vision');
  const devon = await register.partnership('integrated-devon');
  const councilsOf = (p: typeof vision) =>
    p.members
      .filter((m) => m.kind !== 'joint_committee' && m.kind !== 'company' && m.gss !== null)
      .map((m) => ({
        orgId: m.orgId,
        gss: m.gss!,
        jurisdiction: m.jurisdiction ?? String(m.orgId),
        name: m.name,
      }));
  const councils = councilsOf(vision);
  const devonCouncils = councilsOf(devon);
  const keeper = councils.find((c) => c.jurisdiction === 'cotswold')!;
  const own = councils.find((c) => c.jurisdiction === 'cheltenham')!;
  const other = councils.find((c) => c.jurisdiction !== 'cheltenham' && c.jurisdiction !== 'cotswold')!;
  const devonKeeper = devonCouncils.find((c) => c.jurisdiction === 'devon')!;

  const members = (list: typeof councils) => list.map((c) => ({ orgId: c.orgId, joinedOn: '2020-04-01' }));
  const ictPool = await finance.createPool(OPERATOR, '2020-vision', {
    name: 'Test shared ICT',
    illustrative: true,
    source: 'test figures',
    members: members(councils),
    keeperOrgId: keeper.orgId,
  });
  await finance.saveRule(OPERATOR, ictPool, { validFrom: '2025-04-01', rule: { kind: 'equal' } });
  const ictLedger = [100_000_000n, 23_456_789n, 1n];
  await addLedger(database, keeper.orgId, ictPool, [
    { paidOn: '2025-05-01', pence: ictLedger[0]!, supplier: 'Servers Ltd' },
    { paidOn: '2025-09-12', pence: ictLedger[1]!, supplier: 'Licences plc' },
    { paidOn: '2026-02-03', pence: ictLedger[2]!, supplier: 'A penny' },
  ]);

  const hrPool = await finance.createPool(OPERATOR, '2020-vision', {
    name: 'Test shared HR',
    members: members(councils),
    keeperOrgId: keeper.orgId,
  });
  const shares = [4000, 3000, 2000, 1000];
  await finance.saveRule(OPERATOR, hrPool, {
    validFrom: '2025-04-01',
    rule: { kind: 'fixed', shares: Object.fromEntries(councils.map((c, i) => [c.gss, shares[i] ?? 0])) },
  });
  await finance.recordAmount(OPERATOR, hrPool, {
    kind: 'budget',
    period: '2025-26',
    pence: 50_000_000n,
    source: 'test budget',
  });

  const devonPool = await finance.createPool(OPERATOR, 'integrated-devon', {
    name: 'Test Devon waste',
    members: members(devonCouncils),
    keeperOrgId: devonKeeper.orgId,
  });
  await finance.saveRule(OPERATOR, devonPool, { validFrom: '2025-04-01', rule: { kind: 'equal' } });
  await finance.recordAmount(OPERATOR, devonPool, {
    kind: 'actual',
    period: '2025-26',
    pence: 99_999_999n,
    source: 'test actual',
  });

  const ictRun = (await finance.runPool(OPERATOR, ictPool, '2025-26')).id;
  await finance.issue(OPERATOR, ictRun);
  const hrRun = (await finance.runPool(OPERATOR, hrPool, '2025-26')).id;
  const devonRun = (await finance.runPool(OPERATOR, devonPool, '2025-26')).id;
  await finance.issue(OPERATOR, devonRun);

  const account = async (
    email: string,
    orgId: number,
    role: 'finance_lead' | 'finance_officer' | 'councillor' | 'officer',
    partnershipId: number | null,
  ) => {
    await auth.createAccount({
      email,
      displayName: email,
      password: PASSWORD,
      grants: [{ orgId, role, partnershipId, lgslCodes: null }],
    });
    return signIn(app, email, PASSWORD);
  };
  return {
    vision: { slug: '2020-vision', id: vision.partnershipId, councils },
    ictPool,
    hrPool,
    devonPool,
    ictRun,
    hrRun,
    devonRun,
    ictLedger,
    own,
    other,
    sessions: {
      lead: await account('test.lead.vision@example.org', keeper.orgId, 'finance_lead', vision.partnershipId),
      officer: await account('test.finance.cheltenham@example.org', own.orgId, 'finance_officer', null),
      councillor: await account('test.councillor.cheltenham@example.org', own.orgId, 'councillor', null),
      devonLead: await account(
        'test.lead.devon@example.org',
        devonKeeper.orgId,
        'finance_lead',
        devon.partnershipId,
      ),
      plainOfficer: await account('test.officer.cheltenham@example.org', own.orgId, 'officer', null),
    },
  };
}
