import { describe, expect, it, vi } from 'vitest';
import { STDNUM_USCC_FOUND_ONLINE } from '../../fixtures/reference-numbers';
import {
  CREDIT_CODE_ORACLE_ALPHABET,
  creditCodeCheckOracle,
  residentIdCheckOracle,
} from '../../support/check-char-oracles';

/**
 * The module-level tables and patterns of shared/domain/registration (the credit-code alphabet, weights and
 * registration table, the date patterns), read from modules evaluated inside each test. Another test imports these
 * modules inside a test (the route table imports every handler), so mutation testing treats their constants as
 * covered by tests, and a changed table only takes effect in a module evaluated after the change: each test here calls
 * `vi.resetModules()` and imports afresh (docs/mutation-testing.md, "Module tables that survive"). Expected values come
 * from outside the code: GB 32100-2015 and its Annex A as docs/domain-rules.md gives them, GB/T 2260, python-stdnum's
 * published numbers, hand computation and the date shapes of docs/domain-rules.md ("Dates").
 */
const freshCreditCode = async () => {
  vi.resetModules();
  return import('../../../shared/domain/registration/credit-code');
};

const freshLooseDate = async () => {
  vi.resetModules();
  return import('../../../shared/domain/registration/loose-date');
};

/** GB/T 2260 province-level codes, and 10 of national-level registrations (100000). */
// biome-ignore format: a table
const DIVISION_PREFIXES = [
  '10', '11', '12', '13', '14', '15', '21', '22', '23', '31', '32', '33', '34', '35', '36', '37', '41', '42', '43',
  '44', '45', '46', '50', '51', '52', '53', '54', '61', '62', '63', '64', '65', '71', '81', '82',
];

/** GB 32100-2015 Annex A and the categories added since: authority (character 1), its name and categories. */
const ANNEX_A: [string, string, string][] = [
  ['1', '机构编制', '1239'],
  ['2', '外交', '19'],
  ['3', '司法行政', '1234569'],
  ['4', '文化', '19'],
  ['5', '民政', '123459'],
  ['6', '旅游', '129'],
  ['7', '宗教', '129'],
  ['8', '工会', '129'],
  ['9', '工商（市场监管）', '1239'],
  ['A', '中央军委改革和编制办公室', '19'],
  ['G', '公安', '19'],
  ['J', '住房和城乡建设', '19'],
  ['N', '农业农村', '1239'],
  ['Q', '侨联', '1239'],
  ['Y', '其他', '1'],
];

const withCheck = (first17: string) => first17 + creditCodeCheckOracle(first17);

