import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it, vi } from 'vitest';
import { dynamoClient } from '../../shared/adapters/aws-clients';
import {
  getItem,
  getRegistration,
  indexValues,
  putItem,
  registrationItem,
  TransactionRefused,
  toRegistration,
  transitionRegistration,
  updateRegistration,
  updateRegistrationItem,
  writeTransaction,
} from '../../shared/adapters/registration-store';
import type { DomainError } from '../../shared/domain/errors';
import type { Registration, RegistrationStatus } from '../../shared/domain/trainee-registration';
import { STORE_TABLE } from './support/store-environment';
import { partition, put } from './support/store-items';

/**
 * Registrations against DynamoDB Local: the stored layout (personal details apart, masked forms for lists), and
 * status changes — on condition of the status read, with their history event and the unit's status counts in the
 * same transaction, and the retention TTL set when a journey ends and removed when it resumes
 * (docs/domain-rules.md, retention: 730 days after an end, 1825 after certification, by default).
 * Each test uses its own registration ids and unit, so the shared table never mixes their items.
 */
const DAY = 24 * 3600;
const trainee = {
  name: '张三',
  idNumber: '11010519491231002X',
  mobile: '13812345678',
  email: 'zhangsan@example.com',
  enterpriseName: '测试科技有限公司',
  creditCode: '91350100M000100Y43',
};

function registration(
  registrationId: string,
  unit: string,
  status: RegistrationStatus,
  extra: Record<string, unknown> = {},
): Registration {
  return {
    registrationId,
    year: 2030,
    unit,
    status,
    uploadId: 'u1',
    row: 2,
    createdAt: '2030-08-01T00:00:00.000Z',
    updatedAt: '2030-08-01T00:00:00.000Z',
    trainee,
    ...extra,
  } as unknown as Registration;
}

async function stored(registrationId: string): Promise<Record<string, unknown>> {
  const item = await getItem({ pk: `REG#${registrationId}`, sk: 'REG' });
  if (!item) throw new Error(`${registrationId} is not stored`);
  return item;
}

const history = async (registrationId: string) =>
  (await partition(`REG#${registrationId}`)).filter((item) => String(item.sk).startsWith('EVENT#'));

const counts = (year: number, unit: string) => getItem({ pk: `PROGRAMME#${year}`, sk: `STATUS#${unit}` });

async function refusal(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a refusal');
    },
    (error: unknown) => error,
  );
}

describe('registration store against DynamoDB Local: the stored registration', () => {
  it('reads a registration back whole by key, without its keys, token, person hash or TTL', async () => {
    const record = registration('R-READ', '110000', 'nominated', { classNumber: 3 });
    await putItem({ ...registrationItem(record), taskToken: 'tok', personHash: 'hash', expiresAt: 1 });
    // Read by key it is whole, with the masked forms lists show beside it.
    expect(await getRegistration('R-READ')).toEqual({
      ...record,
      masked: { idNumber: '110105********002X', mobile: '138****5678', email: 'z***@example.com' },
    });
    expect(await getRegistration('R-NONE')).toBeUndefined();
    expect(await getItem({ pk: 'REG#R-NONE', sk: 'REG' })).toBeUndefined();
    const item = await stored('R-READ');
    expect(item).toMatchObject({
      pk: 'REG#R-READ',
      sk: 'REG',
      type: 'registration',
      gsi1pk: 'UNIT#2030#110000',
      gsi1sk: 'nominated#R-READ',
      gsi2pk: 'CLASS#2030#03',
      gsi2sk: 'R-READ',
      gsi3pk: 'YEAR#2030',
      gsi3sk: 'nominated#110000#R-READ',
      personal: { idNumber: '11010519491231002X', mobile: '13812345678', email: 'zhangsan@example.com' },
      masked: { idNumber: '110105********002X', mobile: '138****5678', email: 'z***@example.com' },
    });
    expect(item.trainee).toEqual({
      name: '张三',
      enterpriseName: '测试科技有限公司',
      creditCode: '91350100M000100Y43',
    });
  });

  it('puts a registration without a class in no class roster', async () => {
    await putItem(registrationItem(registration('R-NOCLASS', '110000', 'nominated')));
    const item = await stored('R-NOCLASS');
    expect(item).not.toHaveProperty('gsi2pk');
    expect(item).not.toHaveProperty('gsi2sk');
  });

  it('shows no masked email for a trainee who gave none', async () => {
    await putItem(
      registrationItem(registration('R-NOMAIL', '110000', 'nominated', { trainee: { ...trainee, email: '' } })),
    );
    expect((await stored('R-NOMAIL')).masked).toEqual({
      idNumber: '110105********002X',
      mobile: '138****5678',
      email: '',
    });
  });

  it('lists a unit’s registrations from its index with the masked details only', async () => {
    await putItem(registrationItem(registration('R-LIST1', '120000', 'nominated')));
    await putItem(registrationItem(registration('R-LIST2', '120000', 'assigned', { classNumber: 1 })));
    await putItem(registrationItem(registration('R-LIST3', '130000', 'nominated')));
    const result = await dynamoClient().send(
      new QueryCommand({
        TableName: STORE_TABLE,
        IndexName: 'byUnit',
        KeyConditionExpression: 'gsi1pk = :gsi1pk AND begins_with(gsi1sk, :status)',
        ExpressionAttributeValues: { ...indexValues({ gsi1pk: 'UNIT#2030#120000' }), ':status': 'nominated#' },
      }),
    );
    const listed = (result.Items ?? []).map(toRegistration);
    expect(listed.map((r) => r.registrationId)).toEqual(['R-LIST1']);
    const [first] = listed as unknown as Record<string, unknown>[];
    expect(first?.trainee).toEqual({
      name: '张三',
      enterpriseName: '测试科技有限公司',
      creditCode: '91350100M000100Y43',
    });
    expect(first?.masked).toEqual({ idNumber: '110105********002X', mobile: '138****5678', email: 'z***@example.com' });
    expect(JSON.stringify(result.Items)).not.toMatch(/11010519491231002X|13812345678|zhangsan@/);
  });
});

