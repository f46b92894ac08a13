import { z } from 'zod';
import { auditOf, recordAudit } from '../../shared/adapters/audit-store';
import { getClassState, listClassStates, listWaitlist } from '../../shared/adapters/class-seats';
import { systemClock } from '../../shared/adapters/clock';
import { loadConfig } from '../../shared/adapters/config';
import { exportReply } from '../../shared/adapters/export-files';
import { withFullPersonalValues } from '../../shared/adapters/registration-export-reads';
import { listRegistrations } from '../../shared/adapters/registration-queries';
import { recordAttendance } from '../../shared/classes/attendance-service';
import { closeClass } from '../../shared/classes/close-class';
import { acknowledgeLeave } from '../../shared/classes/leave-service';
import { requireClass, requireProgramme } from '../../shared/classes/programme-context';
import { listClassRoster } from '../../shared/adapters/class-roster';
import { ATTENDANCE_STATUSES } from '../../shared/domain/attendance';
import { hasStarted } from '../../shared/domain/classes/class-sessions';
import { classStatus, rosterEntry, SAMPLE_DATA_NOTICE, sessionViews } from '../../shared/domain/classes/class-view';
import { DomainError } from '../../shared/domain/errors';
import type { Registration } from '../../shared/domain/trainee-registration';
import { rosterExportTable } from '../../shared/exports/roster-export';
import { type ExportFormat, renderTable } from '../../shared/exports/table-export';
import { buildSignInSheet, signInRowOf } from '../../shared/forms/sign-in-sheet';
import { fullValuesRequested } from '../../shared/http/full-values';
import { type HttpResult, json, routeHandler } from '../../shared/http/http-handler';
import { type AuthorizedEvent, type Principal, requireClassAccess } from '../../shared/http/principal';
import { classNumberParameter, parseBody, parseQuery, pathParameter } from '../../shared/http/request-parsing';

/** Classes, rosters, sign-in and closing: staff for every class, a host institution for its own classes. */
export const handler = routeHandler({
  'GET /classes': listClassesRoute,
  'GET /classes/{classNumber}/roster': rosterRoute,
  'GET /classes/{classNumber}/roster.xlsx': (event, principal) => rosterExportRoute(event, principal, 'xlsx'),
  'GET /classes/{classNumber}/roster.csv': (event, principal) => rosterExportRoute(event, principal, 'csv'),
  'GET /classes/{classNumber}/sign-in.xlsx': signInSheetRoute,
  'PUT /classes/{classNumber}/attendance': attendanceRoute,
  'POST /classes/{classNumber}/close': closeRoute,
  'POST /classes/{classNumber}/leave/{registrationId}/acknowledge': acknowledgeLeaveRoute,
});

const year = () => loadConfig().PROGRAMME_YEAR;

/** Every class with its dates, host, seats taken and the trainees waiting for one (anyone signed in). */
async function listClassesRoute(): Promise<HttpResult> {
  const programme = await requireProgramme(year());
  const now = systemClock.now();
  const [states, waitlist] = await Promise.all([listClassStates(programme.year), listWaitlist(programme.year)]);
  const waitingFor = new Map<number, number>();
  for (const entry of waitlist) {
    if (entry.preferredClass) waitingFor.set(entry.preferredClass, (waitingFor.get(entry.preferredClass) ?? 0) + 1);
  }
  return json(200, {
    year: programme.year,
    sampleData: programme.sampleData,
    ...(programme.sampleData ? { sampleDataNotice: SAMPLE_DATA_NOTICE } : {}),
    waitlisted: waitlist.length,
    items: [...programme.classes]
      .sort((a, b) => a.number - b.number)
      .map((trainingClass) => {
        const state = states.get(trainingClass.number);
        return {
          ...trainingClass,
          status: classStatus(trainingClass, now, state?.closeState),
          assigned: state?.used ?? 0,
          free: Math.max(0, trainingClass.capacity - (state?.used ?? 0)),
          /** Waitlisted trainees who asked for this class (the waitlist itself is one, across classes). */
          waitlisted: waitingFor.get(trainingClass.number) ?? 0,
          closedAt: state?.closedAt ?? null,
        };
      }),
  });
}

