import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Endpoints, LocalCloud } from '../../infra/local/cloud';
import { SIMULATOR } from '../../infra/local/ses-simulator';
import type { OutgoingMail } from '../../shared/notices/mime';
import { validTrainee, validUnit } from '../fixtures/registration-data';
import { buildCsv, TRAINEE_HEADERS, traineeRow, UNIT_HEADERS, unitRow } from '../fixtures/spreadsheet-files';
import { api, eventually, outbox, postToPresigned, startTestCloud } from '../support/local-cloud';
import { Journey } from './support/journey';

/**
 * Test-only fault injection around the real mailer (the local cloud runs the handlers in this process): the next
 * send to an address fails once, as an SES outage in the middle of a step would.
 */
const faults = vi.hoisted(() => ({ failNextSendTo: new Set<string>() }));
vi.mock('../../shared/adapters/mailer', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../shared/adapters/mailer')>();
  return {
    ...real,
    sendMail: async (mail: OutgoingMail) => {
      if (faults.failNextSendTo.delete(mail.to)) {
        throw Object.assign(new Error('injected: SES unavailable'), { name: 'ServiceUnavailableException' });
      }
      return real.sendMail(mail);
    },
  };
});

const CONTACT = String(validUnit().email);
const trainee = {
  bounces: { ...validTrainee(71), email: SIMULATOR.bounce },
  complains: { ...validTrainee(72), email: SIMULATOR.complaint },
  fine: validTrainee(73),
  unreviewed: validTrainee(74),
};