describe('unified social credit code tables (GB 32100-2015), from a fresh module', () => {
  it('computes the check character with the standard’s alphabet and weights 3^i mod 31', async () => {
    const { creditCodeCheckChar, CREDIT_CODE_ALPHABET } = await freshCreditCode();
    expect(CREDIT_CODE_ALPHABET).toBe('0123456789ABCDEFGHJKLMNPQRTUWXY');
    // By hand, the notice's example 91350100M000100Y4·: values 9 1 3 5 0 1 0 0 21(M) 0 0 0 1 0 0 30(Y) 4, weighted
    // 9 + 3 + 27 + 135 + 26 + 420 + 8 + 900 + 112 = 1640; 1640 mod 31 = 28; 31 − 28 = 3.
    expect(creditCodeCheckChar('91350100M000100Y4')).toBe('3');
    // A sum divisible by 31 is written 0, not 31: all zeros.
    expect(creditCodeCheckChar('00000000000000000')).toBe('0');
    // One character of each value at each position: every weight and every alphabet position takes part.
    for (let position = 0; position < 17; position++) {
      for (const char of CREDIT_CODE_ORACLE_ALPHABET) {
        const first17 = `${'0'.repeat(position)}${char}${'0'.repeat(16 - position)}`;
        expect(creditCodeCheckChar(first17), first17).toBe(creditCodeCheckOracle(first17));
      }
    }
  });

  it('accepts real published codes (python-stdnum’s, Huawei’s, Tencent’s) and knows which are businesses', async () => {
    const { validateCreditCode } = await freshCreditCode();
    for (const number of [...STDNUM_USCC_FOUND_ONLINE, '914403001922038216', '9144030071526726XG']) {
      expect(validateCreditCode(number), number).toEqual({
        ok: true,
        creditCode: number,
        enterprise: ['91', '92', '93'].includes(number.slice(0, 2)),
      });
    }
  });

  it('takes exactly 18 characters of the alphabet, upper or lower case, and nothing else', async () => {
    const { validateCreditCode } = await freshCreditCode();
    const valid = '91350100M000100Y43';
    expect(validateCreditCode(valid)).toMatchObject({ ok: true });
    expect(validateCreditCode(valid.toLowerCase())).toMatchObject({ ok: true });
    for (const wrong of [valid.slice(1), `${valid}3`, `X${valid}`, `${valid}X`, `-${valid}`, `${valid}-`, '']) {
      expect(validateCreditCode(wrong), wrong).toEqual({ ok: false, code: 'USCC_FORMAT' });
    }
    // Each character outside the alphabet, at the first, a middle and the last position.
    for (const char of ['I', 'O', 'S', 'V', 'Z', '-', '_', '.', '#', '@']) {
      for (const position of [0, 8, 17]) {
        const wrong = valid.slice(0, position) + char + valid.slice(position + 1);
        expect(validateCreditCode(wrong), wrong).toEqual({ ok: false, code: 'USCC_FORMAT' });
      }
    }
    // Every character of the alphabet is allowed in the organisation code (characters 9–17).
    for (const char of CREDIT_CODE_ORACLE_ALPHABET) {
      const code = withCheck(`91350100${char.repeat(9)}`);
      expect(validateCreditCode(code), code).toMatchObject({ ok: true });
    }
  });

  it('accepts exactly the authority and category pairs of Annex A, and names the authority', async () => {
    const { validateCreditCode, describeRegistration, REGISTRATION_CATEGORIES } = await freshCreditCode();
    const pairs = new Set(ANNEX_A.flatMap(([authority, , categories]) => [...categories].map((c) => authority + c)));
    for (const first of CREDIT_CODE_ORACLE_ALPHABET) {
      for (const second of CREDIT_CODE_ORACLE_ALPHABET) {
        const result = validateCreditCode(withCheck(`${first}${second}350100MA0000001`));
        if (pairs.has(first + second)) expect(result, first + second).toMatchObject({ ok: true });
        else expect(result, first + second).toEqual({ ok: false, code: 'USCC_CATEGORY' });
      }
    }
    expect(
      [...REGISTRATION_CATEGORIES].map(([authority, entry]) => [authority, entry.authority, entry.categories]),
    ).toEqual(ANNEX_A);
    for (const [authority, name, categories] of ANNEX_A) {
      const category = categories[0];
      expect(describeRegistration(`${authority}${category}350100MA0000001X`)).toBe(
        `${name}登记（机构类别 ${category}）`,
      );
    }
    // An authority outside the table is named by its character.
    expect(describeRegistration('B1350100MA0000001X')).toBe('B登记（机构类别 1）');
  });

  it('flags as no business exactly the registrations other than 91, 92 and 93', async () => {
    const { validateCreditCode } = await freshCreditCode();
    for (const [authority, , categories] of ANNEX_A) {
      for (const category of categories) {
        const registration = authority + category;
        expect(validateCreditCode(withCheck(`${registration}440300MA0000001`)), registration).toMatchObject({
          ok: true,
          enterprise: ['91', '92', '93'].includes(registration),
        });
      }
    }
  });

  it('takes a division code of a GB/T 2260 province or 100000', async () => {
    const { validateCreditCode } = await freshCreditCode();
    for (let prefix = 0; prefix < 100; prefix++) {
      const two = String(prefix).padStart(2, '0');
      const result = validateCreditCode(withCheck(`91${two}0000MA0000001`));
      if (DIVISION_PREFIXES.includes(two)) expect(result, two).toMatchObject({ ok: true });
      else expect(result, two).toEqual({ ok: false, code: 'USCC_REGION' });
    }
  });
});

