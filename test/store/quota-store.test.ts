import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { dynamoClient } from '../../shared/adapters/aws-clients';
import {
  getUnitQuotaState,
  listUnitFigures,
  listUnitQuotaUsed,
  statusCountsUpdate,
} from '../../shared/adapters/quota-store';
import { put } from './support/store-items';

describe('quota store against DynamoDB Local', () => {
  it('reads a unit with no counter as nothing used and no extension', async () => {
    expect(await getUnitQuotaState(2031, '110000')).toEqual({ used: 0, deadlineExtendedUntil: undefined });
  });

  it('reads the seats used and the extension of that unit and year only', async () => {
    await put({ pk: 'PROGRAMME#2030', sk: 'QUOTA#440000', used: 7, deadlineExtendedUntil: '2030-09-01T16:00:00Z' });
    await put({ pk: 'PROGRAMME#2030', sk: 'QUOTA#440300', used: 3 });
    await put({ pk: 'PROGRAMME#2029', sk: 'QUOTA#440000', used: 99 });
    expect(await getUnitQuotaState(2030, '440000')).toEqual({ used: 7, deadlineExtendedUntil: '2030-09-01T16:00:00Z' });
    expect(await getUnitQuotaState(2030, '440300')).toEqual({ used: 3, deadlineExtendedUntil: undefined });
  });

  it('adds status-count deltas, creating the item on the first change', async () => {
    const first = statusCountsUpdate(2028, '330200', { nominated: 2, approved: 0 });
    const second = statusCountsUpdate(2028, '330200', { nominated: -1, approved: 1, 'not-placed': 1 });
    if (!first || !second) throw new Error('a change that moves figures needs an update');
    await dynamoClient().send(new TransactWriteCommand({ TransactItems: [first] }));
    await dynamoClient().send(new TransactWriteCommand({ TransactItems: [second] }));
    const figures = await listUnitFigures(2028);
    expect(figures.get('330200')?.counts).toEqual({ nominated: 1, approved: 1, 'not-placed': 1 });
    expect(statusCountsUpdate(2028, '330200', { nominated: 0 })).toBeUndefined();
    expect(statusCountsUpdate(2028, '330200', {})).toBeUndefined();
  });

  it('lists every unit with a counter or counts, skipping other items of the programme', async () => {
    await put({ pk: 'PROGRAMME#2027', sk: 'QUOTA#210000', used: 4 });
    await put({ pk: 'PROGRAMME#2027', sk: 'QUOTA#210200', used: 2, deadlineExtendedUntil: '2027-09-02T16:00:00Z' });
    await put({ pk: 'PROGRAMME#2027', sk: 'STATUS#210200', type: 'status-counts', approved: 2, certified: 1 });
    await put({ pk: 'PROGRAMME#2027', sk: 'QUOTA#999999', used: 50 });
    await put({ pk: 'PROGRAMME#2027', sk: 'CLASS#01', used: 40 });
    await put({ pk: 'PROGRAMME#2027', sk: 'SETTINGS', used: 40 });
    const figures = await listUnitFigures(2027);
    expect([...figures.keys()].sort()).toEqual(['210000', '210200']);
    expect(figures.get('210000')).toEqual({ used: 4, counts: {} });
    // A unit without an extension has no deadlineExtendedUntil at all (not one set to undefined).
    expect(Object.keys(figures.get('210000') ?? {}).sort()).toEqual(['counts', 'used']);
    expect(figures.get('210200')).toEqual({
      used: 2,
      deadlineExtendedUntil: '2027-09-02T16:00:00Z',
      counts: { approved: 2, certified: 1 },
    });
    expect(await listUnitQuotaUsed(2027)).toEqual(
      new Map([
        ['210000', 4],
        ['210200', 2],
      ]),
    );
  });
});
