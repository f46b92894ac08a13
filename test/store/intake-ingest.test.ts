import { createHash } from 'node:crypto';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { simpleParser } from 'mailparser';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { dynamoClient, s3Client } from '../../shared/adapters/aws-clients';
import { systemClock } from '../../shared/adapters/clock';
import { resetConfig } from '../../shared/adapters/config';
import { registrationIdFor } from '../../shared/adapters/ids';
import { listHistory } from '../../shared/adapters/history-store';
import { keys } from '../../shared/adapters/keys';
import { logger } from '../../shared/adapters/logger';
import { alreadySent, markUndeliverable } from '../../shared/adapters/notice-log';
import { saveProgramme } from '../../shared/adapters/programme-store';
import { getRegistration } from '../../shared/adapters/registration-store';
import { getUnitContact, saveUnitContact } from '../../shared/adapters/unit-contact-store';
import { tracer } from '../../shared/adapters/tracer';
import { createUpload, getUpload } from '../../shared/adapters/upload-store';
import type { Finding } from '../../shared/domain/errors';
import { parseProgramme } from '../../shared/domain/programme';
import type { UploadRecord } from '../../shared/domain/upload';
import { ingestUpload } from '../../shared/intake/ingest-upload';
import defaultProgramme2024 from '../../data/programme-2024.json';
import { validTrainee, validUnit } from '../fixtures/registration-data';
import { buildCsv, traineeWorkbook, UNIT_HEADERS, unitRow } from '../fixtures/spreadsheet-files';
import { STORE_BUCKET, STORE_TABLE } from './support/store-environment';

/**
 * Ingest as the S3 event handler calls it (the key and the object's ETag), against DynamoDB Local and s3rver: the
 * upload is recorded first as upload-url records it, the file is put in the bucket, and only Step Functions (the
 * trainees' executions) and SES (the unit's report mail) are stubbed. Rules: README (ingest), notice 二(二) (quota,
 * one trainee per enterprise, one class per person a year), the 2024 programme (deadline 31 Aug 23:59:59 Beijing time,
 * 30 days of review, 23 seats for 110000).
 */
Object.assign(process.env, {
  STATE_MACHINE_ARN: 'arn:aws-cn:states:cn-north-1:000000000000:stateMachine:trainee',
  PERSON_HASH_KEY: 'k'.repeat(40),
});
resetConfig();

const sfn = mockClient(SFNClient);
const ses = mockClient(SESv2Client);
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const BEFORE_DEADLINE = new Date('2024-08-24T09:00:00+08:00');

beforeEach(() => {
  sfn.reset();
  ses.reset();
  ses.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
  vi.spyOn(systemClock, 'now').mockReturnValue(BEFORE_DEADLINE);
});
afterEach(() => vi.restoreAllMocks());

let counter = 0;
const newId = () => `0846c009-fdb3-4ec3-a21d-${String(++counter).padStart(12, '0')}`;

/** Records the upload request as upload-url does, puts the file, and returns the key and its ETag. */
async function upload(
  unit: string,
  form: 'trainee' | 'unit',
  body: Uint8Array,
  options: { contentType?: string; year?: number; extension?: 'xlsx' | 'csv'; put?: boolean } = {},
) {
  const uploadId = newId();
  const extension = options.extension ?? 'xlsx';
  const year = options.year ?? 2024;
  const key = `incoming/${year}/${unit}/${uploadId}.${extension}`;
  const record = {
    uploadId,
    year,
    unit,
    form,
    fileName: `表格.${extension}`,
    key,
    status: 'pending',
    createdBy: 'unit-op',
    createdAt: '2024-08-24T00:59:00.000Z',
  } as UploadRecord;
  await createUpload(record);
  let eTag: string | undefined;
  if (options.put !== false) {
    const put = await s3Client().send(
      new PutObjectCommand({
        Bucket: STORE_BUCKET,
        Key: key,
        Body: body,
        ContentType: options.contentType ?? (extension === 'xlsx' ? XLSX : 'text/csv'),
      }),
    );
    eTag = put.ETag;
  }
  return { uploadId, key, eTag, record };
}

