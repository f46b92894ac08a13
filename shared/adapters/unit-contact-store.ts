import type { UnitContact } from '../domain/unit-contact';
import { keys } from './keys';
import { getItem, putItem } from './registration-store';

/** The contact a unit declared on its 附件3; unit notices (upload reports) go to this address. */
export async function saveUnitContact(contact: UnitContact): Promise<void> {
  await putItem({ ...keys.unitContact(contact.unit), type: 'unit-contact', ...contact });
}

export async function getUnitContact(unit: string): Promise<UnitContact | undefined> {
  const item = await getItem(keys.unitContact(unit));
  if (!item) return undefined;
  const { pk, sk, type, ...contact } = item;
  return contact as unknown as UnitContact;
}
