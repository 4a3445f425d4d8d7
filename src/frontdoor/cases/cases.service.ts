/**
 * The front door's case service (DESIGN.md, "Front door"): a contact on any channel opens a case
 * for the organisation responsible for that service at that place on that date, handled by the
 * provider under the arrangement in force; every change is a new event in the case's history; a
 * case that belongs elsewhere is referred with its history, never closed, and the resident keeps
 * one reference wherever it goes.
 *
 * Each part lives with its feature and shares one context (`case-context.ts`):
 * - intake: `intake/intake.service.ts` (rules in `intake/intake.rules.ts`);
 * - reading a case, for staff and residents: `case-reading.service.ts`;
 * - status, notes, pause and resume: `case-changes.service.ts`;
 * - referral: `referral/referral.service.ts`;
 * - the desk's queues: `desk/queue.service.ts`.
 */
import { createIntake } from '../intake/intake.service.ts';
import { createReferral } from '../referral/referral.service.ts';
import { createQueue } from '../desk/queue.service.ts';
import { createCaseContext } from './case-context.ts';
import { createCaseChanges } from './case-changes.service.ts';
import { createCaseReading } from './case-reading.service.ts';
import type { CasesDeps, CasesService } from './cases.types.ts';

export function createCasesService(deps: CasesDeps): CasesService {
  const ctx = createCaseContext(deps);
  return {
    ...createIntake(ctx),
    ...createQueue(ctx),
    ...createCaseReading(ctx),
    ...createCaseChanges(ctx),
    ...createReferral(ctx),
  };
}

export type { CasesDeps, CasesService } from './cases.types.ts';
