/**
 * The register's rules: reading who delivers what "as at" a date, and recording a change as a new
 * row from a date, checked, authorised and audited in one transaction. History is never overwritten.
 */
import { isIntCode } from '../platform/index.ts';
import type { Kysely } from 'kysely';
import type { DB, OrganisationKind } from '../db/index.ts';
import { withTenant, type TenantScope, type Tx } from '../db/index.ts';
import { recordAudit } from '../platform/index.ts';
import { ValidationProblem, conflict, forbidden, notFound } from '../platform/index.ts';
import * as repo from './register.repository.ts';
import {
  createPartnershipAreas,
  type AreaFromSectorsInput,
  type PartnershipArea,
} from './partnership-areas.ts';
import {
  DELIVERY_LEVELS,
  DELIVERY_MODES,
  type Arrangement,
  type ArrangementInput,
  type Organisation,
  type OrganisationSummary,
  type Partnership,
  type PartnershipMember,
  type PartnershipSummary,
  type Service,
} from './register.types.ts';
import { isIsoDate, todayInLondon } from '../platform/index.ts';

/** Who is asking: what they may see (row-level security) and what they may change (roles, services). */
export interface Actor {
  scope: TenantScope;
  accountId: number | null;
  mayChange(orgId: number, lgslCode: number): boolean;
  /**
   * The partnerships whose register this person keeps (a partnership administrator's), each with
   * the organisation of the grant, which their changes are audited under. None when absent.
   */
  keepsRegisterOf?: ReadonlyArray<{ partnershipId: number; orgId: number }>;
}

export const PUBLIC_ACTOR: Actor = {
  scope: { readOrgs: [], writeOrgs: [], accountId: null },
  accountId: null,
  mayChange: () => false,
};

export interface MatrixFilter {
  date?: string;
  lgslCodes?: number[];
  memberOrgIds?: number[];
  mode?: string;
  query?: string;
}

export interface MatrixCell {
  orgId: number;
  lgslCode: number;
  /** The arrangement in force, or null when none is recorded (the member delivers it itself). */
  arrangement: Arrangement | null;
}

export interface Matrix {
  partnership: Partnership;
  date: string;
  members: PartnershipMember[];
  services: Array<Service & { menu: string | null }>;
  cells: MatrixCell[][];
}

export interface RegisterService {
  listPartnerships(): Promise<PartnershipSummary[]>;
  partnership(slug: string): Promise<Partnership>;
  /** The organisations that are members of a partnership today (not vehicles or former members). */
  partnershipMemberIds(partnershipId: number): Promise<number[]>;
  matrix(actor: Actor, slug: string, filter?: MatrixFilter): Promise<Matrix>;
  organisation(key: string): Promise<Organisation>;
  /** The arrangements in force for an organisation: public facts, internal notes for its own people. */
  organisationArrangements(actor: Actor, orgId: number, date?: string): Promise<Arrangement[]>;
  services(filter?: { query?: string; codes?: number[]; limit?: number }): Promise<Service[]>;
  service(lgslCode: number): Promise<Service>;
  serviceHistory(actor: Actor, lgslCode: number, orgIds?: number[]): Promise<Arrangement[]>;
  arrangementHistory(actor: Actor, orgId: number, lgslCode: number): Promise<Arrangement[]>;
  arrangementsInForce(
    actor: Actor,
    orgIds: number[],
    date: string,
    lgslCodes?: number[],
  ): Promise<Arrangement[]>;
  organisationSummaries(orgIds: number[]): Promise<Map<number, OrganisationSummary>>;
  /** The councils of one kind in England (GSS codes starting E), with their population: public. */
  councilsOfKind(kind: OrganisationKind): Promise<Array<OrganisationSummary & { population: number | null }>>;
  recordArrangement(actor: Actor, input: ArrangementInput): Promise<Arrangement>;
  /** A partnership's own area from postcode sectors (`partnership-areas.ts`, where the rule is). */
  defineAreaFromSectors(actor: Actor, slug: string, input: AreaFromSectorsInput): Promise<PartnershipArea>;
  partnershipArea(slug: string, code: string): Promise<PartnershipArea>;
}

