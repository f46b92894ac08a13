import { normaliseText, withoutSpaces } from './normalise-text';

/**
 * Mainland mobile numbers: 11 digits starting 13–19. Clerks write them as 138-1234-5678, 138 1234 5678,
 * +86 13812345678 or 0086…, all of which are the same number.
 */
export function normaliseMobile(raw: string): string | null {
  let digits = withoutSpaces(raw).replace(/[-–—()（）.]/g, '');
  if (digits.startsWith('+86')) digits = digits.slice(3);
  else if (digits.startsWith('0086')) digits = digits.slice(4);
  else if (digits.length === 13 && digits.startsWith('86')) digits = digits.slice(2);
  return /^1[3-9]\d{9}$/.test(digits) ? digits : null;
}

/** Landlines with area code and optional extension: 010-12345678, (0571)8888 8888, 0755-1234567 转 801. */
export function normaliseOfficePhone(raw: string): string | null {
  const phone = normaliseText(raw)
    .replace(/\s*(转|ext\.?|x)\s*/i, '-')
    .replace(/\s+/g, '');
  if (normaliseMobile(phone)) return normaliseMobile(phone);
  return /^(\+?86-?)?\(?0\d{2,3}\)?-?\d{7,8}(-\d{1,6})?$/.test(phone) || /^400-?\d{3}-?\d{4}$/.test(phone)
    ? phone
    : null;
}

/** Deliberately simple: one @, a dotted domain, no spaces. The real check is that the notice email arrives. */
export function normaliseEmail(raw: string): string | null {
  // Stryker disable next-line StringLiteral: withoutSpaces already turns the full-width ＠ into @ (toHalfWidth).
  const email = withoutSpaces(raw).replace(/＠/g, '@');
  if (email.length > 254) return null;
  return /^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$/.test(email) && !email.includes('..')
    ? email.toLowerCase()
    : null;
}
