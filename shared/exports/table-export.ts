import { loadExcel } from '../forms/excel';

/**
 * One table as staff take it out of the system: a sheet in .xlsx (ExcelJS) or a .csv that Excel and WPS open as
 * UTF-8 (BOM, CRLF, RFC 4180 quoting). Both carry the same header rows: what the table is, when it was made, and
 * the sample-data notice while the programme's schedule and quotas are the shipped sample.
 */
export interface ExportColumn<Row> {
  readonly header: string;
  readonly value: (row: Row) => string | number | null | undefined;
  /** Character width in the workbook. */
  readonly width?: number;
}

export interface ExportTable<Row> {
  readonly title: string;
  readonly sheetName: string;
  /** Lines above the header row: the filters used, when it was made, whether values are masked, a sample notice. */
  readonly notes: readonly string[];
  readonly columns: readonly ExportColumn<Row>[];
  readonly rows: Iterable<Row>;
}

export type ExportFormat = 'xlsx' | 'csv';

/**
 * OWASP's CSV injection defence: a cell that a spreadsheet would read as a formula (it begins with =, +, -, @, a tab
 * or a carriage return) is prefixed with an apostrophe, so it is shown as the text it is and never evaluated. Numbers
 * stay numbers; only text is touched. Beyond OWASP's list: a line feed and NUL (ASVS 5 V1.2.10 names NUL), and the
 * full-width ＝＋－＠ that Chinese and Japanese input methods type and that Excel and WPS accept as operators.
 */
const FORMULA_START = /^[=+\-@\t\r\n\0\uFF1D\uFF0B\uFF0D\uFF20]/;

export function neutraliseCell(value: string | number | null | undefined): string | number {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return value;
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/**
 * RFC 4180 quoting, and a field holding a semicolon or a tab is quoted as well: Excel in a locale whose list
 * separator is `;` splits on it, and the part after it would begin a cell of its own, past the neutralising above.
 */
function csvField(value: string | number): string {
  const text = String(value);
  return /[",;\t\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function tableToCsv<Row>(table: ExportTable<Row>): Uint8Array {
  const lines: string[] = [];
  for (const note of [table.title, ...table.notes]) lines.push(csvField(neutraliseCell(note)));
  lines.push(table.columns.map((column) => csvField(neutraliseCell(column.header))).join(','));
  for (const row of table.rows) {
    lines.push(table.columns.map((column) => csvField(neutraliseCell(column.value(row)))).join(','));
  }
  return new TextEncoder().encode(`\uFEFF${lines.join('\r\n')}\r\n`);
}

export async function tableToXlsx<Row>(table: ExportTable<Row>): Promise<Uint8Array> {
  const workbook = new (await loadExcel()).Workbook();
  workbook.creator = '领军人才培训管理系统';
  const sheet = workbook.addWorksheet(table.sheetName.slice(0, 31));
  sheet.addRow([neutraliseCell(table.title)]).font = { bold: true, size: 14 };
  for (const note of table.notes) sheet.addRow([neutraliseCell(note)]).font = { color: { argb: 'FF666666' } };
  const headerRow = sheet.addRow(table.columns.map((column) => column.header));
  headerRow.font = { bold: true };
  headerRow.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8EEF7' } };
  sheet.views = [{ state: 'frozen', ySplit: headerRow.number }];
  table.columns.forEach((column, index) => {
    sheet.getColumn(index + 1).width = column.width ?? Math.max(10, column.header.length * 2 + 2);
  });
  for (const row of table.rows) {
    // Text cells are written as text: ExcelJS would otherwise store "=…" as a formula.
    sheet.addRow(table.columns.map((column) => neutraliseCell(column.value(row))));
  }
  sheet.autoFilter = {
    from: { row: headerRow.number, column: 1 },
    to: { row: headerRow.number, column: table.columns.length },
  };
  return new Uint8Array(await workbook.xlsx.writeBuffer());
}

export async function renderTable<Row>(table: ExportTable<Row>, format: ExportFormat): Promise<Uint8Array> {
  return format === 'xlsx' ? tableToXlsx(table) : tableToCsv(table);
}

export const EXPORT_CONTENT_TYPES: Record<ExportFormat, string> = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
};
