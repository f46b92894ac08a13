import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { buildFindingsWorkbook, validateUpload } from '../../../shared/forms/index';
import { buildOds, buildOfficeXlsx, type StringStyle, utf16WithoutBom } from '../../fixtures/office-software-files';
import { CLASS_NUMBERS, type TraineeCells, validTrainee } from '../../fixtures/registration-data';
import { buildCsv, buildXlsx, TRAINEE_HEADERS, traineeRow } from '../../fixtures/spreadsheet-files';

const options = { classNumbers: CLASS_NUMBERS, today: '2024-08-24' };

/** Every cell as text, the way the office tools wrote it: numbers stay numeric cells. */
const officeRow = (cells: TraineeCells) =>
  traineeRow(cells).map((value) => (value === null ? null : typeof value === 'number' ? value : String(value)));

async function workbookTexts(data: Uint8Array): Promise<string[]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(Buffer.from(data) as unknown as ArrayBuffer);
  const texts: string[] = [];
  workbook.eachSheet((sheet) =>
    sheet.eachRow((row) =>
      row.eachCell((cell) => {
        if (typeof cell.value === 'string') texts.push(cell.value);
      }),
    ),
  );
  return texts;
}

describe.each<StringStyle>(['indented-shared', 'inline'])('a workbook written with %s strings', (style) => {
  const good = validTrainee(1);
  const bad = { ...validTrainee(2), mobile: '1381234567', remarks: '' };
  const data = buildOfficeXlsx([{ name: 'Sheet1', rows: [TRAINEE_HEADERS, officeRow(good), officeRow(bad)] }], style);

  it('gives the verdicts of the same rows written by Excel', async () => {
    const report = await validateUpload(data, `${style}.xlsx`, options);
    expect(report.unreadable).toBe(false);
    expect(report.findings.map((f) => [f.row, f.code])).toEqual([[3, 'MOBILE_FORMAT']]);
    expect(report.trainees).toHaveLength(1);
    expect(report.trainees[0]).toMatchObject({ name: good.name, enterpriseName: good.enterpriseName, remarks: '' });
  });

  it('writes the cells back into the findings workbook without the XML’s indentation', async () => {
    const report = await validateUpload(data, `${style}.xlsx`, options);
    const texts = await workbookTexts(await buildFindingsWorkbook(report));
    expect(texts.filter((text) => text !== text.trim())).toEqual([]);
    expect(texts.filter((text) => /\n\s/.test(text))).toEqual([]);
    // The oracle is the fixture's own values, as the clerk typed them.
    for (const value of [good.name, good.enterpriseName, bad.name, '女']) {
      expect(texts).toContain(String(value));
    }
    // Personal values come back masked (the workbook is kept and downloaded again), trimmed all the same.
    const id = String(good.idNumber);
    expect(texts).toContain(`${id.slice(0, 6)}********${id.slice(-4)}`);
    expect(texts).not.toContain(id);
    expect(texts).toContain('138****567');
  });

  it('keeps a line break typed inside a cell (categories on two lines)', async () => {
    const twoLines = { ...validTrainee(3), categories: '专精特新中小企业\n高新技术企业' };
    const file = buildOfficeXlsx([{ name: 'Sheet1', rows: [TRAINEE_HEADERS, officeRow(twoLines)] }], style);
    const report = await validateUpload(file, 'lines.xlsx', options);
    expect(report.findings).toEqual([]);
    expect(report.trainees[0]?.categories).toEqual(['专精特新中小企业', '高新技术企业']);
  });
});

describe('UTF-16 CSV', () => {
  const text = `${TRAINEE_HEADERS.join(',')}\r\n${officeRow(validTrainee(1)).join(',')}\r\n`;

  it.each(['le', 'be'] as const)('without a byte-order mark (%s) → FILE_ENCODING, as with one', async (endianness) => {
    const report = await validateUpload(utf16WithoutBom(text, endianness), 'unicode.csv', options);
    expect(report.findings.map((f) => f.code)).toEqual(['FILE_ENCODING']);
    expect(report.findings[0]?.message).toContain('UTF-16');
    expect(report.findings[0]?.message).toContain('CSV UTF-8');
    expect(report.unreadable).toBe(true);
  });

  it('the header row alone, mostly Chinese, is still recognised', async () => {
    const headerOnly = utf16WithoutBom(`${TRAINEE_HEADERS.join(',')}\r\n`, 'le');
    expect((await validateUpload(headerOnly, 'header.csv', options)).findings.map((f) => f.code)).toEqual([
      'FILE_ENCODING',
    ]);
  });

  it('with a byte-order mark → FILE_ENCODING', async () => {
    const withBom = new Uint8Array([0xff, 0xfe, ...utf16WithoutBom(text, 'le')]);
    expect((await validateUpload(withBom, 'bom.csv', options)).findings.map((f) => f.code)).toEqual(['FILE_ENCODING']);
  });

  it('a UTF-8 CSV of the same rows is not mistaken for UTF-16', async () => {
    const report = await validateUpload(new TextEncoder().encode(text), 'utf8.csv', options);
    expect(report.findings).toEqual([]);
  });
});

