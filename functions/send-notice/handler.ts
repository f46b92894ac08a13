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

const noticeSchema = z.object({
  notice: z.enum(['nominated', 'rejected', 'assigned', 'incomplete', 'certified', 'withdrawn']),
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
    return { messageId };
  });
