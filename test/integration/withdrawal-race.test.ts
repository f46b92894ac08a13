import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import defaultProgramme from '../../data/programme-2024.json';
import type { Endpoints, LocalCloud } from '../../infra/local/cloud';
import type { InvocationDelay } from '../../infra/local/lambda-runtime';
import { sfnClient } from '../../shared/adapters/aws-clients';
import { getTaskToken } from '../../shared/adapters/workflow-tokens';
import { parseProgramme } from '../../shared/domain/programme';
import { HOLDING_STATUSES } from '../../shared/domain/trainee-registration';
import { validTrainee } from '../fixtures/registration-data';
import { api, eventually, outbox, startTestCloud } from '../support/local-cloud';
import { scanTable, statusCountViolations, uploadTrainees } from './support';

/**
 * Issue "tests that catch what matters": a unit's withdrawal against the trainee's workflow, in every order. The
 * withdrawal releases first (status withdrawn, the stored token kept), then reads the token and fails the wait with
 * RegistrationWithdrawn; a wait that stores its token after the release is refused and ends the workflow on the
 * withdrawal path itself; a token already spent (answered, timed out) is ignored. Latency is injected before the
 * Lambda handlers run (LocalCloudOptions.invocationDelays): a gate holds a wait's Lambda until the test opens it, a
 * number delays a request. Whatever the order: the execution ends (or the loser is refused with 409 and the journey
 * goes on), the trainee gets exactly one withdrawal notice when withdrawn, and nothing stays parked or held.
 *
 * Small programme: two one-seat classes in October; reviews time out after 3 days (programme time starts 08-24).
 */
const programme = parseProgramme({
  ...defaultProgramme,
  reviewTimeoutDays: 3,
  classes: [
    { ...defaultProgramme.classes[0], number: 1, startDate: '2024-10-14', endDate: '2024-10-17', capacity: 1 },
    { ...defaultProgramme.classes[1], number: 2, startDate: '2024-10-21', endDate: '2024-10-24', capacity: 1 },
  ],
});
const UNIT = '110000';
const WITHDRAWN_MAIL = '报名已撤回';
const trainee = (n: number) => ({ ...validTrainee(n), preferredClass: 1 });

interface Deferred {
  readonly promise: Promise<void>;
  readonly resolve: () => void;
}

