import { describe, expect, it } from 'vitest';
import defaultProgramme from '../../../data/programme-2024.json';
import { classPreferenceOrder, waitlistTimeoutSeconds } from '../../../shared/domain/class-assignment';
import { parseProgramme } from '../../../shared/domain/programme';

/**
 * DOMAIN.md "Review, assignment, waitlist": the preferred class if it has a seat and has not started, else the
 * earliest class not started; the waitlist ends when the last class starts. The 2024 sample schedule: class 1 starts
 * 2024-09-23, class 2 2024-09-24, … class 10 (the last) 2024-12-02; a class has started from midnight, +08:00.
 */
const programme = parseProgramme(defaultProgramme);
const order = (preferred: number | null, now: string) =>
  classPreferenceOrder(programme, preferred, new Date(now)).map((c) => c.number);

describe('class assignment order', () => {
  it('offers the preferred class first while it has not started', () => {
    expect(order(1, '2024-09-22T23:59:59+08:00')).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(order(2, '2024-09-22T23:59:59+08:00')).toEqual([2, 1, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('skips a preferred class that has started, and offers the earliest not started instead', () => {
    expect(order(1, '2024-09-23T00:00:00+08:00')).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(order(2, '2024-09-24T00:00:00+08:00')).toEqual([3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('never offers any started class, whatever the preference', () => {
    expect(order(5, '2024-10-14T08:00:00+08:00')).toEqual([5, 4, 6, 7, 8, 9, 10]);
    expect(order(null, '2024-10-14T08:00:00+08:00')).toEqual([4, 5, 6, 7, 8, 9, 10]);
    expect(order(42, '2024-10-14T08:00:00+08:00')).toEqual([4, 5, 6, 7, 8, 9, 10]);
  });

  it('offers nothing once every class has started', () => {
    expect(order(10, '2024-12-01T23:59:59+08:00')).toEqual([10]);
    expect(order(10, '2024-12-02T00:00:00+08:00')).toEqual([]);
    expect(order(null, '2025-01-01T00:00:00+08:00')).toEqual([]);
  });
});

describe('waitlistTimeoutSeconds: a waitlisted trainee waits until the last class starts', () => {
  /** The last class (10) starts at 2024-12-02T00:00:00+08:00. */
  const lastStart = Date.parse('2024-12-02T00:00:00+08:00');

  it('waits exactly until the last class’s start', () => {
    const now = new Date('2024-09-30T18:00:00+08:00');
    expect(waitlistTimeoutSeconds(programme, now)).toBe((lastStart - now.getTime()) / 1000);
    expect(waitlistTimeoutSeconds(programme, new Date('2024-12-01T00:00:00+08:00'))).toBe(86_400);
    expect(waitlistTimeoutSeconds(programme, new Date('2024-12-01T23:59:59+08:00'))).toBe(1);
  });

  it('counts to the last class by date, not to the last in the list', () => {
    const shuffled = { ...programme, classes: [...programme.classes].reverse() };
    expect(waitlistTimeoutSeconds(shuffled, new Date('2024-12-01T00:00:00+08:00'))).toBe(86_400);
  });

  it('is undefined from the last class’s start on (no seat can be offered any more)', () => {
    expect(waitlistTimeoutSeconds(programme, new Date('2024-12-02T00:00:00+08:00'))).toBeUndefined();
    expect(waitlistTimeoutSeconds(programme, new Date('2024-12-02T09:00:00+08:00'))).toBeUndefined();
  });
});
