import { randomBytes } from 'node:crypto';
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { type AuditAction, type AuditEvent, auditRecord } from '../domain/audit';
import type { Principal } from '../http/principal';
import type { AuthorizedEvent } from '../http/principal';
import { dynamoClient } from './aws-clients';
import { systemClock } from './clock';
import { loadConfig } from './config';
import { decodeCursor, encodeCursor, type Page } from './cursor';
import { keys } from './keys';
import { TTL_ATTRIBUTE } from './table-definition';

/**
 * Audit events, one partition per calendar month (UTC) so a period is read by Query, newest first, and no partition
 * grows without bound. Each expires by TTL after the audit retention period.
 */
export async function recordAudit(event: AuditEvent): Promise<void> {
  await dynamoClient().send(new PutCommand({ TableName: loadConfig().TABLE_NAME, Item: auditItem(event) }));
}

/** The event as one item of a change's own transaction, where the change and its audit can be written together. */
export function auditPut(event: AuditEvent): { Put: { TableName: string; Item: Record<string, unknown> } } {
  return { Put: { TableName: loadConfig().TABLE_NAME, Item: auditItem(event) } };
}

function auditItem(event: AuditEvent): Record<string, unknown> {
  const config = loadConfig();
  return {
    ...keys.auditEvent(event.at, randomBytes(6).toString('hex')),
    type: 'audit',
    ...auditRecord(event),
    [TTL_ATTRIBUTE]: Math.floor(Date.parse(event.at) / 1000) + config.AUDIT_RETENTION_DAYS * 86_400,
  };
}

/** An audit event for this request: who (the principal), from where (API Gateway's view of the caller), when. */
export function auditOf(
  request: AuthorizedEvent,
  principal: Principal,
  action: AuditAction,
  target: string,
  detail?: Readonly<Record<string, unknown>>,
): AuditEvent {
  return {
    at: systemClock.now().toISOString(),
    action,
    actor: principal.subject,
    role: principal.role,
    target,
    sourceIp: request.requestContext?.http?.sourceIp ?? 'unknown',
    userAgent: (request.requestContext?.http?.userAgent ?? '').slice(0, 200),
    requestId: request.requestContext?.requestId ?? 'unknown',
    ...(detail ? { detail } : {}),
  };
}

export interface AuditQuery {
  /** Inclusive ISO instants; the months between them are read newest first. */
  readonly from: string;
  readonly to: string;
  readonly actor?: string;
  readonly action?: AuditAction;
  /** A target exactly (`registration:R2024-…`) or a kind of target (`registration:`). */
  readonly target?: string;
  readonly cursor?: string;
  readonly limit: number;
  readonly caller: string;
}

export async function listAudit(query: AuditQuery): Promise<Page<AuditEvent>> {
  const binding = {
    caller: query.caller,
    query: {
      // Stryker disable next-line StringLiteral: the name need only differ from other lists' names, and no other list binds from, to, actor, action and target
      list: 'audit',
      from: query.from,
      to: query.to,
      actor: query.actor,
      action: query.action,
      target: query.target,
    },
  };
  const resumed = await decodeCursor(query.cursor, binding);
  const months = monthsBetween(query.from, query.to);
  let monthIndex = resumed ? months.indexOf(String(resumed.pk)) : 0;
  if (monthIndex < 0) monthIndex = months.length;
  // A cursor is either DynamoDB's key within a month or, between months, just the month to start the next page at.
  let start = resumed?.sk ? resumed : undefined;
  const items: AuditEvent[] = [];
  const filters: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = { ':from': query.from, ':to': `${query.to}~` };
  if (query.actor) {
    filters.push('actor = :actor');
    values[':actor'] = query.actor;
  }
  if (query.action) {
    filters.push('#action = :action');
    names['#action'] = 'action';
    values[':action'] = query.action;
  }
  if (query.target) {
    filters.push(query.target.endsWith(':') ? 'begins_with(#target, :target)' : '#target = :target');
    names['#target'] = 'target';
    values[':target'] = query.target;
  }
  while (monthIndex < months.length && items.length < query.limit) {
    const pk = months[monthIndex] as string;
    const result = await dynamoClient().send(
      new QueryCommand({
        TableName: loadConfig().TABLE_NAME,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ...(filters.length ? { FilterExpression: filters.join(' AND ') } : {}),
        ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
        ExpressionAttributeValues: { ...values, ':pk': pk },
        ExclusiveStartKey: start,
        ScanIndexForward: false,
        Limit: query.limit - items.length,
      }),
    );
    // Stryker disable next-line ArrayDeclaration: a Query's reply always has Items (an empty list when nothing matches)
    for (const { pk: _pk, sk: _sk, type: _type, [TTL_ATTRIBUTE]: _ttl, ...event } of result.Items ?? []) {
      items.push(event as AuditEvent);
    }
    start = result.LastEvaluatedKey;
    if (!start) monthIndex++;
  }
  const nextMonth = months[monthIndex];
  // Stryker disable next-line EqualityOperator,ObjectLiteral: unreachable, a Query that fills the page up to its Limit always returns LastEvaluatedKey, so `start` is set whenever the page is full
  const resumeAt = start ?? (nextMonth && items.length >= query.limit ? { pk: nextMonth } : undefined);
  return { items, next: resumeAt ? await encodeCursor(resumeAt, binding) : null };
}

/** The month partitions from `to` back to `from`, newest first. */
function monthsBetween(from: string, to: string): string[] {
  const months: string[] = [];
  const first = from.slice(0, 7);
  // Stryker disable next-line MethodExpression: with the whole instant, the key takes its first 7 characters and previousMonth reads only the year and month
  for (let month = to.slice(0, 7); month >= first; month = previousMonth(month)) {
    months.push(keys.auditEvent(`${month}-01T00:00:00.000Z`, '').pk);
    if (months.length > 120) break;
  }
  return months;
}

function previousMonth(month: string): string {
  const [year, m] = month.split('-').map(Number) as [number, number];
  return m === 1 ? `${year - 1}-12` : `${year}-${String(m - 1).padStart(2, '0')}`;
}