const rosterQuery = z.object({
  cursor: z.string().max(2048).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(100),
});

async function rosterRoute(event: AuthorizedEvent, principal: Principal): Promise<HttpResult> {
  const classNumber = classNumberParameter(event);
  requireClassAccess(principal, classNumber);
  const query = parseQuery(rosterQuery, event.queryStringParameters);
  const { programme, trainingClass } = await requireClass(year(), classNumber);
  const now = systemClock.now();
  const [page, state] = await Promise.all([
    listRegistrations({
      year: programme.year,
      classNumber,
      cursor: query.cursor,
      limit: query.limit,
      caller: principal.subject,
    }),
    getClassState(programme.year, classNumber),
  ]);
  return json(200, {
    class: {
      ...trainingClass,
      status: classStatus(trainingClass, now, state?.closeState),
      assigned: state?.used ?? 0,
      closedAt: state?.closedAt ?? null,
    },
    sampleData: programme.sampleData,
    ...(programme.sampleData ? { sampleDataNotice: SAMPLE_DATA_NOTICE } : {}),
    completionRule: programme.completionRule,
    sessions: sessionViews(programme, trainingClass, now),
    items: page.items.map((registration) => rosterEntry(registration, programme)),
    next: page.next,
  });
}

/** Whose trainee a roster shows, in the order the sign-in sheet prints them: by unit, then by name. */
function byUnitThenName(a: Registration, b: Registration): number {
  return a.unit.localeCompare(b.unit) || a.trainee.name.localeCompare(b.trainee.name, 'zh-CN');
}

/**
 * The class's roster as a file for staff and the class's host: the class's facts, one row per trainee it holds, the
 * attendance and outcome once it has run. Masked unless staff ask for full values; either way audited.
 */
async function rosterExportRoute(
  event: AuthorizedEvent,
  principal: Principal,
  format: ExportFormat,
): Promise<HttpResult> {
  const classNumber = classNumberParameter(event);
  requireClassAccess(principal, classNumber);
  const full = fullValuesRequested(event, principal);
  const { programme, trainingClass } = await requireClass(year(), classNumber);
  const now = systemClock.now();
  const [roster, state] = await Promise.all([
    listClassRoster(programme.year, classNumber),
    getClassState(programme.year, classNumber),
  ]);
  const held = roster.filter((registration) => registration.status !== 'withdrawn');
  const registrations = (full ? await withFullPersonalValues(held) : held).sort(byUnitThenName);
  await recordAudit(
    auditOf(event, principal, full ? 'export.full' : 'export.masked', `class:${classNumber}`, {
      format,
      export: 'roster',
      year: programme.year,
      rows: registrations.length,
    }),
  );
  const bytes = await renderTable(
    rosterExportTable({
      programme,
      trainingClass,
      status: classStatus(trainingClass, now, state?.closeState),
      hasRun: hasStarted(trainingClass, now),
      registrations,
      values: full ? 'full' : 'masked',
      generatedAt: now.toISOString(),
    }),
    format,
  );
  return exportReply(bytes, format, `第${classNumber}期学员名单${full ? '-完整信息' : ''}`);
}

