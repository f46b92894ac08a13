import { describe, expect, it } from 'vitest';
import defaultProgramme from '../../../data/programme-2024.json';
import { composeEvaluationReminder, composeNotice } from '../../../shared/domain/notices';
import { findClass, parseProgramme } from '../../../shared/domain/programme';

const programme = parseProgramme(defaultProgramme);
const trainingClass = findClass(programme, 3);
const base = { traineeName: '张三', enterpriseName: '某科技有限公司', unitName: '北京市', programme, trainingClass };
const link = 'https://api.example.cn/evaluation/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcde';
const text = (notice: { subject: string; paragraphs: readonly string[] }) =>
  [notice.subject, ...notice.paragraphs].join('\n');

describe('evaluation notices', () => {
  it('the invitation names the class, the four dimensions, the personal link, its expiry (Beijing time) and anonymity', () => {
    const notice = composeNotice({
      ...base,
      kind: 'evaluation',
      evaluationLink: link,
      evaluationExpiresAt: '2024-11-17T02:00:00.000Z',
    });
    expect(notice.subject).toBe('【2024年度中小企业经营管理领军人才培训】培训评价邀请');
    expect(notice.paragraphs[0]).toBe('张三（某科技有限公司）：');
    const words = text(notice);
    expect(words).toContain('第3期「促进大中小企业融通创新」');
    for (const dimension of ['课程设置', '师资力量', '组织管理', '实际效果']) expect(words).toContain(dimension);
    expect(notice.paragraphs).toContain(link);
    expect(words).toContain('链接有效期至 2024年11月17日 10:00');
    expect(words).toContain('只能提交一次');
    expect(words).toContain('无法追溯到个人');
  });

  it('the reminder has its own subject and says the earlier link no longer works', () => {
    const notice = composeEvaluationReminder({
      ...base,
      evaluationLink: link,
      evaluationExpiresAt: '2024-11-20T02:00:00Z',
    });
    expect(notice.subject).toBe('【2024年度中小企业经营管理领军人才培训】培训评价提醒');
    expect(notice.paragraphs).toContain(link);
    expect(text(notice)).toContain('尚未对第3期「促进大中小企业融通创新」进行评价');
    expect(text(notice)).toContain('此前邮件中的评价链接已失效');
    expect(text(notice)).toContain('2024年11月20日 10:00');
  });
});
