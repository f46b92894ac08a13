import { maskEmail, maskIdNumber, maskMobile } from './registration/personal-data-masking';

/**
 * The last line of PIPL defence: masking by column trusts that an ID number sits in the ID column. A clerk who
 * types one into 备注, or a mobile into the enterprise name, must not see it come back unmasked in a finding, a
 * report workbook or a reply, so every outgoing text is also scrubbed by what the value looks like.
 *
 * The patterns are deliberately shaped, not just "long digit runs": an 18-character ID needs a plausible birth
 * date in positions 7–14, so an all-digit credit code or an amount is not mangled; a mobile needs a mainland
 * prefix (1[3-9]) and may be written with spaces or hyphens, or with +86. Neither is matched inside a longer run of
 * letters and digits (a mobile typed as "Tel13812345678" stays unmasked; "Tel:138…" and "手机138…" are masked).
 */
const ID_NUMBER =
  /(?<![0-9A-Za-z])\d{6}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![0-9A-Za-z])/g;
/** First-generation IDs (15 digits, two-digit year), still printed on old records. */
const OLD_ID_NUMBER = /(?<![0-9A-Za-z])\d{6}\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}(?![0-9A-Za-z])/g;
/**
 * Bounded by letters as well as digits, like the ID number: an identifier we issue (an upload's UUID, its S3 key, a
 * presigned signature) can hold eleven digits in a row or across a hyphen (`d1405678-1042-…`), and a mangled
 * identifier in a reply is an upload that can never be found again.
 */
const MOBILE = /(?<![0-9A-Za-z])(?:(?:\+|00)?86[-\s]?)?1[3-9]\d[-\s]?\d{4}[-\s]?\d{4}(?![0-9A-Za-z])/g;
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;

export interface ScrubOptions {
  /**
   * Email addresses too. Off for API replies, which legitimately carry the programme office's own mailbox; on for
   * everything made from uploaded cells (findings, report workbooks).
   */
  readonly emails?: boolean;
}

/** The text with every ID number and mobile number (and email, when asked) masked; other text unchanged. */
export function scrubPersonalData(text: string, options: ScrubOptions = {}): string {
  let scrubbed = text
    .replace(ID_NUMBER, (match) => maskIdNumber(match))
    .replace(OLD_ID_NUMBER, (match) => maskIdNumber(match))
    .replace(MOBILE, (match) => maskMobile(match.replace(/^(?:\+|00)?86[-\s]?/, '').replace(/[-\s]/g, '')));
  if (options.emails) scrubbed = scrubbed.replace(EMAIL, (match) => maskEmail(match));
  return scrubbed;
}

/** Every string inside a JSON-like value scrubbed; keys are kept (they are field names, never data). */
export function scrubDeep<T>(value: T, options: ScrubOptions = {}): T {
  if (typeof value === 'string') return scrubPersonalData(value, options) as T;
  if (Array.isArray(value)) return value.map((item) => scrubDeep(item, options)) as T;
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, scrubDeep(item, options)])) as T;
  }
  return value;
}
