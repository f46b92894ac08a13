import { describe, expect, it } from 'vitest';
import defaultProgramme from '../../../data/programme-2024.json';
import {
  type AttendanceStatus,
  evaluateCompletion,
  type LeaveGrant,
  type LeaveGrants,
} from '../../../shared/domain/attendance';
import { certificateNumber } from '../../../shared/domain/certificate';
import { classPreferenceOrder, closeTimeoutSeconds } from '../../../shared/domain/class-assignment';
import { parseProgramme, totalSeats } from '../../../shared/domain/programme';
import { summarise } from '../../../shared/domain/trainee-registration';
import { parseUploadKey, uploadKey } from '../../../shared/domain/upload';

const programme = parseProgramme(defaultProgramme);
const recorded = { recordedBy: 'host', recordedAt: '2024-09-23T09:00:00+08:00' };
/** A sheet of sign-ins, session 1 first; `leave` marks a session the unit granted leave for (and nobody signed). */
type Mark = AttendanceStatus | 'leave';
const grant: LeaveGrant = {
  reason: '因公出差',
  unit: '110000',
  grantedBy: 'op',
  grantedAt: '2024-09-20T10:00:00+08:00',
};
const sessions = (marks: Mark[]) =>
  Object.fromEntries(
    marks.flatMap((mark, index) => (mark === 'leave' ? [] : [[String(index + 1), { status: mark, ...recorded }]])),
  );
const leaveFor = (marks: Mark[]): LeaveGrants =>
  Object.fromEntries(marks.flatMap((mark, index) => (mark === 'leave' ? [[String(index + 1), grant]] : [])));
/** Before any class of the 2024 sample schedule starts (the first starts 2024-09-23). */
const beforeAnyClass = new Date('2024-08-24T09:00:00+08:00');

describe('the 2024 programme data', () => {
  it('has 10 four-day classes, 37 units and 800 seats', () => {
    expect(programme.classes).toHaveLength(10);
    expect(Object.keys(programme.quotas)).toHaveLength(37);
    expect(totalSeats(programme)).toBe(800);
    for (const c of programme.classes) {
      expect((Date.parse(c.endDate) - Date.parse(c.startDate)) / 86_400_000).toBe(3);
    }
  });

  it('defaults to a 30-day review and no limit on lateness when the data leaves them out', () => {
    const bare = parseProgramme({
      ...defaultProgramme,
      reviewTimeoutDays: undefined,
      completionRule: { maxUnexcusedAbsences: 0, maxApprovedLeaveSessions: 1 },
    });
    expect(bare.reviewTimeoutDays).toBe(30);
    expect(bare.completionRule.maxLateSessions).toBeNull();
  });

  it('rejects a programme with an unknown unit or duplicate class numbers', () => {
    expect(() => parseProgramme({ ...defaultProgramme, quotas: { '999999': 5 } })).toThrow(/unknown unit/);
    const first = defaultProgramme.classes[0];
    expect(() => parseProgramme({ ...defaultProgramme, classes: [first, first] })).toThrow(/duplicate class/);
  });
});

describe('completion rule (no unexcused absence, at most one session of approved leave)', () => {
  it.each([
    [['present', 'present', 'present', 'present', 'present', 'present', 'present', 'present'], true],
    [['late', 'present', 'present', 'present', 'present', 'present', 'present', 'leave'], true],
    [['leave', 'leave', 'present', 'present', 'present', 'present', 'present', 'present'], false],
    [['absent', 'present', 'present', 'present', 'present', 'present', 'present', 'present'], false],
    [['present', 'present', 'present', 'present', 'present', 'present', 'present'], false],
  ] as const)('%j → complete %s', (statuses, complete) => {
    expect(evaluateCompletion(sessions([...statuses]), leaveFor([...statuses]), programme).complete).toBe(complete);
  });

  it('counts late as present and reports it', () => {
    const result = evaluateCompletion(
      sessions(['late', 'late', 'present', 'present', 'present', 'present', 'present', 'present']),
      {},
      programme,
    );
    // The 2024 data sets no limit on lateness (maxLateSessions defaults to null): late is reported, not held against.
    expect(result).toMatchObject({ complete: true, present: 8, late: 2, unexcusedAbsences: 0, reasons: [] });
  });
});

describe('class assignment order', () => {
  it('tries the preferred class first, then the others by start date', () => {
    const order = (preferred: number | null) =>
      classPreferenceOrder(programme, preferred, beforeAnyClass).map((c) => c.number);
    expect(order(5)).toEqual([5, 1, 2, 3, 4, 6, 7, 8, 9, 10]);
    expect(order(null)[0]).toBe(1);
    expect(order(42)[0]).toBe(1);
  });

  it('waits for the class to close until two weeks after it ends, at least a day', () => {
    const first = programme.classes[0];
    if (!first) throw new Error('no class');
    const now = new Date('2024-08-24T09:00:00+08:00');
    const seconds = closeTimeoutSeconds(first, now);
    expect(now.getTime() + seconds * 1000).toBe(Date.parse(`${first.endDate}T23:59:59+08:00`) + 14 * 86_400_000);
    expect(closeTimeoutSeconds(first, new Date('2030-01-01'))).toBe(86_400);
  });
});

describe('numbers, keys and masks', () => {
  it('formats certificate numbers as LJRC-<year>-<class>-<sequence>', () => {
    expect(certificateNumber(2024, 3, 17)).toBe('LJRC-2024-03-0017');
    expect(() => certificateNumber(2024, 3, 10_000)).toThrow(RangeError);
  });

  it('builds and parses upload keys, refusing anything else', () => {
    const key = uploadKey(2024, '110000', '0846c009-fdb3-4ec3-a21d-ccbb41ec4b85', 'csv');
    expect(parseUploadKey(key)).toEqual({
      year: 2024,
      unit: '110000',
      uploadId: '0846c009-fdb3-4ec3-a21d-ccbb41ec4b85',
      extension: 'csv',
    });
    for (const bad of ['incoming/2024/110000/x.csv', `${key}.exe`, `../${key}`, key.replace('.csv', '.xls')]) {
      expect(parseUploadKey(bad)).toBeUndefined();
    }
  });

  it('lists a registration with its ID number and mobile masked as DOMAIN.md shows', () => {
    const trainee = { idNumber: '11010519491231002X', mobile: '13812341234', preferredClass: null } as never;
    const summary = summarise({
      registrationId: 'R',
      year: 2024,
      unit: '110000',
      status: 'nominated',
      trainee,
    } as never);
    expect(summary.idNumber).toBe('110105********002X');
    expect(summary.mobile).toBe('138****1234');
  });
});
