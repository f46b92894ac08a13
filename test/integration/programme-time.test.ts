import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LOCAL_NOW, type Endpoints, type LocalCloud, PROGRAMME_YEAR } from '../../infra/local/cloud';
import { systemClock } from '../../shared/adapters/clock';
import { defaultProgramme } from '../../shared/adapters/programme-store';
import { validTrainee } from '../fixtures/registration-data';
import { eventually, startTestCloud } from '../support/local-cloud';
import { uploadTrainees } from './support';

const DAY_MS = 86_400_000;

interface CatchRule {
  readonly ErrorEquals: string[];
  readonly Next: string;
}

/** Programme time moved forward through the control server; callback timeouts due by then fire, as in AWS. */
describe('programme time: the control server and callback timeouts', () => {
  let cloud: LocalCloud;
  let endpoints: Endpoints;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    ({ cloud, endpoints, stop } = await startTestCloud({ retryIntervalMs: 10 }));
  });
  afterAll(async () => stop?.());

  async function control(method: 'GET' | 'POST', body?: unknown) {
    const response = await fetch(`${endpoints.control}/clock`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    return {
      status: response.status,
      body: (await response.json()) as { now?: string; fired?: number; message?: string },
    };
  }

  it('GET /clock is programme time; POST /clock moves it forward for every handler in the process', async () => {
    const current = await control('GET');
    expect(current.status).toBe(200);
    const started = Date.parse(DEFAULT_LOCAL_NOW);
    expect(Date.parse(current.body.now as string) - started).toBeGreaterThanOrEqual(0);
    expect(Date.parse(current.body.now as string) - started).toBeLessThan(10 * 60_000);

    const moved = await control('POST', { now: '2024-08-26T10:00+08:00' });
    expect(moved).toEqual({ status: 200, body: { now: '2024-08-26T02:00:00.000Z', fired: 0 } });
    expect(Math.abs(systemClock.now().getTime() - Date.parse('2024-08-26T10:00+08:00'))).toBeLessThan(5_000);
    expect(Math.abs(cloud.now().getTime() - Date.parse('2024-08-26T10:00+08:00'))).toBeLessThan(5_000);
  });

  it('answers 400 for a time in the past or one it cannot read, and leaves the clock alone', async () => {
    const before = cloud.now().getTime();
    const past = await control('POST', { now: '2024-08-25T10:00+08:00' });
    expect(past.status).toBe(400);
    expect(past.body.message).toMatch(/only moves forward/);
    for (const body of [
      { now: 'next week' },
      { now: '2024-09-30T18:00' },
      { now: '2024-02-31T00:00Z' },
      {},
      'not json',
    ]) {
      const bad = await control('POST', body);
      expect(bad.status, JSON.stringify(body)).toBe(400);
      expect(bad.body.message).toBeTruthy();
    }
    expect(cloud.now().getTime() - before).toBeLessThan(5_000);
    await expect(cloud.setClock(new Date(before - DAY_MS))).rejects.toThrow(/only moves forward/);
  });

  it('mints a host token per class of the programme, next to staff and the units', async () => {
    const classes = defaultProgramme(PROGRAMME_YEAR)?.classes.map((c) => String(c.number)) ?? [];
    expect(classes.length).toBeGreaterThan(0);
    expect(Object.keys(endpoints.tokens.hosts).sort()).toEqual([...classes].sort());
    const claims = await cloud.auth.verify(endpoints.tokens.hosts[classes[0] as string] as string);
    expect(claims).toMatchObject({
      'cognito:groups': ['host'],
      'custom:classes': classes[0],
      sub: `local-host-${classes[0]}`,
      token_use: 'id',
    });
    expect(await cloud.auth.verify(endpoints.tokens.staff)).toMatchObject({ sub: 'local-staff' });
    expect(await cloud.auth.verify(endpoints.tokens['110000'] as string)).toMatchObject({ sub: 'local-unit-110000' });
    expect(await cloud.auth.verify(await cloud.auth.mint({ host: [1, 4] }))).toMatchObject({
      'custom:classes': '1,4',
      email: 'host-1-4@local.test',
      sub: 'local-host-1-4',
    });
  });

  it('an unanswered review times out once programme time passes its timeout, through the Catch', async () => {
    await uploadTrainees(endpoints, '110000', [validTrainee(31)]);
    await cloud.idle();
    const execution = await eventually(async () =>
      cloud.stepFunctions.list().find((e) => e.visited.includes('AwaitReview') && e.waiting),
    );
    const [due] = cloud.stepFunctions.pendingTimers();
    expect(due).toBeGreaterThan(cloud.now().getTime() + DAY_MS);

    const early = await control('POST', { now: new Date((due as number) - 60_000).toISOString() });
    expect(early.body.fired).toBe(0);
    expect(execution.status).toBe('RUNNING');

    const late = await control('POST', { now: new Date(due as number).toISOString() });
    expect(late.body.fired).toBe(1);
    await cloud.stepFunctions.settled();
    // Not retried: AwaitReview ran once, and the next task is where its Catch sends States.Timeout.
    const states = cloud.stepFunctions.definition.States as Record<string, { Catch?: CatchRule[] }>;
    const onTimeout = states.AwaitReview?.Catch?.find((rule) => rule.ErrorEquals.includes('States.Timeout'))?.Next;
    expect(onTimeout).toBeTruthy();
    const visited = execution.visited;
    expect(
      visited.filter((state) => state === 'AwaitReview'),
      JSON.stringify(visited),
    ).toHaveLength(1);
    expect(visited[visited.indexOf('AwaitReview') + 1], JSON.stringify(visited)).toBe(onTimeout);
  });
});
