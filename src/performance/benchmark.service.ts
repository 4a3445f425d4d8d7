/**
 * Benchmarking a council: against its partners on the measures their partnership shares (from each
 * council's own cases, quarter by quarter), and against peers of the same class across England on
 * spend per head by service area (revenue outturn over Census 2021 population, in the year the
 * outturn is held for, which is always shown). Everyone may read it: every figure is published.
 *
 * Peers are chosen by `choosePeers` (same class, nearest in population), among the councils that
 * have an outturn for the year, and the method is stated with the figures.
 */
import type { Kysely } from 'kysely';
import type { DB, OrganisationKind } from '../db/index.ts';
import { withSystem } from '../db/index.ts';
import { type Pence, outturnOf } from '../finance/index.ts';
import { badRequest, todayInLondon } from '../platform/index.ts';
import { mergeSummaries, valueFromCases } from './day-summary.ts';
import { type Measure, measureById } from './measures.ts';
import { type Council as PeerCouncil, choosePeers, councilClassOf, spendPerHead, standing } from './peers.ts';
import { type ReportingPeriod, quartersEndingWith } from './periods.ts';
import { quarterAsked } from './report.service.ts';
import type { Ratio } from './ratio.ts';
import { firstSummaryDays, periodCounts } from './summary.repository.ts';

/** The measures partners are compared on: every partnership's councils have them from their cases. */
export const SHARED_MEASURES = [
  'closed_within_service_level',
  'first_contact_resolution',
  'median_working_days_to_close',
  'requests_received',
] as const;

/** Revenue outturn lines by service area (MHCLG RS), and their total. */
export const SERVICE_AREA_LINES = [190, 290, 330, 360, 390, 490, 509, 590, 599, 690, 698, 699] as const;
export const TOTAL_LINE = 699;
export const PEER_COUNT = 10;
export const POPULATION_SOURCE = 'Census 2021';
/** Quarters compared with partners, ending with the one asked for. */
export const PARTNER_QUARTERS = 8;

export interface BenchmarkRegister {
  organisation(key: string): Promise<{
    orgId: number;
    gss: string | null;
    name: string;
    kind: OrganisationKind;
    population: number | null;
    partnerships: ReadonlyArray<{ slug: string; name: string; role: string }>;
  }>;
  partnership(slug: string): Promise<{
    slug: string;
    name: string;
    members: ReadonlyArray<{
      orgId: number;
      gss: string | null;
      name: string;
      role: string;
      leftOn: string | null;
    }>;
  }>;
  councilsOfKind(
    kind: OrganisationKind,
  ): Promise<ReadonlyArray<{ orgId: number; gss: string | null; name: string; population: number | null }>>;
}

export interface PartnerComparison {
  slug: string;
  name: string;
  councils: Array<{ orgId: number; gss: string; name: string; own: boolean }>;
  measures: Array<{
    measure: Measure;
    /** `values[c][q]`: council c (in `councils`' order), quarter q (in `quarters`' order). */
    values: Array<Array<Ratio | null>>;
  }>;
}

export interface SpendLine {
  line: number;
  name: string;
  own: Pence | null;
  peersMedian: Pence | null;
  rankFromLowest: number | null;
  of: number;
  /** Each peer's figure, in `peers`' order. */
  byPeer: Array<Pence | null>;
}

export type PeerSpend =
  | {
      ok: true;
      year: string;
      method: string;
      peers: Array<{ gss: string; name: string; population: number }>;
      lines: SpendLine[];
    }
  | { ok: false; reason: string; method: string | null };

export interface BenchmarkView {
  council: { orgId: number; gss: string; name: string; kind: OrganisationKind; population: number | null };
  period: ReportingPeriod;
  quarters: ReportingPeriod[];
  partners: PartnerComparison[];
  spend: PeerSpend;
}

export interface BenchmarkService {
  benchmarking(key: string, period?: string): Promise<BenchmarkView>;
}

