import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { type FunctionName, functionEntry } from '../function-names';
import pLimit, { type LimitFunction } from 'p-limit';
import { type FunctionSettings, type FunctionSettingsByName, LOCAL_REGION, localFunctionArn } from './synth';

type Handler = (event: unknown, context: Context) => Promise<unknown>;

/**
 * Runs the same handler modules Lambda runs, in this process, with a Lambda-shaped context. Modules are imported
 * lazily, after the local cloud has put its endpoints into the environment their config reads at cold start.
 * Each function keeps its deployed timeout and reserved concurrency: invocations beyond the reserve wait their
 * turn, where AWS would throttle them and the caller (Lambda's async queue, Step Functions' Retry) try again.
 */
export class LocalLambdaRuntime {
  private readonly handlers = new Map<FunctionName, Promise<Handler>>();
  private readonly slots = new Map<FunctionName, LimitFunction>();

  constructor(private readonly settings: FunctionSettingsByName) {
    for (const [name, { reservedConcurrency }] of Object.entries(settings) as [FunctionName, FunctionSettings][]) {
      if (reservedConcurrency !== undefined) this.slots.set(name, pLimit(reservedConcurrency));
    }
  }

  async invoke(name: FunctionName, event: unknown): Promise<unknown> {
    const run = async () => (await this.load(name))(event, lambdaContext(name, this.settings[name].timeoutSeconds));
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
