import { describe, expect, it, vi } from 'vitest';

/**
 * The words of the sign-in sheet and how a session cell is read. Expected values come from the sheet a host is given
 * (签到表, 报名编号, the 出勤/迟到/缺勤 drop-down, 请假（已批准）), docs/domain-rules.md (请假 on a sheet is a claim, not
 * leave) and the marks hand-kept sheets use (ticks, crosses, words).
 *
 * The module is imported afresh inside each test (vi.resetModules): its word table and patterns are built when it
 * loads, and a module already loaded when a mutant is switched on would keep the original ones (see "hybrid" in
 * docs/mutation-testing.md).
 */
async function marks() {
  vi.resetModules();
  return import('../../../shared/forms/sign-in-marks');
}

describe('sign-in sheet words', () => {
  it('names the sheet, the id column, the three statuses and the granted-leave mark', async () => {
    const { SIGN_IN_SHEET_NAME, REGISTRATION_ID_HEADER, STATUS_MARKS, LEAVE_MARK, MAX_NOTE_LENGTH } = await marks();
    expect(SIGN_IN_SHEET_NAME).toBe('签到表');
    expect(REGISTRATION_ID_HEADER).toBe('报名编号');
    expect(STATUS_MARKS).toEqual({ present: '出勤', late: '迟到', absent: '缺勤' });
    expect(LEAVE_MARK).toBe('请假（已批准）');
    expect(MAX_NOTE_LENGTH).toBe(200);
  });

  it('heads a session column 第k场 and the session label', async () => {
    const { sessionColumnHeader } = await marks();
    expect(sessionColumnHeader({ session: 3, label: '第2天上午（9月24日）' } as never)).toBe(
      '第3场 第2天上午（9月24日）',
    );
  });

  it('knows a registration id by its shape R<year>-<unit>-<16 hex digits>, and nothing else', async () => {
    const { REGISTRATION_ID_PATTERN } = await marks();
    expect(REGISTRATION_ID_PATTERN.test('R2024-110000-00000000000000A1')).toBe(true);
    expect(REGISTRATION_ID_PATTERN.test('R2024-330200-0123456789ABCDEF')).toBe(true);
    for (const wrong of [
      'xR2024-110000-00000000000000A1', // something before
      'R2024-110000-00000000000000A1x', // something after
      'R24-110000-00000000000000A1', // two-digit year
      'RABCD-110000-00000000000000A1', // letters for the year
      'R2024-1100-00000000000000A1', // four-digit unit
      'R2024-11000A-00000000000000A1', // a letter in the unit
      'R2024-110000-A1', // short hash
      'R2024-110000-000000000000000G', // not hex
      'R2024-110000-00000000000000a1', // lower case: ingest writes upper case
    ]) {
      expect(REGISTRATION_ID_PATTERN.test(wrong), wrong).toBe(false);
    }
  });
});

describe('reading a session cell', () => {
  it.each([
    ['出勤', 'present'],
    ['出席', 'present'],
    ['已到', 'present'],
    ['到', 'present'],
    ['√', 'present'],
    ['✓', 'present'],
    ['✔', 'present'],
    ['present', 'present'],
    ['PRESENT', 'present'],
    ['迟到', 'late'],
    ['late', 'late'],
    ['Late', 'late'],
    ['缺勤', 'absent'],
    ['旷课', 'absent'],
    ['未到', 'absent'],
    ['×', 'absent'],
    ['✗', 'absent'],
    ['✘', 'absent'],
    ['absent', 'absent'],
  ])('%s is %s', async (text, status) => {
    const { readAttendanceMark } = await marks();
    expect(readAttendanceMark(text)).toEqual({ kind: 'status', status });
  });

  it.each([
    ['迟到（堵车）', 'late', '堵车'],
    ['迟到((堵车))', 'late', '堵车'],
    ['迟到 ((9:20 到))', 'late', '9:20 到'],
    ['缺勤，称已请假', 'absent', '称已请假'],
    ['出勤/下午早退', 'present', '下午早退'],
    ['√ 代签', 'present', '代签'],
  ])('%s is %s with the remark %s', async (text, status, note) => {
    const { readAttendanceMark } = await marks();
    expect(readAttendanceMark(text)).toEqual({ kind: 'status', status, note });
  });

  it('takes a remark of up to 200 characters and refuses a longer one as too long', async () => {
    const { readAttendanceMark } = await marks();
    expect(readAttendanceMark(`迟到 ${'堵'.repeat(200)}`)).toEqual({
      kind: 'status',
      status: 'late',
      note: '堵'.repeat(200),
    });
    expect(readAttendanceMark(`迟到 ${'堵'.repeat(201)}`)).toEqual({ kind: 'invalid', reason: 'note-too-long' });
  });

  it.each([
    ['', { kind: 'blank' }],
    ['请假（已批准）', { kind: 'granted-leave' }],
    ['请假', { kind: 'leave-claim' }],
    ['已请假', { kind: 'leave-claim' }],
    ['病假', { kind: 'leave-claim' }],
    ['事假（家中有事）', { kind: 'leave-claim' }],
    // 请假 after other words is no mark the sheet knows.
    ['称请假', { kind: 'invalid', reason: 'unknown' }],
    ['到场', { kind: 'invalid', reason: 'unknown' }],
    ['签到', { kind: 'invalid', reason: 'unknown' }],
    ['lately', { kind: 'invalid', reason: 'unknown' }],
    ['x', { kind: 'invalid', reason: 'unknown' }],
  ])('"%s" reads as %o', async (text, mark) => {
    const { readAttendanceMark } = await marks();
    expect(readAttendanceMark(text)).toEqual(mark);
  });
});
