import { App, type CfnElement, Stack } from 'aws-cdk-lib';
import { TrainingFunction } from '../constructs/training-function';
import type { FunctionName } from '../function-names';
import { buildTrainingStack } from '../app';
import {
  type DailySchedule,
  type FunctionSettings,
  LOCAL_ACCOUNT,
  LOCAL_REGION,
  localFunctionArn,
  type SynthesizedSystem,
} from './local-system';

/**
 * Synthesizes the real stack in-process (bundling skipped: the local cloud runs the TypeScript handlers) and takes
 * the state machine definition from the template, so the local workflow is the one `cdk deploy` would create.
 */
export function synthesizeForLocal(): SynthesizedSystem {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = buildTrainingStack(app);
  const template = app.synth().getStackByName(stack.stackName).template as Record<string, unknown>;

  const functionsByLogicalId = new Map<string, FunctionName>();
  for (const construct of stack.node.findAll()) {
    if (construct instanceof TrainingFunction) {
      const logicalId = Stack.of(construct).getLogicalId(construct.fn.node.defaultChild as CfnElement);
      functionsByLogicalId.set(logicalId, construct.functionName);
    }
  }
  const resources = template.Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>;
  const [logicalId, machine] =
    Object.entries(resources).find(([, resource]) => resource.Type === 'AWS::StepFunctions::StateMachine') ?? [];
  if (!logicalId || !machine) throw new Error('The synthesized stack has no state machine');
  const definitionString = resolveIntrinsics(machine.Properties.DefinitionString, functionsByLogicalId);
  const functions = {} as Record<FunctionName, FunctionSettings>;
  for (const [functionLogicalId, name] of functionsByLogicalId) {
    const properties = resources[functionLogicalId]?.Properties ?? {};
    functions[name] = {
      timeoutSeconds: Number(properties.Timeout ?? 3),
      ...(properties.ReservedConcurrentExecutions === undefined
        ? {}
        : { reservedConcurrency: Number(properties.ReservedConcurrentExecutions) }),
    };
  }
  return {
    definition: JSON.parse(definitionString),
    stateMachineName: logicalId,
    template,
    functions,
    schedules: dailySchedules(resources, functionsByLogicalId),
  };
}

/** Rules with a daily `cron(M H * * ? *)` schedule whose target is one of the functions, with the target's input. */
function dailySchedules(
  resources: Record<string, { Type: string; Properties: Record<string, unknown> }>,
  functions: Map<string, FunctionName>,
): DailySchedule[] {
  const schedules: DailySchedule[] = [];
  for (const [rule, resource] of Object.entries(resources)) {
    if (resource.Type !== 'AWS::Events::Rule') continue;
    const expression = resource.Properties.ScheduleExpression;
    if (typeof expression !== 'string') continue;
    // A rate() schedule (the stuck-upload check, every 5 minutes) watches AWS, not programme time: the local cloud
    // does not run it, and its tests call the check directly.
    if (expression.startsWith('rate(')) continue;
    const daily = /^cron\((\d+) (\d+) \* \* \? \*\)$/.exec(expression);
    if (!daily) throw new Error(`The local cloud runs daily cron schedules only, not ${expression} (${rule})`);
    for (const target of (resource.Properties.Targets ?? []) as { Arn: unknown; Input?: string }[]) {
      const arn = target.Arn as { 'Fn::GetAtt'?: [string, string] };
      const functionName = arn['Fn::GetAtt'] ? functions.get(arn['Fn::GetAtt'][0]) : undefined;
      if (!functionName) continue;
      schedules.push({
        rule,
        functionName,
        minuteOfDayUtc: Number(daily[2]) * 60 + Number(daily[1]),
        input: target.Input ? JSON.parse(target.Input) : {},
      });
    }
  }
  return schedules;
}

function resolveIntrinsics(value: unknown, functions: Map<string, FunctionName>): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const object = value as Record<string, unknown>;
    if ('Fn::Join' in object) {
      const [separator, parts] = object['Fn::Join'] as [string, unknown[]];
      return parts.map((part) => resolveIntrinsics(part, functions)).join(separator);
    }
    if ('Fn::GetAtt' in object) {
      const [target] = object['Fn::GetAtt'] as [string, string];
      const name = functions.get(target);
      if (!name) throw new Error(`The state machine refers to ${target}, which is not a TrainingFunction`);
      return localFunctionArn(name);
    }
    if ('Ref' in object) {
      const ref = object.Ref as string;
      if (ref === 'AWS::Partition') return 'aws';
      if (ref === 'AWS::Region') return LOCAL_REGION;
      if (ref === 'AWS::AccountId') return LOCAL_ACCOUNT;
      if (ref === 'AWS::URLSuffix') return 'amazonaws.com';
    }
  }
  throw new Error(`Cannot resolve ${JSON.stringify(value)} in the state machine definition`);
}
