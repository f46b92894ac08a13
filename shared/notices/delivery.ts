import { systemClock } from '../adapters/clock';
import { historyPut } from '../adapters/history-store';
import { logger } from '../adapters/logger';
import { sendMail } from '../adapters/mailer';
import { countMetric } from '../adapters/metrics';
import {
  type AddressOwner,
  claimSend,
  recordSent,
  releaseSend,
  type SendKey,
  undeliverableMark,
} from '../adapters/notice-log';
import { writeTransaction } from '../adapters/registration-store';
import { SYSTEM_ACTOR } from '../domain/registration-history';
import type { OutgoingMail } from './mime';

export type NoticeMetric = 'NoticesSent' | 'NoticesSkipped' | 'NoticesBounced' | 'NoticesComplained';

/** One count of a notice metric by kind, published at once (a send-notice invocation may count several kinds). */
export function countNotice(metric: NoticeMetric, kind: string): void {
  countMetric(metric, { kind });
}

export type DeliveryOutcome =
  | { readonly outcome: 'sent'; readonly messageId?: string }
  | { readonly outcome: 'already-sent'; readonly messageId?: string }
  | { readonly outcome: 'skipped'; readonly reason: 'bounce' | 'complaint' };

/**
 * Sends one notice at most once per send key: a retried step finds its claim and mails nothing. An address marked
 * undeliverable is not mailed; the skip is recorded once (in the registration's history when it is a trainee's).
 */
export async function deliverOnce(key: SendKey, owner: AddressOwner, mail: OutgoingMail): Promise<DeliveryOutcome> {
  const now = systemClock.now();
  const claim = await claimSend(key, now);
  if (!claim.claimed) {
    logger.info('Notice already sent; not sent again', { notice: key.kind, recipient: key.recipient });
    return { outcome: 'already-sent', ...(claim.messageId ? { messageId: claim.messageId } : {}) };
  }
  const mark = await undeliverableMark(owner, mail.to);
  if (mark) {
    await recordSent(key, undefined, now);
    if ('registrationId' in owner) {
      await writeTransaction([
        historyPut(owner.registrationId, {
          at: now.toISOString(),
          kind: 'notice-skipped',
          by: SYSTEM_ACTOR,
          notice: key.kind,
          reason: mark.reason,
        }),
      ]);
    }
    countNotice('NoticesSkipped', key.kind);
    logger.info('Notice not sent: the address is marked undeliverable', {
      notice: key.kind,
      recipient: key.recipient,
      reason: mark.reason,
    });
    return { outcome: 'skipped', reason: mark.reason };
  }
  let messageId: string | undefined;
  try {
    messageId = await sendMail(mail);
  } catch (error) {
    await releaseSend(key);
    throw error;
  }
  await recordSent(key, messageId, now);
  countNotice('NoticesSent', key.kind);
  return { outcome: 'sent', ...(messageId ? { messageId } : {}) };
}