/** The longest an arrangement's fields may be, stated on the form and checked for every caller. */
export const ARRANGEMENT_LIMITS = { notes: 2000, decisions: 30, decision: 200 } as const;

/** What each list of decisions is called on the form, so a message names the field. */
const DECISION_FIELDS: Record<string, string> = {
  reservedDecisions: 'Decisions the council keeps',
  delegatedDecisions: 'Decisions delegated to the provider',
};

function checkDecisions(field: string, values: string[] | undefined, errors: Record<string, string>) {
  if (!values) return;
  const label = DECISION_FIELDS[field] ?? field;
  const { decisions, decision } = ARRANGEMENT_LIMITS;
  if (values.length > decisions)
    errors[field] = `${label} can list up to ${decisions} decisions, one a line: there are ${values.length}`;
  else if (values.some((v) => v.trim().length === 0)) errors[field] = `${label}: leave no decision empty`;
  else if (values.some((v) => v.length > decision)) {
    const line = values.findIndex((v) => v.length > decision) + 1;
    errors[field] =
      `${label}: each decision must be ${decision} characters or fewer (line ${line} has ${values[line - 1]!.length})`;
  }
}

/** Checks an arrangement against the register's rules, every problem at once; writes nothing. */
export async function checkArrangement(tx: Tx, input: ArrangementInput): Promise<void> {
  const errors: Record<string, string> = {};
  const org = (await repo.organisationSummaries(tx, [input.orgId])).get(input.orgId);
  if (!org) throw notFound(`There is no organisation with id ${input.orgId}.`);
  if (!(await repo.service(tx, input.lgslCode)))
    errors.lgslCode = `There is no LGSL service ${input.lgslCode}`;
  if (!isIsoDate(input.validFrom))
    errors.validFrom = 'Enter the date it starts as a real date, like 2026-04-01';
  if (input.validTo != null) {
    if (!isIsoDate(input.validTo)) errors.validTo = 'Enter the end date as a real date, like 2027-03-31';
    else if (isIsoDate(input.validFrom) && input.validTo <= input.validFrom)
      errors.validTo = 'The end date must be after the start date';
  }
  if (!Object.hasOwn(DELIVERY_MODES, input.mode)) errors.mode = 'Select how the service is delivered';
  if (!Object.hasOwn(DELIVERY_LEVELS, input.level)) errors.level = 'Select the level it is delivered at';
  const others = [input.providerOrgId, input.leadCommissionerOrgId].filter((id): id is number => id != null);
  const known = await repo.organisationSummaries(tx, others);
  const provider = known.get(input.providerOrgId);
  if (!provider) errors.providerOrgId = 'Select the organisation that provides the service';
  else if (input.mode === 'retained' && provider.orgId !== input.orgId)
    errors.providerOrgId = `A retained service is provided by ${org.name} itself`;
  else if (input.mode === 'devolved_parish' && provider.kind !== 'parish')
    errors.providerOrgId = 'A devolved service is provided by a parish or town council';
  else if (input.mode !== 'retained' && provider.orgId === input.orgId)
    errors.providerOrgId = `Select who provides it for ${org.name}, or choose "Retained in-house"`;
  if (input.leadCommissionerOrgId != null && !known.get(input.leadCommissionerOrgId))
    errors.leadCommissionerOrgId = 'Select the lead commissioner from the list';
  if (input.level === 'cluster' || input.level === 'locality') {
    const kind = input.areaCode ? await repo.areaKind(tx, input.areaCode) : undefined;
    const wanted =
      input.level === 'cluster' ? ['cluster'] : ['locality', 'market_town', 'parish', 'ward', 'cluster'];
    if (!kind || !wanted.includes(kind))
      errors.areaCode =
        input.level === 'cluster' ? 'Select the cluster' : 'Select the locality or market town';
  } else if (input.areaCode && !(await repo.areaKind(tx, input.areaCode))) {
    errors.areaCode = `There is no area with code ${input.areaCode}`;
  }
  if (input.partnershipId != null && !(await repo.isPartnershipMember(tx, input.partnershipId, input.orgId)))
    errors.partnershipId = `${org.name} is not a member of that partnership`;
  checkDecisions('reservedDecisions', input.reservedDecisions, errors);
  checkDecisions('delegatedDecisions', input.delegatedDecisions, errors);
  const reserved = new Set((input.reservedDecisions ?? []).map((d) => d.trim().toLowerCase()));
  const both = (input.delegatedDecisions ?? []).filter((d) => reserved.has(d.trim().toLowerCase()));
  if (both.length > 0 && !errors.delegatedDecisions)
    errors.delegatedDecisions = `A decision cannot be both reserved and delegated: ${both.join(', ')}`;
  const notes = (input.notes ?? '').length;
  if (notes > ARRANGEMENT_LIMITS.notes) {
    errors.notes = `Notes must be ${ARRANGEMENT_LIMITS.notes.toLocaleString('en-GB')} characters or fewer: there are ${notes.toLocaleString('en-GB')}`;
  }
  if (Object.keys(errors).length > 0) throw new ValidationProblem(errors);
}

