/**
 * Ledger extracts: the lines of a council's spending as its finance system exports them (the
 * "spend over £500" files councils publish are one such), with the columns mapped once by a
 * person and the mapping kept for the next file of the same shape. Each line keeps the file and
 * line it came from; a bad value is an ImportError naming file, line and column.
 */
import { ImportError, type CsvHeader, type CsvRow } from '../platform/index.ts';
import { parsePounds, type Pence } from './money.ts';

/** What a ledger line holds, and whether a mapping must name a column for it. */
export const LEDGER_FIELDS = {
  amount: { label: 'Amount', required: true },
  paidOn: { label: 'Date paid', required: true },
  supplier: { label: 'Supplier', required: false },
  expenditureCode: { label: 'Expenditure code', required: false },
  serviceArea: { label: 'Service area', required: false },
  category: { label: 'What it was for', required: false },
  reference: { label: 'Transaction reference', required: false },
} as const;
export type LedgerField = keyof typeof LEDGER_FIELDS;

/** Which column of the file holds each field: column names as the file spells them. */
export type LedgerMapping = Partial<Record<LedgerField, string>>;

export interface LedgerLine {
  /** The line of the file the row starts on. */
  line: number;
  amount: Pence;
  /** YYYY-MM-DD. */
  paidOn: string;
  supplier: string | null;
  expenditureCode: string | null;
  serviceArea: string | null;
  category: string | null;
  reference: string | null;
}

/** Column names finance systems use for each field, tried in order. */
const USUAL_NAMES: Record<LedgerField, Array<string | RegExp>> = {
  amount: ['Amount', 'Net Amount', 'Value', 'Amount (£)', /^amount\b/i, /\bvalue\b/i],
  paidOn: ['Paid Date', 'Payment Date', 'Date Paid', 'Transaction Date', 'Date', /\bdate\b/i],
  supplier: ['Supplier Name', 'Supplier', 'Payee', 'Vendor Name', /supplier/i],
  expenditureCode: ['Expenditure Code', 'Account Code', 'Cost Centre', /\bcode\b/i],
  serviceArea: ['Service Area', 'Service', 'Department', 'Directorate', /service/i],
  category: ['Expenditure Category', 'Description', 'Purpose', 'Category', /categor|purpose|description/i],
  reference: [
    'Trans No',
    'Transaction Number',
    'Transaction No',
    'Reference',
    /trans(action)?\s*(no|number|ref)/i,
  ],
};

/** A first guess at a mapping from a file's header, for a person to check and correct. */
export function suggestMapping(header: CsvHeader): LedgerMapping {
  const mapping: LedgerMapping = {};
  const taken = new Set<string>();
  for (const field of Object.keys(USUAL_NAMES) as LedgerField[]) {
    const name = USUAL_NAMES[field]
      .map((candidate) => header.find(candidate))
      .find((found) => found !== undefined && !taken.has(found));
    if (name !== undefined) {
      mapping[field] = name;
      taken.add(name);
    }
  }
  return mapping;
}

/** What is wrong with a mapping for a file with `header`, in words; empty when it can be used. */
export function mappingProblems(header: CsvHeader, mapping: LedgerMapping): string[] {
  const problems: string[] = [];
  const used = new Map<string, LedgerField>();
  for (const [field, { label, required }] of Object.entries(LEDGER_FIELDS) as Array<
    [LedgerField, (typeof LEDGER_FIELDS)[LedgerField]]
  >) {
    const column = mapping[field];
    if (column === undefined) {
      if (required) problems.push(`Choose the column that holds "${label}".`);
      continue;
    }
    if (!header.has(column)) problems.push(`The file has no column "${column}" for "${label}".`);
    const other = used.get(column.toLowerCase());
    if (other)
      problems.push(
        `The column "${column}" is chosen for both "${LEDGER_FIELDS[other].label}" and "${label}".`,
      );
    used.set(column.toLowerCase(), field);
  }
  return problems;
}

const UK_DATE = /^([0-9]{1,2})\/([0-9]{1,2})\/([0-9]{4})$/;
const ISO_DATE = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/;

/** `10/10/2017` (day first, as UK systems write it) or `2017-10-10` as YYYY-MM-DD; undefined otherwise. */
export function ledgerDate(text: string): string | undefined {
  const uk = UK_DATE.exec(text.trim());
  const iso = ISO_DATE.exec(text.trim());
  const [year, month, day] = uk
    ? [Number(uk[3]), Number(uk[2]), Number(uk[1])]
    : iso
      ? [Number(iso[1]), Number(iso[2]), Number(iso[3])]
      : [];
  if (year === undefined || month === undefined || day === undefined) return undefined;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    return undefined;
  }
  return date.toISOString().slice(0, 10);
}

/** One row of a ledger extract as a ledger line; an ImportError naming line and column when a value is bad. */
export function ledgerLine(row: CsvRow, mapping: LedgerMapping): LedgerLine {
  const column = (field: LedgerField) => mapping[field];
  const required = (field: 'amount' | 'paidOn') => {
    const name = column(field);
    if (name === undefined)
      throw new ImportError(`no column is chosen for "${LEDGER_FIELDS[field].label}"`, { file: row.file });
    return name;
  };
  const amountColumn = required('amount');
  const amountText = row.text(amountColumn, { max: 40 });
  const amount = parsePounds(amountText);
  if (amount === undefined) {
    row.fail(
      amountColumn,
      `${JSON.stringify(amountText)} is not an amount in pounds and pence (such as 1234.56)`,
    );
  }
  const dateColumn = required('paidOn');
  const dateText = row.text(dateColumn, { max: 40 });
  const paidOn = ledgerDate(dateText);
  if (paidOn === undefined) {
    row.fail(dateColumn, `${JSON.stringify(dateText)} is not a date written DD/MM/YYYY or YYYY-MM-DD`);
  }
  const optional = (field: LedgerField) => {
    const name = column(field);
    return name === undefined ? null : row.optional(name, { max: 500 });
  };
  return {
    line: row.line,
    amount,
    paidOn,
    supplier: optional('supplier'),
    expenditureCode: optional('expenditureCode'),
    serviceArea: optional('serviceArea'),
    category: optional('category'),
    reference: optional('reference'),
  };
}
