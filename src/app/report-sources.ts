/**
 * What a council's quarterly report and scrutiny view show from other modules, as the person
 * asking may read it: a partnership's risks (governance's risk log, internal ones only for those it
 * lets), the council's saving in a partnership's pools (finance), and the proposals waiting on the
 * council's decision (governance). A partnership or pool the person may not read shows nothing.
 */
import { financeActorFor, type SavingsService } from '../finance/index.ts';
import {
  awaitingDecisionsOf,
  governanceActorFor,
  type GovernanceService,
  type RiskService,
} from '../governance/index.ts';
import type { ReportSources } from '../performance/index.ts';
import { unlessRefused } from '../platform/index.ts';

/** Refusals and absences show nothing. */
const orNothing = <T>(work: () => Promise<T>, nothing: T) => unlessRefused(work, nothing, [403, 404]);

export function reportSources(deps: {
  risks: RiskService;
  savings: SavingsService;
  governance: GovernanceService;
}): ReportSources {
  return {
    risks: (principal, slug) =>
      orNothing(async () => {
        const log = await deps.risks.riskLog(governanceActorFor(principal), slug);
        return log.risks
          .map((r) => ({
            title: r.title,
            band: r.residual.band,
            score: r.residual.score,
            bearer: r.bearer,
            internal: r.internal,
          }))
          .sort((a, b) => b.score - a.score || a.title.localeCompare(b.title));
      }, []),
    savings: (principal, slug, orgId, year) =>
      orNothing(async () => {
        const result = await deps.savings.savings(financeActorFor(principal), slug, year);
        const own = result.councils.find((c) => c.council.orgId === orgId);
        return own
          ? {
              year,
              baselinePence: own.baselinePence,
              chargedPence: own.chargedPence,
              savingPence: own.savingPence,
            }
          : null;
      }, null),
    waiting: (_principal, orgId) => awaitingDecisionsOf(deps.governance, orgId),
  };
}
