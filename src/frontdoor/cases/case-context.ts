/**
 * What every part of the case service shares: its dependencies, how a case row becomes what
 * people see (brands, summary, detail, history), and `withCase`, which reads a case the actor may
 * see in a transaction scoped to what they may see and do.
 */
import { withTenant, type Tx } from '../../db/index.ts';
import { conflict, notFound, type ProblemError } from '../../platform/index.ts';
import { isOverdue } from '../service-levels/working-days.ts';
import { dueDateAfterPause } from '../service-levels/service-levels.ts';
import { iso } from '../shared/text.ts';
import { mayReadCase, type CaseActor } from './case-actor.ts';
import { normaliseReference } from './case-reference.ts';
import { CASE_STATUSES, isFinished } from './case-status.ts';
import * as repo from './cases.repository.ts';
import type { CaseDetail, CaseEventView, CaseSummary, CasesDeps, OrganisationBrand } from './cases.types.ts';

export interface CaseContext extends Required<Omit<CasesDeps, 'now'>> {
  now: () => Date;
  brands(tx: Tx, orgIds: readonly number[]): Promise<Map<number, OrganisationBrand>>;
  summaryOf(tx: Tx, row: repo.CaseRow): Promise<CaseSummary>;
  eventViews(tx: Tx, events: repo.CaseEventRow[]): Promise<CaseEventView[]>;
  detailOf(tx: Tx, row: repo.CaseRow): Promise<CaseDetail>;
  withCase<T, R extends repo.CaseRow = repo.CaseRow>(
    actor: CaseActor,
    orgId: number,
    reference: string,
    work: (tx: Tx, row: R) => Promise<T>,
    options?: CaseReadOptions<R>,
  ): Promise<T>;
}

export interface CaseReadOptions<R extends repo.CaseRow> {
  forUpdate?: boolean;
  extraWriteOrgs?: number[];
  /** Reads the case with more than its row, in the same statement (`caseByReference` otherwise). */
  read?: (tx: Tx, orgId: number, reference: string) => Promise<R | undefined>;
}

/** The refusal of a change made against a version of the case that is no longer the latest. */
export const stale = (): ProblemError =>
  conflict(
    'Someone else changed this case after you opened it. Nothing was saved: look at the latest version and try again.',
  );

export function createCaseContext(deps: CasesDeps): CaseContext {
  const { db } = deps;
  const now = deps.now ?? (() => new Date());

  async function brands(tx: Tx, orgIds: readonly number[]): Promise<Map<number, OrganisationBrand>> {
    const orgs = await repo.caseOrganisations(tx, orgIds);
    return new Map([...orgs].map(([id, o]) => [id, o.brand]));
  }

  async function summaryOf(tx: Tx, row: repo.CaseRow): Promise<CaseSummary> {
    const orgs = await brands(tx, [row.orgId, row.providerOrgId]);
    return {
      reference: row.reference,
      status: row.status,
      statusLabel: CASE_STATUSES[row.status],
      service: { lgslCode: row.lgslCode, label: row.serviceLabel },
      responsible: orgs.get(row.orgId)!,
      provider: orgs.get(row.providerOrgId)!,
      openedAt: row.openedAt.toISOString(),
      dueAt: iso(row.dueAt),
      closedAt: iso(row.closedAt),
    };
  }

  async function eventViews(tx: Tx, events: repo.CaseEventRow[]): Promise<CaseEventView[]> {
    const orgs = await brands(
      tx,
      events.flatMap((e) => (e.copiedFromOrgId ? [e.copiedFromOrgId] : [])),
    );
    return events.map((e) => ({
      occurredAt: e.occurredAt.toISOString(),
      kind: e.kind,
      status: e.status,
      body: e.body,
      visibility: e.visibility,
      actorName: e.actorName,
      from: e.copiedFromOrgId ? (orgs.get(e.copiedFromOrgId)?.name ?? null) : null,
    }));
  }

  async function detailOf(tx: Tx, row: repo.CaseRow): Promise<CaseDetail> {
    const summary = await summaryOf(tx, row);
    const linked = await brands(
      tx,
      [row.referredFromOrgId, row.referredToOrgId, row.contactOrgId].filter(
        (id): id is number => id !== null,
      ),
    );
    const at = now();
    return {
      ...summary,
      orgId: row.orgId,
      caseId: row.caseId,
      version: row.version,
      description: row.description,
      place: { postcode: row.postcode, lat: row.lat, lon: row.lon, address: row.address },
      reporter: { name: row.reporterName, email: row.reporterEmail, phone: row.reporterPhone },
      channel: row.channel,
      routing: row.routing,
      attributes: row.attributes,
      mediaUrl: row.mediaUrl,
      pausedAt: iso(row.pausedAt),
      overdue: !isFinished(row.status) && row.status !== 'referred' && isOverdue(row.dueAt, at, row.pausedAt),
      referredFrom: row.referredFromOrgId ? (linked.get(row.referredFromOrgId) ?? null) : null,
      referredTo: row.referredToOrgId ? (linked.get(row.referredToOrgId) ?? null) : null,
      frontDoor: row.contactOrgId ? (linked.get(row.contactOrgId) ?? null) : null,
      events: await eventViews(tx, await repo.caseEvents(tx, row.orgId, row.caseId)),
    };
  }

  async function withCase<T, R extends repo.CaseRow = repo.CaseRow>(
    actor: CaseActor,
    orgId: number,
    reference: string,
    work: (tx: Tx, row: R) => Promise<T>,
    options: CaseReadOptions<R> = {},
  ): Promise<T> {
    const normalised = normaliseReference(reference);
    if (!normalised) throw notFound(`There is no case ${reference}.`);
    const scope = {
      readOrgs: [...actor.readOrgs, ...(options.extraWriteOrgs ?? [])],
      writeOrgs: [...actor.writeOrgs, ...(options.extraWriteOrgs ?? [])],
      accountId: actor.accountId,
    };
    return withTenant(db, scope, async (tx) => {
      const row = options.read
        ? await options.read(tx, orgId, normalised)
        : ((await repo.caseByReference(tx, orgId, normalised, {
            forUpdate: options.forUpdate ?? false,
          })) as R | undefined);
      // The database keeps the transaction to the actor's organisations; the grants' services are
      // checked here, and a case of a service they do not cover is as absent as another council's.
      if (!row || !mayReadCase(actor, row))
        throw notFound(`There is no case ${normalised} that you can see.`);
      return work(tx, row);
    });
  }

  return {
    db,
    responsible: deps.responsible,
    dueDate: deps.dueDate,
    dueDateAfterPause: deps.dueDateAfterPause ?? dueDateAfterPause,
    now,
    brands,
    summaryOf,
    eventViews,
    detailOf,
    withCase,
  };
}
