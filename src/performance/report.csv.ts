/**
 * A council's quarterly report as CSV: one row per measure with its definition, value, target,
 * tolerance, status and both comparisons, in the API's numbers (a share as a percentage), then the
 * words a person reads. Pure.
 */
import { stringify } from 'csv-stringify/sync';
import { spreadsheetSafe } from '../platform/index.ts';
import { apiNumber } from './measures.service.ts';
import type { QuarterlyReport } from './report.service.ts';
import { changeInWords, statusInWords } from './report-words.ts';

export const REPORT_COLUMNS = [
  'Council GSS code',
  'Council',
  'Period',
  'Measure id',
  'Measure',
  'Unit',
  'Polarity',
  'Source',
  'Value',
  'Target',
  'Tolerance',
  'Status',
  'Previous period',
  'Previous value',
  'Since the previous period',
  'Same period last year',
  'Since the same period last year',
  'Note',
  'Definition',
] as const;

const cell = (n: number | null) => (n === null ? '' : n);

/** The file's name without extension: `E07000117-2026-27-Q2-quarterly-report`. */
export const reportFileName = (report: QuarterlyReport): string =>
  `${report.council.gss}-${report.period.id}-quarterly-report`;

export function reportCsv(report: QuarterlyReport): string {
  const rows: Array<Array<string | number>> = [[...REPORT_COLUMNS]];
  for (const { line } of report.measures) {
    const m = line.measure;
    const text = [
      report.council.gss,
      report.council.name,
      report.period.id,
      m.id,
      m.name,
      m.unit,
      m.polarity ?? '',
      m.source,
    ].map(spreadsheetSafe);
    rows.push([
      ...text,
      cell(apiNumber(m.unit, line.value)),
      cell(apiNumber(m.unit, line.target?.target ?? null)),
      cell(apiNumber(m.unit, line.target?.tolerance ?? null)),
      statusInWords(m, line.assessment.status, line.target !== null),
      line.previousPeriod ?? '',
      cell(apiNumber(m.unit, line.previous)),
      changeInWords(m, line.value, line.previous, line.assessment.sincePreviousPeriod),
      cell(apiNumber(m.unit, line.samePeriodLastYear)),
      changeInWords(m, line.value, line.samePeriodLastYear, line.assessment.sinceSamePeriodLastYear),
      spreadsheetSafe(line.note ?? ''),
      spreadsheetSafe(m.definition),
    ]);
  }
  return stringify(rows, { bom: true });
}
