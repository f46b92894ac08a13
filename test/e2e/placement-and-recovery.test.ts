import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import defaultProgramme from '../../data/programme-2024.json';
import type { Endpoints, LocalCloud } from '../../infra/local/cloud';
import { parseProgramme } from '../../shared/domain/programme';
import { validTrainee, validUnit } from '../fixtures/registration-data';
import { buildCsv, TRAINEE_HEADERS, traineeRow, UNIT_HEADERS, unitRow } from '../fixtures/spreadsheet-files';
import { api, eventually, postToPresigned, startTestCloud } from '../support/local-cloud';
import { Journey } from './support/journey';

/**
 * Placement and the ways a journey ends other than a certificate, on a small programme: two one-seat classes
 * (class 1 from 2024-09-09, class 2 from 2024-09-16); everyone asks for class 1. Programme time starts 2024-08-24.
 */
const programme = parseProgramme({
  ...defaultProgramme,
  classes: [
    { ...defaultProgramme.classes[0], number: 1, startDate: '2024-09-09', endDate: '2024-09-12', capacity: 1 },
    { ...defaultProgramme.classes[1], number: 2, startDate: '2024-09-16', endDate: '2024-09-19', capacity: 1 },
  ],
});
const asks = (n: number) => ({ ...validTrainee(n), preferredClass: 1 });

