import { systemClock } from '../adapters/clock';
import { historyPut } from '../adapters/history-store';
import { logger } from '../adapters/logger';
import { markUndeliverable } from '../adapters/notice-log';
import { loadProgramme } from '../adapters/programme-store';
import { getRegistration, writeTransaction } from '../adapters/registration-store';
import { getUnitContact } from '../adapters/unit-contact-store';
import { addressHash, composeUndeliverable, renderNotice } from '../domain/notices';
import { SYSTEM_ACTOR } from '../domain/registration-history';
import { findUnit } from '../domain/units';
import { countNotice, deliverOnce } from './delivery';
import type { MailEvent } from './mail-events';

export interface UndeliverableAddress {
  readonly reason: MailEvent['reason'];
  readonly address: string;
  readonly tags: MailEvent['tags'];
}

/**
 * One address that bounced or complained: the trainee's (marked on the registration, its history notes it, the unit
 * contact is told whose address to correct) or the unit contact's (marked; staff see it in the metric and log).
 * An address the owner no longer has (corrected since) is ignored. True when something was marked.
 */
export async function handleUndeliverable({ reason, address, tags }: UndeliverableAddress): Promise<boolean> {
  const kind = tags.notice ?? 'unknown';
  const now = systemClock.now();
  const metric = reason === 'bounce' ? 'NoticesBounced' : 'NoticesComplained';
  if (tags.recipient === 'trainee' && tags.registration) {
    const registrationId = tags.registration;
    const registration = await getRegistration(registrationId);
    if (!registration || addressHash(registration.trainee.email) !== addressHash(address)) {
      logger.info('Undeliverable address is no longer the trainee’s; ignored', { registrationId, reason });
      return false;
    }
    if (!(await markUndeliverable({ registrationId }, address, reason, now))) return false;
    countNotice(metric, kind);
    await writeTransaction([
      historyPut(registrationId, {
        at: now.toISOString(),
        kind: 'address-undeliverable',
        by: SYSTEM_ACTOR,
        reason,
        notice: kind,
      }),
    ]);
    logger.warn('Trainee address undeliverable; later notices are held back', { registrationId, reason, notice: kind });
    const [contact, programme] = await Promise.all([
      getUnitContact(registration.unit),
      loadProgramme(registration.year),
    ]);
    if (!contact?.email || !programme) {
      logger.warn('No unit contact to tell about an undeliverable trainee address', { registrationId });
      return true;
    }
    const composed = composeUndeliverable({
      programme,
      unitName: contact.unitName || (findUnit(registration.unit)?.name ?? registration.unit),
      traineeName: registration.trainee.name,
      enterpriseName: registration.trainee.enterpriseName,
      reason,
    });
    await deliverOnce(
      // Once per marked address: a corrected address that fails again is told again.
      {
        subject: registrationId,
        kind: 'undeliverable',
        attempt: Number.parseInt(addressHash(address).slice(0, 8), 16),
        recipient: 'unit',
      },
      { unit: registration.unit },
      {
        to: contact.email,
        ...renderNotice(composed, programme),
        tags: { notice: 'undeliverable', registration: registrationId, unit: registration.unit, recipient: 'unit' },
      },
    );
    return true;
  }
  if (tags.recipient === 'unit' && tags.unit) {
    const unit = tags.unit;
    const contact = await getUnitContact(unit);
    if (!contact || addressHash(contact.email) !== addressHash(address)) return false;
    if (!(await markUndeliverable({ unit }, address, reason, now))) return false;
    countNotice(metric, kind);
    logger.warn('Unit contact address undeliverable; its notices are held back until the unit uploads 附件3 again', {
      unit,
      reason,
      notice: kind,
    });
    return true;
  }
  logger.info('Undeliverable address without notice tags; ignored', { reason });
  return false;
}
