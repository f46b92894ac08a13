import { describe, expect, it } from 'vitest';
import defaultProgramme from '../../../data/programme-2024.json';
import {
  addressHash,
  classesToRemind,
  composeEvaluationReminder,
  composeNotice,
  composeUploadReport,
  type NoticeContext,
  type ReportedProblem,
  type TraineeNoticeKind,
  renderHtml,
} from '../../../shared/domain/notices';
import { findClass, parseProgramme } from '../../../shared/domain/programme';

// The 2024 sample programme: class 3 is 「促进大中小企业融通创新」 at 上海交通大学, Shanghai, 14–17 October 2024.
const programme = parseProgramme(defaultProgramme);
const three = findClass(programme, 3);
const base = { traineeName: '张三', enterpriseName: '某科技有限公司', unitName: '北京市', programme };
const compose = (kind: TraineeNoticeKind, extra: Partial<NoticeContext> = {}) =>
  composeNotice({ kind, ...base, ...extra });
const GREETING = '张三（某科技有限公司）：';
const CLASS_LINE =
  '第3期「促进大中小企业融通创新」，2024-10-14至2024-10-17，上海·上海交通大学（示例场地）（承办：上海交通大学）。';

describe('what each notice leaves out when there is nothing to say', () => {
  it('rejected: the staff’s reason only when they gave one', () => {
    expect(compose('rejected').paragraphs).toEqual([
      GREETING,
      '很遗憾，您的报名未能通过审核，名额已退回北京市。',
      '如有疑问请联系推荐单位。',
    ]);
    expect(compose('rejected', { rejectionReason: '非企业负责人' }).paragraphs[2]).toBe('审核意见：非企业负责人');
  });

  it('assigned: the 4-day full-time paragraph only with a class, the difference only when there is one', () => {
    const assigned = compose('assigned', { trainingClass: three, requestedClass: 3 }).paragraphs;
    expect(assigned.slice(0, 3)).toEqual([
      GREETING,
      `您的报名已通过审核，安排参加${CLASS_LINE}`,
      // 14 to 17 October, both days counted: 4 days.
      '培训为期4天（2024-10-14至2024-10-17），为脱产学习，请提前安排好工作，全程参加。',
    ]);
    const withoutClass = compose('assigned').paragraphs;
    expect(withoutClass[1]).toBe('您的报名已通过审核，安排参加');
    expect(withoutClass.some((paragraph) => paragraph.includes('脱产'))).toBe(false);
    expect(withoutClass).toHaveLength(assigned.length - 1);
  });

  it('class-reminder: the full-time paragraph only with a class', () => {
    const reminder = compose('class-reminder', { trainingClass: three }).paragraphs;
    expect(reminder[1]).toBe(`您参加的${CLASS_LINE}将于3天后开班，请按时报到。`);
    expect(reminder[2]).toContain('培训为期4天');
    const withoutClass = compose('class-reminder').paragraphs;
    expect(withoutClass).toHaveLength(reminder.length - 1);
    expect(withoutClass.some((paragraph) => paragraph.includes('脱产'))).toBe(false);
  });

  it('incomplete: no brackets without reasons; an unknown code is given as it is', () => {
    expect(compose('incomplete', { trainingClass: three }).paragraphs[1]).toBe(
      `根据考勤记录，您未达到${CLASS_LINE}的结业要求，本次不颁发结业证书。如有疑问请联系推荐单位。`,
    );
    expect(compose('incomplete', { trainingClass: three, reasons: ['NEW_RULE', 'TOO_LATE'] }).paragraphs[1]).toContain(
      '根据考勤记录（NEW_RULE、迟到次数超过规定），',
    );
  });

  it('certified: the number, download and verification paragraphs only when there is something to give', () => {
    expect(compose('certified', { trainingClass: three }).paragraphs).toEqual([
      GREETING,
      `祝贺您完成${CLASS_LINE}结业证书已颁发。`,
      '欢迎对课程设置、师资力量、组织管理、实际效果进行评价。',
    ]);
    const full = compose('certified', {
      trainingClass: three,
      certificateNumber: 'LJRC-2024-03-0017',
      verificationCode: 'K7M2Q9XA',
      downloadUrl: 'https://cert.example.cn/d/1',
      // 16:30 UTC on 17 November is 00:30 on 18 November in Beijing.
      downloadExpiresAt: '2024-11-17T16:30:00Z',
      verificationUrl: 'https://cert.example.cn/verify',
    }).paragraphs;
    expect(full.slice(2, 5)).toEqual([
      '证书编号：LJRC-2024-03-0017　验证码：K7M2Q9XA',
      '下载电子证书（PDF，链接有效期至 2024-11-18）：https://cert.example.cn/d/1',
      '任何人可凭证书编号和验证码在此核验证书真伪：https://cert.example.cn/verify',
    ]);
    const bare = compose('certified', {
      trainingClass: three,
      certificateNumber: 'LJRC-2024-03-0017',
      downloadUrl: 'https://cert.example.cn/d/1',
    }).paragraphs;
    expect(bare[2]).toBe('证书编号：LJRC-2024-03-0017　验证码：');
    expect(bare[3]).toBe('下载电子证书（PDF，链接有效期至 ）：https://cert.example.cn/d/1');
  });

  it('withdrawn: says who withdrew it', () => {
    expect(compose('withdrawn', { withdrawnBy: 'staff' }).paragraphs[1]).toBe(
      '项目组织方（工业和信息化部人才交流中心）已撤回您的报名，名额已退回北京市。',
    );
    expect(compose('withdrawn', { withdrawnBy: 'unit' }).paragraphs[1]).toBe(
      '推荐单位北京市中小企业主管部门已撤回您的报名，名额已释放。',
    );
  });
});

