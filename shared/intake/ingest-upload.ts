import { listClassRoster } from '../adapters/class-roster';
import { systemClock } from '../adapters/clock';
import { loadConfig } from '../adapters/config';
import { personHash, registrationIdFor } from '../adapters/ids';
import { logger } from '../adapters/logger';
import { personHashKey } from '../adapters/person-hash-key';
import { loadProgramme } from '../adapters/programme-store';
import { getUnitQuotaState } from '../adapters/quota-store';
import { type RecordOutcome, type RecordRequest, recordRegistrations } from '../adapters/registration-recording';
import { getUnitContact, saveUnitContact } from '../adapters/unit-contact-store';
import {
  deleteUploadVersion,
  headUpload,
  ObjectReplaced,
  readUpload,
  type UploadedObject,
  writeReportFile,
} from '../adapters/upload-files';
import { claimUpload, completeUpload, getUpload, recordRefusedObject } from '../adapters/upload-store';
import { annotateTrace } from '../adapters/tracer';
import { startTraineeWorkflow } from '../adapters/workflow-client';
import pLimit from 'p-limit';
import { recordAttendance } from '../classes/attendance-service';
import { classSessions } from '../domain/classes/class-sessions';
import { DomainError, type Finding } from '../domain/errors';
import { composeUploadReport, renderNotice } from '../domain/notices';
import { effectiveDeadline, findClass, formatDeadline, isBeforeDeadline, type Programme } from '../domain/programme';
import { correctUndeliverableAddress } from '../notices/address-correction';
import { deliverOnce } from '../notices/delivery';
import type { FormKind } from '../domain/registration/form-fields';
import { programmeDate } from '../domain/registration/loose-date';
import type { Registration } from '../domain/trainee-registration';
import { findUnit } from '../domain/units';
import {
  CONTENT_TYPES,
  MAX_UPLOAD_BYTES,
  type ParsedUploadKey,
  parseUploadKey,
  summariseFindings,
  type UploadRecord,
} from '../domain/upload';
import { scrubFinding, forUnit } from '../domain/upload-findings';
import {
  type AttendanceCell,
  buildFindingsWorkbook,
  readAttendanceSheet,
  type TraineeRecord,
  type ValidationReport,
  validateUpload,
} from '../forms';
import { countUploadOutcome, countUploadReceived } from './ingest-metrics';

const START_CONCURRENCY = 10;

export interface IngestResult {
  readonly key: string;
  readonly outcome: 'ingested' | 'already-ingested' | 'ignored' | 'refused';
  readonly uploadId?: string;
  readonly rows?: number;
  readonly accepted?: number;
  readonly errors?: number;
}

/**
 * Ingests one uploaded object. Safe to run again for the same object: registrations have deterministic ids and
 * are written with conditions, executions are named by registration id, and a finished upload is not redone.
 * `object` is what the S3 event announced; ingest reads exactly that version and no other.
 */
