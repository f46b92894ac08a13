import { describe, expect, it } from 'vitest';
import {
  maskEmail,
  maskIdNumber,
  maskMobile,
  maskPhone,
  matchCategory,
  normaliseEmail,
  normaliseMobile,
  normaliseOfficePhone,
  normalisePersonName,
  normaliseText,
  parseClassNumber,
  parseCount,
  parseGender,
  excelSerialToDate,
  parseLooseDate,
  parseYesNo,
  programmeDate,
  splitCategories,
} from '../../../shared/domain/registration/index';

describe('normaliseText', () => {
  it.each([
    ['  １３８　１２３４  ', '138 1234'],
    ['ＡＢＣ（北京）', 'ABC(北京)'],
    ['a\u00a0\u00a0b\n\tc', 'a b c'],
    ['\u200b张三\ufeff', '张三'],
  ])('%j → %j', (input, output) => expect(normaliseText(input)).toBe(output));

  it('drops alignment padding inside Chinese names but keeps Latin spaces', () => {
    expect(normalisePersonName('张　 三')).toBe('张三');
    expect(normalisePersonName('阿不都 · 热合曼')).toBe('阿不都 · 热合曼');
    expect(normalisePersonName(' John  Smith ')).toBe('John Smith');
  });
});

describe('masking personal data', () => {
  it.each([
    [maskIdNumber, '11010519491231002X', '110105********002X'],
    [maskMobile, '13812341234', '138****1234'],
    [maskEmail, 'zhangsan@example.com', 'z***@example.com'],
    [maskPhone, '010-68205000', '010-******00'],
  ])('%o(%s) → %s', (mask, input, output) => expect(mask(input)).toBe(output));

  it('masks malformed values too', () => {
    expect(maskIdNumber('1.10105E+17')).not.toContain('10105');
    expect(maskMobile('123')).toMatch(/\*{4}/);
    expect(maskEmail('no-at-sign')).toBe('n***');
  });
});

describe('parseLooseDate', () => {
  it.each<[string | number | Date, string | null]>([
    ['2024-08-31', '2024-08-31'],
    ['2024/8/31', '2024-08-31'],
    ['2024.8.31', '2024-08-31'],
    ['2024年8月31日', '2024-08-31'],
    ['２０２４年８月３１日', '2024-08-31'],
    ['20240831', '2024-08-31'],
    ['2024-08-31 00:00:00', '2024-08-31'],
    [45535, '2024-08-31'],
    [new Date(Date.UTC(2024, 7, 31)), '2024-08-31'],
    ['2024-02-30', null],
    ['31/08/2024', null],
    ['明年', null],
    [12, null],
    [new Date(Number.NaN), null],
  ])('%o → %s', (input, output) => expect(parseLooseDate(input)).toBe(output));

  it('takes years 1900 to 2100 only', () => {
    expect(parseLooseDate('1899-12-31')).toBeNull();
    expect(parseLooseDate('1900-01-01')).toBe('1900-01-01');
    expect(parseLooseDate('2100-12-31')).toBe('2100-12-31');
    expect(parseLooseDate('2101-01-01')).toBeNull();
    expect(parseLooseDate(new Date(Date.UTC(1899, 11, 31)))).toBeNull();
    expect(parseLooseDate(new Date(Date.UTC(1900, 0, 1)))).toBe('1900-01-01');
  });

  it('reads Excel serials from 61 (1900-03-01): Excel counts a 29 February 1900 that never was', () => {
    // Serial 60 is Excel's 1900-02-29; 61 is 1 March 1900, counted from 1899-12-30 (25,569 is 1970-01-01).
    expect(excelSerialToDate(60)).toBeNull();
    expect(excelSerialToDate(2)).toBeNull();
    expect(excelSerialToDate(61)).toBe('1900-03-01');
    expect(excelSerialToDate(25_569)).toBe('1970-01-01');
    expect(excelSerialToDate(25_569.75)).toBe('1970-01-01');
    expect(excelSerialToDate(Number.NaN)).toBeNull();
    expect(excelSerialToDate(Number.POSITIVE_INFINITY)).toBeNull();
  });
});

describe('programmeDate: the calendar day in Beijing (UTC+8)', () => {
  it.each([
    ['2024-08-31T15:59:59.999Z', '2024-08-31'],
    ['2024-08-31T16:00:00.000Z', '2024-09-01'],
    ['2024-08-31T00:00:00.000Z', '2024-08-31'],
    ['2024-12-31T16:00:00.000Z', '2025-01-01'],
  ])('%s → %s', (instant, day) => expect(programmeDate(new Date(instant))).toBe(day));
});

