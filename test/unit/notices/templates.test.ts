import { describe, expect, it } from 'vitest';
import defaultProgramme from '../../../data/programme-2024.json';
import {
  composeNotice,
  composeUndeliverable,
  composeUploadReport,
  type NoticeContext,
  renderNotice,
  type TraineeNoticeKind,
} from '../../../shared/domain/notices';
import { findClass, parseProgramme } from '../../../shared/domain/programme';
import { NOTICE_KINDS } from '../../../shared/domain/workflow';

const programme = parseProgramme(defaultProgramme);
const three = findClass(programme, 3);
if (!three) throw new Error('the 2024 programme has a class 3');

/** Fixed data for every kind: the snapshots show exactly what a trainee or a unit contact reads. */
const context = (kind: TraineeNoticeKind): NoticeContext => ({
  kind,
  traineeName: '张三',
  enterpriseName: '某科技有限公司',
  unitName: '北京市',
  programme,
  trainingClass: three,
  requestedClass: kind === 'assigned' ? 1 : 3,
  certificateNumber: 'LJRC-2024-03-0001',
  verificationCode: 'K7M2Q9XA',
  verificationUrl: 'https://console.example.org/verify/LJRC-2024-03-0001?code=K7M2Q9XA',
  downloadUrl: 'https://console.example.org/certificates/LJRC-2024-03-0001/certificate.pdf?expires=1&signature=s',
  downloadExpiresAt: '2024-11-16T02:00:00.000Z',
  reviewTimeoutDays: 30,
  reasons: ['UNEXCUSED_ABSENCE'],
  evaluationLink: 'https://console.example.org/evaluation/AbCdEf0123456789',
  evaluationExpiresAt: '2024-11-17T02:00:00.000Z',
  withdrawnBy: 'unit',
  rejectionReason: '企业不符合培训对象条件（非企业主要经营管理人员）',
});

const TRAINEE_KINDS: readonly TraineeNoticeKind[] = [...NOTICE_KINDS, 'class-reminder'];

function snapshotText(rendered: { subject: string; text: string; html: string }): string {
  return `Subject: ${rendered.subject}\n\n${rendered.text}\n\n----- HTML -----\n${rendered.html}\n`;
}

const uploadReport = () =>
  composeUploadReport({
    programme,
    unitName: '北京市经济和信息化局',
    uploadId: '0846c009-fdb3-4ec3-a21d-ccbb41ec4b85',
    fileName: '附件4-北京.xlsx',
    rows: 14,
    accepted: 11,
    errors: 12,
    firstProblems: Array.from({ length: 12 }, (_, index) => ({
      code: index % 2 ? 'MOBILE_FORMAT' : 'ID_CHECKSUM',
      message: index % 2 ? '手机号码应为11位数字' : '身份证号码校验位不正确',
      row: index + 3,
      column: index % 2 ? '手机' : '身份证号码',
    })),
    reportUrl: 'https://api.example.org/uploads/0846c009-fdb3-4ec3-a21d-ccbb41ec4b85/report',
  });

describe('notice templates (zh-CN, subject + text + HTML), snapshot per kind', () => {
  for (const kind of TRAINEE_KINDS) {
    it(`trainee: ${kind}`, async () => {
      const rendered = renderNotice(composeNotice(context(kind)), programme);
      await expect(snapshotText(rendered)).toMatchFileSnapshot(`__snapshots__/trainee-${kind}.txt`);
    });
  }
  it('trainee: withdrawn by staff says so', async () => {
    const rendered = renderNotice(composeNotice({ ...context('withdrawn'), withdrawnBy: 'staff' }), programme);
    await expect(snapshotText(rendered)).toMatchFileSnapshot('__snapshots__/trainee-withdrawn-by-staff.txt');
  });
  it('unit: upload report', async () => {
    await expect(snapshotText(renderNotice(uploadReport(), programme))).toMatchFileSnapshot(
      '__snapshots__/unit-upload-report.txt',
    );
  });
  for (const reason of ['bounce', 'complaint'] as const) {
    it(`unit: undeliverable (${reason})`, async () => {
      const rendered = renderNotice(
        composeUndeliverable({
          programme,
          unitName: '北京市经济和信息化局',
          traineeName: '张三',
          enterpriseName: '某科技有限公司',
          reason,
        }),
        programme,
      );
      await expect(snapshotText(rendered)).toMatchFileSnapshot(`__snapshots__/unit-undeliverable-${reason}.txt`);
    });
  }
});

