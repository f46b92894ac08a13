import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StateMachine } from 'aws-local-stepfunctions';
import { systemClock } from '../../shared/adapters/clock';
import type { FunctionName } from '../function-names';
import type { LocalLambdaRuntime } from './lambda-runtime';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './local-system';

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
  /**
   * State transitions as Step Functions bills them: every state entered (Task, Choice, Pass, Succeed, Fail) and
   * every Retry attempt, counted from the library's event log (`StateEntered`, `StateRetried`). For benchmarks.
   */
  stateTransitions: number;
  /** Parked in a callback state: its Lambda has stored the task token, and it waits for a person. */
  waiting: boolean;
}

interface PendingCallback {
  readonly executionArn: string;
  readonly stateName: string;
  /** Programme time (ms) at which the task times out, as its TimeoutSeconds(Path) says; undefined: never. */
  readonly dueAt?: number;
  readonly resolve: (output: unknown) => void;
  readonly reject: (error: Error) => void;
}

/** What the local Step Functions needs of the Lambda runtime (tests pass a stand-in). */
export type LambdaInvoker = Pick<LocalLambdaRuntime, 'invoke'>;

export interface LocalStepFunctionsOptions {
  /** Programme time, ms since the epoch: callback timeouts are measured on it. Default: `systemClock`. */
  readonly now?: () => number;
  /** Every Retry waits this many ms instead of its IntervalSeconds/BackoffRate (fast tests). Default: real. */
  readonly retryIntervalMs?: number;
  /** How often, in real ms, timers that programme time has reached on its own are fired. Default 1000. */
  readonly timerCheckMs?: number;
}

/** Node timers overflow past 2^31 ms (about 24.8 days) and would fire at once; the local cloud never runs that long. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** The library's real-time timeout for a callback state whose timeout is kept on programme time instead. */
const REAL_TIME_BACKSTOP_SECONDS = Math.floor(MAX_TIMER_MS / 1000);
const WAIT_FOR_TASK_TOKEN = ':states:::lambda:invoke.waitForTaskToken';

/**
 * A Step Functions endpoint for the AWS SDK (JSON 1.0 protocol) that runs the synthesized definition with
 * aws-local-stepfunctions. Each Lambda task is bound to its handler module; `.waitForTaskToken` tasks invoke the
 * handler with a fresh token and then wait for SendTaskSuccess/SendTaskFailure, as in AWS.
 *
 * Callback timeouts run on programme time, not on the library's real-time timer (a 30-day review would never time
 * out locally): entering a callback state sets a timer due `timeoutSeconds` after programme "now" (the payload's
 * `timeoutSeconds`, which mirrors the state's TimeoutSeconds/TimeoutSecondsPath, else the static TimeoutSeconds).
 * A due timer fails the task with States.Timeout, which the state's Catch routes and its Retry never repeats.
 * Timers fire when programme time is moved (`fireDueTimers`) and, checked every second, as it passes on its own.
 */
export class LocalStepFunctions {
  private readonly executions = new Map<string, Execution>();
  private readonly callbacks = new Map<string, PendingCallback>();
  private readonly machine: StateMachine;
  private readonly stateMachineArn: string;
  private readonly now: () => number;
  private readonly retryIntervalOverrides?: Record<string, number>;
  private readonly timerCheck: NodeJS.Timeout;
  private server?: Server;

