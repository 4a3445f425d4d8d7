/**
 * Who is responsible for a service at a place on a date (DESIGN.md, "Who is responsible?"):
 * place → council areas; service → providing tier; overrides; arrangement → provider.
 * The answer always says which rule decided, so an agent can explain it to the resident.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../db/index.ts';
import type { Tx } from '../db/index.ts';
import { ProblemError, badRequest, notFound } from '../platform/index.ts';
import { isIsoDate, todayInLondon } from '../platform/index.ts';
import type { GeographyService, PlaceLookup, AreaRef } from '../geography/index.ts';
import * as repo from './register.repository.ts';
import { applying } from './precedence.ts';
import { kindText } from '../geography/index.ts';
import { DELIVERY_LEVELS, DELIVERY_MODES, type OrganisationSummary, type Service } from './register.types.ts';

export type ResponsibleStatus = 'resolved' | 'ambiguous' | 'unknown_place' | 'unknown_service';
export type DecidingRule =
  'place' | 'unitary' | 'tier' | 'override' | 'chosen' | 'referral' | 'arrangement' | 'default';

export interface CouncilRef {
  gss: string | null;
  name: string;
  orgId: number;
  jurisdiction: string | null;
}

export interface ResponsibleAnswer {
  status: ResponsibleStatus;
  date: string;
  service: { lgslCode: number; label: string; providingTier: Service['providingTier'] } | null;
  place: PlaceLookup['place'] | null;
  responsible: CouncilRef | null;
  provider: {
    name: string;
    gss: string | null;
    orgId: number;
    arrangement: string;
    arrangementLabel: string;
    level: string | null;
    since: string | null;
    arrangementId: number | null;
    onBehalfOf: string;
    /** The area below the council whose arrangement applied; null when the council's whole area's did. */
    area: { code: string; name: string; kind: string } | null;
  } | null;
  reason: string;
  reasons: Array<{ rule: DecidingRule; text: string }>;
  candidates: CouncilRef[];
  /**
   * Whether this service takes reports for the responsible council (`coverageOf`), with the
   * council's web site and, when it does not, what the person is told; null until one council is
   * responsible.
   */
  coverage: Coverage | null;
}

export interface Coverage {
  covered: boolean;
  /** The responsible council's web site, where the register has one. */
  homepageUrl: string | null;
  /** When not covered: who is responsible, that this service does not cover it, and where to go. */
  text: string | null;
}

export interface ResponsibleQuery {
  service: number;
  postcode?: string;
  lat?: number;
  lon?: number;
  date?: string;
  /**
   * Where the place could be more than one council's: the council the person says it is (an
   * organisation id among the candidates). Anything else is ignored: the answer stays ambiguous.
   */
  choose?: number;
}

/** One service's answer among several at one place: the answer, or the problem `find` would throw. */
export type EachAnswer =
  | { service: number; answer: ResponsibleAnswer; problem?: never }
  | { service: number; answer?: never; problem: ProblemError };

export interface ResponsibleService {
  find(query: ResponsibleQuery): Promise<ResponsibleAnswer>;
  /**
   * Who is responsible for each of several services at one place, in the order given: the place
   * is looked up once and the register's facts about every service there read in one statement,
   * then each service is decided from them, answering as `find` would for that service. A place that cannot be read (bad coordinates, no place given) throws as `find` does.
   */
  findEach(
    query: Omit<ResponsibleQuery, 'service' | 'choose'> & { services: readonly number[] },
  ): Promise<EachAnswer[]>;
}

const TWO_TIER_LOCAL = new Set(['district']);

/**
 * Whether this service takes reports for the council responsible: it does for the members of the
 * partnerships in its register, and for every council while the register holds no partnership
 * (one council trying Jointly on its own). Anyone else is named, with its web site, and the person
 * is told plainly that this service does not cover it. Pure.
 */
export function coverageOf(
  responsible: CouncilRef,
  facts: repo.CoverageFacts,
  about: { service: string; place: string },
): Coverage {
  const site = facts.homepages.get(responsible.orgId);
  const homepageUrl = site && /^https?:\/\/[^\s]+$/i.test(site) ? site : null;
  const covered = !facts.anyPartnership || facts.memberOrgIds.includes(responsible.orgId);
  return {
    covered,
    homepageUrl,
    text: covered
      ? null
      : `${responsible.name} is responsible for ${about.service} at ${about.place}. This service only takes ` +
        `reports for the councils of the partnerships it works for, and ${responsible.name} is not one of them: ` +
        `contact ${responsible.name} directly${homepageUrl ? ` (${homepageUrl})` : ''}.`,
  };
}