describe('the evaluation reminder without a class, a link or an expiry', () => {
  it('speaks of the class attended and says the link is single-use', () => {
    const notice = composeEvaluationReminder(base);
    expect(notice.paragraphs[0]).toBe(GREETING);
    expect(notice.paragraphs[1]).toBe('您尚未对所参加的培训班进行评价。您的意见对改进培训十分重要，诚邀您抽空填写。');
    expect(notice.paragraphs).toHaveLength(6);
    expect(notice.paragraphs[3]).toBe('只能提交一次，请勿转发。');
  });
});

describe('links in the HTML part', () => {
  it('makes http:// links clickable as well as https://', () => {
    expect(renderHtml({ subject: 's', paragraphs: ['见 http://x.example/a 。'] }, 'f')).toContain(
      '<p>见 <a href="http://x.example/a">http://x.example/a</a> 。</p>',
    );
  });
});

describe('the upload report mail', () => {
  const report = (errors: number, problems: readonly ReportedProblem[]) =>
    composeUploadReport({
      programme,
      unitName: '北京市',
      uploadId: 'u-1',
      fileName: 'a.xlsx',
      rows: 20,
      accepted: 20 - errors,
      errors,
      firstProblems: problems,
      reportUrl: 'https://api.example.cn/uploads/u-1/report',
    }).paragraphs;
  const problem = (n: number): ReportedProblem => ({ code: 'ID_CHECKSUM', message: '校验码错误', row: n + 1 });

  it('says there is nothing to do when every row was recorded', () => {
    const paragraphs = report(0, []);
    expect(paragraphs[2]).toBe('全部行均已登记，无需处理。');
    expect(paragraphs).toHaveLength(4);
  });

  it('lists all errors when they fit, the first 10 of more, each with where it is', () => {
    const all = report(4, [
      { code: 'NAME_REQUIRED', message: '姓名必填', row: 3, column: '姓名' },
      { code: 'NO_DATA_ROWS', message: '没有数据行' },
      { code: 'HEADER_MISSING', message: '缺少列', column: '手机' },
      { code: 'ID_CHECKSUM', message: '校验码错误', row: 7 },
    ]);
    expect(all.slice(2, 7)).toEqual([
      '全部错误：',
      '1. 第3行「姓名」列：姓名必填（NAME_REQUIRED）',
      '2. 文件：没有数据行（NO_DATA_ROWS）',
      '3. 「手机」列：缺少列（HEADER_MISSING）',
      '4. 第7行：校验码错误（ID_CHECKSUM）',
    ]);
    const many = report(
      12,
      Array.from({ length: 12 }, (_, index) => problem(index + 1)),
    );
    expect(many[2]).toBe('前 10 条错误：');
    expect(many.filter((paragraph) => /^\d+\. /.test(paragraph))).toHaveLength(10);
    expect(
      report(
        10,
        Array.from({ length: 10 }, (_, index) => problem(index + 1)),
      )[2],
    ).toBe('全部错误：');
  });
});

describe('addressHash', () => {
  it('is the SHA-256 of the trimmed, lower-cased address (FIPS 180-2 vector for "abc")', () => {
    const abc = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';
    expect(addressHash('abc')).toBe(abc);
    expect(addressHash('  ABC \n')).toBe(abc);
  });
});

describe('classesToRemind: from 3 days before a class starts until it starts (midnight Beijing time)', () => {
  // Class 3 starts 2024-10-14 00:00 +08:00 = 2024-10-13T16:00Z; three days before is 2024-10-10T16:00Z.
  const numbers = (iso: string) => classesToRemind(programme, new Date(iso)).map((c) => c.number);

  it('includes a class from the first instant of its window to the last before it starts', () => {
    expect(numbers('2024-10-10T15:59:59.999Z')).toEqual([]);
    expect(numbers('2024-10-10T16:00:00.000Z')).toEqual([3]);
    expect(numbers('2024-10-13T15:59:59.999Z')).toEqual([3]);
    expect(numbers('2024-10-13T16:00:00.000Z')).toEqual([]);
  });
});
