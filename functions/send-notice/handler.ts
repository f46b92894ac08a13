import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { z } from 'zod';
import pLimit from 'p-limit';
import { listClassRoster } from '../../shared/adapters/class-roster';
import { systemClock } from '../../shared/adapters/clock';
import { loadConfig } from '../../shared/adapters/config';
import { evaluationUrl, inviteToEvaluation } from '../../shared/adapters/evaluation-store';
import { logger } from '../../shared/adapters/logger';
import { loadProgramme } from '../../shared/adapters/programme-store';
import { getRegistration } from '../../shared/adapters/registration-store';
import { alreadySent, withdrawer } from '../../shared/adapters/notice-log';
import { getUnitContact } from '../../shared/adapters/unit-contact-store';
import { downloadUrl, verificationUrl } from '../../shared/certificates/certificate-links';
import { linkExpiry } from '../../shared/domain/evaluation';
import { classesToRemind, composeNotice, renderNotice } from '../../shared/domain/notices';
import { findClass } from '../../shared/domain/programme';
import type { Registration } from '../../shared/domain/trainee-registration';
import { findUnit } from '../../shared/domain/units';
import { NOTICE_KINDS } from '../../shared/domain/workflow';
import { classCalendar } from '../../shared/notices/calendar';
import { deliverOnce } from '../../shared/notices/delivery';

/** Notices the recommending unit's contact also receives: it must act on them (nominate again, tell the trainee). */
const COPY_TO_UNIT = new Set(['expired', 'not-placed']);

const noticeSchema = z.object({
  notice: z.enum([...NOTICE_KINDS, 'class-reminder']),
  registrationId: z.string().min(1),
  /** Kinds that may repeat (reminders) count their attempts; the rest are sent once per registration. */
  attempt: z.number().int().min(1).default(1),
});

/** The daily schedule's event: remind every trainee of a class that starts within 3 days. */
const sweepSchema = z.object({ sweep: z.literal('class-reminders') });

/** A few at a time: the sweep shares SES's sending rate with every other notice. */
const SWEEP_CONCURRENCY = 2;

/**
 * Sends one notice to the trainee of a registration (and the unit's copy), each at most once per registration, kind
 * and attempt: a retried step mails only what it had not sent. The address is looked up here, never passed in.
 */
export const handler = middy()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (event: unknown) => {
    const sweep = sweepSchema.safeParse(event);
    if (sweep.success) return remindClasses();
    return sendNotice(noticeSchema.parse(event));
  });

/**
 * The reminder 3 days before class, to every trainee still assigned to it (a withdrawn one is not). Sent once per
 * registration however often the schedule runs; a class assigned after its window opened is reminded by the next run.
 */
async function remindClasses() {
  const now = systemClock.now();
  const year = loadConfig().PROGRAMME_YEAR;
  const programme = await loadProgramme(year);
  if (!programme) throw new Error(`no programme for ${year}`);
  const limit = pLimit(SWEEP_CONCURRENCY);
  const outcomes: string[] = [];
  for (const trainingClass of classesToRemind(programme, now)) {
    const roster = await listClassRoster(programme.year, trainingClass.number);
    const assigned = roster.filter((registration) => registration.status === 'assigned');
    await Promise.all(
      assigned.map((registration) =>
        limit(async () => {
          const result = await sendNotice({
            notice: 'class-reminder',
            registrationId: registration.registrationId,
            attempt: 1,
          });
          outcomes.push('outcome' in result ? result.outcome : 'not-invited');
        }),
      ),
    );
  }
  const count = (outcome: string) => outcomes.filter((o) => o === outcome).length;
  logger.info('Class reminders', {
    sent: count('sent'),
    alreadySent: count('already-sent'),
    skipped: count('skipped'),
  });
  return { sent: count('sent'), alreadySent: count('already-sent'), skipped: count('skipped') };
}

