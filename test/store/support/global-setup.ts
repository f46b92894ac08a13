import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import type { TestProject } from 'vitest/node';
import { DynamoDbLocal } from '../../../infra/local/dynamodb-local';
import { freePort } from '../../../infra/local/net';

/**
 * One DynamoDB Local and one s3rver for the whole store run, started once per vitest instance: a Stryker worker
 * re-runs the store tests for every mutant, and a Java start per run would cost more than the tests. Each test file
 * works in its own table and bucket (see store-environment.ts), so files running side by side never meet.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dynamo = new DynamoDbLocal();
  const directory = mkdtempSync(join(tmpdir(), 'store-s3-'));
  const s3 = new S3rver({ port: await freePort(), address: '127.0.0.1', silent: true, directory });
  const [dynamoEndpoint, s3Address] = await Promise.all([dynamo.start(), s3.run()]);
  project.provide('storeDynamoEndpoint', dynamoEndpoint);
  project.provide('storeS3Endpoint', `http://127.0.0.1:${s3Address.port}`);
  return async () => {
    await Promise.all([dynamo.stop(), s3.close()]);
    rmSync(directory, { recursive: true, force: true });
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    storeDynamoEndpoint: string;
    storeS3Endpoint: string;
  }
}
