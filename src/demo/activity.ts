/**
 * A year of front-door activity for the demo partnerships, so that queues, overdue lists and
 * reports have something true to show: cases at the real postcodes of each partnership's districts
 * (../shared/data/postcodes), for services residents report (LGSL codes and GOV.UK's providing tier
 * from ../shared/data/services), each routed by the register's own "who is responsible" answer.
 *
 * The cases are made up (the people, the times and what happened), so descriptions say nothing
 * about real people; everything else is the register's. The same seed gives the same activity.
 * Service-level targets for the demo members are demo settings, not the councils' published ones.
 */
import type { Kysely } from 'kysely';
import type { CaseEventKind, CaseStatus, Channel, DB } from '../db/index.ts';
import { withSystem, type Tx } from '../db/index.ts';
import type { ResponsibleService } from '../register/index.ts';
import { assignCasePrefixes } from '../register/index.ts';
import { todayInLondon } from '../platform/index.ts';
import { englandAndWalesCalendar, formatReference } from '../frontdoor/index.ts';
import type { Progress } from '../platform/index.ts';

/** Services residents report, with how often, and what they say (LGSL code and label from the LGSL list). */
const REPORTED: ReadonlyArray<{ lgsl: number; weight: number; says: readonly string[] }> = [
  {
    lgsl: 524,
    weight: 24,
    says: ['Bin not collected on the usual day.', 'Recycling left behind after the collection.'],
  },
  {
    lgsl: 530,
    weight: 9,
    says: ['Garden waste bin missed this week.', 'Garden waste subscription bin not emptied.'],
  },
  {
    lgsl: 528,
    weight: 6,
    says: ['Request to collect an old sofa and a fridge.', 'Bulky items collection: mattress.'],
  },
  {
    lgsl: 587,
    weight: 10,
    says: ['Rubbish dumped in the lane behind the houses.', 'Bags of waste dumped by the lay-by.'],
  },
  { lgsl: 577, weight: 4, says: ['Dog fouling along the footpath to the school.'] },
  { lgsl: 584, weight: 3, says: ['Graffiti on the bus shelter.'] },
  { lgsl: 372, weight: 3, says: ['A car without plates has been left for weeks.'] },
  { lgsl: 412, weight: 5, says: ['Loud music late at night from a neighbouring property.'] },
  { lgsl: 580, weight: 5, says: ['Litter building up around the shops.'] },
  {
    lgsl: 557,
    weight: 14,
    says: ['Deep pothole in the road near the junction.', 'Road surface breaking up by the bus stop.'],
  },
  {
    lgsl: 564,
    weight: 8,
    says: ['Street light out outside the house.', 'Street light flickering all night.'],
  },
  { lgsl: 537, weight: 5, says: ['Broken paving slab on the pavement; someone tripped.'] },
  { lgsl: 555, weight: 4, says: ['Blocked gully: water pooling across the road when it rains.'] },
];

const CHANNELS: ReadonlyArray<{ channel: Channel; weight: number }> = [
  { channel: 'web', weight: 45 },
  { channel: 'phone', weight: 34 },
  { channel: 'face_to_face', weight: 9 },
  { channel: 'app', weight: 8 },
  { channel: 'email', weight: 4 },
];

/** Demo targets: working days by GOV.UK providing tier. */
const TARGET_DAYS = { district: 10, county: 20 } as const;

/** A small seeded generator (mulberry32): the same demo every time. */
function generator(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const weighted = <T extends { weight: number }>(items: readonly T[]): T => {
    let r = next() * items.reduce((sum, i) => sum + i.weight, 0);
    for (const item of items) if ((r -= item.weight) < 0) return item;
    return items.at(-1)!;
  };
  return { next, pick, weighted };
}

interface PlannedCase {
  orgId: number;
  providerOrgId: number;
  arrangementId: number | null;
  lgslCode: number;
  postcode: string;
  lat: number | null;
  lon: number | null;
  description: string;
  channel: Channel;
  contactOrgId: number;
  openedAt: Date;
  dueAt: Date | null;
  routing: unknown;
  targetDays: number;
  history: Array<{ at: Date; kind: CaseEventKind; status: CaseStatus; body: string }>;
  status: CaseStatus;
  closedAt: Date | null;
}

export interface ActivityOptions {
  /** Cases per district (each partnership's share follows its districts). */
  casesPerDistrict?: number;
  now?: Date;
  seed?: number;
}

