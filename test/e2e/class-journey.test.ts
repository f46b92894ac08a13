import ExcelJS from 'exceljs';
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Endpoints, LocalCloud } from '../../infra/local/cloud';
import { validTrainee, validUnit } from '../fixtures/registration-data';
import { buildCsv, UNIT_HEADERS, unitRow } from '../fixtures/spreadsheet-files';
import { fillSignInSheet, mark } from '../fixtures/sign-in-data';
import { api, eventually, postToPresigned, startTestCloud } from '../support/local-cloud';
import { Journey } from './support/journey';

/**
 * A class from review to certificates, through public surfaces only, on the 2024 sample programme: class 3
 * (2024-10-14 to 10-17) is everyone's preferred class. Programme time starts on 2024-08-24.
 */
describe('a class: attendance, leave through the unit, closing, completion', () => {
  let cloud: LocalCloud;
  let endpoints: Endpoints;
  let stop: () => Promise<void>;
  let journey: Journey;
  const trainee = {
    certified: validTrainee(101),
    absent: validTrainee(102),
    onLeave: validTrainee(103),
    hostLeave: validTrainee(104),
    unreviewed: validTrainee(105),
    rejected: validTrainee(106),
  };
  const id: Record<keyof typeof trainee, string> = {} as never;
  const CLASS = 3;
  const host = () => journey.host(CLASS);

  beforeAll(async () => {
    ({ cloud, endpoints, stop } = await startTestCloud());
    journey = new Journey(endpoints);
    // The unit's contact (附件3) receives the copies of notices the unit must act on.
    const issued = await api(endpoints, '/uploads', {
      token: journey.unitToken,
      body: { form: 'unit', fileName: 'unit.csv' },
    });
    await postToPresigned(issued.body, buildCsv(UNIT_HEADERS, [unitRow(validUnit())]), 'unit.csv');
    const keys = Object.keys(trainee) as (keyof typeof trainee)[];
    const ids = await journey.nominate(keys.map((key) => trainee[key]));
    keys.forEach((key, index) => {
      id[key] = ids[index] as string;
    });
  });
  afterAll(async () => stop?.());

  it('review: approval assigns the preferred class; a rejection needs a reason and is kept in the history', async () => {
    for (const key of ['certified', 'absent', 'onLeave', 'hostLeave'] as const)
      await journey.review(id[key], 'approved');
    const noReason = await api(endpoints, `/registrations/${id.rejected}/review`, {
      token: journey.staff,
      body: { decision: 'rejected' },
    });
    expect(noReason.status).toBe(400);
    await journey.review(id.rejected, 'rejected', '企业不符合培训对象条件');
    for (const key of ['certified', 'absent', 'onLeave', 'hostLeave'] as const) {
      const registration = await journey.until(id[key], 'assigned', 'class-close');
      expect(registration.class).toMatchObject({ number: CLASS, differsFromPreferred: false });
    }
    await journey.until(id.rejected, 'rejected');
    const history = await api(endpoints, `/registrations/${id.rejected}/history`, { token: journey.unitToken });
    expect(history.status).toBe(200);
    expect(history.body.items.map((e: { kind: string; to?: string }) => e.to ?? e.kind)).toEqual([
      'nominated',
      'reviewed',
      'rejected',
    ]);
    expect(history.body.items[2]).toMatchObject({ by: 'local-staff', reason: '企业不符合培训对象条件' });
  });

  it('classes and rosters: anyone signed in lists classes; only staff and the host see a roster', async () => {
    const classes = await api(endpoints, '/classes', { token: journey.host(1) });
    expect(classes.status).toBe(200);
    expect(classes.body.sampleData).toBe(true);
    expect(classes.body.sampleDataNotice).toMatch(/示例数据/);
    expect(classes.body.items.find((c: { number: number }) => c.number === CLASS)).toMatchObject({
      assigned: 4,
      capacity: 80,
      status: 'open',
      host: '上海交通大学',
    });
    expect((await api(endpoints, `/classes/${CLASS}/roster`, { token: journey.host(1) })).status).toBe(403);
    expect((await api(endpoints, `/classes/${CLASS}/roster`, { token: journey.unitToken })).status).toBe(403);
    expect((await api(endpoints, '/registrations', { token: host() })).status).toBe(403);
    expect((await api(endpoints, `/registrations/${id.certified}`, { token: host() })).status).toBe(403);
    const roster = await api(endpoints, `/classes/${CLASS}/roster`, { token: host() });
    expect(roster.status).toBe(200);
    expect(roster.body.sessions).toHaveLength(8);
    expect(roster.body.sessions[0]).toMatchObject({ session: 1, date: '2024-10-14', half: 'am', recordable: false });
    expect(roster.body.sessions[7]).toMatchObject({ session: 8, date: '2024-10-17', half: 'pm' });
    expect(roster.body.items).toHaveLength(4);
    const entry = roster.body.items.find((item: { registrationId: string }) => item.registrationId === id.certified);
    expect(entry.idNumber).toMatch(/^\d{6}\*{8}\d{3}[\dX]$/);
    expect(JSON.stringify(roster.body)).not.toContain(String(trainee.certified.idNumber));
    expect(entry.unitName).toBe('北京市');
    // Masking holds on every reply that carries a registration: lists, the detail, the roster, its sheet, history.
    const raw = [String(trainee.certified.idNumber), String(trainee.certified.mobile), String(trainee.certified.email)];
    const replies = [
      await api(endpoints, '/registrations?limit=200', { token: journey.staff }),
      await api(endpoints, '/registrations?limit=200', { token: journey.unitToken }),
      await api(endpoints, `/registrations/${id.certified}`, { token: journey.staff }),
      await api(endpoints, `/registrations/${id.certified}`, { token: journey.unitToken }),
      await api(endpoints, `/registrations/${id.certified}/history`, { token: journey.staff }),
      roster,
    ];
    const sheet = await fetch(`${endpoints.api}/classes/${CLASS}/sign-in.xlsx`, {
      headers: { authorization: `Bearer ${host()}` },
    });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(await sheet.arrayBuffer()) as never);
    const texts = [
      ...replies.map((reply) => JSON.stringify(reply.body)),
      JSON.stringify(workbook.worksheets[0]?.getSheetValues()),
    ];
    for (const text of texts) for (const value of raw) expect(text).not.toContain(value);
    expect(JSON.stringify(replies[2]?.body)).toContain(String(trainee.certified.idNumber).slice(-4));
  });

  it('leave: only the trainee’s unit grants it, for sessions not yet begun, with a reason', async () => {
    const leave = (token: string, body: unknown, registrationId = id.onLeave) =>
      api(endpoints, `/registrations/${registrationId}/leave`, { token, body });
    expect((await leave(host(), { sessions: [3], reason: '突发疾病' })).body.code).toBe('LEAVE_BY_UNIT_ONLY');
    expect((await leave(journey.staff, { sessions: [3], reason: '突发疾病' })).status).toBe(403);
    expect((await leave(endpoints.tokens['120000'] as string, { sessions: [3], reason: '突发疾病' })).status).toBe(403);
    expect((await leave(journey.unitToken, { sessions: [9], reason: '突发疾病' })).body.code).toBe(
      'SESSION_OUT_OF_RANGE',
    );
    expect((await leave(journey.unitToken, { sessions: [3] })).status).toBe(400);
    const granted = await leave(journey.unitToken, { sessions: [3], reason: '企业突发安全生产事故，须返回处置' });
    expect(granted.status, JSON.stringify(granted.body)).toBe(201);
    expect(granted.body.sessions).toEqual([3]);
    expect((await leave(journey.unitToken, { sessions: [3], reason: '再次请假' })).body.code).toBe(
      'LEAVE_ALREADY_GRANTED',
    );
    const roster = await api(endpoints, `/classes/${CLASS}/roster`, { token: host() });
    const entry = roster.body.items.find((item: { registrationId: string }) => item.registrationId === id.onLeave);
    expect(entry.sessions[2].leave).toMatchObject({ acknowledged: false });
  });

  it('an unanswered review expires after 30 days: not a rejection, told to the trainee and the unit', async () => {
    const before = await journey.registration(id.unreviewed);
    expect(before.body.awaiting).toMatchObject({ stage: 'review' });
    expect(Date.parse(before.body.awaiting.until)).toBeGreaterThan(Date.parse('2024-09-23T08:59:00+08:00'));
    await journey.setClock('2024-09-22T12:00:00+08:00');
    expect((await journey.registration(id.unreviewed)).body.status).toBe('nominated');
    const moved = await journey.setClock('2024-09-23T10:00:00+08:00');
    expect(moved.fired).toBeGreaterThanOrEqual(1);
    await journey.until(id.unreviewed, 'expired');
    const notice = await journey.mail(String(trainee.unreviewed.email), '审核超时');
    expect(notice.text).not.toMatch(/未通过/);
    await journey.mail(String(validUnit().email), '审核超时');
    // The seat and locks are free again: the unit may nominate the same enterprise.
    const history = await api(endpoints, `/registrations/${id.unreviewed}/history`, { token: journey.staff });
    expect(history.body.items.at(-1)).toMatchObject({ to: 'expired', by: 'system' });
  });

  it('attendance is taken per session, from its own date, by the class’s host; bad input writes nothing', async () => {
    await journey.setClock('2024-10-14T08:40:00+08:00');
    const all = (status: string) =>
      (['certified', 'absent', 'onLeave', 'hostLeave'] as const).map((key) => ({ registrationId: id[key], status }));
    expect((await journey.attendance(CLASS, journey.host(1), 1, all('present'))).status).toBe(403);
    expect((await journey.attendance(CLASS, journey.unitToken, 1, all('present'))).status).toBe(403);
    const bad = [
      [journey.attendance(CLASS, host(), 1, all('leave')), 400, 'ATTENDANCE_STATUS_INVALID'],
      [journey.attendance(CLASS, host(), 1, all('here')), 400, 'ATTENDANCE_STATUS_INVALID'],
      [journey.attendance(CLASS, host(), 9, all('present')), 400, 'SESSION_OUT_OF_RANGE'],
      [journey.attendance(CLASS, host(), 3, all('present')), 409, 'SESSION_NOT_HELD'],
      [
        journey.attendance(CLASS, host(), 1, [...all('present'), { registrationId: id.unreviewed, status: 'present' }]),
        400,
        'NOT_ON_ROSTER',
      ],
      [
        journey.attendance(CLASS, host(), 1, [...all('present'), { registrationId: id.certified, status: 'late' }]),
        400,
        'DUPLICATE_RECORD',
      ],
      [journey.attendance(99, journey.staff, 1, all('present')), 404, 'CLASS_UNKNOWN'],
    ] as const;
    for (const [reply, status, code] of bad) {
      const { status: got, body } = await reply;
      expect({ got, code: body.code }).toEqual({ got: status, code });
      expect(body.message).toMatch(/[\u4e00-\u9fa5]/);
    }
    const untouched = await api(endpoints, `/classes/${CLASS}/roster`, { token: host() });
    expect(
      untouched.body.items.every((item: { sessions: { status: null }[] }) => item.sessions[0]?.status === null),
    ).toBe(true);

    const first = await journey.attendance(CLASS, host(), 1, all('present'));
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ recorded: 4, corrected: 0, unchanged: 0 });
    // A correction keeps the earlier value, who set it and when.
    const corrected = await journey.attendance(CLASS, journey.staff, 1, [
      { registrationId: id.absent, status: 'late' },
    ]);
    expect(corrected.body).toMatchObject({ recorded: 0, corrected: 1 });
    const history = await api(endpoints, `/registrations/${id.absent}/history`, { token: journey.staff });
    expect(history.body.items.at(-1)).toMatchObject({
      kind: 'attendance-corrected',
      session: 1,
      value: 'late',
      by: 'local-staff',
      previous: { status: 'present', recordedBy: expect.stringContaining('local-host') },
    });
    // Leave cannot be granted for a session that has begun.
    const late = await api(endpoints, `/registrations/${id.onLeave}/leave`, {
      token: journey.unitToken,
      body: { sessions: [1], reason: '补请假' },
    });
    expect(late.body.code).toBe('LEAVE_SESSION_PAST');
  });

  it('concurrent writes of one session end consistently: one wins, the other gets 409, never 500', async () => {
    await journey.setClock('2024-10-14T14:10:00+08:00');
    const records = (status: string) =>
      (['certified', 'absent', 'onLeave', 'hostLeave'] as const).map((key) => ({ registrationId: id[key], status }));
    const replies = await Promise.all([
      journey.attendance(CLASS, host(), 2, records('present')),
      journey.attendance(CLASS, journey.staff, 2, records('late')),
      journey.attendance(CLASS, host(), 2, records('absent')),
    ]);
    const statuses = replies.map((reply) => reply.status);
    expect(statuses.every((status) => status === 200 || status === 409)).toBe(true);
    expect(statuses).toContain(200);
    for (const reply of replies.filter((r) => r.status === 409)) expect(reply.body.code).toBe('ATTENDANCE_CONFLICT');
    const roster = await api(endpoints, `/classes/${CLASS}/roster`, { token: host() });
    const values = new Set(
      roster.body.items.map((item: { sessions: { status: string }[] }) => item.sessions[1]?.status),
    );
    expect(values.size).toBe(1);
  });

  it('the host sees the unit’s leave, acknowledges it, and prints the sign-in sheet', async () => {
    const ack = await api(endpoints, `/classes/${CLASS}/leave/${id.onLeave}/acknowledge`, { token: host(), body: {} });
    expect(ack.status, JSON.stringify(ack.body)).toBe(200);
    expect(ack.body.sessions).toEqual([3]);
    const again = await api(endpoints, `/classes/${CLASS}/leave/${id.onLeave}/acknowledge`, {
      token: host(),
      body: {},
    });
    expect(again.body.code).toBe('NO_LEAVE_TO_ACKNOWLEDGE');
    const roster = await api(endpoints, `/classes/${CLASS}/roster`, { token: host() });
    const entry = roster.body.items.find((item: { registrationId: string }) => item.registrationId === id.onLeave);
    expect(entry.sessions[2].leave).toMatchObject({ acknowledged: true, reason: '企业突发安全生产事故，须返回处置' });

    const response = await fetch(`${endpoints.api}/classes/${CLASS}/sign-in.xlsx`, {
      headers: { authorization: `Bearer ${host()}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('spreadsheetml');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(await response.arrayBuffer()) as never);
    const text = JSON.stringify(workbook.worksheets[0]?.getSheetValues());
    for (const name of ['学员101', '学员102', '学员103', '学员104']) expect(text).toContain(name);
    expect(text).not.toContain('学员105');
    expect(text).toContain('第8场');
  });

  it('a filled sign-in sheet uploaded through the presigned POST records what it holds, with findings', async () => {
    await journey.setClock('2024-10-15T19:00:00+08:00');
    const download = await fetch(`${endpoints.api}/classes/${CLASS}/sign-in.xlsx`, {
      headers: { authorization: `Bearer ${host()}` },
    });
    const filled = await fillSignInSheet(new Uint8Array(await download.arrayBuffer()), (sheet, at) => {
      mark(sheet, at, id.certified, 3, '出勤');
      mark(sheet, at, id.certified, 4, '迟到（9:20 到）');
      mark(sheet, at, id.absent, 3, '√');
      mark(sheet, at, id.hostLeave, 3, '请假');
      mark(sheet, at, id.certified, 5, '出勤');
    });
    expect(
      (
        await api(endpoints, '/uploads', {
          token: journey.host(1),
          body: { form: 'attendance', classNumber: CLASS, fileName: 's.xlsx' },
        })
      ).status,
    ).toBe(403);
    const issued = await api(endpoints, '/uploads', {
      token: host(),
      body: { form: 'attendance', classNumber: CLASS, fileName: '第3期签到表.xlsx' },
    });
    expect(issued.status, JSON.stringify(issued.body)).toBe(201);
    expect(issued.body.key).toMatch(/^incoming\/2024\/class-03\//);
    await postToPresigned(issued.body, filled, '第3期签到表.xlsx');
    const report = await eventually(async () => {
      const r = await api(endpoints, `/uploads/${issued.body.uploadId}/report`, { token: host() });
      return ['pending', 'processing'].includes(r.body.status) ? undefined : r.body;
    });
    expect(report.status).toBe('done');
    const codes = report.findings.map((f: { code: string }) => f.code).sort();
    expect(codes).toEqual(['LEAVE_NOT_BY_UNIT', 'SESSION_NOT_HELD']);
    const notHeld = report.findings.find((f: { code: string }) => f.code === 'SESSION_NOT_HELD');
    expect(notHeld).toMatchObject({
      severity: 'error',
      row: expect.any(Number),
      column: expect.stringContaining('第5场'),
    });
    expect((await api(endpoints, `/uploads/${issued.body.uploadId}/report`, { token: journey.unitToken })).status).toBe(
      403,
    );
    const roster = await api(endpoints, `/classes/${CLASS}/roster`, { token: journey.staff });
    const sessionsOf = (registrationId: string) =>
      roster.body.items.find((item: { registrationId: string }) => item.registrationId === registrationId).sessions;
    expect(sessionsOf(id.certified)[2]).toMatchObject({ status: 'present' });
    expect(sessionsOf(id.certified)[3]).toMatchObject({ status: 'late', note: '9:20 到' });
    expect(sessionsOf(id.certified)[4]).toMatchObject({ status: null });
    expect(sessionsOf(id.absent)[2]).toMatchObject({ status: 'present' });
    // "请假" written by the host is not leave: nothing is recorded, and the absence stays unexcused.
    expect(sessionsOf(id.hostLeave)[2]).toMatchObject({ status: null, leave: null });
    expect(sessionsOf(id.onLeave)[2]).toMatchObject({ status: null, leave: { acknowledged: true } });
  });

  it('closing: only after the last session; trainees are evaluated; executions resume; twice is 409', async () => {
    expect((await api(endpoints, `/classes/${CLASS}/close`, { token: host(), body: {} })).body.code).toBe(
      'CLASS_NOT_ENDED',
    );
    await journey.setClock('2024-10-17T18:00:00+08:00');
    const record = async (session: number, statuses: Partial<Record<keyof typeof id, string>>, note?: string) => {
      const records = Object.entries(statuses).map(([key, status]) => ({
        registrationId: id[key as keyof typeof id],
        status: status as string,
        ...(note && key === 'hostLeave' ? { note } : {}),
      }));
      const reply = await journey.attendance(CLASS, host(), session, records);
      expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    };
    await record(2, { certified: 'present', absent: 'absent', onLeave: 'present', hostLeave: 'present' });
    for (const session of [3, 4, 5, 6, 7, 8]) {
      await record(
        session,
        {
          certified: session === 5 ? 'late' : 'present',
          absent: 'present',
          // The unit granted leave for session 3: nothing is recorded, and that absence is excused.
          ...(session === 3 ? {} : { onLeave: 'present' }),
          // The host alone "gives leave": recorded as absent with a note, which excuses nothing.
          hostLeave: session === 4 ? 'absent' : 'present',
        },
        '学员称已向班主任请假',
      );
    }
    expect((await api(endpoints, `/classes/${CLASS}/close`, { token: journey.host(1), body: {} })).status).toBe(403);
    // A withdrawal racing the close: the class has started, so the withdrawal loses with 409 and the close wins.
    const [closed, withdrawal] = await Promise.all([
      api(endpoints, `/classes/${CLASS}/close`, { token: host(), body: {} }),
      api(endpoints, `/registrations/${id.certified}/withdraw`, { token: journey.unitToken, body: {} }),
    ]);
    expect(withdrawal.status).toBe(409);
    expect(closed.status, JSON.stringify(closed.body)).toBe(200);
    expect(closed.body).toMatchObject({ classNumber: CLASS, trainees: 4, complete: 2, incomplete: 2, resumed: 4 });
    const twice = await api(endpoints, `/classes/${CLASS}/close`, { token: journey.staff, body: {} });
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe('CLASS_CLOSED');
    const frozen = await journey.attendance(CLASS, host(), 8, [{ registrationId: id.absent, status: 'present' }]);
    expect(frozen.body.code).toBe('CLASS_CLOSED');

    const certified = await journey.until(id.certified, 'certified');
    expect(certified.certificate).toMatchObject({
      number: expect.stringMatching(/^LJRC-2024-03-\d{4}$/),
      status: 'issued',
    });
    expect(certified.certificate.code).toMatch(/^[2-9A-HJ-NP-Z]{8}$/);
    expect(certified.attendance.summary).toMatchObject({ present: 8, late: 1, unexcusedAbsences: 0 });
    const mail = await journey.mail(String(trainee.certified.email), '结业证书');
    expect(mail.text).toContain(certified.certificate.number);
    expect((await journey.until(id.onLeave, 'certified')).attendance.summary).toMatchObject({ leave: 1 });

    const absent = await journey.until(id.absent, 'incomplete');
    expect(absent.certificate).toBeNull();
    expect((await journey.mail(String(trainee.absent.email), '结业情况通知')).text).toContain('未经批准的缺勤');
    await journey.until(id.hostLeave, 'incomplete');

    const history = await api(endpoints, `/registrations/${id.certified}/history`, { token: journey.unitToken });
    const kinds = history.body.items.map((e: { kind: string; to?: string }) => e.to ?? e.kind);
    expect(kinds.filter((kind: string) => kind !== 'attendance-corrected')).toEqual([
      'nominated',
      'reviewed',
      'assigned',
      'class-closed',
      'certified',
    ]);
    // Session 4: the sheet said late, the host's final record says present; the earlier value is kept.
    expect(history.body.items).toContainEqual(
      expect.objectContaining({
        kind: 'attendance-corrected',
        session: 4,
        value: 'present',
        previous: expect.objectContaining({ status: 'late' }),
      }),
    );
    const classes = await api(endpoints, '/classes', { token: journey.unitToken });
    expect(classes.body.items.find((c: { number: number }) => c.number === CLASS).status).toBe('closed');
  });

  it('mails: exactly the expected sequence per trainee and for the unit contact, each snapshot-matched', async () => {
    await journey.until(id.hostLeave, 'incomplete');
    await cloud.idle();
    await cloud.stepFunctions.settled();
    const store = (await (await fetch(endpoints.mailStore)).json()) as {
      emails: {
        subject: string;
        destination: { to: string[] };
        body: { text?: string; html?: string };
        attachments: { filename?: string; contentType: string; content: string }[];
      }[];
    };
    const mailsTo = (address: string) => store.emails.filter((mail) => mail.destination.to.includes(address));
    // The oracle: the notices the issue names, in the order the journey reaches them.
    const expected: Record<keyof typeof trainee, string[]> = {
      certified: ['报名已受理', '参训通知', '开班提醒', '结业证书', '培训评价邀请'],
      onLeave: ['报名已受理', '参训通知', '开班提醒', '结业证书', '培训评价邀请'],
      absent: ['报名已受理', '参训通知', '开班提醒', '结业情况通知', '培训评价邀请'],
      hostLeave: ['报名已受理', '参训通知', '开班提醒', '结业情况通知', '培训评价邀请'],
      unreviewed: ['报名已受理', '报名审核超时'],
      rejected: ['报名已受理', '报名审核结果'],
    };
    const title = '【2024年度中小企业经营管理领军人才培训】';
    for (const key of Object.keys(trainee) as (keyof typeof trainee)[]) {
      const mails = mailsTo(String(trainee[key].email));
      expect(
        mails.map((mail) => mail.subject),
        key,
      ).toEqual(expected[key].map((subject) => `${title}${subject}`));
      await expect(mails.map(normalised).join('\n\n======\n\n')).toMatchFileSnapshot(
        `__snapshots__/journey-mails/trainee-${key}.txt`,
      );
    }
    const unitMails = mailsTo(String(validUnit().email));
    expect(unitMails.map((mail) => mail.subject)).toEqual([
      '【2024年度领军人才培训】上传处理结果：登记 1 / 1 行',
      '【2024年度领军人才培训】上传处理结果：登记 6 / 6 行',
      `${title}报名审核超时（抄送推荐单位）`,
    ]);
    await expect(unitMails.map(normalised).join('\n\n======\n\n')).toMatchFileSnapshot(
      '__snapshots__/journey-mails/unit-contact.txt',
    );

    // The assigned notice carries the class's four days as an .ics, in Asia/Shanghai time.
    const assigned = mailsTo(String(trainee.certified.email)).find((mail) => mail.subject.endsWith('参训通知'));
    const ics = assigned?.attachments.find((attachment) => attachment.filename === 'class-3.ics');
    const calendar = new ICAL.Component(ICAL.parse(Buffer.from(String(ics?.content), 'base64').toString('utf8')));
    const zone = calendar.getFirstSubcomponent('vtimezone');
    if (zone) ICAL.TimezoneService.register(zone);
    const days = calendar.getAllSubcomponents('vevent').map((event) => new ICAL.Event(event));
    expect(days.map((day) => day.startDate.toJSDate().toISOString())).toEqual(
      ['14', '15', '16', '17'].map((day) => new Date(`2024-10-${day}T08:30:00+08:00`).toISOString()),
    );
    expect(days.every((day) => day.startDate.zone?.tzid === 'Asia/Shanghai')).toBe(true);

    // No mail carries personal data beyond its recipient's own (trainee notices) or the unit's own trainees.
    const personal = (cells: (typeof trainee)[keyof typeof trainee]) => [
      String(cells.idNumber),
      String(cells.mobile),
      String(cells.email),
    ];
    for (const key of Object.keys(trainee) as (keyof typeof trainee)[]) {
      const others = (Object.keys(trainee) as (keyof typeof trainee)[]).filter((other) => other !== key);
      for (const mail of mailsTo(String(trainee[key].email))) {
        const words = `${mail.subject}\n${mail.body.text}\n${mail.body.html}`;
        for (const other of others) {
          for (const value of [String(trainee[other].name), ...personal(trainee[other])])
            expect(words, `${key} mail "${mail.subject}" names ${other}`).not.toContain(value);
        }
        for (const value of [String(trainee[key].idNumber), String(trainee[key].mobile)])
          expect(words, `${key} mail carries its own ID number or phone`).not.toContain(value);
      }
    }
    for (const mail of unitMails) {
      const words = `${mail.subject}\n${mail.body.text}\n${mail.body.html}`;
      for (const cells of Object.values(trainee)) {
        for (const value of personal(cells)) expect(words, `unit mail "${mail.subject}"`).not.toContain(value);
      }
    }
  });
});

/** A mail as the snapshot keeps it: links, codes, ids and send-time expiries vary by run and are masked. */
function normalised(mail: { subject: string; body: { text?: string } }): string {
  return `Subject: ${mail.subject}\n\n${mail.body.text ?? ''}`
    .replace(/https?:\/\/[^\s<>"'，。；（）]+/g, '<link>')
    .replace(/LJRC-2024-03-\d{4}/g, '<certificate number>')
    .replace(/验证码：[2-9A-HJ-NP-Z]{8}/g, '验证码：<code>')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<upload id>')
    .replace(/\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}/g, '<time>')
    .replace(/有效期至 \d{4}-\d{2}-\d{2}/g, '有效期至 <date>');
}
