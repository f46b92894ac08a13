import { withoutSpaces } from './normalise-text';

/** GB 32100-2015 unified social credit code: 18 characters, the last a mod-31 check over the first 17. */
const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;
const FORMAT = /^[0-9A-HJ-NP-RTUW-Y]{18}$/;

export type CreditCodeResult =
  | { readonly ok: true; readonly creditCode: string }
  | { readonly ok: false; readonly code: 'USCC_FORMAT' | 'USCC_CHECKSUM' };

/** The check character for the first 17 characters (all of them from the code's alphabet). */
export function creditCodeCheckChar(first17: string): string {
  let sum = 0;
  for (let index = 0; index < 17; index++) sum += ALPHABET.indexOf(first17[index] ?? '') * (WEIGHTS[index] ?? 0);
  return ALPHABET[(31 - (sum % 31)) % 31] ?? '';
}

export function validateCreditCode(raw: string): CreditCodeResult {
  const creditCode = withoutSpaces(raw).toUpperCase();
  if (!FORMAT.test(creditCode)) return { ok: false, code: 'USCC_FORMAT' };
  if (creditCodeCheckChar(creditCode) !== creditCode[17]) return { ok: false, code: 'USCC_CHECKSUM' };
  return { ok: true, creditCode };
}

export const CREDIT_CODE_ALPHABET = ALPHABET;
