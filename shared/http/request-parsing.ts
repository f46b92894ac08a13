import type { z } from 'zod';
import { DomainError } from '../domain/errors';
import type { AuthorizedEvent } from './principal';

/**
 * Longest id any route takes (registration ids are 31 characters, upload ids 36, certificate numbers shorter);
 * far below DynamoDB's 2 KB key limit, so an overlong id is the caller's 400 and never the database's 500.
 */
export const MAX_PATH_PARAMETER_LENGTH = 128;

/**
 * A path parameter, decoded once (API Gateway passes it percent-encoded) and checked: present, well encoded, short,
 * and free of control characters and slashes. Anything else is a 400 naming the parameter, never a 500.
 */
export function pathParameter(event: AuthorizedEvent, name: string): string {
  const raw = event.pathParameters?.[name];
  if (!raw) throw new DomainError('BAD_REQUEST', `缺少路径参数 ${name}`, 400);
  const invalid = (why: string) => new DomainError('INVALID_PATH_PARAMETER', `路径参数 ${name} 无效：${why}`, 400);
  // Checked before decoding too, so a megabyte of escapes is refused without being decoded.
  if (raw.length > MAX_PATH_PARAMETER_LENGTH * 3) throw invalid(`长度超过 ${MAX_PATH_PARAMETER_LENGTH} 个字符`);
  let value: string;
  try {
    value = decodeURIComponent(raw);
  } catch {
    throw invalid('百分号编码不正确（% 后须为两位十六进制数字，且为有效的 UTF-8）');
  }
  if (value.length > MAX_PATH_PARAMETER_LENGTH) throw invalid(`长度超过 ${MAX_PATH_PARAMETER_LENGTH} 个字符`);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused here
  if (/[\u0000-\u001f\u007f/\\]/.test(value)) throw invalid('含有控制字符或斜杠');
  return value;
}

export function classNumberParameter(event: AuthorizedEvent): number {
  const raw = pathParameter(event, 'classNumber');
  const number = Number(raw);
  if (!/^\d{1,2}$/.test(raw) || number < 1)
    throw new DomainError('CLASS_UNKNOWN', `期次须为 1–99 的整数，收到 ${raw}`, 404);
  return number;
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '请求'}: ${issue.message}`).join('；');
}

export function parseQuery<T extends z.ZodType>(
  schema: T,
  query: Record<string, string | undefined> | undefined,
): z.infer<T> {
  const parsed = schema.safeParse(query ?? {});
  if (!parsed.success) throw new DomainError('BAD_REQUEST', `查询参数错误：${describeIssues(parsed.error)}`, 400);
  return parsed.data;
}

/** The JSON body, checked against its schema; `code` names what the caller got wrong. */
export function parseBody<T extends z.ZodType>(schema: T, body: unknown, code = 'BAD_REQUEST', hint = ''): z.infer<T> {
  const parsed = schema.safeParse(body ?? {});
  if (!parsed.success) {
    throw new DomainError(code, `请求内容错误：${describeIssues(parsed.error)}${hint ? `。${hint}` : ''}`, 400, {
      issues: parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
    });
  }
  return parsed.data;
}
