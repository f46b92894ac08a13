import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import {
  markCloseResumed,
  writeLeaveAcknowledgement,
  writeLeaveGrants,
  writeSessionRecords,
} from '../../shared/adapters/attendance-store';
import { dynamoClient } from '../../shared/adapters/aws-clients';
import type { AttendanceRecord, LeaveGrant } from '../../shared/domain/attendance';
import type { Registration } from '../../shared/domain/trainee-registration';
import { STORE_TABLE } from './support/store-environment';
import { put } from './support/store-items';

async function stored(registrationId: string) {
  const result = await dynamoClient().send(
    new GetCommand({ TableName: STORE_TABLE, Key: { pk: `REG#${registrationId}`, sk: 'REG' } }),
  );
  return result.Item;
}

async function history(registrationId: string) {
  const result = await dynamoClient().send(
    new QueryCommand({
      TableName: STORE_TABLE,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :event)',
      ExpressionAttributeValues: { ':pk': `REG#${registrationId}`, ':event': 'EVENT#' },
    }),
  );
  return result.Items ?? [];
}

/** A registration as stored and as read: assigned to a class, optionally with its attendance and leave maps. */
async function seed(
  registrationId: string,
  year: number,
  classNumber: number,
  extra: Record<string, unknown> = {},
): Promise<Registration> {
  const item = { registrationId, year, classNumber, status: 'assigned', unit: '440000', ...extra };
  await put({ pk: `REG#${registrationId}`, sk: 'REG', type: 'registration', ...item });
  return item as unknown as Registration;
}

async function closeClass(year: number, classNumber: number) {
  await put({ pk: `PROGRAMME#${year}`, sk: `CLASS#${String(classNumber).padStart(2, '0')}`, closeState: 'closing' });
}

const present = (at: string, by = 'host:h'): AttendanceRecord => ({
  status: 'present',
  recordedBy: by,
  recordedAt: at,
});
const grant: LeaveGrant = {
  reason: '出差',
  unit: '440000',
  grantedBy: 'unit:440000',
  grantedAt: '2030-05-01T08:00:00Z',
};

