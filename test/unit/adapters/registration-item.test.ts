import { beforeEach, describe, expect, it } from 'vitest';
import { registrationItem, toRegistration, updateRegistrationItem } from '../../../shared/adapters/registration-store';
import { REGISTRATION_SUMMARY_ATTRIBUTES } from '../../../shared/adapters/table-definition';
import type { Registration } from '../../../shared/domain/trainee-registration';
import { useUnitTestEnvironment } from '../../support/unit-environment';

/**
 * The item layout that keeps personal details out of every index: the ID number, mobile and email are stored in
 * `personal`, which no index projects, whether the registration is written whole or its trainee is changed later.
 */
const registration = {
  registrationId: 'R2024-110000-ABC',
  year: 2024,
  unit: '110000',
  status: 'nominated',
  uploadId: 'u',
  row: 2,
  createdAt: '2024-08-24T10:00:00.000Z',
  updatedAt: '2024-08-24T10:00:00.000Z',
  trainee: {
    name: '张三',
    idNumber: '11010519491231002X',
    mobile: '13812345678',
    email: 'zhangsan@example.com',
    enterpriseName: '测试科技有限公司',
    creditCode: '91350100M000100Y43',
  },
} as unknown as Registration;
const secrets = ['11010519491231002X', '13812345678', 'zhangsan@example.com'];

/** What an index would copy of an item: the projected attributes only. */
const projected = (item: Record<string, unknown>) =>
  JSON.stringify(
    Object.fromEntries(
      Object.entries(item).filter(([name]) => (REGISTRATION_SUMMARY_ATTRIBUTES as readonly string[]).includes(name)),
    ),
  );

beforeEach(() => useUnitTestEnvironment());

describe('registration item layout', () => {
  it('writes the personal details apart, masked forms beside them, and reads the registration back whole', () => {
    const item = registrationItem(registration) as Record<string, unknown>;
    for (const secret of secrets) expect(projected(item)).not.toContain(secret);
    expect(item.masked).toEqual({ idNumber: '110105********002X', mobile: '138****5678', email: 'z***@example.com' });
    expect(toRegistration(item).trainee).toEqual(registration.trainee);
  });

  it('stores a changed trainee the same way (a corrected email never lands in the projected map)', () => {
    const update = updateRegistrationItem(registration, {
      trainee: { ...registration.trainee, email: 'new@example.com' },
    }) as {
      Update: { ExpressionAttributeNames: Record<string, string>; ExpressionAttributeValues: Record<string, unknown> };
    };
    const { ExpressionAttributeNames: names, ExpressionAttributeValues: values } = update.Update;
    const written = (attribute: string) => {
      const alias = Object.entries(names).find(([, name]) => name === attribute)?.[0];
      return alias ? values[`:${alias.slice(1)}`] : undefined;
    };
    expect(JSON.stringify(written('trainee'))).not.toMatch(/11010519491231002X|13812345678|example\.com/);
    expect(written('personal')).toEqual({
      idNumber: '11010519491231002X',
      mobile: '13812345678',
      email: 'new@example.com',
    });
  });
});
