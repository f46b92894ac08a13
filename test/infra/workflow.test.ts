import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { synthesizeForLocal } from '../../infra/local/synth';
import { type CfnJson, getAtt, resourcesOfType, type TemplateJson } from './synthesis';

type AslValidator = (
  definition: unknown,
  options?: { checkPaths?: boolean; checkArn?: boolean },
) => { isValid: boolean; errorsText: (separator?: string) => string };
const aslValidator = createRequire(import.meta.url)('asl-validator') as AslValidator;

// The definition exactly as deployed, with the function ARNs resolved to local ones.
const system = synthesizeForLocal();
const definition: CfnJson = system.definition;
const template = system.template as unknown as TemplateJson;

const states = collectStates(definition);
const tasks = Object.entries(states).filter(([, state]) => state.Type === 'Task');
/** Where an execution waits for a person (review, closing a class, recovery) or for a freed seat. */
const CALLBACK_STATES = ['AwaitReview', 'AwaitSeat', 'AwaitClassClose', 'AwaitRecovery'];
/**
 * What a payload may carry: ids, figures (how long a wait lasts), the task token, and for RecordFailure the failed
 * step and the error's name. Never personal data, nor an error's Cause (it may quote data): all of it would sit
 * in the execution history.
 */
const ALLOWED_PAYLOAD_PATHS = [
  '$.registrationId',
  '$.unit',
  '$.year',
  '$$.Task.Token',
  '$.reviewTimeoutSeconds',
  '$.assignment.waitTimeoutSeconds',
  '$.assignment.closeTimeoutSeconds',
  '$.failedStep',
  '$.error.Error',
];
const ALLOWED_PAYLOAD_KEYS = [
  'action',
  'notice',
  'registrationId',
  'unit',
  'year',
  'taskToken',
  'timeoutSeconds',
  'failedStep',
  'error',
];
/** The steps that record a failure and wait for staff; every other task is retryable from there. */
const RECOVERY_STATES = ['RecordFailure', 'AwaitRecovery'];
/** The withdrawal is already done when its notice runs; a notice that cannot be sent ends the execution failed. */
const ENDS_FAILED_ON_ERROR = ['NotifyWithdrawn'];
const retryableTasks = tasks
  .map(([name]) => name)
  .filter((name) => !RECOVERY_STATES.includes(name) && !ENDS_FAILED_ON_ERROR.includes(name));
const PERSONAL_FIELDS = /^(idNumber|idCard|mobile|phone|email|name|fullName|personName|birthDate|address)$/i;

describe('state machine resource', () => {
  const machines = resourcesOfType(template, 'AWS::StepFunctions::StateMachine');

  it('is one Standard state machine with X-Ray tracing', () => {
    expect(machines).toHaveLength(1);
    const machine: CfnJson = machines[0]?.[1].Properties;
    expect(machine.StateMachineType).toBe('STANDARD');
    expect(machine.TracingConfiguration).toEqual({ Enabled: true });
  });

  it('logs level ALL without execution data into an encrypted log group', () => {
    const logging: CfnJson = machines[0]?.[1].Properties.LoggingConfiguration;
    expect(logging.Level).toBe('ALL');
    expect(logging.IncludeExecutionData).toBe(false);
    const logGroupArn = logging.Destinations[0].CloudWatchLogsLogGroup.LogGroupArn;
    const logGroup = template.Resources[logGroupArn['Fn::GetAtt'][0]];
    expect(logGroup?.Type).toBe('AWS::Logs::LogGroup');
    expect(logGroup?.Properties.KmsKeyId).toEqual(getAtt('DataKey'));
  });
});

