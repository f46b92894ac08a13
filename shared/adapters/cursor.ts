import { createHmac, timingSafeEqual } from 'node:crypto';
import { DomainError } from '../domain/errors';
import { personHashKey } from './person-hash-key';

export interface Page<T> {
  readonly items: T[];
  readonly next: string | null;
}

/**
 * What a cursor is good for: the caller it was issued to and the query it continues (index, filters, year, the
 * registration whose history is paged). A cursor replayed by anyone else, or on another query, is refused: it would
 * otherwise let a caller start a query at a key it chose.
 */
export interface CursorBinding {
  readonly caller: string;
  readonly query: Readonly<Record<string, string | number | undefined>>;
}

/** Callers inside the system that page through a query themselves and never hand the cursor out. */
export const INTERNAL_CALLER = 'system';

/**
 * Paging cursors are DynamoDB's LastEvaluatedKey with an HMAC over it and its binding, under a key derived from the
 * system's secret for this purpose alone (as signed links are; the person-hash key itself signs nothing).
 */
async function cursorKey(): Promise<Buffer> {
  return createHmac('sha256', await personHashKey())
    .update('paging-cursors/v1')
    .digest();
}

function mac(key: Buffer, payload: string, binding: CursorBinding): Buffer {
  const query = Object.entries(binding.query)
    .filter(([, value]) => value !== undefined)
    .sort(([a], [b]) => a.localeCompare(b));
  return createHmac('sha256', key)
    .update(JSON.stringify(['v1', binding.caller, query, payload]))
    .digest();
}

export async function encodeCursor(key: Record<string, unknown>, binding: CursorBinding): Promise<string> {
  const payload = Buffer.from(JSON.stringify(key)).toString('base64url');
  return `${payload}.${mac(await cursorKey(), payload, binding).toString('base64url')}`;
}

/** The key a cursor continues from, if it is one this system issued to this caller for this query; else a 400. */
export async function decodeCursor(
  cursor: string | undefined,
  binding: CursorBinding,
): Promise<Record<string, unknown> | undefined> {
  if (!cursor) return undefined;
  const [payload, signature, ...rest] = cursor.split('.');
  if (!payload || !signature || rest.length > 0) throw invalidCursor();
  const expected = mac(await cursorKey(), payload, binding);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalidCursor();
  try {
    const parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed;
  } catch {
    // fall through to the error below
  }
  throw invalidCursor();
}

export function invalidCursor(): DomainError {
  return new DomainError(
    'INVALID_CURSOR',
    '分页游标无效：游标须原样使用上一页返回的 next，且只对同一账号、同一查询条件有效；请从第一页重新查询',
    400,
  );
}
