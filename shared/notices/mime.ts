import type Mail from 'nodemailer/lib/mailer';

/** One mail as the system sends it, whichever transport carries it. */
export interface OutgoingMail {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  /**
   * Ids and kinds only, never personal data: SES returns them in bounce and complaint events, and an SMTP relay's
   * DSN quotes the header they travel in, which is how an undeliverable address finds its registration.
   */
  readonly tags: Readonly<Record<string, string>>;
  /** An iCalendar (.ics) text, sent as a calendar part and an attachment (the assigned notice). */
  readonly calendar?: { readonly filename: string; readonly content: string };
}

export interface Envelope {
  readonly from: string;
  readonly replyTo: string;
}

/** The header that carries the tags inside the message (for SMTP relays, whose DSNs quote the original headers). */
export const TAG_HEADER = 'X-Leading-Talent-Notice';

export function tagHeader(tags: Readonly<Record<string, string>>): string {
  return Object.entries(tags)
    .map(([name, value]) => `${name}=${safeTagValue(value)}`)
    .join('; ');
}

export function parseTagHeader(header: string): Record<string, string> {
  return Object.fromEntries(
    header
      .split(';')
      .map((part) => part.trim().split('='))
      .filter((pair): pair is [string, string] => pair.length === 2 && Boolean(pair[0])),
  );
}

/** SES tag values allow letters, digits, _ and - only. */
export function safeTagValue(value: string): string {
  return value.replace(/[^\w-]/g, '_');
}

/** The nodemailer message both adapters send: the same options give the same MIME. */
export function mailOptions(mail: OutgoingMail, envelope: Envelope): Mail.Options {
  return {
    from: envelope.from,
    replyTo: envelope.replyTo,
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    headers: { [TAG_HEADER]: tagHeader(mail.tags) },
    // nodemailer puts it in as a text/calendar alternative with a filename: calendar clients offer to import it
    // and the rest show it as an attachment.
    ...(mail.calendar
      ? { icalEvent: { method: 'PUBLISH', filename: mail.calendar.filename, content: mail.calendar.content } }
      : {}),
  };
}

/** The raw RFC 5322 message, composed by nodemailer (never by hand): what SES's raw send takes. */
export async function composeMime(mail: OutgoingMail, envelope: Envelope): Promise<Buffer> {
  // Loaded when a mail is first composed, not at cold start: most invocations of a sending function send nothing.
  const { default: MailComposer } = await import('nodemailer/lib/mail-composer');
  return new MailComposer(mailOptions(mail, envelope)).compile().build();
}