describe('state machine definition', () => {
  it('is valid Amazon States Language (asl-validator)', () => {
    // The validator annotates the object it checks, so it gets a copy.
    const result = aslValidator(structuredClone(definition));
    expect(result.errorsText('\n')).toBe('');
    expect(result.isValid).toBe(true);
  });

  it('bounds the whole execution with a top-level TimeoutSeconds', () => {
    expect(definition.TimeoutSeconds).toBeGreaterThan(0);
  });

  it('has the tasks of the architecture', () => {
    expect(tasks.map(([name]) => name)).toEqual(
      expect.arrayContaining([
        'NotifyNominated',
        'AwaitReview',
        'ReleaseSeat',
        'NotifyRejected',
        'ExpireReview',
        'NotifyExpired',
        'AssignClass',
        'NotifyWaitlisted',
        'AwaitSeat',
        'EndWaitlist',
        'NotifyNotPlaced',
        'NotifyAssigned',
        'AwaitClassClose',
        'EvaluateAttendance',
        'NotifyIncomplete',
        'IssueCertificate',
        'NotifyCertified',
        'NotifyWithdrawn',
        'RecordFailure',
        'AwaitRecovery',
      ]),
    );
  });

  it.each(tasks.map(([name]) => name))('Task %s has a timeout, retries Lambda service errors and a Catch', (name) => {
    const task = states[name];
    const timeout = task.TimeoutSeconds ?? task.TimeoutSecondsPath;
    expect(timeout, 'TimeoutSeconds or TimeoutSecondsPath').toBeDefined();
    if (task.TimeoutSeconds !== undefined) expect(task.TimeoutSeconds).toBeGreaterThan(0);
    const retried = (task.Retry ?? []).flatMap((retry: CfnJson) => retry.ErrorEquals);
    expect(retried).toEqual(expect.arrayContaining(['Lambda.ServiceException', 'Lambda.SdkClientException']));
    // Throttling is waited out patiently, and its retrier comes before the general one that would match it first.
    const retriers = (task.Retry ?? []).map((retry: CfnJson) => retry.ErrorEquals as string[]);
    const throttled = retriers.findIndex((errors: string[]) => errors.includes('Lambda.TooManyRequestsException'));
    const general = retriers.findIndex((errors: string[]) => errors.includes('States.TaskFailed'));
    expect(throttled, 'a throttling retrier').toBeGreaterThanOrEqual(0);
    expect(throttled).toBeLessThan(general);
    expect(task.Retry[throttled].MaxAttempts).toBeGreaterThanOrEqual(20);
    const caught = (task.Catch ?? []).flatMap((c: CfnJson) => c.ErrorEquals);
    expect(caught.length, 'a Catch').toBeGreaterThan(0);
    expect(caught, 'a catch-all').toContain('States.ALL');
  });

  it('hands the local cloud each function’s deployed timeout and reserved concurrency', () => {
    expect(system.functions).toEqual({
      'upload-url': { timeoutSeconds: 10 },
      'ingest-upload': { timeoutSeconds: 300, reservedConcurrency: 5 },
      'admin-api': { timeoutSeconds: 29 },
      'class-api': { timeoutSeconds: 29 },
      'staff-api': { timeoutSeconds: 29 },
      'certificate-api': { timeoutSeconds: 29 },
      'public-api': { timeoutSeconds: 10 },
      'evaluation-api': { timeoutSeconds: 29 },
      'workflow-task': { timeoutSeconds: 30 },
      'send-notice': { timeoutSeconds: 30, reservedConcurrency: 2 },
      'stuck-uploads': { timeoutSeconds: 60, reservedConcurrency: 1 },
      'mail-events': { timeoutSeconds: 30 },
    });
  });

  it.each(CALLBACK_STATES)('%s waits for a task token that it passes to the function', (name) => {
    const task = states[name];
    expect(task.Type).toBe('Task');
    expect(task.Resource).toMatch(/\.waitForTaskToken$/);
    expect(task.Parameters.Payload['taskToken.$']).toBe('$$.Task.Token');
  });

  it('every callback task in the definition is one of the known callback states', () => {
    const callbacks = tasks.filter(([, task]) => String(task.Resource).endsWith('.waitForTaskToken'));
    expect(callbacks.map(([name]) => name).sort()).toEqual([...CALLBACK_STATES].sort());
  });

  it('AwaitReview waits as long as the execution input says (the programme’s reviewTimeoutDays), then expires', () => {
    const review = states.AwaitReview;
    expect(review.TimeoutSecondsPath).toBe('$.reviewTimeoutSeconds');
    expect(review.TimeoutSeconds).toBeUndefined();
    // The wait's own timeout travels to the function, which stores until when the registration waits.
    expect(review.Parameters.Payload['timeoutSeconds.$']).toBe('$.reviewTimeoutSeconds');
    // An unanswered review expires: it is not a rejection (DOMAIN.md), so it takes neither the rejection path nor
    // its notice.
    expect(timeoutCatcher('AwaitReview')?.Next).toBe('ExpireReview');
    const afterTimeout = reachable('ExpireReview');
    expect(afterTimeout).toContain('NotifyExpired');
    expect(afterTimeout).not.toContain('ReleaseSeat');
    expect(afterTimeout).not.toContain('NotifyRejected');
    const rejected = (review.Catch as CfnJson[]).find((c) => c.ErrorEquals.includes('RegistrationRejected'));
    expect(rejected?.Next).toBe('ReleaseSeat');
  });

  it('task payloads reference only ids, wait figures, the task token, the failed step and the error name', () => {
    const referenced = tasks.flatMap(([, task]) => pathReferences(task.Parameters));
    expect(referenced.length).toBeGreaterThan(0);
    for (const path of referenced) expect(ALLOWED_PAYLOAD_PATHS).toContain(path);
  });

  it.each(tasks.map(([name]) => name))('Task %s sends a payload with only the allowed fields', (name) => {
    const payload = payloadOf(name);
    expect(payload, 'a payload object').toBeTypeOf('object');
    for (const key of Object.keys(payload)) expect(ALLOWED_PAYLOAD_KEYS).toContain(key.replace(/\.\$$/, ''));
  });

  it('RecordFailure passes the failed step and the error’s name, never its cause', () => {
    expect(payloadOf('RecordFailure')).toMatchObject({
      action: 'recordFailure',
      'failedStep.$': '$.failedStep',
      'error.$': '$.error.Error',
    });
    expect(JSON.stringify(definition)).not.toMatch(/\$\.error\.Cause/);
  });

  it('no path or payload field anywhere in the definition names personal data', () => {
    const offending = [...fieldNames(definition)].filter((field) => PERSONAL_FIELDS.test(field));
    expect(offending).toEqual([]);
  });
});

