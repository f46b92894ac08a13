/**
 * Check characters computed independently of shared/domain, so fixtures and property tests do not take their
 * expected values from the code they test. Each follows a different formulation from the production code:
 *
 * - GB 11643-1999: python-stdnum's form (stdnum/cn/ric.py): the 17 digits read as one base-13 number N, check =
 *   (1 − 2N) mod 11, 10 written X. It equals the weighted sum of the standard because 2·13^k ≡ −W_k (mod 11).
 * - GB 32100-2015: the weights derived as 3^i mod 31 (the standard's definition) rather than copied, and the
 *   31-character alphabet derived by dropping I, O, S, V, Z from A–Z.
 */
export function residentIdCheckOracle(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new Error('17 digits expected');
  const n = [...first17].reduce((acc, digit) => acc * 13n + BigInt(digit), 0n);
  const check = (((1n - 2n * n) % 11n) + 11n) % 11n;
  return check === 10n ? 'X' : String(check);
}

const USCC_ALPHABET = [
  ...'0123456789',
  ...Array.from({ length: 26 }, (_, i) => String.fromCharCode(65 + i)).filter((c) => !'IOSVZ'.includes(c)),
];

export function creditCodeCheckOracle(first17: string): string {
  let total = 0;
  let weight = 1;
  for (const char of first17) {
    const value = USCC_ALPHABET.indexOf(char);
    if (value < 0) throw new Error(`not in the alphabet: ${char}`);
    total += value * weight;
    weight = (weight * 3) % 31;
  }
  return USCC_ALPHABET[(31 - (total % 31)) % 31] as string;
}

export const CREDIT_CODE_ORACLE_ALPHABET: readonly string[] = USCC_ALPHABET;
