import { createHash } from 'node:crypto';
import type { Programme, TrainingClass } from './programme';
import type { NoticeKind } from './workflow';

/**
 * Every mail the system sends, by kind: the workflow's notices, the reminder 3 days before class, the evaluation
 * reminder, and the two unit notices (upload report, undeliverable trainee address). Metrics and the send log are
 * keyed by these names.
 */
export type MailKind = NoticeKind | 'class-reminder' | 'evaluation-reminder' | 'upload-report' | 'undeliverable';

/** Trainee notices composed from one context: the workflow's kinds plus the reminder 3 days before the class. */
export type TraineeNoticeKind = NoticeKind | 'class-reminder';

/** The office that organises the training (notice 二(一)); every mail names it as its sender. */
export const SENDER_OFFICE = '工业和信息化部人才交流中心';

export interface NoticeContext {
  readonly kind: TraineeNoticeKind;
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
  /** Who withdrew the registration: the recommending unit, or programme staff. */
  readonly withdrawnBy?: 'unit' | 'staff';
  /** The staff's reason for a rejection, when they gave one. */
  readonly rejectionReason?: string;
}

/** Notice 二(三), the discipline every trainee is held to, in its own words. */
const DISCIPLINE = [
  '培训期间严格执行签到考勤管理制度，每个半天均须签到，不迟到旷课。',
  '培训期间不参加聚餐、饮酒等活动。',
  '原则上不得请假；确需请假的，须通过地方中小企业主管部门请假并向所在班级报备后方可外出。',
];

const BRING = '报到时请携带本人身份证件（签到核验）、本通知（电子版即可）及名片若干。';

