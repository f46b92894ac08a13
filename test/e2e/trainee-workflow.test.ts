import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Endpoints, LocalCloud } from '../../infra/local/cloud';
import { validTrainee } from '../fixtures/registration-data';
import { buildCsv, TRAINEE_HEADERS, traineeRow } from '../fixtures/spreadsheet-files';
import { api, eventually, outbox, postToPresigned, startTestCloud } from '../support/local-cloud';

/** Review, assignment and withdrawal through the HTTP API, observed in the outbox and the registration list. */
describe('trainee workflow: review, assignment, withdrawal', () => {
  let cloud: LocalCloud;
  let endpoints: Endpoints;
  let stop: () => Promise<void>;
  const unitToken = () => endpoints.tokens['110000'] as string;

  beforeAll(async () => {
    ({ cloud, endpoints, stop } = await startTestCloud());
  });
  afterAll(async () => stop?.());

  async function upload(rows: ReturnType<typeof validTrainee>[]): Promise<string> {
    const issued = await api(endpoints, '/uploads', {
      token: unitToken(),
      body: { form: 'trainee', fileName: 'a.csv' },
    });
    expect(issued.status).toBe(201);
    await postToPresigned(
      issued.body,
      buildCsv(
        TRAINEE_HEADERS,
        rows.map((row) => traineeRow(row)),
      ),
      'a.csv',
    );
    await eventually(async () => {
      const report = await api(endpoints, `/uploads/${issued.body.uploadId}/report`, { token: unitToken() });
      return ['pending', 'processing'].includes(report.body.status) ? undefined : report;
    });
    return issued.body.uploadId;
  }

  async function registrationOf(name: string) {
    const listed = await api(endpoints, '/registrations', { token: endpoints.tokens.staff });
    return listed.body.items.find((item: { name: string }) => item.name === name);
  }

  /**
   * Ready for review once the workflow's token is saved (the registration shows it waiting in `review`), not when
   * the execution merely entered AwaitReview: an approval before the save would be refused with 409.
   */
  async function awaitingReview(name: string) {
    return eventually(
      async () => {
        const item = await registrationOf(name);
        if (!item) return undefined;
        const detail = await api(endpoints, `/registrations/${item.registrationId}`, { token: endpoints.tokens.staff });
        return detail.body.status === 'nominated' && detail.body.awaiting?.stage === 'review' ? item : undefined;
      },
      30_000,
      `${name} awaiting review`,
    );
  }

  it('approval assigns the preferred class and sends the assignment notice', async () => {
    const trainee = validTrainee(11);
    await upload([trainee]);
    const item = await awaitingReview(String(trainee.name));

    const forbidden = await api(endpoints, `/registrations/${item.registrationId}/review`, {
      token: unitToken(),
      body: { decision: 'approved' },
    });
    expect(forbidden.status).toBe(403);
    const approved = await api(endpoints, `/registrations/${item.registrationId}/review`, {
      token: endpoints.tokens.staff,
      body: { decision: 'approved' },
    });
    expect(approved.status).toBe(202);

    const assigned = await eventually(async () => {
      const current = await registrationOf(String(trainee.name));
      return current?.status === 'assigned' ? current : undefined;
    });
    expect(assigned.classNumber).toBe(trainee.preferredClass);
    const mail = await eventually(async () =>
      (await outbox(endpoints)).find((m) => m.to === trainee.email && m.subject.includes('参训通知')),
    );
    expect(mail.text ?? mail.html).toContain('第3期');
    const again = await api(endpoints, `/registrations/${item.registrationId}/review`, {
      token: endpoints.tokens.staff,
      body: { decision: 'approved' },
    });
    expect(again.status).toBe(409);
  });

  it('withdrawal releases the seat and locks, ends the workflow and tells the trainee', async () => {
    const trainee = validTrainee(12);
    await upload([trainee]);
    const item = await awaitingReview(String(trainee.name));

    const otherUnit = await api(endpoints, `/registrations/${item.registrationId}/withdraw`, {
      token: endpoints.tokens['120000'],
      method: 'POST',
    });
    expect(otherUnit.status).toBe(403);
    const withdrawn = await api(endpoints, `/registrations/${item.registrationId}/withdraw`, {
      token: unitToken(),
      method: 'POST',
    });
    expect(withdrawn.status).toBe(202);

    const execution = await eventually(async () => {
      const found = cloud.stepFunctions.list().find((e) => e.name === item.registrationId);
      return found?.status === 'SUCCEEDED' ? found : undefined;
    });
    expect(execution.visited).toContain('NotifyWithdrawn');
    await eventually(async () =>
      (await outbox(endpoints)).find((m) => m.to === trainee.email && m.subject.includes('报名已撤回')),
    );
    expect((await registrationOf(String(trainee.name))).status).toBe('withdrawn');
    const twice = await api(endpoints, `/registrations/${item.registrationId}/withdraw`, {
      token: unitToken(),
      method: 'POST',
    });
    expect(twice.status).toBe(409);

    // The enterprise and the person are free again: the same row uploaded anew is accepted.
    const uploadId = await upload([trainee]);
    const report = await api(endpoints, `/uploads/${uploadId}/report`, { token: unitToken() });
    expect(report.body).toMatchObject({ status: 'done', accepted: 1 });
  });
});
