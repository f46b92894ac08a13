import { residentIdCheckChar } from '../../../shared/domain/registration/index';

/**
 * What of a person's raw data a text holds: any of the known values (the fixtures' ID numbers and mobiles, the
 * oracle), and any other 18-character resident ID whose check character is right (a value the test did not plant).
 * Found values are reported masked, so the report of a leak is no leak itself.
 */
export function personalDataIn(text: string, known: readonly string[]): string[] {
  const found = new Set<string>();
  for (const value of known) {
    if (value && text.includes(value)) found.add(value);
  }
  for (const match of text.matchAll(/(?<![0-9A-Za-z])(\d{17})([\dXx])(?![0-9A-Za-z])/g)) {
    const [whole, first17, check] = match as unknown as [string, string, string];
    if (residentIdCheckChar(first17) === check.toUpperCase()) found.add(whole);
  }
  return [...found].map((value) => `${value.slice(0, 3)}…${value.slice(-2)} (${value.length} characters)`);
}
