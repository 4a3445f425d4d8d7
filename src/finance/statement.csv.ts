/**
 * A council's statement as CSV: one row per line of a run, with the pool, the run and its state,
 * the amount in pence and in pounds, the driver figures and the explanation, then the total of the
 * issued lines. Pure.
 */
import { stringify } from 'csv-stringify/sync';
import { formatPounds } from './money.ts';
import type { Statement } from './recharge.service.ts';

export const STATE_WORDS = {
  draft: 'Draft (not yet issued)',
  issued: 'Issued',
  superseded: 'Superseded',
} as const;

export const STATEMENT_COLUMNS = [
  'Pool',
  'Run',
  'Kind',
  'State',
  'Amount (pence)',
  'Amount',
  'Driver',
  'Driver value',
  'Driver total',
  'Explanation',
] as const;

export const kindWords = (kind: string) => (kind === 'true_up' ? 'True-up' : 'Recharge');

/** The statement's file name, without extension: `cotswold-2025-26-2020-vision`. */
export function statementFileName(statement: Statement, councilKey: string): string {
  const safe = (s: string) => s.toLowerCase().replace(/[^a-z0-9-]+/g, '-');
  return `${safe(councilKey)}-${safe(statement.period.label)}-${safe(statement.partnership.slug)}`;
}

export function statementCsv(statement: Statement): string {
  const rows: Array<Array<string>> = [[...STATEMENT_COLUMNS]];
  for (const { run, line } of statement.items) {
    rows.push([
      run.pool.name,
      run.id,
      kindWords(run.kind),
      STATE_WORDS[run.state],
      line.amountPence.toString(),
      formatPounds(line.amountPence),
      line.driver ?? '',
      line.driverValue?.toString() ?? '',
      line.driverTotal?.toString() ?? '',
      line.explanation,
    ]);
  }
  rows.push([
    `Total issued for ${statement.council.name}, ${statement.period.label}`,
    '',
    '',
    '',
    statement.totalPence.toString(),
    formatPounds(statement.totalPence),
    '',
    '',
    '',
    '',
  ]);
  return stringify(rows);
}