async function storedReport(key: string) {
  const result = await s3Client().send(new GetObjectCommand({ Bucket: STORE_BUCKET, Key: key }));
  return JSON.parse(await (result.Body as { transformToString(): Promise<string> }).transformToString()) as {
    rows: number;
    accepted: number;
    findings: Finding[];
  };
}

/** Trainee `person` again, for the enterprise of trainee `enterprise`. */
const samePersonOtherEnterprise = (person: number, enterprise: number) => ({
  ...validTrainee(person),
  enterpriseName: validTrainee(enterprise).enterpriseName,
  creditCode: validTrainee(enterprise).creditCode,
});

const started = () =>
  sfn.commandCalls(StartExecutionCommand).map((call) => JSON.parse(String(call.args[0].input.input)));

describe('ingest of objects that are not an upload', () => {
  it('ignores keys outside the scheme, unknown units and objects with no matching upload request', async () => {
    const id = newId();
    expect(await ingestUpload(`incoming/2024/999999/${id}.csv`)).toEqual({
      key: `incoming/2024/999999/${id}.csv`,
      outcome: 'ignored',
    });
    expect(await ingestUpload(`incoming/2024/110000/+${id}.csv`)).toEqual({
      key: `incoming/2024/110000/ ${id}.csv`,
      outcome: 'ignored',
    });
    expect(await ingestUpload(`incoming%2F2024%2F110000%2F${id}.csv`)).toEqual({
      key: `incoming/2024/110000/${id}.csv`,
      outcome: 'ignored',
      uploadId: id,
    });
    // An upload request whose owner or year is not the key's.
    const other = await upload('110000', 'unit', buildCsv(UNIT_HEADERS, [unitRow(validUnit())]), {
      extension: 'csv',
    });
    for (const change of [{ unit: '120000' }, { year: 2025 }]) {
      await dynamoClient().send(
        new PutCommand({
          TableName: STORE_TABLE,
          Item: { ...keys.upload(other.uploadId), type: 'upload', ...other.record, ...change },
        }),
      );
      expect((await ingestUpload(other.key, { eTag: other.eTag })).outcome).toBe('ignored');
    }
    expect(sfn.calls()).toHaveLength(0);
    expect(ses.calls()).toHaveLength(0);
  });
});

