import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditEvent } from '../domain/audit';
import { auditPut } from './audit-store';
import { dynamoClient } from './aws-clients';
import { loadConfig } from './config';
import { keys } from './keys';
import { TransactionRefused, writeTransaction } from './registration-store';

/*
 * Staff's deadline extensions, kept on the unit's quota counter (PROGRAMME#<year> / QUOTA#<unit>), where upload-url
 * and ingest read them with getUnitQuotaState (quota-store.ts). Writing them is apart from that module so the
 * functions that only read the counter do not bundle the audit trail.
 */

/** Who granted a unit its deadline extension, when and why, as kept on its counter. */
export interface DeadlineExtension {
  readonly until: string;
  readonly by: string;
  readonly at: string;
  readonly reason: string;
}

/**
 * Grants (or replaces) a unit's extension on its counter item, where upload-url and ingest already read it, together
 * with its audit event in one transaction. The counter may not exist yet (nothing uploaded): `used` is left alone,
 * so ingest still creates it as before. Returns the extension it replaced, if any: the write applies only over the
 * extension read, so what the audit event says was replaced is what was.
 */
export async function setDeadlineExtension(
  year: number,
  unit: string,
  extension: DeadlineExtension,
  auditFor: (replaced: DeadlineExtension | undefined) => AuditEvent,
): Promise<DeadlineExtension | undefined> {
  return overExtensionRead(year, unit, async (previous) => {
    await writeTransaction([
      {
        Update: {
          TableName: loadConfig().TABLE_NAME,
          Key: keys.unitQuota(year, unit),
          UpdateExpression:
            'SET deadlineExtendedUntil = :until, deadlineExtendedBy = :by, deadlineExtendedAt = :at, deadlineExtensionReason = :reason, #type = :type, #unit = :unit, #year = :year',
          ...unchangedSince(previous),
          ExpressionAttributeNames: { '#type': 'type', '#unit': 'unit', '#year': 'year' },
          ExpressionAttributeValues: {
            ...(previous ? { ':previous': previous.until } : {}),
            ':until': extension.until,
            ':by': extension.by,
            ':at': extension.at,
            ':reason': extension.reason,
            ':type': 'quota',
            ':unit': unit,
            ':year': year,
          },
        },
      },
      auditPut(auditFor(previous)),
    ]);
    return previous;
  });
}

/** Withdraws a unit's extension with its audit event; undefined when it had none (nothing is written then). */
export async function removeDeadlineExtension(
  year: number,
  unit: string,
  auditFor: (withdrawn: DeadlineExtension) => AuditEvent,
): Promise<DeadlineExtension | undefined> {
  return overExtensionRead(year, unit, async (previous) => {
    if (!previous) return undefined;
    await writeTransaction([
      {
        Update: {
          TableName: loadConfig().TABLE_NAME,
          Key: keys.unitQuota(year, unit),
          UpdateExpression:
            'REMOVE deadlineExtendedUntil, deadlineExtendedBy, deadlineExtendedAt, deadlineExtensionReason',
          ...unchangedSince(previous),
          ExpressionAttributeValues: { ':previous': previous.until },
        },
      },
      auditPut(auditFor(previous)),
    ]);
    return previous;
  });
}

/** Reads the unit's extension and writes over it; when another write changed it meanwhile, reads again (twice). */
async function overExtensionRead<T>(
  year: number,
  unit: string,
  write: (previous: DeadlineExtension | undefined) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const result = await dynamoClient().send(
      // Stryker disable next-line BooleanLiteral: DynamoDB Local reads are always consistent
      new GetCommand({ TableName: loadConfig().TABLE_NAME, Key: keys.unitQuota(year, unit), ConsistentRead: true }),
    );
    try {
      return await write(extensionOf(result.Item));
    } catch (error) {
      if (error instanceof TransactionRefused && error.failedAt(0) && attempt < 3) continue;
      throw error;
    }
  }
}

function unchangedSince(previous: DeadlineExtension | undefined) {
  return {
    ConditionExpression: previous ? 'deadlineExtendedUntil = :previous' : 'attribute_not_exists(deadlineExtendedUntil)',
  };
}

function extensionOf(item: Record<string, unknown> | undefined): DeadlineExtension | undefined {
  if (typeof item?.deadlineExtendedUntil !== 'string') return undefined;
  return {
    until: item.deadlineExtendedUntil,
    by: String(item.deadlineExtendedBy ?? ''),
    at: String(item.deadlineExtendedAt ?? ''),
    reason: String(item.deadlineExtensionReason ?? ''),
  };
}
