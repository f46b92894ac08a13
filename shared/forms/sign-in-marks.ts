import type { AttendanceStatus } from '../domain/attendance';
import type { ClassSession } from '../domain/classes/class-sessions';
import { normaliseText } from '../domain/registration/normalise-text';

/**
 * The words a sign-in sheet is written in, shared by the sheet the system prints and the reader of the sheet the
 * host uploads back, so what one writes the other always reads.
 */
export const SIGN_IN_SHEET_NAME = '签到表';
export const REGISTRATION_ID_HEADER = '报名编号';

/** What the drop-down offers, and how recorded statuses are pre-filled. */
export const STATUS_MARKS: Readonly<Record<AttendanceStatus, string>> = {
  present: '出勤',
  late: '迟到',
  absent: '缺勤',
};

/** Pre-filled where the trainee's unit granted leave for the session; it is shown, never read as a record. */
export const LEAVE_MARK = '请假（已批准）';

/** 第1场 第1天上午（9月23日）: the reader finds the column by its 第k场 prefix. */
export function sessionColumnHeader(session: ClassSession): string {
  return `第${session.session}场 ${session.label}`;
}

/** Registration ids as ingest derives them (R<year>-<unit>-<16 hex>); see registrationIdFor. */
export const REGISTRATION_ID_PATTERN = /^R\d{4}-\d{6}-[0-9A-F]{16}$/;

export const MAX_NOTE_LENGTH = 200;

/** What one session cell says. */
export type AttendanceMark =
  | { readonly kind: 'blank' }
  | { readonly kind: 'status'; readonly status: AttendanceStatus; readonly note?: string }
  /** The pre-filled 请假（已批准）: leave the unit granted, round-tripping through the sheet. */
  | { readonly kind: 'granted-leave' }
  /** Any other 请假/病假/事假 written on the sheet: a host cannot grant leave. */
  | { readonly kind: 'leave-claim' }
  | { readonly kind: 'invalid'; readonly reason: 'unknown' | 'note-too-long' };

/** Hand-kept sheets tick (√ ✓), cross (× ✗) or write the word; English words come from exported systems. */
const STATUS_WORDS: readonly (readonly [string, AttendanceStatus])[] = [
  ['出勤', 'present'],
  ['出席', 'present'],
  ['已到', 'present'],
  ['到', 'present'],
  ['√', 'present'],
  ['✓', 'present'],
  ['✔', 'present'],
  ['present', 'present'],
  ['迟到', 'late'],
  ['late', 'late'],
  ['缺勤', 'absent'],
  ['旷课', 'absent'],
  ['未到', 'absent'],
  ['×', 'absent'],
  ['✗', 'absent'],
  ['✘', 'absent'],
  ['absent', 'absent'],
];

// Stryker disable next-line StringLiteral: no word in STATUS_WORDS holds a regular-expression character, so what replaces one is never used
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A status word, then optionally a separator and a remark: 迟到（9:20 到）, 缺勤 称已请假. The separator is required so
 * that 到场 or 已到岗 are not read as 到 plus a note: those are not marks this sheet knows.
 */
// Longest first keeps a word from being cut short by a shorter one it starts with. No word of the table starts with
// another and the pattern is anchored at both ends, so today the order of the alternatives cannot change a match.
// Stryker disable next-line ArrowFunction,ArithmeticOperator: see above
const longestFirst = (a: string, b: string) => b.length - a.length;
const STATUS_PATTERN = new RegExp(
  // Stryker disable next-line MethodExpression: the order of the alternatives (longestFirst above)
  `^(${[...STATUS_WORDS.map(([word]) => word)]
    .sort(longestFirst)
    .map(escapeRegExp)
    .join('|')})(?:[\\s(:,;、/—-](.*))?$`,
  'i',
);
const LEAVE_PATTERN = /^(已?请假|病假|事假)/;
const GRANTED_LEAVE = normaliseText(LEAVE_MARK);

export function readAttendanceMark(text: string): AttendanceMark {
  const normalised = normaliseText(text);
  if (normalised === '') return { kind: 'blank' };
  if (normalised === GRANTED_LEAVE) return { kind: 'granted-leave' };
  const match = STATUS_PATTERN.exec(normalised);
  if (match) {
    const word = (match[1] as string).toLowerCase();
    const status = STATUS_WORDS.find(([candidate]) => candidate === word)?.[1] as AttendanceStatus;
    const note = (match[2] ?? '').replace(/^[\s(]+|[\s)]+$/g, '');
    if (note === '') return { kind: 'status', status };
    if (Array.from(note).length > MAX_NOTE_LENGTH) return { kind: 'invalid', reason: 'note-too-long' };
    return { kind: 'status', status, note };
  }
  if (LEAVE_PATTERN.test(normalised)) return { kind: 'leave-claim' };
  return { kind: 'invalid', reason: 'unknown' };
}
