import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { dynamoClient } from '../../shared/adapters/aws-clients';
import {
  type DeadlineExtension,
  removeDeadlineExtension,
  setDeadlineExtension,
} from '../../shared/adapters/deadline-extension-store';
import { keys } from '../../shared/adapters/keys';
import type { AuditEvent } from '../../shared/domain/audit';
import { STORE_TABLE } from './support/store-environment';

const audit = (at: string, target: string): AuditEvent => ({
  at,
  action: 'deadline.extend',
  actor: 'staff:s1',
  role: 'staff',
  target,
  sourceIp: '10.0.0.1',
  userAgent: 'test',
  requestId: 'req-1',
});

const extension = (until: string, reason = '系统故障'): DeadlineExtension => ({
  until,
  by: 'staff:s1',
  at: '2050-09-01T02:00:00.000Z',
  reason,
});

async function counter(year: number, unit: string) {
  return (await dynamoClient().send(new GetCommand({ TableName: STORE_TABLE, Key: keys.unitQuota(year, unit) }))).Item;
}

async function auditTargets(month: string) {
  const result = await dynamoClient().send(
    new QueryCommand({
      TableName: STORE_TABLE,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `AUDIT#${month}` },
    }),
  );
  return (result.Items ?? []).map((item) => item.target);
}

describe('deadline extensions against DynamoDB Local', () => {
  it('grants an extension on a unit with no counter yet, then replaces it, with an audit event each time', async () => {
    const seen: (DeadlineExtension | undefined)[] = [];
    const first = await setDeadlineExtension(2050, '110000', extension('2050-09-10T16:00:00Z'), (replaced) => {
      seen.push(replaced);
      return audit('2050-09-01T02:00:00.000Z', 'unit:110000');
    });
    expect(first).toBeUndefined();
    const item = await counter(2050, '110000');
    expect(item).toMatchObject({
      deadlineExtendedUntil: '2050-09-10T16:00:00Z',
      deadlineExtendedBy: 'staff:s1',
      deadlineExtendedAt: '2050-09-01T02:00:00.000Z',
      deadlineExtensionReason: '系统故障',
      type: 'quota',
      unit: '110000',
      year: 2050,
    });
    // Nothing was uploaded: the seats used are left for ingest to create.
    expect(item?.used).toBeUndefined();
    const second = await setDeadlineExtension(2050, '110000', extension('2050-09-20T16:00:00Z', '再延'), (replaced) => {
      seen.push(replaced);
      return audit('2050-09-02T02:00:00.000Z', 'unit:110000');
    });
    expect(second).toEqual(extension('2050-09-10T16:00:00Z'));
    expect(seen).toEqual([undefined, extension('2050-09-10T16:00:00Z')]);
    expect(await counter(2050, '110000')).toMatchObject({
      deadlineExtendedUntil: '2050-09-20T16:00:00Z',
      deadlineExtensionReason: '再延',
    });
    expect(await auditTargets('2050-09')).toEqual(['unit:110000', 'unit:110000']);
  });

  it('keeps the seats used when an extension is granted over an existing counter', async () => {
    await dynamoClient().send(
      new PutCommand({ TableName: STORE_TABLE, Item: { ...keys.unitQuota(2051, '120000'), used: 4, quota: 6 } }),
    );
    await setDeadlineExtension(2051, '120000', extension('2051-09-10T16:00:00Z'), () =>
      audit('2051-09-01T02:00:00.000Z', 'unit:120000'),
    );
    expect(await counter(2051, '120000')).toMatchObject({
      used: 4,
      quota: 6,
      deadlineExtendedUntil: '2051-09-10T16:00:00Z',
    });
  });

  it('withdraws an extension with its audit event, and does nothing for a unit without one', async () => {
    const none = await removeDeadlineExtension(2052, '130000', () => {
      throw new Error('no audit event for a unit without an extension');
    });
    expect(none).toBeUndefined();
    expect(await counter(2052, '130000')).toBeUndefined();
    await setDeadlineExtension(2052, '130000', extension('2052-09-10T16:00:00Z'), () =>
      audit('2052-09-01T02:00:00.000Z', 'unit:130000'),
    );
    const withdrawnSeen: DeadlineExtension[] = [];
    const withdrawn = await removeDeadlineExtension(2052, '130000', (w) => {
      withdrawnSeen.push(w);
      return audit('2052-09-03T02:00:00.000Z', 'unit:130000:withdrawn');
    });
    expect(withdrawn).toEqual(extension('2052-09-10T16:00:00Z'));
    expect(withdrawnSeen).toEqual([extension('2052-09-10T16:00:00Z')]);
    const item = await counter(2052, '130000');
    expect(item?.deadlineExtendedUntil).toBeUndefined();
    expect(item?.deadlineExtendedBy).toBeUndefined();
    expect(item?.deadlineExtendedAt).toBeUndefined();
    expect(item?.deadlineExtensionReason).toBeUndefined();
    expect(await auditTargets('2052-09')).toEqual(['unit:130000', 'unit:130000:withdrawn']);
  });
});
