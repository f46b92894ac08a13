import { describe, expect, it } from 'vitest';
import defaultProgramme from '../../../data/programme-2024.json';
import { effectiveDeadline, formatDeadline, isBeforeDeadline, parseProgramme } from '../../../shared/domain/programme';

/**
 * The registration deadline (notice: forms by 2024-08-31), to the second, in Beijing time, with and without a
 * unit's extension; the later of the two applies. The instants are written out by hand as the oracle.
 */
const programme = parseProgramme(defaultProgramme);
const at = (iso: string) => new Date(iso);

describe('registration deadline', () => {
  it('is the programme’s last second, 2024-08-31 23:59:59 Beijing time', () => {
    expect(effectiveDeadline(programme).toISOString()).toBe('2024-08-31T15:59:59.000Z');
  });

  it.each([
    ['a minute before', '2024-08-31T23:58:59+08:00', true],
    ['at the last second', '2024-08-31T23:59:59+08:00', true],
    ['within the last second', '2024-08-31T23:59:59.999+08:00', true],
    ['at midnight', '2024-09-01T00:00:00+08:00', false],
    ['a minute after', '2024-09-01T00:00:59+08:00', false],
    ['the same instant written in UTC, after', '2024-08-31T16:00:00Z', false],
  ])('without an extension: %s → %s', (_, now, accepted) => {
    expect(isBeforeDeadline(programme, at(now))).toBe(accepted);
  });

  const extension = '2024-09-07T23:59:59+08:00';
  it.each([
    ['before the programme deadline', '2024-08-31T23:59:59+08:00', true],
    ['after the programme deadline, within the extension', '2024-09-03T10:00:00+08:00', true],
    ['at the extension’s last second', '2024-09-07T23:59:59+08:00', true],
    ['after the extension', '2024-09-08T00:00:00+08:00', false],
  ])('with an extension to 09-07: %s → %s', (_, now, accepted) => {
    expect(isBeforeDeadline(programme, at(now), extension)).toBe(accepted);
  });

  it('says the deadline as a person reads it, in Beijing time', () => {
    expect(formatDeadline(effectiveDeadline(programme, extension))).toBe('2024-09-07 23:59:59');
  });

  it('never shortens a unit’s time: an extension earlier than the deadline leaves the deadline', () => {
    const earlier = '2024-08-20T23:59:59+08:00';
    expect(isBeforeDeadline(programme, at('2024-08-25T12:00:00+08:00'), earlier)).toBe(true);
    expect(isBeforeDeadline(programme, at('2024-09-01T00:00:00+08:00'), earlier)).toBe(false);
    expect(effectiveDeadline(programme, earlier).toISOString()).toBe('2024-08-31T15:59:59.000Z');
  });
});
