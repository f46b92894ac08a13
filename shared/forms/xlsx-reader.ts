import { Readable } from 'node:stream';
import { loadExcel } from './excel';
import type { CellValue } from '../domain/registration/form-fields';
import { MAX_COLUMNS, type RawRow, type RawSheet } from './sheet-rows';

interface StreamingRow {
  readonly number: number;
  eachCell(callback: (cell: { readonly value: unknown }, column: number) => void): void;
}
interface StreamingWorksheet extends AsyncIterable<StreamingRow> {
  readonly name?: string;
  readonly state?: string;
}

/**
 * Text as the clerk typed it. Writers that pretty-print their XML (Gnumeric puts `<t>` on its own indented line
 * inside `<si>` and `<is>`) leave the indentation between elements in what ExcelJS returns ("学员1\n  "); nobody
 * types leading or trailing whitespace into a form cell on purpose, so it goes here, once, for every later use —
 * the checks, the extracted records and the findings workbook that goes back to the unit. Line breaks inside the
 * text (Alt+Enter, a category list) stay.
 */
export function normaliseCellText(text: string): string {
  return text.trim();
}

/** Reduces an ExcelJS cell value to what the clerk sees: a formula becomes its cached result, never re-evaluated. */
export function toCellValue(value: unknown): CellValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return normaliseCellText(value);
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (value instanceof Date) return value;
  if (typeof value !== 'object') return null;
  const record = value as Record<string, unknown>;
  if ('error' in record) return { error: String(record.error) };
  if ('formula' in record || 'sharedFormula' in record) {
    return record.result === undefined ? null : toCellValue(record.result);
  }
  if (Array.isArray(record.richText)) {
    return normaliseCellText(record.richText.map((run) => (run as { text?: unknown }).text ?? '').join(''));
  }
  // Stryker disable next-line ConditionalExpression: without `text`, record.text is undefined and toCellValue(undefined) is the null returned below anyway
  if ('text' in record) return toCellValue(record.text);
  return null;
}

/**
 * Streams the worksheets of an .xlsx (which `inspectXlsxArchive` has already vetted): rows are produced one at a time
 * so memory stays flat, and only cell values are kept. Hidden sheets (such as the template's drop-down lists) are
 * skipped. Worksheets come in zip order, which for files saved by Excel and WPS is the tab order.
 */
export async function* readXlsxSheets(data: Uint8Array): AsyncGenerator<RawSheet> {
  const reader = new (await loadExcel()).stream.xlsx.WorkbookReader(Readable.from([Buffer.from(data)]), {
    worksheets: 'emit',
    sharedStrings: 'cache',
    styles: 'cache', // needed to tell a date-formatted number from a plain one
    hyperlinks: 'ignore',
    entries: 'ignore',
  });
  for await (const worksheet of reader as unknown as AsyncIterable<StreamingWorksheet>) {
    if (worksheet.state === 'hidden' || worksheet.state === 'veryHidden') continue;
    yield { name: worksheet.name ?? 'Sheet1', rows: rowsOf(worksheet) };
  }
}

async function* rowsOf(worksheet: StreamingWorksheet): AsyncGenerator<RawRow> {
  for await (const row of worksheet) {
    const cells: CellValue[] = [];
    row.eachCell((cell, column) => {
      if (column <= MAX_COLUMNS) cells[column - 1] = toCellValue(cell.value);
    });
    for (let index = 0; index < cells.length; index++) cells[index] ??= null;
    yield { row: row.number, cells };
  }
}