/**
 * Records an arrangement inside a transaction the caller holds: checked, authorised, locked
 * against a concurrent change of the same council, and audited. The register's own change and a
 * proposal taking effect (governance, several councils in one transaction) both come through here.
 */
export async function recordArrangementIn(
  tx: Tx,
  actor: Actor,
  input: ArrangementInput,
): Promise<Arrangement> {
  if (!actor.mayChange(input.orgId, input.lgslCode) || !actor.scope.writeOrgs.includes(input.orgId)) {
    throw forbidden('You cannot change this organisation’s arrangements for this service.');
  }
  await repo.lockOrganisation(tx, input.orgId);
  await checkArrangement(tx, input);
  if (input.expectedCurrentId !== undefined) {
    const latest = await repo.latestArrangementId(tx, input.orgId, input.lgslCode);
    if (latest !== input.expectedCurrentId) {
      throw conflict(
        'Someone else changed this arrangement while you were editing it. ' +
          'Your change has not been saved: check the latest version and make your change again.',
        { latestArrangementId: latest },
      );
    }
  }
  const [before] = await repo.arrangementsInForce(tx, [input.orgId], input.validFrom, [input.lgslCode]);
  const saved = await repo.insertArrangement(tx, input, actor.accountId);
  await recordAudit(tx, {
    orgId: input.orgId,
    accountId: actor.accountId,
    action: before ? 'supersede' : 'create',
    entityType: 'arrangement',
    entityKey: `${input.orgId}:${input.lgslCode}`,
    before: before ?? null,
    after: saved,
  });
  return saved;
}

