import type { AttendanceStatus } from '../domain/attendance';
import { type ClassSession, isRecordable } from '../domain/classes/class-sessions';
import type { Finding } from '../domain/errors';
import { ATTENDANCE_SHEET_FINDING_CODES, type AttendanceSheetFindingCode } from '../domain/registration/finding-codes';
import type { CellValue } from '../domain/registration/form-fields';
import { tidyText, withoutSpaces } from '../domain/registration/normalise-text';
import { cellText } from '../domain/registration/row-checker';
import type { FileProblem } from './file-problem';
import { headerKey } from './header-matching';
import { columnLetter, type RawRow, type RawSheet } from './sheet-rows';
import {
  MAX_NOTE_LENGTH,
  readAttendanceMark,
  REGISTRATION_ID_HEADER,
  REGISTRATION_ID_PATTERN,
  STATUS_MARKS,
  sessionColumnHeader,
} from './sign-in-marks';
import { findHeaderRow, isEmptyCell, readSpreadsheet, tooManyRowsProblem } from './spreadsheet-reading';
import { DEFAULT_UPLOAD_LIMITS, type UploadLimits } from './upload-limits';

/** One session cell that records a status. */
export interface AttendanceCell {
  readonly registrationId: string;
  readonly session: number;
  readonly status: AttendanceStatus;
  /** The remark written after the status: 迟到（9:20 到）. */
  readonly note?: string;
  readonly row: number;
  /** 第1场 第1天上午（9月23日） (G) */
  readonly column: string;
}

/** A 请假（已批准） cell as the system pre-filled it: not a record, but ingest checks the unit really granted it. */
export interface GrantedLeaveCell {
  readonly registrationId: string;
  readonly session: number;
  readonly row: number;
  readonly column: string;
}

export interface AttendanceSheetReport {
  readonly file: string;
  readonly sheet: string | null;
  /** 报名编号 (B): where row findings about a trainee's id point; null when no header row was found. */
  readonly registrationIdColumn: string | null;
  /** Non-empty data rows read (a row with a 报名编号 or any session cell filled in). */
  readonly rows: number;
  /** A file-level error prevented reading rows. */
  readonly unreadable: boolean;
  /** Cells to record, in file order; a row with an error on its 报名编号 contributes none. */
  readonly cells: AttendanceCell[];
  readonly grantedLeave: GrantedLeaveCell[];
  readonly findings: Finding[];
}

export interface AttendanceSheetOptions {
  /** The class's sessions (classSessions): which columns exist and from when each may be recorded. */
  readonly sessions: readonly ClassSession[];
  readonly now: Date;
  /** Defaults to DEFAULT_UPLOAD_LIMITS (5 MB, 2,000 rows, the zip budgets). */
  readonly limits?: Partial<UploadLimits>;
}

interface SessionColumn {
  readonly index: number;
  readonly session: ClassSession;
  readonly label: string;
}

interface AttendanceHeader {
  readonly idColumn: number;
  readonly idLabel: string;
  readonly sessionColumns: readonly SessionColumn[];
  /** 第k场 columns that are not sessions of this class, or repeat one: reported, not read. */
  readonly ignored: readonly { readonly index: number; readonly text: string; readonly reason: string }[];
}

const MAX_SHOWN_VALUE = 60;
const shown = (text: string) => (text.length > MAX_SHOWN_VALUE ? `${text.slice(0, MAX_SHOWN_VALUE)}…` : text);
const columnLabel = (text: string, index: number) => `${tidyText(text)} (${columnLetter(index)})`;
const halfOf = (session: ClassSession) => (session.half === 'am' ? '上午' : '下午');

/**
 * Reads a class's filled sign-in sheet (the one buildSignInSheet prints, as saved by Excel or WPS, or a UTF-8 CSV)
 * through the same safe pipeline as the registration forms. Never throws for anything in the file: a file that
 * cannot be read safely becomes one file-level finding and `unreadable: true`. It does not know the roster: ingest
 * drops ids that are not on it.
 */
