import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { dynamoClient } from '../../shared/adapters/aws-clients';
import {
  type DeadlineExtension,
  removeDeadlineExtension,
  setDeadlineExtension,
} from '../../shared/adapters/deadline-extension-store';
import { keys } from '../../shared/adapters/keys';
import { TransactionRefused } from '../../shared/adapters/registration-store';
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

  it('reads an extension kept without who, when or why as empty fields, and one that is not a date as none', async () => {
    await dynamoClient().send(
      new PutCommand({
        TableName: STORE_TABLE,
        Item: { ...keys.unitQuota(2054, '150000'), used: 1, deadlineExtendedUntil: '2054-09-10T16:00:00Z' },
      }),
    );
    const replaced = await setDeadlineExtension(2054, '150000', extension('2054-09-20T16:00:00Z'), () =>
      audit('2054-09-01T02:00:00.000Z', 'unit:150000'),
    );
    expect(replaced).toEqual({ until: '2054-09-10T16:00:00Z', by: '', at: '', reason: '' });
    await dynamoClient().send(
      new PutCommand({
        TableName: STORE_TABLE,
        Item: { ...keys.unitQuota(2054, '150100'), used: 1, deadlineExtendedUntil: 20540910 },
      }),
    );
    const none = await removeDeadlineExtension(2054, '150100', () => {
      throw new Error('a counter without a date extension has nothing to withdraw');
    });
    expect(none).toBeUndefined();
  });
});

/**
 * Two staff members acting on one unit at once: the write applies only over the extension it read, so when another
 * write lands between the read and the transaction, the store reads again and writes over what is there now (at most
 * three reads). The other write is injected, against DynamoDB Local, right after each read.
 */
