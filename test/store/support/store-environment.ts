import { randomUUID } from 'node:crypto';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, inject } from 'vitest';
import { resetClients } from '../../../shared/adapters/aws-clients';
import { resetConfig } from '../../../shared/adapters/config';
import { DynamoDbLocal } from '../../../infra/local/dynamodb-local';
import { UNIT_TEST_ENVIRONMENT } from '../../support/unit-environment';

/**
 * Runs before every store test file: the adapters read their endpoints, table and bucket from the environment
 * (as in Lambda), so each file gets a table and a bucket of its own, created fresh on every run. A re-run for a
 * mutant therefore never sees the previous run's items.
 */
const dynamoEndpoint = inject('storeDynamoEndpoint');
const s3Endpoint = inject('storeS3Endpoint');
const run = randomUUID().slice(0, 8);
export const STORE_TABLE = `store-${run}`;
export const STORE_BUCKET = `store-${run}`;

Object.assign(process.env, UNIT_TEST_ENVIRONMENT, {
  TABLE_NAME: STORE_TABLE,
  UPLOADS_BUCKET: STORE_BUCKET,
  AWS_ENDPOINT_URL_DYNAMODB: dynamoEndpoint,
  AWS_ENDPOINT_URL_S3: s3Endpoint,
  // s3rver checks signatures against its fixed development credentials; DynamoDB Local accepts any.
  AWS_ACCESS_KEY_ID: 'S3RVER',
  AWS_SECRET_ACCESS_KEY: 'S3RVER',
  S3_FORCE_PATH_STYLE: 'true',
  POWERTOOLS_METRICS_DISABLED: 'true',
  POWERTOOLS_TRACE_ENABLED: 'false',
  POWERTOOLS_LOG_LEVEL: 'ERROR',
});
resetConfig();
resetClients();

beforeAll(async () => {
  const dynamo = new DynamoDbLocal();
  dynamo.endpoint = dynamoEndpoint;
  const s3 = new S3Client({ endpoint: s3Endpoint, forcePathStyle: true, region: 'cn-north-1' });
  await Promise.all([dynamo.createTable(STORE_TABLE), s3.send(new CreateBucketCommand({ Bucket: STORE_BUCKET }))]);
  s3.destroy();
});

afterAll(() => {
  resetClients();
  resetConfig();
});
