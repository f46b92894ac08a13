import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { DomainError } from '../domain/errors';
import { maskEmail, maskIdNumber, maskMobile } from '../domain/registration/personal-data-masking';
import type { HistoryEvent } from '../domain/registration-history';
import type { Registration, RegistrationStatus } from '../domain/trainee-registration';
import { dynamoClient } from './aws-clients';
import { countStatusChanges } from './metrics';
import { historyPut } from './history-store';
import { loadConfig } from './config';
import { indexKeys, keys } from './keys';
import { TTL_ATTRIBUTE } from './table-definition';
import { expiresAtFor } from '../domain/retention';
import { statusCountDeltas } from '../domain/quota-report';
import { statusCountsUpdate } from './quota-store';

const table = () => loadConfig().TABLE_NAME;

/**
 * The registration as stored: its keys, the index keys its status and class put it under, and its fields. The ID
 * number, mobile and email are kept apart in `personal`, which no index projects; `masked` is what lists show.
 */
export function registrationItem(registration: Registration) {
  const { year, unit, status, registrationId } = registration;
  return {
    ...keys.registration(registrationId),
    ...indexKeys.byUnit(year, unit, status, registrationId),
    ...indexKeys.byYear(year, status, unit, registrationId),
    ...(registration.classNumber ? indexKeys.byClass(year, registration.classNumber, registrationId) : {}),
    type: 'registration',
    ...registration,
    ...storedTrainee(registration.trainee),
  };
}

/** The trainee as stored: the details lists may show, the personal ones apart, and their masked forms. */
function storedTrainee(details: Registration['trainee']) {
  const { idNumber, mobile, email, ...trainee } = details;
  return {
    trainee,
    personal: { idNumber, mobile, email },
    masked: { idNumber: maskIdNumber(idNumber), mobile: maskMobile(mobile), email: email ? maskEmail(email) : '' },
  };
}

/** Attributes to write: a changed `trainee` is stored split, like a new registration (see registrationItem). */
function storedAttributes(attributes: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const { trainee, ...rest } = attributes;
  return trainee ? { ...rest, ...storedTrainee(trainee as Registration['trainee']) } : { ...rest };
}

export async function getRegistration(registrationId: string): Promise<Registration | undefined> {
  const result = await dynamoClient().send(
    new GetCommand({ TableName: table(), Key: keys.registration(registrationId), ConsistentRead: true }),
  );
  return result.Item ? toRegistration(result.Item) : undefined;
}

export async function putItem(item: Record<string, unknown>): Promise<void> {
  await dynamoClient().send(new PutCommand({ TableName: table(), Item: item }));
}

export async function getItem(key: { pk: string; sk: string }): Promise<Record<string, unknown> | undefined> {
  const result = await dynamoClient().send(
    new GetCommand({
      TableName: table(),
      Key: key,
      // Stryker disable next-line BooleanLiteral: DynamoDB Local reads are always consistent
      ConsistentRead: true,
    }),
  );
  return result.Item;
}

type TransactItems = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>;
export type TransactItem = TransactItems[number];

/** A status change: what else changes with it, and why. The history event is written in the same transaction. */
export interface Transition {
  readonly to: RegistrationStatus;
  readonly by: string;
  readonly reason?: string;
  /** Top-level attributes set with the change. */
  readonly set?: Readonly<Record<string, unknown>>;
  readonly remove?: readonly string[];
  /** Other items that change in the same transaction (seats, locks, the waitlist). */
  readonly alongside?: readonly TransactItem[];
  /** Extra fields of the status event (the failed step, say). */
  readonly event?: Partial<HistoryEvent>;
  /** A further condition on the registration, ANDed with its status (a stored task token, say). */
  readonly when?: { readonly expression: string; readonly values: Readonly<Record<string, unknown>> };
}

/**
 * The items of one status change: the registration (only if it is still in the status the caller read, so two
 * racing changes never both apply), its history event, whatever else moves with it, and last the unit's status
 * counts (out of one status, into the other), so the counts move exactly when a status does. A transaction holds
 * one status change: two changes of one unit would touch its counts twice, which DynamoDB refuses.
 */
export function transitionItems(registration: Registration, now: Date, transition: Transition): TransactItem[] {
  const { year, unit, registrationId } = registration;
  const at = now.toISOString();
  const names: Record<string, string> = { '#status': 'status' };
  const values: Record<string, unknown> = {
    ':to': transition.to,
    ':from': registration.status,
    ':updatedAt': at,
    ...statusSortKeys(year, unit, transition.to, registrationId),
    ...transition.when?.values,
  };
  const config = loadConfig();
  const expiresAt = expiresAtFor(transition.to, now, {
    endedDays: config.REGISTRATION_RETENTION_DAYS,
    certifiedDays: config.CERTIFIED_RETENTION_DAYS,
  });
  const sets = [
    '#status = :to',
    'updatedAt = :updatedAt',
    'gsi1sk = :gsi1sk',
    'gsi3sk = :gsi3sk',
    ...assignments(
      storedAttributes({ ...transition.set, ...(expiresAt ? { [TTL_ATTRIBUTE]: expiresAt } : {}) }),
      names,
      values,
    ),
  ];
  // A journey that resumes (a retried step, a freed seat) is no longer due for deletion.
  const removes = [...(transition.remove ?? []), ...(expiresAt ? [] : [TTL_ATTRIBUTE])].map((name) => {
    names[`#${name}`] = name;
    return `#${name}`;
  });
  return [
    {
      Update: {
        TableName: table(),
        Key: keys.registration(registrationId),
        UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
        ConditionExpression: transition.when
          ? `#status = :from AND (${transition.when.expression})`
          : '#status = :from',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      },
    },
    historyPut(registrationId, {
      at,
      kind: 'status',
      by: transition.by,
      from: registration.status,
      to: transition.to,
      reason: transition.reason,
      ...transition.event,
    }),
    ...(transition.alongside ?? []),
    ...optional(statusCountsUpdate(year, unit, statusCountDeltas(registration.status, transition.to))),
  ];
}

