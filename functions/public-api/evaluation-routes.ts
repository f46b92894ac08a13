import { createHash } from 'node:crypto';
import { systemClock } from '../../shared/adapters/clock';
import { type OpenedLink, openEvaluationLink, recordEvaluationResponse } from '../../shared/adapters/evaluation-store';
import { loadProgramme } from '../../shared/adapters/programme-store';
import { SAMPLE_DATA_NOTICE } from '../../shared/domain/classes/class-view';
import { DomainError } from '../../shared/domain/errors';
import {
  COMMENT_MAX_LENGTH,
  DIMENSION_KEYS,
  type DimensionKey,
  EVALUATION_DIMENSIONS,
  OVERALL_MAX_LENGTH,
  parseEvaluationAnswer,
  SCORE_LABELS,
  SCORES,
} from '../../shared/domain/evaluation';
import { escapeHtml } from '../../shared/domain/notices';
import { findClass } from '../../shared/domain/programme';
import { type HttpResult, json, type PublicRoute } from '../../shared/http/http-handler';
import type { AuthorizedEvent } from '../../shared/http/principal';

/**
 * The evaluation by personal link (no sign-in): GET shows the form (JSON, or a small zh-CN HTML page for a browser),
 * POST records the answer once. The link's token is the only credential; it is never logged, and nothing personal
 * is shown or stored with the answer.
 */
export const evaluationRoutes: Record<string, PublicRoute> = {
  'GET /evaluation/{token}': formRoute,
  'POST /evaluation/{token}': answerRoute,
};

/** A filled-in form is a few kilobytes; anything far larger is not one. */
const MAX_FORM_BYTES = 64 * 1024;

async function formRoute(event: AuthorizedEvent): Promise<HttpResult> {
  const html = prefersHtml(event.headers?.accept);
  try {
    const link = await openEvaluationLink(tokenOf(event), systemClock.now());
    const view = await classView(link);
    if (html) return page(200, formPage(view, link.expiresAt));
    return noStore(
      json(200, {
        class: view,
        dimensions: EVALUATION_DIMENSIONS,
        scale: SCORES.map((value) => ({ value, label: SCORE_LABELS[value] })),
        limits: { comment: COMMENT_MAX_LENGTH, overall: OVERALL_MAX_LENGTH },
        expiresAt: link.expiresAt,
      }),
    );
  } catch (error) {
    if (html && error instanceof DomainError) return page(error.status, messagePage(error));
    throw error;
  }
}

async function answerRoute(event: AuthorizedEvent): Promise<HttpResult> {
  const html = prefersHtml(event.headers?.accept);
  const token = tokenOf(event);
  const now = systemClock.now();
  try {
    const link = await openEvaluationLink(token, now);
    const form = formFields(event);
    let answer: ReturnType<typeof parseEvaluationAnswer>;
    try {
      answer = parseEvaluationAnswer(form ? answerOfForm(form) : event.body);
    } catch (error) {
      if (html && error instanceof DomainError) {
        return page(error.status, formPage(await classView(link), link.expiresAt, { error, form }));
      }
      throw error;
    }
    await recordEvaluationResponse(token, answer, now);
    return html ? page(201, thanksPage()) : noStore(json(201, { status: 'recorded' }));
  } catch (error) {
    if (html && error instanceof DomainError) return page(error.status, messagePage(error));
    throw error;
  }
}

/** The token as the path holds it: a token is base64url, so anything percent-encoded is simply not one. */
function tokenOf(event: AuthorizedEvent): string {
  return event.pathParameters?.token ?? '';
}

/** The class a link is for: what the trainee needs to recognise it, nothing about the trainee. */
async function classView(link: OpenedLink) {
  const programme = await loadProgramme(link.year);
  const trainingClass = programme ? findClass(programme, link.classNumber) : undefined;
  return {
    year: link.year,
    number: link.classNumber,
    theme: trainingClass?.theme ?? '',
    host: trainingClass?.host ?? '',
    city: trainingClass?.city ?? '',
    startDate: trainingClass?.startDate ?? '',
    endDate: trainingClass?.endDate ?? '',
    sampleData: programme?.sampleData ?? false,
  };
}
type ClassView = Awaited<ReturnType<typeof classView>>;

/**
 * Whether the caller would rather have HTML than JSON (a browser), by the q-values of the most specific matching
 * ranges of its Accept header: `*\/*` alone (fetch, curl) gets JSON.
 */
