import { describe, expect, it } from 'vitest';
import { SAMPLE_DATA_NOTICE } from '../../../shared/domain/classes/class-view';
import type { Registration } from '../../../shared/domain/trainee-registration';
import { registrationExportTable } from '../../../shared/exports/registration-export';

const ID = '11010519491231002X';
const MOBILE = '13812345678';
const EMAIL = 'zhangsan@example.com';

/** A registration as a list reads it from an index: masked forms only, no personal map. */
const fromIndex: Registration = {
  registrationId: 'R2024-110000-0001',
  year: 2024,
  unit: '110000',
  status: 'assigned',
  uploadId: 'u1',
  row: 5,
  classNumber: 3,
  createdAt: '2024-05-01T02:00:00.000Z',
  updatedAt: '2024-05-02T10:30:00.000Z',
  masked: { idNumber: '110105********002X', mobile: '138****5678', email: 'z***@example.com' },
  trainee: {
    name: '张三',
    gender: '男',
    ethnicity: '汉族',
    birthDate: '1949-12-31',
    politicalStatus: '中共党员',
    education: '硕士研究生',
    enterpriseName: '测试科技（北京）有限公司',
    creditCode: '91350100M000000026',
    position: '总经理',
    isTopPerson: false,
    categories: ['专精特新中小企业', '高新技术企业'],
    industry: '通用设备制造业',
    employees: 120,
    revenue: 8500.5,
    preferredClass: 3,
    remarks: `非一把手，董事长另有安排；联系人手机 13698765432`,
    reviewNotes: ['NOT_TOP_PERSON'],
  } as unknown as Registration['trainee'],
};
const byKey: Registration = {
  ...fromIndex,
  trainee: { ...fromIndex.trainee, idNumber: ID, mobile: MOBILE, email: EMAIL },
};

const cells = (registration: Registration, values: 'masked' | 'full', sampleData = false) => {
  const table = registrationExportTable({
    registrations: [registration],
    values,
    filters: '年度 2024',
    generatedAt: '2024-05-03T01:00:00.000Z',
    sampleData,
  });
  return {
    table,
    row: Object.fromEntries(table.columns.map((column) => [column.header, column.value(registration)])),
  };
};

describe('the registrations export table', () => {
  it('shows every field a reviewer works with, status and warnings in words, times in Beijing time', () => {
    const { row } = cells(fromIndex, 'masked');
    expect(row).toMatchObject({
      推荐单位: '北京市',
      状态: '已分班',
      姓名: '张三',
      是否企业一把手: '否',
      企业类型: '专精特新中小企业、高新技术企业',
      从业人数: 120,
      '营业收入（万元）': 8500.5,
      分班期次: 3,
      审核提示: '非企业一把手，已说明理由，待审核（NOT_TOP_PERSON）',
      报名时间: '2024-05-01 10:00',
      更新时间: '2024-05-02 18:30',
    });
  });

  it('masks the ID number, mobile and email, and any such value typed into another cell', () => {
    const { row, table } = cells(fromIndex, 'masked');
    expect([row.身份证号, row.手机号码, row.电子邮箱]).toEqual([
      '110105********002X',
      '138****5678',
      'z***@example.com',
    ]);
    expect(row.备注).toBe('非一把手，董事长另有安排；联系人手机 136****5432');
    expect(table.notes.join('\n')).toMatch(/已脱敏/);
  });

  it('masks values read by key too when the export is masked', () => {
    const { row } = cells({ ...byKey, masked: undefined }, 'masked');
    expect([row.身份证号, row.手机号码, row.电子邮箱]).toEqual([
      '110105********002X',
      '138****5678',
      'z***@example.com',
    ]);
  });

  it('shows the values themselves in a full export, and says so above the table', () => {
    const { row, table } = cells(byKey, 'full');
    expect([row.身份证号, row.手机号码, row.电子邮箱]).toEqual([ID, MOBILE, EMAIL]);
    expect(table.notes.join('\n')).toMatch(/完整的身份证号、手机号码和电子邮箱/);
  });

  it('carries the sample-data notice while the programme is the shipped sample, and not otherwise', () => {
    expect(cells(fromIndex, 'masked', true).table.notes.join('\n')).toContain(SAMPLE_DATA_NOTICE);
    expect(cells(fromIndex, 'masked', false).table.notes.join('\n')).not.toContain(SAMPLE_DATA_NOTICE);
  });
});