describe('notices: once per step, bounces and complaints (the local SES plays the mailbox simulator)', () => {
  let cloud: LocalCloud;
  let endpoints: Endpoints;
  let stop: () => Promise<void>;
  let journey: Journey;
  const id = {} as Record<keyof typeof trainee, string>;

  const mailsTo = async (to: string, subject: string) =>
    (await outbox(endpoints)).filter((mail) => mail.to === to && mail.subject.includes(subject));
  const history = async (registrationId: string) =>
    (await api(endpoints, `/registrations/${registrationId}/history`, { token: journey.staff })).body.items as {
      kind: string;
      notice?: string;
      reason?: string;
    }[];
  const uploadUnitForm = async (email: string) => {
    const issued = await api(endpoints, '/uploads', {
      token: journey.unitToken,
      body: { form: 'unit', fileName: 'unit.csv' },
    });
    await postToPresigned(issued.body, buildCsv(UNIT_HEADERS, [unitRow({ ...validUnit(), email })]), 'unit.csv');
    await eventually(async () => {
      const report = await api(endpoints, `/uploads/${issued.body.uploadId}/report`, { token: journey.unitToken });
      return report.body.status === 'done' ? report.body : undefined;
    });
    return issued.body.uploadId as string;
  };

  beforeAll(async () => {
    ({ cloud, endpoints, stop } = await startTestCloud({ retryIntervalMs: 5 }));
    journey = new Journey(endpoints);
    await uploadUnitForm(CONTACT);
    const keys = Object.keys(trainee) as (keyof typeof trainee)[];
    const ids = await journey.nominate(keys.map((key) => trainee[key]));
    keys.forEach((key, index) => {
      id[key] = ids[index] as string;
    });
  });
  afterAll(async () => stop?.());

  it('a bounce marks the trainee’s address and tells the unit contact whose address to correct', async () => {
    // The nominated notice went to the simulator, which answered with a permanent bounce.
    expect(await mailsTo(SIMULATOR.bounce, '报名已受理')).toHaveLength(1);
    const told = await eventually(async () =>
      (await mailsTo(CONTACT, '学员邮箱无法送达')).find((m) => m.text?.includes(String(trainee.bounces.name))),
    );
    expect(told.text).toContain('无法投递');
    expect(told.text).not.toContain(SIMULATOR.bounce);
    await cloud.idle();
    expect(await history(id.bounces)).toContainEqual(
      expect.objectContaining({ kind: 'address-undeliverable', reason: 'bounce', notice: 'nominated' }),
    );
  });

  it('a complaint does the same', async () => {
    expect(await mailsTo(SIMULATOR.complaint, '报名已受理')).toHaveLength(1);
    const told = await eventually(async () =>
      (await mailsTo(CONTACT, '学员邮箱无法送达')).find((m) => m.text?.includes(String(trainee.complains.name))),
    );
    expect(told.text).toContain('投诉');
    await cloud.idle();
    expect(await history(id.complains)).toContainEqual(
      expect.objectContaining({ kind: 'address-undeliverable', reason: 'complaint', notice: 'nominated' }),
    );
  });

  it('later notices to a marked address are not sent; the skip is in the history; others are unaffected', async () => {
    for (const key of ['bounces', 'complains', 'fine'] as const) await journey.review(id[key], 'approved');
    for (const key of ['bounces', 'complains', 'fine'] as const)
      await journey.until(id[key], 'assigned', 'class-close');
    const assigned = await journey.mail(String(trainee.fine.email), '参训通知');
    expect(assigned.text).toContain('签到');
    for (const key of ['bounces', 'complains'] as const) {
      const events = await eventually(async () => {
        const items = await history(id[key]);
        return items.some((event) => event.kind === 'notice-skipped') ? items : undefined;
      });
      expect(events).toContainEqual(expect.objectContaining({ kind: 'notice-skipped', notice: 'assigned' }));
      expect(await mailsTo(String(trainee[key].email), '参训通知')).toHaveLength(0);
    }
    // One notice each reached the simulator (the one that bounced or was complained about), never another.
    expect(await mailsTo(SIMULATOR.bounce, '')).toHaveLength(1);
    expect(await mailsTo(SIMULATOR.complaint, '')).toHaveLength(1);
  });

  it('the unit contact’s own address bounces: its notices are held until the unit uploads a corrected 附件3', async () => {
    const bouncing = await uploadUnitForm(SIMULATOR.bounce);
    // That upload's report went to the new (bouncing) address; the simulator's bounce marks the unit contact.
    await eventually(async () =>
      (await mailsTo(SIMULATOR.bounce, '上传处理结果')).find((m) => m.text?.includes(bouncing)),
    );
    await cloud.idle();
    const held = await uploadUnitForm(SIMULATOR.bounce);
    await cloud.idle();
    const reports = (await mailsTo(SIMULATOR.bounce, '上传处理结果')).filter((m) => m.text?.includes(held));
    expect(reports).toHaveLength(0);
    const corrected = await uploadUnitForm(CONTACT);
    const report = await eventually(async () =>
      (await mailsTo(CONTACT, '上传处理结果')).find((m) => m.text?.includes(corrected)),
    );
    expect(report.text).toContain('登录');
  });
  it('the unit re-uploads the trainee’s row with a corrected email: the mark is cleared, notices reach it again', async () => {
    const corrected = { ...trainee.bounces, email: 'corrected.trainee@example.com' };
    const issued = await api(endpoints, '/uploads', {
      token: journey.unitToken,
      body: { form: 'trainee', fileName: 'corrected.csv' },
    });
    await postToPresigned(issued.body, buildCsv(TRAINEE_HEADERS, [traineeRow(corrected)]), 'corrected.csv');
    const report = await eventually(async () => {
      const r = await api(endpoints, `/uploads/${issued.body.uploadId}/report`, { token: journey.unitToken });
      return r.body.status === 'done' ? r.body : undefined;
    });
    expect(report.findings.map((finding: { code: string }) => finding.code)).toEqual([
      'ALREADY_REGISTERED',
      'EMAIL_CORRECTED',
    ]);
    expect(await history(id.bounces)).toContainEqual(
      expect.objectContaining({ kind: 'address-corrected', reason: 'bounce' }),
    );
    const result = await cloud.lambdas.invoke('send-notice', {
      notice: 'assigned',
      registrationId: id.bounces,
      attempt: 2,
    });
    expect(result).toMatchObject({ outcome: 'sent' });
    expect(await mailsTo('corrected.trainee@example.com', '参训通知')).toHaveLength(1);
  });

  it('a step retried after a failure half-way mails only what it had not sent (exactly once per recipient)', async () => {
    // The expiry notice goes to the trainee, then a copy to the unit contact; the copy fails once, so the step
    // fails after the trainee's mail went out, and Step Functions retries the whole step.
    faults.failNextSendTo.add(CONTACT);
    await journey.setClock('2024-09-24T10:00:00+08:00');
    await journey.until(id.unreviewed, 'expired');
    await eventually(async () => ((await mailsTo(CONTACT, '审核超时')).length > 0 ? true : undefined));
    expect(faults.failNextSendTo.has(CONTACT)).toBe(false);
    await cloud.stepFunctions.settled();
    expect(await mailsTo(String(trainee.unreviewed.email), '审核超时')).toHaveLength(1);
    expect(await mailsTo(CONTACT, '审核超时')).toHaveLength(1);
    expect((await journey.registration(id.unreviewed)).body.status).toBe('expired');
  });

  it('the reminder 3 days before class goes out once, by the daily schedule, and not to a marked address', async () => {
    await journey.setClock('2024-10-10T23:00:00+08:00');
    await cloud.idle();
    expect(await mailsTo(String(trainee.fine.email), '开班提醒')).toHaveLength(0);
    // 09:00 Beijing time on 10-11, three days before class 3 starts (2024-10-14): the schedule's run.
    await journey.setClock('2024-10-11T09:30:00+08:00');
    const reminder = await journey.mail(String(trainee.fine.email), '开班提醒');
    expect(reminder.text).toContain('3天后开班');
    await cloud.idle();
    await journey.setClock('2024-10-12T09:30:00+08:00');
    await cloud.idle();
    expect(await mailsTo(String(trainee.fine.email), '开班提醒')).toHaveLength(1);
    expect(await history(id.complains)).toContainEqual(
      expect.objectContaining({ kind: 'notice-skipped', notice: 'class-reminder' }),
    );
    expect(await mailsTo('corrected.trainee@example.com', '开班提醒')).toHaveLength(1);
  });

  it('a step invoked again after it succeeded sends nothing more', async () => {
    const before = (await mailsTo(String(trainee.fine.email), '')).length;
    for (let attempt = 0; attempt < 2; attempt++) {
      const result = await cloud.lambdas.invoke('send-notice', { notice: 'assigned', registrationId: id.fine });
      expect(result).toMatchObject({ outcome: 'already-sent' });
    }
    expect(await mailsTo(String(trainee.fine.email), '')).toHaveLength(before);
    // A kind that repeats counts its attempts: attempt 2 is a new mail, sent once however often it is retried.
    await cloud.lambdas.invoke('send-notice', { notice: 'class-reminder', registrationId: id.fine, attempt: 2 });
    await cloud.lambdas.invoke('send-notice', { notice: 'class-reminder', registrationId: id.fine, attempt: 2 });
    expect(await mailsTo(String(trainee.fine.email), '开班提醒')).toHaveLength(2);
  });

  it('the withdrawal notice says who withdrew: here the recommending unit', async () => {
    const reply = await api(endpoints, `/registrations/${id.fine}/withdraw`, { token: journey.unitToken, body: {} });
    expect(reply.status, JSON.stringify(reply.body)).toBe(202);
    const mail = await journey.mail(String(trainee.fine.email), '报名已撤回');
    expect(mail.text).toContain('推荐单位北京市中小企业主管部门已撤回您的报名');
    expect(mail.text).not.toContain('项目组织方');
  });
});