export async function readAttendanceSheet(
  data: Uint8Array,
  fileName: string,
  options: AttendanceSheetOptions,
): Promise<AttendanceSheetReport> {
  const limits: UploadLimits = { ...DEFAULT_UPLOAD_LIMITS, ...options.limits };
  const file = fileName;
  const unreadable = (problem: FileProblem, extra: Partial<Finding> = {}): AttendanceSheetReport => ({
    file,
    sheet: extra.sheet ?? null,
    registrationIdColumn: null,
    rows: 0,
    unreadable: true,
    cells: [],
    grantedLeave: [],
    findings: [{ ...problem, severity: 'error', file, ...extra }],
  });

  return readSpreadsheet(data, fileName, limits, {
    unreadable,
    read: async (sheets) => {
      for await (const sheet of sheets) {
        const found = await findHeaderRow(sheet, (cells) => detectAttendanceHeader(cells, options.sessions));
        if (!found) continue;
        if (found.header.sessionColumns.length === 0) {
          // Stryker disable next-line OptionalChaining: every row stream is an async generator (csv-reader, xlsx-reader), which always has return()
          await found.rows.return?.();
          return unreadable(
            {
              code: 'HEADER_MISSING',
              message: `第 ${found.headerRow.row} 行有「${REGISTRATION_ID_HEADER}」，但找不到场次列（如「第1场 …」）。请上传系统导出的签到表，不要修改表头。`,
            },
            { sheet: sheet.name, row: found.headerRow.row },
          );
        }
        return readRows(sheet, found.header, found.headerRow, found.rows, file, options, limits);
      }
      return unreadable({
        code: 'HEADER_MISSING',
        message: `在文件的工作表中找不到含「${REGISTRATION_ID_HEADER}」和场次列（第1场…）的表头行。请上传系统导出的签到表，不要删除表头和报名编号列。`,
      });
    },
  });
}

/**
 * The header row is the one with 报名编号. Session columns are found by their 第k场 prefix, or by the bare label
 * (第1天上午（9月23日） or 第1天上午), so a clerk who shortened the headers is still understood.
 */
