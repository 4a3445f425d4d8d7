/**
 * Loads the demo: the real reference data, then one partnership per seed report with its members,
 * partner bodies, clusters, service menus and arrangements, and an account for each role.
 * Loading twice changes nothing: a partnership that exists already is left as it is.
 */
import { loadDemoFinance } from './finance.ts';
import { loadDemoGovernance } from './governance.ts';
import { loadDemoLocalities } from './locality.ts';
import { loadDemoTargets } from './targets.ts';
import { sql, type Kysely } from 'kysely';
import type { DB, OrganisationKind } from '../db/index.ts';
import { withSystem, type Tx } from '../db/index.ts';
import { SHIPPED_BANK_HOLIDAYS } from '../frontdoor/index.ts';
import { areaCodeFor, defineAreas } from '../geography/index.ts';
import { createGeographyService } from '../geography/index.ts';
import { createResponsibleService } from '../register/index.ts';
import { loadDemoActivity } from './activity.ts';
import { loadDemoServiceLinks } from './service-links.ts';
import { recordAudit } from '../platform/index.ts';
import type { Progress } from '../platform/index.ts';
import { runImport, importAllReferenceData } from '../app/index.ts';
import { insertArrangement } from '../register/index.ts';
import { DEMO_PARTNERSHIPS, type DemoPartnership } from './partnerships.ts';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, type DemoAccount } from './accounts.ts';
import type { AuthService } from '../platform/index.ts';
import { todayInLondon } from '../platform/index.ts';
import { refreshSummaries } from '../performance/index.ts';

/** Distinct colours for the demo councils' brands; each council sets its own in production. */
const DEMO_PALETTE = [
  '#1d70b8',
  '#00703c',
  '#d4351c',
  '#4c2c92',
  '#003078',
  '#912b88',
  '#505a5f',
  '#b1550e',
  '#0b6e63',
];

export async function isRegisterEmpty(db: Kysely<DB>): Promise<boolean> {
  const row = await db.selectFrom('partnership').select('partnership_id').limit(1).executeTakeFirst();
  return row === undefined;
}

async function orgIdsByGss(tx: Tx, codes: string[]): Promise<Map<string, number>> {
  if (codes.length === 0) return new Map();
  const rows = await tx
    .selectFrom('organisation')
    .select(['org_id', 'gss_code'])
    .where('gss_code', 'in', codes)
    .execute();
  return new Map(rows.map((r) => [r.gss_code!, r.org_id]));
}