function deferred(): Deferred {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** Holds a Lambda invocation until opened; `arrived` resolves once the invocation is waiting at the gate. */
class Gates {
  private readonly arrivals = new Map<string, Deferred>();
  private readonly opens = new Map<string, Deferred>();
  private entry(map: Map<string, Deferred>, key: string) {
    let found = map.get(key);
    if (!found) {
      found = deferred();
      map.set(key, found);
    }
    return found;
  }
  hold(key: string): Promise<void> {
    this.entry(this.arrivals, key).resolve();
    return this.entry(this.opens, key).promise;
  }
  arrived(key: string): Promise<void> {
    return this.entry(this.arrivals, key).promise;
  }
  open(key: string): void {
    this.entry(this.opens, key).resolve();
  }
}

describe('withdrawal racing the workflow', () => {
  let cloud: LocalCloud;
  let endpoints: Endpoints;
  let stop: () => Promise<void>;
  /** The current case's latency rule; none between cases. */
  let delay: InvocationDelay | undefined;
  const gates = new Gates();
  /** Workflow steps (by action) whose Lambda is held at a gate keyed `${action}:${registrationId}`. */
  const held = new Set<string>();
  /** Per-request latency of admin-api routes, keyed `${route verb}:${registrationId}` (route verb: withdraw, review). */
  const requestDelays = new Map<string, number>();
  /** Every trainee of the file: registration id → email; checked once more at the end. */
  const emails = new Map<string, string>();
  const staff = () => endpoints.tokens.staff;
  const unitToken = () => endpoints.tokens[UNIT] as string;

  beforeAll(async () => {
    ({ cloud, endpoints, stop } = await startTestCloud({
      programme,
      retryIntervalMs: 5,
      invocationDelays: (fn, event) => {
        const e = event as {
          action?: string;
          registrationId?: string;
          routeKey?: string;
          pathParameters?: Record<string, string>;
        };
        if (fn === 'workflow-task' && e.action && held.has(e.action) && e.registrationId) {
          return gates.hold(`${e.action}:${e.registrationId}`);
        }
        if (e.routeKey && e.pathParameters?.registrationId) {
          const verb = e.routeKey.split('/').pop();
          const ms = requestDelays.get(`${verb}:${e.pathParameters.registrationId}`);
          if (ms !== undefined) return ms;
        }
        return delay?.(fn, event);
      },
    }));
    simulateStepFunctionsOutages();
  });
  afterAll(async () => stop?.());
  /** Step Functions calls that fail, by command, as many times as counted: an outage past the SDK's retries. */
  const sfnOutage = new Map<string, number>();
  function simulateStepFunctionsOutages(): void {
    sfnClient().middlewareStack.add(
      (next, context) => async (args) => {
        const remaining = sfnOutage.get(String(context.commandName)) ?? 0;
        if (remaining > 0) {
          sfnOutage.set(String(context.commandName), remaining - 1);
          throw Object.assign(new Error('Step Functions is unavailable'), { name: 'ServiceUnavailable' });
        }
        return next(args);
      },
      { step: 'initialize', name: 'testOutage' },
    );
  }

  /** Uploads these trainees; resolves with their registration ids (ingest done, executions started). */
  async function nominate(ns: readonly number[]): Promise<string[]> {
    await uploadTrainees(endpoints, UNIT, ns.map(trainee));
    await cloud.idle();
    expect(cloud.failedEvents()).toEqual([]);
    const listed = await api(endpoints, '/registrations?limit=200', { token: staff() });
    return ns.map((n) => {
      const item = listed.body.items.find(
        (candidate: { name: string; status: string }) =>
          candidate.name === `学员${n}` && candidate.status === 'nominated',
      );
      expect(item, `学员${n} registered`).toBeDefined();
      emails.set(item.registrationId, String(trainee(n).email));
      return item.registrationId as string;
    });
  }

  const registration = async (id: string) => (await api(endpoints, `/registrations/${id}`, { token: staff() })).body;
  const execution = (id: string) => cloud.stepFunctions.list().find((e) => e.name === id);
  const withdraw = (id: string) =>
    api(endpoints, `/registrations/${id}/withdraw`, { token: unitToken(), body: { reason: '企业自愿退出' } });
  const approve = (id: string) =>
    api(endpoints, `/registrations/${id}/review`, { token: staff(), body: { decision: 'approved' } });

  /** Waits on the saved token: the registration shows the workflow waiting in `stage`. */
  const awaiting = (id: string, status: string, stage: string) =>
    eventually(
      async () => {
        const body = await registration(id);
        return body.status === status && body.awaiting?.stage === stage ? body : undefined;
      },
      30_000,
      `${id} ${status} awaiting ${stage}`,
    );

  const mailsTo = async (id: string, subject: string) =>
    (await outbox(endpoints)).filter((m) => m.to === emails.get(id) && m.subject.includes(subject));

  /** Withdrawn, the execution ended on the withdrawal path, and exactly one withdrawal notice. */
  async function expectWithdrawn(id: string): Promise<void> {
    const ended = await eventually(
      async () => (execution(id)?.status === 'RUNNING' ? undefined : execution(id)),
      30_000,
      `execution ${id} to end`,
    );
    expect(ended.status, `${id}: ${ended.error} ${ended.cause}`).toBe('SUCCEEDED');
    expect(ended.visited.at(-1)).toBe('NotifyWithdrawn');
    const body = await registration(id);
    expect(body.status).toBe('withdrawn');
    expect(body.awaiting ?? null).toBeNull();
    expect(await mailsTo(id, WITHDRAWN_MAIL), `${id} withdrawal notices`).toHaveLength(1);
  }

  /** Whether the wait's Lambda stored its token before the release (kept by it) or was refused after it. */
  const tokenStored = async (id: string) => (await getTaskToken(id)) !== undefined;

  it('a review wait whose token lands after, around or before the withdrawal: every order ends withdrawn, once', async () => {
    held.add('awaitReview');
    // Offsets of the wait's token save against the withdrawal: the gate opened only after the withdrawal answered
    // (the save comes after the release, deterministically), opened some ms after the withdrawal was sent, opened at
    // once with the withdrawal sent some ms later, and the withdrawal sent only once the token is saved.
    type Plan = { openAfterWithdrawal: true } | { openAfterMs: number } | { withdrawAfterMs: number } | { saved: true };
    const plans: Plan[] = [
      { openAfterWithdrawal: true },
      { openAfterMs: 20 },
      { openAfterMs: 5 },
      { openAfterMs: 0 },
      { withdrawAfterMs: 5 },
      { withdrawAfterMs: 20 },
      { saved: true },
    ];
    const ids = await nominate(plans.map((_, index) => 301 + index));
    await Promise.all(
      ids.map(async (id, index) => {
        const plan = plans[index] as Plan;
        const key = `awaitReview:${id}`;
        await gates.arrived(key);
        if ('openAfterWithdrawal' in plan) {
          expect((await withdraw(id)).status).toBe(202);
          gates.open(key);
        } else if ('openAfterMs' in plan) {
          const reply = withdraw(id);
          setTimeout(() => gates.open(key), plan.openAfterMs);
          expect((await reply).status).toBe(202);
        } else if ('withdrawAfterMs' in plan) {
          requestDelays.set(`withdraw:${id}`, plan.withdrawAfterMs);
          gates.open(key);
          expect((await withdraw(id)).status).toBe(202);
        } else {
          gates.open(key);
          await awaiting(id, 'nominated', 'review');
          expect((await withdraw(id)).status).toBe(202);
        }
      }),
    );
    held.delete('awaitReview');
    for (const id of ids) await expectWithdrawn(id);
    const stored = await Promise.all(ids.map(tokenStored));
    // Both sides of the race were taken: the first plan's wait was refused, the last one's token was failed.
    expect(stored[0]).toBe(false);
    expect(stored.at(-1)).toBe(true);
  });

  it('a class-close wait and a seat wait whose token lands after the withdrawal end on the withdrawal path', async () => {
    const [first, second, third, waiting] = (await nominate([311, 312, 313, 314])) as [string, string, string, string];
    for (const id of [first, second, third, waiting]) await awaiting(id, 'nominated', 'review');
    expect((await approve(first)).status).toBe(202);
    await awaiting(first, 'assigned', 'class-close');

    // Class 2: its class-close wait held until the withdrawal has released the seat.
    held.add('awaitClassClose');
    expect((await approve(second)).status).toBe(202);
    await gates.arrived(`awaitClassClose:${second}`);
    expect((await withdraw(second)).status).toBe(202);
    gates.open(`awaitClassClose:${second}`);
    held.delete('awaitClassClose');
    await expectWithdrawn(second);
    expect(await tokenStored(second)).toBe(false);

    // Both classes full again: the fourth waits for a seat, its wait held until the withdrawal.
    expect((await approve(third)).status).toBe(202);
    await awaiting(third, 'assigned', 'class-close');
    held.add('awaitSeat');
    expect((await approve(waiting)).status).toBe(202);
    await gates.arrived(`awaitSeat:${waiting}`);
    expect((await registration(waiting)).status).toBe('waitlisted');
    expect((await withdraw(waiting)).status).toBe(202);
    gates.open(`awaitSeat:${waiting}`);
    held.delete('awaitSeat');
    await expectWithdrawn(waiting);
    expect(await tokenStored(waiting)).toBe(false);
    const classes = await api(endpoints, '/classes', { token: staff() });
    expect(classes.body.waitlisted).toBe(0);
  });

  it('an approval racing the withdrawal: one wins, the other is refused or finds it withdrawn; never both lost', async () => {
    // Latency before each request: [withdraw ms, approve ms].
    const plans: [number, number][] = [
      [0, 0],
      [0, 10],
      [10, 0],
      [0, 40],
      [40, 0],
      [0, 1000],
      [1000, 0],
    ];
    const ids = await nominate(plans.map((_, index) => 321 + index));
    for (const id of ids) await awaiting(id, 'nominated', 'review');
    const replies = await Promise.all(
      ids.map(async (id, index) => {
        const [w, a] = plans[index] as [number, number];
        requestDelays.set(`withdraw:${id}`, w);
        requestDelays.set(`review:${id}`, a);
        const [withdrawn, approved] = await Promise.all([withdraw(id), approve(id)]);
        return { id, withdrawn: withdrawn.status, approved: approved.status };
      }),
    );
    await cloud.stepFunctions.settled();
    for (const { id, withdrawn, approved } of replies) {
      expect([withdrawn, approved].filter((status) => status === 202).length, id).toBeGreaterThan(0);
      for (const status of [withdrawn, approved]) expect([202, 409]).toContain(status);
      if (withdrawn === 202) {
        await expectWithdrawn(id);
      } else {
        // The withdrawal lost to the approval's step: the journey goes on, placed or waiting for a seat.
        const body = await eventually(async () => {
          const current = await registration(id);
          return current.awaiting?.stage ? current : undefined;
        });
        expect([
          ['assigned', 'class-close'],
          ['waitlisted', 'seat'],
        ]).toContainEqual([body.status, body.awaiting.stage]);
        expect(execution(id)?.status).toBe('RUNNING');
        expect(await mailsTo(id, WITHDRAWN_MAIL)).toHaveLength(0);
      }
    }
    // The ends of the sweep: withdrawn a second before the approval, the approval is refused.
    expect(replies[5]).toMatchObject({ withdrawn: 202, approved: 409 });
    expect(replies[6]?.approved).toBe(202);
  });

  it('a withdrawal racing the review timeout: withdrawn once, or expired and the withdrawal refused', async () => {
    // Latency before each: [withdraw ms, expireReview ms].
    const plans: [number, number][] = [
      [0, 0],
      [0, 10],
      [10, 0],
      [0, 40],
      [40, 0],
      [0, 1000],
      [1000, 0],
    ];
    const ids = await nominate(plans.map((_, index) => 331 + index));
    for (const id of ids) await awaiting(id, 'nominated', 'review');
    const expireDelays = new Map(ids.map((id, index) => [id, (plans[index] as [number, number])[1]]));
    delay = (fn, event) => {
      const e = event as { action?: string; registrationId?: string };
      return fn === 'workflow-task' && e.action === 'expireReview'
        ? expireDelays.get(String(e.registrationId))
        : undefined;
    };
    ids.forEach((id, index) => {
      requestDelays.set(`withdraw:${id}`, (plans[index] as [number, number])[0]);
    });
    // Three days after nomination: every review wait of this batch is due, right at the withdrawals.
    const [replies] = await Promise.all([
      Promise.all(ids.map(async (id) => ({ id, status: (await withdraw(id)).status }))),
      cloud.setClock(new Date('2024-08-28T09:00:00+08:00')),
    ]);
    await cloud.stepFunctions.settled();
    delay = undefined;
    for (const { id, status } of replies) {
      expect([202, 409]).toContain(status);
      if (status === 202) {
        await expectWithdrawn(id);
      } else {
        const ended = await eventually(async () => (execution(id)?.status === 'RUNNING' ? undefined : execution(id)));
        expect(ended.status).toBe('SUCCEEDED');
        expect(ended.visited.at(-1)).toBe('NotifyExpired');
        expect((await registration(id)).status).toBe('expired');
        expect(await mailsTo(id, '报名审核超时')).toHaveLength(1);
        expect(await mailsTo(id, WITHDRAWN_MAIL)).toHaveLength(0);
      }
    }
    // The ends of the sweep: the timeout's step held a second loses; the withdrawal held a second is refused.
    expect(replies[5]?.status).toBe(202);
    expect(replies[6]?.status).toBe(409);
  });

  it('two approvals at once: one 202, the other 409, one review in the history, and the journey goes on', async () => {
    const ids = await nominate([351, 352, 353]);
    for (const id of ids) await awaiting(id, 'nominated', 'review');
    for (const id of ids) {
      const statuses = (await Promise.all([approve(id), approve(id)])).map((reply) => reply.status).sort();
      expect(statuses, id).toEqual([202, 409]);
      const history = await api(endpoints, `/registrations/${id}/history`, { token: staff() });
      expect(history.body.items.filter((e: { kind: string }) => e.kind === 'reviewed')).toHaveLength(1);
      await eventually(async () => ((await registration(id)).awaiting?.stage ? true : undefined));
    }
  });

  it('an approval racing the review timeout: approved and placed, or expired and the approval refused; never 500', async () => {
    const ids = await nominate([361, 362, 363, 364]);
    for (const id of ids) await awaiting(id, 'nominated', 'review');
    const due = new Date(Date.parse((await registration(ids[0] as string)).awaiting.until) + 60_000);
    const [replies] = await Promise.all([
      Promise.all(ids.map(async (id) => ({ id, status: (await approve(id)).status }))),
      cloud.setClock(due),
    ]);
    await cloud.stepFunctions.settled();
    for (const { id, status } of replies) {
      expect([202, 409], id).toContain(status);
      const body = await eventually(async () => {
        const current = await registration(id);
        return current.status === 'expired' || current.awaiting?.stage ? current : undefined;
      });
      expect(body.status, id).toBe(status === 202 ? body.status : 'expired');
      if (status === 202) expect(['assigned', 'waitlisted', 'not-placed']).toContain(body.status);
    }
  });

  it('a decision the workflow cannot receive is never lost: 503, then the repeated call completes it', async () => {
    const [reviewed, withdrawn] = await nominate([371, 372]);
    for (const id of [reviewed, withdrawn] as string[]) await awaiting(id, 'nominated', 'review');
    // Step Functions unreachable for the next two answers (past the SDK's own retries).
    sfnOutage.set('SendTaskSuccessCommand', 1);
    sfnOutage.set('SendTaskFailureCommand', 1);

    const refusedReview = await approve(reviewed as string);
    expect(refusedReview).toMatchObject({ status: 503, body: { code: 'WORKFLOW_UNAVAILABLE' } });
    // The wait has its token back: still nominated, awaiting review, and a second approval goes through.
    await awaiting(reviewed as string, 'nominated', 'review');
    expect((await approve(reviewed as string)).status).toBe(202);
    await eventually(async () =>
      (await registration(reviewed as string)).awaiting?.stage !== 'review' ? true : undefined,
    );

    const firstWithdrawal = await withdraw(withdrawn as string);
    expect(firstWithdrawal).toMatchObject({ status: 503, body: { code: 'WORKFLOW_UNAVAILABLE' } });
    expect((await registration(withdrawn as string)).status).toBe('withdrawn');
    expect(execution(withdrawn as string)?.status).toBe('RUNNING');
    expect((await withdraw(withdrawn as string)).status).toBe(202);
    await expectWithdrawn(withdrawn as string);
    expect((await withdraw(withdrawn as string)).body.code).toBe('NOT_WITHDRAWABLE');
  });

  it('afterwards nothing is left parked, held or counted for a released registration', async () => {
    await cloud.stepFunctions.settled();
    const items = await scanTable();
    const registrations = items.filter((item) => item.type === 'registration');
    const holding = registrations.filter((r) => HOLDING_STATUSES.includes(r.status));
    // Every execution still running is parked for a person, on a registration that still holds its seat.
    for (const e of cloud.stepFunctions.list()) {
      expect(e.status, `${e.name}: ${e.error} ${e.cause}`).not.toBe('FAILED');
      if (e.status !== 'RUNNING') continue;
      expect(e.waiting, e.name).toBe(true);
      const r = registrations.find((candidate) => candidate.registrationId === e.name);
      expect(r && HOLDING_STATUSES.includes(r.status), e.name).toBe(true);
    }
    for (const r of registrations) {
      if (!HOLDING_STATUSES.includes(r.status)) expect(execution(String(r.registrationId))?.status).toBe('SUCCEEDED');
      if (r.status === 'withdrawn') {
        expect(await mailsTo(String(r.registrationId), WITHDRAWN_MAIL), r.registrationId).toHaveLength(1);
      }
    }
    const quota = items.find((item) => item.type === 'quota' && item.sk === `QUOTA#${UNIT}`);
    expect(Number(quota?.used ?? 0)).toBe(holding.length);
    // Whichever side won each race, the unit's status counts moved with it (issue 12, GET /quotas).
    expect(statusCountViolations(items)).toEqual([]);
    const holders = (type: string) =>
      items
        .filter((item) => item.type === type)
        .map((item) => String(item.registrationId))
        .sort();
    const holdingIds = holding.map((r) => String(r.registrationId)).sort();
    expect(holders('enterprise-lock')).toEqual(holdingIds);
    expect(holders('person-lock')).toEqual(holdingIds);
    expect(holders('waitlist')).toEqual(
      holding
        .filter((r) => r.status === 'waitlisted')
        .map((r) => String(r.registrationId))
        .sort(),
    );
    for (const { number } of programme.classes) {
      const seats = items.find((item) => item.type === 'class-seats' && Number(item.classNumber) === number);
      const assigned = holding.filter((r) => r.status === 'assigned' && Number(r.classNumber) === number).length;
      expect(Number(seats?.used ?? 0), `class ${number}`).toBe(assigned);
    }
  });
});
