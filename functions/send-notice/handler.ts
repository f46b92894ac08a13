import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { z } from 'zod';
import { logger } from '../../shared/adapters/logger';
import { sendMail } from '../../shared/adapters/mailer';
import { loadProgramme } from '../../shared/adapters/programme-store';
import { getRegistration } from '../../shared/adapters/registration-store';
import { composeNotice, renderHtml, renderText } from '../../shared/domain/notices';
import { findClass } from '../../shared/domain/programme';
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
      reviewTimeoutDays: programme.reviewTimeoutDays,
      reasons: registration.completion?.reasons,
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