async function loadPartnership(tx: Tx, p: DemoPartnership): Promise<boolean> {
  const existing = await tx
    .selectFrom('partnership')
    .select('partnership_id')
    .where('slug', '=', p.slug)
    .executeTakeFirst();
  if (existing) return false;
  const { partnership_id: partnershipId } = await tx
    .insertInto('partnership')
    .values({
      slug: p.slug,
      name: p.name,
      summary: p.summary,
      source: p.seed.map((s) => `seeds/${s}`).join(', '),
    })
    .returning('partnership_id')
    .executeTakeFirstOrThrow();

  const councils = await orgIdsByGss(
    tx,
    p.members.map((m) => m.gss),
  );
  const missing = p.members.filter((m) => !councils.has(m.gss)).map((m) => m.gss);
  if (missing.length > 0)
    throw new Error(`Demo ${p.slug}: councils not in the register: ${missing.join(', ')}`);

  // Brand the member councils with distinct demo colours (councils set their own in production).
  let colour = 0;
  for (const m of p.members) {
    await tx
      .updateTable('organisation')
      .set({ brand_colour: DEMO_PALETTE[colour++ % DEMO_PALETTE.length]! })
      .where('org_id', '=', councils.get(m.gss)!)
      .where('brand_colour', '=', '#1d70b8')
      .execute();
  }

  const bodies = new Map<string, number>();
  for (const body of p.otherBodies) {
    const known = body.gss ? (await orgIdsByGss(tx, [body.gss])).get(body.gss) : undefined;
    const orgId =
      known ??
      (
        await tx
          .insertInto('organisation')
          .values({
            kind: body.kind as OrganisationKind,
            name: body.name,
            short_name: body.name.length <= 100 ? body.name : body.name.slice(0, 100),
            gss_code: body.gss ?? null,
            source: `seeds: ${body.source}`,
            brand_colour: DEMO_PALETTE[colour++ % DEMO_PALETTE.length]!,
          })
          .returning('org_id')
          .executeTakeFirstOrThrow()
      ).org_id;
    bodies.set(body.key, orgId);
  }
  const orgOf = (key: string): number => {
    const id = councils.get(key) ?? bodies.get(key);
    if (id === undefined) throw new Error(`Demo ${p.slug}: unknown organisation "${key}"`);
    return id;
  };

  const joinedOn = p.arrangements.map((a) => a.validFrom).sort()[0] ?? '2008-04-01';
  const vehicleKinds = new Set(['joint_committee', 'company', 'lead_authority']);
  await tx
    .insertInto('partnership_member')
    .values([
      ...p.members.map((m) => ({
        org_id: orgOf(m.gss),
        partnership_id: partnershipId,
        role: m.role,
        joined_on: joinedOn,
      })),
      ...p.otherBodies.map((b) => ({
        org_id: orgOf(b.key),
        partnership_id: partnershipId,
        role: vehicleKinds.has(b.kind) ? ('vehicle' as const) : ('associate' as const),
        joined_on: joinedOn,
      })),
    ])
    .onConflict((oc) => oc.doNothing())
    .execute();

  const memberAreas = p.members.map((m) => m.gss);
  const countyOf = await tx
    .selectFrom('area')
    .select(['code', 'parent_code'])
    .where('code', 'in', memberAreas)
    .execute();
  for (const cluster of p.clusters) {
    const parent = countyOf.find((a) => cluster.districtGss.includes(a.code))?.parent_code ?? null;
    await tx
      .insertInto('area')
      .values({
        code: cluster.code,
        name: cluster.name,
        kind: 'cluster',
        parent_code: parent,
        source: `demo: ${p.slug}`,
      })
      .onConflict((oc) => oc.column('code').doNothing())
      .execute();
    await tx
      .insertInto('area_member')
      .values(cluster.districtGss.map((d) => ({ area_code: cluster.code, member_code: d })))
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
  for (const locality of p.localities) {
    const sectors = await sql<{ sector: string }>`
      SELECT DISTINCT left(postcode, length(postcode) - 2) AS sector FROM postcode
       WHERE postcode >= ${`${locality.outcode} `} AND postcode <= ${`${locality.outcode} \uffff`}
         AND left(postcode, ${locality.outcode.length + 1}) = ${`${locality.outcode} `}
       ORDER BY 1`.execute(tx);
    const code = areaCodeFor(p.slug, locality.kind, locality.name);
    await defineAreas(
      tx,
      `demo: ${p.slug}`,
      partnershipId,
      locality.kind,
      [{ code, name: locality.name, prefixes: new Set(sectors.rows.map((r) => r.sector)) }],
      `demo: ${locality.source}`,
    );
  }
  await tx
    .insertInto('partnership_area')
    .values(
      [...memberAreas, ...p.clusters.map((c) => c.code)].map((code) => ({
        partnership_id: partnershipId,
        area_code: code,
      })),
    )
    .onConflict((oc) => oc.doNothing())
    .execute();

  const menuRows = p.serviceMenus.flatMap((menu) =>
    menu.lgsl.map((code) => ({
      partnership_id: partnershipId,
      lgsl_code: code,
      menu: menu.name,
      kind: menu.kind,
    })),
  );
  if (menuRows.length > 0) {
    await tx
      .insertInto('partnership_service')
      .values(menuRows)
      .onConflict((oc) => oc.doNothing())
      .execute();
  }

  const ordered = [...p.arrangements].sort((a, b) => a.validFrom.localeCompare(b.validFrom));
  for (const a of ordered) {
    const saved = await insertArrangement(
      tx,
      {
        orgId: orgOf(a.member),
        lgslCode: a.lgsl,
        validFrom: a.validFrom,
        mode: a.mode,
        level: a.level,
        providerOrgId: orgOf(a.provider),
        leadCommissionerOrgId: a.leadCommissioner ? orgOf(a.leadCommissioner) : null,
        partnershipId,
        areaCode: a.area ?? null,
        reservedDecisions: a.reserved,
        delegatedDecisions: a.delegated,
        source: `seeds: ${a.source}`,
      },
      null,
    );
    await recordAudit(tx, {
      orgId: saved.orgId,
      accountId: null,
      action: 'import',
      entityType: 'arrangement',
      entityKey: `${saved.orgId}:${saved.lgslCode}`,
      after: saved,
    });
  }
  return true;
}

export interface DemoAccountCreator {
  createAccount(account: DemoAccount, resolve: (key: string) => Promise<number>): Promise<void>;
}

/** Creates the demo accounts through the sign-in service, all with the demo password. */
export function demoAccountCreator(auth: AuthService): DemoAccountCreator {
  return {
    async createAccount(account, resolve) {
      const grants = [];
      for (const g of account.grants) {
        const partnership = g.partnership ? await auth.findPartnership(g.partnership) : undefined;
        if (g.partnership && !partnership) throw new Error(`Demo account: no partnership "${g.partnership}"`);
        grants.push({
          orgId: await resolve(g.org),
          role: g.role,
          partnershipId: partnership?.partnershipId ?? null,
          lgslCodes: g.services ?? null,
        });
      }
      await auth.createAccount({
        email: account.email,
        displayName: account.name,
        password: DEMO_PASSWORD,
        grants,
      });
    },
  };
}

export async function loadDemo(
  db: Kysely<DB>,
  referenceDir: string,
  progress: Progress,
  accounts?: DemoAccountCreator,
): Promise<void> {
  await importAllReferenceData(db, referenceDir, progress);
  await loadDemoOnReferenceData(db, referenceDir, progress, accounts);
}

/** The demo on a database that already holds all the reference data (`loadDemo` without its imports). */
export async function loadDemoOnReferenceData(
  db: Kysely<DB>,
  referenceDir: string,
  progress: Progress,
  accounts?: DemoAccountCreator,
): Promise<void> {
  await runImport(db, 'bank-holidays', SHIPPED_BANK_HOLIDAYS, progress, 'bank holidays (GOV.UK, shipped)');
  progress.start('Demo partnerships', DEMO_PARTNERSHIPS.length);
  for (const p of DEMO_PARTNERSHIPS) {
    await withSystem(db, (tx) => loadPartnership(tx, p));
    progress.tick();
  }
  progress.stop();
  await loadDemoServiceLinks(db, referenceDir, progress);
  if (accounts) {
    const resolve = async (key: string): Promise<number> => {
      const row = await db
        .selectFrom('organisation')
        .select('org_id')
        .where((eb) => eb.or([eb('gss_code', '=', key), eb('jurisdiction', '=', key)]))
        .executeTakeFirst();
      if (!row) throw new Error(`Demo account: no organisation "${key}"`);
      return row.org_id;
    };
    for (const account of DEMO_ACCOUNTS) await accounts.createAccount(account, resolve);
  }
  // A year of cases, routed by the register as it now stands (clusters and arrangements included).
  const geography = await createGeographyService(db);
  await loadDemoActivity(db, createResponsibleService({ db, geography }), progress);
  // The measures' day summaries of the demo year (its cases go back 366 days), as the hourly refresh keeps them.
  const yearAgo = new Date(Date.now() - 367 * 86_400_000);
  await refreshSummaries(db, { first: todayInLondon(yearAgo), last: todayInLondon() }, progress);
  await loadDemoTargets(db, progress);
  // Cost sharing last: the caseload drivers count the cases just made.
  await loadDemoFinance(db, progress);
  await loadDemoGovernance(db, progress, referenceDir);
  await loadDemoLocalities(db, progress);
}
