import { describe, expect, it, vi } from 'vitest';
import { FileProblemError } from '../../../shared/forms/file-problem';
import {
  HEADER_SEARCH_ROWS,
  isEmptyCell,
  readSpreadsheet,
  tooManyRowsProblem,
} from '../../../shared/forms/spreadsheet-reading';
import { DEFAULT_UPLOAD_LIMITS } from '../../../shared/forms/upload-limits';
import { toCellValue } from '../../../shared/forms/xlsx-reader';
import { readAttendanceSheet } from '../../../shared/forms/index';
import { registrationIdOf, SESSIONS, AFTER_CLASS } from '../../fixtures/sign-in-data';
import { buildCsv, buildXlsx } from '../../fixtures/spreadsheet-files';

const T1 = registrationIdOf(1);

/**
 * Reads a file through the pipeline, counting the attempts; `fail` decides what the n-th attempt throws. It throws
 * before the sheets are read: ExcelJS itself can fail a read now and then under heavy load (the reason for the
 * retry), and such a failure must not add an attempt the test did not plan.
 */
async function attempts(data: Uint8Array, fileName: string, fail: (attempt: number) => Error | undefined) {
  let count = 0;
  const result = await readSpreadsheet(data, fileName, DEFAULT_UPLOAD_LIMITS, {
    read: async (sheets) => {
      count++;
      const error = fail(count);
      if (error) throw error;
      const names: string[] = [];
      for await (const sheet of sheets) names.push(sheet.name);
      return { names } as { names?: string[]; problem?: string };
    },
    unreadable: (problem) => ({ problem: problem.code }),
  });
  return { count, result };
}

describe('the shared reading pipeline', () => {
  it('accepts a file of exactly the size limit and refuses one byte more', async () => {
    const data = buildCsv(['报名编号', '第1场'], [[T1, '出勤']]);
    const at = await readAttendanceSheet(data, 'x.csv', {
      sessions: SESSIONS,
      now: AFTER_CLASS,
      limits: { maxBytes: data.byteLength },
    });
    expect(at.unreadable).toBe(false);
    const over = await readAttendanceSheet(data, 'x.csv', {
      sessions: SESSIONS,
      now: AFTER_CLASS,
      limits: { maxBytes: data.byteLength - 1 },
    });
    expect(over.findings.map((f) => f.code)).toEqual(['FILE_TOO_LARGE']);
  });

  it('reads an .xlsx a second time after an unexpected failure, and not after a problem with the file', async () => {
    const data = await buildXlsx([{ name: '表1', headers: ['a'], rows: [['b']] }]);
    const transient = await attempts(data, 'a.xlsx', (n) => (n === 1 ? new Error('temporary file lost') : undefined));
    expect(transient).toEqual({ count: 2, result: { names: ['表1'] } });
    const problem = await attempts(data, 'a.xlsx', () => new FileProblemError({ code: 'TOO_MANY_ROWS', message: 'x' }));
    expect(problem).toEqual({ count: 1, result: { problem: 'TOO_MANY_ROWS' } });
  });

  it('does not retry a CSV: an unexpected failure there is an unreadable file', async () => {
    const data = buildCsv(['a'], [['b']]);
    const once = await attempts(data, 'a.csv', (n) => (n === 1 ? new Error('boom') : undefined));
    expect(once).toEqual({ count: 1, result: { problem: 'FILE_UNREADABLE' } });
  });

  it.each([
    ['C:\\Users\\张三\\桌面\\第1期.签到表.csv', '第1期.签到表'],
    ['/home/clerk/签到表.csv', '签到表'],
    ['签到表', '签到表'],
    ['.csv', 'CSV'],
  ])('a CSV read from %s is the sheet %s', async (fileName, sheet) => {
    const data = buildCsv(['a'], [['b']]);
    expect((await attempts(data, fileName, () => undefined)).result).toEqual({ names: [sheet] });
  });

  it(`finds a header on row ${HEADER_SEARCH_ROWS} and not on the row after`, async () => {
    expect(HEADER_SEARCH_ROWS).toBe(20);
    const read = (titleLines: number) =>
      readAttendanceSheet(
        buildCsv(
          ['标题'],
          [...Array.from({ length: titleLines - 1 }, (_, i) => [`说明${i}`]), ['报名编号', '第1场'], [T1, '出勤']],
        ),
        'x.csv',
        { sessions: SESSIONS, now: AFTER_CLASS },
      );
    const on20 = await read(19);
    expect(on20.findings).toEqual([]);
    expect(on20.cells.map((c) => c.row)).toEqual([21]);
    const on21 = await read(20);
    expect(on21.findings.map((f) => f.code)).toEqual(['HEADER_MISSING']);
  });

  it.each([
    [null, true],
    [undefined, true],
    ['', true],
    ['  \t ', true],
    [' a ', false],
    [0, false],
    [false, false],
  ])('isEmptyCell(%j) is %s', (cell, empty) => {
    expect(isEmptyCell(cell as never)).toBe(empty);
  });

  it('says how many rows are allowed and where the excess starts', () => {
    expect(tooManyRowsProblem(2000, 2003)).toEqual({
      code: 'TOO_MANY_ROWS',
      message: '数据超过 2000 行（第 2003 行起超出），请删除空行、示例行或拆分为多个文件后上传。',
    });
  });
});

describe('what a clerk sees in an ExcelJS cell', () => {
  it.each([
    ['an error', { error: '#N/A' }, { error: '#N/A' }],
    ['a formula with its cached result', { formula: 'A1+1', result: 3 }, 3],
    ['a shared formula with its cached text', { sharedFormula: 'B2', result: ' 出勤 ' }, '出勤'],
    ['a formula never calculated', { formula: 'A1' }, null],
    ['rich text, a run without text included', { richText: [{ text: ' 出' }, { font: {} }, { text: '勤 ' }] }, '出勤'],
    ['a hyperlink', { text: ' 学员1 ', hyperlink: 'mailto:a@b.cn' }, '学员1'],
    ['an object of no known kind', { foo: 1 }, null],
    ['a symbol', Symbol('x'), null],
    ['a bigint', 10n, null],
    ['an infinite number', Number.POSITIVE_INFINITY, null],
  ])('%s', (_title, value, expected) => {
    expect(toCellValue(value)).toEqual(expected);
  });
});

describe('the module-level helpers (fresh import, so a mutated helper is the one read: see docs/mutation-testing.md)', () => {
  it('names a CSV sheet after the file, tells empty cells, and words the row limit', async () => {
    vi.resetModules();
    const fresh = await import('../../../shared/forms/spreadsheet-reading');
    const names: string[] = [];
    await fresh.readSpreadsheet(buildCsv(['a'], [['b']]), 'D:\\报名\\附件4.csv', DEFAULT_UPLOAD_LIMITS, {
      read: async (sheets) => {
        for await (const sheet of sheets) names.push(sheet.name);
      },
      unreadable: () => undefined,
    });
    expect(names).toEqual(['附件4']);
    expect([fresh.isEmptyCell(' '), fresh.isEmptyCell('a'), fresh.isEmptyCell(null)]).toEqual([true, false, true]);
    expect(fresh.tooManyRowsProblem(5, 7).message).toBe(
      '数据超过 5 行（第 7 行起超出），请删除空行、示例行或拆分为多个文件后上传。',
    );
  });
});
