import { guardClients, invokingFunction } from './access-guard';
import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { type FunctionName, functionEntry } from '../function-names';
import pLimit, { type LimitFunction } from 'p-limit';
import { type FunctionSettings, type FunctionSettingsByName, LOCAL_REGION, localFunctionArn } from './local-system';

type Handler = (event: unknown, context: Context) => Promise<unknown>;

/**
 * Test-only latency injection: called before each invocation; a number delays the handler by that many ms, a promise
 * holds it until the promise settles (a gate a test opens), undefined runs it at once. Never set outside tests.
 */
export type InvocationDelay = (fn: FunctionName, event: unknown) => number | PromiseLike<unknown> | undefined;

/**
 * Runs the same handler modules Lambda runs, in this process, with a Lambda-shaped context. Modules are imported
 * lazily, after the local cloud has put its endpoints into the environment their config reads at cold start.
 * Each function keeps its deployed timeout and reserved concurrency: invocations beyond the reserve wait their
 * turn, where AWS would throttle them and the caller (Lambda's async queue, Step Functions' Retry) try again.
 */
export class LocalLambdaRuntime {
  private readonly handlers = new Map<FunctionName, Promise<Handler>>();
  private readonly slots = new Map<FunctionName, LimitFunction>();

  constructor(
    private readonly settings: FunctionSettingsByName,
    /** Test-only: see InvocationDelay. Off by default. */
    private readonly delay?: InvocationDelay,
  ) {
    for (const [name, { reservedConcurrency }] of Object.entries(settings) as [FunctionName, FunctionSettings][]) {
      if (reservedConcurrency !== undefined) this.slots.set(name, pLimit(reservedConcurrency));
    }
  }

  async invoke(name: FunctionName, event: unknown): Promise<unknown> {
    const wait = this.delay?.(name, event);
    // Latency on the way in, as a slow network or a cold start would add; it holds no concurrency slot.
    if (typeof wait === 'number') {
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    } else if (wait) {
      await Promise.resolve(wait).catch(() => undefined);
    }
    const handler = await this.load(name);
    guardClients();
    const run = () =>
      invokingFunction.run(name, async () => handler(event, lambdaContext(name, this.settings[name].timeoutSeconds)));
    const slot = this.slots.get(name);
    return slot ? slot(run) : run();
  }

  private load(name: FunctionName): Promise<Handler> {
    let handler = this.handlers.get(name);
    if (!handler) {
      handler = import(functionEntry(name)).then((module) => module.handler as Handler);
      this.handlers.set(name, handler);
    }
    return handler;
  }
}

function lambdaContext(name: FunctionName, timeoutSeconds: number): Context {
  const deadline = Date.now() + timeoutSeconds * 1000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: localFunctionArn(name),
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: `/local/${name}`,
    logStreamName: `${LOCAL_REGION}/${name}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
