import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CREDIT_CODE_ALPHABET,
  creditCodeCheckChar,
  residentIdCheckChar,
  validateCreditCode,
  validateResidentId,
} from '../../../shared/domain/registration/index';

const digits = (length: number) =>
  fc.array(fc.constantFrom(...'0123456789'), { minLength: length, maxLength: length }).map((a) => a.join(''));

/** Any real birth date 1900–2099 and any region/sequence digits. */
const validId = fc
  .tuple(
    digits(6),
    fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true }),
    digits(3),
  )
  .map(([region, date, sequence]) => {
    const first17 = region + date.toISOString().slice(0, 10).replace(/-/g, '') + sequence;
    return first17 + residentIdCheckChar(first17);
  });

const validCreditCode = fc
  .array(fc.constantFrom(...CREDIT_CODE_ALPHABET), { minLength: 17, maxLength: 17 })
  .map((chars) => chars.join('') + creditCodeCheckChar(chars.join('')));

/** Replace one character by a different one that is not merely its other case (lower-case x is accepted). */
const singleChange = (value: string) =>
  fc
    .tuple(fc.nat({ max: value.length - 1 }), fc.string({ minLength: 1, maxLength: 1, unit: 'binary-ascii' }))
    .filter(([index, char]) => char.toUpperCase() !== (value[index] ?? '').toUpperCase())
    .map(([index, char]) => value.slice(0, index) + char + value.slice(index + 1));

describe('resident ID (GB 11643-1999)', () => {
  it('accepts the notice example, lower-case x, full-width digits and spaces', () => {
    expect(validateResidentId('11010519491231002X')).toEqual({
      ok: true,
      idNumber: '11010519491231002X',
      birthDate: '1949-12-31',
      gender: '女',
    });
    expect(validateResidentId('11010519491231002x').ok).toBe(true);
    expect(validateResidentId('１１０１０５１９４９１２３１００２Ｘ').ok).toBe(true);
    expect(validateResidentId(' 110105 19491231 002X ').ok).toBe(true);
  });

  it.each([
    ['', 'ID_FORMAT'],
    ['110105491231002', 'ID_FORMAT'],
    ['11010519491231002Y', 'ID_FORMAT'],
    ['1101051949123100211', 'ID_FORMAT'],
    ['110105194912310021', 'ID_CHECKSUM'],
    ['11010519491231003X', 'ID_CHECKSUM'],
  ])('%s → %s', (id, code) => {
    expect(validateResidentId(id)).toEqual({ ok: false, code });
  });

  it('rejects impossible birth dates with a correct check character', () => {
    for (const birth of ['19490229', '19491301', '19490001', '18991231']) {
      const first17 = `110105${birth}002`;
      expect(validateResidentId(first17 + residentIdCheckChar(first17))).toEqual({ ok: false, code: 'ID_BIRTHDATE' });
    }
  });

  it('reads gender from the 17th character: odd is male', () => {
    const male = `11010519800101001`;
    expect(validateResidentId(male + residentIdCheckChar(male))).toMatchObject({ ok: true, gender: '男' });
  });

  it('property: generated valid IDs pass', () => {
    fc.assert(fc.property(validId, (id) => validateResidentId(id).ok === true));
  });

  it('property: any single-character change fails', () => {
    fc.assert(
      fc.property(
        validId.chain((id) => singleChange(id)),
        (changed) => validateResidentId(changed).ok === false,
      ),
    );
  });
});

describe('unified social credit code (GB 32100-2015)', () => {
  it('accepts the notice example, lower case and spaces', () => {
    expect(validateCreditCode('91350100M000100Y43')).toEqual({ ok: true, creditCode: '91350100M000100Y43' });
    expect(validateCreditCode('91350100m000100y43').ok).toBe(true);
    expect(validateCreditCode(' 9135 0100 M000 100Y 43').ok).toBe(true);
  });

  it.each([
    ['91350100M000100Y4', 'USCC_FORMAT'],
    ['91350100I000100Y43', 'USCC_FORMAT'],
    ['91350100M000100Y4Z', 'USCC_FORMAT'],
    ['91350100M000100Y44', 'USCC_CHECKSUM'],
    ['91350100M000100Y34', 'USCC_CHECKSUM'],
  ])('%s → %s', (code, expected) => {
    expect(validateCreditCode(code)).toEqual({ ok: false, code: expected });
  });

  it('property: generated valid codes pass', () => {
    fc.assert(fc.property(validCreditCode, (code) => validateCreditCode(code).ok === true));
  });

  it('property: any single-character change fails', () => {
    fc.assert(
      fc.property(
        validCreditCode.chain((code) => singleChange(code)),
        (changed) => validateCreditCode(changed).ok === false,
      ),
    );
  });
});
