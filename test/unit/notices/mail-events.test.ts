import { describe, expect, it } from 'vitest';
import { parseMailEvent } from '../../../shared/notices/mail-events';

/** SES's event as EventBridge delivers it (the shape AWS documents for configuration-set event publishing). */
const sesEvent = (detail: Record<string, unknown>) => ({
  version: '0',
  'detail-type': 'Email Bounced',
  source: 'aws.ses',
  detail: {
    mail: {
      messageId: 'm-1',
      tags: { notice: ['assigned'], registration: ['R2024-110000-ABC'], recipient: ['trainee'], unit: ['110000'] },
    },
    ...detail,
  },
});

describe('SES bounce and complaint events', () => {
  it('a permanent bounce: its recipients and the notice’s tags', () => {
    expect(
      parseMailEvent(
        sesEvent({
          eventType: 'Bounce',
          bounce: { bounceType: 'Permanent', bouncedRecipients: [{ emailAddress: 'a@example.cn' }] },
        }),
      ),
    ).toEqual({
      reason: 'bounce',
      recipients: ['a@example.cn'],
      tags: { notice: 'assigned', registration: 'R2024-110000-ABC', recipient: 'trainee', unit: '110000' },
    });
  });

  it('a complaint', () => {
    expect(
      parseMailEvent(
        sesEvent({ eventType: 'Complaint', complaint: { complainedRecipients: [{ emailAddress: 'b@example.cn' }] } }),
      ),
    ).toMatchObject({ reason: 'complaint', recipients: ['b@example.cn'] });
  });

  it('a transient bounce (SES retries it), a delivery, or anything else is not acted on', () => {
    for (const detail of [
      { eventType: 'Bounce', bounce: { bounceType: 'Transient', bouncedRecipients: [{ emailAddress: 'a@x.cn' }] } },
      { eventType: 'Bounce', bounce: { bounceType: 'Undetermined', bouncedRecipients: [{ emailAddress: 'a@x.cn' }] } },
      { eventType: 'Delivery' },
    ]) {
      expect(parseMailEvent(sesEvent(detail)), JSON.stringify(detail)).toBeUndefined();
    }
    expect(parseMailEvent({ hello: 'world' })).toBeUndefined();
  });
});