describe('OpenDocument spreadsheet (.ods)', () => {
  it.each([
    ['form.ods', 'by its name'],
    ['form.xlsx', 'renamed to .xlsx: by its bytes'],
    ['form.csv', 'renamed to .csv: by its bytes'],
  ])('%s (%s) → FILE_TYPE saying what it is and how to save as .xlsx', async (fileName) => {
    const report = await validateUpload(buildOds(), fileName, options);
    expect(report.findings.map((f) => f.code)).toEqual(['FILE_TYPE']);
    const message = report.findings[0]?.message ?? '';
    expect(message).toContain('OpenDocument');
    expect(message).toContain('LibreOffice');
    expect(message).toContain('.xlsx');
    expect(message).not.toContain('宏');
  });
});

describe('the empty template sheet first, the rows on another sheet', () => {
  it('NO_DATA_ROWS names the sheet that has the rows', async () => {
    const data = await buildXlsx([
      { name: '学员报名表', headers: TRAINEE_HEADERS, rows: [] },
      { name: '填写说明', headers: ['说明'], rows: [] },
      { name: '我的数据', headers: TRAINEE_HEADERS, rows: [traineeRow(validTrainee(1)), traineeRow(validTrainee(2))] },
    ]);
    const report = await validateUpload(data, 'moved.xlsx', options);
    expect(report.findings.map((f) => f.code)).toEqual(['NO_DATA_ROWS']);
    expect(report.findings[0]?.message).toContain('「我的数据」中有 3 行内容');
    expect(report.findings[0]?.message).toContain('「学员报名表」');
  });

  it('without rows anywhere, NO_DATA_ROWS names no other sheet', async () => {
    const data = await buildXlsx([
      { name: '学员报名表', headers: TRAINEE_HEADERS, rows: [] },
      { name: 'Sheet2', headers: [], rows: [] },
    ]);
    const report = await validateUpload(data, 'empty.xlsx', options);
    expect(report.findings.map((f) => f.code)).toEqual(['NO_DATA_ROWS']);
    expect(report.findings[0]?.message).not.toContain('Sheet2');
  });
});

describe('an Excel serial date', () => {
  // 1975-06-01 is day 27,546 of Excel's 1900 date system (counted by Python's datetime from 1899-12-30).
  const serial = 27546;

  it('in a numeric .xlsx cell is read as the date', async () => {
    const row = { ...validTrainee(0), birthDate: serial };
    const report = await validateUpload(
      await buildXlsx([{ headers: TRAINEE_HEADERS, rows: [traineeRow(row)] }]),
      's.xlsx',
      options,
    );
    expect(report.findings).toEqual([]);
    expect(report.trainees[0]?.birthDate).toBe('1975-06-01');
  });

  it('in a CSV is DATE_FORMAT, saying that a CSV has no cell types', async () => {
    const row = { ...validTrainee(0), birthDate: String(serial) };
    const report = await validateUpload(buildCsv(TRAINEE_HEADERS, [traineeRow(row)]), 's.csv', options);
    expect(report.findings.map((f) => f.code)).toEqual(['DATE_FORMAT']);
    expect(report.findings[0]?.message).toContain('序列号');
    expect(report.findings[0]?.message).toContain('CSV');
  });

  it('in a CSV, the compact date 19750601 is still a date', async () => {
    const row = { ...validTrainee(0), birthDate: '19750601' };
    const report = await validateUpload(buildCsv(TRAINEE_HEADERS, [traineeRow(row)]), 'c.csv', options);
    expect(report.findings).toEqual([]);
  });
});