describe('callback states: time passing is handled, never left hanging', () => {
  /** Where a timeout leads, and the path from there if nothing else fails. */
  const TIMEOUT_PATHS: Record<string, { next: string; outcome: 'success' | 'failed' }> = {
    AwaitReview: { next: 'ExpireReview', outcome: 'success' },
    AwaitSeat: { next: 'EndWaitlist', outcome: 'success' },
    AwaitClassClose: { next: 'EvaluateAttendance', outcome: 'success' },
    AwaitRecovery: { next: 'RecoveryWindowClosed', outcome: 'success' },
  };

  it('the table above covers every callback state', () => {
    expect(Object.keys(TIMEOUT_PATHS).sort()).toEqual([...CALLBACK_STATES].sort());
  });

  it.each(CALLBACK_STATES)('%s has a timeout', (name) => {
    const task = states[name];
    if (task.TimeoutSecondsPath !== undefined) expect(task.TimeoutSecondsPath).toMatch(/^\$\./);
    else expect(task.TimeoutSeconds).toBeGreaterThan(0);
    // The function is told the same timeout, so the registration shows until when it waits.
    const told = payloadOf(name).timeoutSeconds ?? payloadOf(name)['timeoutSeconds.$'];
    expect(told).toBe(task.TimeoutSeconds ?? task.TimeoutSecondsPath);
  });

  it.each(CALLBACK_STATES)('%s never retries a timeout (that would start the whole wait again)', (name) => {
    for (const retrier of states[name].Retry ?? []) {
      expect(retrier.ErrorEquals).not.toContain('States.Timeout');
      expect(retrier.ErrorEquals).not.toContain('States.ALL');
    }
  });

  it.each(CALLBACK_STATES)('a withdrawal ends %s: the trainee is told, and the execution succeeds', (name) => {
    expect(catcherFor(name, 'RegistrationWithdrawn')?.ErrorEquals).toEqual(['RegistrationWithdrawn']);
    expect(catcherFor(name, 'RegistrationWithdrawn')?.Next).toBe('NotifyWithdrawn');
    expect(states.NotifyWithdrawn.Next).toBe('Withdrawn');
    expect(states.Withdrawn.Type).toBe('Succeed');
  });

  it.each(CALLBACK_STATES)('%s catches States.Timeout on its own path', (name) => {
    const expected = TIMEOUT_PATHS[name];
    if (!expected) throw new Error(`no expectation for ${name}`);
    const catcher = timeoutCatcher(name);
    expect(catcher?.ErrorEquals, 'a catcher naming States.Timeout before any catch-all').toContain('States.Timeout');
    expect(catcher?.Next).toBe(expected.next);
    const path = reachable(expected.next);
    const failing = path.filter((state) => isFailurePath(state));
    if (expected.outcome === 'failed') {
      expect(states[expected.next].Type).toBe('Fail');
    } else {
      expect(failing, 'states on the timeout path that belong to failure handling').toEqual([]);
      expect(
        path.some((state) => states[state].Type === 'Succeed'),
        'the path ends in success',
      ).toBe(true);
    }
  });
});

