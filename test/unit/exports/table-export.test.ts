import { parseString } from '@fast-csv/parse';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { type ExportTable, neutraliseCell, tableToCsv, tableToXlsx } from '../../../shared/exports/table-export';

/**
 * The characters after which a spreadsheet reads a cell as a formula, as OWASP's CSV Injection page lists them
 * (=, +, -, @, tab 0x09, carriage return 0x0D), with NUL from ASVS 5 V1.2.10, a line feed, and the full-width forms
 * that Chinese input methods type. Written out here, not taken from the module under test.
 */
const OWASP_TRIGGERS = ['=', '+', '-', '@', '\t', '\r'];
const FURTHER_TRIGGERS = ['\n', '\0', '＝', '＋', '－', '＠'];
const PAYLOADS = [
  '=HYPERLINK("http://x","y")',
  "=cmd|' /C calc'!A0",
  "+1+cmd|' /C calc'!A0",
  "-2+3+cmd|' /C calc'!A0",
  "@SUM(1+9)*cmd|' /C calc'!A0",
  '\t=1+1',
  '\r=1+1',
];

interface Row {
  readonly text: string;
  readonly amount: number | null;
}

const table = (rows: Row[]): ExportTable<Row> => ({
  title: '测试导出',
  sheetName: '测试',
  notes: ['=这行说明以等号开头', '第二行说明'],
  columns: [
    { header: '内容', value: (row) => row.text },
    { header: '金额', value: (row) => row.amount },
  ],
  rows,
});

/** Parses the CSV with fast-csv, an RFC 4180 reader independent of the writer under test. */
async function parseCsv(bytes: Uint8Array): Promise<string[][]> {
  const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes).replace(/^\uFEFF/, '');
  return new Promise((resolve, reject) => {
    const rows: string[][] = [];
    parseString(text, { headers: false, ignoreEmpty: false })
      .on('data', (row: string[]) => rows.push(row))
      .on('error', reject)
      .on('end', () => resolve(rows));
  });
}

describe('neutraliseCell', () => {
  it.each([...OWASP_TRIGGERS, ...FURTHER_TRIGGERS])('prefixes an apostrophe to text that begins with %j', (trigger) => {
    expect(neutraliseCell(`${trigger}1+1`)).toBe(`'${trigger}1+1`);
  });

  it.each(PAYLOADS)('makes the published payload %j inert', (payload) => {
    const out = neutraliseCell(payload);
    expect(out).toBe(`'${payload}`);
  });

  it('leaves ordinary text, text with an operator further in, numbers (negative too) and empty values alone', () => {
    expect(neutraliseCell('测试科技（北京）有限公司')).toBe('测试科技（北京）有限公司');
    expect(neutraliseCell('张三=李四')).toBe('张三=李四');
    expect(neutraliseCell(' =1+1')).toBe(' =1+1');
    expect(neutraliseCell("'=1+1")).toBe("'=1+1");
    expect(neutraliseCell(-42.5)).toBe(-42.5);
    expect(neutraliseCell(0)).toBe(0);
    expect(neutraliseCell(null)).toBe('');
    expect(neutraliseCell(undefined)).toBe('');
  });
});

describe('the CSV', () => {
  it('starts with a UTF-8 BOM, ends every line with CRLF, and holds title, notes, header and rows', async () => {
    const bytes = tableToCsv(table([{ text: '普通', amount: 12.5 }]));
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes);
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.replace(/\r\n/g, '')).not.toMatch(/\n/);
    expect(await parseCsv(bytes)).toEqual([
      ['测试导出'],
      ["'=这行说明以等号开头"],
      ['第二行说明'],
      ['内容', '金额'],
      ['普通', '12.5'],
    ]);
  });

  it('quotes commas, quotes, line breaks, semicolons and tabs so that each value comes back as one field', async () => {
    const values = ['a,b', 'say "hi"', '两行\r\n文字', 'x;=1+1', 'y\tz', '单独一行\n'];
    const rows = await parseCsv(tableToCsv(table(values.map((text) => ({ text, amount: null })))));
    expect(rows.slice(4).map((row) => row[0])).toEqual(values);
    expect(rows.slice(4).every((row) => row.length === 2)).toBe(true);
  });

  it('gives a reader that splits on semicolons (Excel where the list separator is ;) no cell that starts a formula', () => {
    const text = new TextDecoder().decode(
      tableToCsv(table(['x;=1+1', '甲;+SUM(1)', 'y;@A1', 'z;-1+1'].map((text) => ({ text, amount: null })))),
    );
    const cells: string[] = [];
    for (const line of text.split('\r\n')) {
      let inQuotes = false;
      let cell = '';
      for (const char of line) {
        if (char === '"') inQuotes = !inQuotes;
        if (char === ';' && !inQuotes) {
          cells.push(cell);
          cell = '';
        } else cell += char;
      }
      cells.push(cell);
    }
    expect(cells.filter((cell) => /^"?[=+\-@]/.test(cell))).toEqual([]);
  });

  it('writes every formula payload as a field that begins with an apostrophe', async () => {
    const rows = await parseCsv(tableToCsv(table(PAYLOADS.map((text) => ({ text, amount: null })))));
    expect(rows.slice(4).map((row) => row[0])).toEqual(PAYLOADS.map((payload) => `'${payload}`));
  });
});

describe('the workbook', () => {
  it('stores a formula payload as a text cell beginning with an apostrophe, never as a formula', async () => {
    const bytes = await tableToXlsx(table(PAYLOADS.map((text) => ({ text, amount: -3 }))));
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(bytes) as never);
    const sheet = workbook.worksheets[0] as ExcelJS.Worksheet;
    const header = sheet.getRow(4);
    expect(header.getCell(1).value).toBe('内容');
    PAYLOADS.forEach((payload, index) => {
      const cell = sheet.getRow(5 + index).getCell(1);
      expect(cell.type).toBe(ExcelJS.ValueType.String);
      expect(cell.formula).toBeFalsy();
      // XML reads a bare CR back as LF (end-of-line handling), so the comparison allows for that alone.
      expect(String(cell.value)).toBe(`'${payload}`.replace(/\r/g, '\n'));
      expect(sheet.getRow(5 + index).getCell(2).value).toBe(-3);
    });
    expect(sheet.getRow(2).getCell(1).value).toBe("'=这行说明以等号开头");
  });
});
