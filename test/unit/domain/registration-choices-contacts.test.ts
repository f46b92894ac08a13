import { describe, expect, it, vi } from 'vitest';
import {
  DuplicatesInFile,
  matchCategory,
  normaliseEmail,
  normaliseMobile,
  normaliseOfficePhone,
  parseClassNumber,
  parseCount,
  parseGender,
  parseYesNo,
  splitCategories,
} from '../../../shared/domain/registration/index';

// Expected values follow the rules written beside each function (mainland mobile = 11 digits 13–19, landline = area
// code 0xx(x) + 7–8 digits, e-mail ≤ 254 characters per RFC 5321) and the clerks' spellings listed in the notice.

describe('mobile numbers: every separator clerks type is the same number', () => {
  it.each([
    ['138.1234.5678', '13812345678'],
    ['(138)1234-5678', '13812345678'],
    ['138–1234—5678', '13812345678'],
    ['+8613812345678', '13812345678'],
    ['19912345678', '19912345678'],
    ['138123456789', null],
    ['x13812345678', null],
    ['13812345678x', null],
    ['86138123456', null],
    ['0013812345678', null],
  ])('mobile %s → %s', (input, output) => expect(normaliseMobile(input)).toBe(output));
});

describe('office phones', () => {
  it.each([
    ['010-68205000 ext. 12', '010-68205000-12'],
    ['010-68205000 EXT 12', '010-68205000-12'],
    ['010-68205000x12', '010-68205000-12'],
    ['010 6820 5000', '01068205000'],
    ['+86-010-68205000', '+86-010-68205000'],
    ['86-010-68205000', '86-010-68205000'],
    ['+86010-68205000', '+86010-68205000'],
    ['4008108888', '4008108888'],
    // A mobile written in the office-phone column is still a reachable number.
    ['138-1234-5678', '13812345678'],
    ['010-123456', null],
    ['010-123456789', null],
    ['010-68205000-1234567', null],
    ['01-68205000', null],
    ['2400-810-8888', null],
    ['400-810-88889', null],
    ['400-810-888', null],
    ['x010-68205000', null],
  ])('office phone %s → %s', (input, output) => expect(normaliseOfficePhone(input)).toBe(output));
});

describe('e-mail addresses', () => {
  const at = '@example.com';
  it('accepts 254 characters, the longest address SMTP allows, and refuses 255', () => {
    expect(normaliseEmail(`${'a'.repeat(254 - at.length)}${at}`)).toHaveLength(254);
    expect(normaliseEmail(`${'a'.repeat(255 - at.length)}${at}`)).toBeNull();
  });

  it.each([
    ['a_b%c+d-e@example.com', 'a_b%c+d-e@example.com'],
    ['li@mail.corp-1.example.cn', 'li@mail.corp-1.example.cn'],
    ['li@example.c', null],
    ['<li@example.com', null],
    ['li@example.com>', null],
    ['li@example..com', null],
    ['li@@example.com', null],
  ])('email %s → %s', (input, output) => expect(normaliseEmail(input)).toBe(output));
});

describe('enterprise categories', () => {
  it.each([
    ['专精特新‘小巨人’企业', '专精特新"小巨人"企业'],
    ['专精特新「小巨人」企业', '专精特新"小巨人"企业'],
    ["专精特新'小巨人'企业", '专精特新"小巨人"企业'],
    ['专精特新 中小企业', '专精特新中小企业'],
    ['专精特新小巨人', '专精特新"小巨人"企业'],
    ['小巨人企业', '专精特新"小巨人"企业'],
    ['单项冠军', '制造业单项冠军'],
    ['高新技术企业', '高新技术企业'],
    ['国家级专精特新小巨人企业', '专精特新"小巨人"企业'],
    ['单项冠军企业', '制造业单项冠军'],
    ['制造业单项冠军企业', '制造业单项冠军'],
    ['国家高新技术企业', '高新技术企业'],
    ['其他', '其他'],
  ])('category %s → %s', async (input, output) => {
    // The table is built when the module loads: load it afresh so a change to it is seen by this test.
    vi.resetModules();
    const fresh = await import('../../../shared/domain/registration/form-choices');
    expect(fresh.matchCategory(input)).toBe(output);
    expect(matchCategory(input)).toBe(output);
  });

  it('matches nothing for an empty cell', async () => {
    vi.resetModules();
    const fresh = await import('../../../shared/domain/registration/form-choices');
    expect(fresh.matchCategory('')).toBeUndefined();
  });

  it('splits on commas, bars and line breaks, trimming and dropping empty parts', () => {
    expect(splitCategories('高新技术企业,独角兽企业|其他｜科技型中小企业\r\n创新型中小企业、、 ')).toEqual([
      '高新技术企业',
      '独角兽企业',
      '其他',
      '科技型中小企业',
      '创新型中小企业',
    ]);
    expect(splitCategories(' 其他 ')).toEqual(['其他']);
  });

  it('splits on plain spaces only between Chinese names', () => {
    expect(splitCategories('高新技术企业  创新型中小企业')).toEqual(['高新技术企业', '创新型中小企业']);
    expect(splitCategories(' 高新技术企业 创新型中小企业 、其他')).toEqual(['高新技术企业', '创新型中小企业', '其他']);
    expect(splitCategories('Top 100')).toEqual(['Top 100']);
    expect(splitCategories('高新技术企业 A类')).toEqual(['高新技术企业 A类']);
  });
});