/**
 * What a person is told about a place the register has no council for, when its country is known
 * and is not England: this service covers councils in England that work in its partnerships.
 */
export function outsideEnglandText(placeText: string, country: string | null): string | null {
  if (country === null || country === 'England') return null;
  const islands = country === 'Channel Islands' || country === 'Isle of Man';
  const where = islands ? `the ${country}` : country;
  const who = islands ? 'its own government' : `the council for the address in ${country}`;
  return (
    `${placeText} is in ${where}. This service only covers councils in England that ` +
    `work in its partnerships, so it cannot take reports there: contact ${who}.`
  );
}

const councilRef = (o: OrganisationSummary): CouncilRef => ({
  gss: o.gss,
  name: o.name,
  orgId: o.orgId,
  jurisdiction: o.jurisdiction,
});

const tierText = (tier: Service['providingTier']) =>
  tier === 'county'
    ? 'a county-tier service (GOV.UK providing tier: county/unitary)'
    : tier === 'district'
      ? 'a district-tier service (GOV.UK providing tier: district/unitary)'
      : tier === 'all'
        ? 'provided by every tier (GOV.UK providing tier: all), answered by the district as GOV.UK does'
        : 'a service with no providing tier recorded';

/** The council(s) responsible in one local area by the tier rule, with the reason. */
function byTier(
  local: AreaRef,
  councils: Map<string, OrganisationSummary>,
  service: Service,
): { orgs: OrganisationSummary[]; rule: DecidingRule; text: string; tierUnknown?: true } {
  const localCouncil = councils.get(local.code);
  const county = local.parentCode ? councils.get(local.parentCode) : undefined;
  if (!localCouncil)
    return { orgs: [], rule: 'tier', text: `No council is recorded for area ${local.code}.` };
  if (!TWO_TIER_LOCAL.has(local.kind) || !county) {
    return {
      orgs: [localCouncil],
      rule: 'unitary',
      text: `${localCouncil.name} is a single-tier council, so it provides every council service in its area.`,
    };
  }
  const about = `LGSL ${service.lgslCode} (${service.label}) is ${tierText(service.providingTier)}`;
  if (service.providingTier === 'county') {
    return { orgs: [county], rule: 'tier', text: `${about}, so ${county.name} serves ${local.name}.` };
  }
  if (service.providingTier === 'district' || service.providingTier === 'all') {
    return {
      orgs: [localCouncil],
      rule: 'tier',
      text: `${about}, so ${localCouncil.name} is responsible.`,
    };
  }
  return {
    orgs: [county, localCouncil],
    rule: 'tier',
    tierUnknown: true,
    text:
      `${about}, so which tier provides it is unknown: it could be ${county.name} or ${localCouncil.name}. ` +
      'Where the place is is not in question; record an override to say which council it is.',
  };
}

export function createResponsibleService(deps: {
  db: Kysely<DB>;
  geography: GeographyService;
}): ResponsibleService {
  const { db, geography } = deps;

  /** The date asked about, then each service asked about, checked in that order. */
  function checked(query: { date?: string | undefined }, services: readonly number[]): string {
    const date = query.date ?? todayInLondon();
    if (!isIsoDate(date)) throw badRequest(`date must be a real date as YYYY-MM-DD, not "${query.date}"`);
    for (const service of services) {
      if (!Number.isInteger(service) || service <= 0) {
        throw badRequest('service must be an LGSL code: a positive whole number');
      }
    }
    return date;
  }

  function locate(query: Omit<ResponsibleQuery, 'service'>): Promise<PlaceLookup> {
    if (query.postcode !== undefined) return geography.lookupPostcode(query.postcode);
    if (query.lat !== undefined && query.lon !== undefined)
      return geography.lookupPoint(query.lat, query.lon);
    throw badRequest('Give a postcode, or both lat and lon.');
  }

  async function find(query: ResponsibleQuery): Promise<ResponsibleAnswer> {
    const date = checked(query, [query.service]);
    const place = await locate(query);
    const facts = await routingFactsFor(db, query.service, place, date);
    return decideResponsible(query, date, place, facts);
  }

  async function findEach(
    query: Omit<ResponsibleQuery, 'service' | 'choose'> & { services: readonly number[] },
  ): Promise<EachAnswer[]> {
    const date = checked(query, query.services);
    const place = await locate(query);
    const facts = await routingFactsForEach(db, query.services, place, date);
    return query.services.map((service, i): EachAnswer => {
      try {
        return { service, answer: decideResponsible({ ...query, service }, date, place, facts[i]!) };
      } catch (error) {
        if (error instanceof ProblemError) return { service, problem: error };
        throw error;
      }
    });
  }

  return { find, findEach };
}

