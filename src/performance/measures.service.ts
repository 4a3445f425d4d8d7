/**
 * Measures for a council and period: each catalogue measure's value from the day summaries (never
 * from the cases themselves), cost per case from issued recharges, officers' entered and imported
 * values (the latest counts), the council's target and tolerance, and the status and directions of
 * travel, always computed. Setting a target, entering a value and importing a file of values are
 * checked here for every caller (`measures-actor.ts`), audited in the same transaction.
 *
 * Values are exact (`ratio.ts`); `apiNumber` turns one into what the API and pages show, in the
 * measure's unit: a count as a whole number, a share as a percentage with one decimal place (85.3
 * for 85.3%), working days with up to two decimals (a median or 90th percentile is whole), pence
 * per case in whole pence, a number with up to six decimals. Targets and tolerances are typed and
 * shown the same way (a share's target 85 is 85%, its tolerance 5 is 5 percentage points), and
 * stored as the exact value (0.85, 0.05). A target is for the council as a whole: a report for one
 * service or area shows no target and no status.
 */
import { createHash } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import type { Kysely } from 'kysely';
import type { DB, Tx } from '../db/index.ts';
import { withSystem, withTenant } from '../db/index.ts';
import { rechargedIn } from '../finance/index.ts';
import {
  ProblemError,
  badRequest,
  forbidden,
  notFound,
  recordAudit,
  recordAudits,
} from '../platform/index.ts';
import { costPerCase, mergeSummaries, requestsReceived, valueFromCases } from './day-summary.ts';
import { type MeasuresActor, mayKeepMeasuresOf } from './measures-actor.ts';
import { MEASURES, type Measure } from './measures.ts';
import * as repo from './measures.repository.ts';
import { readMeasureValue, readValueFor } from './measure-values.ts';
import {
  type ReportingPeriod,
  periodContaining,
  previousPeriod,
  quartersOf,
  readPeriod,
  samePeriodLastYear,
  yearOf,
} from './periods.ts';
import { type Ratio, formatDecimal, ratio } from './ratio.ts';
import { type Assessment, assess } from './status.ts';
import { type PeriodCounts, firstSummaryDay, periodCounts } from './summary.repository.ts';

export interface Council {
  orgId: number;
  gss: string;
  name: string;
  /** The partnerships it is a member or associate of, whose defined measures it reports. */
  partnershipIds: number[];
}

/** What the register answers about councils and partnerships, as the measures need it. */
export interface MeasuresRegister {
  /** The council a GSS code (or slug) names; throws a 404 problem for none. */
  organisation(key: string): Promise<{
    orgId: number;
    gss: string | null;
    name: string;
    partnerships: ReadonlyArray<{ slug: string; role: string }>;
  }>;
  partnershipMemberIds(partnershipId: number): Promise<number[]>;
  listPartnerships(): Promise<ReadonlyArray<{ partnershipId: number; slug: string }>>;
}

export interface MeasuresDeps {
  db: Kysely<DB>;
  register: MeasuresRegister;
}

export interface MeasureLine {
  measure: Measure;
  value: Ratio | null;
  /** Why there is no value, or where it came from, in words. */
  note: string | null;
  target: { target: Ratio; tolerance: Ratio; notes: string } | null;
  previous: Ratio | null;
  previousPeriod: string | null;
  samePeriodLastYear: Ratio | null;
  assessment: Assessment;
}

export interface MeasureReport {
  council: Council;
  period: ReportingPeriod;
  lgslCode: number | null;
  areaCode: string | null;
  measures: MeasureLine[];
}

export interface SeriesPoint {
  period: ReportingPeriod;
  value: Ratio | null;
  note: string | null;
  target: { target: Ratio; tolerance: Ratio } | null;
  assessment: Assessment;
}

export interface MeasureSeries {
  council: Council;
  measure: Measure;
  points: SeriesPoint[];
}

export interface ReportFilter {
  lgslCode?: number;
  areaCode?: string;
}

/** A target as typed: the measure, the period, the target and tolerance in the measure's unit. */
export interface TargetInput {
  measureId: string;
  period: string;
  target: string;
  tolerance?: string;
  notes?: string;
}

