import {
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FunctionName } from '../../../infra/function-names';
import { type LambdaInvoker, LocalStepFunctions } from '../../../infra/local/step-functions';

const FUNCTION_ARN = 'arn:aws:lambda:cn-north-1:000000000000:function:workflow-task';
const HOUR_S = 3600;
const START = Date.parse('2024-08-24T09:00:00+08:00');

/** Retry on States.TaskFailed as the workflow has it: in AWS it never matches States.Timeout. */
const RETRY_TASK_FAILED = [{ ErrorEquals: ['States.TaskFailed'], IntervalSeconds: 30, MaxAttempts: 6 }];

/** One callback state whose timeout comes from the input, caught on States.Timeout. */
function callbackDefinition(timeout: Record<string, unknown>, payload: Record<string, unknown> = {}) {
  return {
    StartAt: 'AwaitPerson',
    States: {
      AwaitPerson: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
        ...timeout,
        Parameters: {
          FunctionName: FUNCTION_ARN,
          Payload: { 'taskToken.$': '$$.Task.Token', ...payload },
        },
        ResultPath: '$.answer',
        Retry: RETRY_TASK_FAILED,
        Catch: [{ ErrorEquals: ['States.Timeout'], ResultPath: '$.error', Next: 'TimedOut' }],
        Next: 'Answered',
      },
      Answered: { Type: 'Pass', Result: 'answered', ResultPath: '$.outcome', End: true },
      TimedOut: { Type: 'Pass', Result: 'timed out', ResultPath: '$.outcome', End: true },
    },
  };
}

const BY_PATH = callbackDefinition({ TimeoutSecondsPath: '$.timeout' }, { 'timeoutSeconds.$': '$.timeout' });

/** Two callback states in a row, each timing out after `$.timeout` seconds. */
const TWO_CALLBACKS = (() => {
  const definition = structuredClone(BY_PATH) as { StartAt: string; States: Record<string, Record<string, unknown>> };
  definition.StartAt = 'AwaitFirst';
  definition.States.AwaitFirst = { ...definition.States.AwaitPerson, ResultPath: '$.answer', Next: 'AwaitPerson' };
  definition.States.AwaitPerson = { ...definition.States.AwaitPerson, ResultPath: '$.again' };
  return definition;
})();

/** Stands in for the Lambda runtime: records each invocation's payload (the callback Lambda stores the token). */
class FakeLambdas implements LambdaInvoker {
  readonly payloads: { taskToken?: string }[] = [];
  failuresLeft = 0;
  async invoke(_name: FunctionName, event: unknown): Promise<unknown> {
    this.payloads.push(event as { taskToken?: string });
    if (this.failuresLeft > 0) {
      this.failuresLeft--;
      throw Object.assign(new Error('DynamoDB briefly unreachable'), { name: 'Error' });
    }
    return {};
  }
}

async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`Timed out waiting for ${what}`);
}

