/** The services × members matrix as CSV: one row per service, one column per member. */
import { stringify } from 'csv-stringify/sync';
import type { Matrix } from './register.service.ts';
import { formatDate, spreadsheetSafe } from '../platform/index.ts';
import { DELIVERY_LEVELS, DELIVERY_MODES } from './register.types.ts';

/** A cell in words, as a person reads it: "Delivered by a lead authority by Devon County Council; per cluster; since 1 April 2016". */
export function describeCell(cell: Matrix['cells'][number][number]): string {
  if (cell.arrangement === null) return 'No arrangement recorded';
  const a = cell.arrangement;
  const how = DELIVERY_MODES[a.mode];
  const by = a.mode === 'retained' ? '' : ` by ${a.provider.name}`;
  return `${how}${by}; ${DELIVERY_LEVELS[a.level].toLowerCase()}; since ${formatDate(a.validFrom)}`;
}

export function matrixCsv(matrix: Matrix): string {
  const header = ['LGSL code', 'Service', 'Menu', ...matrix.members.map((m) => m.name)];
  const rows = matrix.services.map((s, i) => [
    String(s.lgslCode),
    s.label,
    s.menu ?? '',
    ...matrix.cells[i]!.map(describeCell),
  ]);
  return stringify(
    [header, ...rows].map((r) => r.map(spreadsheetSafe)),
    { bom: true },
  );
}
