import { GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { dynamoClient } from '../../shared/adapters/aws-clients';
import { resetConfig } from '../../shared/adapters/config';
import {
  contactAllowed,
  type EvaluationInvitation,
  evaluationUrl,
  hashToken,
  inviteToEvaluation,
  listClassEvaluation,
  listProgrammeEvaluation,
  openEvaluationLink,
  recordEvaluationResponse,
  remindToEvaluate,
  withdrawReminder,
} from '../../shared/adapters/evaluation-store';
import { countMetric } from '../../shared/adapters/metrics';
import type { EvaluationAnswer } from '../../shared/domain/evaluation';
import type { Programme } from '../../shared/domain/programme';
import type { Registration } from '../../shared/domain/trainee-registration';
import { STORE_TABLE } from './support/store-environment';
import { partition } from './support/store-items';

vi.mock('../../shared/adapters/metrics', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../shared/adapters/metrics')>();
  return { ...original, countMetric: vi.fn() };
});

afterEach(() => {
  process.env.PUBLIC_BASE_URL = 'http://localhost';
  resetConfig();
  vi.mocked(countMetric).mockClear();
});

const DAY = 24 * 60 * 60 * 1000;
const at = (iso: string) => new Date(iso);
const plus = (date: Date, ms: number) => new Date(date.getTime() + ms);

function trainee(registrationId: string, year: number, classNumber: number | undefined): Registration {
  return { registrationId, year, classNumber } as unknown as Registration;
}

async function item(pk: string, sk: string) {
  return (await dynamoClient().send(new GetCommand({ TableName: STORE_TABLE, Key: { pk, sk } }))).Item;
}

async function invitationOf(year: number, classNumber: number, registrationId: string): Promise<EvaluationInvitation> {
  const found = (await listClassEvaluation(year, classNumber)).invitations.find(
    (i) => i.registrationId === registrationId,
  );
  if (!found) throw new Error(`no invitation for ${registrationId}`);
  return found;
}

const answer: EvaluationAnswer = {
  scores: { course: 5, faculty: 4, organisation: 3, effect: 5 },
  comments: { course: '很好' },
  overall: '收获很大',
};

