import type ExcelJS from 'exceljs';
import { describe, expect, it, vi } from 'vitest';
import { ATTENDANCE_SHEET_FINDING_CODES, FORM_FINDING_CODES } from '../../../shared/domain/registration/index';
import { readAttendanceMark, readAttendanceSheet } from '../../../shared/forms/index';
import { BAD_FILES } from '../../fixtures/hostile-files';
import {
  AFTER_CLASS,
  DAY_TWO_EVENING,
  fillSignInSheet,
  mark,
  registrationIdOf,
  SESSIONS,
  type SheetPosition,
  signInRows,
  signInSheet,
} from '../../fixtures/sign-in-data';
import { buildCsv, buildXlsx, unzipEntries } from '../../fixtures/spreadsheet-files';
import { buildZip } from '../../fixtures/zip-builder';

const [T1, T2, T3, T4] = [1, 2, 3, 4].map((n) => registrationIdOf(n)) as [string, string, string, string];
/** Columns G…N hold sessions 1…8 on the built sheet. */
const column = (session: number) =>
  `第${session}场 ${SESSIONS[session - 1]?.label} (${String.fromCharCode(70 + session)})`;

/** Four trainees on rows 5–8 (title, class line, sample-data line, header above); T1 has session 1 recorded already and leave for sessions 5 and 6; T4 has leave for session 7. */
async function rosterSheet(): Promise<Uint8Array> {
  const rows = signInRows(4);
  return signInSheet(
    rows.map((row, index) =>
      index === 0
        ? { ...row, recorded: { 1: 'present' as const }, leave: [5, 6] }
        : index === 3
          ? { ...row, leave: [7] }
          : row,
    ),
  );
}

async function filled(fill: (sheet: ExcelJS.Worksheet, at: SheetPosition) => void, now = DAY_TWO_EVENING) {
  const data = await fillSignInSheet(await rosterSheet(), fill);
  return readAttendanceSheet(data, '第1期签到表.xlsx', { sessions: SESSIONS, now });
}

const summary = (report: Awaited<ReturnType<typeof readAttendanceSheet>>) =>
  report.findings.map((f) => ({ code: f.code, severity: f.severity, row: f.row, column: f.column, value: f.value }));