async function sendNotice({ notice, registrationId, attempt }: z.infer<typeof noticeSchema>) {
  logger.appendKeys({ registrationId, notice });
  const registration = await getRegistration(registrationId);
  if (!registration) throw new Error('registration not found');
  const programme = await loadProgramme(registration.year);
  if (!programme) throw new Error(`no programme for ${registration.year}`);
  const traineeKey = { subject: registrationId, kind: notice, attempt, recipient: 'trainee' } as const;
  // A retried invitation whose mail went out must not issue a new link: that would void the one mailed.
  if (notice === 'evaluation' && (await alreadySent(traineeKey))) return { outcome: 'already-sent' } as const;
  const evaluation = notice === 'evaluation' ? await evaluationInvitation(registration) : undefined;
  if (evaluation && 'skipped' in evaluation) {
    logger.info('Evaluation invitation not sent', { reason: evaluation.skipped });
    return evaluation;
  }
  const trainingClass = registration.classNumber ? findClass(programme, registration.classNumber) : undefined;
  const composed = composeNotice({
    kind: notice,
    traineeName: registration.trainee.name,
    enterpriseName: registration.trainee.enterpriseName,
    unitName: findUnit(registration.unit)?.name ?? registration.unit,
    programme,
    trainingClass,
    requestedClass: registration.trainee.preferredClass,
    certificateNumber: registration.certificate?.number,
    verificationCode: registration.certificate?.code,
    ...(notice === 'certified' && registration.certificate ? await certificateLinks(registration.certificate) : {}),
    reviewTimeoutDays: programme.reviewTimeoutDays,
    reasons: registration.completion?.reasons,
    rejectionReason: notice === 'rejected' ? registration.review?.reason : undefined,
    withdrawnBy: notice === 'withdrawn' ? await withdrawer(registrationId) : undefined,
    ...evaluation,
  });
  const rendered = renderNotice(composed, programme);
  const tags = { notice, registration: registrationId, unit: registration.unit };
  const trainee = await deliverOnce(
    traineeKey,
    { registrationId },
    {
      to: registration.trainee.email,
      ...rendered,
      tags: { ...tags, recipient: 'trainee' },
      ...(notice === 'assigned' && trainingClass
        ? {
            calendar: {
              filename: `class-${trainingClass.number}.ics`,
              content: classCalendar(programme, trainingClass, registrationId),
            },
          }
        : {}),
    },
  );
  logger.info('Notice delivered', { outcome: trainee.outcome });
  if (COPY_TO_UNIT.has(notice)) {
    const contact = await getUnitContact(registration.unit);
    if (contact?.email) {
      await deliverOnce(
        { subject: registrationId, kind: notice, attempt, recipient: 'unit' },
        { unit: registration.unit },
        {
          to: contact.email,
          ...rendered,
          subject: `${rendered.subject}（抄送推荐单位）`,
          tags: { ...tags, recipient: 'unit' },
        },
      );
    }
  }
  return trainee;
}

/** The certified notice's links: the public verification page, and a signed download link valid for 30 days. */
async function certificateLinks(certificate: { number: string; code: string }) {
  const download = await downloadUrl(certificate.number, systemClock.now());
  return {
    verificationUrl: verificationUrl(certificate.number, certificate.code),
    downloadUrl: download.url,
    downloadExpiresAt: download.expiresAt,
  };
}

/**
 * The evaluation notice's personal link, for a trainee who attended at least one session (present or late). The
 * raw token exists only here and in the mail; it is never logged or stored.
 */
async function evaluationInvitation(registration: Registration) {
  const attended = Object.values(registration.attendance ?? {}).some(
    (record) => record?.status === 'present' || record?.status === 'late',
  );
  if (!attended) return { skipped: 'did not attend' } as const;
  const now = systemClock.now();
  const token = await inviteToEvaluation(registration, now);
  if (!token) return { skipped: 'already answered' } as const;
  return { evaluationLink: evaluationUrl(token), evaluationExpiresAt: linkExpiry(now).toISOString() };
}
