/**
 * Ingest benchmark: one 2,000-row upload (the row cap) through the local cloud (S3 event → ingest → one
 * TransactWriteItems per row: registration + enterprise lock + person lock + quota counter → StartExecution),
 * beside plain sequential PutItem of the same number of items of the same size with the same client, in the same
 * run. Also the DynamoDB write units one registration costs. Prints one JSON line.
 *
 *   npx tsx bench/ingest.bench.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { GetCommand, PutCommand, ScanCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { BUCKET_NAME, LocalCloud, PROGRAMME_YEAR, TABLE_NAME } from '../infra/local/cloud';
import { dynamoClient, s3Client } from '../shared/adapters/aws-clients';
import { keys } from '../shared/adapters/keys';
import { recordRegistration } from '../shared/adapters/registration-store';
import type { Registration } from '../shared/domain/trainee-registration';
import { clearProgrammeCache } from '../shared/adapters/programme-store';
import { validTrainee } from '../test/fixtures/registration-data';
import { buildCsv, TRAINEE_HEADERS, traineeRow } from '../test/fixtures/spreadsheet-files';

const ROWS = 2_000;
const UNIT = '110000';
const STORE_UNIT = '120000';
const GOAL_RATIO = 3;

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'leading-talent-bench-'));
  const cloud = new LocalCloud({ dataDir, logLevel: 'ERROR', ingestRetries: 0 });
  try {
    const endpoints = await cloud.start();
    const db = dynamoClient();
    // The sample quotas are at most 23 seats: give the benchmark unit room for the whole file.
    await db.send(
      new UpdateCommand({
        TableName: TABLE_NAME,
        Key: keys.programme(PROGRAMME_YEAR),
        UpdateExpression: 'SET programme.quotas.#unit = :seats',
        ExpressionAttributeNames: { '#unit': UNIT },
        ExpressionAttributeValues: { ':seats': ROWS },
      }),
    );
    clearProgrammeCache();

    const csv = buildCsv(
      TRAINEE_HEADERS,
      Array.from({ length: ROWS }, (_, n) => traineeRow(validTrainee(n))),
    );
    const issued = await fetch(`${endpoints.api}/uploads`, {
      method: 'POST',
      headers: { authorization: `Bearer ${endpoints.tokens[UNIT]}`, 'content-type': 'application/json' },
      body: JSON.stringify({ form: 'trainee', fileName: 'bench.csv' }),
    }).then((response) => response.json() as Promise<{ uploadId: string; key: string }>);

    const ingestStart = performance.now();
    await s3Client().send(
      new PutObjectCommand({ Bucket: BUCKET_NAME, Key: issued.key, Body: csv, ContentType: 'text/csv' }),
    );
    await cloud.idle();
    const ingestMs = performance.now() - ingestStart;
    const upload = (await db.send(new GetCommand({ TableName: TABLE_NAME, Key: keys.upload(issued.uploadId) }))).Item;
    if (upload?.accepted !== ROWS || cloud.failedEvents().length > 0) {
      throw new Error(`ingest accepted ${upload?.accepted} of ${ROWS} rows (${cloud.failedEvents().length} failed)`);
    }

    // A stored registration, to size the baseline items and the sample transaction like the real ones.
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
    if (!registration) throw new Error('no registration stored');
    const itemBytes = Buffer.byteLength(JSON.stringify(registration));

    const putStart = performance.now();
    for (let i = 0; i < ROWS; i++) {
      await db.send(
        new PutCommand({
          TableName: TABLE_NAME,
          Item: { ...registration, pk: `BENCH#${i}`, sk: 'REG', type: 'bench' },
        }),
      );
    }
    const putMs = performance.now() - putStart;

    // The store alone: the same adapter call ingest makes per row, sequentially, with no workflow running beside it.
    const { pk, sk, gsi1pk, gsi1sk, gsi3pk, gsi3sk, type, personHash, taskToken, awaiting, ...stored } = registration;
    const storeStart = performance.now();
    for (let i = 0; i < ROWS; i++) {
      const outcome = await recordRegistration({
        registration: {
          ...(stored as unknown as Registration),
          status: 'nominated',
          registrationId: `BENCH-${i}`,
          unit: STORE_UNIT,
          trainee: { ...(registration.trainee as Registration['trainee']), creditCode: `BENCH${i}` },
        },
        personHash: `bench-${i}`,
        quota: ROWS,
      });
      if (outcome.kind !== 'recorded') throw new Error(`store-only row ${i}: ${outcome.kind}`);
    }
    const storeMs = performance.now() - storeStart;

    // The per-row transaction's shape, on fresh keys, asking DynamoDB what it consumed.
    const sample = await db.send(
      new TransactWriteCommand({
        ReturnConsumedCapacity: 'TOTAL',
        TransactItems: [
          {
            Put: {
              TableName: TABLE_NAME,
              Item: { ...registration, pk: 'BENCH#SAMPLE', sk: 'REG' },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          {
            Put: {
              TableName: TABLE_NAME,
              Item: { pk: 'BENCH#ENT', sk: 'LOCK', type: 'enterprise-lock', registrationId: 'x', unit: UNIT },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          {
            Put: {
              TableName: TABLE_NAME,
              Item: { pk: 'BENCH#PERSON', sk: 'LOCK', type: 'person-lock', registrationId: 'x', unit: UNIT },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          {
            Update: {
              TableName: TABLE_NAME,
              Key: { pk: 'BENCH#QUOTA', sk: 'QUOTA' },
              UpdateExpression: 'ADD used :one',
              ConditionExpression: 'attribute_not_exists(used) OR used < :quota',
              ExpressionAttributeValues: { ':one': 1, ':quota': ROWS },
            },
          },
        ],
      }),
    );
    const measuredWcu = sample.ConsumedCapacity?.reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);
    // Transactional writes cost 2 WCU per started KB of each item (the lock and counter items are far below 1 KB).
    const computedWcu = 2 * Math.ceil(itemBytes / 1024) + 2 + 2 + 2;

    const registrationsPerSecond = ROWS / (ingestMs / 1000);
    const putItemsPerSecond = ROWS / (putMs / 1000);
    const ratio = putItemsPerSecond / registrationsPerSecond;
    console.log(
      JSON.stringify({
        bench: 'ingest',
        rows: ROWS,
        accepted: upload.accepted,
        ingestMs: Math.round(ingestMs),
        registrationsPerSecond: Math.round(registrationsPerSecond),
        storeOnlyRegistrationsPerSecond: Math.round(ROWS / (storeMs / 1000)),
        storeOnlyRatio: Number((storeMs / putMs).toFixed(2)),
        storeOnlyWithinGoal: storeMs / putMs <= GOAL_RATIO,
        putItemMs: Math.round(putMs),
        putItemsPerSecond: Math.round(putItemsPerSecond),
        ratio: Number(ratio.toFixed(2)),
        goalRatio: GOAL_RATIO,
        withinGoal: ratio <= GOAL_RATIO,
        registrationItemBytes: itemBytes,
        wcuPerRegistrationMeasured: measuredWcu ?? null,
        wcuPerRegistrationComputed: computedWcu,
        executionsStarted: cloud.stepFunctions.list().length,
        note: 'ratio = end-to-end ingest (parse, validate, one transaction + one StartExecution per row, report, while the 2,000 started workflows send emails and save task tokens in the same process) vs PutItem; storeOnlyRatio = the per-row transaction alone vs PutItem. DynamoDB Local in memory, 2 cores',
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
