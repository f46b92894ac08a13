import type { OutgoingMail } from '../notices/mime';
import { loadConfig } from './config';
import { sesMailer } from './ses-mailer';

export type { OutgoingMail } from '../notices/mime';

/** The one port every notice goes through; the adapter is SES v2 or SMTP, as the stack's `mail` context chose. */
export interface Mailer {
  /** Resolves with the transport's message id. */
  send(mail: OutgoingMail): Promise<string | undefined>;
}

let cached: Promise<Mailer> | undefined;

async function createMailer(): Promise<Mailer> {
  const config = loadConfig();
  const envelope = { from: config.MAIL_FROM, replyTo: config.MAIL_REPLY_TO };
  if (config.MAIL_TRANSPORT === 'smtp') {
    // loadConfig refuses smtp without a host and a secret. The SMTP transport is loaded only where it is the one used.
    const { smtpCredentials, smtpMailer } = await import('./smtp-mailer');
    const credentials = await smtpCredentials(config.SMTP_SECRET_ID as string);
    return smtpMailer({ host: config.SMTP_HOST as string, port: config.SMTP_PORT, ...credentials }, envelope);
  }
  return sesMailer(envelope, config.MAIL_CONFIGURATION_SET);
}

export async function sendMail(mail: OutgoingMail): Promise<string | undefined> {
  cached ??= createMailer().catch((error) => {
    cached = undefined;
    throw error;
  });
  return (await cached).send(mail);
}

/** Tests and the local cloud change the environment between runs. */
export function resetMailer(): void {
  cached = undefined;
}
