import type { Context } from 'aws-lambda';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { resetConfig } from '../../../shared/adapters/config';
import { DomainError, type Finding } from '../../../shared/domain/errors';
import type { Registration } from '../../../shared/domain/trainee-registration';
import type { UploadRecord } from '../../../shared/domain/upload';
import { validUnit } from '../../fixtures/registration-data';
import {
  DAY_TWO_EVENING,
  fillSignInSheet,
  loadWorkbook,
  mark,
  programme,
  registrationIdOf,
  signInRows,
  signInSheet,
} from '../../fixtures/sign-in-data';
import { buildCsv, UNIT_HEADERS, unitRow } from '../../fixtures/spreadsheet-files';

/**
 * The sign-in sheet's way in: POST /uploads for form "attendance" and ingest of the uploaded object, with the
 * adapters (DynamoDB, S3, SES) and the attendance service replaced by fakes. The local cloud tests cover the real
 * adapters; here the rules of the upload path are checked.
 */
const fakes = vi.hoisted(() => ({
  now: new Date('2024-09-24T18:00:00+08:00'),
  uploads: new Map<string, unknown>(),
  objects: new Map<string, Uint8Array>(),
  reports: new Map<string, unknown>(),
  completed: [] as { uploadId: string; outcome: Record<string, unknown> }[],
  roster: [] as unknown[],
  recordAttendance: vi.fn(),
  sendMail: vi.fn(async () => 'message-id'),
  getUnitQuotaState: vi.fn(async () => ({ deadlineExtendedUntil: undefined })),
  saveUnitContact: vi.fn(async () => {}),
  claim: vi.fn(async (_uploadId: string, _object: string, _now: Date) => ({ kind: 'claimed' })),
  readError: undefined as Error | undefined,
  countMetric: vi.fn(),
}));

vi.mock('../../../shared/adapters/clock', () => ({ systemClock: { now: () => fakes.now } }));
vi.mock('../../../shared/adapters/programme-store', () => ({ loadProgramme: async () => programme }));
vi.mock('../../../shared/adapters/quota-store', () => ({ getUnitQuotaState: fakes.getUnitQuotaState }));
vi.mock('../../../shared/adapters/ids', async (original) => ({
  ...(await original<object>()),
  newUploadId: () => '0846c009-fdb3-4ec3-a21d-ccbb41ec4b85',
}));
vi.mock('../../../shared/adapters/upload-store', () => ({
  createUpload: async (upload: UploadRecord) => void fakes.uploads.set(upload.uploadId, upload),
  getUpload: async (uploadId: string) => fakes.uploads.get(uploadId),
  claimUpload: (uploadId: string, object: string, now: Date) => fakes.claim(uploadId, object, now),
  recordRefusedObject: async () => undefined,
  completeUpload: async (uploadId: string, _object: string, outcome: Record<string, unknown>) =>
    void fakes.completed.push({ uploadId, outcome }),
}));
vi.mock('../../../shared/adapters/upload-files', () => ({
  presignUpload: async (request: { key: string }) => ({ url: 'http://s3.local/bucket', fields: { key: request.key } }),
  headUpload: async (key: string) => {
    const object = fakes.objects.get(key);
    if (!object) return undefined;
    const contentType = key.endsWith('.csv')
      ? 'text/csv'
      : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
    return { size: object.byteLength, contentType, versionId: undefined };
  },
  readUpload: async (key: string) => {
    if (fakes.readError) throw fakes.readError;
    return fakes.objects.get(key);
  },
  ObjectReplaced: class ObjectReplaced extends Error {},
  deleteUploadVersion: async () => undefined,
  writeReportFile: async (key: string, body: unknown) => void fakes.reports.set(key, body),
}));
vi.mock('../../../shared/adapters/class-roster', () => ({ listClassRoster: async () => fakes.roster }));
vi.mock('../../../shared/classes/attendance-service', () => ({ recordAttendance: fakes.recordAttendance }));
vi.mock('../../../shared/adapters/metrics', async (original) => ({
  ...(await original<object>()),
  countMetric: fakes.countMetric,
}));
vi.mock('../../../shared/adapters/mailer', () => ({ sendMail: fakes.sendMail }));
// The send log in memory: each send key claims once, no address is marked undeliverable.
vi.mock('../../../shared/adapters/notice-log', () => {
  const claimed = new Set<string>();
  return {
    claimSend: async (key: { subject: string; kind: string; attempt: number; recipient: string }) => {
      const id = `${key.subject}|${key.kind}|${key.attempt}|${key.recipient}`;
      if (claimed.has(id)) return { claimed: false };
      claimed.add(id);
      return { claimed: true };
    },
    recordSent: async () => {},
    releaseSend: async () => {},
    undeliverableMark: async () => undefined,
  };
});
vi.mock('../../../shared/adapters/unit-contact-store', () => ({
  saveUnitContact: fakes.saveUnitContact,
  getUnitContact: async (unit: string) => ({ unit, unitName: '北京市经济和信息化局', email: 'contact@example.gov.cn' }),
}));