describe('evaluation links and hashes', () => {
  it('builds the personal link on the public base URL, without doubled slashes', () => {
    expect(evaluationUrl('abc')).toBe('http://localhost/evaluation/abc');
    process.env.PUBLIC_BASE_URL = 'https://lj.example.cn//';
    resetConfig();
    expect(evaluationUrl('abc')).toBe('https://lj.example.cn/evaluation/abc');
  });

  it('hashes a token with SHA-256 (FIPS 180-2 example "abc")', () => {
    expect(hashToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('allows another contact 3 days after both the invitation and the last reminder, not before', () => {
    const now = at('2030-06-10T12:00:00.000Z');
    const threeDaysBefore = '2030-06-07T12:00:00.000Z';
    const justAfter = '2030-06-07T12:00:00.001Z';
    expect(contactAllowed({ invitedAt: threeDaysBefore }, now)).toBe(true);
    expect(contactAllowed({ invitedAt: justAfter }, now)).toBe(false);
    expect(contactAllowed({ invitedAt: '2030-06-01T00:00:00.000Z', remindedAt: threeDaysBefore }, now)).toBe(true);
    expect(contactAllowed({ invitedAt: '2030-06-01T00:00:00.000Z', remindedAt: justAfter }, now)).toBe(false);
    expect(contactAllowed({ invitedAt: justAfter, remindedAt: threeDaysBefore }, now)).toBe(false);
  });
});

describe('evaluation store against DynamoDB Local', () => {
  it('invites once: a 43-character token stored only as its hash, valid 30 days', async () => {
    const now = at('2030-06-01T08:00:00.000Z');
    const token = await inviteToEvaluation(trainee('E1', 2030, 1), now);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const tokenHash = hashToken(token as string);
    expect(await item('EVAL#2030#01', 'INVITE#E1')).toEqual({
      pk: 'EVAL#2030#01',
      sk: 'INVITE#E1',
      tokenHash,
      expiresAt: '2030-07-01T08:00:00.000Z',
      invitedAt: '2030-06-01T08:00:00.000Z',
      answered: false,
    });
    expect(await item(`EVALTOKEN#${tokenHash}`, 'TOKEN')).toEqual({
      pk: `EVALTOKEN#${tokenHash}`,
      sk: 'TOKEN',
      year: 2030,
      classNumber: 1,
      registrationId: 'E1',
      expiresAt: '2030-07-01T08:00:00.000Z',
      answered: false,
    });
    expect(await openEvaluationLink(token as string, now)).toEqual({
      year: 2030,
      classNumber: 1,
      expiresAt: '2030-07-01T08:00:00.000Z',
    });
    await expect(inviteToEvaluation(trainee('E0', 2030, undefined), now)).rejects.toThrow(/no class/);
  });

  it('re-invites with a fresh link that replaces the old one, and not after an answer', async () => {
    const first = at('2030-06-01T08:00:00.000Z');
    const oldToken = (await inviteToEvaluation(trainee('E2', 2030, 2), first)) as string;
    const later = at('2030-06-02T08:00:00.000Z');
    const newToken = (await inviteToEvaluation(trainee('E2', 2030, 2), later)) as string;
    expect(newToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(newToken).not.toBe(oldToken);
    await expect(openEvaluationLink(oldToken, later)).rejects.toMatchObject({ code: 'EVALUATION_LINK_INVALID' });
    expect(await item(`EVALTOKEN#${hashToken(oldToken)}`, 'TOKEN')).toBeUndefined();
    expect((await openEvaluationLink(newToken, later)).expiresAt).toBe('2030-07-02T08:00:00.000Z');
    expect(await invitationOf(2030, 2, 'E2')).toEqual({
      year: 2030,
      classNumber: 2,
      registrationId: 'E2',
      tokenHash: hashToken(newToken),
      expiresAt: '2030-07-02T08:00:00.000Z',
      invitedAt: '2030-06-02T08:00:00.000Z',
      answered: false,
    });
    await recordEvaluationResponse(newToken, answer, later);
    expect(await inviteToEvaluation(trainee('E2', 2030, 2), at('2030-06-03T08:00:00.000Z'))).toBeUndefined();
  });

  it('two invitations at once leave one working link', async () => {
    const now = at('2030-06-01T08:00:00.000Z');
    const tokens = await Promise.all([
      inviteToEvaluation(trainee('E3', 2030, 3), now),
      inviteToEvaluation(trainee('E3', 2030, 3), now),
    ]);
    expect(tokens.every((token) => typeof token === 'string')).toBe(true);
    const opened = await Promise.allSettled(tokens.map((token) => openEvaluationLink(token as string, now)));
    expect(opened.filter(({ status }) => status === 'fulfilled')).toHaveLength(1);
    expect(await partition('EVAL#2030#03')).toHaveLength(1);
  });

  it('opens a link until it expires: a malformed, unknown, answered or expired link says why not', async () => {
    const sent = at('2030-06-01T08:00:00.000Z');
    const token = (await inviteToEvaluation(trainee('E4', 2030, 4), sent)) as string;
    const expiry = plus(sent, 30 * DAY);
    expect((await openEvaluationLink(token, plus(expiry, -1))).classNumber).toBe(4);
    await expect(openEvaluationLink(token, expiry)).rejects.toMatchObject({
      code: 'EVALUATION_LINK_EXPIRED',
      status: 410,
    });
    await expect(openEvaluationLink(`${token}x`, sent)).rejects.toMatchObject({ code: 'EVALUATION_LINK_INVALID' });
    await expect(openEvaluationLink(`x${token.slice(1, -1)}`, sent)).rejects.toMatchObject({
      code: 'EVALUATION_LINK_INVALID',
    });
    await expect(openEvaluationLink('A'.repeat(43), sent)).rejects.toMatchObject({ code: 'EVALUATION_LINK_INVALID' });
    await expect(openEvaluationLink(`${'A'.repeat(42)}!`, sent)).rejects.toMatchObject({
      code: 'EVALUATION_LINK_INVALID',
    });
    await expect(recordEvaluationResponse(token, answer, expiry)).rejects.toMatchObject({
      code: 'EVALUATION_LINK_EXPIRED',
    });
    await recordEvaluationResponse(token, answer, plus(expiry, -1));
    await expect(openEvaluationLink(token, sent)).rejects.toMatchObject({
      code: 'EVALUATION_ALREADY_ANSWERED',
      status: 409,
    });
  });

  it('records one anonymous answer per link, marking the link and the invitation answered', async () => {
    const now = at('2030-06-05T08:00:00.000Z');
    const token = (await inviteToEvaluation(trainee('E5', 2030, 5), now)) as string;
    await recordEvaluationResponse(token, answer, now);
    expect(countMetric).toHaveBeenCalledWith('EvaluationResponses');
    const items = await partition('EVAL#2030#05');
    const response = items.find((i) => String(i.sk).startsWith('RESPONSE#'));
    expect(Object.keys(response ?? {}).sort()).toEqual(['comments', 'overall', 'pk', 'scores', 'sk']);
    expect(response).toMatchObject({ scores: answer.scores, comments: answer.comments, overall: '收获很大' });
    expect(String(response?.sk)).toMatch(/^RESPONSE#[0-9a-f-]{36}$/);
    expect((await item(`EVALTOKEN#${hashToken(token)}`, 'TOKEN'))?.answered).toBe(true);
    expect((await invitationOf(2030, 5, 'E5')).answered).toBe(true);
    await expect(recordEvaluationResponse(token, answer, now)).rejects.toMatchObject({
      code: 'EVALUATION_ALREADY_ANSWERED',
    });
    expect((await partition('EVAL#2030#05')).filter((i) => String(i.sk).startsWith('RESPONSE#'))).toHaveLength(1);
    const other = (await inviteToEvaluation(trainee('E5b', 2030, 5), now)) as string;
    await recordEvaluationResponse(other, { scores: answer.scores, comments: {} }, now);
    const listed = await listClassEvaluation(2030, 5);
    expect(listed.responses).toEqual(expect.arrayContaining([answer, { scores: answer.scores, comments: {} }]));
    expect(listed.responses).toHaveLength(2);
    expect(listed.responses.find((r) => r.overall === undefined)).not.toHaveProperty('overall');
  });

  it('refuses an answer through a link its invitation no longer holds, writing nothing', async () => {
    const now = at('2030-06-05T08:00:00.000Z');
    await inviteToEvaluation(trainee('E6', 2030, 6), now);
    // A link item left behind by a replaced token (as a race between a reminder and an answer would leave it).
    const stray = 'S'.repeat(43);
    await dynamoClient().send(
      new PutCommand({
        TableName: STORE_TABLE,
        Item: {
          pk: `EVALTOKEN#${hashToken(stray)}`,
          sk: 'TOKEN',
          year: 2030,
          classNumber: 6,
          registrationId: 'E6',
          expiresAt: '2030-07-05T08:00:00.000Z',
          answered: false,
        },
      }),
    );
    await expect(recordEvaluationResponse(stray, answer, now)).rejects.toMatchObject({
      code: 'EVALUATION_CONFLICT',
      status: 409,
      message: expect.stringContaining('评价链接'),
    });
    expect(countMetric).not.toHaveBeenCalled();
    expect(await partition('EVAL#2030#06')).toHaveLength(1);
    expect((await item(`EVALTOKEN#${hashToken(stray)}`, 'TOKEN'))?.answered).toBe(false);
  });

  it('reminds at most every 3 days with a fresh link, and not once answered', async () => {
    const invited = at('2030-06-01T08:00:00.000Z');
    const first = (await inviteToEvaluation(trainee('E7', 2030, 7), invited)) as string;
    const invitation = await invitationOf(2030, 7, 'E7');
    expect(await remindToEvaluate(invitation, plus(invited, 3 * DAY - 1))).toEqual({ outcome: 'recently-contacted' });
    const remindedAt = plus(invited, 3 * DAY);
    const reminded = await remindToEvaluate(invitation, remindedAt);
    expect(reminded).toEqual({ outcome: 'reminded', token: expect.any(String), expiresAt: '2030-07-04T08:00:00.000Z' });
    const token = (reminded as { token: string }).token;
    await expect(openEvaluationLink(first, remindedAt)).rejects.toMatchObject({ code: 'EVALUATION_LINK_INVALID' });
    expect((await openEvaluationLink(token, remindedAt)).expiresAt).toBe('2030-07-04T08:00:00.000Z');
    const after = await invitationOf(2030, 7, 'E7');
    expect(after).toMatchObject({
      tokenHash: hashToken(token),
      invitedAt: '2030-06-01T08:00:00.000Z',
      remindedAt: '2030-06-04T08:00:00.000Z',
      expiresAt: '2030-07-04T08:00:00.000Z',
    });
    expect(await remindToEvaluate(after, plus(remindedAt, 3 * DAY - 1))).toEqual({ outcome: 'recently-contacted' });
    // A stale copy of the invitation (read before the reminder): the store still refuses within 3 days.
    expect(await remindToEvaluate(invitation, plus(remindedAt, 1))).toEqual({ outcome: 'recently-contacted' });
    expect((await invitationOf(2030, 7, 'E7')).tokenHash).toBe(hashToken(token));
    await recordEvaluationResponse(token, answer, remindedAt);
    expect(await remindToEvaluate(await invitationOf(2030, 7, 'E7'), plus(remindedAt, 10 * DAY))).toEqual({
      outcome: 'answered',
    });
    // A stale copy read before the answer: the store says it was answered.
    expect(await remindToEvaluate(after, plus(remindedAt, 10 * DAY))).toEqual({ outcome: 'answered' });
  });

  it('a reminder from a stale copy whose link has changed since, with nothing else in the way, is a conflict', async () => {
    const invited = at('2030-06-01T08:00:00.000Z');
    await inviteToEvaluation(trainee('E8', 2030, 8), invited);
    const stale = await invitationOf(2030, 8, 'E8');
    await inviteToEvaluation(trainee('E8', 2030, 8), invited);
    await expect(remindToEvaluate(stale, plus(invited, 5 * DAY))).rejects.toMatchObject({
      code: 'EVALUATION_CONFLICT',
      status: 409,
    });
  });

  it('takes back a reminder whose mail failed, only while its link is current', async () => {
    const invited = at('2030-06-01T08:00:00.000Z');
    await inviteToEvaluation(trainee('E9', 2030, 9), invited);
    const invitation = await invitationOf(2030, 9, 'E9');
    const first = (await remindToEvaluate(invitation, plus(invited, 3 * DAY))) as { token: string };
    await withdrawReminder(invitation, first.token, undefined);
    const withdrawn = await invitationOf(2030, 9, 'E9');
    expect(withdrawn).not.toHaveProperty('remindedAt');
    expect(withdrawn.tokenHash).toBe(hashToken(first.token));
    // Staff may try again at once.
    const second = (await remindToEvaluate(withdrawn, plus(invited, 3 * DAY + 1000))) as { token: string };
    expect(second.token).toEqual(expect.any(String));
    const third = (await remindToEvaluate(await invitationOf(2030, 9, 'E9'), plus(invited, 7 * DAY))) as {
      token: string;
    };
    await withdrawReminder(invitation, third.token, '2030-06-04T08:00:01.000Z');
    expect((await invitationOf(2030, 9, 'E9')).remindedAt).toBe('2030-06-04T08:00:01.000Z');
    // A token that is no longer the invitation's: nothing changes, and nothing is thrown.
    await withdrawReminder(invitation, second.token, undefined);
    expect((await invitationOf(2030, 9, 'E9')).remindedAt).toBe('2030-06-04T08:00:01.000Z');
  });

  it("lists a class's invitations and responses, and every class of a programme by number", async () => {
    const now = at('2030-06-01T08:00:00.000Z');
    await inviteToEvaluation(trainee('F1', 2031, 1), now);
    const token = (await inviteToEvaluation(trainee('F2', 2031, 1), now)) as string;
    await recordEvaluationResponse(token, answer, now);
    await inviteToEvaluation(trainee('F3', 2031, 2), now);
    await inviteToEvaluation(trainee('F4', 2032, 1), now);
    const one = await listClassEvaluation(2031, 1);
    expect(one.invitations.map((i) => [i.registrationId, i.answered])).toEqual([
      ['F1', false],
      ['F2', true],
    ]);
    expect(one.invitations[0]).not.toHaveProperty('remindedAt');
    expect(one.responses).toEqual([answer]);
    const programme = { year: 2031, classes: [{ number: 3 }, { number: 2 }, { number: 1 }] } as unknown as Programme;
    const all = await listProgrammeEvaluation(programme);
    expect([...all.keys()]).toEqual([1, 2, 3]);
    expect(all.get(1)).toEqual(one);
    expect(all.get(2)?.invitations.map((i) => i.registrationId)).toEqual(['F3']);
    expect(all.get(3)).toEqual({ invitations: [], responses: [] });
  });

  it("reads a class's evaluation past DynamoDB's 1 MB page", async () => {
    const comment = 'z'.repeat(390_000);
    for (let i = 0; i < 6; i++) {
      await dynamoClient().send(
        new PutCommand({
          TableName: STORE_TABLE,
          Item: { pk: 'EVAL#2033#01', sk: `RESPONSE#${i}`, scores: answer.scores, comments: { course: comment } },
        }),
      );
    }
    expect((await listClassEvaluation(2033, 1)).responses).toHaveLength(6);
  });
});

/**
 * What only a race or a failing network shows. Another request's write is injected, against DynamoDB Local, right
 * after the store's read of the invitation; a network failure is injected as the transaction's reply.
 */
describe('evaluation store: races and failures', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  /** Runs `other` (through the real client) right after the first read of the invitation that follows. */
  function afterNextInvitationRead(other: () => Promise<unknown>) {
    const client = dynamoClient();
    const send = client.send.bind(client) as (command: unknown) => Promise<unknown>;
    let done = false;
    let inOther = false;
    vi.spyOn(client, 'send').mockImplementation((async (command: unknown) => {
      const result = await send(command);
      const isInvitationRead = command instanceof GetCommand && String(command.input.Key?.sk).startsWith('INVITE#');
      if (isInvitationRead && !done && !inOther) {
        done = true;
        inOther = true;
        try {
          await other();
        } finally {
          inOther = false;
        }
      }
      return result;
    }) as never);
  }

  /** Every transaction fails as a dropped connection would (not a refusal). */
  function transactionsFail(): Error {
    const failure = new Error('socket hang up');
    const client = dynamoClient();
    const send = client.send.bind(client) as (command: unknown) => Promise<unknown>;
    vi.spyOn(client, 'send').mockImplementation((async (command: unknown) => {
      if (command instanceof TransactWriteCommand) throw failure;
      return send(command);
    }) as never);
    return failure;
  }

  it('loads the store afresh and writes to the configured table (its module-level code)', async () => {
    vi.resetModules();
    const fresh = await import('../../shared/adapters/evaluation-store');
    const token = await fresh.inviteToEvaluation(trainee('F1', 2031, 1), at('2031-06-01T08:00:00.000Z'));
    expect(await item(`EVALTOKEN#${hashToken(token as string)}`, 'TOKEN')).toMatchObject({ registrationId: 'F1' });
  });

  it('re-invites no one whose answer lands between the read and the new link', async () => {
    const invited = at('2031-06-01T08:00:00.000Z');
    const token = (await inviteToEvaluation(trainee('F2', 2031, 2), invited)) as string;
    afterNextInvitationRead(() => recordEvaluationResponse(token, answer, plus(invited, DAY)));
    expect(await inviteToEvaluation(trainee('F2', 2031, 2), plus(invited, DAY))).toBeUndefined();
    expect((await invitationOf(2031, 2, 'F2')).answered).toBe(true);
  });

  it('a first invitation that loses to another carries on as a re-invitation: its link is the one that works', async () => {
    const invited = at('2031-06-01T08:00:00.000Z');
    let other: string | undefined;
    afterNextInvitationRead(async () => {
      other = await inviteToEvaluation(trainee('F6', 2031, 6), invited);
    });
    const mine = (await inviteToEvaluation(trainee('F6', 2031, 6), invited)) as string;
    expect(mine).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await openEvaluationLink(mine, invited)).classNumber).toBe(6);
    await expect(openEvaluationLink(other as string, invited)).rejects.toMatchObject({
      code: 'EVALUATION_LINK_INVALID',
    });
  });

  it('a re-invitation that loses to another re-invitation is a conflict, not a link', async () => {
    const invited = at('2031-06-01T08:00:00.000Z');
    await inviteToEvaluation(trainee('F3', 2031, 3), invited);
    afterNextInvitationRead(() => inviteToEvaluation(trainee('F3', 2031, 3), plus(invited, DAY)));
    await expect(inviteToEvaluation(trainee('F3', 2031, 3), plus(invited, DAY))).rejects.toMatchObject({
      code: 'EVALUATION_CONFLICT',
      status: 409,
    });
  });

  it('passes a failed connection on, from the first invitation, a reminder, an answer and a taken-back reminder', async () => {
    const invited = at('2031-06-01T08:00:00.000Z');
    await inviteToEvaluation(trainee('F4', 2031, 4), invited);
    const invitation = await invitationOf(2031, 4, 'F4');
    const token = (await inviteToEvaluation(trainee('F4', 2031, 4), invited)) as string;
    const current = await invitationOf(2031, 4, 'F4');
    const failure = transactionsFail();
    await expect(inviteToEvaluation(trainee('F5', 2031, 4), invited)).rejects.toBe(failure);
    await expect(remindToEvaluate(current, plus(invited, 5 * DAY))).rejects.toBe(failure);
    await expect(recordEvaluationResponse(token, answer, plus(invited, DAY))).rejects.toBe(failure);
    await expect(withdrawReminder(invitation, token, undefined)).rejects.toBe(failure);
  });
});