describe('ingest of a unit’s forms', () => {
  it('records the unit contact of 附件3 and reports a row of another unit', async () => {
    const body = buildCsv(UNIT_HEADERS, [unitRow(validUnit()), unitRow({ ...validUnit(), unitCode: '120000' })]);
    const { key, eTag, uploadId } = await upload('110000', 'unit', body, { extension: 'csv' });
    expect(await ingestUpload(key, { eTag })).toEqual({
      key,
      outcome: 'ingested',
      uploadId,
      rows: 2,
      accepted: 1,
      errors: 1,
    });
    expect(await getUnitContact('110000')).toMatchObject({
      unit: '110000',
      unitName: '北京市经济和信息化局',
      contactName: '王五',
      email: 'contact@example.gov.cn',
      uploadId,
      updatedAt: BEFORE_DEADLINE.toISOString(),
    });
    expect(await getUnitContact('120000')).toBeUndefined();
    const report = await storedReport(`reports/2024/110000/${uploadId}.json`);
    expect(report.findings.filter((finding) => finding.severity === 'error')).toEqual([
      expect.objectContaining({
        code: 'UNIT_MISMATCH',
        severity: 'error',
        message: '单位代码 120000 与上传账号所属单位 110000 不符',
        row: 3,
      }),
    ]);
    // The report goes to the contact just recorded.
    const mails = ses.commandCalls(SendEmailCommand).map((call) => call.args[0].input.Destination?.ToAddresses);
    expect(mails).toEqual([['contact@example.gov.cn']]);
  });

  it('records trainee rows, starts one execution each, stores the report, and a repeated event does nothing', async () => {
    const rows = [validTrainee(1), validTrainee(2), { ...validTrainee(3), idNumber: '11010519491231002X' }];
    const { key, eTag, uploadId } = await upload('110000', 'trainee', await traineeWorkbook(rows));

    const result = await ingestUpload(key, { eTag });

    const report = await storedReport(`reports/2024/110000/${uploadId}.json`);
    const errors = report.findings.filter((finding) => finding.severity === 'error');
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((finding) => finding.row === 4)).toBe(true);
    expect(result).toEqual({ key, outcome: 'ingested', uploadId, rows: 3, accepted: 2, errors: errors.length });
    expect(report).toMatchObject({ uploadId, unit: '110000', form: 'trainee', rows: 3, accepted: 2 });

    const ids = [1, 2].map((n) => registrationIdFor(2024, '110000', uploadId, String(validTrainee(n).creditCode)));
    for (const [index, id] of ids.entries()) {
      expect(await getRegistration(id as string)).toMatchObject({
        status: 'nominated',
        unit: '110000',
        year: 2024,
        uploadId,
        row: index + 2,
        createdAt: BEFORE_DEADLINE.toISOString(),
      });
    }
    expect(started().sort((a, b) => a.registrationId.localeCompare(b.registrationId))).toEqual(
      ids
        .sort()
        .map((registrationId) => ({ registrationId, unit: '110000', year: 2024, reviewTimeoutSeconds: 2_592_000 })),
    );
    expect(await getUpload(uploadId)).toMatchObject({
      status: 'done',
      rows: 3,
      accepted: 2,
      findingTotal: report.findings.length,
      reportKeys: { json: `reports/2024/110000/${uploadId}.json`, xlsx: `reports/2024/110000/${uploadId}.xlsx` },
      completedAt: BEFORE_DEADLINE.toISOString(),
    });
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(1);

    sfn.resetHistory();
    expect(await ingestUpload(key, { eTag })).toEqual({ key, outcome: 'already-ingested', uploadId });
    expect(sfn.calls()).toHaveLength(0);

    // Another file sent with the same link: refused, never read.
    const again = await s3Client().send(
      new PutObjectCommand({ Bucket: STORE_BUCKET, Key: key, Body: 'other', ContentType: XLSX }),
    );
    expect(await ingestUpload(key, { eTag: again.ETag })).toEqual({ key, outcome: 'refused', uploadId });
    expect(await getUpload(uploadId)).toMatchObject({ status: 'done', accepted: 2, refusedObjects: 1 });
  });

  it('refuses rows of an enterprise or a person registered already, and tells a re-upload from another unit', async () => {
    const first = await upload('110000', 'trainee', await traineeWorkbook([validTrainee(11), validTrainee(12)]));
    expect(await ingestUpload(first.key, { eTag: first.eTag })).toMatchObject({ accepted: 2 });
    sfn.resetHistory();
    const sameUnit = await upload(
      '110000',
      'trainee',
      await traineeWorkbook([validTrainee(11), samePersonOtherEnterprise(12, 13)]),
    );
    expect(await ingestUpload(sameUnit.key, { eTag: sameUnit.eTag })).toMatchObject({ accepted: 0 });
    const sameUnitFindings = (await storedReport(`reports/2024/110000/${sameUnit.uploadId}.json`)).findings;
    expect(sameUnitFindings.map((f) => [f.code, f.severity, f.row, f.message])).toEqual([
      ['ALREADY_REGISTERED', 'warning', 2, '该企业已由本单位报名（此前的上传），本行未重复登记'],
      ['DUPLICATE_PERSON', 'error', 3, '该学员本年度已由本单位报名（另一企业），本行未登记；每人每年仅限参加一期。'],
    ]);

    const otherUnit = await upload(
      '120000',
      'trainee',
      await traineeWorkbook([validTrainee(12), samePersonOtherEnterprise(11, 14)]),
    );
    expect(await ingestUpload(otherUnit.key, { eTag: otherUnit.eTag })).toMatchObject({ accepted: 0, errors: 2 });
    const otherFindings = (await storedReport(`reports/2024/120000/${otherUnit.uploadId}.json`)).findings;
    expect(otherFindings.map((f) => [f.code, f.row, f.message])).toEqual([
      [
        'DUPLICATE_ENTERPRISE',
        2,
        '该企业本年度已由其他单位报名，本行未登记；每个企业每年仅限报一人一个班。如有疑问请联系培训项目办公室。',
      ],
      ['DUPLICATE_PERSON', 3, '该学员本年度已报名，本行未登记；每人每年仅限参加一期。如有疑问请联系培训项目办公室。'],
    ]);
    // The stored report (staff's) names the unit that holds them; the unit's workbook does not (forUnit).
    expect(otherFindings.map((f) => f.heldBy)).toEqual(['110000', '110000']);
    expect(started()).toHaveLength(0);
  });

  it('refuses every row past the unit’s quota and after the deadline', async () => {
    await dynamoClient().send(
      new PutCommand({ TableName: STORE_TABLE, Item: { ...keys.unitQuota(2024, '130000'), used: 23, quota: 23 } }),
    );
    const full = await upload('130000', 'trainee', await traineeWorkbook([validTrainee(21)]));
    expect(await ingestUpload(full.key, { eTag: full.eTag })).toMatchObject({ accepted: 0, errors: 1 });
    expect((await storedReport(`reports/2024/130000/${full.uploadId}.json`)).findings).toEqual([
      expect.objectContaining({ code: 'QUOTA_EXCEEDED', row: 2, message: '本单位名额（23人）已满，本行未登记' }),
    ]);

    vi.spyOn(systemClock, 'now').mockReturnValue(new Date('2024-09-01T00:00:00+08:00'));
    const late = await upload('140000', 'trainee', await traineeWorkbook([validTrainee(22), validTrainee(23)]));
    expect(await ingestUpload(late.key, { eTag: late.eTag })).toMatchObject({ rows: 2, accepted: 0, errors: 2 });
    const lateFindings = (await storedReport(`reports/2024/140000/${late.uploadId}.json`)).findings;
    expect(lateFindings.map((f) => [f.code, f.row, f.message])).toEqual([
      ['DEADLINE_PASSED', 2, '报名已于 2024-08-31 23:59:59（北京时间）截止，本行未登记'],
      ['DEADLINE_PASSED', 3, '报名已于 2024-08-31 23:59:59（北京时间）截止，本行未登记'],
    ]);
    expect(started()).toHaveLength(0);
  });
});

