/**
 * The desk's queues: the cases an officer's or agent's organisations hold or handle, most urgent
 * first, with the counts in hand and overdue per team; a search by a name, address or postcode is
 * recorded under each organisation searched.
 */
import { withTenant } from '../../db/index.ts';
import { recordAudit } from '../../platform/index.ts';
import { ValidationProblem } from '../../platform/index.ts';
import { isOverdue } from '../service-levels/working-days.ts';
import { caseScope, type CaseActor } from '../cases/case-actor.ts';
import type { CaseContext } from '../cases/case-context.ts';
import { normaliseReference } from '../cases/case-reference.ts';
import { CASE_STATUSES, isFinished } from '../cases/case-status.ts';
import type { CasesService } from '../cases/cases.types.ts';
import { queue as queueRows, queueCounts, type QueueCount, type QueueRow } from './queue.repository.ts';

/** The longest search of cases, in characters. */
export const SEARCH_LIMIT = 100;

export interface QueueFilter {
  /** One organisation of those the actor may see; all of them when not given. */
  orgId?: number;
  lgslCode?: number;
  /** One team: the organisation that provides the service. */
  providerOrgId?: number;
  state?: 'open' | 'overdue' | 'closed' | 'all';
  /** A reference, a postcode, or part of a name, address or description. */
  search?: string;
  limit?: number;
}

export interface QueueView {
  counts: QueueCount[];
  items: Array<QueueRow & { statusLabel: string; overdue: boolean }>;
  total: number;
}

/**
 * What a search of cases looks for: a reference when the words are one, else a full postcode
 * (written with its space), else the words in a name, address or description; nothing when empty.
 */
export function searchTerms(
  search: string,
): { reference?: string; postcode?: string; words?: string } | undefined {
  const reference = search === '' ? null : normaliseReference(search);
  const postcodeText = search.toUpperCase().replace(/\s+/g, '');
  const postcode = /^[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}$/.test(postcodeText)
    ? `${postcodeText.slice(0, -3)} ${postcodeText.slice(-3)}`
    : null;
  return search === '' ? undefined : reference ? { reference } : postcode ? { postcode } : { words: search };
}

export function createQueue(ctx: CaseContext): Pick<CasesService, 'queue'> {
  async function queue(actor: CaseActor, filter: QueueFilter = {}): Promise<QueueView> {
    const scope = caseScope(actor, filter.orgId === undefined ? undefined : [filter.orgId]);
    const search = filter.search?.trim() ?? '';
    if (search.length > SEARCH_LIMIT) {
      throw new ValidationProblem({ q: `Search for ${SEARCH_LIMIT} characters or fewer` });
    }
    const at = ctx.now();
    const text = searchTerms(search);
    // A search by a name, address or postcode looks through residents' details: it is recorded
    // under each organisation searched (who searched, for what, how many were found).
    const audited =
      actor.accountId !== null && text !== undefined && text.reference === undefined
        ? scope.map((s) => s.orgId).filter((o) => actor.writeOrgs.includes(o))
        : [];
    return withTenant(
      ctx.db,
      { readOrgs: actor.readOrgs, writeOrgs: audited, accountId: actor.accountId },
      async (tx) => {
        const found = await queueRows(tx, {
          scope,
          ...(filter.lgslCode !== undefined ? { lgslCode: filter.lgslCode } : {}),
          ...(filter.providerOrgId !== undefined ? { providerOrgId: filter.providerOrgId } : {}),
          state: search !== '' ? (filter.state ?? 'all') : (filter.state ?? 'open'),
          ...(text ? { text } : {}),
          now: at,
          limit: Math.min(Math.max(filter.limit ?? 50, 1), 200),
        });
        for (const orgId of audited) {
          await recordAudit(tx, {
            orgId,
            accountId: actor.accountId,
            action: 'search',
            entityType: 'case',
            entityKey: 'desk',
            after: { search: text!.words ?? text!.postcode, found: found.total },
          });
        }
        return {
          counts: await queueCounts(tx, scope, at),
          total: found.total,
          items: found.rows.map((r) => ({
            ...r,
            statusLabel: CASE_STATUSES[r.status],
            overdue: !isFinished(r.status) && r.status !== 'referred' && isOverdue(r.dueAt, at, r.pausedAt),
          })),
        };
      },
    );
  }

  return { queue };
}
