import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { DomainError } from '../domain/errors';
import {
  type EvaluationAnswer,
  evaluationAlreadyAnswered,
  evaluationLinkExpired,
  evaluationLinkInvalid,
  linkExpiry,
  reminderCutoff,
} from '../domain/evaluation';
import type { Programme } from '../domain/programme';
import type { Registration } from '../domain/trainee-registration';
import { dynamoClient } from './aws-clients';
import { loadConfig } from './config';
import { EVALUATION_INVITE_PREFIX, EVALUATION_RESPONSE_PREFIX, evaluationPartition, keys } from './keys';
import { countMetric } from './metrics';
import { type TransactItem, TransactionRefused, writeTransaction } from './registration-store';

/**
 * Evaluations: who was invited (by registration), the personal links (by the hash of their token), and the answers
 * (by a random id, with nothing else). Items:
 *
 *   EVAL#<year>#<nn> / INVITE#<registrationId>  { tokenHash, expiresAt, invitedAt, remindedAt?, answered }
 *   EVALTOKEN#<sha256(token)> / TOKEN           { year, classNumber, registrationId, expiresAt, answered }
 *   EVAL#<year>#<nn> / RESPONSE#<uuid>          { scores, comments, overall? } — and nothing else
 *
 * An answer is written in one transaction with `answered = true` on the link and the invitation, so a link answers
 * once, and nothing is half-written. The answer itself carries no registration id, token hash, unit or time: from
 * what is stored, a response cannot be traced back to the registration it came from.
 *
 * `expiresAt` is an ISO string on purpose: the table's TTL attribute is also `expiresAt`, and TTL only acts on
 * numbers. Invitations must outlive their links (they are the "invited" count), and an expired link must still
 * answer "expired", not "unknown".
 */
const table = () => loadConfig().TABLE_NAME;

export interface EvaluationInvitation {
  readonly year: number;
  readonly classNumber: number;
  readonly registrationId: string;
  readonly tokenHash: string;
  readonly expiresAt: string;
  readonly invitedAt: string;
  readonly remindedAt?: string;
  readonly answered: boolean;
}

/** What a personal link opens: the class, and until when. Nothing about the person. */
export interface OpenedLink {
  readonly year: number;
  readonly classNumber: number;
  readonly expiresAt: string;
}

interface TokenItem {
  readonly year: number;
  readonly classNumber: number;
  readonly registrationId: string;
  readonly expiresAt: string;
  readonly answered: boolean;
}

