import { NATIONAL_DIVISION_PREFIX, PROVINCE_LEVEL_CODES } from './division-codes';
import { withoutSpaces } from './normalise-text';

/** GB 32100-2015 unified social credit code: 18 characters, the last a mod-31 check over the first 17. */
const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;
const FORMAT = /^[0-9A-HJ-NP-RTUW-Y]{18}$/;

/**
 * Registration authority (character 1) → its institution categories (character 2), from GB 32100-2015 Annex A
 * and the categories the authorities have added since (codes are assigned, never withdrawn, so the table only grows).
 */
export const REGISTRATION_CATEGORIES: ReadonlyMap<string, { readonly authority: string; readonly categories: string }> =
  new Map([
    ['1', { authority: '机构编制', categories: '1239' }],
    ['2', { authority: '外交', categories: '19' }],
    ['3', { authority: '司法行政', categories: '1234569' }],
    ['4', { authority: '文化', categories: '19' }],
    ['5', { authority: '民政', categories: '123459' }],
    ['6', { authority: '旅游', categories: '129' }],
    ['7', { authority: '宗教', categories: '129' }],
    ['8', { authority: '工会', categories: '129' }],
    ['9', { authority: '工商（市场监管）', categories: '1239' }],
    ['A', { authority: '中央军委改革和编制办公室', categories: '19' }],
    ['G', { authority: '公安', categories: '19' }],
    ['J', { authority: '住房和城乡建设', categories: '19' }],
    ['N', { authority: '农业农村', categories: '1239' }],
    ['Q', { authority: '侨联', categories: '1239' }],
    ['Y', { authority: '其他', categories: '1' }],
  ]);

/** 9 + 1 企业, 9 + 2 个体工商户, 9 + 3 农民专业合作社: what a market-regulation registration of a business looks like. */
const ENTERPRISE_PREFIXES = new Set(['91', '92', '93']);

export type CreditCodeProblem = 'USCC_FORMAT' | 'USCC_CHECKSUM' | 'USCC_CATEGORY' | 'USCC_REGION';

export type CreditCodeResult =
  | {
      readonly ok: true;
      readonly creditCode: string;
      /** False when characters 1–2 name a registration other than a business's (a warning for the reviewer). */
      readonly enterprise: boolean;
    }
  | { readonly ok: false; readonly code: CreditCodeProblem };

/** The check character for the first 17 characters (all of them from the code's alphabet). */
export function creditCodeCheckChar(first17: string): string {
  let sum = 0;
  // Stryker disable next-line StringLiteral: callers pass 17 characters (validateCreditCode, after the 18-character format check), so the fallback for a missing character is never taken
  for (let index = 0; index < 17; index++) sum += ALPHABET.indexOf(first17[index] ?? '') * (WEIGHTS[index] ?? 0);
  // Stryker disable next-line StringLiteral: the index is 0–30, always a character of the 31-character alphabet
  return ALPHABET[(31 - (sum % 31)) % 31] ?? '';
}

/**
 * Format, then check character (a mistyped character is the likeliest error and has its own message), then the
 * structure: authority and category from the table, characters 3–8 a division code of a real province (or 100000).
 */
export function validateCreditCode(raw: string): CreditCodeResult {
  const creditCode = withoutSpaces(raw).toUpperCase();
  if (!FORMAT.test(creditCode)) return { ok: false, code: 'USCC_FORMAT' };
  if (creditCodeCheckChar(creditCode) !== creditCode[17]) return { ok: false, code: 'USCC_CHECKSUM' };
  // Stryker disable next-line StringLiteral: the code has passed the 18-character format check, so character 1 exists
  const registration = REGISTRATION_CATEGORIES.get(creditCode[0] ?? '');
  if (!registration?.categories.includes(creditCode[1] ?? '')) return { ok: false, code: 'USCC_CATEGORY' };
  const division = creditCode.slice(2, 8);
  const province = division.slice(0, 2);
  if (!/^\d{6}$/.test(division) || !(PROVINCE_LEVEL_CODES.has(province) || province === NATIONAL_DIVISION_PREFIX)) {
    return { ok: false, code: 'USCC_REGION' };
  }
  return { ok: true, creditCode, enterprise: ENTERPRISE_PREFIXES.has(creditCode.slice(0, 2)) };
}

/** How the registration in characters 1–2 reads, for a reviewer's message: "民政 · 类别 1". */
export function describeRegistration(creditCode: string): string {
  // Stryker disable next-line StringLiteral: without a character 1, '' and any other fallback both find no authority
  const registration = REGISTRATION_CATEGORIES.get(creditCode[0] ?? '');
  return `${registration?.authority ?? creditCode[0]}登记（机构类别 ${creditCode[1] ?? ''}）`;
}

export const CREDIT_CODE_ALPHABET = ALPHABET;
