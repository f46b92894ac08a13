import type ExcelJS from 'exceljs';
import { loadExcel } from './excel';
import type { AttendanceStatus } from '../domain/attendance';
import type { ClassSession } from '../domain/classes/class-sessions';
import type { Programme, TrainingClass } from '../domain/programme';
import type { Registration } from '../domain/trainee-registration';
import { findUnit } from '../domain/units';
import { columnLetter } from './sheet-rows';
import {
  LEAVE_MARK,
  REGISTRATION_ID_HEADER,
  SIGN_IN_SHEET_NAME,
  STATUS_MARKS,
  sessionColumnHeader,
} from './sign-in-marks';

/** One trainee's line on the sheet. */
export interface SignInRow {
  readonly registrationId: string;
  readonly name: string;
  /** The recommending unit (the local SME authority), e.g. 北京市. */
  readonly unitName: string;
  readonly enterpriseName: string;
  readonly position: string;
  /** Sessions for which the unit granted leave. */
  readonly leave: readonly number[];
  /** Statuses already recorded, by session number. */
  readonly recorded: Readonly<Record<number, AttendanceStatus>>;
}

export interface SignInSheetInput {
  readonly programme: Programme;
  readonly trainingClass: TrainingClass;
  readonly sessions: readonly ClassSession[];
  readonly trainees: readonly SignInRow[];
}

/** A roster entry as the sheet shows it: the unit by name, leave and records keyed by session number. */
export function signInRowOf(registration: Registration): SignInRow {
  const recorded: Record<number, AttendanceStatus> = {};
  for (const [session, record] of Object.entries(registration.attendance ?? {})) {
    if (record) recorded[Number(session)] = record.status;
  }
  return {
    registrationId: registration.registrationId,
    name: registration.trainee.name,
    unitName: findUnit(registration.unit)?.name ?? registration.unit,
    enterpriseName: registration.trainee.enterpriseName,
    position: registration.trainee.position,
    leave: Object.entries(registration.leave ?? {}).flatMap(([session, grant]) => (grant ? [Number(session)] : [])),
    recorded,
  };
}

const FIXED_COLUMNS = [
  { header: '序号', width: 5 },
  { header: REGISTRATION_ID_HEADER, width: 23 },
  { header: '姓名', width: 10 },
  { header: '所在单位', width: 11 },
  { header: '企业名称', width: 24 },
  { header: '职务', width: 10 },
] as const;
/** Wide enough for 第1场 第1天上午 on one line of the header, and for a tick or a short signature. */
const SESSION_WIDTH = 12.5;

const THIN = { style: 'thin' as const, color: { argb: 'FF000000' } };
const BORDER: Partial<ExcelJS.Borders> = { top: THIN, left: THIN, bottom: THIN, right: THIN };
const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDEBF7' } };
const LEAVE_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFEDEDED' } };

/**
 * Text that a spreadsheet (or a CSV export of it) could take for a formula. Names and enterprise names come from
 * provinces' uploads, so they are written the way Excel stores a typed-in apostrophe: with a leading `'`, in a text
 * formatted cell, so that neither opening, re-entering nor exporting the cell can run anything.
 */
const FORMULA_LEAD = /^[=+\-@\t\r]/;
export function inertText(text: string): string {
  return FORMULA_LEAD.test(text) ? `'${text}` : text;
}

const dateInChinese = (date: string) => {
  const [year, month, day] = date.split('-').map(Number);
  return { year, month, day };
};

function classDates(trainingClass: TrainingClass): string {
  const start = dateInChinese(trainingClass.startDate);
  const end = dateInChinese(trainingClass.endDate);
  const endText = end.year === start.year ? `${end.month}月${end.day}日` : `${end.year}年${end.month}月${end.day}日`;
  return `${start.year}年${start.month}月${start.day}日至${endText}`;
}

/**
 * The printable sign-in sheet (签到表) of one class: A4 landscape, one page wide, title and header repeated on every
 * printed page; one row per trainee with the sessions already recorded and the leave the unit granted, and a
 * drop-down of 出勤/迟到/缺勤 on every session cell. The host fills it in (on paper or in Excel/WPS) and uploads it
 * back as form "attendance"; `readAttendanceSheet` reads exactly what this writes.
 */