export async function ingestUpload(rawKey: string, object: UploadedObject = {}): Promise<IngestResult> {
  // S3 event keys are URL-encoded with '+' for spaces.
  const key = decodeURIComponent(rawKey.replace(/\+/g, ' '));
  const parsedKey = parseUploadKey(key);
  if (!parsedKey || (parsedKey.classNumber === undefined && !findUnit(parsedKey.unit))) {
    logger.warn('Ignoring object outside the upload key scheme', { code: 'UNIT_UNKNOWN' });
    return { key, outcome: 'ignored' };
  }
  const upload = await getUpload(parsedKey.uploadId);
  if (!upload || !matchesKey(upload, key, parsedKey)) {
    logger.warn('Ignoring object with no matching upload request', {
      uploadId: parsedKey.uploadId,
      code: 'UPLOAD_UNKNOWN',
    });
    return { key, outcome: 'ignored', uploadId: parsedKey.uploadId };
  }
  logger.appendKeys({ uploadId: upload.uploadId, unit: upload.unit });
  annotateTrace({ uploadId: upload.uploadId, unit: upload.unit, form: upload.form });
  if (upload.status === 'done' || upload.status === 'failed') {
    if (sameObject(upload, object)) return { key, outcome: 'already-ingested', uploadId: upload.uploadId };
  }

  const head = await headUpload(key, object.versionId);
  const announced: UploadedObject = {
    versionId: object.versionId ?? head?.versionId,
    eTag: object.eTag ?? head?.eTag,
  };
  const identity = objectIdentity(announced);
  const claim = await claimUpload(upload.uploadId, identity, systemClock.now());
  if (claim.kind === 'finished') return { key, outcome: 'already-ingested', uploadId: upload.uploadId };
  if (claim.kind === 'other-object') return refuseOtherObject(upload, key, announced);
  if (upload.status === 'pending') countUploadReceived(upload);

  const programme = await loadProgramme(upload.year);
  const fileFindings: Finding[] = [];
  const fileError = (code: string, message: string) =>
    fileFindings.push({ code, severity: 'error', message, file: upload.fileName });

  let bytes: Uint8Array | undefined;
  if (!programme) fileError('PROGRAMME_UNKNOWN', `${upload.year}年度培训计划不存在或已关闭`);
  else if (!head) fileError('FILE_UNREADABLE', '上传的文件不存在，请重新上传');
  else if (head.size > MAX_UPLOAD_BYTES) fileError('FILE_TOO_LARGE', '文件超过 5 MB，请删除多余内容后重新上传');
  else if (head.contentType && head.contentType !== CONTENT_TYPES[parsedKey.extension]) {
    fileError('FILE_TYPE', `文件类型 ${head.contentType} 与扩展名 .${parsedKey.extension} 不符`);
  } else {
    try {
      bytes = await readUpload(key, announced);
    } catch (error) {
      if (!(error instanceof ObjectReplaced)) throw error;
      fileError(
        'UPLOAD_REPLACED',
        '读取时文件已被同一上传链接再次上传的文件替换，两份文件均未登记。请重新申请上传链接，只上传一次。',
      );
    }
  }

  let outcome: FormOutcome = { rows: 0, accepted: 0, readable: false, findings: [] };
  if (programme && bytes) {
    outcome =
      upload.form === 'attendance'
        ? await ingestAttendanceSheet(upload, programme, bytes)
        : await ingestRegistrationForm(upload, upload.form, programme, bytes);
  }
  const { rows, accepted } = outcome;
  // Scrubbed by pattern as well as by column: an ID or mobile typed into the wrong column stays masked.
  const findings: Finding[] = [...fileFindings, ...outcome.findings].map(scrubFinding);

  const reportBase = `reports/${upload.year}/${upload.unit}/${upload.uploadId}`;
  const errors = findings.filter((f) => f.severity === 'error').length;
  const report = { uploadId: upload.uploadId, unit: upload.unit, form: upload.form, rows, accepted, findings };
  await writeReportFile(`${reportBase}.json`, JSON.stringify(report), 'application/json');
  let xlsxKey: string | undefined;
  if (outcome.workbook) {
    xlsxKey = `${reportBase}.xlsx`;
    // The workbook goes to the unit: it sees that another unit holds a person or enterprise, never which one.
    await writeReportFile(xlsxKey, await outcome.workbook(findings.map(forUnit)), CONTENT_TYPES.xlsx);
  }
  const summary = summariseFindings(findings);
  await completeUpload(upload.uploadId, identity, {
    status: outcome.readable ? 'done' : 'failed',
    rows,
    accepted,
    findings: summary.first,
    findingTotal: summary.total,
    findingCounts: summary.counts,
    reportKeys: { json: `${reportBase}.json`, ...(xlsxKey ? { xlsx: xlsxKey } : {}) },
    completedAt: systemClock.now().toISOString(),
  });
  countUploadOutcome(upload, { readable: outcome.readable, accepted, findings });
  // A class's sign-in sheet has no unit contact to tell: its report is read through GET /uploads/{id}/report.
  if (upload.form !== 'attendance') await notifyUnit(upload, rows, accepted, findings, programme);
  logger.info('Upload ingested', { rows, accepted, errors });
  return { key, outcome: 'ingested', uploadId: upload.uploadId, rows, accepted, errors };
}

