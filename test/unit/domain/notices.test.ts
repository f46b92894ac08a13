import { describe, expect, it } from 'vitest';
import defaultProgramme from '../../../data/programme-2024.json';
import { composeNotice, type NoticeContext, renderHtml, renderText } from '../../../shared/domain/notices';
import { findClass, parseProgramme } from '../../../shared/domain/programme';
import { NOTICE_KINDS, type NoticeKind } from '../../../shared/domain/workflow';

const programme = parseProgramme(defaultProgramme);
const classOf = (number: number) => {
  const found = findClass(programme, number);
  if (!found) throw new Error(`no class ${number}`);
  return found;
};
const compose = (kind: NoticeKind, extra: Partial<NoticeContext> = {}) =>
  composeNotice({
    kind,
    traineeName: '张三',
    enterpriseName: '某科技有限公司',
    unitName: '北京市',
    programme,
    ...extra,
  });
const textOf = (notice: { subject: string; paragraphs: readonly string[] }) =>
  [notice.subject, ...notice.paragraphs].join('\n');
/** How the rejection notice says it: the words other notices must not borrow. */
const REJECTION_WORDS = /很遗憾，您的报名未能通过审核|审核未能通过|未能通过审核|被拒绝|驳回/;

describe('notices to trainees', () => {
  it('has words for every notice kind, each with its own subject, addressed to the trainee', () => {
    const subjects = NOTICE_KINDS.map((kind) => compose(kind, { trainingClass: classOf(3) }).subject);
    expect(new Set(subjects).size).toBe(NOTICE_KINDS.length);
    for (const kind of NOTICE_KINDS) {
      const notice = compose(kind, { trainingClass: classOf(3) });
      expect(notice.subject, kind).toContain('2024年度中小企业经营管理领军人才培训');
      expect(notice.paragraphs[0], kind).toBe('张三（某科技有限公司）：');
    }
  });

  describe('assigned', () => {
    it('names the class, its dates and place, and the attendance discipline', () => {
      const text = textOf(compose('assigned', { trainingClass: classOf(3), requestedClass: 3 }));
      const three = classOf(3);
      expect(text).toContain(`第3期「${three.theme}」`);
      expect(text).toContain(`${three.startDate}至${three.endDate}`);
      expect(text).toContain(three.city);
      expect(text).toContain('签到');
      expect(text).toContain('脱产');
    });

    it('says the class differs from the one asked for when it does, naming both', () => {
      const text = textOf(compose('assigned', { trainingClass: classOf(3), requestedClass: 1 }));
      expect(text).toContain('与意向期次不同');
      expect(text).toContain('意向期次第1期');
      expect(text).toContain('安排至第3期');
    });

    it('says nothing of a difference when the class is the one asked for, or none was asked for', () => {
      for (const requestedClass of [3, null, undefined]) {
        const text = textOf(compose('assigned', { trainingClass: classOf(3), requestedClass }));
        expect(text, String(requestedClass)).not.toContain('意向期次');
        expect(text, String(requestedClass)).not.toContain('不同');
      }
    });
  });

  describe('expired', () => {
    const expired = compose('expired', { reviewTimeoutDays: 30 });
    const text = textOf(expired);

    it('says the review ran out of time, after the programme’s number of days', () => {
      expect(expired.subject).toContain('超时');
      expect(text).toContain('30天内未完成审核');
      expect(textOf(compose('expired', { reviewTimeoutDays: 45 }))).toContain('45天内未完成审核');
    });

    it('is not worded as a rejection (no 未通过, not even in a denial), and the unit may nominate again', () => {
      expect(text).not.toMatch(REJECTION_WORDS);
      expect(text).not.toContain('未通过');
      expect(text).not.toContain('很遗憾');
      expect(expired.subject).not.toBe(compose('rejected').subject);
      expect(expired.subject).not.toContain('审核结果');
      expect(text).toContain('名额已退回北京市');
      expect(text).toContain('可重新报名');
    });

    it('the rejection notice, by contrast, does say so', () => {
      expect(textOf(compose('rejected'))).toMatch(REJECTION_WORDS);
    });
  });

  it('waitlisted: approved, on the waitlist in order, ending when the last class starts', () => {
    const text = textOf(compose('waitlisted'));
    expect(text).toContain('已通过审核');
    expect(text).toContain('候补名单');
    expect(text).toContain('候补先后顺序');
    expect(text).toContain('最后一期开班');
    expect(text).not.toMatch(REJECTION_WORDS);
  });

  it('not-placed: no seat by the last class, the unit’s seat returned', () => {
    const text = textOf(compose('not-placed'));
    expect(text).toContain('最后一期开班仍无空余名额');
    expect(text).toContain('名额已退回北京市');
    expect(text).not.toMatch(REJECTION_WORDS);
  });

  it('certified: the class, the certificate number and its verification code', () => {
    const text = textOf(
      compose('certified', {
        trainingClass: classOf(3),
        certificateNumber: 'LJRC-2024-03-0017',
        verificationCode: 'K7M2Q9XA',
      }),
    );
    expect(text).toContain('第3期');
    expect(text).toContain('LJRC-2024-03-0017');
    expect(text).toContain('K7M2Q9XA');
    expect(text).toContain('证书编号：LJRC-2024-03-0017');
  });

  it('incomplete: the reasons in words, never the bare codes', () => {
    const text = textOf(
      compose('incomplete', {
        trainingClass: classOf(3),
        reasons: ['UNEXCUSED_ABSENCE', 'TOO_MUCH_LEAVE', 'TOO_LATE'],
      }),
    );
    expect(text).toContain('未经批准的缺勤');
    expect(text).toContain('请假场次超过规定');
    expect(text).toContain('迟到次数超过规定');
    expect(text).not.toMatch(/UNEXCUSED_ABSENCE|TOO_MUCH_LEAVE|TOO_LATE/);
    expect(text).toContain('第3期');
    expect(text).toContain('不颁发结业证书');
    expect(textOf(compose('incomplete', { trainingClass: classOf(3), reasons: ['TOO_LATE'] }))).not.toContain('缺勤');
  });

  it('renders text and escaped HTML with the footer', () => {
    const notice = compose('nominated', { traineeName: '<b>李四</b>' });
    expect(renderText(notice, 'footer')).toContain('<b>李四</b>（某科技有限公司）：');
    const html = renderHtml(notice, 'footer & co');
    expect(html).not.toContain('<b>李四</b>');
    expect(html).toContain('&#60;b&#62;李四');
    expect(html).toContain('footer &#38; co');
  });
});

describe('the HTML part of a notice', () => {
  it('makes links clickable, escaped, and leaves the rest of the text alone', async () => {
    const { renderHtml } = await import('../../../shared/domain/notices');
    const html = renderHtml(
      { subject: 's', paragraphs: ['核验：https://x.example/verify/LJRC-2024-03-0001?code=AB&x=<y>。谢谢'] },
      'f',
    );
    expect(html).toContain(
      '<a href="https://x.example/verify/LJRC-2024-03-0001?code=AB&#38;x=">https://x.example/verify/LJRC-2024-03-0001?code=AB&#38;x=</a>&#60;y&#62;。谢谢',
    );
    expect(html).not.toContain('<y>');
  });
});