describe('loose dates (docs/domain-rules.md, "Dates"), from a fresh module', () => {
  it.each<[string, string | null]>([
    // The shapes the rules name.
    ['2024-08-31', '2024-08-31'],
    ['2024/8/31', '2024-08-31'],
    ['2024.8.31', '2024-08-31'],
    ['2024年8月31日', '2024-08-31'],
    ['20240831', '2024-08-31'],
    // One- or two-digit month and day, any of the separators, spaces around them, 日 optional.
    ['2024-8-1', '2024-08-01'],
    ['2024/08/01', '2024-08-01'],
    ['2024.12.01', '2024-12-01'],
    ['2024年12月1', '2024-12-01'],
    ['2024 年 8 月 31 日', '2024-08-31'],
    ['2024 - 08 - 31', '2024-08-31'],
    ['2024/8.31', '2024-08-31'],
    ['2024年08月31日', '2024-08-31'],
    ['2024-08-31 日', '2024-08-31'],
    // A date-time as Excel or a system exports it: the time is dropped.
    ['2024-08-31 00:00', '2024-08-31'],
    ['2024-08-31 8:05', '2024-08-31'],
    ['2024-08-31 00:00:00', '2024-08-31'],
    ['2024-08-31T00:00:00', '2024-08-31'],
    ['2024-08-31T00:00:00Z', '2024-08-31'],
    ['2024-08-31T00:00:00.000Z', '2024-08-31'],
    ['2024-08-31T23:59Z', '2024-08-31'],
    // Not dates.
    ['2024-08', null],
    ['2024', null],
    ['24-08-31', null],
    ['02024-08-31', null],
    ['2024-008-31', null],
    ['2024-08-031', null],
    ['2024-08-31x', null],
    ['x2024-08-31', null],
    ['2024x08x31', null],
    ['2024-08x31', null],
    ['2024_08_31', null],
    ['2024-08-31 0:0', null],
    ['2024-08-31 000:00', null],
    ['2024-08-31 00:00:0', null],
    ['2024-08-31 00:00:00.', null],
    ['2024-08-31 00:00Zx', null],
    ['2024-08-31X00:00', null],
    ['2024-08-31T', null],
    ['2024083', null],
    ['202408311', null],
    ['2024O831', null],
    ['a20240831', null],
    ['20240831a', null],
    ['2024 08 31', null],
  ])('%j → %s', async (text, expected) => {
    const { parseLooseDate } = await freshLooseDate();
    expect(parseLooseDate(text)).toBe(expected);
  });
});

describe('text normalisation patterns, from a fresh module', () => {
  const freshNormalise = async () => {
    vi.resetModules();
    return import('../../../shared/domain/registration/normalise-text');
  };

  it('drops the zero-width characters (U+200B–U+200D, U+2060, U+FEFF) and nothing else', async () => {
    const { normaliseText, tidyText } = await freshNormalise();
    for (const invisible of ['\u200b', '\u200c', '\u200d', '\u2060', '\ufeff']) {
      expect(normaliseText(`张${invisible}三${invisible}`), JSON.stringify(invisible)).toBe('张三');
      expect(tidyText(`${invisible}张${invisible}${invisible}三`), JSON.stringify(invisible)).toBe('张三');
    }
    // Their neighbours U+200E and U+2061 are kept.
    expect(normaliseText('张\u2061三\u200e')).toBe('张\u2061三\u200e');
  });

  it('collapses any run of whitespace, no-break and ideographic spaces to one space, and trims', async () => {
    const { normaliseText, tidyText, withoutSpaces } = await freshNormalise();
    for (const text of ['a  b', 'a\t\tb', 'a\n \r\nb', 'a\u00a0\u00a0b', 'a\u3000\u3000b', 'a \u00a0\u3000\tb']) {
      expect(tidyText(` ${text}\u00a0`), JSON.stringify(text)).toBe('a b');
      expect(normaliseText(`\u3000${text} `), JSON.stringify(text)).toBe('a b');
      expect(withoutSpaces(`\u00a0${text}\u3000`), JSON.stringify(text)).toBe('ab');
    }
    expect(tidyText('ab')).toBe('ab');
  });

  it('removes spaces between Chinese characters in names (U+3400–U+9FFF, U+F900–U+FAFF), every run of them', async () => {
    const { normalisePersonName } = await freshNormalise();
    expect(normalisePersonName('张  三  丰')).toBe('张三丰');
    expect(normalisePersonName('㐀 䶵 一 龥 \u9fff')).toBe('㐀䶵一龥\u9fff');
    expect(normalisePersonName('豈 \ufaff')).toBe('豈\ufaff');
    expect(normalisePersonName('張 三')).toBe('張三');
    // Not between two Chinese characters: kept.
    expect(normalisePersonName('John  Smith')).toBe('John Smith');
    expect(normalisePersonName('阿不都 · 热合曼')).toBe('阿不都 · 热合曼');
    expect(normalisePersonName('张 A')).toBe('张 A');
    expect(normalisePersonName('ㄅ 张')).toBe('ㄅ 张');
  });
});

