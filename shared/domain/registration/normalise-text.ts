/**
 * Clerks type in Chinese input methods, so digits, letters and spaces often arrive full-width (１２３ＡＢＣ, U+3000),
 * and cells pasted from Word or web pages carry no-break and zero-width spaces.
 */
const ZERO_WIDTH = /[\u200B-\u200D\u2060\uFEFF]/g;
const ANY_SPACE = /[\s\u00A0\u3000]+/g;

/** Full-width ASCII (U+FF01–U+FF5E) and the ideographic space become their half-width forms; nothing else changes. */
export function toHalfWidth(text: string): string {
  return text.replace(/[\uFF01-\uFF5E\u3000]/g, (char) =>
    char === '\u3000' ? ' ' : String.fromCharCode(char.charCodeAt(0) - 0xfee0),
  );
}

/** For codes, numbers, choices and headers: half-width, trimmed, inner whitespace collapsed to one space. */
export function normaliseText(text: string): string {
  return toHalfWidth(text.replace(ZERO_WIDTH, '')).replace(ANY_SPACE, ' ').trim();
}

/**
 * For names and free text shown back to people (enterprise names keep their full-width brackets, which are part of
 * the registered name): only whitespace is tidied.
 */
export function tidyText(text: string): string {
  return text.replace(ZERO_WIDTH, '').replace(ANY_SPACE, ' ').trim();
}

/** Removes every whitespace character: for values where a space is never meaningful (IDs, codes, phone numbers). */
export function withoutSpaces(text: string): string {
  return normaliseText(text).replace(/ /g, '');
}

const CJK = '\\u3400-\\u9FFF\\uF900-\\uFAFF';
const SPACE_BETWEEN_CJK = new RegExp(`(?<=[${CJK}])\\s+(?=[${CJK}])`, 'g');

/**
 * Two-character Chinese names are often padded to line up in printed lists ("张  三"); that padding is not part of
 * the name. Spaces in Latin-script or transliterated names are kept.
 */
export function normalisePersonName(text: string): string {
  return tidyText(text).replace(SPACE_BETWEEN_CJK, '');
}