describe('placement, waitlist, withdrawal at every wait, failure and recovery', () => {
  let cloud: LocalCloud;
  let endpoints: Endpoints;
  let stop: () => Promise<void>;
  let journey: Journey;
  const t = Object.fromEntries([201, 202, 203, 204, 205, 206, 207, 208].map((n) => [n, asks(n)]));
  const id: Record<number, string> = {};

  beforeAll(async () => {
    ({ cloud, endpoints, stop } = await startTestCloud({ programme, retryIntervalMs: 5 }));
    journey = new Journey(endpoints);
    const issued = await api(endpoints, '/uploads', {
      token: journey.unitToken,
      body: { form: 'unit', fileName: 'unit.csv' },
    });
    await postToPresigned(issued.body, buildCsv(UNIT_HEADERS, [unitRow(validUnit())]), 'unit.csv');
  });
  afterAll(async () => stop?.());

  it('a step failing after its retries leaves the registration failed; staff see it, retry it, and it continues', async () => {
    await cloud.setMailOutage(true);
    const issued = await api(endpoints, '/uploads', {
      token: journey.unitToken,
      body: { form: 'trainee', fileName: 'b.csv' },
    });
    await postToPresigned(
      issued.body,
      buildCsv(
        TRAINEE_HEADERS,
        [t[207], t[208]].map((row) => traineeRow(row as never)),
      ),
      'b.csv',
    );
    const failed = await eventually(
      async () => {
        const list = await api(endpoints, '/registrations?status=failed', { token: journey.staff });
        return list.body.items.length === 2 ? list.body.items : undefined;
      },
      60_000,
      'two failed registrations',
    );
    for (const item of failed) {
      expect(item.failedStep).toBe('NotifyNominated');
      id[Number(String(item.name).replace('学员', ''))] = item.registrationId;
    }
    const detail = await journey.until(id[207] as string, 'failed', 'recovery');
    expect(detail.failure).toMatchObject({ step: 'NotifyNominated', from: 'nominated' });
    expect(
      (await api(endpoints, `/registrations/${id[207]}/retry`, { token: journey.unitToken, body: {} })).status,
    ).toBe(403);
    await cloud.setMailOutage(false);
    // One is withdrawn by its unit while failed, the other retried by staff.
    const withdrawn = await api(endpoints, `/registrations/${id[208]}/withdraw`, {
      token: journey.unitToken,
      body: {},
    });
    expect(withdrawn.status).toBe(202);
    await journey.until(id[208] as string, 'withdrawn');
    await journey.mail(String(t[208]?.email), '报名已撤回');
    const retried = await api(endpoints, `/registrations/${id[207]}/retry`, { token: journey.staff, body: {} });
    expect(retried.status, JSON.stringify(retried.body)).toBe(202);
    expect(retried.body).toMatchObject({ step: 'NotifyNominated', status: 'nominated' });
    await journey.until(id[207] as string, 'nominated', 'review');
    await journey.mail(String(t[207]?.email), '报名已受理');
    expect((await api(endpoints, `/registrations/${id[207]}/retry`, { token: journey.staff, body: {} })).status).toBe(
      409,
    );
    const history = await api(endpoints, `/registrations/${id[207]}/history`, { token: journey.staff });
    expect(history.body.items.map((e: { to?: string }) => e.to)).toEqual(['nominated', 'failed', 'nominated']);
  });

  it('the preferred class full: the earliest class not started with a seat, and the notice says so', async () => {
    const ids = await journey.nominate([t[201], t[202], t[203], t[204], t[205], t[206]] as never);
    [201, 202, 203, 204, 205, 206].forEach((n, index) => {
      id[n] = ids[index] as string;
    });
    await journey.review(id[201] as string, 'approved');
    expect((await journey.until(id[201] as string, 'assigned', 'class-close')).class.number).toBe(1);
    await journey.review(id[202] as string, 'approved');
    const second = await journey.until(id[202] as string, 'assigned', 'class-close');
    expect(second.class).toMatchObject({ number: 2, differsFromPreferred: true });
    expect((await journey.mail(String(t[202]?.email), '参训通知')).text).toContain('与意向期次不同');
    expect((await journey.mail(String(t[201]?.email), '参训通知')).text).not.toContain('与意向期次不同');
  });

  it('all full: waitlisted in order, told so, counted on the class list', async () => {
    await journey.review(id[203] as string, 'approved');
    await journey.until(id[203] as string, 'waitlisted', 'seat');
    await journey.review(id[204] as string, 'approved');
    await journey.until(id[204] as string, 'waitlisted', 'seat');
    await journey.mail(String(t[203]?.email), '候补通知');
    const classes = await api(endpoints, '/classes', { token: journey.unitToken });
    expect(classes.body.waitlisted).toBe(2);
    expect(classes.body.items.map((c: { assigned: number; waitlisted: number }) => [c.assigned, c.waitlisted])).toEqual(
      [
        [1, 2],
        [1, 0],
      ],
    );
  });

  it('withdrawal ends every wait: review, waitlist, class; a freed seat goes to the longest-waiting trainee', async () => {
    const withdraw = (n: number) =>
      api(endpoints, `/registrations/${id[n]}/withdraw`, {
        token: journey.unitToken,
        body: { reason: '企业自愿退出' },
      });
    expect((await withdraw(205)).status).toBe(202);
    await journey.until(id[205] as string, 'withdrawn');
    expect((await withdraw(204)).status).toBe(202);
    await journey.until(id[204] as string, 'withdrawn');
    await journey.mail(String(t[204]?.email), '报名已撤回');
    // 201 held the only seat of class 1; 203 has waited longest.
    expect((await withdraw(201)).status).toBe(202);
    await journey.until(id[201] as string, 'withdrawn');
    const promoted = await journey.until(id[203] as string, 'assigned', 'class-close');
    expect(promoted.class.number).toBe(1);
    await journey.mail(String(t[203]?.email), '参训通知');
    expect((await withdraw(201)).body.code).toBe('NOT_WITHDRAWABLE');
    const classes = await api(endpoints, '/classes', { token: journey.staff });
    expect(classes.body.waitlisted).toBe(0);
    expect(classes.body.items[0]).toMatchObject({ number: 1, assigned: 1 });
  });

  it('a waitlist left when the last class starts ends not-placed, told to the trainee and the unit', async () => {
    await journey.review(id[206] as string, 'approved');
    await journey.until(id[206] as string, 'waitlisted', 'seat');
    await journey.setClock('2024-09-09T09:00:00+08:00');
    // Class 1 has started: it can no longer be withdrawn from, and nobody is placed in it.
    expect(
      (await api(endpoints, `/registrations/${id[203]}/withdraw`, { token: journey.unitToken, body: {} })).body.code,
    ).toBe('CLASS_STARTED');
    expect((await journey.registration(id[206] as string)).body.status).toBe('waitlisted');
    await journey.setClock('2024-09-16T00:00:01+08:00');
    await journey.until(id[206] as string, 'not-placed');
    await journey.mail(String(t[206]?.email), '候补结果');
    await journey.mail(String(validUnit().email), '候补结果');
    // 207 (retried earlier) is approved only now: no class is left to start, so it is not placed either.
    await journey.review(id[207] as string, 'approved');
    await journey.until(id[207] as string, 'not-placed');
  });

  it('no execution ends failed because time passed: a class nobody closed is evaluated on its sign-ins', async () => {
    await journey.setClock('2024-10-04T12:00:00+08:00');
    for (const n of [202, 203]) {
      const ended = await journey.until(id[n] as string, 'incomplete');
      expect(ended.attendance.summary).toMatchObject({ unexcusedAbsences: 8 });
    }
    // Their last notices are still being sent when the status changes: wait for the executions to end.
    await cloud.stepFunctions.settled();
    const executions = cloud.stepFunctions.list();
    expect(executions.filter((e) => e.status === 'FAILED')).toEqual([]);
    expect(executions.filter((e) => e.status === 'RUNNING').map((e) => e.name)).toEqual([]);
  });
});
