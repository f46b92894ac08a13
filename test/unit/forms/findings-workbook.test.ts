import type ExcelJS from 'exceljs';
import { describe, expect, it, vi } from 'vitest';
import type { Finding } from '../../../shared/domain/errors';
import type { RawDataRow, ValidationReport } from '../../../shared/forms/validation-report';
import { validationReport } from '../../fixtures/validation-reports';
import { loadWorkbook, sheetOf, valuesOf } from '../../fixtures/workbook-reading';

/**
 * The upload report workbook a unit downloads (`GET /uploads/{id}/report.xlsx`): its rows as uploaded with a status
 * and the problems, file-level problems on a second sheet, personal values masked (docs/operations.md: "the unit's
 * rows with findings, personal values masked"; the masks of docs/exports-and-audit.md: `110105********002X`,
 * `138****5678`, `z***@example.com`). Reports are written here by hand and the workbook is read back with ExcelJS.
 * The builder is imported afresh in each test, so its module-level tables (the masks per column kind, the status
 * words and fills) are the ones mutation testing changed (docs/mutation-testing.md, "Module tables that survive").
 */
async function build(report: ValidationReport, findings?: readonly Finding[]): Promise<ExcelJS.Workbook> {
  vi.resetModules();
  const { buildFindingsWorkbook } = await import('../../../shared/forms/findings-workbook');
  const bytes = await buildFindingsWorkbook(report, findings);
  return loadWorkbook(bytes);
}

const ID = '11010519491231002X';
const MOBILE = '13812345678';

/** A trainee file with the columns in an office's own order and one column the form does not know. */
const TRAINEE_HEADERS = ['姓名', '身份证号', '手机号码', '电子邮箱', '备注', '推荐处室'];
const traineeRows: RawDataRow[] = [
  {
    row: 2,
    values: {
      姓名: '张三',
      身份证号: ID,
      手机号码: MOBILE,
      电子邮箱: 'zhangsan@example.com',
      备注: `紧急联系人身份证 ${ID}，邮箱 li@example.com`,
      推荐处室: '中小企业处',
    },
  },
  { row: 3, values: { 姓名: '李四', 身份证号: '', 手机号码: '', 电子邮箱: '', 备注: '', 推荐处室: '' } },
  { row: 4, values: { 姓名: '王五' } },
  { row: 5, values: { 姓名: '赵六' } },
];
const traineeFindings: Finding[] = [
  { code: 'ID_CHECKSUM', severity: 'error', message: '身份证号校验位错误', row: 2, column: '身份证号 (B)' },
  {
    code: 'NOT_TOP_PERSON',
    severity: 'warning',
    message: `请核对备注，联系电话 ${MOBILE}，邮箱 zhangsan@example.com`,
    row: 2,
    column: '备注 (E)',
  },
  { code: 'DUPLICATE_IN_FILE', severity: 'warning', message: '与第 2 行重复', row: 3 },
  { code: 'FILE_NOTE', severity: 'warning', message: '文件联系人 wang@example.com' },
];
const traineeReport = validationReport({
  rows: 4,
  valid: false,
  findings: traineeFindings,
  rawHeaders: TRAINEE_HEADERS,
  rawRows: traineeRows,
});

const unfilled = (cell: ExcelJS.Cell) => (cell.fill?.type === 'pattern' ? cell.fill.pattern : 'none') === 'none';
const ERROR_FILL = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFFC7CE' } };
const WARNING_FILL = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFFEB9C' } };

