import type { Programme, TrainingClass } from './programme';
import type { NoticeKind } from './workflow';

export interface NoticeContext {
  readonly kind: NoticeKind;
  readonly traineeName: string;
  readonly enterpriseName: string;
  readonly unitName: string;
  readonly programme: Programme;
  readonly trainingClass?: TrainingClass;
  /** The class the unit asked for, when the assignment differs from it. */
  readonly requestedClass?: number | null;
  readonly certificateNumber?: string;
  readonly verificationCode?: string;
  readonly verificationUrl?: string;
  readonly downloadUrl?: string;
  readonly downloadExpiresAt?: string;
  readonly reviewTimeoutDays?: number;
  /** Completion reasons (UNEXCUSED_ABSENCE, TOO_MUCH_LEAVE, TOO_LATE) for the incomplete notice. */
  readonly reasons?: readonly string[];
  /** The trainee's personal evaluation link and until when it is valid (ISO 8601), for the evaluation notices. */
  readonly evaluationLink?: string;
  readonly evaluationExpiresAt?: string;
}

const REASON_TEXT: Record<string, string> = {
  UNEXCUSED_ABSENCE: '存在未经批准的缺勤',
  TOO_MUCH_LEAVE: '请假场次超过规定',
  TOO_LATE: '迟到次数超过规定',
};

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
    case 'assigned': {
      const differs =
        context.requestedClass && trainingClass && context.requestedClass !== trainingClass.number
          ? `您填报的意向期次第${context.requestedClass}期名额已满或已开班，现按“最早未开班且有空位”的原则安排至第${trainingClass.number}期，与意向期次不同。如无法参加，请联系推荐单位。`
          : undefined;
      return {
        subject: `【${title}】参训通知`,
        paragraphs: [
          greeting,
          `您的报名已通过审核，安排参加${classLine}`,
          ...(differs ? [differs] : []),
          '培训期间严格执行签到考勤制度，原则上不得请假；确需请假的，须通过地方中小企业主管部门请假并向所在班级报备。',
          '培训为脱产学习，期间不参加聚餐、饮酒等活动，不迟到旷课。',
          free,
        ],
      };
    }
    case 'waitlisted':
      return {
        subject: `【${title}】候补通知`,
        paragraphs: [
          greeting,
          '您的报名已通过审核，但目前各期培训班名额已满，您已进入候补名单。有学员退出时，将按候补先后顺序为您安排尚未开班的班级，届时另行通知。',
          '如最后一期开班时仍未能安排，候补将自动结束。',
        ],
      };
    case 'not-placed':
      return {
        subject: `【${title}】候补结果通知`,
        paragraphs: [
          greeting,
          `很遗憾，直至最后一期开班仍无空余名额，本年度未能为您安排培训班，名额已退回${unitName}。`,
        ],
      };
    case 'expired':
      return {
        subject: `【${title}】报名审核超时`,
        paragraphs: [
          greeting,
          `您的报名在${context.reviewTimeoutDays ?? 30}天内未完成审核，已按规定自动结束。这并非审核结论，名额已退回${unitName}，推荐单位可重新报名。`,
        ],
      };
    case 'incomplete': {
      const why = (context.reasons ?? []).map((reason) => REASON_TEXT[reason] ?? reason).join('、');
      return {
        subject: `【${title}】结业情况通知`,
        paragraphs: [
          greeting,
          `根据考勤记录${why ? `（${why}）` : ''}，您未达到${classLine}的结业要求，本次不颁发结业证书。如有疑问请联系推荐单位。`,
        ],
      };
    }
    case 'certified':
      return {
        subject: `【${title}】结业证书`,
        paragraphs: [
          greeting,
          `祝贺您完成${classLine}结业证书已颁发。`,
          ...(context.certificateNumber
            ? [`证书编号：${context.certificateNumber}　验证码：${context.verificationCode ?? ''}`]
            : []),
          ...(context.downloadUrl
            ? [`下载电子证书（PDF，链接有效期至 ${beijingDate(context.downloadExpiresAt)}）：${context.downloadUrl}`]
            : []),
          ...(context.verificationUrl
            ? [`任何人可凭证书编号和验证码在此核验证书真伪：${context.verificationUrl}`]
            : []),
          '欢迎对课程设置、师资力量、组织管理、实际效果进行评价。',
        ],
      };
    case 'withdrawn':
      return {
        subject: `【${title}】报名已撤回`,
        paragraphs: [greeting, `${unitName}已撤回您的报名，名额已释放。`],
      };
    case 'evaluation':
      return {
        subject: `【${title}】培训评价邀请`,
        paragraphs: [greeting, `感谢您参加${classLine}`, ...evaluationParagraphs(context)],
      };
  }
}

