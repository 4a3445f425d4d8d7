/**
 * Service levels: how quickly an organisation aims to deal with a service's cases, from a date,
 * in working days on the England and Wales bank-holiday calendar or in hours.
 */
import { sql } from 'kysely';
import type { Tx } from '../../db/index.ts';
import { prepared } from '../../db/index.ts';
import { todayInLondon } from '../../platform/index.ts';
import { WorkingCalendar, type Target } from './working-days.ts';

export type ServiceLevelTarget = Target;

/** Working days in England and Wales between two dates, from the bank holidays imported. */
export async function englandAndWalesCalendar(tx: Tx, from: string, to: string): Promise<WorkingCalendar> {
  const rows = await tx
    .selectFrom('bank_holiday')
    .select('holiday_date')
    .where('division', '=', 'england-and-wales')
    .where('holiday_date', '>=', from)
    .where('holiday_date', '<=', to)
    .execute();
  return new WorkingCalendar(rows.map((r) => r.holiday_date));
}

/** The target in force for an organisation's service on a date, if it has one. */
export async function serviceLevelFor(
  tx: Tx,
  orgId: number,
  lgslCode: number,
  date: string,
): Promise<ServiceLevelTarget | null> {
  const row = await tx
    .selectFrom('service_level')
    .select(['target_amount', 'target_unit'])
    .where('org_id', '=', orgId)
    .where('lgsl_code', '=', lgslCode)
    .where('valid_from', '<=', date)
    .orderBy('valid_from', 'desc')
    .executeTakeFirst();
  return row ? { amount: row.target_amount, unit: row.target_unit } : null;
}

/**
 * When a case opened at `openedAt` is due under the organisation's service level; null without one.
 * The target and the bank holidays it may span are read together, in one round trip.
 */
export async function dueDateFromServiceLevels(
  tx: Tx,
  orgId: number,
  lgslCode: number,
  openedAt: Date,
): Promise<Date | null> {
  const date = todayInLondon(openedAt);
  // A target of N working days ends within N weeks and a fortnight of holidays.
  const { rows } = await sql<{
    target_amount: number;
    target_unit: Target['unit'];
    holidays: string[];
  }>`${prepared('due_date')}
    SELECT sl.target_amount, sl.target_unit,
           ARRAY(SELECT h.holiday_date::text FROM bank_holiday h
                 WHERE h.division = 'england-and-wales' AND h.holiday_date >= ${date}::date
                   AND h.holiday_date <= ${date}::date + (sl.target_amount * 7 + 14)
                 ORDER BY h.holiday_date) AS holidays
    FROM service_level sl
    WHERE sl.org_id = ${orgId}::bigint AND sl.lgsl_code = ${lgslCode}::int AND sl.valid_from <= ${date}::date
    ORDER BY sl.valid_from DESC
    LIMIT 1`.execute(tx);
  const row = rows[0];
  if (!row) return null;
  const target: Target = { amount: row.target_amount, unit: row.target_unit };
  return new WorkingCalendar(target.unit === 'hours' ? [] : row.holidays).dueAt(openedAt, target);
}

/**
 * Where a paused case's due date moves to when it resumes: on by the working days (or hours) the
 * pause lasted, under the target that set it. A case without a due date keeps none.
 */
export async function dueDateAfterPause(
  tx: Tx,
  c: { orgId: number; lgslCode: number; openedAt: Date; dueAt: Date | null; pausedAt: Date },
  resumedAt: Date,
): Promise<Date | null> {
  if (c.dueAt === null) return null;
  const target = await serviceLevelFor(tx, c.orgId, c.lgslCode, todayInLondon(c.openedAt));
  if (!target) return c.dueAt;
  const calendar =
    target.unit === 'hours'
      ? new WorkingCalendar([])
      : await englandAndWalesCalendar(
          tx,
          todayInLondon(c.pausedAt),
          todayInLondon(
            new Date(c.dueAt.getTime() + (resumedAt.getTime() - c.pausedAt.getTime()) * 2 + 30 * 86_400_000),
          ),
        );
  return calendar.extendForPause(c.dueAt, c.pausedAt, resumedAt, target.unit);
}