export function createBenchmarkService(deps: {
  db: Kysely<DB>;
  register: BenchmarkRegister;
  today?: () => string;
}): BenchmarkService {
  const { db, register } = deps;
  const today = deps.today ?? (() => todayInLondon());

  async function partnersOn(quarters: ReportingPeriod[], orgId: number, slugs: readonly string[]) {
    const out: PartnerComparison[] = [];
    for (const slug of slugs) {
      const p = await register.partnership(slug);
      const councils = p.members
        .filter(
          (m): m is typeof m & { gss: string } => m.role !== 'vehicle' && m.leftOn === null && m.gss !== null,
        )
        .map((m) => ({ orgId: m.orgId, gss: m.gss, name: m.name, own: m.orgId === orgId }));
      const ids = councils.map((c) => c.orgId);
      const { totals, firstDays } = await withSystem(db, async (tx) => ({
        totals: await periodCounts(tx, { orgIds: ids, periods: quarters }),
        firstDays: await firstSummaryDays(tx, ids),
      }));
      out.push({
        slug: p.slug,
        name: p.name,
        councils,
        measures: SHARED_MEASURES.map((id) => ({
          measure: measureById(id)!,
          values: councils.map((c) =>
            quarters.map((q) => {
              const first = firstDays.get(c.orgId);
              if (first === undefined || q.last < first) return null;
              const counts = mergeSummaries(
                totals.filter((t) => t.orgId === c.orgId && t.periodId === q.id).map((t) => t.counts),
              );
              return valueFromCases(id, counts) ?? null;
            }),
          ),
        })),
      });
    }
    return out;
  }

  async function peerSpend(council: BenchmarkView['council']): Promise<PeerSpend> {
    const councilClass = councilClassOf(council.kind);
    if (councilClass === null) {
      return {
        ok: false,
        reason: `${council.name} is not a principal council, so it has no peers by class.`,
        method: null,
      };
    }
    const candidates = (await register.councilsOfKind(council.kind)).filter(
      (c): c is typeof c & { gss: string } => c.gss !== null,
    );
    const { year, figures } = await outturnOf(
      db,
      [...new Set([council.gss, ...candidates.map((c) => c.gss)])],
      SERVICE_AREA_LINES,
    );
    const self: PeerCouncil = {
      gss: council.gss,
      name: council.name,
      councilClass,
      population: council.population,
    };
    const withOutturn = candidates
      .filter((c) => figures.get(c.gss)?.get(TOTAL_LINE)?.pence != null)
      .map((c) => ({ gss: c.gss, name: c.name, councilClass, population: c.population }));
    const choice = choosePeers(self, withOutturn, PEER_COUNT, POPULATION_SOURCE);
    const method = `${choice.method} Only councils with a revenue outturn for ${year ?? 'the year'} are candidates.`;
    if (!choice.ok) return { ok: false, reason: choice.reason, method };
    if (year === null) return { ok: false, reason: 'No revenue outturn is held.', method };
    const own = figures.get(council.gss);
    if (!own)
      return { ok: false, reason: `No revenue outturn of ${council.name} is held for ${year}.`, method };
    const perHead = (gss: string, population: number | null, line: number) => {
      const pence = figures.get(gss)?.get(line)?.pence;
      return pence === undefined || pence === null ? null : spendPerHead(pence, population);
    };
    const spent = (line: number) =>
      [council.gss, ...choice.peers.map((p) => p.gss)].some((gss) => {
        const pence = figures.get(gss)?.get(line)?.pence;
        return pence !== undefined && pence !== null && pence !== 0n;
      });
    // The service areas this class of council spends on: none where every figure is nought.
    const lines: SpendLine[] = SERVICE_AREA_LINES.filter(spent).map((line) => {
      const mine = perHead(council.gss, council.population, line);
      const byPeer = choice.peers.map((p) => perHead(p.gss, p.population, line));
      const stand = standing(mine, byPeer);
      return {
        line,
        name: own.get(line)?.name ?? figures.get(choice.peers[0]?.gss ?? '')?.get(line)?.name ?? String(line),
        own: mine,
        peersMedian: stand?.median ?? null,
        rankFromLowest: stand?.rankFromLowest ?? null,
        of: stand?.of ?? 0,
        byPeer,
      };
    });
    return {
      ok: true,
      year,
      method,
      peers: choice.peers.map((p) => ({ gss: p.gss, name: p.name, population: p.population! })),
      lines,
    };
  }

  return {
    async benchmarking(key, periodText) {
      const period = quarterAsked(periodText, today());
      const org = await register.organisation(key);
      if (!org.gss) throw badRequest(`${org.name} is not a council with a GSS code.`);
      const council = {
        orgId: org.orgId,
        gss: org.gss,
        name: org.name,
        kind: org.kind,
        population: org.population,
      };
      const quarters = quartersEndingWith(period, PARTNER_QUARTERS);
      const slugs = org.partnerships
        .filter((p) => p.role === 'member' || p.role === 'associate')
        .map((p) => p.slug);
      return {
        council,
        period,
        quarters,
        partners: await partnersOn(quarters, org.orgId, slugs),
        spend: await peerSpend(council),
      };
    },
  };
}