describe('registration store against DynamoDB Local: status changes', () => {
  it('moves a registration, its index keys, its history and its unit’s status counts together', async () => {
    const record = registration('R-MOVE', '140000', 'nominated');
    await putItem(registrationItem(record));
    await transitionRegistration(record, new Date('2030-08-10T08:00:00.000Z'), {
      to: 'assigned',
      by: 'staff:s1',
      reason: '材料齐全',
      set: { classNumber: 4, awaiting: 'class-close' },
      event: { step: 'assign' },
    });
    const item = await stored('R-MOVE');
    expect(item).toMatchObject({
      status: 'assigned',
      updatedAt: '2030-08-10T08:00:00.000Z',
      gsi1pk: 'UNIT#2030#140000',
      gsi1sk: 'assigned#R-MOVE',
      gsi3pk: 'YEAR#2030',
      gsi3sk: 'assigned#140000#R-MOVE',
      classNumber: 4,
      awaiting: 'class-close',
    });
    expect(item).not.toHaveProperty('expiresAt');
    const events = await history('R-MOVE');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'history',
      registrationId: 'R-MOVE',
      at: '2030-08-10T08:00:00.000Z',
      kind: 'status',
      by: 'staff:s1',
      from: 'nominated',
      to: 'assigned',
      reason: '材料齐全',
      step: 'assign',
    });
    expect(String(events[0]?.sk)).toMatch(/^EVENT#2030-08-10T08:00:00\.000Z#/);
    // Out of nominated, into assigned; a nomination placed in a class passed review.
    expect(await counts(2030, '140000')).toMatchObject({ nominated: -1, assigned: 1, approved: 1 });
  });

  it('refuses a change from a status the registration is no longer in, writing nothing', async () => {
    const record = registration('R-STALE', '150000', 'nominated');
    await putItem(registrationItem({ ...record, status: 'withdrawn' }));
    const error = (await refusal(
      transitionRegistration(record, new Date('2030-08-10T08:00:00.000Z'), {
        to: 'assigned',
        by: 'staff:s1',
        alongside: [{ Put: { TableName: STORE_TABLE, Item: { pk: 'SIDE#R-STALE', sk: 'SIDE' } } }],
      }),
    )) as DomainError;
    expect(error.code).toBe('STATUS_CHANGED');
    expect(error.status).toBe(409);
    // The reply tells the user to refresh and try again (docs/operations.md: someone else acted first).
    expect(error.message).toContain('请刷新后重试');
    expect((await stored('R-STALE')).status).toBe('withdrawn');
    expect(await history('R-STALE')).toEqual([]);
    expect(await counts(2030, '150000')).toBeUndefined();
    expect(await partition('SIDE#R-STALE')).toEqual([]);
  });

  it('applies a further condition with the status one (a stored task token)', async () => {
    const record = registration('R-WHEN', '160000', 'assigned');
    await putItem({ ...registrationItem(record), taskToken: 'token-1' });
    const when = (token: string) => ({ expression: 'taskToken = :token', values: { ':token': token } });
    const error = (await refusal(
      transitionRegistration(record, new Date('2030-09-01T00:00:00.000Z'), {
        to: 'failed',
        by: 'workflow',
        when: when('token-0'),
      }),
    )) as DomainError;
    expect(error.code).toBe('STATUS_CHANGED');
    expect((await stored('R-WHEN')).status).toBe('assigned');
    await transitionRegistration(record, new Date('2030-09-01T00:00:00.000Z'), {
      to: 'failed',
      by: 'workflow',
      when: when('token-1'),
      remove: ['taskToken'],
      set: { failure: { step: 'certificate', error: 'boom', from: 'assigned', at: '2030-09-01T00:00:00.000Z' } },
    });
    const item = await stored('R-WHEN');
    expect(item.status).toBe('failed');
    expect(item).not.toHaveProperty('taskToken');
    expect(item.failure).toEqual({
      step: 'certificate',
      error: 'boom',
      from: 'assigned',
      at: '2030-09-01T00:00:00.000Z',
    });
    // A failed step is not an end: nothing is due for deletion.
    expect(item).not.toHaveProperty('expiresAt');
  });

  it('sets the retention TTL when a journey ends: 730 days after most ends, 1825 after certification', async () => {
    const now = new Date('2030-09-01T00:00:00.500Z');
    const seconds = Date.UTC(2030, 8, 1) / 1000; // the half second is dropped
    const rejected = registration('R-END1', '170000', 'nominated');
    await putItem(registrationItem(rejected));
    await transitionRegistration(rejected, now, { to: 'rejected', by: 'staff:s1' });
    expect((await stored('R-END1')).expiresAt).toBe(seconds + 730 * DAY);
    const certified = registration('R-END2', '170000', 'assigned');
    await putItem(registrationItem(certified));
    await transitionRegistration(certified, now, { to: 'certified', by: 'workflow' });
    expect((await stored('R-END2')).expiresAt).toBe(seconds + 1825 * DAY);
    expect(await counts(2030, '170000')).toMatchObject({ nominated: -1, rejected: 1, assigned: -1, certified: 1 });
  });

  it('removes the TTL when a journey resumes (a freed seat for a trainee not placed)', async () => {
    const record = registration('R-RESUME', '180000', 'not-placed');
    await putItem({ ...registrationItem(record), expiresAt: 2_000_000_000 });
    await transitionRegistration(record, new Date('2030-09-02T00:00:00.000Z'), {
      to: 'assigned',
      by: 'system',
      set: { classNumber: 2 },
    });
    const item = await stored('R-RESUME');
    expect(item.status).toBe('assigned');
    expect(item).not.toHaveProperty('expiresAt');
  });

  it('changes fields without a status change and without touching the counts', async () => {
    const record = registration('R-SAME', '190000', 'assigned', { classNumber: 1 });
    await putItem(registrationItem(record));
    await transitionRegistration(record, new Date('2030-09-03T00:00:00.000Z'), {
      to: 'assigned',
      by: 'staff:s1',
      set: { classNumber: 5 },
    });
    expect(await stored('R-SAME')).toMatchObject({ status: 'assigned', classNumber: 5, gsi1sk: 'assigned#R-SAME' });
    expect(await history('R-SAME')).toHaveLength(1);
    expect(await counts(2030, '190000')).toBeUndefined();
  });

  it('stores a trainee changed with a status change split like a new one', async () => {
    const record = registration('R-TRAINEE', '210000', 'nominated');
    await putItem(registrationItem(record));
    await transitionRegistration(record, new Date('2030-09-04T00:00:00.000Z'), {
      to: 'assigned',
      by: 'staff:s1',
      set: { trainee: { ...trainee, email: 'new@example.com' } },
    });
    const item = await stored('R-TRAINEE');
    expect(item.trainee).toEqual({
      name: '张三',
      enterpriseName: '测试科技有限公司',
      creditCode: '91350100M000100Y43',
    });
    expect(item.personal).toEqual({ idNumber: '11010519491231002X', mobile: '13812345678', email: 'new@example.com' });
    expect(item.masked).toMatchObject({ email: 'n***@example.com' });
    expect((await getRegistration('R-TRAINEE'))?.trainee.email).toBe('new@example.com');
  });

  it('reports which other item refused a change, and writes none of it', async () => {
    const record = registration('R-SIDE', '220000', 'nominated');
    await putItem(registrationItem(record));
    await put({ pk: 'PROGRAMME#2030', sk: 'CLASS#09', used: 80 });
    const error = await refusal(
      transitionRegistration(record, new Date('2030-09-05T00:00:00.000Z'), {
        to: 'assigned',
        by: 'staff:s1',
        alongside: [
          {
            ConditionCheck: {
              TableName: STORE_TABLE,
              Key: { pk: 'PROGRAMME#2030', sk: 'CLASS#09' },
              ConditionExpression: 'used < :capacity',
              ExpressionAttributeValues: { ':capacity': 80 },
            },
          },
        ],
      }),
    );
    expect(error).toBeInstanceOf(TransactionRefused);
    const refused = error as TransactionRefused;
    expect(refused.failedAt(2)).toBe(true);
    expect(refused.failedAt(0)).toBe(false);
    expect(refused.conflict).toBe(false);
    expect(refused.name).toBe('TransactionRefused');
    // DynamoDB's reason per item, in order: the registration, its history event, the class, the status counts.
    expect(refused.message).toBe('transaction refused: None,None,ConditionalCheckFailed,None');
    expect((await stored('R-SIDE')).status).toBe('nominated');
    expect(await history('R-SIDE')).toEqual([]);
    expect(await counts(2030, '220000')).toBeUndefined();
  });

  it('reports a refused first item that is not a registration as refused, not as a status change', async () => {
    await put({ pk: 'PROGRAMME#2031', sk: 'QUOTA#230000', used: 3 });
    const error = await refusal(
      writeTransaction([
        {
          Update: {
            TableName: STORE_TABLE,
            Key: { pk: 'PROGRAMME#2031', sk: 'QUOTA#230000' },
            UpdateExpression: 'ADD used :one',
            ConditionExpression: 'used < :quota',
            ExpressionAttributeValues: { ':one': 1, ':quota': 3 },
          },
        },
      ]),
    );
    expect(error).toBeInstanceOf(TransactionRefused);
    expect((error as TransactionRefused).failedAt(0)).toBe(true);
    expect(await getItem({ pk: 'PROGRAMME#2031', sk: 'QUOTA#230000' })).toMatchObject({ used: 3 });
  });
});

