/**
 * A council's quarterly report on the shared services it takes part in, and the scrutiny view its
 * own councillors use to question it.
 *
 * - The report: every measure for the quarter with its target, status and both directions of
 *   travel (from the measures service, so the page, the CSV and the API agree), each measure's last
 *   eight quarters for its run chart, what the council was charged in the quarter by issued
 *   recharges, and for each partnership it is a member or associate of, its saving for the year and
 *   the risks it bears. Everyone may read it: councils publish their performance. Risks marked
 *   internal reach only those the risk log lets see them.
 * - The scrutiny view: the same quarter's exceptions (red, or worse than both the quarter before
 *   and the same quarter last year), the commitments of the district's locality plan at risk or off
 *   track, the partnerships' highest risks and the decisions waiting on the council. It is for the
 *   council's own people (councillors first, and its officers and clerks): anyone else is refused
 *   with a 403, whatever page or call asks.
 *
 * Risks, savings and decisions waiting belong to other modules; the composition root gives them
 * (`ReportSources`), as the person asking may read them.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../db/index.ts';
import { withSystem } from '../db/index.ts';
import { rechargedIn } from '../finance/index.ts';
import type { Principal } from '../platform/index.ts';
import { badRequest, forbidden, todayInLondon, unlessRefused } from '../platform/index.ts';
import { localityActorFor } from './locality-actor.ts';
import type { LocalityService } from './locality.service.ts';
import type { MeasureLine, MeasuresService } from './measures.service.ts';
import type { Measure } from './measures.ts';
import {
  type ReportingPeriod,
  lastEndedQuarter,
  periodContaining,
  periodInWords,
  quartersEndingWith,
  readPeriod,
  yearOf,
} from './periods.ts';
import type { Ratio } from './ratio.ts';
import { type StatusCounts, statusSummary } from './report-words.ts';
import type { Rag } from './status.ts';

/** How many quarters a run chart shows, ending with the report's. */
export const QUARTERS_SHOWN = 8;

export interface ReportRisk {
  title: string;
  band: string;
  score: number;
  /** The partner that bears it, or null for the partnership as a whole. */
  bearer: string | null;
  internal: boolean;
}

export interface ReportSaving {
  year: string;
  baselinePence: bigint;
  chargedPence: bigint;
  savingPence: bigint;
}

export interface ReportPlan {
  href: string;
  year: string;
  partnership: string;
  commitments: number;
  /** Commitments at risk or off track, with the note that says why. */
  concerns: Array<{ commitment: string; council: string; state: string; note: string }>;
}

export interface WaitingDecision {
  title: string;
  href: string;
  partnership: string;
}

/** What other modules tell a report, as `principal` may read it; each may be left out. */
export interface ReportSources {
  /** A partnership's risks, highest residual score first. */
  risks?(principal: Principal | undefined, slug: string): Promise<ReportRisk[]>;
  /** A council's saving in a partnership's pools for a financial year, or null when there is none to show. */
  savings?(
    principal: Principal | undefined,
    slug: string,
    orgId: number,
    year: string,
  ): Promise<ReportSaving | null>;
  /** Proposals waiting on the council's own decision. */
  waiting?(principal: Principal | undefined, orgId: number): Promise<WaitingDecision[]>;
}

export interface ReportRegister {
  organisation(key: string): Promise<{
    orgId: number;
    gss: string | null;
    name: string;
    partnerships: ReadonlyArray<{ slug: string; name: string; role: string }>;
  }>;
}

export interface ReportDeps {
  db: Kysely<DB>;
  measures: MeasuresService;
  /** The district's locality plan, when it has one. */
  localities?: Pick<LocalityService, 'plan'>;
  register: ReportRegister;
  sources?: ReportSources;
  /** Today in London (YYYY-MM-DD), for the default quarter; given in tests. */
  today?: () => string;
}

export interface SeriesPoint {
  period: ReportingPeriod;
  value: Ratio | null;
  target: Ratio | null;
  status: Rag | null;
}

export interface ReportMeasure {
  line: MeasureLine;
  /** The quarters up to the report's, oldest first. */
  series: SeriesPoint[];
}

export interface ReportPartnership {
  slug: string;
  name: string;
  role: string;
  saving: ReportSaving | null;
  /** The risks it bears or shares, highest first, at most five. */
  risks: ReportRisk[];
  riskCount: number;
}

export interface QuarterlyReport {
  council: { orgId: number; gss: string; name: string };
  period: ReportingPeriod;
  periodWords: string;
  /** The quarters a reader may pick, newest first. */
  quarters: ReportingPeriod[];
  measures: ReportMeasure[];
  counts: StatusCounts;
  summary: string;
  /** What the council was charged by issued recharges whose period lies in the quarter. */
  charged: { pence: bigint; runs: number };
  partnerships: ReportPartnership[];
  plan: ReportPlan | null;
}

export interface ScrutinyView {
  report: QuarterlyReport;
  /** Measures red, or worse than both the quarter before and the same quarter last year. */
  exceptions: Array<{ measure: ReportMeasure; why: string[] }>;
  waiting: WaitingDecision[];
}

export interface ReportService {
  quarterly(principal: Principal | undefined, key: string, period?: string): Promise<QuarterlyReport>;
  scrutiny(principal: Principal | undefined, key: string, period?: string): Promise<ScrutinyView>;
}

const RISKS_SHOWN = 5;
/** Quarters offered in the picker, newest first. */
const QUARTERS_OFFERED = 12;

/**
 * The quarter a page asks for (`2025-26-Q3`), or the last that has ended by `today` when it asks
 * for none; a 400 that says why for anything else.
 */