describe('attendance store against DynamoDB Local', () => {
  it('records a first sign-in as a new map, then adds further sessions to it', async () => {
    const registration = await seed('A1', 2030, 1);
    const first = present('2030-05-02T09:00:00Z');
    expect(await writeSessionRecords(2030, 1, 1, [{ registration, value: first }])).toBe('written');
    expect((await stored('A1'))?.attendance).toEqual({ 1: first });
    const withMap = { ...registration, attendance: { 1: first } } as Registration;
    const second = present('2030-05-03T09:00:00Z');
    expect(await writeSessionRecords(2030, 1, 2, [{ registration: withMap, value: second }])).toBe('written');
    expect((await stored('A1'))?.attendance).toEqual({ 1: first, 2: second });
    expect(await history('A1')).toEqual([]);
  });

  it('refuses a write based on a stale read: a map created meanwhile, or a session recorded meanwhile', async () => {
    const registration = await seed('A2', 2030, 1, { attendance: { 1: present('2030-05-02T09:00:00Z') } });
    // Read before the map existed.
    const blank = { ...registration, attendance: undefined } as Registration;
    expect(
      await writeSessionRecords(2030, 1, 2, [{ registration: blank, value: present('2030-05-03T10:00:00Z') }]),
    ).toBe('conflict');
    // Read with the map, but session 1 is already recorded and no previous value was given.
    expect(
      await writeSessionRecords(2030, 1, 1, [{ registration, value: present('2030-05-03T10:00:00Z', 'host:other') }]),
    ).toBe('conflict');
    expect((await stored('A2'))?.attendance).toEqual({ 1: present('2030-05-02T09:00:00Z') });
    // With a map read but none stored (it was removed meanwhile): refused too.
    const noMap = await seed('A2b', 2030, 1);
    const claimed = { ...noMap, attendance: {} } as Registration;
    expect(
      await writeSessionRecords(2030, 1, 1, [{ registration: claimed, value: present('2030-05-03T10:00:00Z') }]),
    ).toBe('conflict');
    expect((await stored('A2b'))?.attendance).toBeUndefined();
  });

  it('never creates a registration that does not exist', async () => {
    const ghost = { registrationId: 'A404', year: 2030, classNumber: 1 } as unknown as Registration;
    expect(
      await writeSessionRecords(2030, 1, 1, [{ registration: ghost, value: present('2030-05-02T09:00:00Z') }]),
    ).toBe('conflict');
    expect(await stored('A404')).toBeUndefined();
  });

  it('corrects a recorded session when it is still the value read, with the earlier value in the history', async () => {
    const before: AttendanceRecord = { status: 'absent', recordedBy: 'host:h', recordedAt: '2030-05-02T09:00:00Z' };
    const registration = await seed('A3', 2030, 2, { attendance: { 1: before } });
    const corrected: AttendanceRecord = {
      status: 'present',
      recordedBy: 'staff:s',
      recordedAt: '2030-05-04T09:00:00Z',
      note: '迟到补签',
    };
    // A correction based on another value than the stored one is refused, and writes no history.
    const stale = { ...before, recordedAt: '2030-05-01T00:00:00Z' };
    expect(await writeSessionRecords(2030, 2, 1, [{ registration, value: corrected, previous: stale }])).toBe(
      'conflict',
    );
    expect(await history('A3')).toEqual([]);
    expect(await writeSessionRecords(2030, 2, 1, [{ registration, value: corrected, previous: before }])).toBe(
      'written',
    );
    expect((await stored('A3'))?.attendance).toEqual({ 1: corrected });
    const events = await history('A3');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'history',
      registrationId: 'A3',
      at: '2030-05-04T09:00:00Z',
      kind: 'attendance-corrected',
      by: 'staff:s',
      session: 1,
      previous: { status: 'absent', recordedBy: 'host:h', recordedAt: '2030-05-02T09:00:00Z' },
      value: 'present',
      reason: '迟到补签',
    });
  });

  it('writes nothing to a closed class and says so', async () => {
    const registration = await seed('A4', 2031, 3);
    await closeClass(2031, 3);
    expect(await writeSessionRecords(2031, 3, 1, [{ registration, value: present('2031-05-02T09:00:00Z') }])).toBe(
      'class-closed',
    );
    expect((await stored('A4'))?.attendance).toBeUndefined();
    // Nothing to write is written, whatever the class's state.
    expect(await writeSessionRecords(2031, 3, 1, [])).toBe('written');
  });

  it('writes a roster larger than one transaction (100 items, one of them the class check) in several', async () => {
    const writes = [];
    for (let i = 0; i < 100; i++) {
      const registration = await seed(`B${i}`, 2032, 4);
      writes.push({ registration, value: present('2032-05-02T09:00:00Z') });
    }
    expect(await writeSessionRecords(2032, 4, 1, writes)).toBe('written');
    expect((await stored('B0'))?.attendance).toEqual({ 1: present('2032-05-02T09:00:00Z') });
    expect((await stored('B99'))?.attendance).toEqual({ 1: present('2032-05-02T09:00:00Z') });
    // Corrections take two items each (the update and its history).
    const corrections = writes.slice(0, 60).map(({ registration, value }) => ({
      registration: { ...registration, attendance: { 1: value } } as Registration,
      value: { ...value, status: 'absent' as const, recordedAt: '2032-05-03T09:00:00Z' },
      previous: value,
    }));
    expect(await writeSessionRecords(2032, 4, 1, corrections)).toBe('written');
    expect((await stored('B59'))?.attendance?.[1]?.status).toBe('absent');
    expect(await history('B59')).toHaveLength(1);
  });

  it('writes a roster that fits in one transaction (99 trainees and the class check) all or nothing', async () => {
    const writes = [];
    for (let i = 0; i < 99; i++) {
      // The last trainee's sign-in was recorded meanwhile by someone else: the whole roster is refused.
      const extra = i === 98 ? { attendance: { 1: present('2032-06-01T08:00:00Z', 'host:other') } } : {};
      const registration = await seed(`D${i}`, 2032, 6, extra);
      writes.push({
        registration: { ...registration, attendance: undefined } as Registration,
        value: present('2032-06-01T09:00:00Z'),
      });
    }
    expect(await writeSessionRecords(2032, 6, 1, writes)).toBe('conflict');
    expect((await stored('D0'))?.attendance).toBeUndefined();
    expect((await stored('D97'))?.attendance).toBeUndefined();
  });

  it('grants leave: a first grant creates the map, later ones add sessions without leave', async () => {
    const registration = await seed('L1', 2033, 1);
    expect(await writeLeaveGrants(registration, [2, 3], grant)).toBe('written');
    expect((await stored('L1'))?.leave).toEqual({ 2: grant, 3: grant });
    const events = await history('L1');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      kind: 'leave-granted',
      at: '2030-05-01T08:00:00Z',
      by: 'unit:440000',
      sessions: [2, 3],
      reason: '出差',
    });
    // Read before the first grant: refused.
    expect(await writeLeaveGrants(registration, [5], grant)).toBe('conflict');
    const withLeave = { ...registration, leave: { 2: grant, 3: grant } } as Registration;
    const later = { ...grant, reason: '生病', grantedAt: '2030-05-06T08:00:00Z' };
    expect(await writeLeaveGrants(withLeave, [5, 6], later)).toBe('written');
    expect((await stored('L1'))?.leave).toEqual({ 2: grant, 3: grant, 5: later, 6: later });
    // A session that already holds leave is refused, even beside a new one.
    expect(await writeLeaveGrants(withLeave, [7, 3], later)).toBe('conflict');
    expect(Object.keys((await stored('L1'))?.leave ?? {}).sort()).toEqual(['2', '3', '5', '6']);
    // A map claimed by the caller but absent from the item: refused.
    const other = await seed('L1b', 2033, 1);
    expect(await writeLeaveGrants({ ...other, leave: {} } as Registration, [1], grant)).toBe('conflict');
  });

  it('grants leave only on an assigned registration of an open class', async () => {
    const withdrawn = await seed('L2', 2033, 2, { status: 'withdrawn' });
    expect(await writeLeaveGrants(withdrawn, [1], grant)).toBe('conflict');
    expect((await stored('L2'))?.leave).toBeUndefined();
    const assigned = await seed('L3', 2033, 5);
    await closeClass(2033, 5);
    expect(await writeLeaveGrants(assigned, [1], grant)).toBe('class-closed');
    expect(await history('L3')).toEqual([]);
  });

  it('acknowledges leave once per session, only where leave was granted', async () => {
    const registration = await seed('K1', 2034, 1, { leave: { 2: grant, 4: grant } });
    expect(await writeLeaveAcknowledgement(registration, [2], 'host:h', '2030-05-02T07:00:00Z')).toBe('written');
    const leave = (await stored('K1'))?.leave;
    expect(leave?.[2]).toEqual({ ...grant, acknowledgedBy: 'host:h', acknowledgedAt: '2030-05-02T07:00:00Z' });
    expect(leave?.[4]).toEqual(grant);
    expect(await history('K1')).toEqual([
      expect.objectContaining({ kind: 'leave-acknowledged', by: 'host:h', at: '2030-05-02T07:00:00Z', sessions: [2] }),
    ]);
    expect(await writeLeaveAcknowledgement(registration, [4, 2], 'host:x', '2030-05-03T07:00:00Z')).toBe('conflict');
    expect(await writeLeaveAcknowledgement(registration, [4, 3], 'host:x', '2030-05-03T07:00:00Z')).toBe('conflict');
    expect((await stored('K1'))?.leave?.[4]).toEqual(grant);
    expect(await writeLeaveAcknowledgement(registration, [4], 'host:x', '2030-05-03T07:00:00Z')).toBe('written');
    expect((await stored('K1'))?.leave?.[4]?.acknowledgedBy).toBe('host:x');
    // A malformed request (no session at all) is an error, not a lost race.
    await expect(writeLeaveAcknowledgement(registration, [], 'host:x', '2030-05-03T07:00:00Z')).rejects.toThrow();
  });

  it('marks that closing reached a trainee once, with the outcome in the history', async () => {
    const done = await seed('C1', 2035, 1);
    expect(await markCloseResumed(done, '2035-06-01T00:00:00Z', 'staff:s', true)).toBe('written');
    expect((await stored('C1'))?.closeResumedAt).toBe('2035-06-01T00:00:00Z');
    expect(await history('C1')).toEqual([
      expect.objectContaining({
        kind: 'class-closed',
        by: 'staff:s',
        at: '2035-06-01T00:00:00Z',
        reason: '达到结业要求',
      }),
    ]);
    expect(await markCloseResumed(done, '2035-06-02T00:00:00Z', 'staff:t', true)).toBe('conflict');
    expect((await stored('C1'))?.closeResumedAt).toBe('2035-06-01T00:00:00Z');
    const short = await seed('C2', 2035, 1);
    expect(await markCloseResumed(short, '2035-06-01T00:00:00Z', 'staff:s', false)).toBe('written');
    expect((await history('C2'))[0]).toMatchObject({ reason: '未达到结业要求' });
    const ghost = { registrationId: 'C404', year: 2035, classNumber: 1 } as unknown as Registration;
    expect(await markCloseResumed(ghost, '2035-06-01T00:00:00Z', 'staff:s', true)).toBe('conflict');
    expect(await stored('C404')).toBeUndefined();
  });
});
