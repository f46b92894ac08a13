import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { z } from 'zod';
import { logger } from '../../shared/adapters/logger';
import { sendMail } from '../../shared/adapters/mailer';
import { loadProgramme } from '../../shared/adapters/programme-store';
import { getRegistration } from '../../shared/adapters/registration-store';
import { systemClock } from '../../shared/adapters/clock';
import { evaluationUrl, inviteToEvaluation } from '../../shared/adapters/evaluation-store';
import { downloadUrl, verificationUrl } from '../../shared/certificates/certificate-links';
import { linkExpiry } from '../../shared/domain/evaluation';
import { composeNotice, renderHtml, renderText } from '../../shared/domain/notices';
import { findClass } from '../../shared/domain/programme';
import type { Registration } from '../../shared/domain/trainee-registration';
import { findUnit } from '../../shared/domain/units';
import { NOTICE_KINDS } from '../../shared/domain/workflow';
import { getUnitContact } from '../../shared/adapters/unit-contact-store';

/** Notices the recommending unit's contact also receives: it must act on them (nominate again, tell the trainee). */
const COPY_TO_UNIT = new Set(['expired', 'not-placed']);

const noticeSchema = z.object({
  notice: z.enum(NOTICE_KINDS),
  registrationId: z.string().min(1),
});

/** Sends one notice to the trainee of a registration; the address is looked up here, never passed in. */
export const handler = middy()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (event: unknown) => {
    const { notice, registrationId } = noticeSchema.parse(event);
    logger.appendKeys({ registrationId, notice });
    const registration = await getRegistration(registrationId);
    if (!registration) throw new Error('registration not found');
    const programme = await loadProgramme(registration.year);
    if (!programme) throw new Error(`no programme for ${registration.year}`);
    const evaluation = notice === 'evaluation' ? await evaluationInvitation(registration) : undefined;
    if (evaluation && 'skipped' in evaluation) {
      logger.info('Evaluation invitation not sent', { reason: evaluation.skipped });
      return evaluation;
    }
    const composed = composeNotice({
      kind: notice,
      traineeName: registration.trainee.name,
      enterpriseName: registration.trainee.enterpriseName,
      unitName: findUnit(registration.unit)?.name ?? registration.unit,
      programme,
      trainingClass: registration.classNumber ? findClass(programme, registration.classNumber) : undefined,
      requestedClass: registration.trainee.preferredClass,
      certificateNumber: registration.certificate?.number,
      verificationCode: registration.certificate?.code,
      ...(notice === 'certified' && registration.certificate ? await certificateLinks(registration.certificate) : {}),
      reviewTimeoutDays: programme.reviewTimeoutDays,
      reasons: registration.completion?.reasons,
      ...evaluation,
    });
    const footer = `本邮件由领军人才培训管理系统发送。联系邮箱：${programme.contactEmail}（${programme.notice}）`;
    const messageId = await sendMail({
      to: registration.trainee.email,
      subject: composed.subject,
      text: renderText(composed, footer),
      html: renderHtml(composed, footer),
      tags: { notice, registration: registrationId },
    });
    logger.info('Notice sent', { messageId });
    if (COPY_TO_UNIT.has(notice)) {
      const contact = await getUnitContact(registration.unit);
      if (contact?.email) {
        await sendMail({
          to: contact.email,
          subject: `${composed.subject}（抄送推荐单位）`,
          text: renderText(composed, footer),
          html: renderHtml(composed, footer),
          tags: { notice, registration: registrationId, copy: 'unit' },
        });
      }
    }
    return { messageId };
  });

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
