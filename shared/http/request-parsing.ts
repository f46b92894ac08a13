import type { z } from 'zod';
import { DomainError } from '../domain/errors';
import type { AuthorizedEvent } from './principal';

export function pathParameter(event: AuthorizedEvent, name: string): string {
  const value = event.pathParameters?.[name];
  if (!value) throw new DomainError('BAD_REQUEST', `缺少路径参数 ${name}`, 400);
  return decodeURIComponent(value);
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
