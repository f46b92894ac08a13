import { z } from 'zod';
import { DomainError } from './errors';

/**
 * The trainees' evaluation of their class (notice 二(四)): the SME Bureau assesses the training on 课程设置、师资力量、
 * 组织管理、实际效果. Each trainee who attended gets a personal link and answers once; what is stored of an answer is
 * only its scores and comments, apart from who gave it, so the figures staff read cannot be traced to a person.
 */
export const EVALUATION_DIMENSIONS = [
  { key: 'course', label: '课程设置' },
  { key: 'faculty', label: '师资力量' },
  { key: 'organisation', label: '组织管理' },
  { key: 'effect', label: '实际效果' },
] as const;
export type DimensionKey = (typeof EVALUATION_DIMENSIONS)[number]['key'];
export const DIMENSION_KEYS: readonly DimensionKey[] = EVALUATION_DIMENSIONS.map((dimension) => dimension.key);

export const SCORES = [1, 2, 3, 4, 5] as const;
export type Score = (typeof SCORES)[number];
/** What each point of the scale means, as the form shows it. */
export const SCORE_LABELS: Readonly<Record<Score, string>> = {
  1: '很不满意',
  2: '不满意',
  3: '一般',
  4: '满意',
  5: '很满意',
};

export const COMMENT_MAX_LENGTH = 500;
export const OVERALL_MAX_LENGTH = 1000;
/** A personal link is valid this long from when it was sent (the invitation, or a reminder's fresh link). */
export const EVALUATION_LINK_DAYS = 30;
/** Staff may remind a trainee who has not answered at most this often. */
export const REMINDER_INTERVAL_DAYS = 3;
const DAY_MS = 24 * 60 * 60 * 1000;

export function linkExpiry(sentAt: Date): Date {
  return new Date(sentAt.getTime() + EVALUATION_LINK_DAYS * DAY_MS);
}

/** The latest time of a last contact (invitation or reminder) that allows another reminder at `now`. */
export function reminderCutoff(now: Date): Date {
  return new Date(now.getTime() - REMINDER_INTERVAL_DAYS * DAY_MS);
}

export interface EvaluationAnswer {
  readonly scores: Readonly<Record<DimensionKey, Score>>;
  readonly comments: Readonly<Partial<Record<DimensionKey, string>>>;
  readonly overall?: string;
}

const score = z.number().int().min(1).max(5);
/** Trimmed; an empty comment is no comment. */
const comment = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .optional()
    .transform((text) => (text ? text : undefined));

const answerSchema = z.object({
  scores: z.object({ course: score, faculty: score, organisation: score, effect: score }),
  comments: z
    .object({
      course: comment(COMMENT_MAX_LENGTH),
      faculty: comment(COMMENT_MAX_LENGTH),
      organisation: comment(COMMENT_MAX_LENGTH),
      effect: comment(COMMENT_MAX_LENGTH),
    })
    .optional(),
  overall: comment(OVERALL_MAX_LENGTH),
});

const labelOf = (key: unknown): string =>
  // Stryker disable next-line StringLiteral,OptionalChaining: only asked about a key under scores or comments, which zod reports for the four dimensions alone, so find() always finds one
  EVALUATION_DIMENSIONS.find((dimension) => dimension.key === key)?.label ?? '总体意见';

/**
 * An answer as the form or a JSON client sent it, checked: four integer scores 1–5, comments of at most 500
 * characters (1,000 overall) after trimming. Anything else is refused with a stable code before anything is written.
 */
