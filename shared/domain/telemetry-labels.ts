/**
 * What may label a metric dimension or a trace annotation: ids, codes, unit codes, status, step and kind names.
 * Dashboards and traces are read far more widely than the table, so anything that could be personal — a resident
 * ID number, a phone number, an email address, a name — must never become a label, even by a caller's mistake.
 */

/** Ids and codes are ASCII words: no '@' (emails), no spaces or CJK (names), nothing longer than an id. */
const LABEL_SHAPE = /^[A-Za-z0-9][A-Za-z0-9._:#/-]{0,79}$/;
/**
 * A value that is only digits (with the separators people type) and has seven or more of them is a phone or
 * resident ID number (the ID may end in X). Unit codes have six digits; ids always carry letters.
 */
const NUMBER_LIKE = /^\d{7,}[\dXx]?$/;

/** Upload ids are UUIDs, which may by chance be all digits once their hyphens are gone. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The value as a label, or undefined when it is not shaped like an id or code. */
export function telemetryLabel(value: string | number): string | undefined {
  const text = String(value);
  if (!LABEL_SHAPE.test(text)) return undefined;
  if (!UUID.test(text) && NUMBER_LIKE.test(text.replace(/[\s+()-]/g, ''))) return undefined;
  return text;
}
