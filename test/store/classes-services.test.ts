import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { dynamoClient } from '../../shared/adapters/aws-clients';
import { beginClose } from '../../shared/adapters/class-seats';
import { systemClock } from '../../shared/adapters/clock';
import { keys } from '../../shared/adapters/keys';
import { getRegistration, registrationItem } from '../../shared/adapters/registration-store';
import { recordAttendance } from '../../shared/classes/attendance-service';
import { acknowledgeLeave, grantLeave } from '../../shared/classes/leave-service';
import { requireClass, requireProgramme } from '../../shared/classes/programme-context';
import type { Registration } from '../../shared/domain/trainee-registration';
import { beforeNext } from './support/interleave';
import { STORE_TABLE } from './support/store-environment';

/**
 * The class services (attendance, leave, the programme look-ups) against DynamoDB Local, on the shipped 2024
 * programme (class 1: 23–26 Sep, class 3: 14–17 Oct; sessions 08:30–12:00 and 14:00–17:30 Beijing time, DOMAIN.md).
 * Only the clock is set; the roster is read from the class index as in Lambda.
 */
const at = (iso: string) => vi.spyOn(systemClock, 'now').mockReturnValue(new Date(iso));
afterEach(() => vi.restoreAllMocks());

/** The command every attendance and leave write goes out as (one transaction with the class's open check). */
const TRANSACTION = 'TransactWriteItemsCommand';

function trainee(id: string, classNumber: number | undefined, extra: Partial<Registration> = {}): Registration {
  return {
    registrationId: id,
    year: 2024,
    unit: '110000',
    status: 'assigned',
    uploadId: 'u-1',
    row: 2,
    ...(classNumber === undefined ? {} : { classNumber }),
    createdAt: '2024-08-01T00:00:00.000Z',
    updatedAt: '2024-08-01T00:00:00.000Z',
    trainee: { name: '学员', idNumber: '110105194912310021', mobile: '13800000000', email: 'a@example.com' } as never,
    ...extra,
  };
}

async function seed(registration: Registration): Promise<Registration> {
  await dynamoClient().send(new PutCommand({ TableName: STORE_TABLE, Item: registrationItem(registration) }));
  return registration;
}

async function closeInStore(classNumber: number) {
  await dynamoClient().send(
    new PutCommand({
      TableName: STORE_TABLE,
      Item: { ...keys.classSeats(2024, classNumber), type: 'class-seats', used: 1, closeState: 'closed' },
    }),
  );
}

async function refusal(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    return error as { code: string; status: number; message: string; details?: Record<string, unknown> };
  }
  throw new Error('expected a refusal');
}

describe('programme context', () => {
  it('names the year without a programme and the class a year does not have (404)', async () => {
    expect(await refusal(requireProgramme(2019))).toMatchObject({
      code: 'PROGRAMME_UNKNOWN',
      status: 404,
      message: '2019年度培训计划尚未发布',
    });
    expect(await refusal(requireClass(2024, 11))).toMatchObject({
      code: 'CLASS_UNKNOWN',
      status: 404,
      message: '2024年度没有第11期培训班',
    });
    const { programme, trainingClass } = await requireClass(2024, 3);
    expect(programme.year).toBe(2024);
    expect(trainingClass).toMatchObject({ number: 3, startDate: '2024-10-14', endDate: '2024-10-17' });
  });
});

