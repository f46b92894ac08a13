import type { Registration } from '../domain/trainee-registration';
import { INTERNAL_CALLER } from './cursor';
import { listRegistrations } from './registration-queries';

/** Every trainee a class holds (a roster is at most the class's capacity), in registration-id order. */
export async function listClassRoster(year: number, classNumber: number): Promise<Registration[]> {
  const roster: Registration[] = [];
  let cursor: string | undefined;
  do {
    const page = await listRegistrations({ year, classNumber, cursor, limit: 200, caller: INTERNAL_CALLER });
    roster.push(...page.items);
    cursor = page.next ?? undefined;
  } while (cursor);
  return roster;
}