describe('failure recovery: a step that fails after its retries waits for staff', () => {
  it('NotifyWithdrawn failing after its retries ends the execution failed instead of looping through recovery', () => {
    const catchAll = catcherFor('NotifyWithdrawn', 'SomethingUnexpected');
    expect(catchAll?.ErrorEquals).toEqual(['States.ALL']);
    expect(states[catchAll?.Next]?.Type).toBe('Fail');
  });

  it('has the retryable tasks of the workflow (all tasks but RecordFailure, AwaitRecovery and NotifyWithdrawn)', () => {
    expect(retryableTasks).toHaveLength(19);
    for (const name of RECOVERY_STATES) expect(states[name]?.Type).toBe('Task');
  });

  it.each(retryableTasks)(
    '%s: anything its retries do not absorb goes to its <Name>Failed Pass, then RecordFailure',
    (name) => {
      const catchAll = catcherFor(name, 'SomethingUnexpected');
      expect(catchAll?.ErrorEquals).toEqual(['States.ALL']);
      expect(catchAll?.Next).toBe(`${name}Failed`);
      const remember = states[`${name}Failed`];
      expect(remember).toMatchObject({ Type: 'Pass', Result: name, ResultPath: '$.failedStep', Next: 'RecordFailure' });
      // The error itself is kept beside the state, for RecordFailure to name.
      expect(catchAll?.ResultPath).toBe('$.error');
    },
  );

  it.each(retryableTasks)('RetryFailedStep sends a retry of %s back to that step', (name) => {
    const choices: CfnJson[] = states.RetryFailedStep.Choices;
    const branches = choices.filter((choice) => choice.Variable === '$.failedStep' && choice.StringEquals === name);
    expect(branches).toHaveLength(1);
    expect(branches[0].Next).toBe(name);
  });

  it('RetryFailedStep knows no other step, and ends in Failed for anything else', () => {
    const choices: CfnJson[] = states.RetryFailedStep.Choices;
    expect(states.RetryFailedStep.Type).toBe('Choice');
    expect(choices.map((choice) => choice.Next).sort()).toEqual([...retryableTasks].sort());
    expect(states[states.RetryFailedStep.Default].Type).toBe('Fail');
  });

  it('RecordFailure → AwaitRecovery → RetryFailedStep; a failure there is final, a withdrawal is told', () => {
    expect(states.RecordFailure.Next).toBe('AwaitRecovery');
    expect(states.AwaitRecovery.Next).toBe('RetryFailedStep');
    // Failing to record a failure must not loop back into recording it.
    expect(catcherFor('RecordFailure', 'SomethingUnexpected')?.Next).toBe('Failed');
    expect(catcherFor('AwaitRecovery', 'SomethingUnexpected')?.Next).toBe('Failed');
    expect(catcherFor('AwaitRecovery', 'RegistrationWithdrawn')?.Next).toBe('NotifyWithdrawn');
    expect(states.Failed.Type).toBe('Fail');
  });

  it('a Pass of the failure path exists only for a retryable task', () => {
    const passes = Object.entries(states)
      .filter(([name, state]) => state.Type === 'Pass' && name.endsWith('Failed'))
      .map(([name]) => name.replace(/Failed$/, ''));
    expect(passes.sort()).toEqual([...retryableTasks].sort());
  });
});