describe('recordAttendance', () => {
  const request = (session: number, records: { registrationId: string; status: string; note?: string }[]) =>
    recordAttendance({ year: 2024, classNumber: 1, session, records: records as never, actor: 'host-1' });

  it('refuses a session outside 1–8 and a session whose day has not come (evening of day 2)', async () => {
    at('2024-09-24T18:00:00+08:00');
    expect(await refusal(request(9, []))).toMatchObject({
      code: 'SESSION_OUT_OF_RANGE',
      status: 400,
      message: '场次须为 1–8 之间的整数（4天×上下午），收到 9',
    });
    expect(await refusal(request(5, []))).toMatchObject({
      code: 'SESSION_NOT_HELD',
      status: 409,
      message: '第5场（第3天上午（9月25日））尚未举行，不能登记考勤',
    });
  });

  it('refuses a status that is not a sign-in and a trainee named twice, before writing anything', async () => {
    at('2024-09-24T18:00:00+08:00');
    const one = await seed(trainee('R-A1', 1));
    expect(await refusal(request(1, [{ registrationId: one.registrationId, status: 'leave' }]))).toMatchObject({
      code: 'ATTENDANCE_STATUS_INVALID',
      status: 400,
      message: '考勤状态须为 present（出勤）、late（迟到）或 absent（缺勤）；请假须由学员所在地方中小企业主管部门办理',
    });
    const twice = [
      { registrationId: one.registrationId, status: 'present' },
      { registrationId: one.registrationId, status: 'late' },
    ];
    expect(await refusal(request(1, twice))).toMatchObject({
      code: 'DUPLICATE_RECORD',
      status: 400,
      message: '同一场次中学员 R-A1 出现了两次',
    });
    expect((await getRegistration('R-A1'))?.attendance).toBeUndefined();
  });

  it('refuses trainees not on the class roster: another class, withdrawn, or unknown; a failed one is on it', async () => {
    at('2024-09-24T18:00:00+08:00');
    await seed(trainee('R-B1', 1, { status: 'failed' }));
    await seed(trainee('R-B2', 1, { status: 'withdrawn' }));
    await seed(trainee('R-B3', 2));
    const refused = await refusal(
      request(2, [
        { registrationId: 'R-B1', status: 'present' },
        { registrationId: 'R-B2', status: 'present' },
        { registrationId: 'R-B3', status: 'present' },
        { registrationId: 'R-NOBODY', status: 'absent' },
      ]),
    );
    expect(refused).toMatchObject({
      code: 'NOT_ON_ROSTER',
      status: 400,
      message: '以下报名不在第1期名单中：R-B2、R-B3、R-NOBODY',
      details: { registrationIds: ['R-B2', 'R-B3', 'R-NOBODY'] },
    });
    expect(await request(2, [{ registrationId: 'R-B1', status: 'present' }])).toEqual({
      recorded: 1,
      corrected: 0,
      unchanged: 0,
    });
  });

  it('records, leaves an identical record alone, and counts a changed status or note as a correction', async () => {
    at('2024-09-24T18:00:00+08:00');
    await seed(trainee('R-C1', 1));
    await seed(trainee('R-C2', 1));
    await seed(trainee('R-C3', 1));
    const first = await request(3, [
      { registrationId: 'R-C1', status: 'present' },
      { registrationId: 'R-C2', status: 'late', note: '堵车' },
      { registrationId: 'R-C3', status: 'absent' },
    ]);
    expect(first).toEqual({ recorded: 3, corrected: 0, unchanged: 0 });
    expect((await getRegistration('R-C1'))?.attendance?.['3']).toEqual({
      status: 'present',
      recordedBy: 'host-1',
      recordedAt: '2024-09-24T10:00:00.000Z',
    });
    expect((await getRegistration('R-C2'))?.attendance?.['3']).toMatchObject({ status: 'late', note: '堵车' });

    at('2024-09-24T19:00:00+08:00');
    const again = await request(3, [
      { registrationId: 'R-C1', status: 'present' },
      { registrationId: 'R-C2', status: 'late' },
      { registrationId: 'R-C3', status: 'absent', note: '' },
    ]);
    // R-C2's note was dropped (a change); R-C3's empty note is the same as none.
    expect(again).toEqual({ recorded: 0, corrected: 1, unchanged: 2 });
    const corrected = await getRegistration('R-C2');
    expect(corrected?.attendance?.['3']).toEqual({
      status: 'late',
      recordedBy: 'host-1',
      recordedAt: '2024-09-24T11:00:00.000Z',
    });
    expect((await getRegistration('R-C1'))?.attendance?.['3']?.recordedAt).toBe('2024-09-24T10:00:00.000Z');

    const changed = await request(3, [{ registrationId: 'R-C1', status: 'late', note: '晚到' }]);
    expect(changed).toEqual({ recorded: 0, corrected: 1, unchanged: 0 });
    const changedNote = await request(3, [{ registrationId: 'R-C1', status: 'late', note: '晚到十分钟' }]);
    expect(changedNote).toEqual({ recorded: 0, corrected: 1, unchanged: 0 });
    // The status alone changed (no note either time): still a correction.
    expect(await request(3, [{ registrationId: 'R-C3', status: 'present' }])).toEqual({
      recorded: 0,
      corrected: 1,
      unchanged: 0,
    });
    expect((await getRegistration('R-C3'))?.attendance?.['3']?.status).toBe('present');
  });

  it('takes sign-ins for assigned and failed trainees only (the roster statuses, read from a fresh import)', async () => {
    // ON_ROSTER is a module-level table: a fresh import inside the test is what reads a mutated one.
    vi.resetModules();
    const { systemClock: clock } = await import('../../shared/adapters/clock');
    vi.spyOn(clock, 'now').mockReturnValue(new Date('2024-09-24T18:00:00+08:00'));
    const { recordAttendance: record } = await import('../../shared/classes/attendance-service');
    await seed(trainee('R-P1', 1));
    await seed(trainee('R-P2', 1, { status: 'failed' }));
    await seed(trainee('R-P3', 1, { status: 'certified' }));
    const write = (registrationId: string) =>
      record({ year: 2024, classNumber: 1, session: 4, records: [{ registrationId, status: 'present' }], actor: 'h' });
    expect(await write('R-P1')).toEqual({ recorded: 1, corrected: 0, unchanged: 0 });
    expect(await write('R-P2')).toEqual({ recorded: 1, corrected: 0, unchanged: 0 });
    expect(await refusal(write('R-P3'))).toMatchObject({
      code: 'NOT_ON_ROSTER',
      details: { registrationIds: ['R-P3'] },
    });
  });

  it('refuses a closed class (409) and writes nothing', async () => {
    at('2024-09-25T18:00:00+08:00');
    await seed(trainee('R-D1', 2));
    await closeInStore(2);
    expect(
      await refusal(
        recordAttendance({
          year: 2024,
          classNumber: 2,
          session: 1,
          records: [{ registrationId: 'R-D1', status: 'present' }],
          actor: 'host-2',
        }),
      ),
    ).toMatchObject({ code: 'CLASS_CLOSED', status: 409, message: '第2期已结班，考勤已冻结' });
    expect((await getRegistration('R-D1'))?.attendance).toBeUndefined();
  });

  it('refuses a closed class even a submission that would change nothing (attendance is frozen)', async () => {
    at('2024-11-04T18:00:00+08:00');
    const signedIn = { status: 'present' as const, recordedBy: 'host-6', recordedAt: '2024-11-04T02:00:00.000Z' };
    await seed(trainee('R-J1', 6, { attendance: { '1': signedIn } }));
    await closeInStore(6);
    const same = recordAttendance({
      year: 2024,
      classNumber: 6,
      session: 1,
      records: [{ registrationId: 'R-J1', status: 'present' }],
      actor: 'host-6',
    });
    expect(await refusal(same)).toMatchObject({
      code: 'CLASS_CLOSED',
      status: 409,
      message: '第6期已结班，考勤已冻结',
    });
  });

  it('a close that begins after the checks but before the write: 409 CLASS_CLOSED, nothing written', async () => {
    at('2024-10-28T18:00:00+08:00');
    await seed(trainee('R-K1', 5));
    beforeNext(TRANSACTION, () => beginClose(2024, 5, 'host-5', new Date('2024-10-28T10:00:00Z')));
    const late = recordAttendance({
      year: 2024,
      classNumber: 5,
      session: 1,
      records: [{ registrationId: 'R-K1', status: 'present' }],
      actor: 'host-5',
    });
    expect(await refusal(late)).toMatchObject({
      code: 'CLASS_CLOSED',
      status: 409,
      message: '第5期已结班，考勤已冻结',
    });
    expect((await getRegistration('R-K1'))?.attendance).toBeUndefined();
  });

  it('two hosts recording the same sign-in at once: the later write loses with 409 and the first value stays', async () => {
    at('2024-11-11T18:00:00+08:00');
    await seed(trainee('R-L1', 7));
    const write = (status: string, actor: string) =>
      recordAttendance({
        year: 2024,
        classNumber: 7,
        session: 1,
        records: [{ registrationId: 'R-L1', status: status as never }],
        actor,
      });
    beforeNext(TRANSACTION, () => write('present', 'host-a'));
    expect(await refusal(write('absent', 'host-b'))).toMatchObject({
      code: 'ATTENDANCE_CONFLICT',
      status: 409,
      message: '考勤正被他人同时修改，本次未保存，请刷新名单后重新提交',
    });
    expect((await getRegistration('R-L1'))?.attendance?.['1']).toMatchObject({
      status: 'present',
      recordedBy: 'host-a',
    });
  });
});

