import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { addressHash, type UndeliverableMark } from '../domain/notices';
import { dynamoClient } from './aws-clients';
import { loadConfig } from './config';
import { keys } from './keys';

const table = () => loadConfig().TABLE_NAME;

/**
 * What makes a send unique: the registration (or `UPLOAD-<id>`) it is about, the notice kind, the attempt (1 unless
 * the kind repeats, like reminders) and the recipient (the trainee, or the unit's contact for a copy).
 */
export interface SendKey {
  readonly subject: string;
  readonly kind: string;
  readonly attempt: number;
  readonly recipient: 'trainee' | 'unit';
}

export type ClaimOutcome = { readonly claimed: true } | { readonly claimed: false; readonly messageId?: string };

const sendKey = (key: SendKey) => keys.noticeSend(key.subject, key.kind, key.attempt, key.recipient);

/**
 * Claims a send before it is made (a conditional put): a retried step finds the claim and does not mail again. A
 * send that failed releases its claim, so the retry sends; a process that died between sending and recording leaves
 * its claim, and the retry sends nothing (at most once: a lost notice is recoverable, a duplicate is not).
 */
export async function claimSend(key: SendKey, now: Date): Promise<ClaimOutcome> {
  try {
    await dynamoClient().send(
      new PutCommand({
        TableName: table(),
        Item: { ...sendKey(key), type: 'notice-send', state: 'sending', claimedAt: now.toISOString() },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return { claimed: true };
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
    const existing = await dynamoClient().send(
      new GetCommand({ TableName: table(), Key: sendKey(key), ConsistentRead: true }),
    );
    const messageId = existing.Item?.messageId;
    return { claimed: false, ...(typeof messageId === 'string' ? { messageId } : {}) };
  }
}

export async function recordSent(key: SendKey, messageId: string | undefined, now: Date): Promise<void> {
  await dynamoClient().send(
    new UpdateCommand({
      TableName: table(),
      Key: sendKey(key),
      UpdateExpression: `SET #state = :sent, sentAt = :now${messageId ? ', messageId = :id' : ''}`,
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: {
        ':sent': 'sent',
        ':now': now.toISOString(),
        ...(messageId ? { ':id': messageId } : {}),
      },
    }),
  );
}

/** The send failed before the transport took it: the next attempt may send. */
export async function releaseSend(key: SendKey): Promise<void> {
  await dynamoClient().send(
    new DeleteCommand({
      TableName: table(),
      Key: sendKey(key),
      ConditionExpression: '#state = :sending',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: { ':sending': 'sending' },
    }),
  );
}

/** Whose address a mark is on: a registration's trainee, or a unit's contact. */
export type AddressOwner = { readonly registrationId: string } | { readonly unit: string };

const ownerKey = (owner: AddressOwner) =>
  keys.undeliverableMark('registrationId' in owner ? `REG#${owner.registrationId}` : `UNIT#${owner.unit}`);

/**
 * Marks the address SES (or the relay) reported undeliverable; the mark holds its hash, never the address. False
 * when that address was already marked (a re-delivered event, a second bounce): the caller acts on the first only.
 */
export async function markUndeliverable(
  owner: AddressOwner,
  address: string,
  reason: UndeliverableMark['reason'],
  now: Date,
): Promise<boolean> {
  const hash = addressHash(address);
  try {
    await dynamoClient().send(
      new PutCommand({
        TableName: table(),
        Item: { ...ownerKey(owner), type: 'undeliverable-mark', addressHash: hash, reason, at: now.toISOString() },
        ConditionExpression: 'attribute_not_exists(pk) OR addressHash <> :hash',
        ExpressionAttributeValues: { ':hash': hash },
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/**
 * The mark on the owner's current address, if any. A mark on an address the owner no longer has (the unit uploaded
 * a corrected one) does not apply, and is removed.
 */
export async function undeliverableMark(
  owner: AddressOwner,
  currentAddress: string,
): Promise<UndeliverableMark | undefined> {
  const result = await dynamoClient().send(
    new GetCommand({ TableName: table(), Key: ownerKey(owner), ConsistentRead: true }),
  );
  const item = result.Item;
  if (!item) return undefined;
  if (item.addressHash !== addressHash(currentAddress)) {
    await clearUndeliverable(owner, String(item.addressHash));
    return undefined;
  }
  return {
    addressHash: String(item.addressHash),
    reason: item.reason as UndeliverableMark['reason'],
    at: String(item.at),
  };
}

/** Removes the mark if it is still the one for `addressHash` (a newer bounce of another address stays). */
export async function clearUndeliverable(owner: AddressOwner, markedHash: string): Promise<void> {
  await dynamoClient()
    .send(
      new DeleteCommand({
        TableName: table(),
        Key: ownerKey(owner),
        ConditionExpression: 'addressHash = :hash',
        ExpressionAttributeValues: { ':hash': markedHash },
      }),
    )
    .catch((error) => {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    });
}

/** Who withdrew a registration (its unit or staff), for the withdrawal notice; the role only, not the account. */
export async function recordWithdrawer(registrationId: string, by: 'unit' | 'staff'): Promise<void> {
  await dynamoClient().send(
    new PutCommand({
      TableName: table(),
      Item: { ...keys.noticeSend(registrationId, 'withdrawn-by', 1, 'role'), type: 'notice-context', by },
    }),
  );
}

export async function withdrawer(registrationId: string): Promise<'unit' | 'staff' | undefined> {
  const result = await dynamoClient().send(
    new GetCommand({
      TableName: table(),
      Key: keys.noticeSend(registrationId, 'withdrawn-by', 1, 'role'),
      ConsistentRead: true,
    }),
  );
  const by = result.Item?.by;
  return by === 'unit' || by === 'staff' ? by : undefined;
}

/** Whether a send was already made (or claimed): lets a step avoid side effects its mail would carry (a new link). */
export async function alreadySent(key: SendKey): Promise<boolean> {
  const result = await dynamoClient().send(
    new GetCommand({ TableName: table(), Key: sendKey(key), ConsistentRead: true }),
  );
  return result.Item !== undefined;
}
