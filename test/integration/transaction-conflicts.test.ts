import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Endpoints, LocalCloud } from '../../infra/local/cloud';
import { injectTransactionConflicts } from '../../infra/local/dynamodb-faults';
import { validTrainee } from '../fixtures/registration-data';
import { startTestCloud } from '../support/local-cloud';
import {
  invariantViolations,
  putObject,
  requestUpload,
  scanTable,
  storedUpload,
  summarize,
  traineeCsv,
} from './support';

/**
 * Where the emulator differs from AWS: DynamoDB Local never reports TransactionConflict. Here a third of all
 * TransactWriteItems calls fail with it, as concurrent writers make them fail in AWS, while four units upload at
 * once: every row is still recorded exactly once, and the store's invariants hold.
 */
describe('ingest under injected transaction conflicts', () => {
  let cloud: LocalCloud;
  let endpoints: Endpoints;
  let stop: () => Promise<void>;
  let injected: () => number;

  beforeAll(async () => {
    ({ cloud, endpoints, stop } = await startTestCloud());
    // Deterministically every third transaction, starting with the first: a file's rows share few transactions, so
    // a random third could miss them all.
    let calls = 0;
    injected = injectTransactionConflicts(1 / 3, () => (calls++ % 3 === 0 ? 0 : 1));
  });
  afterAll(async () => stop?.());

  it('records every row exactly once and keeps quota counters equal to the registrations', async () => {
    const units = ['110000', '120000', '130000', '140000'];
    const files = units.map((unit, u) => ({
      unit,
      rows: Array.from({ length: 20 }, (_, i) => validTrainee(9_000 + u * 100 + i)),
    }));
    const issued = await Promise.all(files.map((file) => requestUpload(endpoints, file.unit)));
    await Promise.all(issued.map((upload, i) => putObject(upload.key, traineeCsv(files[i]?.rows ?? []))));
    await cloud.idle();
    expect(cloud.failedEvents()).toEqual([]);
    for (const upload of issued) {
      expect(await storedUpload(upload.uploadId)).toMatchObject({ status: 'done', accepted: 20 });
    }
    const items = await scanTable();
    expect(summarize(items).registrations).toHaveLength(80);
    expect(invariantViolations(items)).toEqual([]);
    expect(injected()).toBeGreaterThan(0);
  });
});
