import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Endpoints, LocalCloud } from '../../infra/local/cloud';
import { makeCreditCode, validTrainee } from '../fixtures/registration-data';
import { startTestCloud } from '../support/local-cloud';
import { findingsOf, putObject, requestUpload, scanTable, storedUpload, summarize, traineeCsv } from './support';

/**
 * One person, one registration a year, across all units (notice 二(二)): the person lock is a keyed hash of the ID
 * number, checked in the same transaction as the registration, against DynamoDB Local.
 */
describe('person lock across enterprises and units', () => {
  let cloud: LocalCloud;
  let endpoints: Endpoints;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    ({ cloud, endpoints, stop } = await startTestCloud());
  });
  afterAll(async () => stop?.());

  async function upload(unit: string, trainees: Parameters<typeof traineeCsv>[0]) {
    const issued = await requestUpload(endpoints, unit);
    await putObject(issued.key, traineeCsv(trainees));
    await cloud.idle();
    return storedUpload(issued.uploadId);
  }

  it('refuses the same person for a second enterprise, in another unit and in the same unit', async () => {
    const person = validTrainee(700);
    const first = await upload('110000', [person]);
    expect(first).toMatchObject({ status: 'done', accepted: 1 });

    // Same ID number, another enterprise, another unit.
    const elsewhere = await upload('120000', [
      { ...person, creditCode: makeCreditCode(7_001), name: '另一家企业的同一人' },
    ]);
    expect(elsewhere).toMatchObject({ status: 'done', accepted: 0 });
    expect(findingsOf(elsewhere, 'DUPLICATE_PERSON')).toHaveLength(1);
    // The finding never quotes the ID number.
    expect(JSON.stringify(elsewhere?.findings)).not.toContain(String(person.idNumber));

    // Same unit, another enterprise: still the same person.
    const again = await upload('110000', [{ ...person, creditCode: makeCreditCode(7_002) }]);
    expect(again).toMatchObject({ accepted: 0 });
    expect(findingsOf(again, 'DUPLICATE_PERSON').length + findingsOf(again, 'ALREADY_REGISTERED').length).toBe(1);

    const registrations = summarize(await scanTable()).registrations;
    expect(registrations.filter((r) => r.trainee.creditCode !== person.creditCode)).toEqual([]);
    expect(registrations).toHaveLength(1);
    // No key holds the raw number.
    for (const item of await scanTable()) expect(`${item.pk}|${item.sk}`).not.toContain(String(person.idNumber));
  });
});