export function prefersHtml(accept: string | undefined): boolean {
  if (!accept) return false;
  const ranges = accept.split(',').map((part) => {
    const [range = '', ...parameters] = part.trim().toLowerCase().split(';');
    const q = parameters.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((value) => value !== undefined);
    return { range: range.trim(), q: q === undefined ? 1 : Number(q) };
  });
  const quality = (type: string) => {
    const [major] = type.split('/');
    const exact = ranges.find((r) => r.range === type);
    const family = ranges.find((r) => r.range === `${major}/*`);
    const any = ranges.find((r) => r.range === '*/*');
    return (exact ?? family ?? any)?.q ?? 0;
  };
  return quality('text/html') > quality('application/json');
}

/** The fields of a form-encoded body (API Gateway may pass it base64-encoded), or undefined for any other body. */
function formFields(event: AuthorizedEvent): URLSearchParams | undefined {
  const contentType = event.headers?.['content-type'] ?? '';
  if (!/^application\/x-www-form-urlencoded/i.test(contentType)) return undefined;
  const raw = typeof event.body === 'string' ? event.body : '';
  const text = event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  if (Buffer.byteLength(text) > MAX_FORM_BYTES) {
    throw new DomainError('EVALUATION_ANSWER_TOO_LARGE', '提交的内容过大', 413);
  }
  return new URLSearchParams(text);
}

/** The form's fields in the answer's JSON shape; the domain then checks it exactly as a JSON answer. */
export function answerOfForm(form: URLSearchParams) {
  const score = (value: string | null) => {
    if (value === null || value.trim() === '') return undefined;
    return /^\s*\d+\s*$/.test(value) ? Number(value) : value;
  };
  const text = (value: string | null) => value ?? undefined;
  return {
    scores: Object.fromEntries(DIMENSION_KEYS.map((key) => [key, score(form.get(`score-${key}`))])),
    comments: Object.fromEntries(DIMENSION_KEYS.map((key) => [key, text(form.get(`comment-${key}`))])),
    overall: text(form.get('overall')),
  };
}

function noStore(result: HttpResult): HttpResult {
  return { ...result, headers: { ...result.headers, 'cache-control': 'no-store' } };
}

// The page's one stylesheet is inline and allowed by its hash: no external assets, no scripts, no inline styles
// beyond it, and the form may post only back to this origin.
const STYLE = [
  'body{font-family:system-ui,"PingFang SC","Microsoft YaHei",sans-serif;max-width:44rem;margin:1.5rem auto;padding:0 1rem;color:#1a1a1a;line-height:1.6}',
  'h1{font-size:1.35rem}fieldset{border:1px solid #999;border-radius:.4rem;margin:1rem 0;padding:.6rem 1rem}',
  'legend{font-weight:600;padding:0 .3rem}.scale{display:flex;flex-wrap:wrap;gap:.3rem 1rem;margin:.3rem 0 .6rem}',
  '.scale label{display:inline-flex;align-items:center;gap:.3rem;padding:.2rem 0}',
  'textarea{width:100%;box-sizing:border-box;font:inherit}label.block{display:block;margin-top:.4rem}',
  'button{font:inherit;font-size:1.05rem;padding:.5rem 1.6rem;margin:1rem 0}',
  ':focus-visible{outline:3px solid #1857b6;outline-offset:2px}',
  '.error{border:2px solid #a40000;padding:.4rem 1rem;color:#a40000}.note{color:#555;font-size:.92rem}',
].join('');
const STYLE_HASH = `sha256-${createHash('sha256').update(STYLE).digest('base64')}`;
export const EVALUATION_PAGE_CSP = [
  "default-src 'none'",
  `style-src '${STYLE_HASH}'`,
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

function page(statusCode: number, body: string): HttpResult {
  return {
    statusCode,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': EVALUATION_PAGE_CSP,
      'cache-control': 'no-store',
      // A personal link: never indexed (the shared security headers already send no referrer).
      'x-robots-tag': 'noindex, nofollow',
    },
    body,
  };
}

function shell(title: string, content: string): string {
  return (
    '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width,initial-scale=1">' +
    '<meta name="robots" content="noindex,nofollow"><meta name="referrer" content="no-referrer">' +
    `<title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body><main>${content}</main></body></html>`
  );
}

