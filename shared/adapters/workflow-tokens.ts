import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { DomainError } from '../domain/errors';
import type { HistoryEvent } from '../domain/registration-history';
import type { Registration, RegistrationStatus } from '../domain/trainee-registration';
import type { AwaitStage } from '../domain/workflow';
import { dynamoClient } from './aws-clients';
import { loadConfig } from './config';
import { historyPut } from './history-store';
import { keys } from './keys';
import { assignments, writeTransaction } from './registration-store';

const table = () => loadConfig().TABLE_NAME;

export type SaveOutcome = 'saved' | 'missing' | 'withdrawn' | { readonly status: RegistrationStatus };

/**
 * Parks a workflow on the registration: stores the task token a person's answer will resume it with (the token
 * never leaves the store). One conditional write, so a withdrawal can never slip in between a check and the save;
 * `expectStatus` makes the save refuse a registration that has moved on (a waitlisted trainee promoted meanwhile).
 */
export async function saveTaskToken(
  registrationId: string,
  stage: AwaitStage,
  taskToken: string,
  dueAt: string | undefined,
  expectStatus?: RegistrationStatus,
): Promise<SaveOutcome> {
  try {
    await dynamoClient().send(
      new UpdateCommand({
        TableName: table(),
        Key: keys.registration(registrationId),
        UpdateExpression: dueAt
          ? 'SET taskToken = :token, awaiting = :stage, awaitingUntil = :due'
          : 'SET taskToken = :token, awaiting = :stage REMOVE awaitingUntil',
        ConditionExpression: `attribute_exists(pk) AND #status <> :withdrawn${expectStatus ? ' AND #status = :expected' : ''}`,
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':token': taskToken,
          ':stage': stage,
          ':withdrawn': 'withdrawn',
          ...(dueAt ? { ':due': dueAt } : {}),
          ...(expectStatus ? { ':expected': expectStatus } : {}),
        },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return 'saved';
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
    if (!error.Item) return 'missing';
    const status = String(error.Item.status?.S ?? '') as RegistrationStatus;
    return status === 'withdrawn' ? 'withdrawn' : { status };
  }
}

export interface WaitingTask {
  readonly taskToken: string;
  readonly awaiting: AwaitStage;
}

export async function getTaskToken(registrationId: string): Promise<WaitingTask | undefined> {
  const result = await dynamoClient().send(
    new GetCommand({
      TableName: table(),
      Key: keys.registration(registrationId),
      ProjectionExpression: 'taskToken, awaiting',
      ConsistentRead: true,
    }),
  );
  const item = result.Item;
  return item?.taskToken ? { taskToken: String(item.taskToken), awaiting: item.awaiting as AwaitStage } : undefined;
}

/** The condition and values that make a transaction apply only while that very token is stored. */
export function tokenCondition(task: WaitingTask) {
  return {
    expression: 'taskToken = :token AND awaiting = :stage',
    values: { ':token': task.taskToken, ':stage': task.awaiting },
  };
}

/**
 * Takes the stored token for one caller alone, recording what it decided and its history event in the same
 * transaction: of two people answering the same wait, one gets the token and the other `false`.
 */
export async function claimTaskToken(
  registration: Registration,
  waiting: WaitingTask,
  set: Readonly<Record<string, unknown>>,
  event: HistoryEvent,
): Promise<boolean> {
  const condition = tokenCondition(waiting);
  const names: Record<string, string> = { '#status': 'status' };
  const values: Record<string, unknown> = { ':from': registration.status, ...condition.values };
  const sets = assignments(set, names, values);
  try {
    await writeTransaction([
      {
        Update: {
          TableName: table(),
          Key: keys.registration(registration.registrationId),
          UpdateExpression: `${sets.length ? `SET ${sets.join(', ')} ` : ''}REMOVE taskToken, awaiting, awaitingUntil`,
          ConditionExpression: `#status = :from AND ${condition.expression}`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        },
      },
      historyPut(registration.registrationId, event),
    ]);
    return true;
  } catch (error) {
    if (error instanceof DomainError && error.code === 'STATUS_CHANGED') return false;
    throw error;
  }
}

/**
 * Undoes a claim whose answer never reached the workflow (Step Functions unavailable): the token goes back, so the
 * wait can be answered again, and the history says why. Only while nothing else has changed the registration.
 */
export async function restoreTaskToken(
  registration: Registration,
  waiting: WaitingTask,
  unset: readonly string[],
  event: HistoryEvent,
): Promise<void> {
  await writeTransaction([
    {
      Update: {
        TableName: table(),
        Key: keys.registration(registration.registrationId),
        UpdateExpression: `SET taskToken = :token, awaiting = :stage${
          registration.awaitingUntil ? ', awaitingUntil = :until' : ''
        }${unset.length ? ` REMOVE ${unset.join(', ')}` : ''}`,
        ConditionExpression: '#status = :from AND attribute_not_exists(taskToken)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':from': registration.status,
          ':token': waiting.taskToken,
          ':stage': waiting.awaiting,
          ...(registration.awaitingUntil ? { ':until': registration.awaitingUntil } : {}),
        },
      },
    },
    historyPut(registration.registrationId, event),
  ]);
}

/** Marks (or clears) a withdrawal whose hand-off to the workflow is still to be delivered. */
export async function setWorkflowStopPending(registrationId: string, pending: boolean): Promise<void> {
  await dynamoClient().send(
    new UpdateCommand({
      TableName: table(),
      Key: keys.registration(registrationId),
      UpdateExpression: pending ? 'SET workflowStopPending = :yes' : 'REMOVE workflowStopPending',
      ConditionExpression: 'attribute_exists(pk)',
      ...(pending ? { ExpressionAttributeValues: { ':yes': true } } : {}),
    }),
  );
}