describe('what the templates must say', () => {
  const text = (kind: TraineeNoticeKind, extra: Partial<NoticeContext> = {}) =>
    renderNotice(composeNotice({ ...context(kind), ...extra }), programme).text;

  it('every mail names the sender office and the programme’s contact mailbox (notice 三、联系方式)', () => {
    const all = [
      ...TRAINEE_KINDS.map((kind) => text(kind)),
      renderNotice(uploadReport(), programme).text,
      renderNotice(
        composeUndeliverable({ programme, unitName: 'u', traineeName: 't', enterpriseName: 'e', reason: 'bounce' }),
        programme,
      ).text,
    ];
    for (const mail of all) {
      expect(mail).toContain('工业和信息化部人才交流中心');
      expect(mail).toContain('leader@miitec.org.cn');
    }
  });

  it('assigned and the reminder carry class, dates, venue, what to bring, 脱产 for the four days and notice 二(三)', () => {
    for (const kind of ['assigned', 'class-reminder'] as const) {
      const mail = text(kind);
      expect(mail, kind).toContain(`第3期「${three.theme}」`);
      expect(mail, kind).toContain(`${three.startDate}至${three.endDate}`);
      expect(mail, kind).toContain(three.venue);
      expect(mail, kind).toContain('身份证件');
      expect(mail, kind).toContain('培训为期4天');
      expect(mail, kind).toContain('脱产');
      expect(mail, kind).toContain('签到');
      expect(mail, kind).toContain('不参加聚餐、饮酒');
      expect(mail, kind).toContain('通过地方中小企业主管部门请假并向所在班级报备');
    }
  });

  it('assigned to another class than requested says so; the reminder 3 days ahead says when', () => {
    expect(text('assigned', { requestedClass: 1 })).toContain('与意向期次不同');
    expect(text('class-reminder')).toContain('3天后开班');
  });

  it('rejected gives the reason; withdrawn says who withdrew', () => {
    expect(text('rejected')).toContain('审核意见：企业不符合培训对象条件');
    expect(text('withdrawn', { withdrawnBy: 'unit' })).toContain('推荐单位北京市中小企业主管部门已撤回');
    expect(text('withdrawn', { withdrawnBy: 'staff' })).toContain('项目组织方（工业和信息化部人才交流中心）已撤回');
  });

  it('the upload report lists the first 10 problems by row and column, how to fix them, and how to open the report', () => {
    const mail = renderNotice(uploadReport(), programme).text;
    expect(mail).toContain('共 14 行，登记成功 11 行，错误 12 条');
    expect(mail).toContain('前 10 条错误');
    expect(mail).toContain('1. 第3行「身份证号码」列：身份证号码校验位不正确（ID_CHECKSUM）');
    expect(mail).toContain('10. 第12行「手机」列');
    expect(mail).not.toContain('11. ');
    expect(mail).toContain('重新上传');
    expect(mail).toContain('须以本单位账号登录后查看');
    expect(mail).toContain('Authorization: Bearer');
    expect(mail).toContain('/uploads/0846c009-fdb3-4ec3-a21d-ccbb41ec4b85/report');
  });

  it('the undeliverable notice names the unit’s trainee and what to correct, but no address', () => {
    const mail = renderNotice(
      composeUndeliverable({
        programme,
        unitName: '北京市经济和信息化局',
        traineeName: '张三',
        enterpriseName: '某科技有限公司',
        reason: 'bounce',
      }),
      programme,
    ).text;
    expect(mail).toContain('张三（某科技有限公司）');
    expect(mail).toContain('电子邮箱');
    expect(mail).toContain('重新上传');
    expect(mail).not.toMatch(/@(?!miitec\.org\.cn)/);
  });
});