function classLine(view: ClassView): string {
  return escapeHtml(
    `第${view.number}期「${view.theme}」 ${view.startDate} 至 ${view.endDate} · ${view.city} · 承办：${view.host}`,
  );
}

function expiryText(iso: string): string {
  // Shown in Beijing time (UTC+8, no daylight saving).
  const local = new Date(Date.parse(iso) + 8 * 3600 * 1000).toISOString();
  return `${local.slice(0, 10)} ${local.slice(11, 16)}`;
}

export function formPage(
  view: ClassView,
  expiresAt: string,
  retry?: { error: DomainError; form: URLSearchParams | undefined },
): string {
  const value = (name: string) => retry?.form?.get(name) ?? '';
  const invalid = retry?.error.details?.dimension ?? retry?.error.details?.field;
  const fieldsets = EVALUATION_DIMENSIONS.map(({ key, label }) => dimensionFieldset(key, label, value, invalid)).join(
    '',
  );
  const error = retry
    ? `<div class="error" role="alert" id="error"><p>${escapeHtml(retry.error.message)}</p></div>`
    : '';
  return shell(
    `培训评价 · 第${view.number}期`,
    `<h1>${escapeHtml(`${view.year}年度中小企业经营管理领军人才培训 · 培训评价`)}</h1>` +
      `<p>${classLine(view)}</p>` +
      (view.sampleData ? `<p class="note">${escapeHtml(SAMPLE_DATA_NOTICE)}</p>` : '') +
      '<p>请对以下四个方面打分（1 分最低，5 分最高），并可附意见。' +
      '评价匿名保存：提交的内容与您的身份分开存放，无法追溯到个人。</p>' +
      `<p class="note">本链接只能提交一次，有效期至 ${escapeHtml(expiryText(expiresAt))}（北京时间）。</p>` +
      error +
      `<form method="post" accept-charset="utf-8"${retry ? ' aria-describedby="error"' : ''}>` +
      fieldsets +
      `<label class="block" for="overall">总体意见（选填，最多 ${OVERALL_MAX_LENGTH} 字）</label>` +
      `<textarea id="overall" name="overall" rows="5" maxlength="${OVERALL_MAX_LENGTH}"${
        invalid === 'overall' ? ' aria-invalid="true"' : ''
      }>${escapeHtml(value('overall'))}</textarea>` +
      '<button type="submit">提交评价</button></form>',
  );
}

function dimensionFieldset(
  key: DimensionKey,
  label: string,
  value: (name: string) => string,
  invalid: unknown,
): string {
  const chosen = value(`score-${key}`);
  const radios = SCORES.map(
    (score) =>
      `<label><input type="radio" name="score-${key}" value="${score}" required${
        chosen === String(score) ? ' checked' : ''
      }>${score} ${escapeHtml(SCORE_LABELS[score])}</label>`,
  ).join('');
  return (
    `<fieldset${invalid === key ? ' aria-invalid="true"' : ''}><legend>${escapeHtml(label)}（必填）</legend>` +
    `<div class="scale">${radios}</div>` +
    `<label class="block" for="comment-${key}">对${escapeHtml(label)}的意见（选填，最多 ${COMMENT_MAX_LENGTH} 字）</label>` +
    `<textarea id="comment-${key}" name="comment-${key}" rows="3" maxlength="${COMMENT_MAX_LENGTH}">${escapeHtml(
      value(`comment-${key}`),
    )}</textarea></fieldset>`
  );
}

function thanksPage(): string {
  return shell(
    '感谢您的评价',
    '<h1>感谢您的评价</h1><p role="status">您的评价已匿名记录。每个链接只能提交一次，您现在可以关闭本页。</p>',
  );
}

const ERROR_TITLES: Record<string, string> = {
  EVALUATION_LINK_INVALID: '评价链接无效',
  EVALUATION_LINK_EXPIRED: '评价链接已过期',
  EVALUATION_ALREADY_ANSWERED: '已提交过评价',
};

function messagePage(error: DomainError): string {
  const title = ERROR_TITLES[error.code] ?? '无法完成评价';
  return shell(
    title,
    `<h1>${escapeHtml(title)}</h1><p role="alert">${escapeHtml(error.message)}</p>` +
      `<p class="note">错误代码：${escapeHtml(error.code)}</p>`,
  );
}
