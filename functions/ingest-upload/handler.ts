import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, S3Event, S3EventRecord } from 'aws-lambda';
import { loadConfig } from '../../shared/adapters/config';
import { logger } from '../../shared/adapters/logger';
import { observability } from '../../shared/adapters/observability';
import { type IngestResult, ingestUpload } from '../../shared/intake/ingest-upload';

const config = loadConfig();
const persistenceStore = new DynamoDBPersistenceLayer({
  tableName: config.TABLE_NAME,
  keyAttr: 'pk',
  sortKeyAttr: 'sk',
  staticPkValue: 'IDEMPOTENCY',
  expiryAttr: 'expiresAt',
});

/** One S3 object version is ingested once, however often S3 delivers its event. */
const idempotencyConfig = new IdempotencyConfig({
  eventKeyJmesPath: '[s3.bucket.name, s3.object.key, s3.object.versionId || s3.object.sequencer]',
  expiresAfterSeconds: 7 * 24 * 3600,
});

const ingestOnce = makeIdempotent(
  async (record: S3EventRecord) =>
    ingestUpload(record.s3.object.key, {
      ...(record.s3.object.versionId ? { versionId: record.s3.object.versionId } : {}),
      ...(record.s3.object.eTag ? { eTag: record.s3.object.eTag } : {}),
    }),
  {
    persistenceStore,
    config: idempotencyConfig,
  },
);

export const handler = middy<S3Event, IngestResult[]>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(observability())
  .handler(async (event: S3Event, context: Context) => {
    idempotencyConfig.registerLambdaContext(context);
    const results = [];
    for (const record of event.Records ?? []) results.push(await ingestOnce(record));
    return results;
  });
