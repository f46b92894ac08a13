import { z } from 'zod';

/**
 * An SES event as EventBridge delivers it (detail is SES's own event JSON). Only what the handler uses is read;
 * tags arrive as arrays of values.
 */
const sesEventSchema = z.object({
  detail: z.object({
    eventType: z.string(),
    mail: z.object({
      messageId: z.string(),
      tags: z.record(z.string(), z.array(z.string())).default({}),
    }),
    bounce: z
      .object({
        bounceType: z.string(),
        feedbackId: z.string().optional(),
        bouncedRecipients: z.array(z.object({ emailAddress: z.string() })),
      })
      .optional(),
    complaint: z
      .object({
        feedbackId: z.string().optional(),
        complainedRecipients: z.array(z.object({ emailAddress: z.string() })),
      })
      .optional(),
  }),
});

export interface MailEvent {
  readonly reason: 'bounce' | 'complaint';
  readonly recipients: readonly string[];
  readonly tags: Readonly<Record<string, string>>;
}

/**
 * A permanent bounce or a complaint, with its recipients and the tags the notice was sent with; undefined for
 * anything else (a transient bounce is SES's to retry, deliveries and opens are not subscribed).
 */
export function parseMailEvent(event: unknown): MailEvent | undefined {
  const parsed = sesEventSchema.safeParse(event);
  if (!parsed.success) return undefined;
  const { detail } = parsed.data;
  const tags = Object.fromEntries(
    Object.entries(detail.mail.tags).flatMap(([name, values]) => (values[0] ? [[name, values[0]]] : [])),
  );
  if (detail.eventType === 'Bounce' && detail.bounce?.bounceType === 'Permanent') {
    return { reason: 'bounce', recipients: detail.bounce.bouncedRecipients.map((r) => r.emailAddress), tags };
  }
  if (detail.eventType === 'Complaint' && detail.complaint) {
    return { reason: 'complaint', recipients: detail.complaint.complainedRecipients.map((r) => r.emailAddress), tags };
  }
  return undefined;
}