describe('the findings workbook: 校验结果', () => {
  it('heads the rows with 行号, 状态, 问题说明 and then the file’s own headers, in bold, frozen', async () => {
    const workbook = await build(traineeReport);
    expect(workbook.creator).toBe('领军人才培训管理系统');
    const sheet = sheetOf(workbook, '校验结果');
    expect(workbook.worksheets[0]?.name).toBe('校验结果');
    expect(valuesOf(sheet.getRow(1))).toEqual(['行号', '状态', '问题说明', ...TRAINEE_HEADERS]);
    expect(sheet.getRow(1).font).toEqual({ bold: true });
    expect(sheet.getRow(2).getCell(1).font?.bold).toBeFalsy();
    expect(Array.from({ length: 10 }, (_, index) => sheet.getColumn(index + 1).width)).toEqual([
      8,
      10,
      60,
      16,
      16,
      16,
      16,
      16,
      16,
      undefined,
    ]);
    expect(sheet.views).toEqual([expect.objectContaining({ state: 'frozen', ySplit: 1 })]);
  });

  it('gives each row its status and problems: errors first-class, warnings marked 【提醒】, one per line', async () => {
    const sheet = sheetOf(await build(traineeReport), '校验结果');
    expect([2, 3, 4, 5].map((row) => valuesOf(sheet.getRow(row)).slice(0, 3))).toEqual([
      [
        2,
        '有错误',
        `身份证号 (B)：身份证号校验位错误\n【提醒】备注 (E)：请核对备注，联系电话 138****5678，邮箱 z***@example.com`,
      ],
      [3, '有提醒', '【提醒】：与第 2 行重复'],
      [4, '通过', ''],
      [5, '通过', ''],
    ]);
    expect(sheet.getRow(2).getCell(3).alignment).toEqual({ wrapText: true, vertical: 'top' });
    expect(sheet.rowCount).toBe(5);
  });

  it('fills the first three cells of a row with errors red and of a row with warnings yellow', async () => {
    const sheet = sheetOf(await build(traineeReport), '校验结果');
    for (const column of [1, 2, 3]) {
      expect(sheet.getRow(2).getCell(column).fill).toEqual(ERROR_FILL);
      expect(sheet.getRow(3).getCell(column).fill).toEqual(WARNING_FILL);
      expect(unfilled(sheet.getRow(4).getCell(column))).toBe(true);
    }
    expect(unfilled(sheet.getRow(2).getCell(4))).toBe(true);
    expect(unfilled(sheet.getRow(3).getCell(4))).toBe(true);
  });

  it('masks personal values by column, scrubs every other cell by pattern, and leaves empty cells empty', async () => {
    const sheet = sheetOf(await build(traineeReport), '校验结果');
    expect(valuesOf(sheet.getRow(2)).slice(3)).toEqual([
      '张三',
      '110105********002X',
      '138****5678',
      'z***@example.com',
      '紧急联系人身份证 110105********002X，邮箱 l***@example.com',
      '中小企业处',
    ]);
    // Empty cells and cells the file did not have stay empty: no mask of nothing.
    expect(valuesOf(sheet.getRow(3)).slice(3)).toEqual(['李四', '', '', '', '', '']);
    expect(valuesOf(sheet.getRow(4)).slice(3)).toEqual(['王五', '', '', '', '', '']);
  });

  it('masks the unit form’s office phone, mobile and email columns', async () => {
    const headers = ['单位名称', '办公电话', '联系人手机', '邮箱'];
    const sheet = sheetOf(
      await build(
        validationReport({
          form: 'unit',
          rows: 1,
          rawHeaders: headers,
          rawRows: [
            {
              row: 2,
              values: {
                单位名称: '北京市经济和信息化局',
                办公电话: '010-68205000',
                联系人手机: MOBILE,
                邮箱: 'ab@x.cn',
              },
            },
          ],
        }),
      ),
      '校验结果',
    );
    // Office phone: area code and last two digits kept.
    expect(valuesOf(sheet.getRow(2))).toEqual([
      2,
      '通过',
      '',
      '北京市经济和信息化局',
      '010-******00',
      '138****5678',
      'a***@x.cn',
    ]);
  });

  it('without a recognised form, masks no column but still scrubs every cell by pattern', async () => {
    const sheet = sheetOf(
      await build(
        validationReport({
          form: null,
          rows: 1,
          rawHeaders: ['身份证号', '手机号码', '电子邮箱'],
          rawRows: [
            { row: 2, values: { 身份证号: 'AB12', 手机号码: `手机${MOBILE}`, 电子邮箱: 'zhangsan@example.com' } },
          ],
        }),
      ),
      '校验结果',
    );
    expect(valuesOf(sheet.getRow(2)).slice(3)).toEqual(['AB12', '手机138****5678', 'z***@example.com']);
  });

  it('a report without rows or headers (as read back from JSON) gives the three columns and no row', async () => {
    const workbook = await build(validationReport({ findings: [] }));
    const sheet = sheetOf(workbook, '校验结果');
    expect(valuesOf(sheet.getRow(1))).toEqual(['行号', '状态', '问题说明']);
    expect(sheet.rowCount).toBe(1);
    expect(workbook.worksheets.map((candidate) => candidate.name)).toEqual(['校验结果']);
  });
});

describe('the findings workbook: 文件问题', () => {
  it('lists the file-level findings with their code, emails and numbers masked', async () => {
    const workbook = await build(traineeReport);
    expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual(['校验结果', '文件问题']);
    const sheet = sheetOf(workbook, '文件问题');
    expect(valuesOf(sheet.getRow(1))).toEqual(['代码', '问题说明']);
    expect(sheet.getRow(1).font).toEqual({ bold: true });
    expect(sheet.getRow(2).font?.bold).toBeFalsy();
    expect([sheet.getColumn(1).width, sheet.getColumn(2).width]).toEqual([20, 100]);
    expect(valuesOf(sheet.getRow(2))).toEqual(['FILE_NOTE', '文件联系人 w***@example.com']);
    expect(sheet.rowCount).toBe(2);
  });

  it('the findings passed by ingest replace the report’s own', async () => {
    const workbook = await build(traineeReport, [
      { code: 'QUOTA_EXCEEDED', severity: 'error', message: '名额已满', row: 4 },
    ]);
    expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual(['校验结果']);
    const sheet = sheetOf(workbook, '校验结果');
    expect([2, 3, 4].map((row) => valuesOf(sheet.getRow(row)).slice(0, 3))).toEqual([
      [2, '通过', ''],
      [3, '通过', ''],
      [4, '有错误', '：名额已满'],
    ]);
  });
});