describe('reading a filled sign-in sheet', () => {
  it('reads back what the host marked on the sheet the system printed, pre-filled records included', async () => {
    // Prepare / Act
    const report = await filled((sheet, at) => {
      mark(sheet, at, T1, 2, '迟到（9:20 到）');
      mark(sheet, at, T2, 1, '出勤');
      mark(sheet, at, T2, 2, '缺勤');
      mark(sheet, at, T3, 3, '√');
    });
    // Assess
    expect(report.findings).toEqual([]);
    expect(report.unreadable).toBe(false);
    expect(report.sheet).toBe('签到表');
    expect(report.rows).toBe(4); // T4's row counts, with nothing to record
    expect(report.cells).toEqual([
      { registrationId: T1, session: 1, status: 'present', row: 5, column: column(1) },
      { registrationId: T1, session: 2, status: 'late', note: '9:20 到', row: 5, column: column(2) },
      { registrationId: T2, session: 1, status: 'present', row: 6, column: column(1) },
      { registrationId: T2, session: 2, status: 'absent', row: 6, column: column(2) },
      { registrationId: T3, session: 3, status: 'present', row: 7, column: column(3) },
    ]);
    expect(column(1)).toBe('第1场 第1天上午（9月23日） (G)');
  });

  it('lets the pre-filled 请假（已批准） through silently, also for sessions not yet held, and records nothing for it', async () => {
    const report = await filled(() => {});
    expect(report.findings).toEqual([]);
    expect(report.cells.map((c) => [c.registrationId, c.session])).toEqual([[T1, 1]]);
    expect(report.grantedLeave).toEqual([
      { registrationId: T1, session: 5, row: 5, column: column(5) },
      { registrationId: T1, session: 6, row: 5, column: column(6) },
      { registrationId: T4, session: 7, row: 8, column: column(7) },
    ]);
  });

  it.each([
    ['an unknown word', T2, 1, '打卡', 'ATTENDANCE_STATUS_INVALID', 'error', 6],
    ['到 glued to other text', T2, 2, '到场', 'ATTENDANCE_STATUS_INVALID', 'error', 6],
    ['a number', T3, 1, 1, 'ATTENDANCE_STATUS_INVALID', 'error', 7],
    ['a formula error', T3, 2, { error: '#N/A' }, 'ATTENDANCE_STATUS_INVALID', 'error', 7],
    [
      'a remark of more than 200 characters',
      T2,
      1,
      `迟到 ${'堵车'.repeat(101)}`,
      'ATTENDANCE_STATUS_INVALID',
      'error',
      6,
    ],
    ['请假 written by the host', T2, 3, '请假', 'LEAVE_NOT_BY_UNIT', 'warning', 6],
    ['sick leave written by the host', T3, 4, '病假（发烧）', 'LEAVE_NOT_BY_UNIT', 'warning', 7],
    ['a mark for a session not yet held', T2, 5, '出勤', 'SESSION_NOT_HELD', 'error', 6],
    ['leave claimed for a session not yet held', T3, 8, '请假', 'SESSION_NOT_HELD', 'error', 7],
  ] as const)('%s: a finding on its row and column', async (_title, id, session, value, code, severity, row) => {
    const report = await filled((sheet, at) => mark(sheet, at, id, session, value as ExcelJS.CellValue));
    expect(summary(report)).toEqual([
      {
        code,
        severity,
        row,
        column: column(session),
        value: expect.any(String),
      },
    ]);
    expect(report.findings[0]?.message).toContain(`第 ${row} 行「${column(session)}」`);
    expect(report.findings[0]?.sheet).toBe('签到表');
    expect(report.findings[0]?.file).toBe('第1期签到表.xlsx');
    expect(report.cells.filter((c) => c.registrationId === id && c.session === session)).toEqual([]);
    expect(ATTENDANCE_SHEET_FINDING_CODES[code][0]).toBe(severity);
  });

  it('says what the leave rule is when the host writes 请假', async () => {
    const report = await filled((sheet, at) => mark(sheet, at, T2, 3, '请假'));
    expect(report.findings[0]?.message).toContain(
      '请假须由学员所在地方中小企业主管部门办理；本表中的“请假”不作准假，按未签到处理',
    );
  });

  it('records nothing for a row whose 报名编号 is missing or altered, and says so on that row', async () => {
    const report = await filled((sheet, at) => {
      mark(sheet, at, T2, 1, '出勤');
      mark(sheet, at, T3, 1, '出勤');
      sheet.getRow(at.rowOf(T2)).getCell(at.idColumn).value = null;
      sheet.getRow(at.rowOf(T3)).getCell(at.idColumn).value = 'R2024-110000-XYZ';
    });
    expect(summary(report)).toEqual([
      { code: 'REGISTRATION_ID_MISSING', severity: 'error', row: 6, column: '报名编号 (B)', value: undefined },
      { code: 'REGISTRATION_ID_MISSING', severity: 'error', row: 7, column: '报名编号 (B)', value: 'R2024-110000-XYZ' },
    ]);
    expect(report.cells.map((c) => c.registrationId)).toEqual([T1]);
  });

  it('reports a repeated 报名编号 on the later row and records only the first', async () => {
    const report = await filled((sheet, at) => {
      mark(sheet, at, T3, 2, '缺勤');
      mark(sheet, at, T1, 2, '出勤');
      sheet.getRow(at.rowOf(T3)).getCell(at.idColumn).value = T1.toLowerCase(); // retyped by hand
    });
    expect(summary(report)).toEqual([
      { code: 'DUPLICATE_RECORD', severity: 'error', row: 7, column: '报名编号 (B)', value: T1 },
    ]);
    expect(report.findings[0]?.message).toContain('第 5 行');
    expect(report.cells.map((c) => [c.registrationId, c.session, c.status])).toEqual([
      [T1, 1, 'present'],
      [T1, 2, 'present'],
    ]);
  });

  it('has no data rows when the roster was empty', async () => {
    const data = await signInSheet([]);
    const report = await readAttendanceSheet(data, 'empty.xlsx', { sessions: SESSIONS, now: AFTER_CLASS });
    expect(report.findings.map((f) => f.code)).toEqual(['NO_DATA_ROWS']);
    expect(report.rows).toBe(0);
  });

  it('only produces codes from the tables, with their severities', async () => {
    const report = await filled((sheet, at) => {
      mark(sheet, at, T2, 1, '打卡');
      mark(sheet, at, T2, 3, '请假');
      mark(sheet, at, T2, 5, '出勤');
      mark(sheet, at, T4, 1, '出勤');
      sheet.getRow(at.rowOf(T3)).getCell(at.idColumn).value = T2;
      sheet.getRow(at.rowOf(T4)).getCell(at.idColumn).value = null;
    });
    const tables: Record<string, readonly [string, string]> = {
      ...FORM_FINDING_CODES,
      ...ATTENDANCE_SHEET_FINDING_CODES,
    };
    expect(report.findings.map((f) => f.code).sort()).toEqual(
      [
        'ATTENDANCE_STATUS_INVALID',
        'DUPLICATE_RECORD',
        'LEAVE_NOT_BY_UNIT',
        'REGISTRATION_ID_MISSING',
        'SESSION_NOT_HELD',
      ].sort(),
    );
    for (const finding of report.findings) expect(tables[finding.code]?.[0]).toBe(finding.severity);
  });
});

