import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { dynamoClient } from '../../shared/adapters/aws-clients';
import { keys } from '../../shared/adapters/keys';
import { type RecordRequest, recordRegistrations } from '../../shared/adapters/registration-recording';
import type { Registration } from '../../shared/domain/trainee-registration';
import { STORE_TABLE } from './support/store-environment';

function request(
  year: number,
  unit: string,
  n: number,
  quota: number,
  over: { credit?: string; person?: string } = {},
) {
  const registration: Registration = {
    registrationId: `R${year}-${unit}-${n}`,
    year,
    unit,
    status: 'nominated',
    uploadId: `u-${unit}`,
    row: n + 1,
    createdAt: '2024-08-24T01:00:00.000Z',
    updatedAt: '2024-08-24T01:00:00.000Z',
    trainee: {
      name: '张三',
      gender: '男',
      ethnicity: '汉族',
      birthDate: '1949-12-31',
      idNumber: '11010519491231002X',
      politicalStatus: '群众',
      education: '本科',
      enterpriseName: '某公司',
      creditCode: over.credit ?? `CREDIT-${year}-${unit}-${n}`,
      position: '董事长',
      isTopPerson: true,
      categories: ['高新技术企业'],
      industry: '制造业',
      employees: 10,
      revenue: 100,
      mobile: '13812341234',
      email: 'a@example.com',
      preferredClass: 1,
      remarks: '',
    },
  };
  return { registration, personHash: over.person ?? `P-${year}-${unit}-${n}`, quota } satisfies RecordRequest;
}

async function get(key: { pk: string; sk: string }) {
  return (await dynamoClient().send(new GetCommand({ TableName: STORE_TABLE, Key: key }))).Item;
}

const kinds = (outcomes: readonly { kind: string }[]) => outcomes.map((o) => o.kind);