describe('the form columns (docs/domain-rules.md, "The forms"), from a fresh module', () => {
  it('lists 附件4’s columns in the form’s order, which are required and the documented limits', async () => {
    vi.resetModules();
    const { fieldsOf, FORM_TITLES } = await import('../../../shared/domain/registration/form-fields');
    const trainee = fieldsOf('trainee');
    expect(FORM_TITLES.trainee).toBe('附件4 学员报名表');
    expect(trainee.map((f) => f.header)).toEqual([
      '姓名',
      '性别',
      '民族',
      '出生日期',
      '身份证号',
      '政治面貌',
      '学历',
      '企业名称',
      '统一社会信用代码',
      '职务',
      '是否企业一把手',
      '企业类型',
      '所属行业',
      '职工人数',
      '上年度营业收入（万元）',
      '手机号码',
      '电子邮箱',
      '意向期次',
      '自愿参训声明',
      '无违法违规记录声明',
      '备注',
    ]);
    expect(trainee.filter((f) => !f.required).map((f) => f.header)).toEqual([
      '职工人数',
      '上年度营业收入（万元）',
      '意向期次',
      '备注',
    ]);
    const limit = (header: string) => trainee.find((f) => f.header === header)?.maxLength;
    expect([limit('姓名'), limit('民族'), limit('企业名称'), limit('职务'), limit('所属行业')]).toEqual([
      50, 20, 100, 50, 50,
    ]);
    expect([limit('电子邮箱'), limit('备注')]).toEqual([254, 500]);
    // A column given no aliases has none, and every column has a limit.
    expect(trainee.find((f) => f.header === '性别')?.aliases).toEqual([]);
    expect(trainee.every((f) => f.maxLength > 0)).toBe(true);
  });

  it('lists 附件3’s columns: 单位名称, 单位代码, 联系人, 职务, 手机号码, 办公电话, 电子邮箱, 推荐人数, 备注', async () => {
    vi.resetModules();
    const { fieldsOf, FORM_TITLES } = await import('../../../shared/domain/registration/form-fields');
    expect(FORM_TITLES.unit).toBe('附件3 推荐单位信息表');
    expect(fieldsOf('unit').map((f) => f.header)).toEqual([
      '单位名称',
      '单位代码',
      '联系人',
      '职务',
      '手机号码',
      '办公电话',
      '电子邮箱',
      '推荐人数',
      '备注',
    ]);
  });
});

describe('resident ID check characters, from a fresh module', () => {
  // GB 11643-1999's own worked example (11010519491231002X) and its often-quoted 440524188001010014, then every
  // residue through an independent formula (test/support/check-char-oracles.ts): CHECK_CHARS is a module constant.
  it("gives X for the standard's example and 4 for 44052418800101001", async () => {
    vi.resetModules();
    const fresh = await import('../../../shared/domain/registration/resident-id');
    expect(fresh.residentIdCheckChar('11010519491231002')).toBe('X');
    expect(fresh.residentIdCheckChar('44052418800101001')).toBe('4');
  });

  it('agrees with the independent formula for a number of each of the 11 residues', async () => {
    vi.resetModules();
    const fresh = await import('../../../shared/domain/registration/resident-id');
    const seen = new Set<string>();
    for (let sequence = 0; seen.size < 11 && sequence < 1000; sequence++) {
      const first17 = `11010519491231${String(sequence).padStart(3, '0')}`;
      const expected = residentIdCheckOracle(first17);
      seen.add(expected);
      expect(fresh.residentIdCheckChar(first17)).toBe(expected);
    }
    expect(seen.size).toBe(11);
  });
});