/** 32 random bytes, base64url: 43 characters, the only form a link's token takes. */
// Stryker disable next-line Regex: a token of another shape hashes to no stored link, so the look-up answers EVALUATION_LINK_INVALID just the same
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/** The personal link a mail carries: the public route, on PUBLIC_BASE_URL. */
export function evaluationUrl(token: string): string {
  return `${loadConfig().PUBLIC_BASE_URL.replace(/\/+$/, '')}/evaluation/${token}`;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * Invites a trainee who attended to evaluate the class; returns the raw token for the mail (it is stored only as its
 * hash), or undefined when the trainee has already answered. Idempotent per registration: if an invitation exists
 * and is not answered, a new token replaces the old one (the old link stops working), so a retried notice still
 * sends a link that works.
 */
export async function inviteToEvaluation(registration: Registration, now: Date): Promise<string | undefined> {
  const { year, classNumber, registrationId } = registration;
  if (!classNumber) throw new Error(`registration ${registrationId} has no class to evaluate`);
  const existing = await getInvitation(year, classNumber, registrationId);
  if (!existing) {
    const token = newToken();
    const tokenHash = hashToken(token);
    const expiresAt = linkExpiry(now).toISOString();
    try {
      await writeTransaction([
        {
          Put: {
            TableName: table(),
            Item: {
              ...keys.evaluationInvitation(year, classNumber, registrationId),
              tokenHash,
              expiresAt,
              invitedAt: now.toISOString(),
              answered: false,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        tokenPut(tokenHash, { year, classNumber, registrationId, expiresAt, answered: false }),
      ]);
      return token;
    } catch (error) {
      if (!(error instanceof TransactionRefused)) throw error;
      // A concurrent invitation won: carry on as a re-invitation of what it wrote.
    }
  }
  const current = existing ?? (await getInvitation(year, classNumber, registrationId));
  if (!current) throw evaluationConflict();
  if (current.answered) return undefined;
  const outcome = await replaceToken(current, now, 'invitedAt');
  return outcome === 'answered' ? undefined : (outcome as string);
}

export type ReminderOutcome =
  | { readonly outcome: 'reminded'; readonly token: string; readonly expiresAt: string }
  | { readonly outcome: 'answered' }
  | { readonly outcome: 'recently-contacted' };

/**
 * A fresh link for a trainee who has not answered, at most once per REMINDER_INTERVAL_DAYS since the invitation or
 * the last reminder (checked in the write, so two staff pressing at once send one reminder). The old link stops
 * working.
 */
export async function remindToEvaluate(invitation: EvaluationInvitation, now: Date): Promise<ReminderOutcome> {
  if (invitation.answered) return { outcome: 'answered' };
  if (!contactAllowed(invitation, now)) return { outcome: 'recently-contacted' };
  const outcome = await replaceToken(invitation, now, 'remindedAt');
  if (outcome === 'answered' || outcome === 'recently-contacted') return { outcome };
  return { outcome: 'reminded', token: outcome, expiresAt: linkExpiry(now).toISOString() };
}

/**
 * A reminder whose mail could not be sent: its time is taken back (only while its link is still the current one),
 * so staff may try again at once. The fresh link stays valid, but nobody received it.
 */
export async function withdrawReminder(
  invitation: EvaluationInvitation,
  token: string,
  previousRemindedAt: string | undefined,
): Promise<void> {
  await writeTransaction([
    {
      Update: {
        TableName: table(),
        Key: keys.evaluationInvitation(invitation.year, invitation.classNumber, invitation.registrationId),
        UpdateExpression: previousRemindedAt ? 'SET remindedAt = :previous' : 'REMOVE remindedAt',
        ConditionExpression: 'tokenHash = :hash',
        ExpressionAttributeValues: {
          ':hash': hashToken(token),
          ...(previousRemindedAt ? { ':previous': previousRemindedAt } : {}),
        },
      },
    },
  ]).catch((error) => {
    if (!(error instanceof TransactionRefused)) throw error;
  });
}

/** Whether another invitation or reminder may be sent now: 3 days since both the invitation and the last reminder. */
export function contactAllowed(invitation: Pick<EvaluationInvitation, 'invitedAt' | 'remindedAt'>, now: Date) {
  const cutoff = reminderCutoff(now).toISOString();
  return invitation.invitedAt <= cutoff && (invitation.remindedAt === undefined || invitation.remindedAt <= cutoff);
}

/**
 * What a personal link opens, or why it does not: a wrong or unknown token → EVALUATION_LINK_INVALID (404, the same
 * for both), an answered one → EVALUATION_ALREADY_ANSWERED (409), an expired one → EVALUATION_LINK_EXPIRED (410).
 */
export async function openEvaluationLink(token: string, now: Date): Promise<OpenedLink> {
  const { year, classNumber, expiresAt } = await usableToken(token, now);
  return { year, classNumber, expiresAt };
}

/**
 * Records one answer through a personal link: the anonymous response, and `answered` on the link and the invitation,
 * in one transaction that also re-checks the link is unanswered and unexpired. A second answer is refused (409).
 */
export async function recordEvaluationResponse(token: string, answer: EvaluationAnswer, now: Date): Promise<void> {
  const link = await usableToken(token, now);
  const tokenHash = hashToken(token);
  try {
    await writeTransaction([
      {
        Put: {
          TableName: table(),
          // Exactly these attributes: no registration id, token hash, unit or time may ever be added here.
          Item: {
            ...keys.evaluationResponse(link.year, link.classNumber, randomUUID()),
            scores: answer.scores,
            comments: answer.comments,
            ...(answer.overall === undefined ? {} : { overall: answer.overall }),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      {
        Update: {
          TableName: table(),
          Key: keys.evaluationToken(tokenHash),
          UpdateExpression: 'SET answered = :true',
          ConditionExpression: 'attribute_exists(pk) AND answered = :false AND expiresAt > :now',
          ExpressionAttributeValues: { ':true': true, ':false': false, ':now': now.toISOString() },
        },
      },
      {
        Update: {
          TableName: table(),
          Key: keys.evaluationInvitation(link.year, link.classNumber, link.registrationId),
          UpdateExpression: 'SET answered = :true',
          ConditionExpression: 'tokenHash = :hash AND answered = :false',
          ExpressionAttributeValues: { ':true': true, ':false': false, ':hash': tokenHash },
        },
      },
    ]);
    countMetric('EvaluationResponses');
  } catch (error) {
    if (!(error instanceof TransactionRefused)) throw error;
    // Someone else changed the link in between (a second answer, a reminder's new link, expiry): say which.
    await usableToken(token, now);
    throw evaluationConflict();
  }
}

export interface ClassEvaluation {
  readonly invitations: readonly EvaluationInvitation[];
  readonly responses: readonly EvaluationAnswer[];
}

/** A class's invitations and anonymous responses: one Query over its evaluation partition. */
export async function listClassEvaluation(year: number, classNumber: number): Promise<ClassEvaluation> {
  const invitations: EvaluationInvitation[] = [];
  const responses: EvaluationAnswer[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await dynamoClient().send(
      new QueryCommand({
        TableName: table(),
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': evaluationPartition(year, classNumber) },
        ExclusiveStartKey: start,
        // Stryker disable next-line BooleanLiteral: DynamoDB Local reads are always consistent
        ConsistentRead: true,
      }),
    );
    // Stryker disable next-line ArrayDeclaration: a Query reply always has Items
    for (const item of page.Items ?? []) {
      const sk = String(item.sk);
      if (sk.startsWith(EVALUATION_INVITE_PREFIX)) {
        invitations.push(invitationOf(item, year, classNumber));
      } else if (sk.startsWith(EVALUATION_RESPONSE_PREFIX)) {
        const { scores, comments, overall } = item;
        responses.push({ scores, comments: comments ?? {}, ...(overall === undefined ? {} : { overall }) });
      }
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return { invitations, responses };
}

/** Every class of the programme with its evaluation, by class number (one Query per class). */
export async function listProgrammeEvaluation(programme: Programme): Promise<Map<number, ClassEvaluation>> {
  const numbers = programme.classes.map((trainingClass) => trainingClass.number).sort((a, b) => a - b);
  const evaluations = await Promise.all(numbers.map((number) => listClassEvaluation(programme.year, number)));
  return new Map(numbers.map((number, index) => [number, evaluations[index] as ClassEvaluation]));
}

async function getInvitation(
  year: number,
  classNumber: number,
  registrationId: string,
): Promise<EvaluationInvitation | undefined> {
  const result = await dynamoClient().send(
    new GetCommand({
      TableName: table(),
      Key: keys.evaluationInvitation(year, classNumber, registrationId),
      // Stryker disable next-line BooleanLiteral: DynamoDB Local reads are always consistent
      ConsistentRead: true,
    }),
  );
  return result.Item ? invitationOf(result.Item, year, classNumber) : undefined;
}

function invitationOf(item: Record<string, unknown>, year: number, classNumber: number): EvaluationInvitation {
  return {
    year,
    classNumber,
    registrationId: String(item.sk).slice(EVALUATION_INVITE_PREFIX.length),
    tokenHash: String(item.tokenHash),
    expiresAt: String(item.expiresAt),
    invitedAt: String(item.invitedAt),
    ...(item.remindedAt === undefined ? {} : { remindedAt: String(item.remindedAt) }),
    answered: item.answered === true,
  };
}

/** The link's stored state, if the token is one the system issued and can still be answered with. */
async function usableToken(token: string, now: Date): Promise<TokenItem> {
  // A malformed token is answered exactly like an unknown one.
  if (!TOKEN_SHAPE.test(token)) throw evaluationLinkInvalid();
  const result = await dynamoClient().send(
    // Stryker disable next-line BooleanLiteral: DynamoDB Local reads are always consistent
    new GetCommand({ TableName: table(), Key: keys.evaluationToken(hashToken(token)), ConsistentRead: true }),
  );
  const item = result.Item as TokenItem | undefined;
  if (!item) throw evaluationLinkInvalid();
  if (item.answered) throw evaluationAlreadyAnswered();
  if (item.expiresAt <= now.toISOString()) throw evaluationLinkExpired();
  return item;
}

/**
 * Puts a new token in place of the invitation's current one, in one transaction: the invitation is updated only if
 * its token is still the one read and it is unanswered (and, for a reminder, not contacted in the last 3 days); the
 * old token item is deleted, so the old link answers "invalid" from then on.
 */
async function replaceToken(
  invitation: EvaluationInvitation,
  now: Date,
  stamp: 'invitedAt' | 'remindedAt',
): Promise<string | 'answered' | 'recently-contacted'> {
  const { year, classNumber, registrationId } = invitation;
  const token = newToken();
  const tokenHash = hashToken(token);
  const expiresAt = linkExpiry(now).toISOString();
  const reminder = stamp === 'remindedAt';
  const items: TransactItem[] = [
    {
      Update: {
        TableName: table(),
        Key: keys.evaluationInvitation(year, classNumber, registrationId),
        UpdateExpression: `SET tokenHash = :new, expiresAt = :expiresAt, ${stamp} = :now`,
        ConditionExpression: `tokenHash = :old AND answered = :false${
          reminder ? ' AND invitedAt <= :cutoff AND (attribute_not_exists(remindedAt) OR remindedAt <= :cutoff)' : ''
        }`,
        ExpressionAttributeValues: {
          ':new': tokenHash,
          ':old': invitation.tokenHash,
          ':expiresAt': expiresAt,
          ':now': now.toISOString(),
          ':false': false,
          ...(reminder ? { ':cutoff': reminderCutoff(now).toISOString() } : {}),
        },
      },
    },
    { Delete: { TableName: table(), Key: keys.evaluationToken(invitation.tokenHash) } },
    tokenPut(tokenHash, { year, classNumber, registrationId, expiresAt, answered: false }),
  ];
  try {
    await writeTransaction(items);
    return token;
  } catch (error) {
    if (!(error instanceof TransactionRefused)) throw error;
    const current = await getInvitation(year, classNumber, registrationId);
    // Stryker disable next-line OptionalChaining: unreachable undefined, invitations are never deleted and the refused write proves one exists
    if (current?.answered) return 'answered';
    if (reminder && current && !contactAllowed(current, now)) return 'recently-contacted';
    throw evaluationConflict();
  }
}

function tokenPut(tokenHash: string, item: TokenItem): TransactItem {
  return {
    Put: {
      TableName: table(),
      Item: { ...keys.evaluationToken(tokenHash), ...item },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

function newToken(): string {
  return randomBytes(32).toString('base64url');
}

function evaluationConflict(): DomainError {
  return new DomainError('EVALUATION_CONFLICT', '评价链接刚刚发生变化，请稍后重试', 409);
}
