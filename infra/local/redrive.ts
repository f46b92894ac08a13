import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { functionEntry, type FunctionName } from '../function-names';
import type { FailedEvent } from './cloud';

/**
 * `npm run redrive`: replays the events that exhausted their retries (the local failure queue) through the same
 * handler, against the running local cloud. Events that succeed leave the queue; the rest stay with their error.
 */
const dataDir = process.env.LOCAL_DATA_DIR ?? '.local';
Object.assign(process.env, JSON.parse(readFileSync(join(dataDir, 'env.json'), 'utf8')));
const dir = join(dataDir, 'failed-events');
const files = readdirSync(dir).filter((name) => name.endsWith('.json'));
let replayed = 0;
for (const name of files) {
  const failed = JSON.parse(readFileSync(join(dir, name), 'utf8')) as FailedEvent;
  const { handler } = await import(functionEntry(failed.function as FunctionName));
  try {
    await handler(failed.event, {
      awsRequestId: failed.id,
      functionName: failed.function,
      getRemainingTimeInMillis: () => 300_000,
    });
    rmSync(join(dir, name));
    replayed++;
  } catch (error) {
    writeFileSync(join(dir, name), JSON.stringify({ ...failed, error: String(error) }, null, 2));
  }
}
console.log(JSON.stringify({ replayed, stillFailing: files.length - replayed }));