describe('deadline extensions changed by another write between the read and the transaction', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  /** After each of the first `times` reads of the unit's counter, `change` runs as the other staff member's write. */
  function interfereAfterReads(times: number, change: (read: number) => Promise<unknown>) {
    const client = dynamoClient();
    const send = client.send.bind(client) as (command: unknown) => Promise<unknown>;
    let reads = 0;
    vi.spyOn(client, 'send').mockImplementation((async (command: unknown) => {
      const result = await send(command);
      if (command instanceof GetCommand) {
        reads += 1;
        if (reads <= times) await change(reads);
      }
      return result;
    }) as never);
    return () => reads;
  }

  const otherGrant = (year: number, unit: string, until: string) =>
    dynamoClient().send(
      new UpdateCommand({
        TableName: STORE_TABLE,
        Key: keys.unitQuota(year, unit),
        UpdateExpression:
          'SET deadlineExtendedUntil = :until, deadlineExtendedBy = :by, deadlineExtendedAt = :at, deadlineExtensionReason = :reason',
        ExpressionAttributeValues: {
          ':until': until,
          ':by': 'staff:s2',
          ':at': `${year}-09-01T03:00:00.000Z`,
          ':reason': '另一位',
        },
      }),
    );

  it('grants over the extension another staff member wrote meanwhile, and the audit event names that one', async () => {
    await setDeadlineExtension(2055, '160000', extension('2055-09-10T16:00:00Z'), () =>
      audit('2055-09-01T02:00:00.000Z', 'unit:160000:first'),
    );
    const reads = interfereAfterReads(1, () => otherGrant(2055, '160000', '2055-09-15T16:00:00Z'));
    const seen: (DeadlineExtension | undefined)[] = [];
    const replaced = await setDeadlineExtension(2055, '160000', extension('2055-09-20T16:00:00Z', '第三次'), (r) => {
      seen.push(r);
      return audit('2055-09-02T02:00:00.000Z', `unit:160000:replacing:${r?.until}`);
    });
    const theirs = { until: '2055-09-15T16:00:00Z', by: 'staff:s2', at: '2055-09-01T03:00:00.000Z', reason: '另一位' };
    expect(replaced).toEqual(theirs);
    expect(seen).toEqual([extension('2055-09-10T16:00:00Z'), theirs]);
    expect(reads()).toBe(2);
    expect(await counter(2055, '160000')).toMatchObject({
      deadlineExtendedUntil: '2055-09-20T16:00:00Z',
      deadlineExtensionReason: '第三次',
    });
    // The refused first attempt left no audit event: only the one that was written says what it replaced.
    expect((await auditTargets('2055-09')).sort()).toEqual([
      'unit:160000:first',
      'unit:160000:replacing:2055-09-15T16:00:00Z',
    ]);
  });

  it('grants a first extension when another staff member granted one meanwhile: it is replaced, not ignored', async () => {
    const reads = interfereAfterReads(1, () => otherGrant(2056, '170000', '2056-09-15T16:00:00Z'));
    const replaced = await setDeadlineExtension(2056, '170000', extension('2056-09-20T16:00:00Z'), () =>
      audit('2056-09-02T02:00:00.000Z', 'unit:170000'),
    );
    expect(replaced?.until).toBe('2056-09-15T16:00:00Z');
    expect(reads()).toBe(2);
    expect((await counter(2056, '170000'))?.deadlineExtendedUntil).toBe('2056-09-20T16:00:00Z');
  });

  it('withdraws nothing when another staff member withdrew the extension meanwhile', async () => {
    await setDeadlineExtension(2057, '180000', extension('2057-09-10T16:00:00Z'), () =>
      audit('2057-09-01T02:00:00.000Z', 'unit:180000'),
    );
    const reads = interfereAfterReads(1, async () => {
      await dynamoClient().send(
        new UpdateCommand({
          TableName: STORE_TABLE,
          Key: keys.unitQuota(2057, '180000'),
          UpdateExpression:
            'REMOVE deadlineExtendedUntil, deadlineExtendedBy, deadlineExtendedAt, deadlineExtensionReason',
        }),
      );
    });
    const withdrawn = await removeDeadlineExtension(2057, '180000', () =>
      audit('2057-09-03T02:00:00.000Z', 'unit:180000:withdrawn'),
    );
    expect(withdrawn).toBeUndefined();
    expect(reads()).toBe(2);
    expect(await auditTargets('2057-09')).toEqual(['unit:180000']);
  });

  it('withdraws the extension another staff member wrote meanwhile, naming that one', async () => {
    await setDeadlineExtension(2058, '190000', extension('2058-09-10T16:00:00Z'), () =>
      audit('2058-09-01T02:00:00.000Z', 'unit:190000'),
    );
    interfereAfterReads(1, () => otherGrant(2058, '190000', '2058-09-15T16:00:00Z'));
    const seen: DeadlineExtension[] = [];
    const withdrawn = await removeDeadlineExtension(2058, '190000', (w) => {
      seen.push(w);
      return audit('2058-09-03T02:00:00.000Z', 'unit:190000:withdrawn');
    });
    expect(withdrawn?.until).toBe('2058-09-15T16:00:00Z');
    expect(seen.map((w) => w.until)).toEqual(['2058-09-10T16:00:00Z', '2058-09-15T16:00:00Z']);
    expect((await counter(2058, '190000'))?.deadlineExtendedUntil).toBeUndefined();
  });

  it('gives up after the third read when the extension keeps changing under it', async () => {
    const reads = interfereAfterReads(3, (read) => otherGrant(2059, '210000', `2059-09-1${read}T16:00:00Z`));
    await expect(
      setDeadlineExtension(2059, '210000', extension('2059-09-20T16:00:00Z'), () =>
        audit('2059-09-02T02:00:00.000Z', 'unit:210000'),
      ),
    ).rejects.toBeInstanceOf(TransactionRefused);
    expect(reads()).toBe(3);
    // The last other write stands; nothing of the refused grant was kept.
    expect((await counter(2059, '210000'))?.deadlineExtendedUntil).toBe('2059-09-13T16:00:00Z');
    expect(await auditTargets('2059-09')).toEqual([]);
  });

  it('passes a failed connection on at once, without reading again', async () => {
    const failure = new Error('socket hang up');
    const client = dynamoClient();
    const send = client.send.bind(client) as (command: unknown) => Promise<unknown>;
    let reads = 0;
    vi.spyOn(client, 'send').mockImplementation((async (command: unknown) => {
      if (command instanceof GetCommand) reads += 1;
      if (!(command instanceof GetCommand)) throw failure;
      return send(command);
    }) as never);
    await expect(
      setDeadlineExtension(2060, '220000', extension('2060-09-20T16:00:00Z'), () =>
        audit('2060-09-02T02:00:00.000Z', 'unit:220000'),
      ),
    ).rejects.toBe(failure);
    expect(reads).toBe(1);
  });
});
