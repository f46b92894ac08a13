import { FINAL_STATUSES, type RegistrationStatus } from './trainee-registration';

/**
 * How long a registration is kept once its journey has ended (PIPL: no longer than the purpose needs). Certified
 * trainees are kept for the archive period (notice 二(六): units follow up their trainees over the years); every
 * other end (rejected, expired, not placed, withdrawn, incomplete) for the shorter period, which matches the raw
 * uploads' retention. Both are deployment settings.
 */
export interface RetentionPolicy {
  readonly endedDays: number;
  readonly certifiedDays: number;
}

export const DEFAULT_RETENTION: RetentionPolicy = { endedDays: 730, certifiedDays: 1825 };

/** When a registration that has just moved to `status` is deleted (epoch seconds, DynamoDB TTL), if it ended. */
export function expiresAtFor(status: RegistrationStatus, at: Date, policy: RetentionPolicy): number | undefined {
  if (!FINAL_STATUSES.includes(status)) return undefined;
  const days = status === 'certified' ? policy.certifiedDays : policy.endedDays;
  return Math.floor(at.getTime() / 1000) + days * 24 * 3600;
}