/** The register's facts about a service at a place, as `routingFacts` reads them. */
export type RoutingFacts = repo.RoutingFacts;

/**
 * The facts `decideResponsible` needs about a service at a place: the councils of its areas and of their
 * parents, and the overrides for its areas.
 */
export function routingFactsFor(
  db: Kysely<DB>,
  lgslCode: number,
  place: PlaceLookup,
  date: string,
): Promise<RoutingFacts> {
  const { councilAreas, overrideAreas } = areasOf(place);
  return repo.routingFacts(db, lgslCode, councilAreas, overrideAreas, date);
}

/** The facts for each of several services at one place, read in one statement. */
async function routingFactsForEach(
  db: Kysely<DB>,
  lgslCodes: readonly number[],
  place: PlaceLookup,
  date: string,
): Promise<RoutingFacts[]> {
  const { councilAreas, overrideAreas } = areasOf(place);
  const facts = await repo.routingFactsForServices(db, lgslCodes, councilAreas, overrideAreas, date);
  return lgslCodes.map((code) => repo.routingFactsOf(facts, code));
}

/** The areas whose councils may be responsible at a place (with their parents), and those an override may name. */
function areasOf(place: PlaceLookup): { councilAreas: string[]; overrideAreas: string[] } {
  const codes = [...new Set(place.areas.map((a) => a.code).concat(place.localAreas.map((a) => a.code)))];
  const parents = place.localAreas.map((a) => a.parentCode).filter((c): c is string => c !== null);
  return { councilAreas: [...new Set([...codes, ...parents])], overrideAreas: codes };
}

/**
 * Who is responsible, from the place and the register's facts about it: place → council areas;
 * service → providing tier; overrides; arrangement → provider. Pure: the same facts always give
 * the same answer.
 */
export function decideResponsible(
  query: ResponsibleQuery,
  date: string,
  place: PlaceLookup,
  facts: RoutingFacts,
): ResponsibleAnswer {
  const base = {
    date,
    place: null,
    responsible: null,
    provider: null,
    candidates: [] as CouncilRef[],
    coverage: null,
  };
  const service = facts.service;
  if (!service) {
    const reason = `There is no LGSL service ${query.service}.`;
    throw notFound(reason, { ...base, code: 'unknown_service', service: null, reason, reasons: [] });
  }
  const serviceRef = {
    lgslCode: service.lgslCode,
    label: service.label,
    providingTier: service.providingTier,
  };
  const reasons: ResponsibleAnswer['reasons'] = [{ rule: 'place', text: place.reason }];
  if (place.status === 'unknown_place') {
    const outside = outsideEnglandText(place.place.query, place.place.country);
    const reason = outside ? `${outside} (${place.reason})` : place.reason;
    throw notFound(reason, {
      ...base,
      code: 'unknown_place',
      service: serviceRef,
      place: place.place,
      reason,
      reasons,
      country: place.place.country,
      outside: outside !== null,
    });
  }

  // A council's area code is its GSS code.
  const councils = new Map(facts.councils.filter((c) => c.gss !== null).map((c) => [c.gss!, c] as const));
  const overrides = facts.overrides.map((o) => o.override);
  const overrideOrgs = new Map(
    facts.overrides.flatMap((o) => (o.org ? [[o.org.orgId, o.org] as const] : [])),
  );
  const responsibleOrgs = new Map<number, OrganisationSummary>();
  const texts = new Map<string, { rule: DecidingRule; text: string }>();
  const areaOfPlace = new Map(place.areas.map((a) => [a.code, a] as const));
  // A service without a providing tier leaves the council open even where the place is certain.
  let tierUnknown = false;
  for (const local of place.localAreas) {
    // The override for the most specific area covering this part of the place, then the latest.
    const applicable = overrides.filter(
      (o) =>
        o.areaCode === local.code ||
        (areaOfPlace.has(o.areaCode) && !place.localAreas.some((l) => l.code === o.areaCode)),
    );
    const override = applying(applicable, (o) => ({
      kind: areaOfPlace.get(o.areaCode)!.kind,
      validFrom: o.validFrom,
      recorded: o.overrideId,
    }));
    if (override && overrideOrgs.get(override.orgId)) {
      const org = overrideOrgs.get(override.orgId)!;
      responsibleOrgs.set(org.orgId, org);
      const area = areaOfPlace.get(override.areaCode)!;
      const text = `Override from ${override.validFrom}: ${org.name} is responsible for this service in ${area.name} (${override.areaCode}): ${override.reason}`;
      texts.set(text, { rule: 'override', text });
      continue;
    }
    const tier = byTier(local, councils, service);
    if (tier.tierUnknown) tierUnknown = true;
    for (const org of tier.orgs) responsibleOrgs.set(org.orgId, org);
    texts.set(tier.text, { rule: tier.rule, text: tier.text });
  }
  reasons.push(...texts.values());
  const candidates = [...responsibleOrgs.values()].map(councilRef);

  const chosen = candidates.length > 1 ? candidates.find((c) => c.orgId === query.choose) : undefined;
  if (chosen) {
    reasons.push({
      rule: 'chosen',
      text: `The place could be ${candidates.map((c) => c.name).join(' or ')}; the person chose ${chosen.name}.`,
    });
  }
  if (candidates.length !== 1 && !chosen) {
    const reason =
      candidates.length === 0
        ? `${place.reason} No council in the register covers it.`
        : tierUnknown && place.localAreas.length === 1
          ? `The providing tier of ${service.label} (LGSL ${service.lgslCode}) is unknown: GOV.UK's list gives it ` +
            `none, so it could be ${candidates.map((c) => c.name).join(' or ')}. The place is not in doubt; ` +
            'an override for the area would settle it.'
          : `More than one council could be responsible here: ${candidates.map((c) => c.name).join(' or ')}. ` +
            'Ask the resident to choose the exact address or point on a map.';
    return {
      ...base,
      status: 'ambiguous',
      service: serviceRef,
      place: place.place,
      reason,
      reasons,
      candidates,
    };
  }
  const responsible = chosen ?? candidates[0]!;
  const decision = providerFrom(
    responsible,
    applying(
      facts.arrangements.filter((a) => a.orgId === responsible.orgId),
      (a) => ({ kind: a.within?.kind ?? 'district', validFrom: a.validFrom, recorded: a.arrangementId }),
    ),
  );
  reasons.push(decision.reason);
  return {
    ...base,
    status: 'resolved',
    service: serviceRef,
    place: place.place,
    responsible,
    provider: decision.provider,
    reason: reasons.map((r) => r.text).join(' '),
    reasons,
    candidates,
    coverage: coverageOf(responsible, facts.coverage, {
      service: service.label.toLowerCase(),
      place: place.place.query,
    }),
  };
}