/**
 * What a task hands its function: a callback task names the function and its Payload; any other Lambda task is
 * optimised to the function ARN as Resource, with the payload as its Parameters.
 */
function payloadOf(name: string): CfnJson {
  const task = states[name];
  if (String(task.Resource).endsWith('.waitForTaskToken')) {
    expect(Object.keys(task.Parameters).sort()).toEqual(['FunctionName', 'Payload']);
    return task.Parameters.Payload;
  }
  expect(String(task.Resource)).toMatch(/^arn:aws:lambda:/);
  return task.Parameters;
}

/** The Catch that handles an error of this name: the first whose ErrorEquals names it or is the catch-all. */
function catcherFor(name: string, error: string): CfnJson | undefined {
  return (states[name]?.Catch as CfnJson[] | undefined)?.find(
    (c) => c.ErrorEquals.includes(error) || c.ErrorEquals.includes('States.ALL'),
  );
}

function timeoutCatcher(name: string): CfnJson | undefined {
  return catcherFor(name, 'States.Timeout');
}

/** The states reached from `start` when nothing fails: Next, and every branch and default of a Choice. */
function reachable(start: string): string[] {
  const seen = new Set<string>();
  const queue = [start];
  while (queue.length > 0) {
    const name = queue.shift() as string;
    if (seen.has(name)) continue;
    seen.add(name);
    const state = states[name];
    if (!state) throw new Error(`no state ${name}`);
    for (const next of [state.Next, state.Default, ...(state.Choices ?? []).map((c: CfnJson) => c.Next)])
      if (next) queue.push(next);
  }
  return [...seen];
}

/** Part of failure handling: a Fail state, RecordFailure, AwaitRecovery or a step's <Name>Failed Pass. */
function isFailurePath(name: string): boolean {
  const state = states[name];
  return (
    state?.Type === 'Fail' ||
    RECOVERY_STATES.includes(name) ||
    name === 'RetryFailedStep' ||
    (state?.Type === 'Pass' && name.endsWith('Failed'))
  );
}

/** All states, including those nested in Parallel branches and Map processors. */
function collectStates(machine: CfnJson): Record<string, CfnJson> {
  const found: Record<string, CfnJson> = {};
  for (const [name, state] of Object.entries(machine.States ?? {}) as [string, CfnJson][]) {
    found[name] = state;
    for (const branch of state.Branches ?? []) Object.assign(found, collectStates(branch));
    for (const nested of [state.Iterator, state.ItemProcessor]) if (nested) Object.assign(found, collectStates(nested));
  }
  return found;
}

/** The JSONPath values of `key.$` entries in a Parameters block. */
function pathReferences(parameters: CfnJson): string[] {
  if (!parameters || typeof parameters !== 'object') return [];
  return Object.entries(parameters).flatMap(([key, value]) =>
    key.endsWith('.$') ? [String(value)] : pathReferences(value),
  );
}

/** Every segment of every JSONPath and every Parameters key, so a personal-data field cannot hide in either. */
function fieldNames(node: CfnJson, inParameters = false): Set<string> {
  const names = new Set<string>();
  const visit = (value: CfnJson, parameters: boolean) => {
    if (typeof value === 'string') {
      if (value.startsWith('$'))
        for (const segment of value.split(/[.[\]'"]+/)) if (segment && segment !== '$') names.add(segment);
      return;
    }
    if (!value || typeof value !== 'object') return;
    for (const [key, child] of Object.entries(value)) {
      if (parameters) names.add(key.replace(/\.\$$/, ''));
      visit(child, parameters || key === 'Parameters' || key === 'Payload');
    }
  };
  visit(node, inParameters);
  return names;
}
