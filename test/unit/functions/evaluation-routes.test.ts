import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  answerOfForm,
  EVALUATION_PAGE_CSP,
  formPage,
  prefersHtml,
} from '../../../functions/public-api/evaluation-routes';
import { parseEvaluationAnswer } from '../../../shared/domain/evaluation';
import { DomainError } from '../../../shared/domain/errors';

const view = {
  year: 2024,
  number: 3,
  theme: '促进大中小企业融通创新',
  host: '上海交通大学',
  city: '上海',
  startDate: '2024-10-14',
  endDate: '2024-10-17',
  sampleData: true,
};

describe('content negotiation', () => {
  it('gives a browser HTML and fetch, curl or a JSON client JSON', () => {
    expect(prefersHtml('text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8')).toBe(true);
    expect(prefersHtml('text/html')).toBe(true);
    expect(prefersHtml('application/json, text/html;q=0.5')).toBe(false);
    expect(prefersHtml('*/*')).toBe(false);
    expect(prefersHtml(undefined)).toBe(false);
    expect(prefersHtml('application/json')).toBe(false);
    expect(prefersHtml('text/*;q=0.9, application/json;q=0.2')).toBe(true);
  });
});

describe('the form-encoded answer', () => {
  it('becomes the JSON answer and goes through the same checks', () => {
    const form = new URLSearchParams(
      'score-course=5&score-faculty=4&score-organisation=3&score-effect=1&comment-course=%E5%BE%88%E5%A5%BD+%E5%AE%9E%E7%94%A8&comment-faculty=&overall=',
    );
    expect(parseEvaluationAnswer(answerOfForm(form))).toEqual({
      scores: { course: 5, faculty: 4, organisation: 3, effect: 1 },
      comments: { course: '很好 实用' },
    });
  });

  it('a missing, out-of-range or non-numeric score stays invalid', () => {
    for (const body of [
      'score-course=5&score-faculty=4&score-organisation=3',
      'score-course=6&score-faculty=4&score-organisation=3&score-effect=1',
      'score-course=0&score-faculty=4&score-organisation=3&score-effect=1',
      'score-course=4.5&score-faculty=4&score-organisation=3&score-effect=1',
      'score-course=five&score-faculty=4&score-organisation=3&score-effect=1',
    ]) {
      expect(() => parseEvaluationAnswer(answerOfForm(new URLSearchParams(body))), body).toThrow(
        expect.objectContaining({ code: 'EVALUATION_SCORE_INVALID' }),
      );
    }
  });
});

describe('the HTML form', () => {
  const html = formPage(view, '2024-11-17T02:00:00.000Z');

  it('says the schedule is sample data while it is, and not otherwise', () => {
    expect(html).toContain('示例数据');
    expect(formPage({ ...view, sampleData: false }, '2024-11-17T02:00:00.000Z')).not.toContain('示例数据');
  });

  it('is zh-CN, labelled, with radio buttons 1–5 per dimension and bounded text areas, and no script or asset', () => {
    expect(html).toMatch(/^<!doctype html><html lang="zh-CN">/);
    expect(html).toContain('<form method="post"');
    expect(html).not.toMatch(/<form[^>]*action=/);
    for (const key of ['course', 'faculty', 'organisation', 'effect']) {
      for (const score of [1, 2, 3, 4, 5]) {
        expect(html).toMatch(new RegExp(`<label><input type="radio" name="score-${key}" value="${score}" required>`));
      }
      expect(html).toContain(`<label class="block" for="comment-${key}">`);
      expect(html).toContain(`<textarea id="comment-${key}" name="comment-${key}" rows="3" maxlength="500">`);
    }
    expect(html.match(/<fieldset/g)).toHaveLength(4);
    expect(html.match(/<legend>/g)).toHaveLength(4);
    expect(html).toContain('<label class="block" for="overall">');
    expect(html).toContain('maxlength="1000"');
    expect(html).not.toMatch(/<script|<link|<img|src=|https?:\/\//);
    expect(html).toContain('2024-11-17 10:00');
  });

  it('has a strict CSP whose one style hash is the page’s own stylesheet', () => {
    const style = /<style>(.*?)<\/style>/s.exec(html)?.[1] ?? '';
    const hash = createHash('sha256').update(style).digest('base64');
    expect(EVALUATION_PAGE_CSP).toBe(
      `default-src 'none'; style-src 'sha256-${hash}'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'`,
    );
    expect(html).not.toMatch(/ style=/);
  });

  it('shown again after a refusal, keeps what was typed, escaped, and says what was wrong', () => {
    const form = new URLSearchParams({
      'score-course': '4',
      'comment-faculty': '</textarea><script>alert(1)</script>',
      overall: '"总体" & <好>',
    });
    const again = formPage(view, '2024-11-17T02:00:00.000Z', {
      error: new DomainError('EVALUATION_SCORE_INVALID', '“师资力量”的评分须为 1–5 分的整数', 400, {
        dimension: 'faculty',
      }),
      form,
    });
    expect(again).toContain('role="alert"');
    expect(again).toContain('“师资力量”的评分须为 1–5 分的整数');
    expect(again).toContain('name="score-course" value="4" required checked>');
    expect(again).not.toContain('<script>');
    expect(again).toContain('&#60;/textarea&#62;&#60;script&#62;alert(1)&#60;/script&#62;');
    expect(again).toContain('&#34;总体&#34; &#38; &#60;好&#62;');
    expect(again).toContain('<fieldset aria-invalid="true"><legend>师资力量');
  });
});