/** The class is full-time (脱产) from its first to its last day. */
function fullTime(trainingClass: TrainingClass): string {
  const days = Math.round((Date.parse(trainingClass.endDate) - Date.parse(trainingClass.startDate)) / 86_400_000) + 1;
  return `培训为期${days}天（${trainingClass.startDate}至${trainingClass.endDate}），为脱产学习，请提前安排好工作，全程参加。`;
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
        paragraphs: [
          greeting,
          `很遗憾，您的报名未能通过审核，名额已退回${unitName}。`,
          ...(context.rejectionReason ? [`审核意见：${context.rejectionReason}`] : []),
          '如有疑问请联系推荐单位。',
        ],
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
          ...(trainingClass ? [fullTime(trainingClass)] : []),
          ...DISCIPLINE,
          BRING,
          '随信附有日历邀请（.ics），可导入手机或电脑日历。',
          free,
        ],
      };
    }
    case 'class-reminder':
      return {
        subject: `【${title}】开班提醒`,
        paragraphs: [
          greeting,
          `您参加的${classLine}将于3天后开班，请按时报到。`,
          ...(trainingClass ? [fullTime(trainingClass)] : []),
          ...DISCIPLINE,
          BRING,
        ],
      };
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
        paragraphs: [
          greeting,
          context.withdrawnBy === 'staff'
            ? `项目组织方（${SENDER_OFFICE}）已撤回您的报名，名额已退回${unitName}。`
            : `推荐单位${unitName}中小企业主管部门已撤回您的报名，名额已释放。`,
          '如有疑问请联系推荐单位。',
        ],
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
    .split(/(https?:\/\/[^\s<>"'，。；（）]+)/)
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

/** A problem found in an uploaded file, as the upload report lists it (never the cell's value). */
export interface ReportedProblem {
  readonly code: string;
  readonly message: string;
  readonly row?: number;
  readonly column?: string;
}

export interface UploadReportData {
  readonly programme: Programme;
  readonly unitName: string;
  readonly uploadId: string;
  readonly fileName: string;
  readonly rows: number;
  readonly accepted: number;
  readonly errors: number;
  /** The first errors, in file order; the full list is in the report. */
  readonly firstProblems: readonly ReportedProblem[];
  /** The API route of the full report (it needs the unit's sign-in). */
  readonly reportUrl: string;
}

/** How many problems an upload report mail lists; the rest are in the report. */
export const REPORT_MAIL_PROBLEMS = 10;

/** To the unit's contact after each upload: the counts, the first problems, how to fix them, where the report is. */
export function composeUploadReport(data: UploadReportData): ComposedNotice {
  const shown = data.firstProblems.slice(0, REPORT_MAIL_PROBLEMS);
  const where = (problem: ReportedProblem) =>
    [problem.row ? `第${problem.row}行` : '', problem.column ? `「${problem.column}」列` : ''].join('') || '文件';
  return {
    subject: `【${data.programme.year}年度领军人才培训】上传处理结果：登记 ${data.accepted} / ${data.rows} 行`,
    paragraphs: [
      `${data.unitName}：`,
      `您单位上传的文件「${data.fileName}」已处理：共 ${data.rows} 行，登记成功 ${data.accepted} 行，错误 ${data.errors} 条。`,
      ...(shown.length > 0
        ? [
            `${data.errors > shown.length ? `前 ${shown.length} 条` : '全部'}错误：`,
            ...shown.map((problem, index) => `${index + 1}. ${where(problem)}：${problem.message}（${problem.code}）`),
            '修改方法：在原表中改正以上各行（登记成功的行无需再传），另存为 .xlsx 或 UTF-8 .csv 后重新上传。',
          ]
        : ['全部行均已登记，无需处理。']),
      `逐行校验报告（上传编号 ${data.uploadId}）须以本单位账号登录后查看：在管理控制台打开“上传记录”中的本次上传；控制台上线前，请使用本单位登录令牌访问 ${data.reportUrl}（GET，请求头 Authorization: Bearer <令牌>）。`,
    ],
  };
}

export interface UndeliverableData {
  readonly programme: Programme;
  readonly unitName: string;
  /** The unit's own trainee whose address failed: named so the unit knows whose address to correct. */
  readonly traineeName: string;
  readonly enterpriseName: string;
  readonly reason: 'bounce' | 'complaint';
}

/** To the unit's contact: a trainee's address bounced or complained, later notices to it are held back. */
export function composeUndeliverable(data: UndeliverableData): ComposedNotice {
  const what =
    data.reason === 'bounce'
      ? '无法投递（收件服务器退信）'
      : '被收件人标记为垃圾邮件（投诉），为尊重收件人意愿已停止发送';
  return {
    subject: `【${data.programme.year}年度领军人才培训】学员邮箱无法送达，请更正`,
    paragraphs: [
      `${data.unitName}：`,
      `您单位推荐的学员${data.traineeName}（${data.enterpriseName}）的电子邮箱${what}。此后发给该学员的通知将暂停发送，直至邮箱更正。`,
      '请与该学员核实电子邮箱，在附件4中改正该学员所在行的“电子邮箱”后重新上传该行；更正后的邮箱将恢复接收通知。在此期间，请将培训安排转告该学员。',
    ],
  };
}

/** The footer of every mail: who sends it and where to write (notice 三、联系方式). */
export function noticeFooter(programme: Pick<Programme, 'contactEmail' | 'notice'>): string {
  return `本邮件由${SENDER_OFFICE}领军人才培训管理系统发送。联系邮箱：${programme.contactEmail}（${programme.notice}）`;
}

export interface RenderedNotice {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

/** The subject, text and HTML parts of a composed notice, with the programme's footer. */
export function renderNotice(
  notice: ComposedNotice,
  programme: Pick<Programme, 'contactEmail' | 'notice'>,
): RenderedNotice {
  const footer = noticeFooter(programme);
  return { subject: notice.subject, text: renderText(notice, footer), html: renderHtml(notice, footer) };
}

/** An address that bounced or complained; held as a hash, so the mark names no one. */
export interface UndeliverableMark {
  readonly addressHash: string;
  readonly reason: 'bounce' | 'complaint';
  readonly at: string;
}

/** Addresses compare case-insensitively (in practice: providers treat local parts so), trimmed. */
export function addressHash(address: string): string {
  return createHash('sha256').update(address.trim().toLowerCase()).digest('hex');
}

/** The reminder goes out this long before a class starts (midnight of its first day, programme time). */
export const CLASS_REMINDER_DAYS = 3;

/**
 * The classes whose trainees are due their reminder at `now`: starting within the next 3 days and not yet begun.
 * A window, not an instant, so a sweep that runs late (or twice) still sends each reminder, once.
 */
export function classesToRemind(programme: Pick<Programme, 'classes'>, now: Date): TrainingClass[] {
  return programme.classes.filter((trainingClass) => {
    const starts = Date.parse(`${trainingClass.startDate}T00:00:00+08:00`);
    return now.getTime() < starts && now.getTime() >= starts - CLASS_REMINDER_DAYS * 86_400_000;
  });
}
