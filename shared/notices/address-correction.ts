import { systemClock } from '../adapters/clock';
import { historyPut } from '../adapters/history-store';
import { keys } from '../adapters/keys';
import { logger } from '../adapters/logger';
import { clearUndeliverable, undeliverableMark } from '../adapters/notice-log';
import { getItem, getRegistration, updateRegistrationItem, writeTransaction } from '../adapters/registration-store';
import { addressHash } from '../domain/notices';

/**
 * A unit re-uploads a trainee it already registered, with another email: when the registered address was marked
 * undeliverable, the new one replaces it and the mark is cleared, so later notices reach the trainee. Any other
 * re-upload changes nothing (the row stays a duplicate). True when the address was corrected.
 */
export async function correctUndeliverableAddress(
  year: number,
  unit: string,
  creditCode: string,
  email: string,
  by: string,
): Promise<boolean> {
  const lock = await getItem(keys.enterpriseLock(year, creditCode));
  const registrationId = typeof lock?.registrationId === 'string' ? lock.registrationId : undefined;
  if (!registrationId) return false;
  const registration = await getRegistration(registrationId);
  if (!registration || registration.unit !== unit) return false;
  if (addressHash(registration.trainee.email) === addressHash(email)) return false;
  const mark = await undeliverableMark({ registrationId }, registration.trainee.email);
  if (!mark) return false;
  const now = systemClock.now();
  await writeTransaction([
    updateRegistrationItem(registration, { trainee: { ...registration.trainee, email }, updatedAt: now.toISOString() }),
    historyPut(registrationId, {
      at: now.toISOString(),
      kind: 'address-corrected',
      by,
      reason: mark.reason,
    }),
  ]);
  await clearUndeliverable({ registrationId }, mark.addressHash);
  logger.info('Undeliverable trainee address corrected by re-upload', { registrationId });
  return true;
}
