import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Endpoints, LocalCloud } from '../../infra/local/cloud';
import { localEnvironment } from '../../infra/local/local-environment';
import { validTrainee } from '../fixtures/registration-data';
import { startTestCloud } from '../support/local-cloud';
import { putObject, requestUpload, storedUpload, traineeCsv } from '../integration/support';

/**
 * `npm run redrive` as an operator runs it: after DynamoDB was unreachable while a file arrived, its event sits in
 * the failure queue; the command, in its own process, reads the running cloud's env.json and replays it.
 */
describe('npm run redrive', () => {
  let cloud: LocalCloud;
  let endpoints: Endpoints;
  let stop: () => Promise<void>;
  let dataDir: string;

  beforeAll(async () => {
    ({ cloud, endpoints, stop } = await startTestCloud({ persistDynamoDb: true, ingestRetries: 0 }));
    dataDir = cloud.options.dataDir;
    // What npm start writes for the command (the same function).
    writeFileSync(join(dataDir, 'env.json'), JSON.stringify(localEnvironment()));
  });
  afterAll(async () => stop?.());

  it('replays a file that failed while DynamoDB was down, and the upload completes as a clean run would', async () => {
    const issued = await requestUpload(endpoints, '110000');
    await cloud.dynamo.stop();
    await putObject(issued.key, traineeCsv([validTrainee(951)]));
    await cloud.idle();
    expect(cloud.failedEvents()).toHaveLength(1);
    await cloud.dynamo.restart();
    expect((await storedUpload(issued.uploadId))?.status).toBe('pending');

    // Asynchronously: the emulators run in this process and must keep answering while the command talks to them.
    const run = await promisify(execFile)('npm', ['run', '--silent', 'redrive'], {
      env: { ...process.env, LOCAL_DATA_DIR: dataDir, LOG_LEVEL: 'ERROR' },
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(JSON.parse(run.stdout.trim().split('\n').at(-1) as string)).toEqual({ replayed: 1, stillFailing: 0 });
    expect(cloud.failedEvents()).toEqual([]);
    expect(await storedUpload(issued.uploadId)).toMatchObject({ status: 'done', rows: 1, accepted: 1 });
  }, 180_000);
});
