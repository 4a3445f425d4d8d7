/**
 * What each kind of proposal change asks of the councils. Pure: the proposal service gives it the
 * partnership's current councils and who shares each cost pool on the effective date.
 *
 * - An arrangement changes one council's register: that council decides (and any council whose
 *   reserved matters it touches, `reserved-matters.ts`).
 * - An allocation rule changes what every council sharing the pool pays: each of them decides.
 * - A council joining or leaving changes the partnership for all: the council itself and every
 *   current council decide.
 * Rules and membership apply to all the councils together, so a proposal that makes one cannot be
 * adopted in part.
 */
export const CHANGE_KINDS = ['arrangement', 'allocation_rule', 'join', 'leave'] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

export const CHANGE_KIND_LABELS: Record<ChangeKind, string> = {
  arrangement: 'Change who delivers a service',
  allocation_rule: 'Adopt or change how a cost pool is shared',
  join: 'A council joins the partnership',
  leave: 'A council leaves the partnership',
};

export type ChangeReach =
  | { kind: 'arrangement'; orgId: number }
  | { kind: 'allocation_rule'; poolId: number }
  | { kind: 'join' | 'leave'; orgId: number };

/** The councils that must each decide a change, in ascending order of id. */
export function councilsToAsk(
  change: ChangeReach,
  context: { currentCouncils: readonly number[]; sharing: (poolId: number) => readonly number[] },
): number[] {
  const asked =
    change.kind === 'arrangement'
      ? [change.orgId]
      : change.kind === 'allocation_rule'
        ? context.sharing(change.poolId)
        : [change.orgId, ...context.currentCouncils];
  return [...new Set(asked)].sort((a, b) => a - b);
}

/** Whether a proposal with these changes may let councils that approve go ahead without one that rejects. */
export const mayAdoptInPart = (kinds: readonly ChangeKind[]): boolean =>
  kinds.every((k) => k === 'arrangement');
