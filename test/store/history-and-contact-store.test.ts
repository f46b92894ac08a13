import { GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { dynamoClient } from '../../shared/adapters/aws-clients';
import { historyPut, listHistory } from '../../shared/adapters/history-store';
import { keys } from '../../shared/adapters/keys';
import { getUnitContact, saveUnitContact } from '../../shared/adapters/unit-contact-store';
import type { UnitContact } from '../../shared/domain/unit-contact';
import { STORE_TABLE } from './support/store-environment';

describe('registration history against DynamoDB Local', () => {
  // The paging cursor is signed with the person-hash key, as in the local cloud.
  beforeEach(() => {
    vi.stubEnv('PERSON_HASH_KEY', 'store-test-person-hash-key-0123456789abcdef');
  });

  it('lists a registration’s events in time order, page by page, without its other items or undefined fields', async () => {
    const events = [
      { at: '2030-08-01T01:00:00.000Z', kind: 'status', by: 'unit:110000', from: undefined, to: 'nominated' },
      { at: '2030-08-02T01:00:00.000Z', kind: 'status', by: 'staff:s1', from: 'nominated', to: 'assigned' },
      { at: '2030-08-03T01:00:00.000Z', kind: 'reviewed', by: 'staff:s2', reason: '材料齐全' },
    ] as const;
    await dynamoClient().send(
      new TransactWriteCommand({ TransactItems: events.map((event) => historyPut('R-H1', event)) }),
    );
    await dynamoClient().send(
      new PutCommand({ TableName: STORE_TABLE, Item: { ...keys.registration('R-H1'), type: 'registration' } }),
    );
    await dynamoClient().send(new TransactWriteCommand({ TransactItems: [historyPut('R-H2', events[0])] }));
    const first = await listHistory('R-H1', { limit: 2, caller: 'staff:s1' });
    expect(first.items).toEqual([
      { at: '2030-08-01T01:00:00.000Z', kind: 'status', by: 'unit:110000', to: 'nominated' },
      { at: '2030-08-02T01:00:00.000Z', kind: 'status', by: 'staff:s1', from: 'nominated', to: 'assigned' },
    ]);
    expect(Object.keys(first.items[0] ?? {})).not.toContain('from');
    expect(first.next).toEqual(expect.any(String));
    const second = await listHistory('R-H1', { limit: 2, caller: 'staff:s1', cursor: first.next ?? undefined });
    expect(second.items).toEqual([
      { at: '2030-08-03T01:00:00.000Z', kind: 'reviewed', by: 'staff:s2', reason: '材料齐全' },
    ]);
    expect(second.next).toBeNull();
  });

  it('refuses a cursor of another caller', async () => {
    const events = [1, 2].map((d) => ({ at: `2030-09-0${d}T01:00:00.000Z`, kind: 'status', by: 'staff:s1' }) as const);
    await dynamoClient().send(new TransactWriteCommand({ TransactItems: events.map((e) => historyPut('R-H3', e)) }));
    const first = await listHistory('R-H3', { limit: 1, caller: 'staff:s1' });
    await expect(
      listHistory('R-H3', { limit: 1, caller: 'unit:110000', cursor: first.next ?? undefined }),
    ).rejects.toThrow();
  });

  it('refuses a cursor of another registration’s history, from the same caller', async () => {
    const events = [1, 2].map((d) => ({ at: `2030-10-0${d}T01:00:00.000Z`, kind: 'status', by: 'staff:s1' }) as const);
    await dynamoClient().send(new TransactWriteCommand({ TransactItems: events.map((e) => historyPut('R-H4', e)) }));
    await dynamoClient().send(new TransactWriteCommand({ TransactItems: events.map((e) => historyPut('R-H5', e)) }));
    const first = await listHistory('R-H4', { limit: 1, caller: 'staff:s1' });
    expect(first.next).toEqual(expect.any(String));
    // Refused as a bad cursor (400), before DynamoDB would fail on a start key of another partition.
    await expect(
      listHistory('R-H5', { limit: 1, caller: 'staff:s1', cursor: first.next ?? undefined }),
    ).rejects.toMatchObject({ code: 'INVALID_CURSOR', status: 400 });
  });
});

describe('unit contacts against DynamoDB Local', () => {
  it('saves a unit’s contact and reads it back without the item’s keys; a unit without one has none', async () => {
    const contact: UnitContact = {
      unit: '440000',
      unitName: '广东省工业和信息化厅',
      contactName: '李四',
      contactPosition: '科长',
      mobile: '13900001111',
      officePhone: '020-12345678',
      email: 'contact@example.com',
      recommendedCount: 12,
      remarks: '',
      uploadId: 'u-440000',
      updatedAt: '2030-08-01T01:00:00.000Z',
    };
    await saveUnitContact(contact);
    expect(await getUnitContact('440000')).toEqual(contact);
    // Stored as the item docs/architecture.md lists: type `unit-contact`, UNIT#<unit> / CONTACT.
    const stored = await dynamoClient().send(
      new GetCommand({ TableName: STORE_TABLE, Key: keys.unitContact('440000') }),
    );
    expect(stored.Item).toMatchObject({ pk: 'UNIT#440000', sk: 'CONTACT', type: 'unit-contact' });
    expect(await getUnitContact('440300')).toBeUndefined();
  });
});