function objectIdentity(object: UploadedObject): string {
  if (object.versionId) return `version:${object.versionId}`;
  if (object.eTag) return `etag:${object.eTag.replace(/"/g, '')}`;
  // Neither S3 nor the emulator omits both; without either, one claim per upload is still enforced.
  return 'object:unknown';
}

function sameObject(upload: UploadRecord, object: UploadedObject): boolean {
  return object.versionId || object.eTag ? upload.processedObject === objectIdentity(object) : true;
}

/**
 * A second file sent with an upload link that another file already claimed: never read, counted on the upload,
 * and (where the bucket keeps versions) deleted, so the file that was processed stays the current one.
 */
async function refuseOtherObject(upload: UploadRecord, key: string, object: UploadedObject): Promise<IngestResult> {
  await recordRefusedObject(upload.uploadId);
  if (object.versionId) await deleteUploadVersion(key, object.versionId);
  logger.warn('Refused a second file sent with a used upload link', { code: 'UPLOAD_LINK_USED' });
  return { key, outcome: 'refused', uploadId: upload.uploadId };
}

/** The upload request on record is for exactly this object: same key, owner, year, and a class only for attendance. */
function matchesKey(upload: UploadRecord, key: string, parsedKey: ParsedUploadKey): boolean {
  return (
    upload.key === key &&
    upload.unit === parsedKey.unit &&
    upload.year === parsedKey.year &&
    (upload.form === 'attendance'
      ? upload.classNumber !== undefined && upload.classNumber === parsedKey.classNumber
      : parsedKey.classNumber === undefined)
  );
}

/** What reading and recording one form produced, before the report is stored. */
interface FormOutcome {
  readonly rows: number;
  readonly accepted: number;
  /** The file could be read (status done); otherwise one file-level finding says why not (status failed). */
  readonly readable: boolean;
  readonly findings: readonly Finding[];
  /** The .xlsx copy of the rows with their findings, when the form has one. */
  readonly workbook?: (findings: readonly Finding[]) => Promise<Uint8Array>;
}

async function ingestRegistrationForm(
  upload: UploadRecord,
  form: FormKind,
  programme: Programme,
  bytes: Uint8Array,
): Promise<FormOutcome> {
  const report = await validateUpload(bytes, upload.fileName, {
    classNumbers: programme.classes.map((c) => c.number),
    today: programmeDate(systemClock.now()),
    form,
  });
  const findings: Finding[] = report.findings.map((f) => ({ file: upload.fileName, ...f }));
  if (report.unreadable) return { rows: report.rows, accepted: 0, readable: false, findings };
  const accepted =
    form === 'trainee'
      ? await recordTrainees(upload, programme, report.trainees, findings)
      : await recordUnitContact(upload, report, findings);
  return {
    rows: report.rows,
    accepted,
    readable: true,
    findings,
    workbook: (all) => buildFindingsWorkbook(report, all),
  };
}

/**
 * A class's filled sign-in sheet: read it, keep the cells of trainees on the class roster, and record each session
 * in one call (atomic per session). A refusal from the attendance rules (class closed, a concurrent edit…) becomes
 * a file-level finding naming the sessions it cost; other sessions are still recorded.
 */
