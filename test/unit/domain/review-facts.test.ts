import { describe, expect, it } from 'vitest';
import { REVIEW_WARNING_CODES, reviewFacts } from '../../../shared/domain/review-facts';
import type { Registration } from '../../../shared/domain/trainee-registration';
import { summarise } from '../../../shared/domain/trainee-registration';

const nominee: Registration = {
  registrationId: 'R2024-310000-AAAA',
  year: 2024,
  unit: '310000',
  status: 'nominated',
  uploadId: 'u-7',
  row: 5,
  trainee: {
    name: '李四',
    gender: '男',
    ethnicity: '汉族',
    birthDate: '1980-01-01',
    idNumber: '11010519491231002X',
    politicalStatus: '群众',
    education: '大学本科',
    enterpriseName: '上海示例精密机械有限公司',
    creditCode: '91310000MA1FL0000X',
    position: '总经理',
    isTopPerson: false,
    categories: ['其他'],
    industry: '通用设备制造业',
    employees: 230,
    revenue: 12800.5,
    mobile: '13812341234',
    email: 'lisi@example.com',
    preferredClass: 3,
    remarks: '董事长年内出访，由总经理参训；企业为省级专精特新中小企业',
    reviewNotes: ['NOT_TOP_PERSON', 'USCC_NOT_ENTERPRISE'],
  },
  createdAt: '2024-08-20T03:00:00.000Z',
  updatedAt: '2024-08-20T03:00:00.000Z',
};

describe('review facts: what a reviewer weighs (notice 一(二))', () => {
  it('gives top person or not with the reason from 备注, the enterprise, the declarations and the upload', () => {
    const facts = reviewFacts(nominee, { fileName: '上海-报名表.xlsx', createdAt: '2024-08-20T02:58:00.000Z' });
    expect(facts.topPerson).toEqual({
      title: '企业一把手',
      isTopPerson: false,
      label: '否',
      position: '总经理',
      reason: '董事长年内出访，由总经理参训；企业为省级专精特新中小企业',
    });
    expect(facts.enterprise).toMatchObject({
      name: '上海示例精密机械有限公司',
      creditCode: '91310000MA1FL0000X',
      categories: ['其他'],
      categoryReason: '董事长年内出访，由总经理参训；企业为省级专精特新中小企业',
      industry: '通用设备制造业',
      employees: 230,
      revenue: 12800.5,
      revenueUnit: '万元',
    });
    expect(facts.declarations).toMatchObject({
      voluntary: { label: '自愿参训声明', declared: true },
      goodStanding: { label: '无违法违规记录声明', declared: true },
      declaredIn: { uploadId: 'u-7', row: 5 },
    });
    expect(facts.upload).toMatchObject({
      uploadId: 'u-7',
      fileName: '上海-报名表.xlsx',
      row: 5,
      uploadedAt: '2024-08-20T02:58:00.000Z',
      recordedAt: '2024-08-20T03:00:00.000Z',
    });
  });

  it('explains each warning code in zh-CN and keeps the code', () => {
    const { warnings } = reviewFacts(nominee);
    expect(warnings).toEqual([
      { code: 'NOT_TOP_PERSON', message: '非企业一把手，已说明理由，待审核' },
      {
        code: 'USCC_NOT_ENTERPRISE',
        message: '统一社会信用代码表明不是市场监管部门登记的企业（第 1–2 位不是 91/92/93），待审核',
      },
    ]);
    // A code a later version added (read by an older function) is shown, not dropped.
    const future = { ...nominee, trainee: { ...nominee.trainee, reviewNotes: ['SOMETHING_NEW' as never] } };
    expect(reviewFacts(future).warnings).toEqual([{ code: 'SOMETHING_NEW', message: null }]);
  });

  it('gives no reason for a top person, and no category reason beside a listed category', () => {
    const top = {
      ...nominee,
      trainee: {
        ...nominee.trainee,
        isTopPerson: true,
        categories: ['高新技术企业', '其他'] as Registration['trainee']['categories'],
        remarks: '另有说明',
        reviewNotes: undefined,
      },
    };
    const facts = reviewFacts(top);
    expect(facts.topPerson).toMatchObject({ isTopPerson: true, label: '是', reason: null });
    expect(facts.enterprise.categoryReason).toBeNull();
    expect(facts.warnings).toEqual([]);
    expect(facts.remarks).toBe('另有说明');
    expect(facts.upload).toMatchObject({ fileName: null, uploadedAt: null });
  });

  it('is in the list summary, without any personal value', () => {
    const summary = summarise(nominee, { fileName: 'f.csv', createdAt: '2024-08-20T02:58:00.000Z' });
    expect(summary.reviewFacts.upload.fileName).toBe('f.csv');
    expect(summary.reviewNotes).toEqual(['NOT_TOP_PERSON', 'USCC_NOT_ENTERPRISE']);
    const text = JSON.stringify(summary.reviewFacts);
    expect(text).not.toContain('11010519491231002X');
    expect(text).not.toContain('13812341234');
    expect(text).not.toContain('lisi@example.com');
  });

  it('lets the list filter by exactly the row-level warnings of the catalogue', () => {
    expect([...REVIEW_WARNING_CODES].sort()).toEqual(
      ['ID_AGE_UNUSUAL', 'NOT_TOP_PERSON', 'UNIT_NAME_MISMATCH', 'USCC_NOT_ENTERPRISE'].sort(),
    );
  });
});
