import { readFileSync } from 'node:fs';
import type ExcelJS from 'exceljs';
import { describe, expect, it, vi } from 'vitest';
import type { EvaluationAnswer } from '../../../shared/domain/evaluation';
import { parseProgramme } from '../../../shared/domain/programme';
import { loadWorkbook, sheetOf, valuesOf } from '../../fixtures/workbook-reading';

/**
 * The class evaluation workbook staff download (`GET /classes/{n}/evaluation.xlsx`, docs/architecture.md): sheets
 * 汇总 and 逐份评价, the latter listing each response's scores and comments sorted by content (docs/operations.md,
 * "Evaluation responses"). Each test builds the workbook from answers written here and reads it back with ExcelJS,
 * as a person opening it would see it. The builder is imported afresh inside each test (`vi.resetModules()`), so the
 * module's border and fill constants are the ones mutation testing changed (docs/mutation-testing.md, "Module tables
 * that survive").
 */
const programme = parseProgramme(
  JSON.parse(readFileSync(new URL('../../../data/programme-2024.json', import.meta.url), 'utf8')),
);
// Class 1 of the sample programme: 高质量发展专题, 清华大学, 北京, 2024-09-23 to 2024-09-26.
const firstClass = programme.classes[0];
if (!firstClass) throw new Error('the sample programme has no class');
const trainingClass = firstClass;

async function build(
  responses: readonly EvaluationAnswer[],
  invited: number,
  options: { sampleData?: boolean } = {},
): Promise<ExcelJS.Workbook> {
  vi.resetModules();
  const { buildEvaluationWorkbook } = await import('../../../shared/forms/evaluation-workbook');
  const bytes = await buildEvaluationWorkbook(
    { ...programme, sampleData: options.sampleData ?? programme.sampleData },
    trainingClass,
    { responses, invitations: Array.from({ length: invited }, (_, index) => ({ index })) },
  );
  return loadWorkbook(bytes);
}

const answer = (
  scores: [number, number, number, number],
  comments: Partial<Record<'course' | 'faculty' | 'organisation' | 'effect', string>> = {},
  overall?: string,
): EvaluationAnswer =>
  ({
    scores: { course: scores[0], faculty: scores[1], organisation: scores[2], effect: scores[3] },
    comments,
    ...(overall === undefined ? {} : { overall }),
  }) as EvaluationAnswer;

const THIN_BLACK = { style: 'thin', color: { argb: 'FF000000' } };
const ALL_SIDES = { top: THIN_BLACK, left: THIN_BLACK, bottom: THIN_BLACK, right: THIN_BLACK };
const HEADER_FILL = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDEBF7' } };

/** Three answers of four invited trainees, given in an order that is not the sorted one. */
const THREE_ANSWERS = [
  answer([5, 4, 4, 3], { course: '案例很实用', effect: '=HYPERLINK("http://x")' }, '希望多安排企业参访'),
  answer([4, 5, 3, 5]),
  answer([4, 4, 5, 5], { faculty: '老师讲得好' }),
];

