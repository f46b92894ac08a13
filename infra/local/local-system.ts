/**
 * What the local cloud needs from the synthesized stack, and the local account and ARNs, without the CDK: a process
 * handed an already synthesized system (each test file of a run) never loads aws-cdk-lib.
 */
import type { FunctionName } from '../function-names';

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
  /** Daily EventBridge schedules that invoke a function, which the local cloud runs on programme time. */
  readonly schedules: readonly DailySchedule[];
}

export interface DailySchedule {
  readonly rule: string;
  readonly functionName: FunctionName;
  /** UTC time of day the rule fires, in minutes after midnight. */
  readonly minuteOfDayUtc: number;
  readonly input: unknown;
}

export interface FunctionSettings {
  readonly timeoutSeconds: number;
  readonly reservedConcurrency?: number;
}

export type FunctionSettingsByName = Readonly<Record<FunctionName, FunctionSettings>>;
