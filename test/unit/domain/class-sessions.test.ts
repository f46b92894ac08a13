import { describe, expect, it } from 'vitest';
import {
  classSessions,
  findSession,
  hasBegun,
  hasStarted,
  isRecordable,
  lastSessionEnded,
} from '../../../shared/domain/classes/class-sessions';
import type { TrainingClass } from '../../../shared/domain/programme';

/**
 * Oracles written by hand from DOMAIN.md: 4 days × 2 half-day sessions, session k on day ⌈k/2⌉, morning for odd k;
 * programme time is Asia/Shanghai (+08:00, no daylight saving); mornings 08:30–12:00, afternoons 14:00–17:30.
 */
const trainingClass = (startDate: string, endDate: string): TrainingClass => ({
  number: 3,
  theme: '数字化赋能',
  host: '某大学',
  city: '杭州',
  venue: '某校区',
  startDate,
  endDate,
  capacity: 80,
});
const programme = { sessionsPerClass: 8 };
/** A class across the end of October, 2024. */
const acrossMonthEnd = trainingClass('2024-10-30', '2024-11-02');
/** Class 1 of the 2024 sample schedule. */
const september = trainingClass('2024-09-23', '2024-09-26');
const at = (instant: string) => new Date(instant);

describe('class sessions: session k on day ⌈k/2⌉, morning for odd k', () => {
  it('lays out the eight sessions across a month end, with their dates, halves and labels', () => {
    expect(
      classSessions(acrossMonthEnd, 8).map(({ session, date, half, label }) => [session, date, half, label]),
    ).toEqual([
      [1, '2024-10-30', 'am', '第1天上午（10月30日）'],
      [2, '2024-10-30', 'pm', '第1天下午（10月30日）'],
      [3, '2024-10-31', 'am', '第2天上午（10月31日）'],
      [4, '2024-10-31', 'pm', '第2天下午（10月31日）'],
      [5, '2024-11-01', 'am', '第3天上午（11月1日）'],
      [6, '2024-11-01', 'pm', '第3天下午（11月1日）'],
      [7, '2024-11-02', 'am', '第4天上午（11月2日）'],
      [8, '2024-11-02', 'pm', '第4天下午（11月2日）'],
    ]);
  });

  it('crosses a year end and a leap day', () => {
    expect(classSessions(trainingClass('2024-12-30', '2025-01-02'), 8).map((s) => s.date)).toEqual([
      '2024-12-30',
      '2024-12-30',
      '2024-12-31',
      '2024-12-31',
      '2025-01-01',
      '2025-01-01',
      '2025-01-02',
      '2025-01-02',
    ]);
    expect(classSessions(trainingClass('2024-02-28', '2024-03-02'), 8).map((s) => s.label)).toEqual([
      '第1天上午（2月28日）',
      '第1天下午（2月28日）',
      '第2天上午（2月29日）',
      '第2天下午（2月29日）',
      '第3天上午（3月1日）',
      '第3天下午（3月1日）',
      '第4天上午（3月2日）',
      '第4天下午（3月2日）',
    ]);
  });

  it('gives each session its teaching hours in programme time', () => {
    const [first, second] = classSessions(september, 8);
    expect(first).toMatchObject({ startsAt: '2024-09-23T08:30:00+08:00', endsAt: '2024-09-23T12:00:00+08:00' });
    expect(second).toMatchObject({ startsAt: '2024-09-23T14:00:00+08:00', endsAt: '2024-09-23T17:30:00+08:00' });
    expect(Date.parse(first?.startsAt ?? '')).toBe(Date.parse('2024-09-23T00:30:00Z'));
  });

  it('finds a session by number, and none outside 1..sessionsPerClass', () => {
    expect(findSession(programme, acrossMonthEnd, 5)).toMatchObject({ date: '2024-11-01', half: 'am' });
    expect(findSession(programme, acrossMonthEnd, 0)).toBeUndefined();
    expect(findSession(programme, acrossMonthEnd, 9)).toBeUndefined();
  });
});

describe('class and session times (programme time, +08:00)', () => {
  const session = (k: number) => {
    const found = findSession(programme, september, k);
    if (!found) throw new Error(`no session ${k}`);
    return found;
  };

  it('a class has started from midnight of its first day, Beijing time, not UTC', () => {
    expect(hasStarted(september, at('2024-09-22T23:59:59+08:00'))).toBe(false);
    expect(hasStarted(september, at('2024-09-23T00:00:00+08:00'))).toBe(true);
    // 2024-09-22T16:00Z is midnight in Beijing: started, though it is still the 22nd in UTC.
    expect(hasStarted(september, at('2024-09-22T16:00:00Z'))).toBe(true);
    expect(hasStarted(september, at('2024-09-22T15:59:59Z'))).toBe(false);
  });

  it('a session may be recorded from 00:00 of its own date, not before', () => {
    // Session 3 is the morning of day 2 (2024-09-24), session 4 its afternoon.
    expect(isRecordable(session(3), at('2024-09-23T23:59:59+08:00'))).toBe(false);
    expect(isRecordable(session(3), at('2024-09-24T00:00:00+08:00'))).toBe(true);
    expect(isRecordable(session(4), at('2024-09-24T00:00:00+08:00'))).toBe(true);
    expect(isRecordable(session(4), at('2024-09-23T17:30:00+08:00'))).toBe(false);
    expect(isRecordable(session(8), at('2024-09-25T23:59:59+08:00'))).toBe(false);
    expect(isRecordable(session(8), at('2024-09-26T00:00:00+08:00'))).toBe(true);
  });

  it('a session has begun at its start: 08:30 for a morning, 14:00 for an afternoon', () => {
    expect(hasBegun(session(1), at('2024-09-23T08:29:59+08:00'))).toBe(false);
    expect(hasBegun(session(1), at('2024-09-23T08:30:00+08:00'))).toBe(true);
    expect(hasBegun(session(2), at('2024-09-23T13:59:59+08:00'))).toBe(false);
    expect(hasBegun(session(2), at('2024-09-23T14:00:00+08:00'))).toBe(true);
    expect(hasBegun(session(6), at('2024-09-25T13:59:59+08:00'))).toBe(false);
    expect(hasBegun(session(6), at('2024-09-25T06:00:00Z'))).toBe(true);
  });

  it('the last session has ended at 17:30 of the last day, not before', () => {
    expect(lastSessionEnded(programme, september, at('2024-09-26T17:29:59+08:00'))).toBe(false);
    expect(lastSessionEnded(programme, september, at('2024-09-26T17:30:00+08:00'))).toBe(true);
    expect(lastSessionEnded(programme, september, at('2024-09-26T23:00:00+08:00'))).toBe(true);
    expect(lastSessionEnded(programme, september, at('2024-09-25T17:30:00+08:00'))).toBe(false);
    expect(lastSessionEnded(programme, acrossMonthEnd, at('2024-11-02T09:29:59Z'))).toBe(false);
    expect(lastSessionEnded(programme, acrossMonthEnd, at('2024-11-02T09:30:00Z'))).toBe(true);
  });
});