const { handler } = await import('../../../functions/upload-url/handler');
const { ingestUpload } = await import('../../../shared/intake/ingest-upload');

const UPLOAD_ID = '0846c009-fdb3-4ec3-a21d-ccbb41ec4b85';
const context = { awsRequestId: 'req-1', functionName: 'upload-url' } as unknown as Context;

function request(claims: Record<string, unknown>, body: unknown) {
  const event = {
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    requestContext: { authorizer: { jwt: { claims, scopes: [] } } },
  };
  return handler(event as never, context) as Promise<{ statusCode: number; body: string }>;
}
const reply = async (pending: ReturnType<typeof request>) => {
  const { statusCode, body } = await pending;
  return { statusCode, body: JSON.parse(body) as Record<string, unknown> };
};

/** The findings ingest stored with the completed upload. */
const reportedFindings = () => (fakes.completed[0]?.outcome.findings ?? []) as Finding[];

const HOST_OF_1 = { sub: 'host-tsinghua', 'cognito:groups': '[host]', 'custom:classes': '1' };
const HOST_OF_2 = { sub: 'host-zju', 'cognito:groups': '[host]', 'custom:classes': '2' };
const STAFF = { sub: 'staff-1', 'cognito:groups': '[staff]' };
const UNIT = { sub: 'unit-op', 'custom:unit': '110000' };

beforeAll(() => {
  for (const [name, value] of Object.entries({
    TABLE_NAME: 't',
    UPLOADS_BUCKET: 'b',
    PROGRAMME_YEAR: '2024',
    PUBLIC_BASE_URL: 'http://localhost',
    MAIL_FROM: 'x <a@b.cn>',
    MAIL_REPLY_TO: 'a@b.cn',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  })) {
    vi.stubEnv(name, value);
  }
  resetConfig();
});

beforeEach(() => {
  fakes.now = DAY_TWO_EVENING;
  fakes.uploads.clear();
  fakes.objects.clear();
  fakes.reports.clear();
  fakes.completed.length = 0;
  fakes.roster = [];
  fakes.recordAttendance.mockReset();
  fakes.recordAttendance.mockImplementation(async (request: { records: unknown[] }) => ({
    recorded: request.records.length,
    corrected: 0,
    unchanged: 0,
  }));
  fakes.sendMail.mockClear();
  fakes.getUnitQuotaState.mockClear();
  fakes.claim.mockReset();
  fakes.claim.mockResolvedValue({ kind: 'claimed' });
  fakes.readError = undefined;
  fakes.countMetric.mockClear();
});
afterEach(() => vi.clearAllMocks());

/** Class 1's host asked to upload a sign-in sheet (an upload in `status`) and put `data` at the upload's key. */
function uploadSheet(data: Uint8Array, extension: 'xlsx' | 'csv' = 'xlsx', status = 'pending'): string {
  const key = `incoming/2024/class-01/${UPLOAD_ID}.${extension}`;
  fakes.uploads.set(UPLOAD_ID, {
    uploadId: UPLOAD_ID,
    year: 2024,
    unit: 'class-01',
    form: 'attendance',
    classNumber: 1,
    fileName: `签到表.${extension}`,
    key,
    status,
    createdBy: 'host-tsinghua',
    createdAt: '2024-09-24T10:00:00.000Z',
  });
  fakes.objects.set(key, data);
  return key;
}

