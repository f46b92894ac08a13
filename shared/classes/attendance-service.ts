import { type SessionWrite, writeSessionRecords } from '../adapters/attendance-store';
import { getClassState } from '../adapters/class-seats';
import { listClassRoster } from '../adapters/class-roster';
import { systemClock } from '../adapters/clock';
import { type AttendanceStatus, isAttendanceStatus } from '../domain/attendance';
import { findSession, isRecordable } from '../domain/classes/class-sessions';
import { DomainError } from '../domain/errors';
import type { Registration } from '../domain/trainee-registration';
import { requireClass } from './programme-context';

export interface AttendanceWrite {
  readonly registrationId: string;
  readonly status: AttendanceStatus;
  readonly note?: string;
}

export interface AttendanceOutcome {
  readonly recorded: number;
  readonly corrected: number;
  readonly unchanged: number;
}

/** Trainees whose sign-in can still be taken: in the class and not ended some other way. */
const ON_ROSTER = new Set(['assigned', 'failed']);

/**
 * Records one session for some of a class's trainees. Every record is checked before anything is written; then
 * the records go in transactions that each re-check that the class is open and that every trainee's earlier value
 * is still the one read, so a concurrent writer or a close makes this call lose with 409 instead of overwriting.
 * A correction keeps the earlier value, its author and time as a history event.
 */
export async function recordAttendance(request: {
  readonly year: number;
  readonly classNumber: number;
  readonly session: number;
  readonly records: readonly AttendanceWrite[];
  readonly actor: string;
}): Promise<AttendanceOutcome> {
  const { year, classNumber, records, actor } = request;
  const { programme, trainingClass } = await requireClass(year, classNumber);
  const session = findSession(programme, trainingClass, request.session);
  if (!session) {
    throw new DomainError(
      'SESSION_OUT_OF_RANGE',
      `场次须为 1–${programme.sessionsPerClass} 之间的整数（4天×上下午），收到 ${request.session}`,
      400,
    );
  }
  const now = systemClock.now();
  if (!isRecordable(session, now)) {
    throw new DomainError('SESSION_NOT_HELD', `第${session.session}场（${session.label}）尚未举行，不能登记考勤`, 409);
  }
  if ((await getClassState(year, classNumber)).closeState) throw classClosed(classNumber);

  const seen = new Set<string>();
  for (const record of records) {
    if (!isAttendanceStatus(record.status)) {
      throw new DomainError(
        'ATTENDANCE_STATUS_INVALID',
        `考勤状态须为 present（出勤）、late（迟到）或 absent（缺勤）；请假须由学员所在地方中小企业主管部门办理`,
        400,
      );
    }
    if (seen.has(record.registrationId)) {
      throw new DomainError('DUPLICATE_RECORD', `同一场次中学员 ${record.registrationId} 出现了两次`, 400);
    }
    seen.add(record.registrationId);
  }
  const roster = new Map(
    (await listClassRoster(year, classNumber))
      .filter((registration) => ON_ROSTER.has(registration.status))
      .map((registration) => [registration.registrationId, registration]),
  );
  const strangers = records.filter((record) => !roster.has(record.registrationId)).map((r) => r.registrationId);
  if (strangers.length > 0) {
    throw new DomainError('NOT_ON_ROSTER', `以下报名不在第${classNumber}期名单中：${strangers.join('、')}`, 400, {
      registrationIds: strangers,
    });
  }

  const at = now.toISOString();
  const writes: SessionWrite[] = [];
  let recorded = 0;
  let corrected = 0;
  let unchanged = 0;
  for (const record of records) {
    const registration = roster.get(record.registrationId) as Registration;
    const previous = registration.attendance?.[String(session.session)];
    if (previous && previous.status === record.status && (previous.note ?? '') === (record.note ?? '')) {
      unchanged++;
      continue;
    }
    if (previous) corrected++;
    else recorded++;
    writes.push({
      registration,
      previous,
      value: {
        status: record.status,
        recordedBy: actor,
        recordedAt: at,
        ...(record.note ? { note: record.note } : {}),
      },
    });
  }
  const outcome = await writeSessionRecords(year, classNumber, session.session, writes);
  if (outcome === 'class-closed') throw classClosed(classNumber);
  if (outcome === 'conflict') {
    throw new DomainError('ATTENDANCE_CONFLICT', '考勤正被他人同时修改，本次未保存，请刷新名单后重新提交', 409);
  }
  return { recorded, corrected, unchanged };
}

export function classClosed(classNumber: number): DomainError {
  return new DomainError('CLASS_CLOSED', `第${classNumber}期已结班，考勤已冻结`, 409);
}
