/**
 * Service levels: how quickly an organisation aims to deal with a service's cases, from a date,
 * in working days on the England and Wales bank-holiday calendar or in hours.
 */
import type { Tx } from '../db/context.ts';
import { todayInLondon } from '../platform/dates.ts';
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

/** When a case opened at `openedAt` is due under the organisation's service level; null without one. */
export async function dueDateFromServiceLevels(
  tx: Tx,
  orgId: number,
  lgslCode: number,
  openedAt: Date,
): Promise<Date | null> {
  const date = todayInLondon(openedAt);
  const target = await serviceLevelFor(tx, orgId, lgslCode, date);
  if (!target) return null;
  if (target.unit === 'hours') return new WorkingCalendar([]).dueAt(openedAt, target);
  // A target of N working days ends within N weeks and a fortnight of holidays.
  const until = new Date(openedAt.getTime() + (target.amount * 7 + 14) * 86_400_000);
  const calendar = await englandAndWalesCalendar(tx, date, todayInLondon(until));
  return calendar.dueAt(openedAt, target);
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