describe('the evaluation workbook: 汇总', () => {
  it('has the two sheets, the system as author and the class end date as creation date', async () => {
    const workbook = await build(THREE_ANSWERS, 4);
    expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual(['汇总', '逐份评价']);
    expect(workbook.creator).toBe('领军人才培训管理系统');
    // 2024-09-26 00:00 in Beijing (UTC+8) is 16:00 UTC the day before.
    expect(workbook.created?.toISOString()).toBe('2024-09-25T16:00:00.000Z');
  });

  it('heads the summary with the class, marks sample data, then counts, means and distributions', async () => {
    const sheet = sheetOf(await build(THREE_ANSWERS, 4), '汇总');
    expect(valuesOf(sheet.getRow(1))).toEqual([
      '2024年度中小企业经营管理领军人才培训 第1期「高质量发展专题」培训评价汇总',
    ]);
    expect(sheet.getRow(1).font).toEqual({ bold: true, size: 14 });
    expect(valuesOf(sheet.getRow(2))).toEqual(['承办单位：清华大学　地点：北京　日期：2024-09-23 至 2024-09-26']);
    // The sample programme is marked as such (docs: class dates and hosts are sample data until staff replace them).
    const notice = String(sheet.getRow(3).getCell(1).value);
    expect(notice.startsWith('注意：')).toBe(true);
    expect(notice).toContain('示例数据');
    expect(sheet.getRow(3).font).toEqual({ bold: true, color: { argb: 'FFC00000' } });
    expect(valuesOf(sheet.getRow(4))).toEqual([]);

    expect(valuesOf(sheet.getRow(5))).toEqual(['邀请人数', '回复人数', '回复率']);
    // 3 of 4 answered: 75 %, shown with one decimal.
    expect(valuesOf(sheet.getRow(6))).toEqual([4, 3, 0.75]);
    expect(sheet.getRow(6).getCell(3).numFmt).toBe('0.0%');
    expect(sheet.getRow(6).getCell(1).numFmt).toBeUndefined();
    for (const column of [1, 2, 3]) expect(sheet.getRow(6).getCell(column).border).toEqual(ALL_SIDES);
    expect(valuesOf(sheet.getRow(7))).toEqual([]);

    expect(valuesOf(sheet.getRow(8))).toEqual([
      '评价维度',
      '平均分',
      '1分（人）',
      '2分（人）',
      '3分（人）',
      '4分（人）',
      '5分（人）',
      '评分人数',
    ]);
    // By hand: 课程设置 5,4,4 → 13/3 = 4.33; 师资力量 4,5,4 → 4.33; 组织管理 4,3,5 → 4; 实际效果 3,5,5 → 4.33.
    expect([9, 10, 11, 12].map((row) => valuesOf(sheet.getRow(row)))).toEqual([
      ['课程设置', 4.33, 0, 0, 0, 2, 1, 3],
      ['师资力量', 4.33, 0, 0, 0, 2, 1, 3],
      ['组织管理', 4, 0, 0, 1, 1, 1, 3],
      ['实际效果', 4.33, 0, 0, 1, 0, 2, 3],
    ]);
    for (const row of [9, 10, 11, 12]) {
      expect(sheet.getRow(row).getCell(2).numFmt).toBe('0.00');
      expect(sheet.getRow(row).getCell(3).numFmt).toBeUndefined();
      for (let column = 1; column <= 8; column++) expect(sheet.getRow(row).getCell(column).border).toEqual(ALL_SIDES);
    }
    expect(valuesOf(sheet.getRow(13))).toEqual([]);
    expect(valuesOf(sheet.getRow(14))).toEqual([
      '说明：评分 1–5 分（5 分最高），平均分四舍五入保留两位小数。评价匿名保存，不含姓名、单位和提交时间，无法追溯到个人。',
    ]);
    expect(sheet.rowCount).toBe(14);
  });

  it('styles the header rows: bold, light blue, bordered, centred and wrapped', async () => {
    const sheet = sheetOf(await build(THREE_ANSWERS, 4), '汇总');
    for (const [row, columns] of [
      [5, 3],
      [8, 8],
    ] as const) {
      for (let column = 1; column <= columns; column++) {
        const cell = sheet.getRow(row).getCell(column);
        expect(cell.font).toEqual({ bold: true });
        expect(cell.fill).toEqual(HEADER_FILL);
        expect(cell.border).toEqual(ALL_SIDES);
        expect(cell.alignment).toEqual({ vertical: 'middle', horizontal: 'center', wrapText: true });
      }
    }
    // Body cells are not styled as headers.
    expect(sheet.getRow(9).getCell(1).font?.bold).toBeFalsy();
    expect(sheet.getRow(9).getCell(1).fill).not.toEqual(HEADER_FILL);
  });

  it('gives the columns widths for the labels, the mean, five score counts and the count of raters', async () => {
    const sheet = sheetOf(await build(THREE_ANSWERS, 4), '汇总');
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9].map((column) => sheet.getColumn(column).width)).toEqual([
      14,
      12,
      10,
      10,
      10,
      10,
      10,
      12,
      undefined,
    ]);
  });

  it('without sample data, has no notice line: the counts follow the class line after one blank row', async () => {
    const sheet = sheetOf(await build(THREE_ANSWERS, 4, { sampleData: false }), '汇总');
    expect(valuesOf(sheet.getRow(3))).toEqual([]);
    expect(valuesOf(sheet.getRow(4))).toEqual(['邀请人数', '回复人数', '回复率']);
    expect(valuesOf(sheet.getRow(5))).toEqual([4, 3, 0.75]);
    expect(sheet.rowCount).toBe(13);
  });

  it('before anyone answers: no rate when nobody was invited, no means, all counts zero', async () => {
    const sheet = sheetOf(await build([], 0, { sampleData: false }), '汇总');
    expect(valuesOf(sheet.getRow(5))).toEqual([0, 0]);
    expect(valuesOf(sheet.getRow(8))).toEqual(['课程设置', undefined, 0, 0, 0, 0, 0, 0]);
    expect(sheetOf(await build([], 0), '逐份评价').rowCount).toBe(1);
  });
});