export interface MeasuresService {
  /** Every measure for a council (GSS code) and period (`2025-26`, `2025-26-Q3`). */
  report(org: string, period: string, filter?: ReportFilter): Promise<MeasureReport>;
  /** Every measure for a council and each of some periods (at most `MAX_SERIES_PERIODS`), in their order. */
  reports(org: string, periods: readonly string[]): Promise<MeasureReport[]>;
  /** One measure over periods: the quarters (or years) from `from` to `to`, both years. */
  series(
    measureId: string,
    org: string,
    options?: { from?: string; to?: string; kind?: 'quarter' | 'year' },
  ): Promise<MeasureSeries>;
  setTarget(actor: MeasuresActor, input: TargetInput & { org: string }): Promise<MeasureLine>;
  /** Many targets of one council, all or none, in one transaction; how many were set. */
  setTargets(actor: MeasuresActor, org: string, inputs: readonly TargetInput[]): Promise<number>;
  enterValue(
    actor: MeasuresActor,
    input: { measureId: string; org: string; period: string; value: string },
  ): Promise<MeasureLine>;
  importValues(
    actor: MeasuresActor,
    file: { fileName: string; content: string | Buffer },
  ): Promise<{ values: number; fileSha256: string }>;
}

/** The most periods a series answers with, so that no request reads without bound. */
export const MAX_SERIES_PERIODS = 40;
export const MAX_IMPORT_BYTES = 1024 * 1024;
export const MAX_IMPORT_ROWS = 10_000;
/** The most problems an import reports at once. */
const MAX_PROBLEMS = 20;
const NOTES_MAX = 2000;
/** A file's name as a person gave it: no folders, no control characters. */
const fileNameOk = (name: string) =>
  name.length >= 1 &&
  name.length <= 255 &&
  !/[\\/]/.test(name) &&
  [...name].every((c) => c.charCodeAt(0) >= 32);

const PLACES: Record<Measure['unit'], number> = {
  count: 0,
  percent: 1,
  working_days: 2,
  pence: 0,
  number: 6,
};

/** A value as the API and pages show it, in the measure's unit (see the top of this file). */
export function apiNumber(unit: Measure['unit'], value: Ratio | null): number | null {
  if (value === null) return null;
  const shown = unit === 'percent' ? ratio(value.numerator * 100n, value.denominator) : value;
  return Number(formatDecimal(shown, PLACES[unit]));
}

/** An exact decimal as stored (numeric), from a value typed and read exactly. */
export function storedDecimal(value: Ratio): string {
  const text = formatDecimal(value, 12);
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}

/** A stored numeric read back exactly. */
export function ratioFromDecimal(text: string): Ratio {
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!match) throw new RangeError(`not a decimal: ${text}`);
  const [, sign, whole, fraction = ''] = match;
  const n = BigInt(`${whole}${fraction}`);
  return ratio(sign === '-' ? -n : n, 10n ** BigInt(fraction.length));
}

function periodOrThrow(text: string): ReportingPeriod {
  const reading = readPeriod(text);
  if (!reading.ok) throw badRequest(reading.reason);
  return reading.period;
}

/** The counts of `totals` for `period`, added up over councils and services. */
const countsIn = (totals: readonly PeriodCounts[], period: ReportingPeriod) =>
  mergeSummaries(totals.filter((t) => t.periodId === period.id).map((t) => t.counts));

