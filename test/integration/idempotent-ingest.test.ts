import type { EventEmitter } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Endpoints, LocalCloud } from '../../infra/local/cloud';
import { saveUnitContact } from '../../shared/adapters/unit-contact-store';
import { validTrainee } from '../fixtures/registration-data';
import { eventually, outbox, type StoredMail, startTestCloud } from '../support/local-cloud';
import {
  findingsOf,
  invariantViolations,
  putObject,
  requestUpload,
  scanTable,
  storedUpload,
  summarize,
  traineeCsv,
} from './support';

const UNIT = '110000';
const CONTACT_EMAIL = 'contact@example.gov.cn';

const isReport = (mail: StoredMail) => mail.to === CONTACT_EMAIL && mail.subject.includes('上传处理结果');
const isNominated = (mail: StoredMail) => mail.subject.includes('报名已受理');

/**
 * Issue 4: S3 delivers events at least once. The same event three times (one while the first is still running)
 * gives one registration per row, one execution, one nominated email and one report; a re-upload of the same
 * content under a new upload changes nothing and says so in its report.
 */
describe('idempotent ingest', () => {
  let cloud: LocalCloud;
  let endpoints: Endpoints;
  let stop: () => Promise<void>;
  const trainees = [1, 2, 3].map((n) => validTrainee(n));
  const csv = traineeCsv(trainees);

  beforeAll(async () => {
    // Retries of a delivery that finds the first one in progress wait as AWS's async retries would (shortened).
    ({ cloud, endpoints, stop } = await startTestCloud({ ingestRetries: 4, ingestRetryDelayMs: 1500 }));
    await saveUnitContact({
      unit: UNIT,
      unitName: '北京市经济和信息化局',
      contactName: '王五',
      contactPosition: '处长',
      mobile: '13912345678',
      officePhone: '010-68205000',
      email: CONTACT_EMAIL,
      recommendedCount: 3,
      remarks: '',
      uploadId: 'seed',
      updatedAt: new Date().toISOString(),
    } as never);
  });
  afterAll(async () => stop?.());

  it('handles the same S3 event delivered three times as one delivery', async () => {
    const issued = await requestUpload(endpoints, UNIT);
    // The local cloud hands s3rver's event to ingest (delivery 1); take the very same event for deliveries 2 and 3.
    const s3 = (cloud as unknown as { s3: EventEmitter }).s3;
    const delivered = new Promise<unknown>((resolve) => s3.once('event', resolve));
    await putObject(issued.key, csv);
    const event = await delivered;
    await Promise.all([cloud.invokeAsync('ingest-upload', event), cloud.idle()]);
    await cloud.invokeAsync('ingest-upload', event);
    await cloud.idle();
    expect(cloud.failedEvents()).toEqual([]);

    const upload = await storedUpload(issued.uploadId);
    expect(upload).toMatchObject({ status: 'done', rows: 3, accepted: 3 });
    const summary = summarize(await scanTable());
    expect(summary.registrations).toHaveLength(3);
    expect(summary.counters[UNIT]).toBe(3);
    const executions = cloud.stepFunctions.list();
    expect(executions.map((e) => e.name).sort()).toEqual(summary.registrations.map((r) => r.registrationId).sort());

    // Every mail this upload can cause is sent once ingest is idle (the report) and every execution has passed
    // NotifyNominated and parked for review: nothing is left in flight that could still send a duplicate.
    await cloud.idle();
    await cloud.stepFunctions.settled();
    expect(executions.every((e) => e.status === 'RUNNING' && e.waiting)).toBe(true);
    const mails = await outbox(endpoints);
    for (const trainee of trainees) {
      expect(
        mails.filter((m) => isNominated(m) && m.to === trainee.email),
        String(trainee.email),
      ).toHaveLength(1);
    }
    expect(mails.filter(isNominated)).toHaveLength(trainees.length);
    expect(mails.filter(isReport)).toHaveLength(1);
  });

  it('treats a re-upload of the same file as already registered: no new registration, no new execution', async () => {
    const before = summarize(await scanTable());
    const executionsBefore = cloud.stepFunctions.list().length;

    const issued = await requestUpload(endpoints, UNIT, '报名表（重新上传）.csv');
    await putObject(issued.key, csv);
    await cloud.idle();
    expect(cloud.failedEvents()).toEqual([]);

    const upload = await storedUpload(issued.uploadId);
    expect(upload).toMatchObject({ status: 'done', rows: 3, accepted: 0 });
    const warnings = findingsOf(upload, 'ALREADY_REGISTERED');
    expect(warnings.map((w) => [w.row, w.severity])).toEqual([
      [2, 'warning'],
      [3, 'warning'],
      [4, 'warning'],
    ]);
    expect(upload?.findings?.filter((f) => f.severity === 'error')).toEqual([]);

    const items = await scanTable();
    const after = summarize(items);
    expect(after.registrations.map((r) => r.registrationId).sort()).toEqual(
      before.registrations.map((r) => r.registrationId).sort(),
    );
    expect(after.counters[UNIT]).toBe(3);
    expect(invariantViolations(items)).toEqual([]);
    expect(cloud.stepFunctions.list()).toHaveLength(executionsBefore);
    // Its own report is sent (the second report email), and no trainee is told twice.
    await eventually(
      async () => ((await outbox(endpoints)).filter(isReport).length === 2 ? true : undefined),
      10_000,
      'the re-upload report email',
    );
    expect((await outbox(endpoints)).filter(isNominated)).toHaveLength(trainees.length);
  });
});
