import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import nodemailer from 'nodemailer';
import { z } from 'zod';
import { type Envelope, mailOptions, type OutgoingMail } from '../notices/mime';
import type { Mailer } from './mailer';

export interface SmtpSettings {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly password: string;
  /** Extra trusted certificates (a private relay's CA; tests). Public relays need none. */
  readonly ca?: string;
}

const credentialsSchema = z.object({ username: z.string().min(1), password: z.string().min(1) });

/** The relay's credentials from Secrets Manager (cached by Powertools Parameters for an hour). */
export async function smtpCredentials(secretArn: string): Promise<{ username: string; password: string }> {
  const secret = await getSecret(secretArn, { transform: 'json', maxAge: 3600 });
  const parsed = credentialsSchema.safeParse(secret);
  if (!parsed.success) throw new Error('The SMTP secret must be JSON {"username","password"}');
  return parsed.data;
}

/**
 * SMTP through a relay, for regions without SES (China): TLS is required (implicit on 465, STARTTLS otherwise, never
 * plain text), and the same nodemailer message as the SES adapter. Bounces come back as the relay's DSNs.
 */
export function smtpMailer(settings: SmtpSettings, envelope: Envelope): Mailer {
  const transport = nodemailer.createTransport({
    host: settings.host,
    port: settings.port,
    secure: settings.port === 465,
    requireTLS: true,
    auth: { user: settings.username, pass: settings.password },
    tls: { minVersion: 'TLSv1.2', ...(settings.ca ? { ca: settings.ca } : {}) },
  });
  return {
    async send(mail: OutgoingMail) {
      const info = await transport.sendMail(mailOptions(mail, envelope));
      return info.messageId;
    },
  };
}