  constructor(
    /** The definition as synthesized (aws-local-stepfunctions runs it with the timeouts above). */
    readonly definition: Record<string, unknown>,
    stateMachineName: string,
    private readonly lambdas: LambdaInvoker,
    private readonly functionByArn: (arn: string) => FunctionName | undefined,
    options: LocalStepFunctionsOptions = {},
  ) {
    this.stateMachineArn = `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:${stateMachineName}`;
    this.machine = new StateMachine(withProgrammeTimeouts(definition) as never, {
      validationOptions: { checkArn: false, checkPaths: true },
    });
    this.now = options.now ?? (() => systemClock.now().getTime());
    if (options.retryIntervalMs !== undefined) {
      const ms = options.retryIntervalMs;
      this.retryIntervalOverrides = Object.fromEntries(
        [...allStates(definition)].filter(([, state]) => state.Retry !== undefined).map(([name]) => [name, ms]),
      );
    }
    this.timerCheck = setInterval(() => void this.fireDueTimers().catch(() => undefined), options.timerCheckMs ?? 1000);
    this.timerCheck.unref();
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
    clearInterval(this.timerCheck);
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

  /**
   * Fails every callback task whose programme-time timeout is due by now with States.Timeout, earliest first, and
   * resolves with how many there were once the state machine has taken the failures (Catch applied, next state
   * entered). `settled()` then waits for the executions to end or park again.
   */
  async fireDueTimers(): Promise<number> {
    const timed = [...this.callbacks].filter(([, pending]) => pending.dueAt !== undefined);
    if (timed.length === 0) return 0;
    const now = this.now();
    const due = timed
      .filter(([, pending]) => (pending.dueAt as number) <= now)
      .sort(([, a], [, b]) => (a.dueAt as number) - (b.dueAt as number));
    for (const [token, pending] of due) {
      // Gone from the map first: an answer that comes later gets TaskTimedOut, as in AWS.
      this.callbacks.delete(token);
      pending.reject(statesTimeout(pending.stateName));
    }
    if (due.length > 0) await new Promise((resolve) => setImmediate(resolve));
    return due.length;
  }

  /** Programme times (ms) at which the pending callback tasks time out, earliest first. */
  pendingTimers(): number[] {
    return [...this.callbacks.values()]
      .flatMap((pending) => (pending.dueAt === undefined ? [] : [pending.dueAt]))
      .sort((a, b) => a - b);
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
      stateTransitions: 0,
      waiting: false,
    };
    const run = this.machine.run(parsedInput, {
      overrides: {
        taskResourceLocalHandlers: this.taskHandlers(execution) as never,
        ...(this.retryIntervalOverrides ? { retryIntervalOverrides: this.retryIntervalOverrides } : {}),
      },
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
    void countStateTransitions(run.eventLogs, execution);
    this.executions.set(name, execution);
    run.result.then(
      (output) => {
        execution.status = 'SUCCEEDED';
        execution.output = JSON.stringify(output);
        execution.stopDate = new Date();
        this.dropCallbacksOf(executionArn);
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
      if (resource.endsWith(WAIT_FOR_TASK_TOKEN)) {
        const fn = this.requireFunction(String(parameters.FunctionName), stateName);
        handlers[stateName] = async (input) => {
          execution.visited.push(stateName);
          const payload = (input as { Payload: { taskToken: string; timeoutSeconds?: unknown } }).Payload;
          const token = payload.taskToken;
          // The task's timeout runs from entering the state, Lambda invocation included, as in AWS.
          const timeoutSeconds = callbackTimeoutSeconds(payload.timeoutSeconds, state.TimeoutSeconds);
          const dueAt = timeoutSeconds === undefined ? undefined : this.now() + timeoutSeconds * 1000;
          const waiting = new Promise((resolve, reject) =>
            this.callbacks.set(token, {
              executionArn: execution.executionArn,
              stateName,
              ...(dueAt === undefined ? {} : { dueAt }),
              resolve,
              reject,
            }),
          );
          // It may be settled (answered, timed out) while the Lambda still runs; it is awaited below.
          waiting.catch(() => undefined);
          try {
            await this.invokeLambda(fn, payload);
          } catch (error) {
            // Answered or timed out before the Lambda failed: that outcome stands.
            if (!this.callbacks.has(token)) return waiting;
            this.callbacks.delete(token);
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

/** Drains the execution's event log (which otherwise only grows) into its billed-transition count. */
async function countStateTransitions(events: AsyncIterable<{ readonly type: string }>, execution: Execution) {
  for await (const event of events) {
    if (event.type === 'StateEntered' || event.type === 'StateRetried') execution.stateTransitions++;
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

/**
 * The definition aws-local-stepfunctions runs: callback states keep their timeout on programme time (above), so the
 * library's real-time timer becomes a backstop a minute later, which never comes first. (The library also evaluates
 * TimeoutSecondsPath against the state's effective input, after Parameters, rather than its input, which fails every
 * such state.)
 */
function withProgrammeTimeouts(definition: Record<string, unknown>): Record<string, unknown> {
  const copy = structuredClone(definition);
  for (const [, state] of allStates(copy)) {
    if (state.Type !== 'Task' || !String(state.Resource).endsWith(WAIT_FOR_TASK_TOKEN)) continue;
    const seconds = typeof state.TimeoutSeconds === 'number' ? state.TimeoutSeconds + 60 : REAL_TIME_BACKSTOP_SECONDS;
    delete state.TimeoutSecondsPath;
    state.TimeoutSeconds = Math.min(seconds, REAL_TIME_BACKSTOP_SECONDS);
  }
  return copy;
}

/** The payload's `timeoutSeconds` (what TimeoutSeconds/TimeoutSecondsPath resolves to), else the static one. */
function callbackTimeoutSeconds(fromPayload: unknown, fromState: unknown): number | undefined {
  if (typeof fromPayload === 'number' && Number.isFinite(fromPayload) && fromPayload > 0) return fromPayload;
  if (typeof fromState === 'number' && fromState > 0) return fromState;
  return undefined;
}

/**
 * States.Timeout as the state machine sees it: caught by a Catch on States.Timeout (or States.ALL), and never
 * retried; aws-local-stepfunctions would otherwise let a States.TaskFailed retrier match it, which AWS does not.
 */
function statesTimeout(stateName: string): Error {
  const error = named('States.Timeout', `${stateName} was not answered before its timeout (programme time)`);
  return Object.assign(error, { isRetryable: false, isCatchable: true });
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