function detectAttendanceHeader(
  cells: readonly CellValue[],
  sessions: readonly ClassSession[],
): AttendanceHeader | undefined {
  const idKey = headerKey(REGISTRATION_ID_HEADER);
  const idColumn = cells.findIndex((cell) => headerKey(cellText(cell)) === idKey);
  if (idColumn < 0) return undefined;
  const byLabel = new Map<string, ClassSession>();
  for (const session of sessions) {
    byLabel.set(headerKey(session.label), session);
    // Stryker disable next-line Regex: `.` stops at a line break and a session label has none, so `.*` reaches the end with or without `$`
    byLabel.set(headerKey(session.label.replace(/[（(].*$/, '')), session);
  }
  const sessionColumns: SessionColumn[] = [];
  const ignored: { index: number; text: string; reason: string }[] = [];
  cells.forEach((cell, index) => {
    const text = cellText(cell);
    const key = headerKey(text);
    // Stryker disable next-line ConditionalExpression,StringLiteral: an empty key matches neither 第k场 nor any session label (none is blank), so the lines below skip it too
    if (key === '') return;
    const numbered = /^第(\d+)场/.exec(key);
    const session = numbered ? sessions.find((s) => s.session === Number(numbered[1])) : byLabel.get(key);
    if (numbered && !session) {
      ignored.push({ index, text, reason: `本期只有第 1–${sessions.length} 场` });
      return;
    }
    if (!session) return;
    if (sessionColumns.some((column) => column.session.session === session.session)) {
      ignored.push({ index, text, reason: `第${session.session}场已在前面的列中` });
      return;
    }
    // The canonical header, whatever the file wrote (第1场, or a label with a line break): the finding then says
    // which session it is, and its letter says where.
    sessionColumns.push({ index, session, label: columnLabel(sessionColumnHeader(session), index) });
  });
  return {
    idColumn,
    idLabel: columnLabel(cellText(cells[idColumn] ?? null), idColumn),
    sessionColumns,
    ignored,
  };
}

async function readRows(
  sheet: RawSheet,
  header: AttendanceHeader,
  headerRow: RawRow,
  rows: AsyncIterator<RawRow>,
  file: string,
  options: AttendanceSheetOptions,
  limits: UploadLimits,
): Promise<AttendanceSheetReport> {
  const findings: Finding[] = [];
  const cells: AttendanceCell[] = [];
  const grantedLeave: GrantedLeaveCell[] = [];
  const firstRowOf = new Map<string, number>();
  const finding = (
    code: AttendanceSheetFindingCode | 'NO_DATA_ROWS',
    message: string,
    at: { row?: number; column?: string; value?: string } = {},
  ) => {
    const severity = code === 'NO_DATA_ROWS' ? 'error' : ATTENDANCE_SHEET_FINDING_CODES[code][0];
    findings.push({
      code,
      severity,
      message,
      file,
      sheet: sheet.name,
      ...(at.row !== undefined ? { row: at.row } : {}),
      ...(at.column !== undefined ? { column: at.column } : {}),
      ...(at.value ? { value: shown(at.value) } : {}),
    });
  };

  for (const column of header.ignored) {
    finding(
      'SESSION_COLUMN_IGNORED',
      `第 ${headerRow.row} 行表头「${tidyText(column.text)}」不是本期的场次（${column.reason}），该列未读取。请核对表头后重新上传。`,
      { row: headerRow.row, column: columnLabel(column.text, column.index) },
    );
  }

  const marks = ` ${Object.values(STATUS_MARKS).join('、')} `;
  let count = 0;
  for (let next = await rows.next(); !next.done; next = await rows.next()) {
    const { row, cells: rowCells } = next.value;
    const idCell = rowCells[header.idColumn];
    // Blank lines, and the instructions and signature lines under the table, fill none of the columns read.
    if (isEmptyCell(idCell) && header.sessionColumns.every(({ index }) => isEmptyCell(rowCells[index]))) continue;
    count++;
    if (count > limits.maxRows) {
      // Stryker disable next-line OptionalChaining: every row stream is an async generator (csv-reader, xlsx-reader), which always has return()
      await rows.return?.();
      return {
        file,
        sheet: sheet.name,
        registrationIdColumn: header.idLabel,
        rows: count,
        unreadable: true,
        cells: [],
        grantedLeave: [],
        findings: [{ ...tooManyRowsProblem(limits.maxRows, row), severity: 'error', file, sheet: sheet.name }],
      };
    }

    const idText = cellText(idCell ?? null);
    const registrationId = withoutSpaces(idText).toUpperCase();
    if (!REGISTRATION_ID_PATTERN.test(registrationId)) {
      finding(
        'REGISTRATION_ID_MISSING',
        registrationId === ''
          ? `第 ${row} 行「${REGISTRATION_ID_HEADER}」为空，本行签到未登记。请填写该学员在系统签到表中的报名编号；不在本期名单上的学员不能通过签到表登记。`
          : `第 ${row} 行「${REGISTRATION_ID_HEADER}」「${shown(tidyText(idText))}」不是有效的报名编号（应如 R2024-110000-0123456789ABCDEF），本行签到未登记。请从系统导出的签到表中复制，不要修改报名编号列。`,
        { row, column: header.idLabel, value: tidyText(idText) },
      );
      continue;
    }
    const firstRow = firstRowOf.get(registrationId);
    if (firstRow !== undefined) {
      finding(
        'DUPLICATE_RECORD',
        `第 ${row} 行的报名编号与第 ${firstRow} 行重复，本行签到未登记。每名学员只保留一行，请合并后重新上传。`,
        { row, column: header.idLabel, value: registrationId },
      );
      continue;
    }
    firstRowOf.set(registrationId, row);

    for (const { index, session, label } of header.sessionColumns) {
      const text = cellText(rowCells[index] ?? null);
      const mark = readAttendanceMark(text);
      const at = { row, column: label, value: tidyText(text) };
      if (mark.kind === 'blank') continue;
      if (mark.kind === 'granted-leave') {
        grantedLeave.push({ registrationId, session: session.session, row, column: label });
        continue;
      }
      if (!isRecordable(session, options.now)) {
        finding(
          'SESSION_NOT_HELD',
          `第 ${row} 行「${label}」：该场（${session.date} ${halfOf(session)}）尚未开始，不能登记签到。请清空该单元格，或在该场当天及以后再上传。`,
          at,
        );
        continue;
      }
      switch (mark.kind) {
        case 'status':
          cells.push({
            registrationId,
            session: session.session,
            status: mark.status,
            ...(mark.note ? { note: mark.note } : {}),
            row,
            column: label,
          });
          break;
        case 'leave-claim':
          finding(
            'LEAVE_NOT_BY_UNIT',
            `第 ${row} 行「${label}」：请假须由学员所在地方中小企业主管部门办理；本表中的“请假”不作准假，按未签到处理。`,
            at,
          );
          break;
        case 'invalid':
          finding(
            'ATTENDANCE_STATUS_INVALID',
            mark.reason === 'note-too-long'
              ? `第 ${row} 行「${label}」的备注超过 ${MAX_NOTE_LENGTH} 字，本格未登记。请缩短备注后重新上传。`
              : `第 ${row} 行「${label}」填写的「${shown(tidyText(text))}」无法识别，本格未登记。请填写${marks}之一（可用下拉列表）；未到场请填缺勤。`,
            at,
          );
          break;
      }
    }
  }

  if (count === 0) {
    finding('NO_DATA_ROWS', `表头（第 ${headerRow.row} 行）下没有任何学员行。请上传系统导出并填写好的签到表。`);
  }
  return {
    file,
    sheet: sheet.name,
    registrationIdColumn: header.idLabel,
    rows: count,
    unreadable: false,
    cells,
    grantedLeave,
    findings,
  };
}
