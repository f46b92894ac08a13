import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FailureQueue } from './failure-queue';
import { LocalLambdaRuntime } from './lambda-runtime';
import { synthesizeForLocal } from './synth';

/**
 * `npm run redrive`: replays the events that exhausted their retries (the local failure queue) through the same
 * handler, against the running local cloud. Events that succeed leave the queue; the rest stay with their error.
 */
const dataDir = process.env.LOCAL_DATA_DIR ?? '.local';
// The running local cloud's endpoints and settings, so the handlers here talk to the same emulators.
Object.assign(process.env, JSON.parse(readFileSync(join(dataDir, 'env.json'), 'utf8')));
const lambdas = new LocalLambdaRuntime(synthesizeForLocal().functions);
const result = await new FailureQueue(join(dataDir, 'failed-events')).redrive((fn, event) => lambdas.invoke(fn, event));
console.log(JSON.stringify(result));
// Non-zero while events still fail, so a script (or CI) can tell; done once it has reported either way.
process.exit(result.stillFailing > 0 ? 1 : 0);