/**
 * Who delivers a service for a council on a date, under the arrangement in force, and why. Runs in
 * the caller's transaction, which must be able to read the council's arrangements.
 */
export async function providerInForce(
  tx: Tx,
  responsible: CouncilRef,
  lgslCode: number,
  date: string,
): Promise<ProviderDecision> {
  const [arrangement] = await repo.arrangementsInForce(tx, [responsible.orgId], date, [lgslCode]);
  return providerFrom(responsible, arrangement);
}

interface ProviderDecision {
  provider: NonNullable<ResponsibleAnswer['provider']>;
  reason: { rule: DecidingRule; text: string };
}

/** Who delivers for the responsible council under its arrangement in force (none: itself), and why. */
function providerFrom(
  responsible: CouncilRef,
  arrangement:
    (Omit<repo.ArrangementFact, 'within'> & { within?: repo.ArrangementFact['within'] }) | undefined,
): ProviderDecision {
  if (arrangement) {
    const where = arrangement.within
      ? ` in ${arrangement.within.name} (${kindText(arrangement.within.kind)}, ${arrangement.within.code})`
      : '';
    const text =
      arrangement.mode === 'retained'
        ? `${responsible.name} delivers it in-house${where} (arrangement from ${arrangement.validFrom}).`
        : `${DELIVERY_MODES[arrangement.mode]}: ${arrangement.provider.name} delivers it on behalf of ` +
          `${responsible.name}${where}, ${DELIVERY_LEVELS[arrangement.level].toLowerCase()} (arrangement from ${arrangement.validFrom}).`;
    return {
      reason: { rule: 'arrangement', text },
      provider: {
        name: arrangement.provider.name,
        gss: arrangement.provider.gss,
        orgId: arrangement.provider.orgId,
        arrangement: arrangement.mode,
        arrangementLabel: DELIVERY_MODES[arrangement.mode],
        level: arrangement.level,
        since: arrangement.validFrom,
        arrangementId: arrangement.arrangementId,
        onBehalfOf: responsible.name,
        area: arrangement.within ?? null,
      },
    };
  }
  return {
    reason: {
      rule: 'default',
      text: `No arrangement is recorded for this service, so ${responsible.name} delivers it itself.`,
    },
    provider: {
      name: responsible.name,
      gss: responsible.gss,
      orgId: responsible.orgId,
      arrangement: 'retained',
      arrangementLabel: DELIVERY_MODES.retained,
      level: null,
      since: null,
      arrangementId: null,
      onBehalfOf: responsible.name,
      area: null,
    },
  };
}
