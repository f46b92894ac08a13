import { SendEmailCommand } from '@aws-sdk/client-sesv2';
import { composeMime, type Envelope, type OutgoingMail, safeTagValue } from '../notices/mime';
import { sesClient } from './aws-clients';
import type { Mailer } from './mailer';

/**
 * SES v2: the message is composed by nodemailer and sent raw (Content.Raw), so the calendar part travels as built;
 * the tags also go as EmailTags, which SES hands back in bounce and complaint events.
 */
export function sesMailer(envelope: Envelope, configurationSet: string | undefined): Mailer {
  return {
    async send(mail: OutgoingMail) {
      const raw = await composeMime(mail, envelope);
      const result = await sesClient().send(
        new SendEmailCommand({
          FromEmailAddress: envelope.from,
          Destination: { ToAddresses: [mail.to] },
          ConfigurationSetName: configurationSet,
          EmailTags: Object.entries(mail.tags).map(([Name, Value]) => ({ Name, Value: safeTagValue(Value) })),
          Content: { Raw: { Data: raw } },
        }),
      );
      return result.MessageId;
    },
  };
}