describe('grantLeave and acknowledgeLeave', () => {
  // Class 3, 14 Oct 10:00: session 1 (08:30) has begun, session 2 (14:00) has not.
  const grant = (registration: Registration, sessions: number[]) =>
    grantLeave({ registration, sessions, reason: '病假', unit: '110000', actor: 'unit-op' });

  it('grants leave only to an assigned trainee with a class', async () => {
    at('2024-10-14T10:00:00+08:00');
    expect(await refusal(grant(trainee('R-E1', 3, { status: 'waitlisted' }), [2]))).toMatchObject({
      code: 'NOT_ASSIGNED',
      status: 409,
      message: '该学员当前状态为 waitlisted，仅已分班的学员可以请假',
    });
    expect(await refusal(grant(trainee('R-E2', undefined), [2]))).toMatchObject({ code: 'NOT_ASSIGNED' });
  });

  it('refuses sessions out of range, begun, or already granted', async () => {
    at('2024-10-14T10:00:00+08:00');
    const registration = await seed(
      trainee('R-F1', 3, { leave: { '4': { reason: '事假', unit: '110000', grantedBy: 'u', grantedAt: 'x' } } }),
    );
    expect(await refusal(grant(registration, [2, 9]))).toMatchObject({
      code: 'SESSION_OUT_OF_RANGE',
      status: 400,
      message: '场次须为 1–8 之间的整数，收到 9',
    });
    expect(await refusal(grant(registration, [2, 1]))).toMatchObject({
      code: 'LEAVE_SESSION_PAST',
      status: 409,
      message: '第1场（第1天上午（10月14日））已开始，不能补请假',
    });
    expect(await refusal(grant(registration, [4]))).toMatchObject({
      code: 'LEAVE_ALREADY_GRANTED',
      status: 409,
      message: '第4场已准假，无需重复办理',
    });
    expect((await getRegistration('R-F1'))?.leave).toEqual({
      '4': { reason: '事假', unit: '110000', grantedBy: 'u', grantedAt: 'x' },
    });
  });

  it('grants each named session once, in order, and the class acknowledges the unacknowledged ones', async () => {
    at('2024-10-14T10:00:00+08:00');
    const registration = await seed(trainee('R-G1', 3));
    expect(await grant(registration, [6, 2, 6, 4])).toEqual({
      sessions: [2, 4, 6],
      grantedAt: '2024-10-14T02:00:00.000Z',
    });
    const granted = { reason: '病假', unit: '110000', grantedBy: 'unit-op', grantedAt: '2024-10-14T02:00:00.000Z' };
    expect((await getRegistration('R-G1'))?.leave).toEqual({ '2': granted, '4': granted, '6': granted });

    expect(await acknowledgeLeave({ year: 2024, classNumber: 3, registrationId: 'R-G1', actor: 'host-3' })).toEqual({
      sessions: [2, 4, 6],
      acknowledgedAt: '2024-10-14T02:00:00.000Z',
    });
    const acknowledged = await getRegistration('R-G1');
    expect(acknowledged?.leave?.['4']).toEqual({
      ...granted,
      acknowledgedBy: 'host-3',
      acknowledgedAt: granted.grantedAt,
    });

    expect(
      await refusal(acknowledgeLeave({ year: 2024, classNumber: 3, registrationId: 'R-G1', actor: 'host-3' })),
    ).toMatchObject({ code: 'NO_LEAVE_TO_ACKNOWLEDGE', status: 409, message: '该学员没有待确认的请假' });

    // A later grant beside acknowledged ones: only it is pending.
    at('2024-10-14T13:00:00+08:00');
    const withLeave = (await getRegistration('R-G1')) as Registration;
    expect((await grant(withLeave, [8])).sessions).toEqual([8]);
    expect(await acknowledgeLeave({ year: 2024, classNumber: 3, registrationId: 'R-G1', actor: 'host-3' })).toEqual({
      sessions: [8],
      acknowledgedAt: '2024-10-14T05:00:00.000Z',
    });
  });

  it('acknowledges only for the class and year the trainee is in', async () => {
    at('2024-10-14T10:00:00+08:00');
    await seed(
      trainee('R-H1', 3, { leave: { '5': { reason: '病假', unit: '110000', grantedBy: 'u', grantedAt: 'x' } } }),
    );
    for (const [year, classNumber, registrationId] of [
      [2024, 4, 'R-H1'],
      [2025, 3, 'R-H1'],
      [2024, 3, 'R-UNKNOWN'],
    ] as const) {
      expect(await refusal(acknowledgeLeave({ year, classNumber, registrationId, actor: 'h' }))).toMatchObject({
        code: 'NOT_ON_ROSTER',
        status: 404,
        message: `该报名不在第${classNumber}期名单中`,
      });
    }
    expect((await getRegistration('R-H1'))?.leave?.['5']?.acknowledgedAt).toBeUndefined();
  });

  it('refuses leave in a closed class', async () => {
    at('2024-10-20T10:00:00+08:00');
    const registration = await seed(trainee('R-I1', 4));
    await closeInStore(4);
    expect(await refusal(grant(registration, [3]))).toMatchObject({
      code: 'CLASS_CLOSED',
      status: 409,
      message: '第4期已结班，考勤已冻结',
    });
    expect((await getRegistration('R-I1'))?.leave).toBeUndefined();
  });

  it('a close that begins after the checks but before the grant: 409 CLASS_CLOSED, no leave written', async () => {
    at('2024-11-17T10:00:00+08:00');
    const registration = await seed(trainee('R-M1', 8));
    beforeNext(TRANSACTION, () => beginClose(2024, 8, 'host-8', new Date('2024-11-17T02:00:00Z')));
    expect(await refusal(grant(registration, [3]))).toMatchObject({
      code: 'CLASS_CLOSED',
      status: 409,
      message: '第8期已结班，考勤已冻结',
    });
    expect((await getRegistration('R-M1'))?.leave).toBeUndefined();
  });

  it('the same session granted twice at once: the later grant gets 409 STATUS_CHANGED and the first stays', async () => {
    at('2024-11-20T10:00:00+08:00');
    const registration = await seed(trainee('R-N1', 9));
    beforeNext(TRANSACTION, () =>
      grantLeave({ registration, sessions: [2], reason: '事假', unit: '110000', actor: 'unit-op-a' }),
    );
    expect(await refusal(grant(registration, [2]))).toMatchObject({
      code: 'STATUS_CHANGED',
      status: 409,
      message: '该学员的状态或请假记录刚刚发生变化，请刷新后重试',
    });
    expect((await getRegistration('R-N1'))?.leave).toEqual({
      '2': { reason: '事假', unit: '110000', grantedBy: 'unit-op-a', grantedAt: '2024-11-20T02:00:00.000Z' },
    });
  });

  it('two hosts acknowledging the same leave at once: the later gets 409 STATUS_CHANGED', async () => {
    at('2024-11-20T10:00:00+08:00');
    const granted = { reason: '病假', unit: '110000', grantedBy: 'u', grantedAt: '2024-11-19T02:00:00.000Z' };
    await seed(trainee('R-O1', 9, { leave: { '3': granted } }));
    const acknowledge = (actor: string) =>
      acknowledgeLeave({ year: 2024, classNumber: 9, registrationId: 'R-O1', actor });
    beforeNext(TRANSACTION, () => acknowledge('host-a'));
    expect(await refusal(acknowledge('host-b'))).toMatchObject({
      code: 'STATUS_CHANGED',
      status: 409,
      message: '请假记录刚刚发生变化，请刷新后重试',
    });
    expect((await getRegistration('R-O1'))?.leave?.['3']).toMatchObject({ acknowledgedBy: 'host-a' });
  });
});