describe('ingest of a file it cannot read', () => {
  type FileOptions = { contentType?: string; extension?: 'csv'; put?: boolean; year?: number };
  it.each<[string, FileOptions, string, string]>([
    [
      'a type other than the extension’s',
      { contentType: 'text/plain', extension: 'csv' },
      'FILE_TYPE',
      '文件类型 text/plain 与扩展名 .csv 不符',
    ],
    ['no file in the bucket', { put: false }, 'FILE_UNREADABLE', '上传的文件不存在，请重新上传'],
    ['a year without a programme', { year: 2025 }, 'PROGRAMME_UNKNOWN', '2025年度培训计划不存在或已关闭'],
  ])('fails the upload with one file-level finding for %s', async (_case, options, code, message) => {
    await saveUnitContact({ unit: '150000', unitName: '内蒙古', email: 'nm@example.gov.cn' } as never);
    const { key, eTag, uploadId } = await upload(
      '150000',
      'trainee',
      await traineeWorkbook([validTrainee(31)]),
      options,
    );
    const year = options.year ?? 2024;
    expect(await ingestUpload(key, eTag ? { eTag } : {})).toEqual({
      key,
      outcome: 'ingested',
      uploadId,
      rows: 0,
      accepted: 0,
      errors: 1,
    });
    expect(await getUpload(uploadId)).toMatchObject({
      status: 'failed',
      rows: 0,
      accepted: 0,
      findings: [{ code, severity: 'error', message, file: options.extension === 'csv' ? '表格.csv' : '表格.xlsx' }],
      reportKeys: { json: `reports/${year}/150000/${uploadId}.json` },
    });
    expect((await getUpload(uploadId))?.reportKeys).not.toHaveProperty('xlsx');
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(1);
  });

  it('reads a file of exactly 5 MB: the limit is on what is over it', async () => {
    const atLimit = new Uint8Array(5 * 1024 * 1024);
    const { key, eTag, uploadId } = await upload('220000', 'trainee', atLimit);
    await ingestUpload(key, { eTag });
    const codes = (await getUpload(uploadId))?.findings?.map((finding) => finding.code);
    // Zeros are no workbook: read and refused as such, never as too large.
    expect(codes).not.toContain('FILE_TOO_LARGE');
    expect(codes?.length).toBeGreaterThan(0);
  });

  it('fails a file over 5 MB without reading it', async () => {
    const big = new Uint8Array(5 * 1024 * 1024 + 1);
    const { key, eTag, uploadId } = await upload('210000', 'trainee', big);
    expect(await ingestUpload(key, { eTag })).toMatchObject({ outcome: 'ingested', rows: 0, errors: 1 });
    expect((await getUpload(uploadId))?.findings).toEqual([
      expect.objectContaining({ code: 'FILE_TOO_LARGE', message: '文件超过 5 MB，请删除多余内容后重新上传' }),
    ]);
    // No unit contact on record for 210000: nothing is mailed.
    expect(ses.calls()).toHaveLength(0);
  });
});