describe('sign-in marks', () => {
  it.each([
    ['出勤', 'present'],
    ['出席', 'present'],
    ['到', 'present'],
    ['已到', 'present'],
    ['√', 'present'],
    ['✓', 'present'],
    ['present', 'present'],
    [' Present ', 'present'],
    ['迟到', 'late'],
    ['LATE', 'late'],
    ['缺勤', 'absent'],
    ['旷课', 'absent'],
    ['未到', 'absent'],
    ['×', 'absent'],
    ['✗', 'absent'],
    ['absent', 'absent'],
  ])('%s → %s', (text, status) => {
    expect(readAttendanceMark(text)).toEqual({ kind: 'status', status });
  });

  it.each([
    ['迟到（堵车）', 'late', '堵车'],
    ['迟到(9:20到)', 'late', '9:20到'],
    ['缺勤，称已请假', 'absent', '称已请假'],
    ['出勤 下午早退', 'present', '下午早退'],
  ])('%s → %s with the remark %s', (text, status, note) => {
    expect(readAttendanceMark(text)).toEqual({ kind: 'status', status, note });
  });

  it.each([
    ['', 'blank'],
    ['   ', 'blank'],
    ['请假（已批准）', 'granted-leave'],
    ['请假(已批准)', 'granted-leave'],
    ['请假', 'leave-claim'],
    ['请假（病）', 'leave-claim'],
    ['事假', 'leave-claim'],
    ['到场', 'invalid'],
    ['签到', 'invalid'],
    ['1', 'invalid'],
    ['x', 'invalid'],
  ])('"%s" is %s', (text, kind) => {
    expect(readAttendanceMark(text).kind).toBe(kind);
  });
});

