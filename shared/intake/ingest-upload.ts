import { systemClock } from '../adapters/clock';
import { loadConfig } from '../adapters/config';
import { personHash, registrationIdFor } from '../adapters/ids';
import { logger } from '../adapters/logger';
import { sendMail } from '../adapters/mailer';
import { personHashKey } from '../adapters/person-hash-key';
import { loadProgramme } from '../adapters/programme-store';
import { getUnitQuotaState } from '../adapters/quota-store';
import { type RecordOutcome, type RecordRequest, recordRegistrations } from '../adapters/registration-store';
import { getUnitContact, saveUnitContact } from '../adapters/unit-contact-store';
import { headUpload, readUpload, writeReportFile } from '../adapters/upload-files';
import { completeUpload, getUpload } from '../adapters/upload-store';
import { startTraineeWorkflow } from '../adapters/workflow-client';
import pLimit from 'p-limit';
import type { Finding } from '../domain/errors';
import { escapeHtml } from '../domain/notices';
import { isBeforeDeadline, type Programme } from '../domain/programme';
import type { Registration } from '../domain/trainee-registration';
import { findUnit } from '../domain/units';
import { CONTENT_TYPES, MAX_UPLOAD_BYTES, parseUploadKey, type UploadRecord } from '../domain/upload';
import { buildFindingsWorkbook, type TraineeRecord, type ValidationReport, validateUpload } from '../forms';

const START_CONCURRENCY = 10;

export interface IngestResult {
  readonly key: string;
  readonly outcome: 'ingested' | 'already-ingested' | 'ignored';
  readonly uploadId?: string;
  readonly rows?: number;
  readonly accepted?: number;
  readonly errors?: number;
}

/**
 * Ingests one uploaded object. Safe to run again for the same object: registrations have deterministic ids and
 * are written with conditions, executions are named by registration id, and a finished upload is not redone.
 */
export async function ingestUpload(rawKey: string): Promise<IngestResult> {
  // S3 event keys are URL-encoded with '+' for spaces.
  const key = decodeURIComponent(rawKey.replace(/\+/g, ' '));
  const parsedKey = parseUploadKey(key);
  if (!parsedKey || !findUnit(parsedKey.unit)) {
    logger.warn('Ignoring object outside the upload key scheme', { code: 'UNIT_UNKNOWN' });
    return { key, outcome: 'ignored' };
  }
  const upload = await getUpload(parsedKey.uploadId);
  if (!upload || upload.key !== key || upload.unit !== parsedKey.unit || upload.year !== parsedKey.year) {
    logger.warn('Ignoring object with no matching upload request', {
      uploadId: parsedKey.uploadId,
      code: 'UPLOAD_UNKNOWN',
    });
    return { key, outcome: 'ignored', uploadId: parsedKey.uploadId };
  }
  logger.appendKeys({ uploadId: upload.uploadId, unit: upload.unit });
  if (upload.status !== 'pending') return { key, outcome: 'already-ingested', uploadId: upload.uploadId };

  const programme = await loadProgramme(upload.year);
  const fileFindings: Finding[] = [];
  const fileError = (code: string, message: string) =>
    fileFindings.push({ code, severity: 'error', message, file: upload.fileName });

  let report: ValidationReport | undefined;
  const head = await headUpload(key);
  if (!programme) fileError('PROGRAMME_UNKNOWN', `${upload.year}年度培训计划不存在或已关闭`);
  else if (!head) fileError('FILE_UNREADABLE', '上传的文件不存在，请重新上传');
  else if (head.size > MAX_UPLOAD_BYTES) fileError('FILE_TOO_LARGE', '文件超过 5 MB，请删除多余内容后重新上传');
  else if (head.contentType && head.contentType !== CONTENT_TYPES[parsedKey.extension]) {
    fileError('FILE_TYPE', `文件类型 ${head.contentType} 与扩展名 .${parsedKey.extension} 不符`);
  } else {
    const bytes = await readUpload(key, head.versionId);
    report = await validateUpload(bytes, upload.fileName, {
      classNumbers: programme.classes.map((c) => c.number),
      form: upload.form,
    });
  }

  const findings: Finding[] = [
    ...fileFindings,
    ...(report?.findings ?? []).map((f) => ({ file: upload.fileName, ...f })),
  ];
  let accepted = 0;
  if (report && programme && !report.unreadable) {
    if (upload.form === 'trainee') {
      accepted = await recordTrainees(upload, programme, report.trainees, findings);
    } else {
      accepted = await recordUnitContact(upload, report, findings);
    }
  }

  const rows = report?.rows ?? 0;
  const reportBase = `reports/${upload.year}/${upload.unit}/${upload.uploadId}`;
  const errors = findings.filter((f) => f.severity === 'error').length;
  const summary = { uploadId: upload.uploadId, unit: upload.unit, form: upload.form, rows, accepted, findings };
  await writeReportFile(`${reportBase}.json`, JSON.stringify(summary, null, 2), 'application/json');
  let xlsxKey: string | undefined;
  if (report && !report.unreadable) {
    xlsxKey = `${reportBase}.xlsx`;
    await writeReportFile(xlsxKey, await buildFindingsWorkbook(report, findings), CONTENT_TYPES.xlsx);
  }
  await completeUpload(upload.uploadId, {
    status: report && !report.unreadable ? 'done' : 'failed',
    rows,
    accepted,
    findings,
    reportKeys: { json: `${reportBase}.json`, ...(xlsxKey ? { xlsx: xlsxKey } : {}) },
    completedAt: systemClock.now().toISOString(),
  });
  await notifyUnit(upload, rows, accepted, errors);
  logger.info('Upload ingested', { rows, accepted, errors });
  return { key, outcome: 'ingested', uploadId: upload.uploadId, rows, accepted, errors };
}

