import { describe, expect, it } from 'vitest';
import { type RowLocation, validateTraineeRow, validateUnitRow } from '../../../shared/domain/registration/index';
import { CLASS_NUMBERS, validTrainee, validUnit } from '../../fixtures/registration-data';

const location: RowLocation = { sheet: '学员报名表', row: 7, columnOf: (key) => `${key} (X)` };
const rules = { classNumbers: CLASS_NUMBERS, today: '2024-08-24' };

describe('validateTraineeRow', () => {
  it('normalises an accepted row', () => {
    const result = validateTraineeRow(
      {
        ...validTrainee(1),
        name: '张　三',
        idNumber: validTrainee(1).idNumber?.toString().toLowerCase() ?? null,
        mobile: '+86 138-1000-0001',
        email: ' Trainee1@Example.com ',
        categories: '专精特新“小巨人”企业\n高新技术企业',
        isTopPerson: true,
        preferredClass: '第3期',
        employees: '1,200人',
        revenue: '',
        voluntary: 'Y',
      },
      location,
      rules,
    );
    expect(result.findings).toEqual([]);
    expect(result.record).toMatchObject({
      row: 7,
      name: '张三',
      mobile: '13810000001',
      email: 'trainee1@example.com',
      categories: ['专精特新"小巨人"企业', '高新技术企业'],
      isTopPerson: true,
      preferredClass: 3,
      employees: 1200,
      revenue: null,
      voluntary: true,
    });
  });

  it('carries sheet, row and column on every finding', () => {
    const { findings } = validateTraineeRow({ ...validTrainee(1), mobile: '123' }, location, rules);
    expect(findings).toEqual([
      expect.objectContaining({
        code: 'MOBILE_FORMAT',
        sheet: '学员报名表',
        row: 7,
        column: 'mobile (X)',
        value: '1****3',
      }),
    ]);
  });

  it('accepts 其他 alone when 备注 gives the reason, and 其他 beside a listed category without one', () => {
    const otherWithReason = validateTraineeRow(
      { ...validTrainee(1), categories: '其他', remarks: '省级专精特新中小企业（2023 年认定）' },
      location,
      rules,
    );
    expect(otherWithReason.findings).toEqual([]);
    expect(otherWithReason.record?.categories).toEqual(['其他']);
    const otherBesideListed = validateTraineeRow(
      { ...validTrainee(1), categories: '高新技术企业、其他', remarks: '' },
      location,
      rules,
    );
    expect(otherBesideListed.findings).toEqual([]);
  });

  it('refuses 其他 alone without a reason, pointing at 备注', () => {
    const result = validateTraineeRow({ ...validTrainee(1), categories: '其他', remarks: '' }, location, rules);
    expect(result.record).toBeNull();
    expect(result.findings).toEqual([
      expect.objectContaining({ code: 'OTHER_CATEGORY_REASON_REQUIRED', severity: 'error', column: 'remarks (X)' }),
    ]);
  });

  it('keeps valid dedup keys even when the row has other errors', () => {
    const result = validateTraineeRow({ ...validTrainee(1), email: 'x' }, location, rules);
    expect(result.record).toBeNull();
    expect(result.idNumber).toBe(validTrainee(1).idNumber);
    expect(result.creditCode).toBe(validTrainee(1).creditCode);
  });

  it('accepts a row with only a NOT_TOP_PERSON warning', () => {
    const result = validateTraineeRow(
      { ...validTrainee(1), isTopPerson: '否', remarks: '一把手年事已高' },
      location,
      rules,
    );
    expect(result.findings.map((f) => [f.code, f.severity])).toEqual([['NOT_TOP_PERSON', 'warning']]);
    expect(result.record?.isTopPerson).toBe(false);
  });
});

describe('validateUnitRow', () => {
  it('accepts the unit form', () => {
    const result = validateUnitRow(validUnit(), location);
    expect(result.findings).toEqual([]);
    expect(result.record).toMatchObject({ unitCode: '110000', mobile: '13912345678', recommendedCount: 25 });
  });

  it.each([
    [{ unitName: '' }, 'REQUIRED', 'error'],
    [{ contactName: null }, 'REQUIRED', 'error'],
    [{ unitCode: '110001' }, 'UNIT_CODE_UNKNOWN', 'error'],
    [{ unitName: '上海市经济和信息化委员会' }, 'UNIT_NAME_MISMATCH', 'warning'],
    [{ mobile: '68205000' }, 'MOBILE_FORMAT', 'error'],
    [{ officePhone: '123' }, 'PHONE_FORMAT', 'error'],
    [{ email: 'contact@' }, 'EMAIL_FORMAT', 'error'],
    [{ recommendedCount: '二十' }, 'NUMBER_FORMAT', 'error'],
    [{ remarks: '备'.repeat(501) }, 'TEXT_TOO_LONG', 'error'],
  ] as const)('%o → %s', (patch, code, severity) => {
    const result = validateUnitRow({ ...validUnit(), ...patch }, location);
    expect(result.findings.map((f) => [f.code, f.severity])).toEqual([[code, severity]]);
    expect(result.record === null).toBe(severity === 'error');
  });

  it('matches short province names: 广西 for 广西壮族自治区', () => {
    const result = validateUnitRow({ ...validUnit(), unitCode: '450000', unitName: '广西工业和信息化厅' }, location);
    expect(result.findings).toEqual([]);
  });
});
