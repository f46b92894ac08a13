import { evaluateCompletion } from './attendance';
import { classSessions } from './classes/class-sessions';
import { findClass, type Programme } from './programme';
import type { UploadOrigin } from './review-facts';
import { FINAL_STATUSES, type Registration, summarise } from './trainee-registration';

/**
 * One registration as staff and its unit see it: the list summary (with the facts a reviewer weighs) plus the
 * class, each session's sign-in and leave, the completion so far, the certificate once issued, and what the
 * workflow waits for.
 */
export function registrationDetail(
  registration: Registration,
  programme: Programme | undefined,
  upload?: UploadOrigin,
) {
  const trainingClass =
    programme && registration.classNumber ? findClass(programme, registration.classNumber) : undefined;
  const attendance = registration.attendance ?? {};
  const leave = registration.leave ?? {};
  return {
    ...summarise(registration, upload),
    class: trainingClass
      ? {
          number: trainingClass.number,
          theme: trainingClass.theme,
          host: trainingClass.host,
          city: trainingClass.city,
          venue: trainingClass.venue,
          startDate: trainingClass.startDate,
          endDate: trainingClass.endDate,
          differsFromPreferred:
            registration.trainee.preferredClass !== null &&
            registration.trainee.preferredClass !== trainingClass.number,
        }
      : null,
    attendance:
      trainingClass && programme
        ? {
            sessions: classSessions(trainingClass, programme.sessionsPerClass).map((session) => {
              const record = attendance[String(session.session)];
              const grant = leave[String(session.session)];
              return {
                session: session.session,
                date: session.date,
                half: session.half,
                label: session.label,
                status: record?.status ?? null,
                recordedAt: record?.recordedAt ?? null,
                leave: grant
                  ? { reason: grant.reason, grantedAt: grant.grantedAt, acknowledged: Boolean(grant.acknowledgedAt) }
                  : null,
              };
            }),
            summary: registration.completion ?? evaluateCompletion(attendance, leave, programme),
          }
        : null,
    certificate: registration.certificate
      ? {
          number: registration.certificate.number,
          code: registration.certificate.code,
          issuedAt: registration.certificate.issuedAt,
          status: registration.certificate.status,
        }
      : null,
    review: registration.review ?? null,
    waitingSince: registration.waitingSince ?? null,
    awaiting:
      registration.awaiting && !FINAL_STATUSES.includes(registration.status)
        ? { stage: registration.awaiting, until: registration.awaitingUntil ?? null }
        : null,
    failure: registration.status === 'failed' ? (registration.failure ?? null) : null,
  };
}