export function quarterAsked(text: string | undefined, today: string): ReportingPeriod {
  if (text === undefined || text.trim() === '') return lastEndedQuarter(today)!;
  const reading = readPeriod(text.trim());
  if (!reading.ok) throw badRequest(reading.reason);
  if (reading.period.kind !== 'quarter') throw badRequest('Ask for a quarter, such as 2025-26-Q3.');
  return reading.period;
}

/** Who may read a council's scrutiny view: anyone with a grant at the council itself. */
export const mayScrutinise = (principal: Principal | undefined, orgId: number): boolean =>
  principal?.grants.some((g) => g.orgId === orgId) ?? false;

export function createReportService(deps: ReportDeps): ReportService {
  const { db, measures, register, sources = {} } = deps;
  const today = deps.today ?? (() => todayInLondon());

  const quarterFrom = (text: string | undefined) => quarterAsked(text, today());

  /** The council's plan for the year, if it has one (a county or unitary council has none). */
  async function planOf(
    principal: Principal | undefined,
    gss: string,
    year: string,
  ): Promise<ReportPlan | null> {
    if (!deps.localities) return null;
    const actor = localityActorFor(principal);
    // The plan of the report's year, or else the district's latest.
    const plan =
      (await unlessRefused(() => deps.localities!.plan(actor, gss, { year }), null)) ??
      (await unlessRefused(() => deps.localities!.plan(actor, gss), null));
    if (!plan) return null;
    const commitments = plan.objectives.flatMap((o) => o.commitments);
    return {
      href:
        `/organisations/${encodeURIComponent(gss)}/locality-plan?year=${encodeURIComponent(plan.year)}` +
        `&partnership=${encodeURIComponent(plan.partnership.slug)}`,
      year: plan.year,
      partnership: plan.partnership.name,
      commitments: commitments.length,
      concerns: commitments
        .filter((c) => c.state === 'at_risk' || c.state === 'off_track')
        .map((c) => ({
          commitment: c.commitment,
          council: c.council,
          state: c.stateLabel,
          note: c.stateNote,
        })),
    };
  }

  async function quarterly(principal: Principal | undefined, key: string, periodText?: string) {
    const period = quarterFrom(periodText);
    const org = await register.organisation(key);
    if (!org.gss) throw badRequest(`${org.name} is not a council with a GSS code, so it has no measures.`);
    const quarters = quartersEndingWith(period, QUARTERS_SHOWN);
    const reports = await measures.reports(
      org.gss,
      quarters.map((q) => q.id),
    );
    const now = reports[reports.length - 1]!;
    const reportMeasures: ReportMeasure[] = now.measures.map((line) => ({
      line,
      series: reports.map((r) => {
        const point = r.measures.find((m) => m.measure.id === line.measure.id);
        return {
          period: r.period,
          value: point?.value ?? null,
          target: point?.target?.target ?? null,
          status: point?.assessment.status ?? null,
        };
      }),
    }));
    const counts: StatusCounts = { green: 0, amber: 0, red: 0, unrated: 0 };
    for (const { line } of reportMeasures) {
      if (line.assessment.status) counts[line.assessment.status]++;
      else if (line.measure.polarity !== null) counts.unrated++;
    }
    const year = yearOf(period).id;
    const shared = org.partnerships.filter((p) => p.role === 'member' || p.role === 'associate');
    const partnerships: ReportPartnership[] = [];
    for (const p of shared) {
      const risks = sources.risks ? await sources.risks(principal, p.slug) : [];
      const borne = risks.filter((r) => r.bearer === null || r.bearer === org.name);
      partnerships.push({
        slug: p.slug,
        name: p.name,
        role: p.role,
        saving: sources.savings ? await sources.savings(principal, p.slug, org.orgId, year) : null,
        risks: borne.slice(0, RISKS_SHOWN),
        riskCount: borne.length,
      });
    }
    const latest = periodContaining(today(), 'quarter')!;
    return {
      council: { orgId: org.orgId, gss: org.gss, name: org.name },
      period,
      periodWords: periodInWords(period),
      quarters: quartersEndingWith(latest, QUARTERS_OFFERED).reverse(),
      measures: reportMeasures,
      counts,
      summary: statusSummary(counts),
      charged: await withSystem(db, (tx) => rechargedIn(tx, org.orgId, period.first, period.last)),
      partnerships,
      plan: await planOf(principal, org.gss, year),
    } satisfies QuarterlyReport;
  }

  return {
    quarterly,

    async scrutiny(principal, key, periodText) {
      if (!principal) throw forbidden('Sign in to see the scrutiny view of your council.');
      const org = await register.organisation(key);
      if (!mayScrutinise(principal, org.orgId)) {
        throw forbidden(`The scrutiny view of ${org.name} is for ${org.name}’s own councillors and staff.`);
      }
      const report = await quarterly(principal, key, periodText);
      const exceptions: ScrutinyView['exceptions'] = [];
      for (const m of report.measures) {
        const why = exceptionReasons(m.line);
        if (why.length > 0) exceptions.push({ measure: m, why });
      }
      return {
        report,
        exceptions,
        waiting: sources.waiting ? await sources.waiting(principal, org.orgId) : [],
      };
    },
  };
}

/** Why a measure is an exception for scrutiny, in words; none when it is not one. */
export function exceptionReasons(
  line: Pick<MeasureLine, 'assessment'> & { measure: Pick<Measure, 'polarity'> },
): string[] {
  const why: string[] = [];
  if (line.assessment.status === 'red') why.push('Red against its target');
  if (
    line.assessment.sincePreviousPeriod === 'worsening' &&
    line.assessment.sinceSamePeriodLastYear === 'worsening'
  ) {
    why.push('Worse than the quarter before and the same quarter last year');
  }
  return why;
}