export function createMeasuresService(deps: MeasuresDeps): MeasuresService {
  const { db, register } = deps;

  async function councilFor(key: string): Promise<Council> {
    const text = typeof key === 'string' ? key.trim() : '';
    if (!/^[A-Za-z0-9-]{1,60}$/.test(text))
      throw notFound(`There is no council "${String(key).slice(0, 60)}".`);
    const org = await register.organisation(text);
    if (!org.gss) throw notFound(`"${text}" is not a council with a GSS code.`);
    const slugs = new Set(org.partnerships.filter((p) => p.role !== 'vehicle').map((p) => p.slug));
    const partnershipIds =
      slugs.size === 0
        ? []
        : (await register.listPartnerships()).filter((p) => slugs.has(p.slug)).map((p) => p.partnershipId);
    return { orgId: org.orgId, gss: org.gss, name: org.name, partnershipIds };
  }

  async function catalogueFor(tx: Tx, council: Council): Promise<Measure[]> {
    return [...MEASURES, ...(await repo.definitionsFor(tx, council.partnershipIds))];
  }

  async function measureFor(tx: Tx, measureId: string): Promise<Measure> {
    const id = typeof measureId === 'string' ? measureId : '';
    const found =
      MEASURES.find((m) => m.id === id) ??
      (/^[a-z][a-z0-9_.]{0,79}$/.test(id) ? await repo.definitionById(tx, id) : undefined);
    if (!found) throw notFound(`There is no measure "${id.slice(0, 80)}".`);
    return found;
  }

  /** A measure `council` reports: every catalogue measure, and those its partnerships define. */
  async function measureOf(tx: Tx, measureId: string, council: Council): Promise<Measure> {
    const measure = await measureFor(tx, measureId);
    if (measure.source === 'cases' || measure.source === 'finance') return measure;
    if (!(await catalogueFor(tx, council)).some((m) => m.id === measure.id)) {
      throw badRequest(`${measure.name} is not a measure of ${council.name}'s partnerships.`);
    }
    return measure;
  }

  /** Cost per case for the council as a whole over a period, or why there is none. */
  async function costPerCaseIn(
    tx: Tx,
    orgId: number,
    period: ReportingPeriod,
    totals: readonly PeriodCounts[],
  ): Promise<{ value: Ratio | null; note: string | null }> {
    const charged = await rechargedIn(tx, orgId, period.first, period.last);
    if (charged.runs === 0) return { value: null, note: `No recharge run has been issued for ${period.id}.` };
    const services =
      charged.anyPoolForEveryService || charged.lgslCodes.length === 0 ? null : charged.lgslCodes;
    const counts = countsIn(
      totals.filter((t) => t.orgId === orgId && (services === null || services.includes(t.lgslCode))),
      period,
    );
    const cases = requestsReceived(counts);
    const value = costPerCase(charged.pence, cases);
    return value === null
      ? { value: null, note: `No requests were received for the services recharged in ${period.id}.` }
      : {
          value,
          note: `${charged.runs} issued recharge run${charged.runs === 1 ? '' : 's'} over ${cases} requests`,
        };
  }

  /**
   * Every measure (or `only` one) of `council` for each period asked, each with its target, the
   * period before and the same period a year earlier: the day summaries of all those periods are
   * added up in one statement, and each value is worked out once.
   */
  async function linesFor(
    tx: Tx,
    council: Council,
    asked: readonly ReportingPeriod[],
    filter: ReportFilter,
    only?: string,
  ): Promise<Map<string, MeasureLine[]>> {
    const compared = (p: ReportingPeriod) => [p, previousPeriod(p), samePeriodLastYear(p)];
    const periods = [
      ...new Map(
        asked
          .flatMap(compared)
          .filter((p): p is ReportingPeriod => p !== null)
          .map((p) => [p.id, p]),
      ).values(),
    ];
    const totals = await periodCounts(tx, {
      orgIds: [council.orgId],
      periods,
      ...(filter.lgslCode !== undefined ? { lgslCodes: [filter.lgslCode] } : {}),
      ...(filter.areaCode !== undefined ? { areaCodes: [filter.areaCode] } : {}),
    });
    // Before its first summary the council's cases are not known: no value, not nought.
    const firstDay = await firstSummaryDay(tx, council.orgId);
    const filtered = filter.lgslCode !== undefined || filter.areaCode !== undefined;
    const values = await repo.latestValues(
      tx,
      council.orgId,
      periods.map((p) => p.id),
    );
    const targets = filtered
      ? []
      : await repo.targetsOf(
          tx,
          council.orgId,
          asked.map((p) => p.id),
        );
    const catalogue = (await catalogueFor(tx, council)).filter((m) => only === undefined || m.id === only);

    const workOut = async (
      m: Measure,
      p: ReportingPeriod,
    ): Promise<{ value: Ratio | null; note: string | null }> => {
      if (m.source === 'cases') {
        if (firstDay === null || p.last < firstDay) {
          return { value: null, note: `No cases of ${council.name} are held for ${p.id}.` };
        }
        return { value: valueFromCases(m.id, countsIn(totals, p)) ?? null, note: null };
      }
      if (m.id === 'spend_per_head') {
        return {
          value: null,
          note: 'Spend per head is by service area, from the revenue outturn: see the benchmarking page.',
        };
      }
      if (m.source === 'finance') {
        if (filtered) return { value: null, note: 'Cost per case is for the council as a whole.' };
        return costPerCaseIn(tx, council.orgId, p, totals);
      }
      const stored = values.find((v) => v.measureId === m.id && v.period === p.id);
      if (!stored) return { value: null, note: `No value has been ${m.source} for ${p.id}.` };
      return {
        value: ratioFromDecimal(stored.value),
        note:
          stored.source === 'imported'
            ? `Imported from ${stored.fileName}, line ${stored.line}`
            : `Entered at ${stored.enteredAt.toISOString()}`,
      };
    };
    const worked = new Map<string, Promise<{ value: Ratio | null; note: string | null }>>();
    const valueIn = (m: Measure, p: ReportingPeriod | null) => {
      if (p === null) return Promise.resolve({ value: null, note: null });
      const key = `${m.id}|${p.id}`;
      if (!worked.has(key)) worked.set(key, workOut(m, p));
      return worked.get(key)!;
    };

    const out = new Map<string, MeasureLine[]>();
    for (const period of asked) {
      const before = previousPeriod(period);
      const lastYear = samePeriodLastYear(period);
      const lines: MeasureLine[] = [];
      for (const m of catalogue) {
        const now = await valueIn(m, period);
        const prior = await valueIn(m, before);
        const yearAgo = await valueIn(m, lastYear);
        const stored = targets.find((t) => t.measureId === m.id && t.period === period.id);
        const target = stored
          ? {
              target: ratioFromDecimal(stored.target),
              tolerance: ratioFromDecimal(stored.tolerance),
              notes: stored.notes,
            }
          : null;
        lines.push({
          measure: m,
          value: now.value,
          note: now.note,
          target,
          previous: prior.value,
          previousPeriod: before?.id ?? null,
          samePeriodLastYear: yearAgo.value,
          assessment: assess({
            value: now.value,
            polarity: m.polarity,
            target,
            previousPeriod: prior.value,
            samePeriodLastYear: yearAgo.value,
          }),
        });
      }
      out.set(period.id, lines);
    }
    return out;
  }

  /** The lines of one period. */
  const lines = async (
    tx: Tx,
    council: Council,
    period: ReportingPeriod,
    filter: ReportFilter,
    only?: string,
  ) => (await linesFor(tx, council, [period], filter, only)).get(period.id)!;

  /**
   * Sets targets of one council, each checked as typed (a volume has none; a tolerance is 0 or
   * more), all in one transaction with one audit row each, or none when any is wrong.
   */
  async function setTargetsOf(actor: MeasuresActor, council: Council, inputs: readonly TargetInput[]) {
    await requireKeeper(actor, council);
    if (inputs.length > MAX_IMPORT_ROWS) throw badRequest(`Set at most ${MAX_IMPORT_ROWS} targets at once.`);
    const checked: repo.StoredTarget[] = [];
    const measures = await withSystem(db, async (tx) => {
      const found = new Map<string, Measure>();
      for (const { measureId } of inputs) {
        if (!found.has(measureId)) found.set(measureId, await measureOf(tx, measureId, council));
      }
      return found;
    });
    for (const input of inputs) {
      const period = periodOrThrow(input.period);
      const measure = measures.get(input.measureId)!;
      if (measure.polarity === null) {
        throw badRequest(`${measure.name} is a volume, neither better high nor low: it has no target.`);
      }
      const target = readMeasureValue(input.target, measure.unit);
      if (!target.ok) throw badRequest(`Target: ${target.reason}`);
      const tolerance = readMeasureValue(input.tolerance ?? '0', measure.unit);
      if (!tolerance.ok) throw badRequest(`Tolerance: ${tolerance.reason}`);
      if (tolerance.value.numerator < 0n) throw badRequest('Tolerance: a tolerance is 0 or more.');
      const notes = (input.notes ?? '').trim();
      if (notes.length > NOTES_MAX) throw badRequest(`Notes are at most ${NOTES_MAX} characters.`);
      checked.push({
        measureId: measure.id,
        period: period.id,
        target: storedDecimal(target.value),
        tolerance: storedDecimal(tolerance.value),
        notes,
      });
    }
    await asWriter(actor, [council.orgId], async (tx) => {
      const audits = [];
      for (const after of checked) {
        const before = await repo.upsertTarget(tx, {
          ...after,
          orgId: council.orgId,
          setBy: actor.accountId,
        });
        audits.push({
          orgId: council.orgId,
          accountId: actor.accountId,
          action: before ? ('update' as const) : ('create' as const),
          entityType: 'measure_target',
          entityKey: `${after.measureId}/${after.period}`,
          ...(before ? { before } : {}),
          after,
        });
      }
      await recordAudits(tx, audits);
    });
    return checked.length;
  }

  function checkFilter(filter: ReportFilter): ReportFilter {
    const out: ReportFilter = {};
    if (filter.lgslCode !== undefined) {
      if (!Number.isSafeInteger(filter.lgslCode) || filter.lgslCode < 1 || filter.lgslCode > 99_999) {
        throw badRequest('A service is its LGSL code, a whole number from 1 to 99999.');
      }
      out.lgslCode = filter.lgslCode;
    }
    if (filter.areaCode !== undefined) {
      const area = filter.areaCode.trim().toUpperCase();
      if (!/^[A-Z][0-9]{8}$/.test(area)) throw badRequest('An area is a GSS code such as E07000041.');
      out.areaCode = area;
    }
    return out;
  }

  /** The councils whose measures `actor` keeps, given what they ask to change. */
  async function requireKeeper(actor: MeasuresActor, council: Council): Promise<void> {
    if (actor.accountId === null && actor.operator !== true) {
      throw forbidden('Sign in to set targets or enter values.');
    }
    const membersOf = new Map<number, number[]>();
    for (const a of actor.administers) {
      if (!membersOf.has(a.partnershipId)) {
        membersOf.set(a.partnershipId, await register.partnershipMemberIds(a.partnershipId));
      }
    }
    if (!mayKeepMeasuresOf(actor, council.orgId, membersOf)) {
      throw forbidden(`You may not set targets or enter values for ${council.name}.`);
    }
  }

  const asWriter = <T>(actor: MeasuresActor, orgIds: readonly number[], work: (tx: Tx) => Promise<T>) =>
    withTenant(db, { readOrgs: orgIds, writeOrgs: orgIds, accountId: actor.accountId }, work);

  return {
    async report(org, periodText, filter = {}) {
      const period = periodOrThrow(periodText);
      const checked = checkFilter(filter);
      const council = await councilFor(org);
      const measures = await withSystem(db, (tx) => lines(tx, council, period, checked));
      return {
        council,
        period,
        lgslCode: checked.lgslCode ?? null,
        areaCode: checked.areaCode ?? null,
        measures,
      };
    },

    async reports(org, periodTexts) {
      if (periodTexts.length > MAX_SERIES_PERIODS) {
        throw badRequest(`Ask for at most ${MAX_SERIES_PERIODS} periods at once.`);
      }
      const periods = periodTexts.map(periodOrThrow);
      const council = await councilFor(org);
      const all = await withSystem(db, (tx) => linesFor(tx, council, periods, {}));
      return periods.map((period) => ({
        council,
        period,
        lgslCode: null,
        areaCode: null,
        measures: all.get(period.id)!,
      }));
    },

    async series(measureId, org, options = {}) {
      const kind = options.kind ?? 'quarter';
      if (kind !== 'quarter' && kind !== 'year') throw badRequest('Ask for quarters or years.');
      const to = options.to === undefined ? null : yearOf(periodOrThrow(options.to));
      const from = options.from === undefined ? null : yearOf(periodOrThrow(options.from));
      const council = await councilFor(org);
      return withSystem(db, async (tx) => {
        const measure = await measureFor(tx, measureId);
        const lastYear = to ?? periodContaining(new Date().toISOString().slice(0, 10), 'year')!;
        const firstDay = from ? null : await firstSummaryDay(tx, council.orgId);
        const firstYear = from ?? (firstDay ? periodContaining(firstDay, 'year') : null) ?? lastYear;
        if (firstYear.startYear > lastYear.startYear) {
          throw badRequest(`The series starts (${firstYear.id}) after it ends (${lastYear.id}).`);
        }
        const years = lastYear.startYear - firstYear.startYear + 1;
        if (years * (kind === 'quarter' ? 4 : 1) > MAX_SERIES_PERIODS) {
          throw badRequest(`A series is at most ${MAX_SERIES_PERIODS} periods: ask for fewer years.`);
        }
        const periods: ReportingPeriod[] = [];
        for (let y = firstYear.startYear; y <= lastYear.startYear; y++) {
          const year = periodOrThrow(`${y}-${String((y + 1) % 100).padStart(2, '0')}`);
          periods.push(...(kind === 'quarter' ? quartersOf(year) : [year]));
        }
        const all = await linesFor(tx, council, periods, {}, measure.id);
        const points: SeriesPoint[] = [];
        for (const p of periods) {
          const [line] = all.get(p.id)!;
          if (!line) throw notFound(`${measure.name} is not a measure of ${council.name}.`);
          points.push({
            period: p,
            value: line.value,
            note: line.note,
            target: line.target,
            assessment: line.assessment,
          });
        }
        return { council, measure, points };
      });
    },

    async setTarget(actor, input) {
      const period = periodOrThrow(input.period);
      const council = await councilFor(input.org);
      await setTargetsOf(actor, council, [input]);
      const [line] = await withSystem(db, (tx) => lines(tx, council, period, {}, input.measureId));
      return line!;
    },

    async setTargets(actor, org, inputs) {
      const council = await councilFor(org);
      return setTargetsOf(actor, council, inputs);
    },

    async enterValue(actor, input) {
      const period = periodOrThrow(input.period);
      const council = await councilFor(input.org);
      await requireKeeper(actor, council);
      const measure = await withSystem(db, (tx) => measureOf(tx, input.measureId, council));
      const reading = readValueFor(measure, input.value);
      if (!reading.ok) throw badRequest(reading.reason);
      await asWriter(actor, [council.orgId], async (tx) => {
        const value = storedDecimal(reading.value);
        const [id] = await repo.insertValues(tx, [
          {
            orgId: council.orgId,
            measureId: measure.id,
            period: period.id,
            value,
            source: 'entered',
            enteredBy: actor.accountId,
          },
        ]);
        await recordAudit(tx, {
          orgId: council.orgId,
          accountId: actor.accountId,
          action: 'create',
          entityType: 'measure_value',
          entityKey: `${measure.id}/${period.id}/${id}`,
          after: { measureId: measure.id, period: period.id, value },
        });
      });
      const [line] = await withSystem(db, (tx) => lines(tx, council, period, {}, measure.id));
      return line!;
    },

    async importValues(actor, file) {
      if (actor.accountId === null) throw forbidden('Sign in to import values.');
      const fileName = typeof file.fileName === 'string' ? file.fileName.trim() : '';
      if (!fileNameOk(fileName)) throw badRequest('Give the file’s name (up to 255 characters).');
      const bytes = Buffer.isBuffer(file.content) ? file.content : Buffer.from(String(file.content), 'utf8');
      if (bytes.length === 0) throw badRequest(`${fileName} is empty.`);
      if (bytes.length > MAX_IMPORT_BYTES) throw badRequest(`${fileName} is larger than 1 MB.`);
      const fileSha256 = createHash('sha256').update(bytes).digest('hex');
      let records: string[][];
      try {
        records = parse(bytes, {
          bom: true,
          relax_column_count: true,
          skip_empty_lines: false,
        }) as string[][];
      } catch (error) {
        throw badRequest(`${fileName} is not a CSV file: ${(error as Error).message}`);
      }
      const header = (records[0] ?? []).map((h) => h.trim().toLowerCase());
      const expected = ['measure', 'org', 'period', 'value'];
      const column = Object.fromEntries(expected.map((c) => [c, header.indexOf(c)]));
      const missing = expected.filter((c) => column[c]! < 0);
      if (missing.length > 0) {
        throw badRequest(
          `Line 1 of ${fileName} must name the columns measure, org, period and value: ${missing.join(', ')} missing.`,
        );
      }
      if (records.length - 1 > MAX_IMPORT_ROWS) {
        throw badRequest(`${fileName} has more than ${MAX_IMPORT_ROWS} values: split it.`);
      }
      const problems: string[] = [];
      const rows: repo.NewValue[] = [];
      const councils = new Map<string, Council | null>();
      const measures = new Map<string, Measure | ProblemError | null>();
      const kept = new Map<number, boolean>();
      for (let i = 1; i < records.length && problems.length < MAX_PROBLEMS; i++) {
        const line = i + 1;
        const record = records[i]!;
        if (record.every((cell) => cell.trim() === '')) continue;
        const cell = (name: string) => (record[column[name]!] ?? '').trim();
        const problem = (text: string) => problems.push(`Line ${line}: ${text}`);
        const reading = readPeriod(cell('period'));
        if (!reading.ok) {
          problem(reading.reason);
          continue;
        }
        const gss = cell('org').toUpperCase();
        if (!councils.has(gss)) {
          councils.set(gss, /^[A-Z][0-9]{8}$/.test(gss) ? await councilFor(gss).catch(() => null) : null);
        }
        const council = councils.get(gss);
        if (!council) {
          problem(`there is no council with the GSS code “${cell('org').slice(0, 20)}”.`);
          continue;
        }
        const id = cell('measure');
        const known = `${id}\u0000${council.orgId}`;
        if (!measures.has(known)) {
          measures.set(
            known,
            await withSystem(db, (tx) => measureOf(tx, id, council)).catch((error: unknown) =>
              error instanceof ProblemError && error.status === 400 ? error : null,
            ),
          );
        }
        const measure = measures.get(known);
        if (!measure) {
          problem(`there is no measure “${id.slice(0, 80)}”.`);
          continue;
        }
        if (measure instanceof ProblemError) {
          problem(measure.detail);
          continue;
        }
        if (!kept.has(council.orgId)) {
          kept.set(
            council.orgId,
            await requireKeeper(actor, council).then(
              () => true,
              () => false,
            ),
          );
        }
        if (!kept.get(council.orgId)) {
          problem(`you may not enter values for ${council.name}.`);
          continue;
        }
        const value = readValueFor(measure, cell('value'));
        if (!value.ok) {
          problem(value.reason);
          continue;
        }
        rows.push({
          orgId: council.orgId,
          measureId: measure.id,
          period: reading.period.id,
          value: storedDecimal(value.value),
          source: 'imported',
          enteredBy: actor.accountId,
          fileName,
          fileSha256,
          line,
        });
      }
      if (problems.length > 0) {
        throw badRequest(`Nothing was imported from ${fileName}. ${problems.join(' ')}`, { problems });
      }
      if (rows.length === 0) throw badRequest(`${fileName} has no values below its header.`);
      const orgIds = [...new Set(rows.map((r) => r.orgId))];
      await asWriter(actor, orgIds, async (tx) => {
        await repo.insertValues(tx, rows);
        await recordAudits(
          tx,
          orgIds.map((orgId) => ({
            orgId,
            accountId: actor.accountId,
            action: 'import' as const,
            entityType: 'measure_value',
            entityKey: fileName,
            after: { fileSha256, values: rows.filter((r) => r.orgId === orgId).length },
          })),
        );
      });
      return { values: rows.length, fileSha256 };
    },
  };
}
