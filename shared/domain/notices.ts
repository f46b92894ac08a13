import type { Programme, TrainingClass } from './programme';
import type { NoticeKind } from './workflow';

export interface NoticeContext {
  readonly kind: NoticeKind;
  readonly traineeName: string;
  readonly enterpriseName: string;
  readonly unitName: string;
  readonly programme: Programme;
  readonly trainingClass?: TrainingClass;
}

export interface ComposedNotice {
  readonly subject: string;
  readonly paragraphs: readonly string[];
}

/** The words of every notice to a trainee, in one place so staff can review them together. */
export function composeNotice(context: NoticeContext): ComposedNotice {
  const { programme, traineeName, enterpriseName, unitName, trainingClass } = context;
  const title = `${programme.year}年度中小企业经营管理领军人才培训`;
  const greeting = `${traineeName}（${enterpriseName}）：`;
  const free = '培训费用由财政全额补贴，学员免费参训（不含往返交通）。';
  const classLine = trainingClass
    ? `第${trainingClass.number}期「${trainingClass.theme}」，${trainingClass.startDate}至${trainingClass.endDate}，${trainingClass.city}·${trainingClass.venue}（承办：${trainingClass.host}）。`
    : '';
  switch (context.kind) {
    case 'nominated':
      return {
        subject: `【${title}】报名已受理`,
        paragraphs: [
          greeting,
          `您已由${unitName}中小企业主管部门推荐参加${title}，报名信息已受理，正在审核。审核结果将另行通知。`,
          free,
        ],
      };
    case 'rejected':
      return {
        subject: `【${title}】报名审核结果`,
        paragraphs: [greeting, `很遗憾，您的报名未能通过审核，名额已退回${unitName}。如有疑问请联系推荐单位。`],
      };
    case 'assigned':
      return {
        subject: `【${title}】参训通知`,
        paragraphs: [
          greeting,
          `您的报名已通过审核，安排参加${classLine}`,
          '培训期间严格执行签到考勤制度，原则上不得请假；确需请假的，须通过地方中小企业主管部门请假并向所在班级报备。',
          free,
        ],
      };
    case 'incomplete':
      return {
        subject: `【${title}】结业情况通知`,
        paragraphs: [greeting, `根据考勤记录，您未达到${classLine}的结业要求，本次不颁发结业证书。`],
      };
    case 'certified':
      return {
        subject: `【${title}】结业证书`,
        paragraphs: [
          greeting,
          `祝贺您完成${classLine}结业证书已颁发。欢迎对课程设置、师资力量、组织管理、实际效果进行评价。`,
        ],
      };
    case 'withdrawn':
      return {
        subject: `【${title}】报名已撤回`,
        paragraphs: [greeting, `${unitName}已撤回您的报名，名额已释放。`],
      };
  }
}

export function renderText(notice: ComposedNotice, footer: string): string {
  return [...notice.paragraphs, '', footer].join('\n\n');
}

export function renderHtml(notice: ComposedNotice, footer: string): string {
  const body = notice.paragraphs.map((paragraph) => `<p>${escapeHtml(paragraph)}</p>`).join('\n');
  return `<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>${escapeHtml(notice.subject)}</title><body>${body}<hr><p style="color:#666">${escapeHtml(footer)}</p></body></html>`;
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
