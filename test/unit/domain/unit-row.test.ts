import { describe, expect, it, vi } from 'vitest';
import type { RowLocation } from '../../../shared/domain/registration/row-checker';
import { validateUnitRow } from '../../../shared/domain/registration/unit-row';
import { validUnit } from '../../fixtures/registration-data';

/**
 * 附件3, one row per unit (docs/domain-rules.md, "附件3 信息表"): the record an accepted row becomes, and the
 * checks of each column. Unit codes and names are GB/T 2260's; the short forms are how offices write their names.
 */
const location: RowLocation = { sheet: '推荐单位信息表', row: 4, columnOf: (key) => `${key} (B)` };
const codesOf = (patch: Record<string, unknown>) =>
  validateUnitRow({ ...validUnit(), ...patch } as never, location).findings.map((f) => `${f.code}@${f.column}`);

describe('validateUnitRow: the record', () => {
  it('keeps every column, tidied: name padding, spaces in the code, the mobile’s +86 and the e-mail’s case', () => {
    const result = validateUnitRow(
      {
        unitName: ' 北京市经济和信息化局 ',
        unitCode: ' 110 000 ',
        contactName: '王　五',
        contactPosition: '处长',
        mobile: '+86 139 1234 5678',
        officePhone: '010-68205000',
        email: ' Contact@Example.gov.cn ',
        recommendedCount: '25人',
        remarks: '  另有 2 人待定 ',
      },
      location,
    );
    expect(result).toEqual({
      findings: [],
      record: {
        row: 4,
        unitName: '北京市经济和信息化局',
        unitCode: '110000',
        contactName: '王五',
        contactPosition: '处长',
        mobile: '13912345678',
        officePhone: '010-68205000',
        email: 'contact@example.gov.cn',
        recommendedCount: 25,
        remarks: '另有 2 人待定',
      },
    });
  });

  it('leaves the optional columns empty: no position, office phone, count or remarks', () => {
    const result = validateUnitRow(
      { ...validUnit(), contactPosition: null, officePhone: '', recommendedCount: null, remarks: null },
      location,
    );
    expect(result.findings).toEqual([]);
    expect(result.record).toMatchObject({ contactPosition: '', officePhone: '', recommendedCount: null, remarks: '' });
  });

  it('keeps no record when a required column is empty', () => {
    for (const key of ['unitName', 'unitCode', 'contactName', 'mobile', 'email']) {
      const result = validateUnitRow({ ...validUnit(), [key]: '' }, location);
      expect(result.record, key).toBeNull();
      expect(
        result.findings.map((f) => `${f.code}@${f.column}`),
        key,
      ).toEqual([`REQUIRED@${key} (B)`]);
    }
  });
});

describe('validateUnitRow: unit code and name', () => {
  it('names the unknown code, with the value, and keeps no record', () => {
    const result = validateUnitRow({ ...validUnit(), unitCode: '110100' }, location);
    expect(result.record).toBeNull();
    expect(result.findings).toEqual([
      expect.objectContaining({
        code: 'UNIT_CODE_UNKNOWN',
        severity: 'error',
        column: 'unitCode (B)',
        value: '110100',
        message: expect.stringContaining('37'),
      }),
    ]);
  });

  it.each([
    ['450000', '广西工业和信息化厅'],
    ['450000', '广西壮族自治区工业和信息化厅'],
    ['640000', '宁夏工业和信息化厅'],
    ['650000', '新疆工业和信息化厅'],
    ['150000', '内蒙古工业和信息化厅'],
    ['540000', '西藏经济和信息化厅'],
    ['440000', '广东工信厅'],
    ['110000', '北京经信局'],
    ['440300', '深圳工信局'],
    ['660000', '新疆生产建设兵团工业和信息化局'],
  ])('accepts %s with the name %s (the short name of the unit)', (unitCode, unitName) => {
    const result = validateUnitRow({ ...validUnit(), unitCode, unitName }, location);
    expect(result.findings).toEqual([]);
    expect(result.record).toMatchObject({ unitCode, unitName });
  });

  it.each([
    ['450000', '广东省工业和信息化厅'],
    ['440000', '深圳市工业和信息化局'],
    ['110000', '首都经信局'],
  ])('warns when %s is given the name %s, naming the code’s unit, and still keeps the record', (unitCode, unitName) => {
    const result = validateUnitRow({ ...validUnit(), unitCode, unitName }, location);
    expect(result.findings).toEqual([
      expect.objectContaining({
        code: 'UNIT_NAME_MISMATCH',
        severity: 'warning',
        column: 'unitName (B)',
        value: unitName,
        message: expect.stringContaining(unitCode),
      }),
    ]);
    expect(result.record).toMatchObject({ unitCode, unitName });
  });

  it('checks the short name from a fresh module (the pattern is a module constant)', async () => {
    vi.resetModules();
    const fresh = await import('../../../shared/domain/registration/unit-row');
    const mismatch = (unitCode: string, unitName: string) =>
      fresh.validateUnitRow({ ...validUnit(), unitCode, unitName }, location).findings.map((f) => f.code);
    expect(mismatch('450000', '广西工信厅')).toEqual([]);
    expect(mismatch('640000', '宁夏工信厅')).toEqual([]);
    expect(mismatch('650000', '新疆工信厅')).toEqual([]);
    expect(mismatch('150000', '内蒙古工信厅')).toEqual([]);
    expect(mismatch('440000', '广东工信厅')).toEqual([]);
    expect(mismatch('440300', '深圳工信局')).toEqual([]);
    expect(mismatch('660000', '兵团工信局')).toEqual(['UNIT_NAME_MISMATCH']);
    expect(mismatch('440000', '广州工信局')).toEqual(['UNIT_NAME_MISMATCH']);
  });
});

describe('validateUnitRow: contacts and count', () => {
  it.each([
    [{ mobile: '010-68205000' }, 'MOBILE_FORMAT@mobile (B)', '手机号码'],
    [{ officePhone: '68205' }, 'PHONE_FORMAT@officePhone (B)', '办公电话'],
    [{ email: 'contact.example.gov.cn' }, 'EMAIL_FORMAT@email (B)', '电子邮箱'],
  ])('%o → %s, naming the column %s, and no record', (patch, finding, column) => {
    expect(codesOf(patch)).toEqual([finding]);
    const result = validateUnitRow({ ...validUnit(), ...patch }, location);
    expect(result.record).toBeNull();
    expect(result.findings[0]?.message).toContain(column);
  });

  it.each<[unknown, number]>([
    [0, 0],
    [25, 25],
    ['0', 0],
    ['25', 25],
    ['1,200人', 1200],
    ['３０名', 30],
  ])('reads the count %j as %d', (recommendedCount, count) => {
    const result = validateUnitRow({ ...validUnit(), recommendedCount } as never, location);
    expect(result.findings).toEqual([]);
    expect(result.record?.recommendedCount).toBe(count);
  });

  it.each<[unknown]>([[-1], [2.5], ['2.5'], ['-1'], ['二十'], ['约 20']])(
    'refuses the count %j: a whole number not below 0',
    (recommendedCount) => {
      const result = validateUnitRow({ ...validUnit(), recommendedCount } as never, location);
      expect(result.findings).toEqual([
        expect.objectContaining({
          code: 'NUMBER_FORMAT',
          severity: 'error',
          column: 'recommendedCount (B)',
          value: String(recommendedCount),
          message: expect.stringContaining('推荐人数'),
        }),
      ]);
      expect(result.record).toBeNull();
    },
  );
});
