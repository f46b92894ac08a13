import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ageOn,
  birthDateProblem,
  validateCreditCode,
  validateResidentId,
} from '../../../shared/domain/registration/index';
import {
  STDNUM_RIC,
  STDNUM_USCC_CASES,
  STDNUM_USCC_FOUND_ONLINE,
  type StdnumVerdict,
} from '../../fixtures/reference-numbers';
import {
  CREDIT_CODE_ORACLE_ALPHABET,
  creditCodeCheckOracle,
  residentIdCheckOracle,
} from '../../support/check-char-oracles';

/**
 * Expected values come from outside shared/domain: check characters from test/support/check-char-oracles.ts (a
 * different formulation), verdicts from python-stdnum's published test numbers, and the code tables typed from the
 * standards below — not imported from the module under test.
 */

/** GB/T 2260 province-level codes (34, with 71 Taiwan, 81 Hong Kong, 82 Macao) and 83 of Taiwan residence permits. */
// biome-ignore format: a table
const GB_T_2260_PROVINCES = [
  '11', '12', '13', '14', '15', '21', '22', '23', '31', '32', '33', '34', '35', '36', '37', '41', '42', '43', '44',
  '45', '46', '50', '51', '52', '53', '54', '61', '62', '63', '64', '65', '71', '81', '82',
];
const ID_PREFIXES = new Set([...GB_T_2260_PROVINCES, '83']);

/** GB 32100-2015 Annex A, with the categories added by later notices (see docs/domain-rules.md). */
// biome-ignore format: a table
const GB_32100_REGISTRATIONS = [
  '11', '12', '13', '19', '21', '29', '31', '32', '33', '34', '35', '36', '39', '41', '49', '51', '52', '53', '54',
  '55', '59', '61', '62', '69', '71', '72', '79', '81', '82', '89', '91', '92', '93', '99', 'A1', 'A9', 'G1', 'G9',
  'J1', 'J9', 'N1', 'N2', 'N3', 'N9', 'Q1', 'Q2', 'Q3', 'Q9', 'Y1',
];

const digits = (length: number) =>
  fc.array(fc.constantFrom(...'0123456789'), { minLength: length, maxLength: length }).map((a) => a.join(''));

const withIdCheck = (first17: string) => first17 + residentIdCheckOracle(first17);
const withCodeCheck = (first17: string) => first17 + creditCodeCheckOracle(first17);

/** Any real birth date 1900–2099, an address code in a real province, any county and sequence digits. */
const validId = fc
  .tuple(
    fc.constantFrom(...ID_PREFIXES),
    digits(4),
    fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true }),
    digits(3),
  )
  .map(([province, county, date, sequence]) =>
    withIdCheck(province + county + date.toISOString().slice(0, 10).replace(/-/g, '') + sequence),
  );

const validCreditCode = fc
  .tuple(
    fc.constantFrom(...GB_32100_REGISTRATIONS),
    fc.constantFrom(...GB_T_2260_PROVINCES, '10'),
    digits(4),
    fc.array(fc.constantFrom(...CREDIT_CODE_ORACLE_ALPHABET), { minLength: 9, maxLength: 9 }),
  )
  .map(([registration, province, rest, organisation]) =>
    withCodeCheck(registration + province + rest + organisation.join('')),
  );

/** Replace one character by a different one that is not merely its other case (lower-case x is accepted). */
const singleChange = (value: string) =>
  fc
    .tuple(fc.nat({ max: value.length - 1 }), fc.string({ minLength: 1, maxLength: 1, unit: 'binary-ascii' }))
    .filter(([index, char]) => char.toUpperCase() !== (value[index] ?? '').toUpperCase())
    .map(([index, char]) => value.slice(0, index) + char + value.slice(index + 1));

/** What our resident-ID check answers where python-stdnum answers `verdict`, for the same kind of fault. */
const RIC_AGREEMENT: Record<StdnumVerdict, string | undefined> = {
  valid: undefined,
  InvalidFormat: 'ID_FORMAT',
  InvalidLength: 'ID_FORMAT',
  InvalidChecksum: 'ID_CHECKSUM',
  InvalidComponent: undefined, // a bad date or a bad place: told apart by the note, below
};

