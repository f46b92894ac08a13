import { beforeEach, describe, expect, it, vi } from 'vitest';
import defaultProgramme from '../../../data/programme-2024.json';
import { parseProgramme } from '../../../shared/domain/programme';
import type { Registration } from '../../../shared/domain/trainee-registration';

/**
 * Closing a class is a loop over its roster with side effects in two services; these tests pin its recovery
 * rules with the adapters replaced by an in-memory class: a close interrupted half-way resumes only those not yet
 * resumed, a finished close is 409, and nothing is evaluated before the last session has ended.
 */
const state = {
  now: new Date('2024-10-17T18:00:00+08:00'),
  closeState: undefined as undefined | 'closing' | 'closed',
  roster: [] as Registration[],
  resumedAt: new Map<string, string>(),
  tokens: new Map<string, string>(),
  /** The stage each token waits at, when not AwaitClassClose. */
  awaiting: new Map<string, string>(),
  sent: [] as string[],
  /** Every SendTaskSuccess attempted (token and output), spent or not. */
  attempts: [] as { token: string; output: unknown }[],
  failSendFor: undefined as string | undefined,
  /** Awaited by every roster read after it took its snapshot: lets a test make two closes read before either writes. */
  rosterGate: undefined as undefined | (() => Promise<void>),
};

vi.mock('../../../shared/adapters/clock', () => ({ systemClock: { now: () => state.now } }));
vi.mock('../../../shared/adapters/config', () => ({ loadConfig: () => ({ TABLE_NAME: 't' }) }));
vi.mock('../../../shared/adapters/programme-store', () => ({
  loadProgramme: async () => parseProgramme(defaultProgramme),
}));
vi.mock('../../../shared/adapters/class-seats', () => ({
  beginClose: async () => {
    if (state.closeState === 'closed') return 'closed';
    const before = state.closeState;
    state.closeState = 'closing';
    return before === 'closing' ? 'resumed' : 'started';
  },
  finishClose: async () => {
    state.closeState = 'closed';
  },
}));
vi.mock('../../../shared/adapters/class-roster', () => ({
  listClassRoster: async () => {
    const snapshot = state.roster.map((r) => ({ ...r, closeResumedAt: state.resumedAt.get(r.registrationId) }));
    await state.rosterGate?.();
    return snapshot;
  },
}));
vi.mock('../../../shared/adapters/workflow-tokens', () => ({
  getTaskToken: async (id: string) =>
    state.tokens.has(id)
      ? { taskToken: state.tokens.get(id), awaiting: state.awaiting.get(id) ?? 'class-close' }
      : undefined,
}));
vi.mock('../../../shared/adapters/workflow-client', () => ({
  resumeWorkflow: async (token: string, output: unknown) => {
    state.attempts.push({ token, output });
    if (token === state.failSendFor) throw Object.assign(new Error('unreachable'), { name: 'ServiceUnavailable' });
    if (state.sent.includes(token)) throw Object.assign(new Error('spent'), { name: 'TaskTimedOut' });
    state.sent.push(token);
  },
  isSpentToken: (error: Error) => error.name === 'TaskTimedOut',
}));
vi.mock('../../../shared/adapters/attendance-store', () => ({
  markCloseResumed: async (registration: Registration) => {
    if (state.resumedAt.has(registration.registrationId)) return 'conflict';
    state.resumedAt.set(registration.registrationId, state.now.toISOString());
    return 'written';
  },
}));

const { closeClass } = await import('../../../shared/classes/close-class');

function trainee(n: number, attendance: Record<string, 'present' | 'absent'>): Registration {
  return {
    registrationId: `R${n}`,
    year: 2024,
    unit: '110000',
    status: 'assigned',
    uploadId: 'u',
    row: n,
    classNumber: 3,
    createdAt: '',
    updatedAt: '',
    trainee: {} as Registration['trainee'],
    attendance: Object.fromEntries(
      Object.entries(attendance).map(([s, status]) => [s, { status, recordedBy: 'h', recordedAt: '' }]),
    ),
    leave: {},
  };
}

const everySession = (status: 'present' | 'absent') =>
  Object.fromEntries(Array.from({ length: 8 }, (_, i) => [String(i + 1), status]));

beforeEach(() => {
  state.now = new Date('2024-10-17T18:00:00+08:00');
  state.closeState = undefined;
  state.roster = [1, 2, 3, 4].map((n) => trainee(n, everySession(n === 4 ? 'absent' : 'present')));
  state.resumedAt.clear();
  state.tokens = new Map(state.roster.map((r) => [r.registrationId, `token-${r.registrationId}`]));
  state.awaiting.clear();
  state.sent = [];
  state.attempts = [];
  state.failSendFor = undefined;
  state.rosterGate = undefined;
});

