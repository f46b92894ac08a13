/** LJRC-<year>-<class 2 digits>-<4-digit sequence> (DOMAIN.md). */
export function certificateNumber(year: number, classNumber: number, sequence: number): string {
  if (sequence < 1 || sequence > 9999) throw new RangeError(`certificate sequence out of range: ${sequence}`);
  return `LJRC-${year}-${String(classNumber).padStart(2, '0')}-${String(sequence).padStart(4, '0')}`;
}

/** Unambiguous characters only (no 0/O, 1/I/L), so a code read off paper can be typed back. */
export const VERIFICATION_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
