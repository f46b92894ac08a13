import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StateMachine } from 'aws-local-stepfunctions';
import type { FunctionName } from '../function-names';
import type { LocalLambdaRuntime } from './lambda-runtime';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './synth';

type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

interface Execution {
  readonly executionArn: string;
  readonly name: string;
  readonly input: string;
  readonly startDate: Date;
  status: ExecutionStatus;
  stopDate?: Date;
  output?: string;
  error?: string;
  cause?: string;
  abort: () => void;
  readonly visited: string[];
  /** Parked in a callback state: its Lambda has stored the task token, and it waits for a person. */
  waiting: boolean;
}

interface PendingCallback {
  readonly executionArn: string;
  readonly resolve: (output: unknown) => void;
  readonly reject: (error: Error) => void;
}

/** Node timers overflow past 2^31 ms (about 24.8 days) and would fire at once; the local cloud never runs that long. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * A Step Functions endpoint for the AWS SDK (JSON 1.0 protocol) that runs the synthesized definition with
 * aws-local-stepfunctions. Each Lambda task is bound to its handler module; `.waitForTaskToken` tasks invoke the
 * handler with a fresh token and then wait for SendTaskSuccess/SendTaskFailure, as in AWS.
 */
export class LocalStepFunctions {
  private readonly executions = new Map<string, Execution>();
  private readonly callbacks = new Map<string, PendingCallback>();
  private readonly machine: StateMachine;
  private readonly stateMachineArn: string;
  private server?: Server;

  constructor(
    private readonly definition: Record<string, unknown>,
    stateMachineName: string,
    private readonly lambdas: LocalLambdaRuntime,
    private readonly functionByArn: (arn: string) => FunctionName | undefined,
  ) {
    this.stateMachineArn = `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:${stateMachineName}`;
    this.machine = new StateMachine(definition as never, { validationOptions: { checkArn: false, checkPaths: true } });
  }

  get arn(): string {
    return this.stateMachineArn;
  }

  async listen(): Promise<string> {
    this.server = createServer((request, response) => void this.handle(request, response));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    for (const execution of this.executions.values()) if (execution.status === 'RUNNING') execution.abort();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server?.closeAllConnections?.();
  }