describe('resident ID (GB 11643-1999) against python-stdnum’s test numbers', () => {
  const agreeing = STDNUM_RIC.filter(
    (c) => !c.note.includes('in the birth year') && !c.note.includes('before the birth'),
  );

  it.each(agreeing.map((c) => [c.number, c.stdnum, c.note] as const))('%s: stdnum %s (%s)', (number, verdict, note) => {
    const result = validateResidentId(number);
    if (verdict === 'valid') {
      expect(result).toMatchObject({ ok: true, idNumber: number.toUpperCase() });
      return;
    }
    const expected =
      RIC_AGREEMENT[verdict] ??
      (note.includes('birth place') ? 'ID_REGION' : note.includes('month') ? 'ID_BIRTHDATE' : '');
    expect(result).toEqual({ ok: false, code: expected });
  });

  it('reads birth date and gender as stdnum does', () => {
    expect(validateResidentId('360426199101010071')).toMatchObject({ birthDate: '1991-01-01', gender: '男' });
    expect(validateResidentId('44011320141005001x')).toMatchObject({ birthDate: '2014-10-05', gender: '男' });
  });

  describe('deliberate differences from python-stdnum', () => {
    it('accepts a county code not yet assigned in the birth year (110111, born 1980), which stdnum refuses', () => {
      const reference = STDNUM_RIC.find((c) => c.number === '110111198012010078');
      expect(reference?.stdnum).toBe('InvalidComponent');
      expect(validateResidentId('110111198012010078')).toMatchObject({ ok: true });
    });

    it('accepts a county code retired before the birth year (110201, born 1993), which stdnum refuses', () => {
      const reference = STDNUM_RIC.find((c) => c.number === '110201199312010077');
      expect(reference?.stdnum).toBe('InvalidComponent');
      expect(validateResidentId('110201199312010077')).toMatchObject({ ok: true });
    });

    it('warns about the age of a valid number stdnum accepts without comment (born 2014)', () => {
      expect(validateResidentId('44011320141005001X').ok).toBe(true);
      expect(birthDateProblem('2014-10-05', '2024-08-24')).toBe('ID_AGE_UNUSUAL');
    });
  });
});