describe('POST /uploads for a filled sign-in sheet', () => {
  it('gives the host of the class a presigned POST under incoming/<year>/class-<nn>/, with no deadline', async () => {
    // Prepare: long after the registration deadline
    fakes.now = new Date('2024-09-24T18:00:00+08:00');
    // Act
    const { statusCode, body } = await reply(
      request(HOST_OF_1, { form: 'attendance', classNumber: 1, fileName: '第1期签到表.xlsx' }),
    );
    // Assess
    expect(statusCode).toBe(201);
    expect(body.key).toBe(`incoming/2024/class-01/${UPLOAD_ID}.xlsx`);
    expect(fakes.uploads.get(UPLOAD_ID)).toMatchObject({
      unit: 'class-01',
      form: 'attendance',
      classNumber: 1,
      createdBy: 'host-tsinghua',
      key: body.key,
      status: 'pending',
    });
    expect(fakes.getUnitQuotaState).not.toHaveBeenCalled();
  });

  it('lets staff upload for any class that exists', async () => {
    expect((await reply(request(STAFF, { form: 'attendance', classNumber: 2, fileName: 'a.csv' }))).statusCode).toBe(
      201,
    );
    const unknown = await reply(request(STAFF, { form: 'attendance', classNumber: 99, fileName: 'a.csv' }));
    expect(unknown).toMatchObject({ statusCode: 404, body: { code: 'CLASS_UNKNOWN' } });
  });

  it.each([
    ['the host of another class', HOST_OF_2],
    ['a unit operator', UNIT],
  ])('refuses %s (403)', async (_who, claims) => {
    const refused = await reply(request(claims, { form: 'attendance', classNumber: 1, fileName: 'a.xlsx' }));
    expect(refused).toMatchObject({ statusCode: 403, body: { code: 'FORBIDDEN' } });
    expect(fakes.uploads.size).toBe(0);
  });

  it('keeps the registration forms unit-only, and asks a sign-in sheet for its class', async () => {
    expect(await reply(request(HOST_OF_1, { form: 'trainee', fileName: 'a.csv' }))).toMatchObject({ statusCode: 403 });
    expect(await reply(request(STAFF, { form: 'unit', fileName: 'a.csv' }))).toMatchObject({ statusCode: 403 });
    expect(await reply(request(STAFF, { form: 'attendance', fileName: 'a.csv' }))).toMatchObject({
      statusCode: 400,
      body: { code: 'BAD_REQUEST' },
    });
    const unitUpload = await reply(request(UNIT, { form: 'trainee', fileName: 'a.csv' }));
    expect(unitUpload).toMatchObject({ statusCode: 409, body: { code: 'DEADLINE_PASSED' } }); // unchanged
    fakes.now = new Date('2024-08-24T09:00:00+08:00');
    const inTime = await reply(request(UNIT, { form: 'trainee', fileName: 'a.csv' }));
    expect(inTime.body.key).toBe(`incoming/2024/110000/${UPLOAD_ID}.csv`);
    expect(fakes.uploads.get(UPLOAD_ID)).toMatchObject({ unit: '110000', form: 'trainee', createdBy: 'unit-op' });
  });
});