async function recordTrainees(
  upload: UploadRecord,
  programme: Programme,
  trainees: readonly TraineeRecord[],
  findings: Finding[],
): Promise<number> {
  const rowFinding = (record: TraineeRecord, code: string, message: string, severity: Finding['severity'] = 'error') =>
    findings.push({ code, severity, message, file: upload.fileName, row: record.row });
  const quota = programme.quotas[upload.unit];
  if (quota === undefined) {
    for (const record of trainees) rowFinding(record, 'UNIT_UNKNOWN', '本单位不在本年度名额分配表中，无法报名');
    return 0;
  }
  const now = systemClock.now();
  const { deadlineExtendedUntil } = await getUnitQuotaState(upload.year, upload.unit);
  if (!isBeforeDeadline(programme, now, deadlineExtendedUntil)) {
    const deadline = deadlineExtendedUntil ?? programme.deadline;
    for (const record of trainees) rowFinding(record, 'DEADLINE_PASSED', `报名已于 ${deadline} 截止，本行未登记`);
    return 0;
  }
  const hashKey = await personHashKey();
  const requests = trainees.map((record) => {
    const { row, voluntary, goodStanding, ...trainee } = record;
    const registration: Registration = {
      registrationId: registrationIdFor(upload.year, upload.unit, upload.uploadId, record.creditCode),
      year: upload.year,
      unit: upload.unit,
      status: 'nominated',
      uploadId: upload.uploadId,
      row,
      trainee,
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
    };
    return { registration, personHash: personHash(hashKey, record.idNumber), quota };
  });
  // Rows are recorded in file order, so when a file exceeds the quota it is always its last rows that are refused.
  const { outcomes, writeUnits } = await recordRegistrations(requests);
  logger.appendKeys({ writeUnits });
  const toStart: string[] = [];
  trainees.forEach((record, index) => {
    const registrationId = (requests[index] as RecordRequest).registration.registrationId;
    if (rowOutcome(record, outcomes[index] as RecordOutcome)) toStart.push(registrationId);
  });
  // Executions start once every row is recorded, a few at a time: a crash in between is repaired by the retry,
  // which finds the rows already recorded and starts what is missing.
  const starting = pLimit(START_CONCURRENCY);
  await Promise.all(
    toStart.map((registrationId) =>
      starting(() => startTraineeWorkflow({ registrationId, unit: upload.unit, year: upload.year })),
    ),
  );
  return toStart.length;

  /** True when the row holds a registration (now or from this upload's earlier attempt); else records why not. */
  function rowOutcome(record: TraineeRecord, outcome: RecordOutcome): boolean {
    switch (outcome.kind) {
      case 'recorded':
      case 'already-recorded': // a retry of this same upload after a crash: finish what the first attempt began
        return true;
      case 'quota-exceeded':
        rowFinding(record, 'QUOTA_EXCEEDED', `本单位名额（${outcome.quota}人）已满，本行未登记`);
        return false;
      case 'duplicate-enterprise':
        if (outcome.heldByUnit === upload.unit) {
          rowFinding(record, 'ALREADY_REGISTERED', '该企业已由本单位报名（此前的上传），本行未重复登记', 'warning');
          return false;
        }
        rowFinding(
          record,
          'DUPLICATE_ENTERPRISE',
          `该企业本年度已由${findUnit(outcome.heldByUnit)?.name ?? outcome.heldByUnit}报名；每个企业每年仅限报一人一个班`,
        );
        return false;
      case 'duplicate-person':
        rowFinding(
          record,
          'DUPLICATE_PERSON',
          `该学员本年度已由${findUnit(outcome.heldByUnit)?.name ?? outcome.heldByUnit}报名`,
        );
        return false;
    }
  }
}

async function recordUnitContact(upload: UploadRecord, report: ValidationReport, findings: Finding[]): Promise<number> {
  const record = report.units.find((unit) => unit.unitCode === upload.unit);
  for (const other of report.units) {
    if (other.unitCode !== upload.unit) {
      findings.push({
        code: 'UNIT_MISMATCH',
        severity: 'error',
        message: `单位代码 ${other.unitCode} 与上传账号所属单位 ${upload.unit} 不符`,
        file: upload.fileName,
        row: other.row,
      });
    }
  }
  if (!record) return 0;
  await saveUnitContact({
    unit: upload.unit,
    unitName: record.unitName,
    contactName: record.contactName,
    contactPosition: record.contactPosition,
    mobile: record.mobile,
    officePhone: record.officePhone,
    email: record.email,
    recommendedCount: record.recommendedCount,
    remarks: record.remarks,
    uploadId: upload.uploadId,
    updatedAt: systemClock.now().toISOString(),
  });
  return 1;
}

async function notifyUnit(upload: UploadRecord, rows: number, accepted: number, errors: number): Promise<void> {
  const contact = await getUnitContact(upload.unit);
  if (!contact) {
    logger.info('No unit contact on record yet; report email skipped', { code: 'UNIT_CONTACT_MISSING' });
    return;
  }
  const link = `${loadConfig().PUBLIC_BASE_URL}/uploads/${upload.uploadId}/report`;
  const lines = [
    `${contact.unitName}：`,
    `您单位上传的文件「${upload.fileName}」已处理：共 ${rows} 行，登记成功 ${accepted} 行，错误 ${errors} 条。`,
    `逐行校验报告：${link}`,
  ];
  await sendMail({
    to: contact.email,
    subject: `【领军人才培训】上传处理结果：登记 ${accepted} / ${rows} 行`,
    text: lines.join('\n\n'),
    html: lines.map((line) => `<p>${escapeHtml(line)}</p>`).join(''),
    tags: { notice: 'upload-report', upload: upload.uploadId },
  });
}