export async function buildSignInSheet(input: SignInSheetInput): Promise<Uint8Array> {
  const { programme, trainingClass, sessions, trainees } = input;
  const columnCount = FIXED_COLUMNS.length + sessions.length;
  const lastColumn = columnLetter(columnCount - 1);

  const workbook = new (await loadExcel()).Workbook();
  workbook.creator = '领军人才培训管理系统';
  workbook.created = new Date(`${trainingClass.startDate}T00:00:00+08:00`);
  const sheet = workbook.addWorksheet(SIGN_IN_SHEET_NAME);
  sheet.columns = [
    ...FIXED_COLUMNS.map((column) => ({ width: column.width })),
    ...sessions.map(() => ({ width: SESSION_WIDTH })),
  ];

  const wideLine = (text: string, font: Partial<ExcelJS.Font>, height: number): ExcelJS.Row => {
    const row = sheet.addRow([inertText(text)]);
    sheet.mergeCells(`A${row.number}:${lastColumn}${row.number}`);
    row.height = height;
    row.font = font;
    row.getCell(1).alignment = { vertical: 'middle', horizontal: 'center', wrapText: true };
    return row;
  };

  wideLine(
    `${programme.year}年度中小企业经营管理领军人才培训 第${trainingClass.number}期「${trainingClass.theme}」签到表`,
    { bold: true, size: 16 },
    30,
  );
  wideLine(
    `承办单位：${trainingClass.host}　　地点：${trainingClass.city}·${trainingClass.venue}　　` +
      `日期：${classDates(trainingClass)}（共 ${sessions.length} 场）`,
    { size: 11 },
    20,
  );
  if (programme.sampleData) {
    wideLine(
      '注意：本期安排为示例数据（附件1 尚未公布），培训管理人员将替换为正式安排；请勿据此组织培训或考勤。',
      { bold: true, size: 11, color: { argb: 'FFC00000' } },
      20,
    );
  }

  // The date goes on its own line: left to the renderer, CJK text wraps anywhere, even inside （9月23日）.
  const sessionHeaders = sessions.map((session) => sessionColumnHeader(session).replace('（', '\n（'));
  const header = sheet.addRow([...FIXED_COLUMNS.map((column) => column.header), ...sessionHeaders]);
  header.height = 48;
  header.eachCell((cell, column) => {
    cell.font = { bold: true, size: column > FIXED_COLUMNS.length ? 9 : 10 };
    cell.fill = HEADER_FILL;
    cell.border = BORDER;
    cell.alignment = { vertical: 'middle', horizontal: 'center', wrapText: true };
  });

  const firstDataRow = header.number + 1;
  trainees.forEach((trainee, index) => {
    const leave = new Set(trainee.leave);
    const marks = sessions.map(({ session }) => {
      const status = trainee.recorded[session];
      if (status) return STATUS_MARKS[status];
      return leave.has(session) ? LEAVE_MARK : null;
    });
    const row = sheet.addRow([
      index + 1,
      inertText(trainee.registrationId),
      inertText(trainee.name),
      inertText(trainee.unitName),
      inertText(trainee.enterpriseName),
      inertText(trainee.position),
      ...marks,
    ]);
    row.height = 30;
    for (let column = 1; column <= columnCount; column++) {
      const cell = row.getCell(column);
      cell.border = BORDER;
      cell.font = { size: column === 2 ? 8 : 10 };
      cell.alignment = {
        vertical: 'middle',
        horizontal: column === 1 || column > FIXED_COLUMNS.length ? 'center' : 'left',
        wrapText: column !== 2,
      };
      if (column >= 2 && column <= FIXED_COLUMNS.length) cell.numFmt = '@';
      if (cell.value === LEAVE_MARK) {
        cell.fill = LEAVE_FILL;
        cell.font = { size: 9, italic: true };
      }
    }
  });
  const lastDataRow = header.number + trainees.length;

  if (trainees.length > 0 && sessions.length > 0) {
    const first = columnLetter(FIXED_COLUMNS.length);
    (sheet as unknown as DataValidationTarget).dataValidations.add(
      `${first}${firstDataRow}:${lastColumn}${lastDataRow}`,
      {
        type: 'list',
        allowBlank: true,
        formulae: [`"${Object.values(STATUS_MARKS).join(',')}"`],
        showErrorMessage: true,
        errorStyle: 'stop',
        errorTitle: '签到状态',
        error: `请从下拉列表中选择：${Object.values(STATUS_MARKS).join('、')}。请假由学员所在单位办理，不在本表填写。`,
        showInputMessage: true,
        promptTitle: '签到状态',
        prompt: `${Object.values(STATUS_MARKS).join(' / ')}；未到场请选缺勤。`,
      },
    );
  }

  sheet.addRow([]);
  const legend = wideLine(
    `填写说明：每场在对应列选择或填写「${STATUS_MARKS.present}」「${STATUS_MARKS.late}」或「${STATUS_MARKS.absent}」；` +
      `「${LEAVE_MARK}」为学员所在地方中小企业主管部门已办理的请假，请勿改动。请假只能由学员所在单位办理，` +
      '在本表中填写“请假”不作准假，按未签到处理；未签到的场次视为缺勤。' +
      '填好后由承办机构或培训管理人员在系统中上传（POST /uploads，表格类型 form 为 "attendance"，' +
      `期次 classNumber 为 ${trainingClass.number}），请保留本表的表头和报名编号列。`,
    { size: 9 },
    54,
  );
  legend.getCell(1).alignment = { vertical: 'top', horizontal: 'left', wrapText: true };
  const signature = wideLine(
    '承办机构（盖章）：　　　　　　　　　　　　考勤负责人（签字）：　　　　　　　　　　　　日期：　　　　年　　月　　日',
    { size: 11 },
    32,
  );
  signature.getCell(1).alignment = { vertical: 'bottom', horizontal: 'left' };

  sheet.views = [
    {
      state: 'frozen',
      xSplit: 3,
      ySplit: header.number,
      // Stryker disable next-line StringLiteral: without a top-left cell ExcelJS writes the one below and right of the split, the same D<first data row>
      topLeftCell: `D${firstDataRow}`,
    },
  ];
  sheet.pageSetup = {
    paperSize: 9, // A4
    orientation: 'landscape',
    fitToPage: true,
    fitToWidth: 1,
    fitToHeight: 0, // as many pages tall as the roster needs
    horizontalCentered: true,
    printArea: `A1:${lastColumn}${signature.number}`,
    printTitlesRow: `1:${header.number}`,
    margins: { left: 0.4, right: 0.4, top: 0.5, bottom: 0.6, header: 0.3, footer: 0.3 },
  };
  sheet.headerFooter.oddFooter = `&C第 &P 页，共 &N 页`;

  const buffer = await workbook.xlsx.writeBuffer();
  return new Uint8Array(buffer as ArrayBuffer);
}

interface DataValidationTarget {
  dataValidations: { add(range: string, validation: ExcelJS.DataValidation): void };
}