describe('registration store against DynamoDB Local: updates without a status change', () => {
  it('sets attributes while the status is the one read, splitting a changed trainee', async () => {
    const record = registration('R-UPD', '310000', 'assigned');
    await putItem(registrationItem(record));
    await updateRegistration(record, {
      workflowStopPending: true,
      trainee: { ...trainee, mobile: '13900001111' },
    });
    const item = await stored('R-UPD');
    expect(item).toMatchObject({
      status: 'assigned',
      workflowStopPending: true,
      personal: { mobile: '13900001111' },
      masked: { mobile: '139****1111' },
    });
    expect(JSON.stringify(item.trainee)).not.toContain('13900001111');
    expect(await history('R-UPD')).toEqual([]);
  });

  it('refuses an update once the status changed (409 STATUS_CHANGED), also inside a transaction', async () => {
    const record = registration('R-UPD2', '320000', 'nominated');
    await putItem(registrationItem({ ...record, status: 'rejected' }));
    const error = (await refusal(updateRegistration(record, { awaiting: 'review' }))) as DomainError;
    expect(error.code).toBe('STATUS_CHANGED');
    expect(error.status).toBe(409);
    const inTransaction = (await refusal(
      writeTransaction([updateRegistrationItem(record, { awaiting: 'review' })]),
    )) as DomainError;
    expect(inTransaction.code).toBe('STATUS_CHANGED');
    expect(await stored('R-UPD2')).not.toHaveProperty('awaiting');
    await updateRegistration({ ...record, status: 'rejected' }, { awaiting: 'none' });
    expect((await stored('R-UPD2')).awaiting).toBe('none');
  });

  it('passes on an error that is not a refused condition', async () => {
    const record = registration('R-UPD3', '330000', 'nominated');
    // An attribute name DynamoDB cannot take (empty): a validation error, not a lost race.
    await expect(updateRegistration(record, { '': 1 })).rejects.not.toHaveProperty('code', 'STATUS_CHANGED');
  });
});

describe('registration store against DynamoDB Local: module loaded afresh', () => {
  it('uses the configured table, and a change of fields alone writes no status counts', async () => {
    // Imported afresh so the module-level `table()` and `optional()` are evaluated inside this test (mutation testing
    // changes them; see docs/mutation-testing.md, "Module tables that survive").
    vi.resetModules();
    const fresh = await import('../../shared/adapters/registration-store');
    const record = registration('R-FRESH', '410000', 'assigned', { classNumber: 1 });
    await fresh.putItem(fresh.registrationItem(record));
    expect((await fresh.getItem({ pk: 'REG#R-FRESH', sk: 'REG' }))?.status).toBe('assigned');
    await fresh.transitionRegistration(record, new Date('2030-09-06T00:00:00.000Z'), {
      to: 'assigned',
      by: 'staff:s1',
      set: { classNumber: 2 },
    });
    expect((await fresh.getRegistration('R-FRESH'))?.classNumber).toBe(2);
    expect(await counts(2030, '410000')).toBeUndefined();
  });
});