const optional = <T>(item: T | undefined): T[] => (item ? [item] : []);

/**
 * `#name = :name` for each attribute, registering its name and value: attribute names are always aliased, since
 * several (status, leave, session…) are DynamoDB reserved words.
 */
export function assignments(
  attributes: Readonly<Record<string, unknown>>,
  names: Record<string, string>,
  values: Record<string, unknown>,
): string[] {
  return Object.entries(attributes).map(([name, value]) => {
    names[`#${name}`] = name;
    values[`:${name}`] = value;
    return `#${name} = :${name}`;
  });
}

/** A transaction item that sets attributes without a status change, while the status is still the one read. */
export function updateRegistrationItem(
  registration: Registration,
  attributes: Readonly<Record<string, unknown>>,
): TransactItem {
  const names: Record<string, string> = { '#status': 'status' };
  const values: Record<string, unknown> = { ':from': registration.status };
  const sets = assignments(storedAttributes(attributes), names, values);
  return {
    Update: {
      TableName: table(),
      Key: keys.registration(registration.registrationId),
      UpdateExpression: `SET ${sets.join(', ')}`,
      ConditionExpression: '#status = :from',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
  };
}

/** Sets attributes without a status change, while the registration is still in the status read. */
export async function updateRegistration(
  registration: Registration,
  attributes: Readonly<Record<string, unknown>>,
): Promise<void> {
  const { Update } = updateRegistrationItem(registration, attributes);
  try {
    await dynamoClient().send(new UpdateCommand(Update as NonNullable<typeof Update>));
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) throw statusChanged();
    throw error;
  }
}

/** The registration's status changed since it was read: the caller lost a race and says so (409). */
export function statusChanged(): DomainError {
  return new DomainError('STATUS_CHANGED', '该报名的状态刚刚发生变化，请刷新后重试', 409);
}

/**
 * Applies a status change. If the registration is no longer in the status read, nothing is written and the call
 * fails with STATUS_CHANGED; other cancellations are returned to the caller by index (see cancelledAt).
 */
export async function transitionRegistration(
  registration: Registration,
  now: Date,
  transition: Transition,
): Promise<void> {
  await writeTransaction(transitionItems(registration, now, transition));
}

export class TransactionRefused extends Error {
  constructor(readonly reasons: readonly (string | undefined)[]) {
    super(`transaction refused: ${reasons.join(',')}`);
    this.name = 'TransactionRefused';
  }
  failedAt(index: number): boolean {
    return this.reasons[index] === 'ConditionalCheckFailed';
  }
  get conflict(): boolean {
    return this.reasons.includes('TransactionConflict');
  }
}

/**
 * One transaction. A failed condition on the first item (the registration, by convention) is STATUS_CHANGED;
 * any other cancellation is a TransactionRefused carrying DynamoDB's reason per item.
 */
export async function writeTransaction(items: readonly TransactItem[]): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await dynamoClient().send(new TransactWriteCommand({ TransactItems: [...items] }));
      countStatusChanges(items);
      return;
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons = (error.CancellationReasons ?? []).map((reason) => reason.Code);
      if (reasons[0] === 'ConditionalCheckFailed' && items[0]?.Update?.Key?.sk === 'REG') throw statusChanged();
      // Another transaction held one of these items at that instant: nothing was refused, so try again (DynamoDB's
      // advice), a few times with jitter, before reporting it.
      const conflictOnly = reasons.includes('TransactionConflict') && !reasons.includes('ConditionalCheckFailed');
      if (conflictOnly && attempt < CONFLICT_ATTEMPTS) {
        await new Promise((resolve) => setTimeout(resolve, 10 * 2 ** attempt * Math.random()));
        continue;
      }
      throw new TransactionRefused(reasons);
    }
  }
}

const CONFLICT_ATTEMPTS = 5;

/** The status-bearing sort keys of the byUnit and byYear indexes (their partition keys never change). */
export function statusSortKeys(year: number, unit: string, status: RegistrationStatus, registrationId: string) {
  return {
    ':gsi1sk': indexKeys.byUnit(year, unit, status, registrationId).gsi1sk,
    ':gsi3sk': indexKeys.byYear(year, status, unit, registrationId).gsi3sk,
  };
}

export function indexValues(keyValues: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(keyValues).map(([name, value]) => [`:${name}`, value]));
}

/**
 * The registration from its stored item. Read by key it is complete; read from an index it has no `personal`, so
 * the trainee's ID number, mobile and email are absent and only `masked` can be shown.
 */
export function toRegistration(item: Record<string, unknown>): Registration {
  const {
    pk,
    sk,
    gsi1pk,
    gsi1sk,
    gsi2pk,
    gsi2sk,
    gsi3pk,
    gsi3sk,
    type,
    taskToken,
    personHash,
    expiresAt,
    personal,
    trainee,
    ...rest
  } = item;
  return {
    ...rest,
    trainee: { ...(trainee as object), ...(personal as object | undefined) },
  } as unknown as Registration;
}