describe('local Step Functions: callback timeouts on programme time', () => {
  let sfn: LocalStepFunctions | undefined;
  afterEach(async () => {
    await sfn?.close();
    sfn = undefined;
  });

  async function setUp(definition: Record<string, unknown>, options: { timerCheckMs?: number } = {}) {
    let programmeNow = START;
    const lambdas = new FakeLambdas();
    sfn = new LocalStepFunctions(definition, 'Test', lambdas, () => 'workflow-task', {
      now: () => programmeNow,
      // A wrong retry would come at once (and be seen), not after 30 s.
      retryIntervalMs: 0,
      timerCheckMs: options.timerCheckMs ?? 60_000,
    });
    const client = new SFNClient({
      endpoint: await sfn.listen(),
      region: 'cn-north-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const machine = sfn;
    const start = async (input: unknown) => {
      const { executionArn } = await client.send(
        new StartExecutionCommand({ stateMachineArn: machine.arn, input: JSON.stringify(input) }),
      );
      const execution = () => machine.list().find((e) => e.executionArn === executionArn);
      await eventually(async () => (execution()?.waiting ? true : undefined), 5000, 'the callback state');
      return { executionArn, execution: () => execution() as NonNullable<ReturnType<typeof execution>> };
    };
    const ended = <E extends { status: string }>(execution: () => E) =>
      eventually(async () => (execution().status === 'RUNNING' ? undefined : execution()), 3000, 'the execution');
    return {
      sfn: machine,
      client,
      lambdas,
      start,
      ended,
      setNow: (ms: number) => {
        programmeNow = ms;
      },
    };
  }

  it('times out only when programme time reaches the due time, through the Catch, never retried', async () => {
    const t = await setUp(BY_PATH);
    const { execution } = await t.start({ timeout: 24 * HOUR_S });
    const token = t.lambdas.payloads[0]?.taskToken as string;
    expect(t.sfn.pendingTimers()).toEqual([START + 24 * HOUR_S * 1000]);

    t.setNow(START + 24 * HOUR_S * 1000 - 1);
    expect(await t.sfn.fireDueTimers()).toBe(0);
    // Not due: the callback is still pending with its timer, and the execution still parked on it.
    expect(t.sfn.pendingTimers()).toEqual([START + 24 * HOUR_S * 1000]);
    expect(execution()).toMatchObject({ status: 'RUNNING', waiting: true });

    t.setNow(START + 24 * HOUR_S * 1000);
    expect(await t.sfn.fireDueTimers()).toBe(1);
    const done = await eventually(
      async () => (execution().status !== 'RUNNING' || t.lambdas.payloads.length > 1 ? execution() : undefined),
      3000,
      'the timeout to take effect',
    );
    // A retry would have invoked the Lambda again with a new token and parked once more.
    expect(t.lambdas.payloads).toHaveLength(1);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output ?? '{}')).toMatchObject({
      outcome: 'timed out',
      error: { Error: 'States.Timeout' },
    });
    expect(t.sfn.pendingTimers()).toEqual([]);

    const late = t.client.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' }));
    await expect(late).rejects.toBeInstanceOf(TaskTimedOut);
  });

  it('fires due timers on its own as programme time passes', async () => {
    const t = await setUp(BY_PATH, { timerCheckMs: 20 });
    const { execution } = await t.start({ timeout: 60 });
    // The periodic check has run a few times before the due time, and fired nothing.
    const checks = vi.spyOn(t.sfn, 'fireDueTimers');
    await eventually(async () => (checks.mock.calls.length >= 3 ? true : undefined), 3000, 'three timer checks');
    checks.mockRestore();
    expect(t.sfn.pendingTimers()).toEqual([START + 60_000]);
    expect(execution()).toMatchObject({ status: 'RUNNING', waiting: true });
    t.setNow(START + 61_000);
    const done = await t.ended(execution);
    expect(JSON.parse(done.output ?? '{}')).toMatchObject({ outcome: 'timed out' });
  });

  it('cancels the timer when the task is answered', async () => {
    // Answered, the execution goes on to a second callback state: only that one's timer is left.
    const t = await setUp(TWO_CALLBACKS);
    const { execution } = await t.start({ timeout: 60 });
    const first = t.lambdas.payloads[0]?.taskToken as string;
    t.setNow(START + 10_000);
    await t.client.send(new SendTaskSuccessCommand({ taskToken: first, output: JSON.stringify({ ok: true }) }));
    await eventually(
      async () => (t.lambdas.payloads.length === 2 && execution().waiting ? true : undefined),
      3000,
      'the second callback state',
    );
    expect(t.sfn.pendingTimers()).toEqual([START + 70_000]);
    t.setNow(START + 65_000);
    expect(await t.sfn.fireDueTimers()).toBe(0);
    expect(execution().status).toBe('RUNNING');

    const second = t.lambdas.payloads[1]?.taskToken as string;
    await t.client.send(new SendTaskSuccessCommand({ taskToken: second, output: JSON.stringify({ again: true }) }));
    const done = await t.ended(execution);
    expect(JSON.parse(done.output ?? '{}')).toMatchObject({ outcome: 'answered', answer: { ok: true } });
    expect(t.sfn.pendingTimers()).toEqual([]);
    // Answered once: a second answer finds the token gone.
    const twice = t.client.send(new SendTaskSuccessCommand({ taskToken: first, output: '{}' }));
    await expect(twice).rejects.toBeInstanceOf(TaskTimedOut);
  });

  it('cancels the timer when the execution ends otherwise', async () => {
    const t = await setUp(BY_PATH);
    const { executionArn, execution } = await t.start({ timeout: 60 });
    await t.client.send(new StopExecutionCommand({ executionArn }));
    await t.ended(execution);
    expect(execution().status).toBe('ABORTED');
    expect(t.sfn.pendingTimers()).toEqual([]);
  });

  it("falls back to the state's static TimeoutSeconds; with neither, no programme-time timer", async () => {
    const fixed = await setUp(callbackDefinition({ TimeoutSeconds: 30 * 24 * HOUR_S }));
    const first = await fixed.start({});
    expect(fixed.sfn.pendingTimers()).toEqual([START + 30 * 24 * HOUR_S * 1000]);
    fixed.setNow(START + 30 * 24 * HOUR_S * 1000);
    expect(await fixed.sfn.fireDueTimers()).toBe(1);
    expect(JSON.parse((await fixed.ended(first.execution)).output ?? '{}')).toMatchObject({ outcome: 'timed out' });
    await fixed.sfn.close();

    // The path alone, without the payload's mirror: the execution parks (aws-local-stepfunctions would fail it).
    const unknown = await setUp(callbackDefinition({ TimeoutSecondsPath: '$.timeout' }));
    const second = await unknown.start({ timeout: 60 });
    expect(unknown.sfn.pendingTimers()).toEqual([]);
    unknown.setNow(START + 365 * 24 * HOUR_S * 1000);
    expect(await unknown.sfn.fireDueTimers()).toBe(0);
    expect(second.execution().status).toBe('RUNNING');
  });

  it('retries at retryIntervalMs instead of the state’s IntervalSeconds', async () => {
    const t = await setUp(BY_PATH);
    t.lambdas.failuresLeft = 2;
    // Each failed attempt is retried (States.TaskFailed, IntervalSeconds 30) with a fresh token and timer.
    const { execution } = await t.start({ timeout: 60 });
    expect(t.lambdas.payloads).toHaveLength(3);
    expect(new Set(t.lambdas.payloads.map((p) => p.taskToken)).size).toBe(3);
    expect(t.sfn.pendingTimers()).toHaveLength(1);
    expect(execution().status).toBe('RUNNING');
  });
});
