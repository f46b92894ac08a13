import { describe, expect, it } from 'vitest';
import { type RowLocation, validateTraineeRow } from '../../../shared/domain/registration/index';
import { CLASS_NUMBERS, makeCreditCode, makeResidentId, validTrainee } from '../../fixtures/registration-data';

const location: RowLocation = { sheet: '学员报名表', row: 9, columnOf: (key) => key };
const rules = { classNumbers: CLASS_NUMBERS, today: '2024-08-24' };
const run = (changes: Record<string, unknown>) =>
  validateTraineeRow({ ...validTrainee(1), ...changes } as Parameters<typeof validateTraineeRow>[0], location, rules);
const codes = (changes: Record<string, unknown>) => run(changes).findings.map((f) => `${f.code}@${f.column}`);

describe('trainee row: identity', () => {
  it('refuses a gender that contradicts the ID (17th digit odd = male), naming both', () => {
    const result = run({ gender: '男' }); // validTrainee's IDs have an even sequence: female
    expect(result.record).toBeNull();
    expect(result.findings).toEqual([
      expect.objectContaining({ code: 'GENDER_MISMATCH', column: 'gender', severity: 'error' }),
    ]);
    expect(result.findings[0]?.message).toContain('男');
    expect(result.findings[0]?.message).toContain('女性');
  });

  it('refuses a birth date that differs from digits 7–14 of the ID', () => {
    expect(codes({ birthDate: '1975-06-03' })).toEqual(['BIRTHDATE_MISMATCH@birthDate']);
  });

  it('refuses a gender other than 男/女', () => {
    expect(codes({ gender: 'F' })).toEqual(['ENUM_VALUE@gender']);
  });

  it('reads a real date cell and an Excel serial number cell, but not digits typed as text', () => {
    expect(run({ birthDate: new Date(Date.UTC(1975, 5, 2)) }).record?.birthDate).toBe('1975-06-02');
    // 1975-06-02 is Excel serial 27547 (days since 1899-12-30).
    expect(run({ birthDate: 27547 }).record?.birthDate).toBe('1975-06-02');
    expect(codes({ birthDate: '27547' })).toEqual(['DATE_FORMAT@birthDate']);
    expect(codes({ birthDate: '不详' })).toEqual(['DATE_FORMAT@birthDate']);
  });

  it('says an ID stored as a number lost its last digits', () => {
    expect(codes({ idNumber: 110105197506020000 })).toEqual(['ID_NUMERIC_CELL@idNumber']);
    expect(codes({ idNumber: '1.10105E+17' })).toEqual(['ID_NUMERIC_CELL@idNumber']);
  });

  it('refuses an ID born after today and only warns for an unusual age', () => {
    const future = makeResidentId('20250101', 2);
    expect(codes({ idNumber: future, birthDate: '2025-01-01' })).toEqual(['ID_BIRTH_FUTURE@idNumber']);
    const old = makeResidentId('19400101', 2);
    const result = run({ idNumber: old, birthDate: '1940-01-01' });
    expect(result.findings.map((f) => [f.code, f.severity])).toEqual([['ID_AGE_UNUSUAL', 'warning']]);
    expect(result.findings[0]?.message).toContain('18–75');
    expect(result.record?.reviewNotes).toEqual(['ID_AGE_UNUSUAL']);
  });

  it('refuses a malformed ID and keeps no dedup key for it', () => {
    const result = run({ idNumber: '12345' });
    expect(result.findings.map((f) => f.code)).toEqual(['ID_FORMAT']);
    expect(result.idNumber).toBeUndefined();
  });
});

describe('trainee row: enterprise', () => {
  it('refuses a credit code stored as a number', () => {
    expect(codes({ creditCode: 913501001234567 })).toEqual(['USCC_FORMAT@creditCode']);
  });

  it('warns, for the reviewer, when the code is not an enterprise (first two characters not 91)', () => {
    const result = run({ creditCode: makeCreditCode(2, '350100', '52') });
    expect(result.findings.map((f) => [f.code, f.severity, f.column])).toEqual([
      ['USCC_NOT_ENTERPRISE', 'warning', 'creditCode'],
    ]);
    expect(result.record?.reviewNotes).toEqual(['USCC_NOT_ENTERPRISE']);
  });

  it('lists every allowed category when one is unknown, and counts a repeated category once', () => {
    const unknown = run({ categories: '大型企业' });
    expect(unknown.findings.map((f) => f.code)).toEqual(['ENUM_VALUE']);
    expect(unknown.findings[0]?.message).toContain('专精特新中小企业、专精特新"小巨人"企业、创新型中小企业');
    expect(unknown.record).toBeNull();
    expect(run({ categories: '高新技术企业、国家高新技术企业' }).record?.categories).toEqual(['高新技术企业']);
  });

  it('asks for a category when the cell holds only separators', () => {
    expect(codes({ categories: '、、' })).toEqual(['CATEGORY_REQUIRED@categories']);
  });

  it.each([
    [{ employees: -1 }, 'employees'],
    [{ employees: 12.5 }, 'employees'],
    [{ employees: '十二' }, 'employees'],
    [{ revenue: -0.5 }, 'revenue'],
  ])('refuses %j', (changes, column) => {
    expect(codes(changes)).toEqual([`NUMBER_FORMAT@${column}`]);
  });

  it('accepts a decimal revenue and leaves optional numbers empty', () => {
    expect(run({ revenue: '0.5' }).record?.revenue).toBe(0.5);
    expect(run({ employees: 0 }).record?.employees).toBe(0);
    expect(run({ employees: '' }).record?.employees).toBeNull();
  });

  it('words the number message by field: whole people, amounts in 万元', () => {
    expect(run({ employees: -1 }).findings[0]?.message).toContain('整数');
    expect(run({ revenue: -1 }).findings[0]?.message).toContain('万元');
  });
});