export function parseEvaluationAnswer(input: unknown): EvaluationAnswer {
  const parsed = answerSchema.safeParse(input ?? {});
  if (parsed.success) {
    const { scores, comments, overall } = parsed.data;
    const kept = Object.fromEntries(Object.entries(comments ?? {}).filter(([, text]) => text !== undefined));
    return {
      scores: scores as Record<DimensionKey, Score>,
      comments: kept,
      ...(overall === undefined ? {} : { overall }),
    };
  }
  const issues = parsed.error.issues;
  const scoreIssue = issues.find((issue) => issue.path[0] === 'scores');
  if (scoreIssue) {
    const key = scoreIssue.path[1];
    throw new DomainError(
      'EVALUATION_SCORE_INVALID',
      key === undefined
        ? '请为课程设置、师资力量、组织管理、实际效果四个方面分别打分（1–5 分的整数）'
        : `“${labelOf(key)}”的评分须为 1–5 分的整数`,
      400,
      key === undefined ? {} : { dimension: String(key) },
    );
  }
  const tooLong = issues.find((issue) => issue.code === 'too_big');
  if (tooLong) {
    const overall = tooLong.path[0] === 'overall';
    const field = overall ? 'overall' : String(tooLong.path[1]);
    throw new DomainError(
      'EVALUATION_COMMENT_TOO_LONG',
      overall
        ? `总体意见不能超过 ${OVERALL_MAX_LENGTH} 字`
        : `对“${labelOf(field)}”的意见不能超过 ${COMMENT_MAX_LENGTH} 字`,
      400,
      { field },
    );
  }
  throw new DomainError(
    'EVALUATION_ANSWER_INVALID',
    '评价内容格式错误：须为 { scores: { course, faculty, organisation, effect }, comments?, overall? }',
    400,
  );
}

export interface DimensionAggregate {
  readonly key: DimensionKey;
  readonly label: string;
  /** Rounded half up to 2 decimals; null while nobody has answered. */
  readonly mean: number | null;
  readonly distribution: Readonly<Record<Score, number>>;
}

export type CommentField = DimensionKey | 'overall';

export interface EvaluationAggregate {
  readonly invited: number;
  readonly responded: number;
  /** responded / invited, rounded half up to 4 decimals; null when nobody was invited. */
  readonly responseRate: number | null;
  readonly dimensions: readonly DimensionAggregate[];
  /** Sorted by text: their order says nothing about who wrote them or when. */
  readonly comments: Readonly<Record<CommentField, readonly string[]>>;
}

/** The figures staff read for a class or for the programme: counts, means, distributions and comments. */
export function aggregate(responses: readonly EvaluationAnswer[], invited: number): EvaluationAggregate {
  const responded = responses.length;
  const dimensions = EVALUATION_DIMENSIONS.map(({ key, label }) => {
    const distribution: Record<Score, number> = { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 };
    let sum = 0;
    for (const response of responses) {
      const value = response.scores[key];
      distribution[value] += 1;
      sum += value;
    }
    return { key, label, mean: responded === 0 ? null : roundedRatio(sum, responded, 100), distribution };
  });
  const comments = Object.fromEntries(
    [...DIMENSION_KEYS, 'overall' as const].map((field) => [
      field,
      responses
        .map((response) => (field === 'overall' ? response.overall : response.comments[field]))
        .filter((text): text is string => Boolean(text))
        .sort(),
    ]),
  ) as Record<CommentField, string[]>;
  return {
    invited,
    responded,
    responseRate: invited === 0 ? null : roundedRatio(responded, invited, 10_000),
    dimensions,
    comments,
  };
}

/** numerator / denominator rounded half up to 1/scale, in integers (no binary-fraction surprises like 4.225). */
function roundedRatio(numerator: number, denominator: number, scale: number): number {
  return Math.floor((2 * numerator * scale + denominator) / (2 * denominator)) / scale;
}

/** The same message for a wrong, an unknown and a replaced link: none of them says whether a link ever existed. */
export function evaluationLinkInvalid(): DomainError {
  return new DomainError(
    'EVALUATION_LINK_INVALID',
    '评价链接无效：请使用通知邮件中的完整链接；如收到过提醒邮件，请使用最新一封邮件中的链接',
    404,
  );
}

export function evaluationLinkExpired(): DomainError {
  return new DomainError(
    'EVALUATION_LINK_EXPIRED',
    `评价链接已过期（有效期 ${EVALUATION_LINK_DAYS} 天）。如仍希望评价，请联系培训管理人员重新发送`,
    410,
  );
}

export function evaluationAlreadyAnswered(): DomainError {
  return new DomainError(
    'EVALUATION_ALREADY_ANSWERED',
    '您已提交过本期培训的评价，每位学员只能提交一次。感谢您的反馈',
    409,
  );
}