describe('contact details', () => {
  it.each([
    ['13812345678', '13812345678'],
    ['138-1234-5678', '13812345678'],
    ['138 1234 5678', '13812345678'],
    ['+86 138 1234 5678', '13812345678'],
    ['0086-13812345678', '13812345678'],
    ['8613812345678', '13812345678'],
    ['１３８１２３４５６７８', '13812345678'],
    ['12812345678', null],
    ['1381234567', null],
    ['010-68205000', null],
  ])('mobile %s → %s', (input, output) => expect(normaliseMobile(input)).toBe(output));

  it.each([
    ['010-68205000', '010-68205000'],
    ['(0571)88888888', '(0571)88888888'],
    ['0755-1234567 转 801', '0755-1234567-801'],
    ['400-810-8888', '400-810-8888'],
    ['12345', null],
  ])('office phone %s → %s', (input, output) => expect(normaliseOfficePhone(input)).toBe(output));

  it.each([
    ['Zhang.San@Example.COM', 'zhang.san@example.com'],
    ['zhangsan＠example.com', 'zhangsan@example.com'],
    ['zhangsan@example', null],
    ['zhang san@example.com', 'zhangsan@example.com'],
    ['a..b@example.com', null],
    ['@example.com', null],
  ])('email %s → %s', (input, output) => expect(normaliseEmail(input)).toBe(output));
});

describe('choices', () => {
  it('splits categories on every separator clerks use', () => {
    expect(
      splitCategories('专精特新中小企业、高新技术企业，创新型中小企业;科技型中小企业；独角兽企业/制造业单项冠军\n其他'),
    ).toHaveLength(7);
  });

  it.each([
    ['专精特新"小巨人"企业', '专精特新"小巨人"企业'],
    ['专精特新“小巨人”企业', '专精特新"小巨人"企业'],
    ['专精特新小巨人企业', '专精特新"小巨人"企业'],
    ['小巨人企业', '专精特新"小巨人"企业'],
    ['单项冠军', '制造业单项冠军'],
    [' 高新技术企业 ', '高新技术企业'],
    ['大型企业', undefined],
  ])('category %s → %s', (input, output) => expect(matchCategory(input)).toBe(output));

  it.each([
    ['是', true],
    ['Y', true],
    ['TRUE', true],
    ['√', true],
    ['否', false],
    ['no', false],
    ['也许', undefined],
  ])('yes/no %s → %s', (input, output) => expect(parseYesNo(input)).toBe(output));

  it.each([
    ['男', '男'],
    ['女性', '女'],
    ['M', undefined],
  ])('gender %s → %s', (input, output) => expect(parseGender(input)).toBe(output));

  it.each([
    ['3', 3],
    ['3期', 3],
    ['第 3 期', 3],
    ['第三期', 3],
    ['第十期', 10],
    ['十二', 12],
    ['秋季', undefined],
  ])('class %s → %s', (input, output) => expect(parseClassNumber(input)).toBe(output));

  it.each([
    ['1,200', true, 1200],
    ['120人', true, 120],
    ['8500.5万元', false, 8500.5],
    ['12.5', true, undefined],
    ['-1', true, undefined],
  ])('count %s (integer %s) → %s', (input, integer, output) => expect(parseCount(input, { integer })).toBe(output));
});

describe('finding codes', () => {
  it('keeps every stable code of issue 3 (codes are added, never renamed)', async () => {
    const { FORM_FINDING_CODES } = await import('../../../shared/domain/registration/index');
    const stable =
      'REQUIRED ID_FORMAT ID_CHECKSUM ID_BIRTHDATE ID_NUMERIC_CELL GENDER_MISMATCH BIRTHDATE_MISMATCH USCC_FORMAT USCC_CHECKSUM MOBILE_FORMAT EMAIL_FORMAT ENUM_VALUE CATEGORY_REQUIRED NOT_TOP_PERSON DECLARATION_REQUIRED CLASS_UNKNOWN DUPLICATE_IN_FILE HEADER_MISSING FILE_TYPE FILE_TOO_LARGE TOO_MANY_ROWS ARCHIVE_UNSAFE FILE_UNREADABLE';
    expect(stable.split(' ').filter((code) => !(code in FORM_FINDING_CODES))).toEqual([]);
    expect(FORM_FINDING_CODES.NOT_TOP_PERSON[0]).toBe('warning');
  });
});
