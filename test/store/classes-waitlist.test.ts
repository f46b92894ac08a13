import { SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { dynamoClient } from '../../shared/adapters/aws-clients';
import { getClassState, listWaitlist } from '../../shared/adapters/class-seats';
import { systemClock } from '../../shared/adapters/clock';
import { keys } from '../../shared/adapters/keys';
import { logger } from '../../shared/adapters/logger';
import { getRegistration, registrationItem } from '../../shared/adapters/registration-store';
import { offerFreedSeats } from '../../shared/classes/waitlist-service';
import type { Registration } from '../../shared/domain/trainee-registration';
import { STORE_TABLE } from './support/store-environment';
import { put } from './support/store-items';

/**
 * Freed seats to the waitlist against DynamoDB Local, on the shipped 2024 programme (classes 4–10 start 21 Oct –
 * 2 Dec, 80 seats each). Only Step Functions (the parked executions' resumption) is stubbed.
 */
const sfn = mockClient(SFNClient);
const NOW = new Date('2024-10-20T12:00:00+08:00');
beforeEach(() => {
  sfn.reset();
  vi.spyOn(systemClock, 'now').mockReturnValue(NOW);
});
afterEach(() => vi.restoreAllMocks());

async function classUsed(classNumber: number, used: number, closeState?: 'closing') {
  await put({
    ...keys.classSeats(2024, classNumber),
    type: 'class-seats',
    used,
    ...(closeState ? { closeState } : {}),
  });
}

/** A waitlisted trainee as joinWaitlist leaves it: the registration and its entry, in joining order. */
async function waiting(
  id: string,
  minute: number,
  preferredClass: number | null,
  extra: Record<string, unknown> = {},
  status: Registration['status'] = 'waitlisted',
) {
  const waitingSince = `2024-09-01T00:${String(minute).padStart(2, '0')}:00.000Z`;
  const registration: Registration = {
    registrationId: id,
    year: 2024,
    unit: '110000',
    status,
    uploadId: 'u-1',
    row: 2,
    createdAt: '2024-08-01T00:00:00.000Z',
    updatedAt: '2024-08-01T00:00:00.000Z',
    waitingSince,
    trainee: { name: id, idNumber: '', mobile: '', email: '', preferredClass } as never,
  };
  await put({ ...registrationItem(registration), ...extra });
  await put({
    ...keys.waitlistEntry(2024, waitingSince, id),
    type: 'waitlist',
    registrationId: id,
    unit: '110000',
    preferredClass,
    waitingSince,
  });
}

describe('offerFreedSeats', () => {
  it('offers nothing while every class not yet started is full', async () => {
    for (const n of [4, 5, 6, 7, 8, 9, 10]) await classUsed(n, 80);
    await waiting('W-0', 0, null);
    expect(await offerFreedSeats(2024)).toEqual([]);
    expect((await getRegistration('W-0'))?.status).toBe('waitlisted');
  });

  it('gives each free seat to the longest-waiting, preferred class first, and resumes those parked at AwaitSeat', async () => {
    // Classes 1–3 have started (seats there are never offered); 5 is closing; 6 and 8 have two seats each.
    // W-0, still waiting from the first test, joined first.
    for (const [n, used] of [
      [1, 10],
      [4, 80],
      [6, 78],
      [7, 80],
      [8, 78],
      [9, 80],
      [10, 80],
    ] as const) {
      await classUsed(n, used);
    }
    await classUsed(5, 70, 'closing');
    await waiting('W-1', 1, null, {}, 'withdrawn'); // a stale entry: skipped
    await waiting('W-2', 2, 8, { taskToken: 'token-W2', awaiting: 'seat' });
    await waiting('W-3', 3, null, { taskToken: 'token-W3', awaiting: 'review' });
    await waiting('W-4', 4, 6);
    await waiting('W-5', 5, null, { taskToken: 'token-W5', awaiting: 'seat' });
    const info = vi.spyOn(logger, 'info');

    const promoted = await offerFreedSeats(2024);

    expect(promoted).toEqual([
      { registrationId: 'W-0', classNumber: 6 },
      { registrationId: 'W-2', classNumber: 8 },
      { registrationId: 'W-3', classNumber: 6 },
      { registrationId: 'W-4', classNumber: 8 },
    ]);
    expect((await getRegistration('W-1'))?.status).toBe('withdrawn');
    expect(await getRegistration('W-2')).toMatchObject({ status: 'assigned', classNumber: 8 });
    expect(await getRegistration('W-4')).toMatchObject({ status: 'assigned', classNumber: 8 });
    expect((await getRegistration('W-5'))?.status).toBe('waitlisted');
    expect((await getClassState(2024, 8)).used).toBe(80);
    expect((await getClassState(2024, 6)).used).toBe(80);
    expect((await getClassState(2024, 5)).used).toBe(70);
    expect((await listWaitlist(2024)).map((entry) => entry.registrationId)).toEqual(['W-1', 'W-5']);
    // Only W-2 was parked at AwaitSeat. Class 8 ends 21 Nov 23:59:59; two weeks later less now is 46 d 11:59:59.
    const sent = sfn.commandCalls(SendTaskSuccessCommand).map((call) => call.args[0].input);
    expect(sent).toEqual([
      {
        taskToken: 'token-W2',
        output: JSON.stringify({ outcome: 'assigned', classNumber: 8, closeTimeoutSeconds: 46 * 86_400 + 43_199 }),
      },
    ]);
    expect(info).toHaveBeenCalledWith('Waitlist promoted', { promoted: 4 });
  });

  it('keeps the promotion when the resumption fails, logging only a failure that is not a spent token', async () => {
    // W-5 (no preference) still waits from the test before; class 4 has two seats, class 8 one.
    await classUsed(4, 78);
    await classUsed(8, 79);
    await waiting('W-6', 6, 4, { taskToken: 'token-W6', awaiting: 'seat' });
    await waiting('W-7', 7, 8, { taskToken: 'token-W7', awaiting: 'seat' });
    sfn
      .on(SendTaskSuccessCommand, { taskToken: 'token-W6' })
      .rejects(Object.assign(new Error('gone'), { name: 'TaskTimedOut' }))
      .on(SendTaskSuccessCommand, { taskToken: 'token-W7' })
      .rejects(Object.assign(new Error('down'), { name: 'ServiceUnavailable' }));
    const error = vi.spyOn(logger, 'error').mockImplementation(() => {});

    expect(await offerFreedSeats(2024)).toEqual([
      { registrationId: 'W-5', classNumber: 4 },
      { registrationId: 'W-6', classNumber: 4 },
      { registrationId: 'W-7', classNumber: 8 },
    ]);
    expect(sfn.commandCalls(SendTaskSuccessCommand).map((call) => call.args[0].input.taskToken)).toEqual([
      'token-W5',
      'token-W6',
      'token-W7',
    ]);
    expect(await getRegistration('W-6')).toMatchObject({ status: 'assigned', classNumber: 4 });
    expect(error).toHaveBeenCalledTimes(1);
    expect(error).toHaveBeenCalledWith(
      'Could not resume a promoted trainee',
      expect.objectContaining({ registrationId: 'W-7' }),
    );
  });

  it('offers every seat of a class nobody has been assigned to yet (no seats item at all)', async () => {
    // Every other class not yet started is full or closing by now; class 10 has never had a seat taken.
    await dynamoClient().send(new DeleteCommand({ TableName: STORE_TABLE, Key: keys.classSeats(2024, 10) }));
    await waiting('W-8', 8, null);
    expect(await offerFreedSeats(2024)).toEqual([{ registrationId: 'W-8', classNumber: 10 }]);
    expect(await getRegistration('W-8')).toMatchObject({ status: 'assigned', classNumber: 10 });
    expect((await getClassState(2024, 10)).used).toBe(1);
  });
});
