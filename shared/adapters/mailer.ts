import { SendEmailCommand } from '@aws-sdk/client-sesv2';
import { sesClient } from './aws-clients';
import { loadConfig } from './config';

export interface OutgoingMail {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  /** Tags are searchable in SES events; ids and kinds only, never personal data. */
  readonly tags: Record<string, string>;
}

export async function sendMail(mail: OutgoingMail): Promise<string | undefined> {
  const config = loadConfig();
  const result = await sesClient().send(
    new SendEmailCommand({
      FromEmailAddress: config.MAIL_FROM,
      ReplyToAddresses: [config.MAIL_REPLY_TO],
      Destination: { ToAddresses: [mail.to] },
      ConfigurationSetName: config.MAIL_CONFIGURATION_SET,
      EmailTags: Object.entries(mail.tags).map(([Name, Value]) => ({ Name, Value: Value.replace(/[^\w-]/g, '_') })),
      Content: {
        Simple: {
          Subject: { Data: mail.subject, Charset: 'UTF-8' },
          Body: { Text: { Data: mail.text, Charset: 'UTF-8' }, Html: { Data: mail.html, Charset: 'UTF-8' } },
        },
      },
    }),
  );
  return result.MessageId;
}