async function ingestAttendanceSheet(
  upload: UploadRecord,
  programme: Programme,
  bytes: Uint8Array,
): Promise<FormOutcome> {
  const file = upload.fileName;
  const classNumber = upload.classNumber ?? 0;
  const trainingClass = findClass(programme, classNumber);
  if (!trainingClass) {
    return {
      rows: 0,
      accepted: 0,
      readable: false,
      findings: [
        { code: 'CLASS_UNKNOWN', severity: 'error', message: `${upload.year}年度没有第${classNumber}期培训班`, file },
      ],
    };
  }
  const sheet = await readAttendanceSheet(bytes, file, {
    sessions: classSessions(trainingClass, programme.sessionsPerClass),
    now: systemClock.now(),
  });
  const findings: Finding[] = [...sheet.findings];
  if (sheet.unreadable) return { rows: sheet.rows, accepted: 0, readable: false, findings };

  const roster = new Map(
    (await listClassRoster(upload.year, classNumber)).map((registration) => [
      registration.registrationId,
      registration,
    ]),
  );
  const refusedRows = new Set<number>();
  const notOnRoster = (cell: { registrationId: string; row: number }) => {
    if (refusedRows.has(cell.row)) return;
    refusedRows.add(cell.row);
    findings.push({
      code: 'NOT_ON_ROSTER',
      severity: 'error',
      message: `第 ${cell.row} 行的报名编号不在第${classNumber}期学员名单中，本行签到未登记。请核对报名编号，或重新导出本期签到表后填写。`,
      file,
      ...(sheet.sheet ? { sheet: sheet.sheet } : {}),
      row: cell.row,
      ...(sheet.registrationIdColumn ? { column: sheet.registrationIdColumn } : {}),
      value: cell.registrationId,
    });
  };
  for (const leave of sheet.grantedLeave) {
    const registration = roster.get(leave.registrationId);
    if (!registration) notOnRoster(leave);
    else if (!registration.leave?.[String(leave.session)]) {
      findings.push({
        code: 'LEAVE_NOT_BY_UNIT',
        severity: 'warning',
        message: `第 ${leave.row} 行「${leave.column}」：系统中没有学员所在单位为该场办理的请假，本表中的“请假”不作准假，按未签到处理。`,
        file,
        ...(sheet.sheet ? { sheet: sheet.sheet } : {}),
        row: leave.row,
        column: leave.column,
      });
    }
  }

  const bySession = new Map<number, AttendanceCell[]>();
  for (const cell of sheet.cells) {
    if (!roster.has(cell.registrationId)) {
      notOnRoster(cell);
      continue;
    }
    bySession.set(cell.session, [...(bySession.get(cell.session) ?? []), cell]);
  }

  const actor = upload.createdBy ?? `upload:${upload.uploadId}`;
  const refusals = new Map<string, { error: DomainError; sessions: number[] }>();
  let accepted = 0;
  for (const [session, cells] of [...bySession].sort(([a], [b]) => a - b)) {
    let pending = cells;
    // Stryker disable next-line UpdateOperator: `attempt` is only compared with 1, which counting down from 1 also passes once
    for (let attempt = 1; pending.length > 0; attempt++) {
      try {
        const outcome = await recordAttendance({
          year: upload.year,
          classNumber,
          session,
          records: pending.map(({ registrationId, status, note }) => ({
            registrationId,
            status,
            ...(note ? { note } : {}),
          })),
          actor,
        });
        accepted += outcome.recorded + outcome.corrected + outcome.unchanged;
        break;
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        // The roster may have changed since it was read (a withdrawal): drop those trainees once and try again.
        const strangers = error.code === 'NOT_ON_ROSTER' ? error.details?.registrationIds : undefined;
        if (attempt === 1 && Array.isArray(strangers) && strangers.length > 0) {
          const refused = new Set(strangers.map(String));
          for (const cell of pending) if (refused.has(cell.registrationId)) notOnRoster(cell);
          pending = pending.filter((cell) => !refused.has(cell.registrationId));
          continue;
        }
        const refusal = refusals.get(`${error.code}|${error.message}`) ?? { error, sessions: [] };
        refusal.sessions.push(session);
        refusals.set(`${error.code}|${error.message}`, refusal);
        break;
      }
    }
  }
  for (const { error, sessions } of refusals.values()) {
    findings.push({
      code: error.code,
      severity: 'error',
      message: `第${sessions.join('、')}场的签到未登记：${error.message}`,
      file,
    });
  }
  return { rows: sheet.rows, accepted, readable: true, findings };
}

