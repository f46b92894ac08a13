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
const CALLBACK_STATES = ['AwaitReview', 'AwaitClassClose'];
/** What a payload may carry: ids and the task token, never personal data (it would sit in the execution history). */
const ALLOWED_PAYLOAD_PATHS = ['$.registrationId', '$.unit', '$.year', '$$.Task.Token'];
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
        'AssignClass',
        'NotifyAssigned',
        'AwaitClassClose',
        'EvaluateAttendance',
        'NotifyIncomplete',
        'IssueCertificate',
        'NotifyCertified',
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
      'workflow-task': { timeoutSeconds: 30 },
      'send-notice': { timeoutSeconds: 30, reservedConcurrency: 2 },
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

  it('AwaitReview has a fixed timeout and handles States.Timeout (the seat is released)', () => {
    const review = states.AwaitReview;
    expect(review.TimeoutSeconds).toBeGreaterThan(0);
    const onTimeout = (review.Catch as CfnJson[]).find((c) => c.ErrorEquals.includes('States.Timeout'));
    expect(onTimeout?.Next).toBe('ReleaseSeat');
  });

  it('task payloads reference only registrationId, unit, year and the task token', () => {
    const referenced = tasks.flatMap(([, task]) => pathReferences(task.Parameters));
    expect(referenced.length).toBeGreaterThan(0);
    for (const path of referenced) expect(ALLOWED_PAYLOAD_PATHS).toContain(path);
  });

  it('no path or payload field anywhere in the definition names personal data', () => {
    const offending = [...fieldNames(definition)].filter((field) => PERSONAL_FIELDS.test(field));
    expect(offending).toEqual([]);
  });
});

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