describe('other shapes of the same sheet', () => {
  it('reads a UTF-8 CSV with a title line, bare 第k场 and bare label headers, ticks and crosses', async () => {
    const csv = buildCsv(
      ['第1期签到表'],
      [
        ['序号', '报名编号', '姓名', '第1场', '第1天下午', '第3场 第2天上午（9月24日）', '第2天下午（9月24日）'],
        [1, T1, '学员1', '√', '×', 'late', ''],
        [2, T2, '学员2', '出席', '', '', '迟到，堵车'],
        ['', '', '', '', '', '', ''],
      ],
    );
    const report = await readAttendanceSheet(csv, 'sign-in.csv', { sessions: SESSIONS, now: DAY_TWO_EVENING });
    expect(report.findings).toEqual([]);
    expect(report.rows).toBe(2);
    expect(report.cells).toEqual([
      { registrationId: T1, session: 1, status: 'present', row: 3, column: column(1).replace('(G)', '(D)') },
      { registrationId: T1, session: 2, status: 'absent', row: 3, column: column(2).replace('(H)', '(E)') },
      { registrationId: T1, session: 3, status: 'late', row: 3, column: column(3).replace('(I)', '(F)') },
      { registrationId: T2, session: 1, status: 'present', row: 4, column: column(1).replace('(G)', '(D)') },
      { registrationId: T2, session: 4, status: 'late', note: '堵车', row: 4, column: column(4).replace('(J)', '(G)') },
    ]);
    expect(report.sheet).toBe('sign-in');
  });

  it('reads the sheet re-saved by WPS: rich text, a formula with its cached result, an extra document part', async () => {
    const saved = await fillSignInSheet(await rosterSheet(), (sheet, at) => {
      mark(sheet, at, T2, 1, { richText: [{ text: '出', font: { bold: true } }, { text: '勤' }] });
      mark(sheet, at, T2, 2, { formula: 'IF(TRUE,"迟到","")', result: '迟到' });
    });
    const entries = await unzipEntries(saved);
    const wps = buildZip([
      ...entries.reverse(),
      {
        name: 'docProps/custom.xml',
        data: '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"><property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="KSOProductBuildVer"><vt:lpwstr xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">2052-12.1.0.16120</vt:lpwstr></property></Properties>',
      },
    ]);
    const report = await readAttendanceSheet(wps, 'WPS另存.xlsx', { sessions: SESSIONS, now: DAY_TWO_EVENING });
    expect(report.findings).toEqual([]);
    expect(report.cells.filter((c) => c.registrationId === T2).map((c) => [c.session, c.status])).toEqual([
      [1, 'present'],
      [2, 'late'],
    ]);
  });

  it('ignores, and says so, a 第k场 column that is not a session of this class', async () => {
    const csv = buildCsv(['报名编号', '第1场', '第9场'], [[T1, '出勤', '出勤']]);
    const report = await readAttendanceSheet(csv, 'x.csv', { sessions: SESSIONS, now: AFTER_CLASS });
    expect(summary(report)).toEqual([
      { code: 'SESSION_COLUMN_IGNORED', severity: 'warning', row: 1, column: '第9场 (C)', value: undefined },
    ]);
    expect(report.cells.map((c) => c.session)).toEqual([1]);
  });

  it.each([
    ['no 报名编号 column', ['序号', '姓名', '第1场'], 'HEADER_MISSING'],
    ['报名编号 but no session column', ['报名编号', '姓名', '签名'], 'HEADER_MISSING'],
  ])('%s: one file-level finding', async (_title, headers, code) => {
    const report = await readAttendanceSheet(buildCsv(headers, [[T1, '出勤', '出勤']]), 'x.csv', {
      sessions: SESSIONS,
      now: AFTER_CLASS,
    });
    expect(report.findings.map((f) => f.code)).toEqual([code]);
    expect(report.unreadable).toBe(true);
    expect(report.cells).toEqual([]);
  });

  it('stops at 2,000 rows', async () => {
    const rows = Array.from({ length: 2001 }, (_, i) => [registrationIdOf(i + 1), '出勤']);
    const report = await readAttendanceSheet(buildCsv(['报名编号', '第1场'], rows), 'many.csv', {
      sessions: SESSIONS,
      now: AFTER_CLASS,
    });
    expect(report.findings.map((f) => f.code)).toEqual(['TOO_MANY_ROWS']);
    expect(report.unreadable).toBe(true);
    expect(report.cells).toEqual([]);
  });

  it('a workbook whose only sheet is something else has no header', async () => {
    const data = await buildXlsx([{ name: '预算', headers: ['项目', '金额'], rows: [['场地', 1000]] }]);
    const report = await readAttendanceSheet(data, 'budget.xlsx', { sessions: SESSIONS, now: AFTER_CLASS });
    expect(report.findings.map((f) => f.code)).toEqual(['HEADER_MISSING']);
  });
});

describe('hostile and broken files end as one file-level finding', () => {
  /** The registration-form corpus: pipeline problems keep their code; a form without 报名编号 has no header here. */
  const PIPELINE = new Set([
    'FILE_TYPE',
    'FILE_ENCRYPTED',
    'FILE_ENCODING',
    'FILE_TOO_LARGE',
    'ARCHIVE_UNSAFE',
    'FILE_UNREADABLE',
  ]);
  it.each(BAD_FILES.map((badFile) => [badFile.title, badFile] as const))('%s', async (_title, badFile) => {
    const started = performance.now();
    const report = await readAttendanceSheet(await badFile.build(), badFile.fileName, {
      sessions: SESSIONS,
      now: AFTER_CLASS,
    });
    expect(report.findings.map((f) => f.code)).toEqual([PIPELINE.has(badFile.code) ? badFile.code : 'HEADER_MISSING']);
    expect(report.findings[0]?.row).toBeUndefined();
    expect(report.findings[0]?.message).toMatch(/[\u4e00-\u9fff]/);
    expect(report.unreadable).toBe(true);
    expect(report.cells).toEqual([]);
    expect(performance.now() - started).toBeLessThan(5000);
  });
});