describe('the upload report mail to the unit’s contact', () => {
  it('goes to the contact on record, tagged for bounces, with the report link and the refused row’s code, its value masked', async () => {
    await saveUnitContact({ unit: '230000', unitName: '黑龙江', email: 'hlj@example.gov.cn' } as never);
    const rows = [validTrainee(31), { ...validTrainee(32), mobile: '12345' }];
    const { key, eTag, uploadId } = await upload('230000', 'trainee', await traineeWorkbook(rows));
    await ingestUpload(key, { eTag });

    const calls = ses.commandCalls(SendEmailCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]?.args[0].input;
    const tags = Object.fromEntries((input?.EmailTags ?? []).map((tag) => [tag.Name, tag.Value]));
    expect(tags).toMatchObject({ notice: 'upload-report', upload: uploadId, unit: '230000', recipient: 'unit' });
    const mail = await simpleParser(Buffer.from(input?.Content?.Raw?.Data ?? new Uint8Array()));
    expect(mail.to && 'text' in mail.to ? mail.to.text : '').toContain('hlj@example.gov.cn');
    const text = mail.text ?? '';
    expect(text).toContain(`http://localhost/uploads/${uploadId}/report`);
    // Row 3 (the second trainee) has the bad mobile; the good row is no problem of the mail.
    expect(text).toContain('MOBILE_FORMAT');
    expect(text).not.toContain('12345');
  });
});

/** The text of the one report mail sent so far. */
async function reportMailText(): Promise<string> {
  const [call] = ses.commandCalls(SendEmailCommand);
  const raw = call?.args[0].input.Content?.Raw?.Data ?? new Uint8Array();
  return (await simpleParser(Buffer.from(raw))).text ?? '';
}