describe('yes/no, gender, class and counts', () => {
  it.each([
    ['y', true],
    ['Yes', true],
    ['ＹＥＳ', true],
    ['true', true],
    ['✓', true],
    ['✔', true],
    ['1', true],
    ['N', false],
    ['FALSE', false],
    ['×', false],
    ['✗', false],
    ['0', false],
    ['', undefined],
  ])('yes/no %j → %s', (input, output) => expect(parseYesNo(input)).toBe(output));

  it.each([
    ['男性', '男'],
    [' 女 ', '女'],
    ['女', '女'],
    ['', undefined],
  ])('gender %j → %s', (input, output) => expect(parseGender(input)).toBe(output));

  it.each([
    ['第3班', 3],
    ['3期次', 3],
    ['第 12 期', 12],
    ['第三', 3],
    ['一', 1],
    ['十', 10],
    ['十一', 11],
    ['十九', 19],
    ['二', 2],
    ['十二期', 12],
    ['三', 3],
    ['十三期', 13],
    ['四', 4],
    ['十四期', 14],
    ['五', 5],
    ['十五期', 15],
    ['六', 6],
    ['十六期', 16],
    ['七', 7],
    ['十七期', 17],
    ['八', 8],
    ['十八期', 18],
    ['九', 9],
    ['十一二', undefined],
    ['X十一', undefined],
    ['100', undefined],
    ['', undefined],
    ['第', undefined],
    ['二十', undefined],
    ['X第3期', undefined],
    ['3期X', undefined],
    ['3第', undefined],
    ['十十', undefined],
  ])('class %j → %s', (input, output) => expect(parseClassNumber(input)).toBe(output));

  it.each([
    ['1 200', true, 1200],
    ['1，200', true, 1200],
    ['5名', true, 5],
    ['30万', false, 30],
    ['12.5', false, 12.5],
    ['12.55', false, 12.55],
    ['人5', true, undefined],
    ['1e3', true, undefined],
    ['', true, undefined],
    ['.5', false, undefined],
    ['5.', false, undefined],
    ['x12', true, undefined],
    ['12x', true, undefined],
    ['9'.repeat(400), false, undefined],
  ])('count %j (integer %s) → %s', (input, integer, output) => expect(parseCount(input, { integer })).toBe(output));
});

describe('duplicates inside one upload (one person per year, notice 二(二))', () => {
  it('names the first row every time the value comes back', () => {
    const duplicates = new DuplicatesInFile();
    expect(duplicates.seen('id', '11010519491231002X', 3)).toBeUndefined();
    expect(duplicates.seen('id', '110105194912310037', 4)).toBeUndefined();
    expect(duplicates.seen('id', '11010519491231002X', 7)).toBe(3);
    expect(duplicates.seen('id', '11010519491231002X', 9)).toBe(3);
  });

  it('keeps kinds apart: the same text as a name and as an ID is no duplicate', () => {
    const duplicates = new DuplicatesInFile();
    expect(duplicates.seen('mobile', '13812345678', 2)).toBeUndefined();
    expect(duplicates.seen('phone', '13812345678', 3)).toBeUndefined();
    expect(duplicates.seen('ab', 'c', 4)).toBeUndefined();
    expect(duplicates.seen('a', 'bc', 5)).toBeUndefined();
  });
});
