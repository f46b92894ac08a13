import defaultProgramme2024 from '../../data/programme-2024.json';
import { type Programme, parseProgramme } from '../domain/programme';
import { getItem, putItem } from './registration-store';
import { keys } from './keys';

/** Shipped defaults, by year; staff-edited programmes stored in the table take precedence. */
const DEFAULTS: Record<number, unknown> = { 2024: defaultProgramme2024 };
const CACHE_MS = 60_000;
const cache = new Map<number, { programme: Programme; at: number }>();

export async function loadProgramme(year: number): Promise<Programme | undefined> {
  const hit = cache.get(year);
  if (hit && Date.now() - hit.at < CACHE_MS) return hit.programme;
  const stored = await getItem(keys.programme(year));
  const source = stored?.programme ?? DEFAULTS[year];
  if (!source) return undefined;
  const programme = parseProgramme(source);
  cache.set(year, { programme, at: Date.now() });
  return programme;
}

export async function saveProgramme(programme: Programme): Promise<void> {
  await putItem({ ...keys.programme(programme.year), type: 'programme', programme });
  cache.delete(programme.year);
}

export function defaultProgramme(year: number): Programme | undefined {
  const source = DEFAULTS[year];
  return source ? parseProgramme(source) : undefined;
}

export function clearProgrammeCache(): void {
  cache.clear();
}
