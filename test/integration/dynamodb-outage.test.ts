import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Endpoints, LocalCloud } from '../../infra/local/cloud';
import { PROGRAMME_YEAR, TABLE_NAME } from '../../infra/local/cloud';
import { dynamoClient } from '../../shared/adapters/aws-clients';
import { keys } from '../../shared/adapters/keys';
import { defaultProgramme, saveProgramme } from '../../shared/adapters/programme-store';
import type { Programme } from '../../shared/domain/programme';
import { validTrainee } from '../fixtures/registration-data';
import { startTestCloud } from '../support/local-cloud';
import {
  invariantViolations,
  putObject,
  requestUpload,
  scanTable,
  type StoredUpload,
  storedUpload,
  summarize,
  traineeCsv,
} from './support';

const ROWS = 200;
/** Room for several shared transactions of 32 rows before the file overruns it. */
const QUOTA = 150;
const OUTAGE_UNIT = '110000';
const CLEAN_UNIT = '120000';
/** Longer than the ingest function's timeout (300 s): when an operator redrives, a dead attempt's lock has lapsed. */
const LATER_THAN_FUNCTION_TIMEOUT_MS = 6 * 60_000;

/** What a report says, without the ids that differ between two units' uploads. */
const shapeOf = (upload: StoredUpload | undefined) => ({
  status: upload?.status,
  rows: upload?.rows,
  accepted: upload?.accepted,
  findings: upload?.findings?.map((f) => [f.row, f.code, f.severity]),
});

/**
 * Issue 4: DynamoDB goes away in the middle of a 200-row file. The failure surfaces (retried, then in the failure
 * queue; the upload stays pending), and once DynamoDB is back with its data a redrive finishes the file: the end
 * state equals a clean run of the same file, with no lock or counted seat missing its registration or the reverse.
 */
describe('DynamoDB outage in the middle of an upload', () => {
  let cloud: LocalCloud;
  let endpoints: Endpoints;
  let stop: () => Promise<void>;
  const quota = QUOTA;

  beforeAll(async () => {
    ({ cloud, endpoints, stop } = await startTestCloud({
      persistDynamoDb: true,
      ingestRetries: 2,
      ingestRetryDelayMs: 200,
    }));
    const programme = defaultProgramme(PROGRAMME_YEAR) as Programme;
    await saveProgramme({ ...programme, quotas: { ...programme.quotas, [OUTAGE_UNIT]: QUOTA, [CLEAN_UNIT]: QUOTA } });
  });
  afterEach(() => vi.restoreAllMocks());
  afterAll(async () => stop?.());

  it('fails visibly, keeps state consistent, and a redrive after restart equals a clean run', async () => {
    // The same file shape for both units, different enterprises and people.
    const file = (offset: number) => traineeCsv(Array.from({ length: ROWS }, (_, row) => validTrainee(offset + row)));

    // Reference: a clean run.
    const clean = await requestUpload(endpoints, CLEAN_UNIT);
    await putObject(clean.key, file(0));
    await cloud.idle();
    const cleanUpload = await storedUpload(clean.uploadId);
    expect(cleanUpload).toMatchObject({ status: 'done', rows: ROWS, accepted: quota });
    await cloud.stepFunctions.settled();

    // The outage: stop DynamoDB as soon as the unit's first seats are counted, with most of the file still to go.
    const issued = await requestUpload(endpoints, OUTAGE_UNIT);
    await putObject(issued.key, file(1_000));
    const counter = keys.unitQuota(PROGRAMME_YEAR, OUTAGE_UNIT);
    for (;;) {
      const { Item } = await dynamoClient().send(new GetCommand({ TableName: TABLE_NAME, Key: counter }));
      if (Item) break;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await cloud.dynamo.stop();
    await cloud.idle();

    const [failed, ...more] = cloud.failedEvents();
    expect(more).toEqual([]);
    expect(failed).toMatchObject({ function: 'ingest-upload' });
    expect(JSON.stringify(failed?.event)).toContain(issued.key);

    await cloud.dynamo.restart();
    const during = await scanTable();
    // Pending, or claimed by this very object if the outage came after the claim: either way the re-drive resumes it.
    expect(['pending', 'processing']).toContain((await storedUpload(issued.uploadId))?.status);
    const beforeOutage = new Set(
      summarize(during)
        .registrations.filter((r) => r.unit === OUTAGE_UNIT)
        .map((r) => String(r.registrationId)),
    );
    const partial = beforeOutage.size;
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(quota);
    expect(invariantViolations(during)).toEqual([]);

    // The operator redrives later than the function timeout; the dead attempt's in-progress idempotency record has
    // lapsed by then, as it would have in AWS.
    const realNow = Date.now.bind(Date);
    vi.spyOn(Date, 'now').mockImplementation(() => realNow() + LATER_THAN_FUNCTION_TIMEOUT_MS);
    expect(await cloud.redrive()).toEqual({ replayed: 1, stillFailing: 0 });
    await cloud.idle();
    expect(cloud.failedEvents()).toEqual([]);

    const items = await scanTable();
    expect(invariantViolations(items)).toEqual([]);
    const summary = summarize(items);
    const outage = await storedUpload(issued.uploadId);
    expect(shapeOf(outage)).toEqual(shapeOf(cleanUpload));
    expect(summary.counters[OUTAGE_UNIT]).toBe(summary.counters[CLEAN_UNIT]);
    const rowsOf = (unit: string) =>
      summary.registrations
        .filter((r) => r.unit === unit)
        .map((r) => Number(r.row))
        .sort((a, b) => a - b);
    expect(rowsOf(OUTAGE_UNIT)).toEqual(rowsOf(CLEAN_UNIT));
    expect(rowsOf(OUTAGE_UNIT)).toHaveLength(quota);
    // One execution per registration, named by it, none for a refused row.
    const executions = cloud.stepFunctions.list();
    expect(executions.map((e) => e.name).sort()).toEqual(summary.registrations.map((r) => r.registrationId).sort());
    // Executions start only once a file's rows are all recorded, so the outage met none of this unit's: all of
    // them, like the clean run's, are waiting for review.
    expect(countBy(executions.map((e) => e.status))).toEqual({ RUNNING: 2 * quota });
    console.info(`outage after ${partial} of ${quota} registrations`);
  });
});

function countBy(values: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}