export function createRegisterService(db: Kysely<DB>): RegisterService {
  const publicRead = <T>(work: Parameters<typeof withTenant<T>>[2]) =>
    withTenant(db, PUBLIC_ACTOR.scope, work);

  async function partnership(slug: string): Promise<Partnership> {
    return publicRead(async (tx) => {
      const row = await repo.partnershipBySlug(tx, slug);
      if (!row) throw notFound(`There is no partnership called "${slug}".`);
      const members = await repo.partnershipMembers(tx, row.partnership_id);
      return {
        partnershipId: row.partnership_id,
        slug: row.slug,
        name: row.name,
        summary: row.summary,
        source: row.source,
        memberCount: members.filter((m) => m.leftOn === null).length,
        members,
        areas: await repo.partnershipAreas(tx, row.partnership_id),
      };
    });
  }

  return {
    ...createPartnershipAreas(db),

    listPartnerships: () => publicRead((tx) => repo.partnerships(tx)),

    partnership,

    partnershipMemberIds: (partnershipId) =>
      publicRead(async (tx) =>
        (await repo.partnershipMembers(tx, partnershipId))
          .filter((m) => m.leftOn === null && m.role !== 'vehicle')
          .map((m) => m.orgId),
      ),

    async matrix(actor, slug, filter = {}) {
      const p = await partnership(slug);
      const date = filter.date ?? todayInLondon();
      const members = p.members.filter(
        (m) => m.leftOn === null && (!filter.memberOrgIds?.length || filter.memberOrgIds.includes(m.orgId)),
      );
      return withTenant(db, actor.scope, async (tx) => {
        const memberIds = members.map((m) => m.orgId);
        const menus = await repo.partnershipMenus(tx, p.partnershipId);
        const codes = new Set([
          ...menus.map((m) => m.lgsl_code),
          ...(await repo.arrangedServiceCodes(tx, memberIds)),
        ]);
        const wanted = filter.lgslCodes?.length
          ? [...codes].filter((c) => filter.lgslCodes!.includes(c))
          : [...codes];
        let list = await repo.services(tx, {
          codes: wanted,
          ...(filter.query ? { query: filter.query } : {}),
        });
        const inForce = await repo.arrangementsInForce(
          tx,
          memberIds,
          date,
          list.map((s) => s.lgslCode),
        );
        const byKey = new Map(inForce.map((a) => [`${a.orgId}:${a.lgslCode}`, a]));
        if (filter.mode) {
          list = list.filter((s) =>
            memberIds.some((o) => byKey.get(`${o}:${s.lgslCode}`)?.mode === filter.mode),
          );
        }
        const menuOf = new Map(menus.map((m) => [m.lgsl_code, m.menu]));
        return {
          partnership: p,
          date,
          members,
          services: list.map((s) => ({ ...s, menu: menuOf.get(s.lgslCode) ?? null })),
          cells: list.map((s) =>
            members.map((m) => ({
              orgId: m.orgId,
              lgslCode: s.lgslCode,
              arrangement: byKey.get(`${m.orgId}:${s.lgslCode}`) ?? null,
            })),
          ),
        };
      });
    },

    async organisation(key) {
      return publicRead(async (tx) => {
        const id = await repo.findOrganisationId(tx, key);
        const org = id === undefined ? undefined : await repo.organisation(tx, id);
        if (!org) throw notFound(`There is no organisation "${key}".`);
        return org;
      });
    },

    async organisationArrangements(actor, orgId, date = todayInLondon()) {
      return withTenant(db, actor.scope, (tx) => repo.arrangementsInForce(tx, [orgId], date));
    },

    services: (filter = {}) => publicRead((tx) => repo.services(tx, filter)),

    async service(lgslCode) {
      // A code beyond an integer names no service (and the database would refuse to compare it).
      const found = isIntCode(lgslCode) ? await publicRead((tx) => repo.service(tx, lgslCode)) : undefined;
      if (!found) throw notFound(`There is no LGSL service ${lgslCode}.`);
      return found;
    },

    serviceHistory: (actor, lgslCode, orgIds) =>
      withTenant(db, actor.scope, (tx) => repo.serviceHistory(tx, orgIds, lgslCode)),

    arrangementHistory: (actor, orgId, lgslCode) =>
      withTenant(db, actor.scope, (tx) => repo.arrangementHistory(tx, orgId, lgslCode)),

    arrangementsInForce: (actor, orgIds, date, lgslCodes) =>
      withTenant(db, actor.scope, (tx) => repo.arrangementsInForce(tx, orgIds, date, lgslCodes)),

    organisationSummaries: (orgIds) => publicRead((tx) => repo.organisationSummaries(tx, orgIds)),
    councilsOfKind: (kind) => publicRead((tx) => repo.councilsOfKind(tx, kind, 'E')),

    async recordArrangement(actor, input) {
      if (!actor.scope.writeOrgs.includes(input.orgId)) {
        throw forbidden('You cannot change this organisation’s arrangements for this service.');
      }
      return withTenant(db, actor.scope, (tx) => recordArrangementIn(tx, actor, input));
    },
  };
}
