import { describe, expect, it, vi } from 'vitest';
import { expiresAtFor, type RetentionPolicy } from '../../../shared/domain/retention';
import type { RegistrationStatus } from '../../../shared/domain/trainee-registration';

/**
 * Epoch seconds worked out by hand: 2025-01-01T00:00:00Z is 1,735,689,600 (2024-01-01 is 1,704,067,200, plus 366
 * days of 86,400 s). 730 days are 63,072,000 s and 1,825 days 157,680,000 s (README: 730 days after an ended
 * registration, 1,825 after a certified one).
 */
const NEW_YEAR_2025 = 1_735_689_600;
const policy: RetentionPolicy = { endedDays: 730, certifiedDays: 1825 };

describe('expiresAtFor: when an ended registration is deleted (DynamoDB TTL, epoch seconds)', () => {
  it('keeps a certified registration for the archive period', () => {
    expect(expiresAtFor('certified', new Date('2025-01-01T00:00:00Z'), policy)).toBe(1_893_369_600);
  });

  it.each(['incomplete', 'rejected', 'expired', 'not-placed', 'withdrawn'] as RegistrationStatus[])(
    'keeps a %s registration for the shorter period',
    (status) => {
      expect(expiresAtFor(status, new Date('2025-01-01T00:00:00Z'), policy)).toBe(1_798_761_600);
    },
  );

  it.each(['nominated', 'assigned', 'waitlisted', 'failed'] as RegistrationStatus[])(
    'never expires a registration still on its way (%s)',
    (status) => {
      expect(expiresAtFor(status, new Date('2025-01-01T00:00:00Z'), policy)).toBeUndefined();
    },
  );

  it('counts from the whole second the status changed, with the policy’s own day counts', () => {
    const at = new Date('2025-01-01T00:00:00.999Z');
    expect(expiresAtFor('withdrawn', at, { endedDays: 1, certifiedDays: 2 })).toBe(NEW_YEAR_2025 + 86_400);
    expect(expiresAtFor('certified', at, { endedDays: 1, certifiedDays: 2 })).toBe(NEW_YEAR_2025 + 172_800);
  });

  it('defaults to 730 and 1,825 days, as the README promises', async () => {
    // Imported afresh so the default is evaluated inside this test (mutation testing changes it).
    vi.resetModules();
    const { DEFAULT_RETENTION } = await import('../../../shared/domain/retention');
    expect(DEFAULT_RETENTION).toEqual({ endedDays: 730, certifiedDays: 1825 });
  });
});