describe('the words of each finding, as the clerk reads them', () => {
  const read = (headers: readonly string[], rows: readonly (readonly unknown[])[], options = {}) =>
    readAttendanceSheet(buildCsv(headers, rows as never), 'x.csv', {
      sessions: SESSIONS,
      now: AFTER_CLASS,
      ...options,
    });

  it('cuts a long unreadable mark to 60 characters with an ellipsis, and leaves one of 60 whole', async () => {
    const long = `${'打'.repeat(60)}卡`;
    const exact = '打'.repeat(60);
    const report = await read(['报名编号', '第1场', '第2场'], [[T1, long, exact]]);
    expect(report.findings.map((f) => f.value)).toEqual([`${'打'.repeat(60)}…`, exact]);
    expect(report.findings[0]?.message).toBe(
      `第 2 行「第1场 第1天上午（9月23日） (B)」填写的「${'打'.repeat(60)}…」无法识别，本格未登记。请填写 出勤、迟到、缺勤 之一（可用下拉列表）；未到场请填缺勤。`,
    );
  });

  it('says a remark is too long, not that the mark is unknown', async () => {
    const report = await read(['报名编号', '第1场'], [[T1, `迟到 ${'堵车'.repeat(101)}`]]);
    expect(report.findings[0]?.message).toBe(
      '第 2 行「第1场 第1天上午（9月23日） (B)」的备注超过 200 字，本格未登记。请缩短备注后重新上传。',
    );
  });

  it('names the date and the half-day of a session not yet held', async () => {
    const report = await read(['报名编号', '第5场', '第6场'], [[T1, '出勤', '出勤']], { now: DAY_TWO_EVENING });
    expect(report.findings.map((f) => f.message)).toEqual([
      '第 2 行「第5场 第3天上午（9月25日） (B)」：该场（2024-09-25 上午）尚未开始，不能登记签到。请清空该单元格，或在该场当天及以后再上传。',
      '第 2 行「第6场 第3天下午（9月25日） (C)」：该场（2024-09-25 下午）尚未开始，不能登记签到。请清空该单元格，或在该场当天及以后再上传。',
    ]);
  });

  it('tells an empty 报名编号 from an altered one', async () => {
    const report = await read(
      ['报名编号', '第1场'],
      [
        ['', '出勤'],
        ['R2024-XYZ', '出勤'],
      ],
    );
    expect(report.findings.map((f) => [f.message, f.value])).toEqual([
      [
        '第 2 行「报名编号」为空，本行签到未登记。请填写该学员在系统签到表中的报名编号；不在本期名单上的学员不能通过签到表登记。',
        undefined,
      ],
      [
        '第 3 行「报名编号」「R2024-XYZ」不是有效的报名编号（应如 R2024-110000-0123456789ABCDEF），本行签到未登记。请从系统导出的签到表中复制，不要修改报名编号列。',
        'R2024-XYZ',
      ],
    ]);
  });

  it('ignores 第9场 and 第10场 (this class has 8), and a second 第1场, saying why; a header merely containing 第9场 is no session', async () => {
    const report = await read(
      ['报名编号', '第1场', '第9场', '第10场', '第1场 重复', '备注第9场'],
      [[T1, '出勤', '出勤', '出勤', '缺勤', '出勤']],
    );
    expect(report.findings.map((f) => [f.code, f.severity, f.row, f.column, f.message])).toEqual([
      [
        'SESSION_COLUMN_IGNORED',
        'warning',
        1,
        '第9场 (C)',
        '第 1 行表头「第9场」不是本期的场次（本期只有第 1–8 场），该列未读取。请核对表头后重新上传。',
      ],
      [
        'SESSION_COLUMN_IGNORED',
        'warning',
        1,
        '第10场 (D)',
        '第 1 行表头「第10场」不是本期的场次（本期只有第 1–8 场），该列未读取。请核对表头后重新上传。',
      ],
      [
        'SESSION_COLUMN_IGNORED',
        'warning',
        1,
        '第1场 重复 (E)',
        '第 1 行表头「第1场 重复」不是本期的场次（第1场已在前面的列中），该列未读取。请核对表头后重新上传。',
      ],
    ]);
    expect(report.cells).toEqual([
      { registrationId: T1, session: 1, status: 'present', row: 2, column: '第1场 第1天上午（9月23日） (B)' },
    ]);
  });

  it('a header row with 报名编号 but no session: the finding names the sheet and the row', async () => {
    const report = await read(['报名编号', '姓名'], [[T1, '学员1']]);
    expect(report).toEqual({
      file: 'x.csv',
      sheet: 'x',
      registrationIdColumn: null,
      rows: 0,
      unreadable: true,
      cells: [],
      grantedLeave: [],
      findings: [
        {
          code: 'HEADER_MISSING',
          severity: 'error',
          file: 'x.csv',
          sheet: 'x',
          row: 1,
          message: '第 1 行有「报名编号」，但找不到场次列（如「第1场 …」）。请上传系统导出的签到表，不要修改表头。',
        },
      ],
    });
  });

  it('no header at all: one finding on no sheet', async () => {
    const report = await read(['序号', '第1场'], [[1, '出勤']]);
    expect(report.sheet).toBeNull();
    expect(report.grantedLeave).toEqual([]);
    expect(report.findings).toEqual([
      {
        code: 'HEADER_MISSING',
        severity: 'error',
        file: 'x.csv',
        message:
          '在文件的工作表中找不到含「报名编号」和场次列（第1场…）的表头行。请上传系统导出的签到表，不要删除表头和报名编号列。',
      },
    ]);
  });

  it('no data rows: an error on no row or column', async () => {
    const report = await read(['报名编号', '第1场'], []);
    expect(report.findings).toEqual([
      {
        code: 'NO_DATA_ROWS',
        severity: 'error',
        file: 'x.csv',
        sheet: 'x',
        message: '表头（第 1 行）下没有任何学员行。请上传系统导出并填写好的签到表。',
      },
    ]);
    expect(Object.keys(report.findings[0] ?? {}).sort()).toEqual(['code', 'file', 'message', 'severity', 'sheet']);
  });

  it('takes exactly the row limit, and stops one row past it with nothing recorded', async () => {
    const rows = [
      [T1, '请假（已批准）'],
      [T2, '出勤'],
    ];
    const atLimit = await read(['报名编号', '第1场'], rows, { limits: { maxRows: 2 } });
    expect(atLimit.unreadable).toBe(false);
    expect(atLimit.rows).toBe(2);
    const over = await read(['报名编号', '第1场'], [...rows, [T3, '出勤']], { limits: { maxRows: 1 } });
    expect(over.unreadable).toBe(true);
    expect(over.grantedLeave).toEqual([]);
    expect(over.cells).toEqual([]);
    expect(over.findings.map((f) => [f.code, f.severity, f.file, f.sheet])).toEqual([
      ['TOO_MANY_ROWS', 'error', 'x.csv', 'x'],
    ]);
  });
});

describe('the module-level helpers (fresh import, so a mutated helper is the one read: see docs/mutation-testing.md)', () => {
  it('cuts a shown value at 60 characters, labels columns with their letter, and names the half-day', async () => {
    vi.resetModules();
    const fresh = await import('../../../shared/forms/attendance-sheet');
    const report = await fresh.readAttendanceSheet(
      buildCsv(
        ['报名编号', '第6场'],
        [
          [T1, '出勤'],
          [T2, `${'打'.repeat(60)}卡`],
        ],
      ),
      'x.csv',
      { sessions: SESSIONS, now: DAY_TWO_EVENING },
    );
    expect(report.findings.map((f) => [f.column, f.value])).toEqual([
      ['第6场 第3天下午（9月25日） (B)', '出勤'],
      ['第6场 第3天下午（9月25日） (B)', `${'打'.repeat(60)}…`],
    ]);
    expect(report.findings[0]?.message).toContain('该场（2024-09-25 下午）尚未开始');
  });
});