/**
 * The reminder staff may send to a trainee who has not evaluated the class yet (at most every 3 days), with a fresh
 * link: the one sent before stops working.
 */
export function composeEvaluationReminder(context: Omit<NoticeContext, 'kind'>): ComposedNotice {
  const { programme, traineeName, enterpriseName, trainingClass } = context;
  const title = `${programme.year}年度中小企业经营管理领军人才培训`;
  return {
    subject: `【${title}】培训评价提醒`,
    paragraphs: [
      `${traineeName}（${enterpriseName}）：`,
      `您尚未对${trainingClass ? `第${trainingClass.number}期「${trainingClass.theme}」` : '所参加的培训班'}进行评价。您的意见对改进培训十分重要，诚邀您抽空填写。`,
      ...evaluationParagraphs(context),
      '此前邮件中的评价链接已失效，请使用本邮件中的新链接。',
    ],
  };
}

function evaluationParagraphs(context: Omit<NoticeContext, 'kind'>): string[] {
  return [
    '请通过以下个人专属链接，对本期培训的课程设置、师资力量、组织管理、实际效果四个方面打分（1–5 分），并可附意见：',
    ...(context.evaluationLink ? [context.evaluationLink] : []),
    `${context.evaluationExpiresAt ? `链接有效期至 ${beijingTime(context.evaluationExpiresAt, context.programme.timeZone)}，` : ''}只能提交一次，请勿转发。`,
    '评价匿名保存：您提交的内容与您的身份分开存放，仅用于统计和改进培训，无法追溯到个人。',
  ];
}

/** 2024年11月17日 10:00, in the programme's time zone. */
function beijingTime(iso: string, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(new Date(iso))
      .map((part) => [part.type, part.value]),
  );
  return `${parts.year}年${Number(parts.month)}月${Number(parts.day)}日 ${parts.hour}:${parts.minute}`;
}

/** YYYY-MM-DD as a reader in China sees it (UTC+8). */
function beijingDate(iso: string | undefined): string {
  if (!iso) return '';
  return new Date(Date.parse(iso) + 8 * 3600 * 1000).toISOString().slice(0, 10);
}

export function renderText(notice: ComposedNotice, footer: string): string {
  return [...notice.paragraphs, '', footer].join('\n\n');
}

/** Links in a notice (verification, download, evaluation) are clickable in the HTML part; the text part keeps them plain. */
function linked(text: string): string {
  return text
    .split(/(https?:\/\/[^\s<>"'，。；）]+)/)
    .map((part, index) =>
      index % 2 === 1 ? `<a href="${escapeHtml(part)}">${escapeHtml(part)}</a>` : escapeHtml(part),
    )
    .join('');
}

export function renderHtml(notice: ComposedNotice, footer: string): string {
  const body = notice.paragraphs.map((paragraph) => `<p>${linked(paragraph)}</p>`).join('\n');
  return `<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>${escapeHtml(notice.subject)}</title><body>${body}<hr><p style="color:#666">${escapeHtml(footer)}</p></body></html>`;
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