  /** Resolves once every running execution has ended or is parked waiting for a person. */
  async settled(pollMs = 50): Promise<void> {
    while (this.list().some((execution) => execution.status === 'RUNNING' && !execution.waiting)) {
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }

  /** For tests and the walk-through: every execution with its status. */
  list(): Execution[] {
    return [...this.executions.values()];
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const target = String(request.headers['x-amz-target'] ?? '').replace('AWSStepFunctions.', '');
    const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
    const reply = (status: number, payload: unknown) => {
      response.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
      response.end(JSON.stringify(payload));
    };
    try {
      reply(200, this.dispatch(target, body));
    } catch (error) {
      const name = error instanceof Error ? error.name : 'InternalError';
      reply(400, { __type: `com.amazonaws.stepfunctions#${name}`, message: (error as Error).message });
    }
  }

  private dispatch(action: string, body: Record<string, unknown>): unknown {
    switch (action) {
      case 'StartExecution':
        return this.startExecution(String(body.name ?? randomUUID()), String(body.input ?? '{}'));
      case 'DescribeExecution':
        return this.describe(String(body.executionArn));
      case 'ListExecutions':
        return {
          executions: this.list().map((e) => ({
            executionArn: e.executionArn,
            stateMachineArn: this.stateMachineArn,
            name: e.name,
            status: e.status,
            startDate: e.startDate.getTime() / 1000,
          })),
        };
      case 'SendTaskSuccess':
        this.settle(String(body.taskToken)).resolve(JSON.parse(String(body.output ?? '{}')));
        return {};
      case 'SendTaskFailure':
        this.settle(String(body.taskToken)).reject(
          named(String(body.error ?? 'TaskFailed'), String(body.cause ?? 'SendTaskFailure')),
        );
        return {};
      case 'SendTaskHeartbeat':
        if (!this.callbacks.has(String(body.taskToken))) throw named('TaskTimedOut', 'Task token is not active');
        return {};
      case 'StopExecution': {
        const execution = this.executions.get(String(body.executionArn).split(':').pop() ?? '');
        if (!execution) throw named('ExecutionDoesNotExist', 'Execution does not exist');
        if (execution.status === 'RUNNING') execution.abort();
        return { stopDate: Date.now() / 1000 };
      }
      default:
        throw named('UnknownOperationException', `The local cloud does not emulate ${action}`);
    }
  }

  private settle(taskToken: string): PendingCallback {
    const pending = this.callbacks.get(taskToken);
    if (!pending) throw named('TaskTimedOut', 'Task Timed Out: the task token is no longer active');
    this.callbacks.delete(taskToken);
    return pending;
  }

  private startExecution(name: string, input: string) {
    const existing = this.executions.get(name);
    if (existing) {
      // As in AWS: the same name and input while still running is the same start; anything else is a conflict.
      if (existing.status === 'RUNNING' && existing.input === input) {
        return { executionArn: existing.executionArn, startDate: existing.startDate.getTime() / 1000 };
      }
      throw named('ExecutionAlreadyExists', `Execution already exists: '${existing.executionArn}'`);
    }
    const executionArn = `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:execution:${this.stateMachineArn.split(':').pop()}:${name}`;
    const parsedInput = JSON.parse(input);
    const execution: Execution = {
      executionArn,
      name,
      input,
      startDate: new Date(),
      status: 'RUNNING',
      abort: () => undefined,
      visited: [],
      waiting: false,
    };
    const run = this.machine.run(parsedInput, {
      overrides: { taskResourceLocalHandlers: this.taskHandlers(execution) as never },
      context: {
        Execution: { Id: executionArn, Name: name, Input: parsedInput, StartTime: execution.startDate.toISOString() },
        StateMachine: { Id: this.stateMachineArn },
        // Every read of $$.Task.Token is a new token, as every entry into a callback state is in AWS.
        Task: {
          get Token() {
            return `local-token-${randomUUID()}`;
          },
        },
      },
    });
    execution.abort = run.abort;
    this.executions.set(name, execution);
    run.result.then(
      (output) => {
        execution.status = 'SUCCEEDED';
        execution.output = JSON.stringify(output);
        execution.stopDate = new Date();
      },
      (error: Error) => {
        execution.status =
          error.name === 'ExecutionAbortedError'
            ? 'ABORTED'
            : error.name === 'ExecutionTimeoutError'
              ? 'TIMED_OUT'
              : 'FAILED';
        execution.error = (error as Error & { error?: string }).error ?? error.name;
        execution.cause = error.message;
        execution.stopDate = new Date();
        this.dropCallbacksOf(executionArn);
      },
    );
    return { executionArn, startDate: execution.startDate.getTime() / 1000 };
  }

  private describe(executionArn: string) {
    const execution = this.list().find((e) => e.executionArn === executionArn);
    if (!execution) throw named('ExecutionDoesNotExist', `Execution does not exist: '${executionArn}'`);
    return {
      executionArn,
      stateMachineArn: this.stateMachineArn,
      name: execution.name,
      status: execution.status,
      startDate: execution.startDate.getTime() / 1000,
      stopDate: execution.stopDate ? execution.stopDate.getTime() / 1000 : undefined,
      input: execution.input,
      output: execution.output,
      error: execution.error,
      cause: execution.cause,
    };
  }

  private taskHandlers(execution: Execution): Record<string, (input: unknown) => Promise<unknown>> {
    const handlers: Record<string, (input: unknown) => Promise<unknown>> = {};
    for (const [stateName, state] of allStates(this.definition)) {
      if (state.Type !== 'Task') continue;
      const resource = String(state.Resource);
      const parameters = (state.Parameters ?? {}) as Record<string, unknown>;
      if (resource.endsWith(':states:::lambda:invoke.waitForTaskToken')) {
        const fn = this.requireFunction(String(parameters.FunctionName), stateName);
        handlers[stateName] = async (input) => {
          execution.visited.push(stateName);
          const payload = (input as { Payload: { taskToken: string } }).Payload;
          const waiting = new Promise((resolve, reject) =>
            this.callbacks.set(payload.taskToken, { executionArn: execution.executionArn, resolve, reject }),
          );
          try {
            await this.invokeLambda(fn, payload);
          } catch (error) {
            this.callbacks.delete(payload.taskToken);
            throw error;
          }
          execution.waiting = true;
          return waiting.finally(() => {
            execution.waiting = false;
          });
        };
      } else if (resource.endsWith(':states:::lambda:invoke')) {
        const fn = this.requireFunction(String(parameters.FunctionName), stateName);
        handlers[stateName] = async (input) => {
          execution.visited.push(stateName);
          return { Payload: await this.invokeLambda(fn, (input as { Payload: unknown }).Payload), StatusCode: 200 };
        };
      } else {
        const fn = this.requireFunction(resource, stateName);
        handlers[stateName] = async (input) => {
          execution.visited.push(stateName);
          return this.invokeLambda(fn, input);
        };
      }
    }
    return handlers;
  }

  private async invokeLambda(fn: FunctionName, payload: unknown): Promise<unknown> {
    try {
      return await this.lambdas.invoke(fn, payload);
    } catch (error) {
      // Lambda reports a handler error by its name; Catch and Retry match on it.
      const original = error as Error;
      throw named(original.name || 'Error', original.message);
    }
  }

  private requireFunction(arn: string, stateName: string): FunctionName {
    const fn = this.functionByArn(arn);
    if (!fn) throw new Error(`State ${stateName} invokes ${arn}, which the local cloud does not know`);
    return fn;
  }

  private dropCallbacksOf(executionArn: string): void {
    for (const [token, pending] of this.callbacks)
      if (pending.executionArn === executionArn) this.callbacks.delete(token);
  }
}

function* allStates(definition: Record<string, unknown>): Generator<[string, Record<string, unknown>]> {
  const states = (definition.States ?? {}) as Record<string, Record<string, unknown>>;
  for (const [name, state] of Object.entries(states)) {
    yield [name, state];
    for (const branch of (state.Branches as Record<string, unknown>[] | undefined) ?? []) yield* allStates(branch);
    if (state.Iterator) yield* allStates(state.Iterator as Record<string, unknown>);
    if (state.ItemProcessor) yield* allStates(state.ItemProcessor as Record<string, unknown>);
  }
}

function named(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

/** Installs the timer clamp once for this process (see MAX_TIMER_MS). */
export function clampLongTimers(): void {
  const marker = Symbol.for('leading-talent.clamped-timers');
  const holder = globalThis as unknown as Record<symbol, boolean>;
  if (holder[marker]) return;
  holder[marker] = true;
  const original = globalThis.setTimeout;
  globalThis.setTimeout = ((callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) =>
    original(callback, Math.min(ms ?? 0, MAX_TIMER_MS), ...args)) as typeof setTimeout;
}