describe('ingest of a filled sign-in sheet', () => {
  const [T1, T2, T3] = [1, 2, 3].map((n) => registrationIdOf(n)) as [string, string, string];
  const STRANGER = registrationIdOf(99);
  const onRoster = (registrationId: string, leave: Record<string, unknown> = {}) =>
    ({ registrationId, status: 'assigned', classNumber: 1, leave }) as unknown as Registration;

  /** T1–T3 on the roster and on the sheet, plus a row for someone who is not on the roster. */
  async function filledSheet(): Promise<Uint8Array> {
    const rows = [...signInRows(3), { ...signInRows(1)[0], registrationId: STRANGER, name: '旁听' }].map((row) =>
      row.registrationId === T3 ? { ...row, leave: [4] } : row,
    );
    return fillSignInSheet(await signInSheet(rows as never), (sheet, at) => {
      mark(sheet, at, T1, 1, '出勤');
      mark(sheet, at, T2, 1, '迟到（堵车）');
      mark(sheet, at, T1, 2, '缺勤');
      mark(sheet, at, STRANGER, 1, '出勤');
      mark(sheet, at, T2, 3, '打卡');
    });
  }

  it('records each session once, under the uploader, and reports what it could not record', async () => {
    fakes.roster = [onRoster(T1), onRoster(T2), onRoster(T3)]; // T3's printed leave is not (or no longer) granted
    const key = uploadSheet(await filledSheet());

    const result = await ingestUpload(key);

    expect(result).toMatchObject({ outcome: 'ingested', rows: 4, accepted: 3 });
    expect(fakes.recordAttendance.mock.calls.map(([call]) => call)).toEqual([
      {
        year: 2024,
        classNumber: 1,
        session: 1,
        records: [
          { registrationId: T1, status: 'present' },
          { registrationId: T2, status: 'late', note: '堵车' },
        ],
        actor: 'host-tsinghua',
      },
      {
        year: 2024,
        classNumber: 1,
        session: 2,
        records: [{ registrationId: T1, status: 'absent' }],
        actor: 'host-tsinghua',
      },
    ]);
    const [completed] = fakes.completed;
    expect(completed?.outcome).toMatchObject({ status: 'done', rows: 4, accepted: 3 });
    const findings = reportedFindings();
    expect(findings.map((f) => [f.code, f.severity, f.row, f.column])).toEqual([
      ['ATTENDANCE_STATUS_INVALID', 'error', 6, '第3场 第2天上午（9月24日） (I)'],
      ['LEAVE_NOT_BY_UNIT', 'warning', 7, '第4场 第2天下午（9月24日） (J)'],
      ['NOT_ON_ROSTER', 'error', 8, '报名编号 (B)'],
    ]);
    expect(fakes.reports.has(`reports/2024/class-01/${UPLOAD_ID}.json`)).toBe(true);
    expect(fakes.sendMail).not.toHaveBeenCalled();
  });

  it('turns a refusal of the attendance rules into one file-level finding naming the sessions, never a crash', async () => {
    fakes.roster = [onRoster(T1), onRoster(T2), onRoster(T3, { '4': { reason: '病假' } }), onRoster(STRANGER)];
    fakes.recordAttendance.mockImplementation(async () => {
      throw new DomainError('CLASS_CLOSED', '第1期已结班，考勤已冻结', 409);
    });
    const result = await ingestUpload(uploadSheet(await filledSheet()));

    expect(result).toMatchObject({ outcome: 'ingested', accepted: 0 });
    const findings = reportedFindings();
    const closed = findings.filter((f) => f.code === 'CLASS_CLOSED');
    expect(closed).toEqual([
      {
        code: 'CLASS_CLOSED',
        severity: 'error',
        message: '第1、2场的签到未登记：第1期已结班，考勤已冻结',
        file: '签到表.xlsx',
      },
    ]);
    expect(fakes.completed[0]?.outcome.status).toBe('done');
  });

  it('drops trainees the service no longer finds on the roster and records the rest of the session', async () => {
    fakes.roster = [onRoster(T1), onRoster(T2), onRoster(T3, { '4': {} }), onRoster(STRANGER)];
    fakes.recordAttendance.mockImplementation(async (call: { records: { registrationId: string }[] }) => {
      const gone = call.records.filter((r) => r.registrationId === T2).map((r) => r.registrationId);
      if (gone.length) throw new DomainError('NOT_ON_ROSTER', '不在名单中', 400, { registrationIds: gone });
      return { recorded: 0, corrected: 0, unchanged: call.records.length };
    });
    const result = await ingestUpload(uploadSheet(await filledSheet()));
    expect(result.accepted).toBe(3); // T1 and the stranger-now-on-roster in session 1, T1 in session 2
    const findings = reportedFindings();
    expect(findings.filter((f) => f.code === 'NOT_ON_ROSTER').map((f) => [f.row, f.value])).toEqual([[6, T2]]);
  });

  it('lets a failure of the store through, so Lambda retries the event', async () => {
    fakes.roster = [onRoster(T1), onRoster(T2)];
    fakes.recordAttendance.mockRejectedValue(new Error('DynamoDB unreachable'));
    await expect(ingestUpload(uploadSheet(await filledSheet()))).rejects.toThrow('DynamoDB unreachable');
    expect(fakes.completed).toEqual([]);
  });

  it('fails an unreadable sign-in sheet with its one file-level finding', async () => {
    uploadSheet(new TextEncoder().encode('%PDF-1.7'), 'xlsx');
    await ingestUpload(`incoming/2024/class-01/${UPLOAD_ID}.xlsx`);
    expect(fakes.completed[0]?.outcome).toMatchObject({ status: 'failed', rows: 0, accepted: 0 });
    expect(reportedFindings().map((f) => f.code)).toEqual(['FILE_TYPE']);
    expect(fakes.recordAttendance).not.toHaveBeenCalled();
  });

  it('ignores an object whose upload request was for a unit folder, or a class object for a unit form', async () => {
    const key = uploadSheet(await filledSheet());
    fakes.uploads.set(UPLOAD_ID, { ...(fakes.uploads.get(UPLOAD_ID) as object), form: 'trainee' });
    expect((await ingestUpload(key)).outcome).toBe('ignored');
    fakes.uploads.set(UPLOAD_ID, { ...(fakes.uploads.get(UPLOAD_ID) as object), form: 'attendance', classNumber: 2 });
    expect((await ingestUpload(key)).outcome).toBe('ignored');
  });

  it('still records a unit’s 附件3 and mails its contact, as before', async () => {
    const key = `incoming/2024/110000/${UPLOAD_ID}.csv`;
    fakes.uploads.set(UPLOAD_ID, {
      uploadId: UPLOAD_ID,
      year: 2024,
      unit: '110000',
      form: 'unit',
      fileName: 'unit.csv',
      key,
      status: 'pending',
      createdAt: '2024-08-24T01:00:00.000Z',
    });
    fakes.objects.set(key, buildCsv(UNIT_HEADERS, [unitRow(validUnit())]));
    expect(await ingestUpload(key)).toMatchObject({ outcome: 'ingested', rows: 1, accepted: 1, errors: 0 });
    expect(fakes.saveUnitContact).toHaveBeenCalledTimes(1);
    expect(fakes.sendMail).toHaveBeenCalledTimes(1);
    expect(fakes.reports.has(`reports/2024/110000/${UPLOAD_ID}.xlsx`)).toBe(true);
  });
  it('reports a stranger’s row once, names the sheet, and takes leave the unit granted as granted', async () => {
    const [row1, row2, row3] = signInRows(3) as [object, object, object];
    const rows = [
      row1,
      { ...row2, leave: [3] },
      { ...row3, leave: [4] },
      { ...signInRows(1)[0], registrationId: STRANGER, name: '旁听' },
    ];
    const data = await fillSignInSheet(await signInSheet(rows as never), (sheet, at) => {
      // The first row's only mark is for session 2, the next row's for session 1.
      mark(sheet, at, T1, 2, '出勤');
      mark(sheet, at, T2, 1, '出勤');
      mark(sheet, at, STRANGER, 1, '出勤');
      mark(sheet, at, STRANGER, 2, '出勤');
    });
    const sheetName = (await loadWorkbook(data)).worksheets[0]?.name;
    // T2 has no leave on record at all; T3's leave for session 4 was granted by the unit.
    const t2 = { registrationId: T2, status: 'assigned', classNumber: 1 } as unknown as Registration;
    fakes.roster = [onRoster(T1), t2, onRoster(T3, { '4': { reason: '病假' } })];
    // Each session: one cell recorded, one corrected (both count as accepted).
    fakes.recordAttendance.mockImplementation(async () => ({ recorded: 1, corrected: 1, unchanged: 0 }));
    const key = uploadSheet(data);
    fakes.uploads.set(UPLOAD_ID, { ...(fakes.uploads.get(UPLOAD_ID) as object), createdBy: undefined });

    expect(await ingestUpload(key)).toMatchObject({ outcome: 'ingested', rows: 4, accepted: 4 });

    expect(fakes.recordAttendance.mock.calls.map(([call]) => [call.session, call.actor])).toEqual([
      [1, `upload:${UPLOAD_ID}`],
      [2, `upload:${UPLOAD_ID}`],
    ]);
    expect(reportedFindings()).toEqual([
      {
        code: 'LEAVE_NOT_BY_UNIT',
        severity: 'warning',
        message:
          '第 6 行「第3场 第2天上午（9月24日） (I)」：系统中没有学员所在单位为该场办理的请假，本表中的“请假”不作准假，按未签到处理。',
        file: '签到表.xlsx',
        sheet: sheetName,
        row: 6,
        column: '第3场 第2天上午（9月24日） (I)',
      },
      {
        code: 'NOT_ON_ROSTER',
        severity: 'error',
        message: '第 8 行的报名编号不在第1期学员名单中，本行签到未登记。请核对报名编号，或重新导出本期签到表后填写。',
        file: '签到表.xlsx',
        sheet: sheetName,
        row: 8,
        column: '报名编号 (B)',
        value: STRANGER,
      },
    ]);
  });

  it('retries a session once without trainees the service no longer finds, and refuses it when that is not enough', async () => {
    fakes.roster = [onRoster(T1), onRoster(T2), onRoster(T3, { '4': {} }), onRoster(STRANGER)];
    const refusals: DomainError[] = [
      // Session 1 (T1, T2, the stranger): T2 is gone, then T1 too — the second refusal is the session's.
      new DomainError('NOT_ON_ROSTER', '不在名单中', 400, { registrationIds: [T2] }),
      new DomainError('NOT_ON_ROSTER', '名单已变', 400, { registrationIds: [T1] }),
      // Session 2 (T1 only): T1 is gone, so nothing is left to record.
      new DomainError('NOT_ON_ROSTER', '不在名单中', 400, { registrationIds: [T1] }),
      // Session 3 (T2's unreadable mark is no cell): none.
    ];
    fakes.recordAttendance.mockImplementation(async () => {
      const refusal = refusals.shift();
      if (refusal) throw refusal;
      return { recorded: 1, corrected: 0, unchanged: 0 };
    });

    expect(await ingestUpload(uploadSheet(await filledSheet()))).toMatchObject({ accepted: 0 });

    expect(fakes.recordAttendance.mock.calls.map(([call]) => [call.session, call.records.length])).toEqual([
      [1, 3],
      [1, 2],
      [2, 1],
    ]);
    const findings = reportedFindings();
    expect(findings.filter((f) => f.code === 'NOT_ON_ROSTER' && f.row !== undefined).map((f) => f.row)).toEqual([6, 5]);
    expect(findings.filter((f) => f.row === undefined)).toEqual([
      { code: 'NOT_ON_ROSTER', severity: 'error', message: '第1场的签到未登记：名单已变', file: '签到表.xlsx' },
    ]);
  });

  it('refuses a session outright when the refusal names no trainee to drop', async () => {
    fakes.roster = [onRoster(T1), onRoster(T2), onRoster(T3, { '4': {} }), onRoster(STRANGER)];
    fakes.recordAttendance.mockImplementation(async (call: { session: number }) => {
      if (call.session === 1) throw new DomainError('NOT_ON_ROSTER', '名单为空', 400, { registrationIds: [] });
      throw new DomainError('NOT_ON_ROSTER', '名单不可读', 400);
    });

    expect(await ingestUpload(uploadSheet(await filledSheet()))).toMatchObject({ accepted: 0 });

    expect(fakes.recordAttendance.mock.calls.map(([call]) => call.session)).toEqual([1, 2]);
    expect(reportedFindings().filter((f) => f.row === undefined)).toEqual([
      { code: 'NOT_ON_ROSTER', severity: 'error', message: '第1场的签到未登记：名单为空', file: '签到表.xlsx' },
      { code: 'NOT_ON_ROSTER', severity: 'error', message: '第2场的签到未登记：名单不可读', file: '签到表.xlsx' },
    ]);
  });

  it('drops no trainee for any other refusal, even one that names them', async () => {
    fakes.roster = [onRoster(T1), onRoster(T2), onRoster(T3, { '4': {} }), onRoster(STRANGER)];
    fakes.recordAttendance.mockImplementation(async () => {
      throw new DomainError('CONCURRENT_EDIT', '签到正被他人修改', 409, { registrationIds: [T1] });
    });

    await ingestUpload(uploadSheet(await filledSheet()));

    expect(fakes.recordAttendance.mock.calls.map(([call]) => call.session)).toEqual([1, 2]);
    expect(reportedFindings().filter((f) => f.code === 'NOT_ON_ROSTER')).toEqual([]);
  });

  it('fails a sheet for a class the year does not have, without reading a roster', async () => {
    const key = `incoming/2024/class-11/${UPLOAD_ID}.xlsx`;
    fakes.uploads.set(UPLOAD_ID, {
      uploadId: UPLOAD_ID,
      year: 2024,
      unit: 'class-11',
      form: 'attendance',
      classNumber: 11,
      fileName: '签到表.xlsx',
      key,
      status: 'pending',
      createdBy: 'staff-1',
      createdAt: '2024-09-24T10:00:00.000Z',
    });
    fakes.objects.set(key, await filledSheet());

    expect(await ingestUpload(key)).toMatchObject({ outcome: 'ingested', rows: 0, accepted: 0, errors: 1 });

    expect(fakes.completed[0]?.outcome).toMatchObject({
      status: 'failed',
      rows: 0,
      accepted: 0,
      findings: [
        { code: 'CLASS_UNKNOWN', severity: 'error', message: '2024年度没有第11期培训班', file: '签到表.xlsx' },
      ],
    });
    expect(fakes.recordAttendance).not.toHaveBeenCalled();
  });

  it('ignores an object whose key is not the one its upload request was given', async () => {
    const key = uploadSheet(await filledSheet());
    fakes.uploads.set(UPLOAD_ID, { ...(fakes.uploads.get(UPLOAD_ID) as object), key: key.replace('.xlsx', '.csv') });
    expect((await ingestUpload(key)).outcome).toBe('ignored');
    // An attendance request that lost its class matches no unit folder either.
    const unitKey = `incoming/2024/110000/${UPLOAD_ID}.xlsx`;
    fakes.uploads.set(UPLOAD_ID, {
      ...(fakes.uploads.get(UPLOAD_ID) as object),
      unit: '110000',
      key: unitKey,
      classNumber: undefined,
    });
    fakes.objects.set(unitKey, await filledSheet());
    expect((await ingestUpload(unitKey)).outcome).toBe('ignored');
    expect(fakes.completed).toEqual([]);
  });
});

