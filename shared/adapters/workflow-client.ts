import {
  ExecutionAlreadyExists,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import type { WorkflowInput } from '../domain/workflow';
import { sfnClient } from './aws-clients';
import { loadConfig } from './config';

/**
 * Starts the trainee's execution, named by the registration id: a second start for the same registration (a
 * re-delivered event, a retried ingest) finds the execution already there, which counts as success.
 */
export async function startTraineeWorkflow(input: WorkflowInput): Promise<'started' | 'already-started'> {
  const stateMachineArn = loadConfig().STATE_MACHINE_ARN;
  if (!stateMachineArn) throw new Error('STATE_MACHINE_ARN is not configured for this function');
  try {
    await sfnClient().send(
      new StartExecutionCommand({ stateMachineArn, name: input.registrationId, input: JSON.stringify(input) }),
    );
    return 'started';
  } catch (error) {
    if (
      error instanceof ExecutionAlreadyExists ||
      (error instanceof Error && error.name === 'ExecutionAlreadyExists')
    ) {
      return 'already-started';
    }
    throw error;
  }
}

export async function resumeWorkflow(taskToken: string, output: Record<string, unknown>): Promise<void> {
  await sfnClient().send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }));
}

export async function failWorkflowTask(taskToken: string, error: string, cause: string): Promise<void> {
  await sfnClient().send(new SendTaskFailureCommand({ taskToken, error, cause }));
}

/** The wait this token belonged to is over (answered, timed out or the execution ended). */
export function isSpentToken(error: unknown): boolean {
  const name = error instanceof Error ? error.name : '';
  return name === 'TaskTimedOut' || name === 'InvalidToken' || name === 'TaskDoesNotExist';
}
