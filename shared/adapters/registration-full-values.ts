import pLimit from 'p-limit';
import type { Registration } from '../domain/trainee-registration';
import { getRegistration } from './registration-store';

/** GetItems in flight at once: enough to export a year in seconds, few enough not to spike the table's reads. */
const CONCURRENT_READS = 8;

/**
 * The same registrations read by key, with the ID number, mobile and email that no index holds. One GetItem per
 * registration (the roles are granted no batch operation); one that vanished since the list was read is left out.
 */
export async function withFullPersonalValues(registrations: readonly Registration[]): Promise<Registration[]> {
  const limit = pLimit(CONCURRENT_READS);
  const read = await Promise.all(
    registrations.map((registration) => limit(() => getRegistration(registration.registrationId))),
  );
  return read.filter((registration): registration is Registration => registration !== undefined);
}