describe('closeClass', () => {
  it('refuses before the last session has ended (17:30 on the last day)', async () => {
    state.now = new Date('2024-10-17T17:29:00+08:00');
    await expect(closeClass({ year: 2024, classNumber: 3, actor: 'h' })).rejects.toMatchObject({
      code: 'CLASS_NOT_ENDED',
      status: 409,
      message: '第3期将于 2024-10-17 下午最后一场结束后方可结班',
    });
    expect(state.closeState).toBeUndefined();
  });

  it('evaluates each trainee, resumes each waiting execution once, and a second close is 409', async () => {
    const outcome = await closeClass({ year: 2024, classNumber: 3, actor: 'h' });
    expect(outcome).toMatchObject({
      classNumber: 3,
      resumedEarlierClose: false,
      trainees: 4,
      complete: 3,
      incomplete: 1,
      resumed: 4,
      alreadyResumed: 0,
    });
    expect(state.sent.sort()).toEqual(['token-R1', 'token-R2', 'token-R3', 'token-R4']);
    await expect(closeClass({ year: 2024, classNumber: 3, actor: 'h' })).rejects.toMatchObject({
      code: 'CLASS_CLOSED',
      status: 409,
      message: '第3期已结班，不能重复结班',
    });
  });

  it('an interrupted close can be run again and resumes only those not yet resumed', async () => {
    state.failSendFor = 'token-R3';
    await expect(closeClass({ year: 2024, classNumber: 3, actor: 'h' })).rejects.toThrow('unreachable');
    expect(state.closeState).toBe('closing');
    const firstRun = [...state.sent];
    expect(firstRun).not.toContain('token-R3');

    state.failSendFor = undefined;
    state.attempts = [];
    const again = await closeClass({ year: 2024, classNumber: 3, actor: 'h' });
    // Step Functions is asked again only for the one the first run did not reach (docs/trainee-workflow.md).
    expect(state.attempts.map((attempt) => attempt.token)).toEqual(['token-R3']);
    expect(again.resumedEarlierClose).toBe(true);
    expect(again.resumed).toBe(4 - firstRun.length);
    expect(again.alreadyResumed).toBe(firstRun.length);
    // Every execution was resumed exactly once across both runs.
    expect(state.sent.sort()).toEqual(['token-R1', 'token-R2', 'token-R3', 'token-R4']);
    expect(state.closeState).toBe('closed');
  });

  it('a resume that went through before the bookkeeping failed is not sent twice', async () => {
    state.closeState = 'closing';
    state.sent = ['token-R1'];
    const outcome = await closeClass({ year: 2024, classNumber: 3, actor: 'h' });
    expect(outcome.resumed).toBe(4);
    expect(state.sent.filter((t) => t === 'token-R1')).toHaveLength(1);
  });

  it('leaves out withdrawn trainees, counts granted leave, and resumes only executions parked at AwaitClassClose', async () => {
    const withLeave = trainee(2, { ...everySession('present'), '5': 'absent' });
    state.roster = [
      trainee(1, everySession('present')),
      // Absent from session 5 on leave the unit granted: within the rule's one leave session, so complete.
      { ...withLeave, leave: { '5': { reason: '病假', unit: '110000', grantedBy: 'u', grantedAt: '' } } },
      // Failed and parked for recovery: its wait is not the class's to end.
      { ...trainee(3, everySession('present')), status: 'failed' },
      // Its wait already timed out: no token left.
      trainee(4, everySession('absent')),
      { ...trainee(5, everySession('present')), status: 'withdrawn' },
    ];
    state.tokens = new Map([
      ['R1', 'token-R1'],
      ['R2', 'token-R2'],
      ['R3', 'token-R3'],
      ['R5', 'token-R5'],
    ]);
    state.awaiting.set('R3', 'recovery');

    const outcome = await closeClass({ year: 2024, classNumber: 3, actor: 'h' });

    expect(outcome).toMatchObject({ trainees: 4, complete: 3, incomplete: 1, resumed: 4, alreadyResumed: 0 });
    expect(state.attempts).toEqual([
      { token: 'token-R1', output: { closed: true } },
      { token: 'token-R2', output: { closed: true } },
    ]);
    expect([...state.resumedAt.keys()].sort()).toEqual(['R1', 'R2', 'R3', 'R4']);
  });

  it('two closes at once: each execution is resumed once, and the later call counts them as already resumed', async () => {
    // Both calls read the roster before either resumes anyone (two people press 结班 together).
    let arrived = 0;
    let open = () => {};
    const bothRead = new Promise<void>((resolve) => {
      open = resolve;
    });
    state.rosterGate = async () => {
      arrived++;
      if (arrived === 2) open();
      await bothRead;
    };

    const [first, second] = await Promise.all([
      closeClass({ year: 2024, classNumber: 3, actor: 'h1' }),
      closeClass({ year: 2024, classNumber: 3, actor: 'h2' }),
    ]);

    expect(first).toMatchObject({ resumedEarlierClose: false, trainees: 4, resumed: 4, alreadyResumed: 0 });
    expect(second).toMatchObject({ resumedEarlierClose: true, trainees: 4, resumed: 0, alreadyResumed: 4 });
    expect(state.sent.sort()).toEqual(['token-R1', 'token-R2', 'token-R3', 'token-R4']);
    expect(state.closeState).toBe('closed');
  });
});