describe('trainee row: choices and declarations', () => {
  it('takes Excel check boxes (booleans) as they are', () => {
    expect(run({ isTopPerson: false, remarks: '董事长委托总经理参训' }).record?.isTopPerson).toBe(false);
    expect(run({ voluntary: true, goodStanding: true }).record).not.toBeNull();
  });

  it('refuses 一把手 other than 是/否, naming the column header', () => {
    const result = run({ isTopPerson: '也许' });
    expect(result.findings.map((f) => f.code)).toEqual(['ENUM_VALUE']);
    expect(result.findings[0]?.message).toContain('是否企业一把手');
  });

  it('requires a reason in 备注 when the trainee is not the top person', () => {
    expect(codes({ isTopPerson: '否', remarks: '' })).toEqual(['TOP_PERSON_REASON_REQUIRED@remarks']);
  });

  it.each([
    [{ voluntary: '否' }, 'voluntary'],
    [{ voluntary: false }, 'voluntary'],
    [{ voluntary: '' }, 'voluntary'],
    [{ goodStanding: '否' }, 'goodStanding'],
    [{ goodStanding: null }, 'goodStanding'],
  ])('refuses a declaration not answered 是: %j', (changes, column) => {
    const result = run(changes);
    expect(result.findings.map((f) => `${f.code}@${f.column}`)).toEqual([`DECLARATION_REQUIRED@${column}`]);
    expect(result.record).toBeNull();
  });

  it('offers the programme classes when the preferred class is unknown, and leaves an empty one empty', () => {
    const result = run({ preferredClass: '第99期' });
    expect(result.findings.map((f) => f.code)).toEqual(['CLASS_UNKNOWN']);
    expect(result.findings[0]?.message).toContain(CLASS_NUMBERS.join('、'));
    expect(run({ preferredClass: '' }).record?.preferredClass).toBeNull();
    expect(run({ preferredClass: '第三期' }).record?.preferredClass).toBe(3);
  });

  it('refuses a bad e-mail', () => {
    expect(codes({ email: 'trainee@example' })).toEqual(['EMAIL_FORMAT@email']);
  });
});

describe('trainee row: what each message tells the clerk', () => {
  const only = (changes: Record<string, unknown>) => {
    const { findings } = run(changes);
    expect(findings).toHaveLength(1);
    return findings[0];
  };

  it('a 一把手 answered 否: a warning with the reason given, an error without one', () => {
    expect(only({ isTopPerson: '否', remarks: '董事长委托总经理参训' })).toMatchObject({
      code: 'NOT_TOP_PERSON',
      severity: 'warning',
      message: expect.stringMatching(/不是企业一把手.*备注.*推荐理由.*待审核/),
      value: '否',
    });
    expect(only({ isTopPerson: '否', remarks: '' })?.message).toMatch(/不是企业一把手.*须在「备注」中说明推荐理由/);
  });

  it('a category of only 其他 without a reason asks for the enterprise’s type in 备注', () => {
    expect(only({ categories: '其他', remarks: '' })).toMatchObject({
      code: 'OTHER_CATEGORY_REASON_REQUIRED',
      message: expect.stringMatching(/其他.*备注.*企业的具体类型或推荐理由/),
    });
  });

  it('a birth date cell holding a number that is no date is unreadable, not an Excel serial typed as text', () => {
    // Serial 5 is 1900-01-04, outside 1900–2100's real birth dates the reader accepts (docs/domain-rules.md, "Dates").
    expect(only({ birthDate: 5 })?.message).toMatch(/出生日期无法识别/);
  });

  it('an ID as a number, an ID born in the future: the message says what is wrong without the birth date', () => {
    expect(only({ idNumber: '1.10105E+17' })?.message).toMatch(/被 Excel 存成了数字.*1\.10105E\+17.*文本/);
    const future = makeResidentId('20250101', 2);
    const message = only({ idNumber: future, birthDate: '2025-01-01' })?.message;
    expect(message).toMatch(/出生日期晚于今天/);
    expect(message).not.toContain('2025');
  });

  it('a credit code stored as a number says so; a wrong check character names the checksum', () => {
    expect(only({ creditCode: 913501001234567 })?.message).toMatch(/被 Excel 存成了数字.*文本/);
    const good = makeCreditCode(7);
    const wrong = good.slice(0, 17) + (good[17] === '0' ? '1' : '0');
    const result = run({ creditCode: wrong });
    expect(result.findings).toEqual([
      expect.objectContaining({ code: 'USCC_CHECKSUM', severity: 'error', column: 'creditCode' }),
    ]);
    expect(result.findings[0]?.message).toMatch(/校验位不正确/);
    expect(result.record).toBeNull();
    expect(result.creditCode).toBeUndefined();
  });

  it('a code registered with 民政 (51…) is named as such in the warning', () => {
    // GB 32100-2015 Annex A: authority 5 is 民政.
    expect(only({ creditCode: makeCreditCode(2, '350100', '51') })?.message).toMatch(
      /该单位为民政登记（机构类别 1），不是市场监管部门登记的企业（企业以 91 开头）/,
    );
  });

  it('a declaration cell with a formula error has that one finding, not a second', () => {
    expect(only({ voluntary: { error: '#N/A' } })?.code).toBe('CELL_ERROR');
    expect(only({ goodStanding: { error: '#REF!' } })?.code).toBe('CELL_ERROR');
  });

  it('a cell of only separators asks for at least one category', () => {
    expect(only({ categories: '、，' })).toMatchObject({
      code: 'CATEGORY_REQUIRED',
      message: '请至少选择一个企业类型。',
    });
  });
});
