import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DomainError } from '../../../shared/domain/errors';
import type { AuthorizedEvent } from '../../../shared/http/principal';
import { classNumberParameter, parseBody, parseQuery, pathParameter } from '../../../shared/http/request-parsing';

const withPath = (pathParameters: Record<string, string> | undefined) =>
  ({ pathParameters }) as unknown as AuthorizedEvent;

const caught = (fn: () => unknown): DomainError => {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError');
};

describe('path parameters', () => {
  it('decodes a percent-encoded value (API Gateway passes it raw)', () => {
    // Prepare: "上海" percent-encoded as UTF-8 by hand.
    const event = withPath({ unit: '%E4%B8%8A%E6%B5%B7' });
    // Act / Assess
    expect(pathParameter(event, 'unit')).toBe('上海');
  });

  it.each([
    ['no path parameters at all', undefined],
    ['another parameter only', { other: 'x' }],
    ['an empty value', { unit: '' }],
  ])('a missing parameter (%s) is a 400 naming it', (_label, pathParameters) => {
    const error = caught(() => pathParameter(withPath(pathParameters), 'unit'));
    expect(error).toMatchObject({ code: 'BAD_REQUEST', status: 400, message: '缺少路径参数 unit' });
  });
});

describe('path ids are validated and decoded once', () => {
  it('decodes exactly once: an encoded percent sign stays a percent sign', () => {
    // "%2525" is "%25" after one decoding and "%" after two.
    expect(pathParameter(withPath({ id: 'R%2525' }), 'id')).toBe('R%25');
  });

  it.each([
    ['a lone percent sign', '%'],
    ['a truncated escape', 'R2024-%E4%B8'],
    ['a non-hex escape', '%zz'],
    ['an escape that is not UTF-8', '%C0%AF'],
    ['2 KB of characters', 'R'.repeat(2048)],
    ['2 KB once decoded', '%41'.repeat(200)],
    ['one character too many', 'x'.repeat(129)],
    ['a control character', 'R%00'],
    ['an encoded slash', '..%2F..%2Fuploads'],
  ])('%s is a 400 INVALID_PATH_PARAMETER naming the parameter', (_label, raw) => {
    const error = caught(() => pathParameter(withPath({ registrationId: raw }), 'registrationId'));
    expect(error).toMatchObject({ code: 'INVALID_PATH_PARAMETER', status: 400 });
    expect(error.message).toContain('registrationId');
  });

  it('accepts an id of the longest allowed length', () => {
    expect(pathParameter(withPath({ id: 'x'.repeat(128) }), 'id')).toHaveLength(128);
  });
});

describe('what a refused path parameter says', () => {
  const message = (raw: string) => caught(() => pathParameter(withPath({ id: raw }), 'id')).message;

  it('limits the raw value to three times the length (every character as one %XX escape) before decoding', () => {
    // 128 escapes of "A": 384 raw characters, 128 once decoded: the longest accepted.
    expect(pathParameter(withPath({ id: '%41'.repeat(128) }), 'id')).toBe('A'.repeat(128));
    // 43 × "上" (%E4%B8%8A, 9 raw characters each): only 43 characters decoded, but 387 raw ones are refused unread.
    expect(message('%E4%B8%8A'.repeat(43))).toBe('路径参数 id 无效：长度超过 128 个字符');
  });

  it.each([
    ['too long once decoded', 'x'.repeat(129), '长度超过 128 个字符'],
    ['badly encoded', '%zz', '百分号编码不正确（% 后须为两位十六进制数字，且为有效的 UTF-8）'],
    ['a control character', 'R%00', '含有控制字符或斜杠'],
    ['a slash', 'a%2Fb', '含有控制字符或斜杠'],
    ['a backslash', 'a%5Cb', '含有控制字符或斜杠'],
    ['DEL', 'a%7F', '含有控制字符或斜杠'],
  ])('%s: says why', (_label, raw, why) => {
    expect(message(raw)).toBe(`路径参数 id 无效：${why}`);
  });
});

