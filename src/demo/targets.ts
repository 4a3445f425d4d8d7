/**
 * The demo's targets: for every council with cases in the demo year, each quarter of that year a
 * target for the measures that have a polarity and a meaning the same in every council: the share
 * closed within the service level, first-contact resolution and the median and 90th-percentile
 * working days to close. They are demo settings, not any council's published targets, and say so in
 * their notes; status is then worked out from them, as for any target. Set through the measures
 * service as the operator, so each is audited. Loading twice sets the same values.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../db/index.ts';
import {
  MEASURES_OPERATOR,
  createMeasuresService,
  periodContaining,
  previousPeriod,
} from '../performance/index.ts';
import type { Progress } from '../platform/index.ts';
import { todayInLondon } from '../platform/index.ts';
import { createRegisterService } from '../register/index.ts';

export const DEMO_TARGET_NOTE = 'Demo target: a setting of the demo, not the council’s published target.';

/** Measure, target and tolerance, in the units a person types (a share in %, days in working days). */
export const DEMO_TARGETS: ReadonlyArray<{ measureId: string; target: string; tolerance: string }> = [
  { measureId: 'closed_within_service_level', target: '80', tolerance: '10' },
  { measureId: 'first_contact_resolution', target: '25', tolerance: '5' },
  { measureId: 'median_working_days_to_close', target: '5', tolerance: '2' },
  { measureId: 'p90_working_days_to_close', target: '15', tolerance: '5' },
];

/** The quarters from the one holding `first` to the one holding `last`, oldest first. */
function quartersBetween(first: string, last: string): string[] {
  const out: string[] = [];
  let q = periodContaining(last, 'quarter');
  while (q && q.last >= first) {
    out.unshift(q.id);
    q = previousPeriod(q);
  }
  return out;
}

export async function loadDemoTargets(db: Kysely<DB>, progress: Progress, now = new Date()): Promise<number> {
  const measures = createMeasuresService({ db, register: createRegisterService(db) });
  const first = todayInLondon(new Date(now.getTime() - 366 * 86_400_000));
  const councils = await db
    .selectFrom('case_day_summary as s')
    .innerJoin('organisation as o', 'o.org_id', 's.org_id')
    .select('o.gss_code')
    .distinct()
    .where('o.gss_code', 'is not', null)
    .orderBy('o.gss_code')
    .execute();
  const quarters = quartersBetween(first, todayInLondon(now));
  let set = 0;
  progress.start('Demo targets', councils.length);
  for (const { gss_code } of councils) {
    const inputs = quarters.flatMap((period) =>
      DEMO_TARGETS.map((t) => ({ ...t, period, notes: DEMO_TARGET_NOTE })),
    );
    set += await measures.setTargets(MEASURES_OPERATOR, gss_code!, inputs);
    progress.tick();
  }
  progress.stop();
  return set;
}
