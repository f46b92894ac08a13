import { type CompletionResult, evaluateCompletion } from '../attendance';
import type { Programme, TrainingClass } from '../programme';
import { maskedContacts, type Registration } from '../trainee-registration';
import { findUnit } from '../units';
import { type ClassSession, classSessions, hasStarted, isRecordable } from './class-sessions';

/** Attachments 1–4 of the notice were never published: say so wherever the sample schedule is shown. */
export const SAMPLE_DATA_NOTICE =
  '通知附件1–4（培训时间安排、名额分配、信息表、报名表）未公开发布：当前期次、承办机构、日期和名额为示例数据，须由管理人员以正式培训计划替换后方可作准。';

export type ClassStatus = 'open' | 'in-session' | 'closing' | 'closed';

export function classStatus(trainingClass: TrainingClass, now: Date, closeState?: 'closing' | 'closed'): ClassStatus {
  if (closeState) return closeState;
  return hasStarted(trainingClass, now) ? 'in-session' : 'open';
}

export interface SessionView extends ClassSession {
  readonly recordable: boolean;
}

export function sessionViews(programme: Programme, trainingClass: TrainingClass, now: Date): SessionView[] {
  return classSessions(trainingClass, programme.sessionsPerClass).map((session) => ({
    ...session,
    recordable: isRecordable(session, now),
  }));
}

export interface RosterEntry {
  readonly registrationId: string;
  readonly name: string;
  readonly unit: string;
  readonly unitName: string;
  readonly enterpriseName: string;
  readonly position: string;
  readonly idNumber: string;
  readonly mobile: string;
  readonly status: Registration['status'];
  readonly sessions: readonly {
    readonly session: number;
    readonly status: string | null;
    readonly recordedBy: string | null;
    readonly recordedAt: string | null;
    readonly note: string | null;
    readonly leave: {
      readonly reason: string;
      readonly grantedAt: string;
      readonly acknowledged: boolean;
      readonly acknowledgedAt: string | null;
    } | null;
  }[];
  readonly summary: CompletionResult;
}

/** One trainee's line on a roster: masked personal data, each session's sign-in and leave, the completion so far. */
export function rosterEntry(registration: Registration, programme: Programme): RosterEntry {
  const { trainee } = registration;
  const attendance = registration.attendance ?? {};
  const leave = registration.leave ?? {};
  return {
    registrationId: registration.registrationId,
    name: trainee.name,
    unit: registration.unit,
    unitName: findUnit(registration.unit)?.name ?? registration.unit,
    enterpriseName: trainee.enterpriseName,
    position: trainee.position,
    ...maskedContacts(registration),
    status: registration.status,
    sessions: Array.from({ length: programme.sessionsPerClass }, (_, index) => {
      const key = String(index + 1);
      const record = attendance[key];
      const grant = leave[key];
      return {
        session: index + 1,
        status: record?.status ?? null,
        recordedBy: record?.recordedBy ?? null,
        recordedAt: record?.recordedAt ?? null,
        note: record?.note ?? null,
        leave: grant
          ? {
              reason: grant.reason,
              grantedAt: grant.grantedAt,
              acknowledged: Boolean(grant.acknowledgedAt),
              acknowledgedAt: grant.acknowledgedAt ?? null,
            }
          : null,
      };
    }),
    summary: evaluateCompletion(attendance, leave, programme),
  };
}
