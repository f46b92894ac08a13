import { PROVINCE_LEVEL_CODES, RESIDENCE_PERMIT_PREFIXES } from './division-codes';
import { withoutSpaces } from './normalise-text';

/** GB 11643-1999 citizen identity number: 6-digit region, 8-digit birth date, 3-digit sequence, check character. */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARS = '10X98765432';

export type ResidentIdProblem = 'ID_FORMAT' | 'ID_CHECKSUM' | 'ID_REGION' | 'ID_BIRTHDATE';

export type ResidentIdResult =
  | { readonly ok: true; readonly idNumber: string; readonly birthDate: string; readonly gender: '男' | '女' }
  | { readonly ok: false; readonly code: ResidentIdProblem };

/** The check character for the first 17 digits. */
export function residentIdCheckChar(first17: string): string {
  let sum = 0;
  for (let index = 0; index < 17; index++) sum += Number(first17[index]) * (WEIGHTS[index] ?? 0);
  return CHECK_CHARS[sum % 11] ?? '';
}

/** True when y-m-d is a date that exists in the Gregorian calendar. */
export function isRealDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/**
 * Checks format, then the check character (which catches any single mistyped digit), then the address code's
 * province, then the embedded birth date. Full-width digits, spaces and a lower-case x are accepted, as the
 * notice's forms are filled by hand. The county part is deliberately not checked: a number keeps the county code of
 * when it was issued, and codes are retired and reassigned over the years.
 */
export function validateResidentId(raw: string): ResidentIdResult {
  const idNumber = withoutSpaces(raw).toUpperCase();
  if (!/^\d{17}[\dX]$/.test(idNumber)) return { ok: false, code: 'ID_FORMAT' };
  if (residentIdCheckChar(idNumber) !== idNumber[17]) return { ok: false, code: 'ID_CHECKSUM' };
  const province = idNumber.slice(0, 2);
  if (!PROVINCE_LEVEL_CODES.has(province) && !RESIDENCE_PERMIT_PREFIXES.has(province)) {
    return { ok: false, code: 'ID_REGION' };
  }
  const year = Number(idNumber.slice(6, 10));
  const month = Number(idNumber.slice(10, 12));
  const day = Number(idNumber.slice(12, 14));
  if (year < 1900 || !isRealDate(year, month, day)) return { ok: false, code: 'ID_BIRTHDATE' };
  const gender = Number(idNumber[16]) % 2 === 1 ? '男' : '女';
  return {
    ok: true,
    idNumber,
    birthDate: `${idNumber.slice(6, 10)}-${idNumber.slice(10, 12)}-${idNumber.slice(12, 14)}`,
    gender,
  };
}

/**
 * An SME's leader is an adult of working age; outside this range the number is more likely someone else's (a
 * child's, a parent's) than the trainee's, so the reviewer is asked to look (a warning, not a refusal).
 */
export const PLAUSIBLE_AGE = { min: 18, max: 75 } as const;

export type BirthDateProblem = 'ID_BIRTH_FUTURE' | 'ID_AGE_UNUSUAL';

/** Full years between two YYYY-MM-DD dates (a birthday on 29 February is reached on 1 March in common years). */
export function ageOn(birthDate: string, today: string): number {
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = today.split('-').map(Number) as [number, number, number];
  return ty - by - (tm < bm || (tm === bm && td < bd) ? 1 : 0);
}

/** Judges a valid number's birth date against programme time ("today" in Asia/Shanghai, YYYY-MM-DD). */
export function birthDateProblem(birthDate: string, today: string): BirthDateProblem | null {
  if (birthDate > today) return 'ID_BIRTH_FUTURE';
  const age = ageOn(birthDate, today);
  return age < PLAUSIBLE_AGE.min || age > PLAUSIBLE_AGE.max ? 'ID_AGE_UNUSUAL' : null;
}
