import { DomainError } from '../domain/errors';

export interface Page<T> {
  readonly items: T[];
  readonly next: string | null;
}

/** Paging cursors are DynamoDB's LastEvaluatedKey, opaque to callers. */
export function encodeCursor(key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): Record<string, unknown> | undefined {
  if (!cursor) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed;
  } catch {
    // fall through to the error below
  }
  throw invalidCursor();
}

export function invalidCursor(): DomainError {
  return new DomainError('INVALID_CURSOR', '分页游标无效，请从第一页重新查询', 400);
}