describe('recording registrations against DynamoDB Local', () => {
  it('writes the registration, both locks, the quota counter and the nominated count of one row', async () => {
    const one = request(2040, '110000', 1, 5);
    const result = await recordRegistrations([one]);
    expect(result.outcomes).toEqual([{ kind: 'recorded' }]);
    expect(result.writeUnits).toBeGreaterThan(0);
    expect(await get(keys.registration('R2040-110000-1'))).toMatchObject({
      personHash: 'P-2040-110000-1',
      unit: '110000',
    });
    expect(await get(keys.enterpriseLock(2040, 'CREDIT-2040-110000-1'))).toMatchObject({
      type: 'enterprise-lock',
      registrationId: 'R2040-110000-1',
      unit: '110000',
    });
    expect(await get(keys.personLock(2040, 'P-2040-110000-1'))).toMatchObject({ type: 'person-lock', unit: '110000' });
    expect(await get(keys.unitQuota(2040, '110000'))).toMatchObject({
      used: 1,
      quota: 5,
      type: 'quota',
      unit: '110000',
      year: 2040,
    });
    expect(await get(keys.unitStatusCounts(2040, '110000'))).toMatchObject({ nominated: 1 });
    // The same row again (a re-delivered file) is recognised, and takes no second seat.
    const again = await recordRegistrations([one]);
    expect(again).toEqual({ outcomes: [{ kind: 'already-recorded' }], writeUnits: 0 });
    expect(await get(keys.unitQuota(2040, '110000'))).toMatchObject({ used: 1 });
  });

  it('refuses a second registration of an enterprise or a person in the year, naming the unit that holds it', async () => {
    await recordRegistrations([request(2041, '120000', 1, 5, { credit: 'E-2041', person: 'H-2041' })]);
    const enterprise = await recordRegistrations([request(2041, '130000', 2, 5, { credit: 'E-2041' })]);
    expect(enterprise).toEqual({ outcomes: [{ kind: 'duplicate-enterprise', heldByUnit: '120000' }], writeUnits: 0 });
    const person = await recordRegistrations([request(2041, '130000', 3, 5, { person: 'H-2041' })]);
    expect(person.outcomes).toEqual([{ kind: 'duplicate-person', heldByUnit: '120000' }]);
    // Nothing of the refused rows was kept: no seat, no count, no registration.
    expect(await get(keys.unitQuota(2041, '130000'))).toBeUndefined();
    expect(await get(keys.unitStatusCounts(2041, '130000'))).toBeUndefined();
    expect(await get(keys.registration('R2041-130000-2'))).toBeUndefined();
    // The locks are per year: the same enterprise and person may register next year.
    const nextYear = await recordRegistrations([request(2042, '130000', 1, 5, { credit: 'E-2041', person: 'H-2041' })]);
    expect(nextYear.outcomes).toEqual([{ kind: 'recorded' }]);
  });

  it('takes a file of rows together within the quota and refuses the rows past it', async () => {
    const rows = [1, 2, 3, 4].map((n) => request(2043, '140000', n, 3));
    const result = await recordRegistrations(rows);
    expect(result.outcomes).toEqual([
      { kind: 'recorded' },
      { kind: 'recorded' },
      { kind: 'recorded' },
      { kind: 'quota-exceeded', quota: 3 },
    ]);
    expect(result.writeUnits).toBeGreaterThan(0);
    expect(await get(keys.unitQuota(2043, '140000'))).toMatchObject({ used: 3, quota: 3 });
    expect(await get(keys.unitStatusCounts(2043, '140000'))).toMatchObject({ nominated: 3 });
    expect(await get(keys.registration('R2043-140000-4'))).toBeUndefined();
  });

  it('counts the seats of a shared transaction once per row', async () => {
    const rows = [1, 2, 3].map((n) => request(2044, '150000', n, 10));
    expect(kinds((await recordRegistrations(rows)).outcomes)).toEqual(['recorded', 'recorded', 'recorded']);
    expect(await get(keys.unitQuota(2044, '150000'))).toMatchObject({ used: 3, quota: 10 });
    expect(await get(keys.unitStatusCounts(2044, '150000'))).toMatchObject({ nominated: 3 });
    // A later file of the unit adds to the counter; the seats already used count against the quota.
    const later = [4, 5, 6, 7, 8, 9, 10, 11].map((n) => request(2044, '150000', n, 10));
    const result = await recordRegistrations(later);
    expect(kinds(result.outcomes)).toEqual([...Array(7).fill('recorded'), 'quota-exceeded']);
    expect(await get(keys.unitQuota(2044, '150000'))).toMatchObject({ used: 10 });
  });

  it('replays a group row by row when one row conflicts, keeping its neighbours', async () => {
    await recordRegistrations([request(2045, '160000', 1, 10, { credit: 'E-2045' })]);
    const rows = [
      request(2045, '170000', 1, 10),
      request(2045, '170000', 2, 10, { credit: 'E-2045' }),
      request(2045, '170000', 3, 10),
    ];
    const result = await recordRegistrations(rows);
    expect(result.outcomes).toEqual([
      { kind: 'recorded' },
      { kind: 'duplicate-enterprise', heldByUnit: '160000' },
      { kind: 'recorded' },
    ]);
    expect(await get(keys.unitQuota(2045, '170000'))).toMatchObject({ used: 2 });
    expect(await get(keys.unitStatusCounts(2045, '170000'))).toMatchObject({ nominated: 2 });
  });

  it('does not put one enterprise twice into a shared transaction: the second row is a duplicate', async () => {
    const rows = [
      request(2046, '180000', 1, 10, { credit: 'E-2046' }),
      request(2046, '180000', 2, 10, { credit: 'E-2046' }),
    ];
    const result = await recordRegistrations(rows);
    expect(result.outcomes).toEqual([{ kind: 'recorded' }, { kind: 'duplicate-enterprise', heldByUnit: '180000' }]);
    const persons = [
      request(2046, '190000', 1, 10, { person: 'H-2046' }),
      request(2046, '190000', 2, 10, { person: 'H-2046' }),
    ];
    expect((await recordRegistrations(persons)).outcomes).toEqual([
      { kind: 'recorded' },
      { kind: 'duplicate-person', heldByUnit: '190000' },
    ]);
  });

  it('refuses every row of a unit with no quota, even before its counter exists', async () => {
    const result = await recordRegistrations([request(2047, '210000', 1, 0), request(2047, '210000', 2, 0)]);
    expect(result.outcomes).toEqual([
      { kind: 'quota-exceeded', quota: 0 },
      { kind: 'quota-exceeded', quota: 0 },
    ]);
    expect(await get(keys.unitQuota(2047, '210000'))).toBeUndefined();
  });
});