/** Loads a year of cases for the demo partnerships; does nothing if there are cases already. */
export async function loadDemoActivity(
  db: Kysely<DB>,
  responsible: ResponsibleService,
  progress: Progress,
  options: ActivityOptions = {},
): Promise<number> {
  const existing = await db.selectFrom('service_case').select('case_id').limit(1).execute();
  if (existing.length > 0) return 0;
  const now = options.now ?? new Date();
  const random = generator(options.seed ?? 20_261_123);
  const perDistrict = options.casesPerDistrict ?? 100;

  const members = await db
    .selectFrom('partnership_member as m')
    .innerJoin('organisation as o', 'o.org_id', 'm.org_id')
    .select(['o.org_id', 'o.gss_code', 'o.kind'])
    .where('m.role', 'in', ['member', 'associate'])
    .where('o.gss_code', 'is not', null)
    .execute();
  const localCodes = [...new Set(members.filter((m) => m.kind !== 'county').map((m) => m.gss_code!))];
  if (localCodes.length === 0) return 0;
  const postcodes = await db
    .selectFrom('postcode')
    .select(['postcode', 'lat', 'lon', 'district_code'])
    .where('district_code', 'in', localCodes)
    .where('terminated', 'is', null)
    .orderBy('postcode')
    .execute();
  const byDistrict = new Map<string, typeof postcodes>();
  for (const p of postcodes)
    byDistrict.set(p.district_code!, [...(byDistrict.get(p.district_code!) ?? []), p]);

  const services = await db
    .selectFrom('service')
    .select(['lgsl_code', 'providing_tier'])
    .where(
      'lgsl_code',
      'in',
      REPORTED.map((r) => r.lgsl),
    )
    .execute();
  const tierOf = new Map(services.map((s) => [s.lgsl_code, s.providing_tier]));
  const reported = REPORTED.filter((r) => tierOf.has(r.lgsl));

  const from = new Date(now.getTime() - 366 * 86_400_000);
  const calendar = await withSystem(db, (tx) =>
    englandAndWalesCalendar(tx, todayInLondon(from), todayInLondon(now)),
  );
  const routes = new Map<string, Awaited<ReturnType<ResponsibleService['find']>> | null>();
  const planned: PlannedCase[] = [];
  const total = [...byDistrict.keys()].length * perDistrict;
  progress.start('Demo activity: a year of cases', total);
  for (const [district, places] of [...byDistrict].sort(([a], [b]) => a.localeCompare(b))) {
    for (let n = 0; n < perDistrict; n++) {
      progress.tick();
      const place = random.pick(places);
      const service = random.weighted(reported);
      const key = `${district}|${service.lgsl}`;
      if (!routes.has(key)) {
        const answer = await responsible
          .find({ service: service.lgsl, postcode: place.postcode })
          .catch(() => null);
        routes.set(key, answer?.status === 'resolved' ? answer : null);
      }
      const route = routes.get(key);
      if (!route) continue;
      // Opened on a working day in office hours or in the evening online, over the last year.
      let openedAt = new Date(now.getTime() - random.next() * 365 * 86_400_000);
      const channel = random.weighted(CHANNELS).channel;
      if (channel !== 'web' && channel !== 'app') {
        while (!calendar.isWorkingDay(todayInLondon(openedAt)))
          openedAt = new Date(openedAt.getTime() - 86_400_000);
      }
      const tier = tierOf.get(service.lgsl) === 'county' ? 'county' : 'district';
      const days = TARGET_DAYS[tier];
      const dueAt = calendar.dueAt(openedAt, { amount: days, unit: 'working_days' });
      planned.push(
        plan(random, {
          orgId: route.responsible!.orgId,
          providerOrgId: route.provider!.orgId,
          arrangementId: route.provider!.arrangementId,
          lgslCode: service.lgsl,
          postcode: place.postcode,
          lat: place.lat,
          lon: place.lon,
          description: random.pick(service.says),
          channel,
          // Face to face in a two-tier area: the district's one-stop shop takes the county's reports too.
          contactOrgId:
            channel === 'face_to_face'
              ? (members.find((m) => m.gss_code === district)?.org_id ?? route.responsible!.orgId)
              : route.responsible!.orgId,
          openedAt,
          dueAt,
          targetDays: days,
          routing: {
            reason: route.reason,
            reasons: route.reasons,
            date: todayInLondon(openedAt),
            demo: true,
          },
          now,
        }),
      );
    }
  }
  progress.stop();
  planned.sort((a, b) => a.openedAt.getTime() - b.openedAt.getTime());
  await withSystem(db, async (tx) => {
    await assignCasePrefixes(tx);
    await serviceLevels(tx, planned);
    await insertCases(tx, planned);
  });
  return planned.length;
}

