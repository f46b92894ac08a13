import pLimit from 'p-limit';
import type { Registration } from '../domain/trainee-registration';
import { INTERNAL_CALLER } from './cursor';
import { type ListQuery, listRegistrations } from './registration-queries';
import { getRegistration } from './registration-store';

/** A page of the list's own Query: an export reads what the list reads, page after page, never a Scan. */
const PAGE = 200;
/** GetItems in flight at once: enough to export a year in seconds, few enough not to spike the table's reads. */
const CONCURRENT_READS = 8;

/** Every registration the list's filters match, read from the same index the list uses (masked values only). */
export async function listAllRegistrations(
  query: Omit<ListQuery, 'cursor' | 'limit' | 'caller'>,
): Promise<Registration[]> {
  const all: Registration[] = [];
  let cursor: string | undefined;
  do {
    const page = await listRegistrations({ ...query, cursor, limit: PAGE, caller: INTERNAL_CALLER });
    all.push(...page.items);
    cursor = page.next ?? undefined;
  } while (cursor);
  return all;
}

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