describe('ingest and its claim on the upload', () => {
  const KEY = `incoming/2024/class-01/${UPLOAD_ID}.xlsx`;
  const pendingSheet = (status = 'pending') => uploadSheet(new TextEncoder().encode('%PDF-1.7'), 'xlsx', status);

  it('claims by the version id where the bucket keeps versions, else by what is known of the object', async () => {
    pendingSheet();
    await ingestUpload(KEY, { versionId: 'v-1', eTag: '"abc"' });
    // This store's HEAD gives neither a version nor an ETag.
    await ingestUpload(KEY);
    expect(fakes.claim.mock.calls.map(([uploadId, object]) => [uploadId, object])).toEqual([
      [UPLOAD_ID, 'version:v-1'],
      [UPLOAD_ID, 'object:unknown'],
    ]);
  });

  it('stops when another ingest finished the same object first: nothing read, nothing stored', async () => {
    pendingSheet();
    fakes.claim.mockResolvedValue({ kind: 'finished' });
    expect(await ingestUpload(KEY, { eTag: '"abc"' })).toEqual({
      key: KEY,
      outcome: 'already-ingested',
      uploadId: UPLOAD_ID,
    });
    expect(fakes.completed).toEqual([]);
    expect(fakes.reports.size).toBe(0);
  });

  it('counts an upload as received when its pending upload is claimed, not again on a retry', async () => {
    const received = () => fakes.countMetric.mock.calls.filter(([name]) => name === 'UploadsReceived');
    pendingSheet('pending');
    await ingestUpload(KEY, { eTag: '"abc"' });
    expect(received()).toEqual([['UploadsReceived', { form: 'attendance', unit: 'class-01' }]]);
    fakes.countMetric.mockClear();
    pendingSheet('processing');
    await ingestUpload(KEY, { eTag: '"abc"' });
    expect(received()).toEqual([]);
  });

  it('lets a failure to read the file through, so Lambda retries the event', async () => {
    pendingSheet();
    fakes.readError = new Error('S3 unreachable');
    await expect(ingestUpload(KEY, { eTag: '"abc"' })).rejects.toThrow('S3 unreachable');
    expect(fakes.completed).toEqual([]);
  });
});