function plan(
  random: ReturnType<typeof generator>,
  c: Omit<PlannedCase, 'history' | 'status' | 'closedAt'> & { now: Date },
): PlannedCase {
  const { now, ...rest } = c;
  const history: PlannedCase['history'] = [
    { at: c.openedAt, kind: 'opened', status: 'open', body: 'Received.' },
  ];
  const after = (days: number) => new Date(c.openedAt.getTime() + days * 86_400_000);
  const fate = random.next();
  // How long it took, against the target: most on time, some late, a few still open.
  const targetDays = Math.max(1, Math.round((c.dueAt!.getTime() - c.openedAt.getTime()) / 86_400_000));
  const took = fate < 0.78 ? random.next() * targetDays : targetDays * (1 + random.next() * 1.5);
  const finished = after(took);
  let status: CaseStatus = 'open';
  let closedAt: Date | null = null;
  const started = after(Math.min(took / 3, 2));
  if (started < now) {
    history.push({ at: started, kind: 'status', status: 'investigating', body: 'We are looking into it.' });
    status = 'investigating';
  }
  if (finished < now && fate < 0.97) {
    const end: CaseStatus = fate < 0.03 ? 'duplicate' : fate < 0.06 ? 'no_further_action' : 'fixed';
    const body =
      end === 'duplicate'
        ? 'Someone had already reported this; we are dealing with it under their report.'
        : end === 'no_further_action'
          ? 'We inspected it and no action is needed.'
          : 'Done. Thank you for telling us.';
    history.push({ at: finished, kind: 'status', status: end, body });
    status = end;
    closedAt = finished;
  } else if (started < now && random.next() < 0.5) {
    history.push({
      at: after(Math.min(took / 2, 4)),
      kind: 'status',
      status: 'in_progress',
      body: 'Work is booked.',
    });
    status = 'in_progress';
  }
  return { ...rest, history: history.filter((h) => h.at <= now), status, closedAt };
}

async function serviceLevels(tx: Tx, planned: readonly PlannedCase[]): Promise<void> {
  const rows = new Map<
    string,
    {
      org_id: number;
      lgsl_code: number;
      valid_from: string;
      target_amount: number;
      target_unit: 'working_days';
    }
  >();
  for (const c of planned) {
    rows.set(`${c.orgId}|${c.lgslCode}`, {
      org_id: c.orgId,
      lgsl_code: c.lgslCode,
      valid_from: '2020-04-01',
      target_amount: c.targetDays,
      target_unit: 'working_days',
    });
  }
  if (rows.size > 0) {
    await tx
      .insertInto('service_level')
      .values([...rows.values()])
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
}

async function insertCases(tx: Tx, planned: readonly PlannedCase[]): Promise<void> {
  const prefixes = new Map(
    (await tx.selectFrom('organisation').select(['org_id', 'case_prefix']).execute()).map((o) => [
      o.org_id,
      o.case_prefix!,
    ]),
  );
  const numbers = new Map<string, number>();
  const BATCH = 250;
  for (let i = 0; i < planned.length; i += BATCH) {
    const batch = planned.slice(i, i + BATCH);
    const rows = batch.map((c) => {
      const prefix = prefixes.get(c.orgId)!;
      const year = Number(todayInLondon(c.openedAt).slice(0, 4));
      const key = `${prefix}|${year}`;
      const number = (numbers.get(key) ?? 0) + 1;
      numbers.set(key, number);
      return {
        org_id: c.orgId,
        reference: formatReference({ prefix, year, number }),
        lgsl_code: c.lgslCode,
        provider_org_id: c.providerOrgId,
        arrangement_id: c.arrangementId,
        status: c.status,
        version: c.history.length,
        description: c.description,
        postcode: c.postcode,
        lat: c.lat,
        lon: c.lon,
        channel: c.channel,
        contact_org_id: c.contactOrgId,
        routing: JSON.stringify(c.routing),
        opened_at: c.openedAt,
        due_at: c.dueAt,
        closed_at: c.closedAt,
        updated_at: c.history.at(-1)!.at,
      };
    });
    const inserted = await tx
      .insertInto('service_case')
      .values(rows)
      .returning(['org_id', 'case_id', 'reference'])
      .execute();
    const ids = new Map(inserted.map((r) => [`${r.org_id}|${r.reference}`, r.case_id]));
    await tx
      .insertInto('case_event')
      .values(
        batch.flatMap((c, j) =>
          c.history.map((h) => ({
            org_id: c.orgId,
            case_id: ids.get(`${c.orgId}|${rows[j]!.reference}`)!,
            occurred_at: h.at,
            kind: h.kind,
            status: h.status,
            body: h.body,
            visibility: 'public' as const,
            actor_name: h.kind === 'opened' ? null : 'Demo officer',
          })),
        ),
      )
      .execute();
  }
  const prefixOrgs = new Map([...prefixes].map(([orgId, prefix]) => [prefix, orgId]));
  for (const [key, last] of numbers) {
    const [prefix, year] = key.split('|');
    await tx
      .insertInto('case_number')
      .values({ org_id: prefixOrgs.get(prefix!)!, prefix: prefix!, year: Number(year), last_number: last })
      .onConflict((oc) => oc.columns(['org_id', 'prefix', 'year']).doUpdateSet({ last_number: last }))
      .execute();
  }
}
