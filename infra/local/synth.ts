import { App, type CfnElement, Stack } from 'aws-cdk-lib';
import { TrainingFunction } from '../constructs/training-function';
import type { FunctionName } from '../function-names';
import { buildTrainingStack } from '../app';

export const LOCAL_REGION = 'cn-north-1';
export const LOCAL_ACCOUNT = '000000000000';

export function localFunctionArn(name: FunctionName): string {
  return `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${name}`;
}

export interface SynthesizedSystem {
  /** The state machine definition exactly as deployed, with function ARNs resolved to local ones. */
  readonly definition: Record<string, unknown>;
  readonly stateMachineName: string;
  readonly template: Record<string, unknown>;
  /** Each function's timeout and reserved concurrency as deployed; the local runtime holds to both. */
  readonly functions: FunctionSettingsByName;
}

export interface FunctionSettings {
  readonly timeoutSeconds: number;
  readonly reservedConcurrency?: number;
}

export type FunctionSettingsByName = Readonly<Record<FunctionName, FunctionSettings>>;

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
  return { definition: JSON.parse(definitionString), stateMachineName: logicalId, template, functions };
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
