import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { type FunctionName, functionEntry } from '../function-names';
import { LOCAL_REGION, localFunctionArn } from './synth';

type Handler = (event: unknown, context: Context) => Promise<unknown>;

const TIMEOUT_MS: Record<FunctionName, number> = {
  'upload-url': 10_000,
  'ingest-upload': 300_000,
  'admin-api': 29_000,
  'workflow-task': 30_000,
  'send-notice': 30_000,
};

/**
 * Runs the same handler modules Lambda runs, in this process, with a Lambda-shaped context. Modules are imported
 * lazily, after the local cloud has put its endpoints into the environment their config reads at cold start.
 */
export class LocalLambdaRuntime {
  private readonly handlers = new Map<FunctionName, Promise<Handler>>();

  async invoke(name: FunctionName, event: unknown): Promise<unknown> {
    const handler = await this.load(name);
    return handler(event, lambdaContext(name));
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

function lambdaContext(name: FunctionName): Context {
  const deadline = Date.now() + TIMEOUT_MS[name];
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
