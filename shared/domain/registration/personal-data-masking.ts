/**
 * PIPL: ID numbers, phone numbers and email addresses never appear unmasked in findings, messages or logs.
 * The masks keep just enough for a clerk to find the row (region and last digits), as the notice's own forms do.
 */
function maskMiddle(value: string, keepStart: number, keepEnd: number): string {
  const chars = Array.from(value);
  if (chars.length <= keepStart + keepEnd) return '*'.repeat(Math.max(chars.length, 4));
  return (
    chars.slice(0, keepStart).join('') +
    '*'.repeat(Math.max(4, chars.length - keepStart - keepEnd)) +
    chars.slice(-keepEnd).join('')
  );
}

/** 11010519491231002X → 110105********002X; anything shorter is masked all the same. */
export function maskIdNumber(value: string): string {
  const length = Array.from(value).length;
  if (length === 18) return maskMiddle(value, 6, 4);
  // Malformed values can be near-complete IDs too: hide at least the birth-date-sized middle.
  if (length >= 14) return maskMiddle(value, 4, 2);
  return maskMiddle(value, 1, 1);
}

/** 13812341234 → 138****1234 */
export function maskMobile(value: string): string {
  const chars = Array.from(value);
  if (chars.length === 11) return maskMiddle(value, 3, 4);
  if (chars.length >= 8) return maskMiddle(value, 3, 3);
  return maskMiddle(value, 1, 1);
}

/** Office phones are still personal contact data: keep the area code and the last two digits. */
export function maskPhone(value: string): string {
  return Array.from(value).length >= 7 ? maskMiddle(value, 4, 2) : maskMiddle(value, 1, 1);
}

/** zhangsan@example.com → z***@example.com */
export function maskEmail(value: string): string {
  const at = value.lastIndexOf('@');
  if (at <= 0) return `${Array.from(value)[0] ?? ''}***`;
  return `${Array.from(value)[0]}***${value.slice(at)}`;
}