/** The printable A4 sign-in sheet (签到表), to be filled in at each session and uploaded back. */
async function signInSheetRoute(event: AuthorizedEvent, principal: Principal): Promise<HttpResult> {
  const classNumber = classNumberParameter(event);
  requireClassAccess(principal, classNumber);
  const { programme, trainingClass } = await requireClass(year(), classNumber);
  const roster = await listClassRoster(programme.year, classNumber);
  const trainees = roster.filter((registration) => registration.status !== 'withdrawn').sort(byUnitThenName);
  // Names and enterprises leave the system on it (no ID numbers or phones): audited as a masked export.
  await recordAudit(
    auditOf(event, principal, 'export.masked', `class:${classNumber}`, {
      format: 'xlsx',
      export: 'sign-in',
      year: programme.year,
      rows: trainees.length,
    }),
  );
  const bytes = await buildSignInSheet({
    programme,
    trainingClass,
    sessions: sessionViews(programme, trainingClass, systemClock.now()),
    trainees: trainees.map(signInRowOf),
  });
  const fileName = `第${classNumber}期签到表.xlsx`;
  return {
    statusCode: 200,
    headers: {
      'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'content-disposition': `attachment; filename="class-${classNumber}-sign-in.xlsx"; filename*=UTF-8''${encodeURIComponent(fileName)}`,
    },
    body: Buffer.from(bytes).toString('base64'),
    isBase64Encoded: true,
  };
}

const attendanceBody = z.object({
  session: z.number().int(),
  records: z
    .array(
      z.object({
        registrationId: z.string().min(1).max(64),
        status: z.string(),
        note: z.string().trim().max(200).optional(),
      }),
    )
    .min(1)
    .max(500),
});

/** One session's sign-in for some or all of the class (staff, the class's host). */
async function attendanceRoute(event: AuthorizedEvent, principal: Principal): Promise<HttpResult> {
  const classNumber = classNumberParameter(event);
  requireClassAccess(principal, classNumber);
  const body = parseBody(
    attendanceBody,
    event.body,
    'BAD_REQUEST',
    '格式：{ session: 1–8, records: [{ registrationId, status: present|late|absent }] }',
  );
  for (const record of body.records) {
    if (!(ATTENDANCE_STATUSES as readonly string[]).includes(record.status)) {
      throw new DomainError(
        'ATTENDANCE_STATUS_INVALID',
        `考勤状态“${record.status.slice(0, 20)}”无效：须为 present（出勤）、late（迟到）或 absent（缺勤）。请假须由学员所在地方中小企业主管部门办理，不能由班级登记`,
        400,
        { registrationId: record.registrationId },
      );
    }
  }
  const outcome = await recordAttendance({
    year: year(),
    classNumber,
    session: body.session,
    records: body.records as never,
    actor: principal.subject,
  });
  // After the write (its transaction is the attendance service's): an audit that failed here would fail the call
  // visibly, and the change, already made, stays recorded in each registration.
  await recordAudit(
    auditOf(event, principal, 'class.change', `class:${classNumber}`, {
      route: event.routeKey,
      session: body.session,
      registrationIds: body.records.map((record) => record.registrationId),
      ...outcome,
    }),
  );
  return json(200, { classNumber, session: body.session, ...outcome });
}

async function closeRoute(event: AuthorizedEvent, principal: Principal): Promise<HttpResult> {
  const classNumber = classNumberParameter(event);
  requireClassAccess(principal, classNumber);
  const outcome = await closeClass({ year: year(), classNumber, actor: principal.subject });
  await recordAudit(
    auditOf(event, principal, 'class.change', `class:${classNumber}`, {
      route: event.routeKey,
      closedAt: outcome.closedAt,
      trainees: outcome.trainees,
      complete: outcome.complete,
      incomplete: outcome.incomplete,
    }),
  );
  return json(200, outcome);
}

async function acknowledgeLeaveRoute(event: AuthorizedEvent, principal: Principal): Promise<HttpResult> {
  const classNumber = classNumberParameter(event);
  requireClassAccess(principal, classNumber);
  const registrationId = pathParameter(event, 'registrationId');
  const outcome = await acknowledgeLeave({ year: year(), classNumber, registrationId, actor: principal.subject });
  await recordAudit(
    auditOf(event, principal, 'registration.change', `registration:${registrationId}`, {
      route: event.routeKey,
      classNumber,
      sessions: outcome.sessions,
    }),
  );
  return json(200, { classNumber, registrationId, ...outcome });
}
