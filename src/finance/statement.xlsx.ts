/**
 * A council's statement as an Excel workbook (exceljs): the same rows as the CSV, money as numbers
 * in pounds with a £ number format and the exact pence beside them, and a totals row whose formula
 * adds up the issued lines (with its result stored, so a reader that does not calculate sees it).
 */
import type { Statement } from './recharge.service.ts';
import { STATEMENT_COLUMNS, STATE_WORDS, kindWords } from './statement.csv.ts';

/** The £ number format: thousands separated, two places, negatives with a minus. */
export const POUNDS_FORMAT = '"£"#,##0.00;-"£"#,##0.00';

/** The statement as an .xlsx workbook. */
export async function statementXlsx(statement: Statement): Promise<Buffer> {
  // Loaded on the first download, not when the server starts: exceljs and its zip libraries take
  // half a second to load, and most processes never write a workbook.
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Jointly';
  const sheet = workbook.addWorksheet('Statement');
  sheet.addRow([
    `${statement.council.name}: recharges from ${statement.partnership.name}, ${statement.period.label}`,
  ]);
  sheet.getRow(1).font = { bold: true, size: 14 };
  const header = sheet.addRow([...STATEMENT_COLUMNS]);
  header.font = { bold: true };
  const first = header.number + 1;
  for (const { run, line } of statement.items) {
    sheet.addRow([
      run.pool.name,
      run.id,
      kindWords(run.kind),
      STATE_WORDS[run.state],
      Number(line.amountPence),
      Number(line.amountPence) / 100,
      line.driver ?? '',
      line.driverValue === null ? '' : Number(line.driverValue),
      line.driverTotal === null ? '' : Number(line.driverTotal),
      line.explanation,
    ]);
  }
  const last = sheet.lastRow!.number;
  const issued = `D${first}:D${last}`;
  const total = sheet.addRow([
    `Total issued for ${statement.council.name}, ${statement.period.label}`,
    '',
    '',
    '',
    statement.items.length === 0
      ? 0
      : {
          formula: `SUMIF(${issued},"Issued",E${first}:E${last})`,
          result: Number(statement.totalPence),
        },
    statement.items.length === 0
      ? 0
      : {
          formula: `SUMIF(${issued},"Issued",F${first}:F${last})`,
          result: Number(statement.totalPence) / 100,
        },
  ]);
  total.font = { bold: true };
  sheet.getColumn(5).numFmt = '#,##0';
  sheet.getColumn(6).numFmt = POUNDS_FORMAT;
  const widths = [34, 38, 10, 22, 16, 18, 14, 14, 14, 80];
  widths.forEach((w, i) => (sheet.getColumn(i + 1).width = w));
  sheet.getRow(1).getCell(5).numFmt = 'General';
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