describe('the class number in the path (期次 1–99)', () => {
  it.each([
    ['1', 1],
    ['2', 2],
    ['9', 9],
    ['42', 42],
    ['99', 99],
    ['07', 7],
  ])('%s → %i', (raw, number) => {
    expect(classNumberParameter(withPath({ classNumber: raw }))).toBe(number);
  });

  it.each(['0', '00', '100', '999', '-1', '1.5', 'a1', '1a', ' 1', '1 ', 'x', '1e1'])(
    '%j is CLASS_UNKNOWN (404) with the raw value in the message',
    (raw) => {
      const error = caught(() => classNumberParameter(withPath({ classNumber: raw })));
      expect(error).toMatchObject({ code: 'CLASS_UNKNOWN', status: 404, message: `期次须为 1–99 的整数，收到 ${raw}` });
    },
  );

  it('a missing class number is the path-parameter 400, not CLASS_UNKNOWN', () => {
    expect(caught(() => classNumberParameter(withPath({})))).toMatchObject({
      code: 'BAD_REQUEST',
      message: '缺少路径参数 classNumber',
    });
  });
});

// Custom zod messages so the expected text is ours, not zod's wording.
const query = z.object({ year: z.string({ error: '年度必填' }), page: z.string({ error: '页码必填' }).optional() });

describe('query strings', () => {
  it('returns the parsed query', () => {
    expect(parseQuery(query, { year: '2024' })).toEqual({ year: '2024' });
  });

  it('treats an absent query string as empty, so optional-only schemas pass', () => {
    expect(parseQuery(z.object({ page: z.string().optional() }), undefined)).toEqual({});
    expect(caught(() => parseQuery(query, undefined))).toMatchObject({
      code: 'BAD_REQUEST',
      status: 400,
      message: '查询参数错误：year: 年度必填',
    });
  });

  it('names every bad field, joined with a full-width semicolon', () => {
    const error = caught(() => parseQuery(query, { page: 1 as unknown as string }));
    expect(error.message).toBe('查询参数错误：year: 年度必填；page: 页码必填');
  });

  it('calls a whole-object problem “请求”', () => {
    const error = caught(() =>
      parseQuery(
        z.object({}).refine(() => false, { error: '不可用' }),
        {},
      ),
    );
    expect(error.message).toBe('查询参数错误：请求: 不可用');
  });
});

const body = z.object({
  trainee: z.object({ name: z.string({ error: '姓名必填' }), mobile: z.string({ error: '手机必填' }) }),
});

describe('JSON bodies', () => {
  it('returns the parsed body', () => {
    expect(parseBody(body, { trainee: { name: '张三', mobile: '13800138000' } })).toEqual({
      trainee: { name: '张三', mobile: '13800138000' },
    });
  });

  it('treats a missing body as {}', () => {
    expect(parseBody(z.object({ note: z.string().optional() }), undefined)).toEqual({});
    expect(parseBody(z.object({ note: z.string().optional() }), null)).toEqual({});
  });

  it('a bad body is BAD_REQUEST (400) with dotted paths in the message and in details.issues', () => {
    const error = caught(() => parseBody(body, { trainee: {} }));
    expect(error).toBeInstanceOf(DomainError);
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.status).toBe(400);
    expect(error.message).toBe('请求内容错误：trainee.name: 姓名必填；trainee.mobile: 手机必填');
    expect(error.details).toEqual({
      issues: [
        { path: 'trainee.name', message: '姓名必填' },
        { path: 'trainee.mobile', message: '手机必填' },
      ],
    });
  });

  it('uses the caller’s code and appends the hint after a full stop', () => {
    const error = caught(() =>
      parseBody(body, { trainee: { name: '张三' } }, 'ATTENDANCE_INVALID', '请重新下载签到表'),
    );
    expect(error.code).toBe('ATTENDANCE_INVALID');
    expect(error.message).toBe('请求内容错误：trainee.mobile: 手机必填。请重新下载签到表');
  });

  it('adds nothing when the hint is empty', () => {
    const error = caught(() => parseBody(body, { trainee: { name: '张三' } }, 'X'));
    expect(error.message).toBe('请求内容错误：trainee.mobile: 手机必填');
  });
});
