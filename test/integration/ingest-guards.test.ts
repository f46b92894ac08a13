import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Endpoints, LocalCloud } from '../../infra/local/cloud';
import { s3Client } from '../../shared/adapters/aws-clients';
import { validTrainee } from '../fixtures/registration-data';
import { startTestCloud } from '../support/local-cloud';
import { putObject, requestUpload, scanTable, storedUpload, summarize, traineeCsv } from './support';

/**
 * Ingest trusts neither the key nor S3's enforcement of the presigned POST (s3rver enforces none of it): an object
 * without a matching upload request is ignored, and a requested one is re-checked for size and type before it is
 * read. Named promises of the README (issue 14 item 3).
 */
describe('ingest guards', () => {
  let cloud: LocalCloud;
  let endpoints: Endpoints;
  let stop: () => Promise<void>;

  /** Keys ingest downloaded: a refused file must be refused before it is read, not by the reader. */
  const downloaded: string[] = [];
  beforeAll(async () => {
    ({ cloud, endpoints, stop } = await startTestCloud());
    s3Client().middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'GetObjectCommand') downloaded.push(String((args.input as { Key?: string }).Key));
        return next(args);
      },
      { step: 'initialize', name: 'testDownloads' },
    );
  });
  afterAll(async () => stop?.());

  const registrations = async () => summarize(await scanTable()).registrations;

  it('ignores objects without a matching upload request: unknown id, another unit, another year', async () => {
    const issued = await requestUpload(endpoints, '110000');
    const file = traineeCsv([validTrainee(901)]);
    await putObject(`incoming/2024/110000/${randomUUID()}.csv`, file);
    await putObject(issued.key.replace('/110000/', '/120000/'), file);
    await putObject(issued.key.replace('/2024/', '/2025/'), file);
    await putObject(`incoming/2024/999999/${randomUUID()}.csv`, file);
    await cloud.idle();
    expect(cloud.failedEvents()).toEqual([]);
    expect(await registrations()).toEqual([]);
    expect(await storedUpload(issued.uploadId)).toMatchObject({ status: 'pending' });
  });

  it('re-checks the Content-Type against the extension before reading', async () => {
    const issued = await requestUpload(endpoints, '110000');
    await putObject(issued.key, traineeCsv([validTrainee(902)]), 'text/plain');
    await cloud.idle();
    const stored = await storedUpload(issued.uploadId);
    expect(stored).toMatchObject({ status: 'failed', rows: 0, accepted: 0 });
    expect(stored?.findings?.map((finding) => finding.code)).toEqual(['FILE_TYPE']);
    expect(downloaded).not.toContain(issued.key);
    expect(await registrations()).toEqual([]);
  });

  it('re-checks the size (5 MB) before reading', async () => {
    const issued = await requestUpload(endpoints, '110000');
    const valid = traineeCsv([validTrainee(903)]);
    // A valid file padded past the limit: were it read, its one row would register.
    const padded = new Uint8Array(5 * 1024 * 1024 + 1).fill(0x0a);
    padded.set(valid, 0);
    await putObject(issued.key, padded);
    await cloud.idle();
    const stored = await storedUpload(issued.uploadId);
    expect(stored).toMatchObject({ status: 'failed', accepted: 0 });
    expect(stored?.findings?.map((finding) => finding.code)).toEqual(['FILE_TOO_LARGE']);
    expect(downloaded).not.toContain(issued.key);
    expect(await registrations()).toEqual([]);
  });
});
