/**
 * Ingest benchmark: one 2,000-row upload (the row cap) through the local cloud (S3 event → ingest → transactions
 * of up to 32 rows, each row's registration + enterprise lock + person lock with the quota counter and the status
 * counts updated once per group →
 * one StartExecution per row → report), beside plain sequential PutItem of the same number of items of the same
 * size with the same client, in the same run, both after the same warm-up. Also the DynamoDB write units one
 * registration costs. Prints one JSON line.
 *
 *   npx tsx bench/ingest.bench.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { GetCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { BUCKET_NAME, LocalCloud, PROGRAMME_YEAR, TABLE_NAME } from '../infra/local/cloud';
import { dynamoClient, s3Client } from '../shared/adapters/aws-clients';
import { keys } from '../shared/adapters/keys';
import { ROWS_PER_TRANSACTION, recordRegistrations } from '../shared/adapters/registration-recording';
import type { Registration } from '../shared/domain/trainee-registration';
import { defaultProgramme, saveProgramme } from '../shared/adapters/programme-store';
import type { Programme } from '../shared/domain/programme';
import { validTrainee } from '../test/fixtures/registration-data';
import { buildCsv, TRAINEE_HEADERS, traineeRow } from '../test/fixtures/spreadsheet-files';

const ROWS = 2_000;
const UNIT = '110000';
const STORE_UNIT = '120000';
const WARM_UP_UNIT = '310000';
const WARM_UP_ROWS = 500;
const GOAL_RATIO = 3;

/** Plain sequential PutItem of `count` copies of `item` under fresh keys: the baseline. */
async function putItems(prefix: string, count: number, item: Record<string, unknown>): Promise<void> {
  const db = dynamoClient();
  for (let i = 0; i < count; i++) {
    await db.send(
      new PutCommand({ TableName: TABLE_NAME, Item: { ...item, pk: `${prefix}#${i}`, sk: 'REG', type: 'bench' } }),
    );
  }
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'leading-talent-bench-'));
  const cloud = new LocalCloud({ dataDir, logLevel: 'ERROR', metrics: false, ingestRetries: 0 });
  try {
    const endpoints = await cloud.start();
    const db = dynamoClient();
    // The sample quotas are at most 23 seats: give the benchmark units room for their files.
    const programme = defaultProgramme(PROGRAMME_YEAR) as Programme;
    await saveProgramme({ ...programme, quotas: { ...programme.quotas, [UNIT]: ROWS, [WARM_UP_UNIT]: WARM_UP_ROWS } });

    const upload = async (unit: string, first: number, rows: number) => {
      const csv = buildCsv(
        TRAINEE_HEADERS,
        Array.from({ length: rows }, (_, n) => traineeRow(validTrainee(first + n))),
      );
      const issued = await fetch(`${endpoints.api}/uploads`, {
        method: 'POST',
        headers: { authorization: `Bearer ${endpoints.tokens[unit]}`, 'content-type': 'application/json' },
        body: JSON.stringify({ form: 'trainee', fileName: 'bench.csv' }),
      }).then((response) => response.json() as Promise<{ uploadId: string; key: string }>);
      const started = performance.now();
      await s3Client().send(
        new PutObjectCommand({ Bucket: BUCKET_NAME, Key: issued.key, Body: csv, ContentType: 'text/csv' }),
      );
      return { uploadId: issued.uploadId, started };
    };
    // Warm-up, for both sides alike: an upload from another unit loads every handler module (a cold start) and
    // JIT-compiles the path in Node and in DynamoDB Local, and so do as many plain PutItems, so neither timed run
    // below pays for compilation the other one gets for free.
    await upload(WARM_UP_UNIT, ROWS, WARM_UP_ROWS);
    await cloud.idle();
    await cloud.stepFunctions.settled();
    // A stored registration: the baseline's items and the store-only rows are copies of it, sized like the real ones.
    const registration = (
      await db.send(
        new ScanCommand({
          TableName: TABLE_NAME,
          FilterExpression: '#type = :type',
          ExpressionAttributeNames: { '#type': 'type' },
          ExpressionAttributeValues: { ':type': 'registration' },
          Limit: 100,
        }),
      )
    ).Items?.[0];
    if (!registration) throw new Error('the warm-up upload stored no registration');
    const itemBytes = Buffer.byteLength(JSON.stringify(registration));
    await putItems('WARM', WARM_UP_ROWS, registration);

    const executionsBefore = cloud.stepFunctions.list().length;
    const { uploadId, started: ingestStart } = await upload(UNIT, 0, ROWS);
    await cloud.idle();
    const ingestMs = performance.now() - ingestStart;
    // The started workflows send their nomination notices a few at a time (send-notice's reserved concurrency), as
    // in AWS, but here on the same two cores: the baseline below waits until they are all parked at review.
    await cloud.stepFunctions.settled();
    const settledMs = performance.now() - ingestStart;
    const uploaded = (await db.send(new GetCommand({ TableName: TABLE_NAME, Key: keys.upload(uploadId) }))).Item;
    if (uploaded?.accepted !== ROWS || cloud.failedEvents().length > 0) {
      throw new Error(`ingest accepted ${uploaded?.accepted} of ${ROWS} rows (${cloud.failedEvents().length} failed)`);
    }

    const putStart = performance.now();
    await putItems('BENCH', ROWS, registration);
    const putMs = performance.now() - putStart;

    // The store alone: the adapter call ingest makes, on the same number of fresh rows of another unit, with no
    // workflow running beside it; DynamoDB reports the write units its transactions consumed.
    const { pk, sk, gsi1pk, gsi1sk, gsi3pk, gsi3sk, type, personHash, taskToken, awaiting, ...stored } = registration;
    const storeStart = performance.now();
    const store = await recordRegistrations(
      Array.from({ length: ROWS }, (_, i) => ({
        registration: {
          ...(stored as unknown as Registration),
          status: 'nominated' as const,
          registrationId: `BENCH-${i}`,
          unit: STORE_UNIT,
          trainee: { ...(registration.trainee as Registration['trainee']), creditCode: `BENCH${i}` },
        },
        personHash: `bench-${i}`,
        quota: ROWS,
      })),
    );
    const storeMs = performance.now() - storeStart;
    const refused = store.outcomes.filter((outcome) => outcome.kind !== 'recorded').length;
    if (refused > 0) throw new Error(`store-only: ${refused} rows not recorded`);
    // Write units by DynamoDB's pricing rules (DynamoDB Local reports one item's worth per transaction, whatever its
    // size, so its figure is not used): a transactional write costs 2 WCU per started KB of each item, so the
    // registration, its two locks (far below 1 KB) and its share of the two counter updates; the two indexes a registration
    // appears in (byUnit, byYear, all attributes projected) each take a standard write of 1 WCU per started KB.
    const itemKb = Math.ceil(itemBytes / 1024);
    const wcu = {
      registration: 2 * itemKb,
      locks: 2 + 2,
      counter: (2 + 2) / ROWS_PER_TRANSACTION,
      indexes: 2 * itemKb,
    };
    const wcuPerRegistration = wcu.registration + wcu.locks + wcu.counter + wcu.indexes;

    const registrationsPerSecond = ROWS / (ingestMs / 1000);
    const putItemsPerSecond = ROWS / (putMs / 1000);
    const ratio = putItemsPerSecond / registrationsPerSecond;
    console.log(
      JSON.stringify({
        bench: 'ingest',
        rows: ROWS,
        accepted: uploaded.accepted,
        executionsStarted: cloud.stepFunctions.list().length - executionsBefore,
        ingestMs: Math.round(ingestMs),
        registrationsPerSecond: Math.round(registrationsPerSecond),
        putItemMs: Math.round(putMs),
        putItemsPerSecond: Math.round(putItemsPerSecond),
        ratio: Number(ratio.toFixed(2)),
        goalRatio: GOAL_RATIO,
        withinGoal: ratio <= GOAL_RATIO,
        storeOnlyRegistrationsPerSecond: Math.round(ROWS / (storeMs / 1000)),
        storeOnlyRatio: Number((storeMs / putMs).toFixed(2)),
        workflowsParkedMs: Math.round(settledMs),
        registrationItemBytes: itemBytes,
        wcuPerRegistration: Number(wcuPerRegistration.toFixed(2)),
        wcuBreakdown: Object.fromEntries(Object.entries(wcu).map(([k, v]) => [k, Number(v.toFixed(2))])),
        note: 'ingestMs: S3 event to ingest done (parse, validate, transactions of up to 32 rows, one StartExecution per row, JSON and xlsx report, email), while the started workflows run in the same process. workflowsParkedMs: until every started workflow has sent its notice and waits for review; baseline and store-only run after that. DynamoDB Local in memory, 2 cores',
      }),
    );
  } finally {
    await cloud.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