describe('ingest’s rarer paths', () => {
  it('fails an upload whose file was replaced after its event, reading neither file (UPLOAD_REPLACED)', async () => {
    const first = await upload('340000', 'trainee', await traineeWorkbook([validTrainee(41)]));
    await s3Client().send(
      new PutObjectCommand({
        Bucket: STORE_BUCKET,
        Key: first.key,
        Body: await traineeWorkbook([validTrainee(42)]),
        ContentType: XLSX,
      }),
    );
    // The event of the first file arrives after the second file replaced it.
    expect(await ingestUpload(first.key, { eTag: first.eTag })).toEqual({
      key: first.key,
      outcome: 'ingested',
      uploadId: first.uploadId,
      rows: 0,
      accepted: 0,
      errors: 1,
    });
    expect(await getUpload(first.uploadId)).toMatchObject({
      status: 'failed',
      findings: [
        {
          code: 'UPLOAD_REPLACED',
          severity: 'error',
          message: '读取时文件已被同一上传链接再次上传的文件替换，两份文件均未登记。请重新申请上传链接，只上传一次。',
          file: '表格.xlsx',
        },
      ],
    });
    expect(started()).toHaveLength(0);
  });

  it('claims the upload for the object by its ETag without quotes, and stores the report as JSON and a workbook', async () => {
    const body = await traineeWorkbook([validTrainee(43)]);
    const { key, eTag, uploadId } = await upload('350000', 'trainee', body);
    const md5 = createHash('md5').update(body).digest('hex');
    expect(eTag).toBe(`"${md5}"`);
    await ingestUpload(key, { eTag });
    expect((await getUpload(uploadId))?.processedObject).toBe(`etag:${md5}`);
    const json = await s3Client().send(
      new GetObjectCommand({ Bucket: STORE_BUCKET, Key: `reports/2024/350000/${uploadId}.json` }),
    );
    expect(json.ContentType).toBe('application/json');
    const xlsx = await s3Client().send(
      new GetObjectCommand({ Bucket: STORE_BUCKET, Key: `reports/2024/350000/${uploadId}.xlsx` }),
    );
    expect(xlsx.ContentType).toBe(XLSX);
    // An .xlsx file is a ZIP archive: it starts with "PK".
    const bytes = await (xlsx.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray();
    expect(Buffer.from(bytes.subarray(0, 2)).toString('latin1')).toBe('PK');
  });

  it.each([
    ['done', async () => traineeWorkbook([validTrainee(44)])],
    ['failed', async () => new TextEncoder().encode('not a workbook')],
  ])(
    'does nothing for a repeated event naming no object once the upload is %s, even if the file changed',
    async (status, file) => {
      const { key, eTag, uploadId } = await upload('360000', 'trainee', await file());
      await ingestUpload(key, { eTag });
      expect((await getUpload(uploadId))?.status).toBe(status);
      await s3Client().send(new PutObjectCommand({ Bucket: STORE_BUCKET, Key: key, Body: 'other', ContentType: XLSX }));
      sfn.resetHistory();
      expect(await ingestUpload(key)).toEqual({ key, outcome: 'already-ingested', uploadId });
      expect(await getUpload(uploadId)).not.toHaveProperty('refusedObjects');
      expect(sfn.calls()).toHaveLength(0);
    },
  );

  it('takes a re-uploaded row’s new email in place of a registered address that bounced (EMAIL_CORRECTED)', async () => {
    const first = await upload('440000', 'trainee', await traineeWorkbook([validTrainee(55), validTrainee(56)]));
    await ingestUpload(first.key, { eTag: first.eTag });
    const [bounced, kept] = [55, 56].map((n) =>
      registrationIdFor(2024, '440000', first.uploadId, String(validTrainee(n).creditCode)),
    ) as [string, string];
    await markUndeliverable({ registrationId: bounced }, String(validTrainee(55).email), 'bounce', BEFORE_DEADLINE);

    const again = await upload(
      '440000',
      'trainee',
      await traineeWorkbook([
        { ...validTrainee(55), email: 'corrected@example.com' },
        { ...validTrainee(56), email: 'other@example.com' },
      ]),
    );
    expect(await ingestUpload(again.key, { eTag: again.eTag })).toMatchObject({ accepted: 0, errors: 0 });

    const findings = (await storedReport(`reports/2024/440000/${again.uploadId}.json`)).findings;
    expect(findings.map((f) => [f.code, f.severity, f.row])).toEqual([
      ['ALREADY_REGISTERED', 'warning', 2],
      ['ALREADY_REGISTERED', 'warning', 3],
      ['EMAIL_CORRECTED', 'warning', 2],
    ]);
    expect(findings[2]?.message).toBe('该学员此前的电子邮箱无法送达，已更新为本行填写的邮箱，此后的通知将发送至新邮箱');
    expect((await getRegistration(bounced))?.trainee.email).toBe('corrected@example.com');
    // An address that never bounced is not replaced by a re-upload.
    expect((await getRegistration(kept))?.trainee.email).toBe(validTrainee(56).email);
    const history = await listHistory(bounced, { limit: 10, caller: 'test' });
    expect(history.items).toContainEqual(
      expect.objectContaining({ kind: 'address-corrected', by: 'unit:440000', reason: 'bounce' }),
    );
  });

  it('finishes a retried upload whose rows were recorded before a crash: their executions start, nothing is counted twice', async () => {
    const { key, eTag, uploadId, record } = await upload(
      '370000',
      'trainee',
      await traineeWorkbook([validTrainee(45), validTrainee(46)]),
    );
    await ingestUpload(key, { eTag });
    // As if the first attempt crashed after recording the rows: the upload is still being processed.
    await dynamoClient().send(
      new PutCommand({
        TableName: STORE_TABLE,
        Item: {
          ...keys.upload(uploadId),
          type: 'upload',
          ...record,
          status: 'processing',
          processedObject: (await getUpload(uploadId))?.processedObject,
        },
      }),
    );
    sfn.resetHistory();
    expect(await ingestUpload(key, { eTag })).toMatchObject({ outcome: 'ingested', accepted: 2, errors: 0 });
    expect(started()).toHaveLength(2);
  });

  it('refuses every row of a unit the year’s quota table does not list (UNIT_UNKNOWN)', async () => {
    const programme = parseProgramme(defaultProgramme2024);
    const { '110000': _dropped, ...quotas } = programme.quotas;
    await saveProgramme({ ...programme, year: 2027, quotas });
    const { key, eTag, uploadId } = await upload(
      '110000',
      'trainee',
      await traineeWorkbook([validTrainee(47), validTrainee(48)]),
      { year: 2027 },
    );
    expect(await ingestUpload(key, { eTag })).toMatchObject({ rows: 2, accepted: 0, errors: 2 });
    const findings = (await storedReport(`reports/2027/110000/${uploadId}.json`)).findings;
    expect(findings.map((f) => [f.code, f.row, f.message])).toEqual([
      ['UNIT_UNKNOWN', 2, '本单位不在本年度名额分配表中，无法报名'],
      ['UNIT_UNKNOWN', 3, '本单位不在本年度名额分配表中，无法报名'],
    ]);
  });

  it('fails a registration form it cannot read as a workbook, with no workbook copy', async () => {
    const { key, eTag, uploadId } = await upload('410000', 'trainee', new TextEncoder().encode('not a workbook'));
    await ingestUpload(key, { eTag });
    const stored = await getUpload(uploadId);
    expect(stored).toMatchObject({ status: 'failed', accepted: 0 });
    expect(stored?.reportKeys).not.toHaveProperty('xlsx');
  });

  it('takes the contact from the unit’s own row of 附件3 wherever it stands, and records none from another unit’s only', async () => {
    const other = { ...validUnit(), unitCode: '120000', contactName: '赵六' };
    const mixed = await upload(
      '420000',
      'unit',
      buildCsv(UNIT_HEADERS, [unitRow(other), unitRow({ ...validUnit(), unitCode: '420000' })]),
      {
        extension: 'csv',
      },
    );
    expect(await ingestUpload(mixed.key, { eTag: mixed.eTag })).toMatchObject({ accepted: 1, errors: 1 });
    expect(await getUnitContact('420000')).toMatchObject({ contactName: '王五' });

    const foreign = await upload('430000', 'unit', buildCsv(UNIT_HEADERS, [unitRow(other)]), { extension: 'csv' });
    expect(await ingestUpload(foreign.key, { eTag: foreign.eTag })).toMatchObject({
      outcome: 'ingested',
      rows: 1,
      accepted: 0,
      errors: 1,
    });
    expect(await getUnitContact('430000')).toBeUndefined();
  });
});

describe('the report mail and the logs', () => {
  it('logs what it ignores, skips the mail without a contact, and logs the counts of an ingested upload', async () => {
    const warn = vi.spyOn(logger, 'warn').mockImplementation(() => {});
    const info = vi.spyOn(logger, 'info').mockImplementation(() => {});
    const appendKeys = vi.spyOn(logger, 'appendKeys');
    const annotate = vi.spyOn(tracer, 'putAnnotation');
    const id = newId();
    await ingestUpload(`incoming/2024/999999/${id}.csv`);
    expect(warn).toHaveBeenLastCalledWith('Ignoring object outside the upload key scheme', { code: 'UNIT_UNKNOWN' });
    await ingestUpload(`incoming/2024/110000/${id}.csv`);
    expect(warn).toHaveBeenLastCalledWith('Ignoring object with no matching upload request', {
      uploadId: id,
      code: 'UPLOAD_UNKNOWN',
    });

    // 310000 has no contact on record.
    const { key, eTag, uploadId } = await upload('310000', 'trainee', await traineeWorkbook([validTrainee(49)]));
    await ingestUpload(key, { eTag });
    expect(appendKeys).toHaveBeenCalledWith({ uploadId, unit: '310000' });
    expect(annotate.mock.calls).toEqual([
      ['uploadId', uploadId],
      ['unit', '310000'],
      ['form', 'trainee'],
    ]);
    expect(info).toHaveBeenCalledWith('No unit contact on record yet; report email skipped', {
      code: 'UNIT_CONTACT_MISSING',
    });
    expect(info).toHaveBeenLastCalledWith('Upload ingested', { rows: 1, accepted: 1, errors: 0 });
    expect(ses.calls()).toHaveLength(0);
  });

  it('lists only errors in the mail, records the send once per upload, and mails no address marked undeliverable', async () => {
    await saveUnitContact({ unit: '320000', unitName: '江苏', email: 'js@example.gov.cn' } as never);
    const first = await upload('320000', 'trainee', await traineeWorkbook([validTrainee(51)]));
    await ingestUpload(first.key, { eTag: first.eTag });
    ses.resetHistory();
    // The same enterprise again (a warning) and a bad mobile (an error).
    const again = await upload(
      '320000',
      'trainee',
      await traineeWorkbook([validTrainee(51), { ...validTrainee(52), mobile: '12345' }]),
    );
    await ingestUpload(again.key, { eTag: again.eTag });
    const text = await reportMailText();
    expect(text).toContain('MOBILE_FORMAT');
    expect(text).not.toContain('ALREADY_REGISTERED');
    expect(
      await alreadySent({ subject: `UPLOAD-${again.uploadId}`, kind: 'upload-report', attempt: 1, recipient: 'unit' }),
    ).toBe(true);

    await markUndeliverable({ unit: '320000' }, 'js@example.gov.cn', 'bounce', BEFORE_DEADLINE);
    ses.resetHistory();
    const third = await upload('320000', 'trainee', await traineeWorkbook([validTrainee(53)]));
    await ingestUpload(third.key, { eTag: third.eTag });
    expect(ses.calls()).toHaveLength(0);
  });

  it('mails nothing, and does not fail, when neither the upload’s year nor the current year has a programme', async () => {
    await saveUnitContact({ unit: '330000', unitName: '浙江', email: 'zj@example.gov.cn' } as never);
    vi.stubEnv('PROGRAMME_YEAR', '2031');
    resetConfig();
    try {
      const { key, eTag, uploadId } = await upload('330000', 'trainee', await traineeWorkbook([validTrainee(54)]), {
        year: 2030,
      });
      expect(await ingestUpload(key, { eTag })).toMatchObject({ outcome: 'ingested', errors: 1 });
      expect((await getUpload(uploadId))?.findings?.map((f) => f.code)).toEqual(['PROGRAMME_UNKNOWN']);
      expect(ses.calls()).toHaveLength(0);
    } finally {
      vi.unstubAllEnvs();
      resetConfig();
    }
  });
});