async function recordTrainees(
  upload: UploadRecord,
  programme: Programme,
  trainees: readonly TraineeRecord[],
  findings: Finding[],
): Promise<number> {
  const rowFinding = (
    record: TraineeRecord,
    code: string,
    message: string,
    severity: Finding['severity'] = 'error',
    heldBy?: string,
  ) =>
    findings.push({ code, severity, message, file: upload.fileName, row: record.row, ...(heldBy ? { heldBy } : {}) });
  const quota = programme.quotas[upload.unit];
  if (quota === undefined) {
    for (const record of trainees) rowFinding(record, 'UNIT_UNKNOWN', '本单位不在本年度名额分配表中，无法报名');
    return 0;
  }
  const now = systemClock.now();
  const { deadlineExtendedUntil } = await getUnitQuotaState(upload.year, upload.unit);
  if (!isBeforeDeadline(programme, now, deadlineExtendedUntil)) {
    const deadline = formatDeadline(effectiveDeadline(programme, deadlineExtendedUntil));
    for (const record of trainees) {
      rowFinding(record, 'DEADLINE_PASSED', `报名已于 ${deadline}（北京时间）截止，本行未登记`);
    }
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
  const reuploaded: TraineeRecord[] = [];
  trainees.forEach((record, index) => {
    const registrationId = (requests[index] as RecordRequest).registration.registrationId;
    if (rowOutcome(record, outcomes[index] as RecordOutcome)) toStart.push(registrationId);
  });
  // A row the unit registered before may carry a corrected email for an address that bounced (notices.ts).
  for (const record of reuploaded) {
    if (
      await correctUndeliverableAddress(
        upload.year,
        upload.unit,
        record.creditCode,
        record.email,
        `unit:${upload.unit}`,
      )
    ) {
      rowFinding(
        record,
        'EMAIL_CORRECTED',
        '该学员此前的电子邮箱无法送达，已更新为本行填写的邮箱，此后的通知将发送至新邮箱',
        'warning',
      );
    }
  }
  // Executions start once every row is recorded, a few at a time: a crash in between is repaired by the retry,
  // which finds the rows already recorded and starts what is missing.
  const starting = pLimit(START_CONCURRENCY);
  await Promise.all(
    toStart.map((registrationId) =>
      starting(() =>
        startTraineeWorkflow({
          registrationId,
          unit: upload.unit,
          year: upload.year,
          reviewTimeoutSeconds: programme.reviewTimeoutDays * 24 * 3600,
        }),
      ),
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
          reuploaded.push(record);
          return false;
        }
        rowFinding(
          record,
          'DUPLICATE_ENTERPRISE',
          '该企业本年度已由其他单位报名，本行未登记；每个企业每年仅限报一人一个班。如有疑问请联系培训项目办公室。',
          'error',
          outcome.heldByUnit,
        );
        return false;
      case 'duplicate-person':
        rowFinding(
          record,
          'DUPLICATE_PERSON',
          outcome.heldByUnit === upload.unit
            ? '该学员本年度已由本单位报名（另一企业），本行未登记；每人每年仅限参加一期。'
            : '该学员本年度已报名，本行未登记；每人每年仅限参加一期。如有疑问请联系培训项目办公室。',
          'error',
          outcome.heldByUnit,
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

/** The upload report to the unit's contact, once per upload (a retried ingest does not mail it again). */
async function notifyUnit(
  upload: UploadRecord,
  rows: number,
  accepted: number,
  findings: readonly Finding[],
  programme: Programme | undefined,
): Promise<void> {
  const contact = await getUnitContact(upload.unit);
  if (!contact) {
    logger.info('No unit contact on record yet; report email skipped', { code: 'UNIT_CONTACT_MISSING' });
    return;
  }
  const config = loadConfig();
  const year = programme ?? (await loadProgramme(config.PROGRAMME_YEAR));
  if (!year) return;
  const errors = findings.filter((finding) => finding.severity === 'error');
  const composed = composeUploadReport({
    programme: year,
    unitName: contact.unitName,
    uploadId: upload.uploadId,
    fileName: upload.fileName,
    rows,
    accepted,
    errors: errors.length,
    firstProblems: errors.map(({ code, message, row, column }) => ({ code, message, row, column })),
    reportUrl: `${config.PUBLIC_BASE_URL}/uploads/${upload.uploadId}/report`,
  });
  await deliverOnce(
    { subject: `UPLOAD-${upload.uploadId}`, kind: 'upload-report', attempt: 1, recipient: 'unit' },
    { unit: upload.unit },
    {
      to: contact.email,
      ...renderNotice(composed, year),
      tags: { notice: 'upload-report', upload: upload.uploadId, unit: upload.unit, recipient: 'unit' },
    },
  );
}