describe('the evaluation workbook: 逐份评价', () => {
  const HEADERS = [
    '序号',
    '课程设置',
    '师资力量',
    '组织管理',
    '实际效果',
    '课程设置意见',
    '师资力量意见',
    '组织管理意见',
    '实际效果意见',
    '总体意见',
  ];

  it('lists every answer sorted by its scores, then its comments, numbered from 1', async () => {
    const sheet = sheetOf(await build(THREE_ANSWERS, 4), '逐份评价');
    expect(valuesOf(sheet.getRow(1))).toEqual(HEADERS);
    // Sorted: (4,4,5,5) before (4,5,3,5) before (5,4,4,3). A comment typed like a formula is kept as text, with
    // the apostrophe Excel stores for a typed-in one.
    expect([2, 3, 4].map((row) => valuesOf(sheet.getRow(row)))).toEqual([
      [1, 4, 4, 5, 5, '', '老师讲得好', '', '', ''],
      [2, 4, 5, 3, 5, '', '', '', '', ''],
      [3, 5, 4, 4, 3, '案例很实用', '', '', '\'=HYPERLINK("http://x")', '希望多安排企业参访'],
    ]);
    expect(sheet.rowCount).toBe(4);
  });

  it('orders answers with the same scores by their comments, and equal answers stay listed', async () => {
    const sheet = sheetOf(
      await build(
        [
          answer([3, 3, 3, 3], { course: 'B' }),
          answer([3, 3, 3, 3], { course: 'A', faculty: 'Z' }),
          answer([3, 3, 3, 3], { course: 'A', faculty: 'Y' }),
          answer([3, 3, 3, 3], { course: 'A', faculty: 'Y' }, 'later'),
          answer([3, 3, 3, 3], { course: 'A', faculty: 'Y' }, 'earlier'),
          answer([3, 3, 3, 2]),
          answer([2, 5, 5, 5]),
        ],
        7,
      ),
      '逐份评价',
    );
    const listed = [2, 3, 4, 5, 6, 7, 8].map((row) => valuesOf(sheet.getRow(row)));
    expect(listed.map((values) => values[0])).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(listed.map((values) => values.slice(1))).toEqual([
      [2, 5, 5, 5, '', '', '', '', ''],
      [3, 3, 3, 2, '', '', '', '', ''],
      [3, 3, 3, 3, 'A', 'Y', '', '', ''],
      [3, 3, 3, 3, 'A', 'Y', '', '', 'earlier'],
      [3, 3, 3, 3, 'A', 'Y', '', '', 'later'],
      [3, 3, 3, 3, 'A', 'Z', '', '', ''],
      [3, 3, 3, 3, 'B', '', '', '', ''],
    ]);
  });

  it('a lower first score comes first whatever the later scores and comments, in any input order', async () => {
    const low = answer([2, 5, 5, 5], { course: 'Z' });
    const high = answer([3, 1, 1, 1], { course: 'A' });
    for (const responses of [
      [low, high],
      [high, low],
    ]) {
      const sheet = sheetOf(await build(responses, 2), '逐份评价');
      expect([2, 3].map((row) => valuesOf(sheet.getRow(row)).slice(1, 6))).toEqual([
        [2, 5, 5, 5, 'Z'],
        [3, 1, 1, 1, 'A'],
      ]);
    }
  });

  it('borders every cell, wraps and formats as text only the comment columns, freezes the header', async () => {
    const sheet = sheetOf(await build(THREE_ANSWERS, 4), '逐份评价');
    for (let column = 1; column <= 10; column++) {
      const header = sheet.getRow(1).getCell(column);
      expect(header.font).toEqual({ bold: true });
      expect(header.fill).toEqual(HEADER_FILL);
      expect(header.alignment).toEqual({ vertical: 'middle', horizontal: 'center', wrapText: true });
      for (const row of [2, 3, 4]) {
        const cell = sheet.getRow(row).getCell(column);
        expect(cell.border).toEqual(ALL_SIDES);
        const comment = column >= 6;
        expect(cell.alignment).toEqual(comment ? { vertical: 'top', wrapText: true } : { vertical: 'top' });
        expect(cell.numFmt).toBe(comment ? '@' : undefined);
      }
    }
    expect(sheet.views).toEqual([expect.objectContaining({ state: 'frozen', ySplit: 1 })]);
  });

  it('gives the number, score and comment columns their widths', async () => {
    const sheet = sheetOf(await build(THREE_ANSWERS, 4), '逐份评价');
    expect(Array.from({ length: 11 }, (_, index) => sheet.getColumn(index + 1).width)).toEqual([
      6,
      10,
      10,
      10,
      10,
      30,
      30,
      30,
      30,
      40,
      undefined,
    ]);
  });
});