describe('resident ID (GB 11643-1999) rules', () => {
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

  it('address code: accepted exactly when its first two digits are a province-level code or 83', () => {
    for (let prefix = 0; prefix < 100; prefix++) {
      const two = String(prefix).padStart(2, '0');
      const id = withIdCheck(`${two}0101199001010${two === '83' ? '1' : '2'}3`);
      const result = validateResidentId(id);
      if (ID_PREFIXES.has(two)) expect(result, two).toMatchObject({ ok: true });
      else expect(result, two).toEqual({ ok: false, code: 'ID_REGION' });
    }
  });

  it.each([
    ['000000', 'all zeros'],
    ['990426', 'the 99 of stdnum’s test'],
    ['100000', 'the national prefix of credit codes is no birth place'],
    ['660000', 'the Corps’ conventional unit code is not an address code'],
  ])('refuses address code %s (%s)', (region) => {
    expect(validateResidentId(withIdCheck(`${region}19800101002`))).toEqual({ ok: false, code: 'ID_REGION' });
  });

  it.each([
    ['810000', 'Hong Kong resident'],
    ['820000', 'Macao resident'],
    ['830000', 'Taiwan residence permit'],
    ['710000', 'Taiwan (GB/T 2260)'],
    ['659001', 'a county-level city of the Corps (Xinjiang 65)'],
  ])('accepts address code %s (%s)', (region) => {
    expect(validateResidentId(withIdCheck(`${region}19800101002`))).toMatchObject({ ok: true });
  });

  it('rejects impossible birth dates with a correct check character', () => {
    for (const birth of ['19490229', '19491301', '19490001', '18991231']) {
      expect(validateResidentId(withIdCheck(`110105${birth}002`))).toEqual({ ok: false, code: 'ID_BIRTHDATE' });
    }
  });

  it('reads gender from the 17th character: odd is male', () => {
    expect(validateResidentId(withIdCheck('11010519800101001'))).toMatchObject({ ok: true, gender: '男' });
    expect(validateResidentId(withIdCheck('11010519800101002'))).toMatchObject({ ok: true, gender: '女' });
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

describe('birth date against programme time', () => {
  const today = '2024-08-24';
  it.each([
    ['2024-08-25', 'ID_BIRTH_FUTURE', 'tomorrow'],
    ['2030-01-01', 'ID_BIRTH_FUTURE', 'years ahead'],
    ['2024-08-24', 'ID_AGE_UNUSUAL', 'born today'],
    ['2006-08-25', 'ID_AGE_UNUSUAL', '17, the day before turning 18'],
    ['2006-08-24', null, '18 today'],
    ['1975-06-01', null, '49'],
    ['1949-08-24', null, '75 today'],
    ['1948-08-25', null, '75, turning 76 tomorrow'],
    ['1948-08-24', 'ID_AGE_UNUSUAL', '76 today'],
    ['1930-01-01', 'ID_AGE_UNUSUAL', '94'],
  ] as const)('born %s → %s (%s)', (birthDate, expected, _why) => {
    expect(birthDateProblem(birthDate, today)).toBe(expected);
  });

  it('counts a 29 February birthday as reached on 1 March of a common year', () => {
    expect(ageOn('2000-02-29', '2018-02-28')).toBe(17);
    expect(ageOn('2000-02-29', '2018-03-01')).toBe(18);
  });
});

describe('unified social credit code (GB 32100-2015) against python-stdnum’s test numbers', () => {
  it.each(STDNUM_USCC_FOUND_ONLINE)('%s is valid', (number) => {
    expect(validateCreditCode(number)).toEqual({
      ok: true,
      creditCode: number,
      enterprise: ['91', '92', '93'].includes(number.slice(0, 2)),
    });
  });

  it('includes non-enterprise registrations, flagged for the reviewer', () => {
    expect(STDNUM_USCC_FOUND_ONLINE.filter((n) => validateCreditCode(n).ok && !n.startsWith('9'))).toEqual([
      '121200004013590816',
    ]);
    expect(validateCreditCode('121200004013590816')).toMatchObject({ ok: true, enterprise: false });
  });

  it.each(STDNUM_USCC_CASES.map((c) => [c.number, c.stdnum] as const))('%s: stdnum %s', (number, verdict) => {
    const expected: Record<StdnumVerdict, unknown> = {
      valid: { ok: true, creditCode: number.replace(/ /g, ''), enterprise: true },
      InvalidLength: { ok: false, code: 'USCC_FORMAT' },
      InvalidFormat: { ok: false, code: number.startsWith('A') ? 'USCC_CHECKSUM' : 'USCC_FORMAT' },
      InvalidChecksum: { ok: false, code: 'USCC_CHECKSUM' },
      InvalidComponent: undefined,
    };
    expect(validateCreditCode(number)).toEqual(expected[verdict]);
  });

  describe('deliberate differences from python-stdnum', () => {
    it('refuses authority/category pairs outside the standard’s table, whose first 8 characters stdnum accepts as digits', () => {
      for (const registration of ['00', '10', '94', '98', '40']) {
        const code = withCodeCheck(`${registration}110000MA0000001`);
        expect(/^\d{8}/.test(code), code).toBe(true);
        expect(validateCreditCode(code), code).toEqual({ ok: false, code: 'USCC_CATEGORY' });
      }
    });

    it('refuses a division code of no province, which stdnum accepts', () => {
      expect(validateCreditCode(withCodeCheck('91990000MA0000001'))).toEqual({ ok: false, code: 'USCC_REGION' });
      expect(validateCreditCode(withCodeCheck('91000000MA0000001'))).toEqual({ ok: false, code: 'USCC_REGION' });
    });

    it('reads A1… (stdnum: InvalidFormat) as a possible registration whose check character is wrong', () => {
      expect(validateCreditCode('A1110000600037341L')).toEqual({ ok: false, code: 'USCC_CHECKSUM' });
      expect(validateCreditCode(withCodeCheck('A1110000600037341'))).toMatchObject({ ok: true, enterprise: false });
    });
  });
});

describe('unified social credit code (GB 32100-2015) rules', () => {
  it('accepts the notice example, lower case and spaces', () => {
    expect(validateCreditCode('91350100M000100Y43')).toEqual({
      ok: true,
      creditCode: '91350100M000100Y43',
      enterprise: true,
    });
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

  it.each([
    ['AAAAAAAAAAAAAAAAAK', 'USCC_CATEGORY'],
    ['9A110000600037341Q', 'USCC_CATEGORY'],
    ['91AB0000600037341A', 'USCC_REGION'],
  ])('the issue’s %s: right check character, wrong structure → %s', (code, expected) => {
    expect(creditCodeCheckOracle(code.slice(0, 17))).toBe(code[17]);
    expect(validateCreditCode(code)).toEqual({ ok: false, code: expected });
  });

  it('authority and category: accepted exactly for the pairs of the standard’s table', () => {
    for (const first of CREDIT_CODE_ORACLE_ALPHABET) {
      for (const second of CREDIT_CODE_ORACLE_ALPHABET) {
        const result = validateCreditCode(withCodeCheck(`${first}${second}350100MA0000001`));
        if (GB_32100_REGISTRATIONS.includes(first + second)) expect(result, first + second).toMatchObject({ ok: true });
        else expect(result, first + second).toEqual({ ok: false, code: 'USCC_CATEGORY' });
      }
    }
  });

  it.each([
    ['91', true, '企业'],
    ['92', true, '个体工商户'],
    ['93', true, '农民专业合作社'],
    ['99', false, '工商 其他'],
    ['11', false, '机关'],
    ['12', false, '事业单位'],
    ['51', false, '社会团体'],
    ['52', false, '民办非企业单位'],
    ['N2', false, '村级集体经济组织'],
    ['Y1', false, '其他'],
  ])('%s… is an enterprise registration: %s (%s)', (registration, enterprise) => {
    expect(validateCreditCode(withCodeCheck(`${registration}440300MA0000001`))).toMatchObject({ ok: true, enterprise });
  });

  it('division code: six digits starting with a province-level code, or 100000 (national registration)', () => {
    for (let prefix = 0; prefix < 100; prefix++) {
      const two = String(prefix).padStart(2, '0');
      const result = validateCreditCode(withCodeCheck(`91${two}0000MA0000001`));
      if ([...GB_T_2260_PROVINCES, '10'].includes(two)) expect(result, two).toMatchObject({ ok: true });
      else expect(result, two).toEqual({ ok: false, code: 'USCC_REGION' });
    }
    for (const division of ['3501A0', 'AB0000', '35010X']) {
      expect(validateCreditCode(withCodeCheck(`91${division}MA0000001`)), division).toEqual({
        ok: false,
        code: 'USCC_REGION',
      });
    }
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
