import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Endpoints, LocalCloud } from '../../infra/local/cloud';
import { validTrainee, validUnit } from '../fixtures/registration-data';
import { buildCsv, TRAINEE_HEADERS, traineeRow, UNIT_HEADERS, unitRow } from '../fixtures/spreadsheet-files';
import { api, eventually, postToPresigned, startTestCloud } from '../support/local-cloud';

/**
 * Issue 14's "the deadline: before, at and after the minute, both forms, with and without an extension", in the local
 * cloud through public surfaces: POST /uploads (upload-url refuses after the deadline), the presigned POST and the
 * upload report (ingest re-checks a trainee file when it arrives), and the extension set through
 * PUT /units/{unit}/deadline-extension. The instants are written out by hand: the 2024 deadline is
 * 2024-08-31 23:59:59 Beijing time, inclusive to the second; unit 120000's extension runs to 2024-09-03 18:00:00.
 *
 * A link issued in time whose file arrives a second after the (effective) deadline: ingest re-checks the trainee form
 * when the file arrives and records none of its rows (DEADLINE_PASSED); the unit form (附件3, the unit's contact) is
 * not a nomination, ingest does not re-check it, so the contact is still recorded.
 *
 * Programme time stands still here (the process's Date is frozen and only moved by setClock), so "at the deadline
 * second" means exactly that second however long an upload takes to be ingested on a busy machine.
 */
const DEADLINE = '2024-08-31T23:59:59+08:00';
const EXTENDED = '2024-09-03T18:00:00+08:00';
const NO_EXTENSION = '110000';
const WITH_EXTENSION = '120000';
const WITHDRAWN = '130000';
const FORMS = ['trainee', 'unit'] as const;
type Form = (typeof FORMS)[number];
interface Issued {
  readonly uploadId: string;
  readonly url: string;
  readonly fields: Record<string, string>;
}

const at = (iso: string, offsetMs = 0) => new Date(Date.parse(iso) + offsetMs);

describe('the registration deadline, both forms, with and without an extension', () => {
  let cloud: LocalCloud;
  let endpoints: Endpoints;
  let stop: () => Promise<void>;
  let row = 700;

  beforeAll(async () => {
    ({ cloud, endpoints, stop } = await startTestCloud());
    vi.useFakeTimers({ toFake: ['Date'] });
  });
  afterAll(async () => {
    vi.useRealTimers();
    await stop?.();
  });

  const staff = () => endpoints.tokens.staff as string;
  const extension = (unit: string, method: 'PUT' | 'DELETE', body?: unknown) =>
    api(endpoints, `/units/${unit}/deadline-extension`, { token: staff(), method, body });

  async function requestUpload(unit: string, form: Form) {
    return api(endpoints, '/uploads', { token: endpoints.tokens[unit], body: { form, fileName: `${form}.csv` } });
  }

  /** A one-row file of the form, sent with an issued link; resolves with the upload report once ingest is done. */
  async function send(unit: string, form: Form, issued: Issued) {
    const file =
      form === 'trainee'
        ? buildCsv(TRAINEE_HEADERS, [traineeRow(validTrainee(row++))])
        : buildCsv(UNIT_HEADERS, [unitRow({ ...validUnit(), unitCode: unit })]);
    expect(await postToPresigned(issued, file, `${form}.csv`)).toBeLessThan(300);
    return eventually(async () => {
      const report = await api(endpoints, `/uploads/${issued.uploadId}/report`, { token: endpoints.tokens[unit] });
      return ['pending', 'processing'].includes(report.body.status) ? undefined : report.body;
    });
  }

  /** The trainee file's rows refused on arrival, naming the deadline; the contact form still recorded. */
  async function arrivingLate(unit: string, links: Record<Form, Issued>, deadlineText: string) {
    const trainees = await send(unit, 'trainee', links.trainee);
    expect(trainees).toMatchObject({ status: 'done', rows: 1, accepted: 0 });
    expect(trainees.findings).toEqual([
      expect.objectContaining({ code: 'DEADLINE_PASSED', message: expect.stringContaining(deadlineText) }),
    ]);
    expect(await send(unit, 'unit', links.unit)).toMatchObject({ status: 'done', accepted: 1 });
  }

  async function linksFor(unit: string): Promise<Record<Form, Issued>> {
    const links = {} as Record<Form, Issued>;
    for (const form of FORMS) {
      const issued = await requestUpload(unit, form);
      expect(issued.status).toBe(201);
      links[form] = issued.body;
    }
    return links;
  }

  /** Requested and sent at the current programme time: both steps must accept it. */
  async function inTime(unit: string, form: Form) {
    const issued = await requestUpload(unit, form);
    expect(issued.status, `${unit} ${form} at ${cloud.now().toISOString()}: ${JSON.stringify(issued.body)}`).toBe(201);
    const report = await send(unit, form, issued.body);
    expect(report, `${unit} ${form} at ${cloud.now().toISOString()}`).toMatchObject({ status: 'done', accepted: 1 });
  }

  async function refused(unit: string, form: Form, deadlineText: string) {
    const reply = await requestUpload(unit, form);
    expect(reply.status, `${unit} ${form} at ${cloud.now().toISOString()}`).toBe(409);
    expect(reply.body.code).toBe('DEADLINE_PASSED');
    expect(reply.body.message).toContain(deadlineText);
  }

  it('grants and withdraws an extension through the route, refusing one that would change nothing', async () => {
    for (const until of [DEADLINE, '2024-08-31T23:59:59.900+08:00', '2024-08-30T12:00:00+08:00']) {
      const same = await extension(WITH_EXTENSION, 'PUT', { until, reason: '材料补交' });
      expect(same.status, until).toBe(422);
      expect(same.body.code).toBe('EXTENSION_NOT_LATER');
      expect(same.body.message).toContain('2024-08-31 23:59:59');
    }
    expect((await extension(WITH_EXTENSION, 'PUT', { until: '2024-09-03 18:00', reason: 'x' })).status).toBe(400);
    expect((await extension('999999', 'PUT', { until: EXTENDED, reason: 'x' })).body.code).toBe('UNIT_UNKNOWN');

    const granted = await extension(WITH_EXTENSION, 'PUT', { until: EXTENDED, reason: '受台风影响，材料延后报送' });
    expect(granted.status, JSON.stringify(granted.body)).toBe(200);
    expect(granted.body).toMatchObject({
      unit: WITH_EXTENSION,
      unitName: '天津市',
      until: EXTENDED,
      effectiveDeadline: '2024-09-03T10:00:00.000Z',
      effectiveDeadlineText: '2024-09-03 18:00:00（北京时间）',
      by: 'local-staff',
    });

    expect((await extension(WITHDRAWN, 'PUT', { until: EXTENDED, reason: '误操作' })).status).toBe(200);
    const withdrawn = await extension(WITHDRAWN, 'DELETE');
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body).toMatchObject({ withdrawn: EXTENDED, effectiveDeadline: '2024-08-31T15:59:59.000Z' });
    const again = await extension(WITHDRAWN, 'DELETE');
    expect(again.status).toBe(404);
    expect(again.body.code).toBe('NO_DEADLINE_EXTENSION');

    const audit = await api(endpoints, '/audit?action=deadline.extend', { token: staff() });
    // Programme time stands still, so the three events share one instant: put in an order of their own.
    const events = audit.body.items
      .map((event: { target: string; detail: Record<string, unknown> }) => [event.target, event.detail])
      .sort((a: [string, object], b: [string, object]) =>
        `${a[0]}${'withdrawn' in a[1]}`.localeCompare(`${b[0]}${'withdrawn' in b[1]}`),
      );
    expect(events).toEqual([
      [`unit:${WITH_EXTENSION}`, { until: EXTENDED, replaced: null, deadline: DEADLINE }],
      [`unit:${WITHDRAWN}`, { until: EXTENDED, replaced: null, deadline: DEADLINE }],
      [`unit:${WITHDRAWN}`, { withdrawn: EXTENDED, deadline: DEADLINE }],
    ]);
  });

  it('without an extension: in time at 23:59:58 and through 23:59:59, refused from 00:00:00, both forms', async () => {
    await cloud.setClock(at(DEADLINE, -1000));
    for (const form of FORMS) await inTime(NO_EXTENSION, form);
    await cloud.setClock(at(DEADLINE));
    for (const form of FORMS) await inTime(NO_EXTENSION, form);
    await cloud.setClock(at(DEADLINE, 999));
    for (const form of FORMS) await inTime(NO_EXTENSION, form);
    const late = await linksFor(NO_EXTENSION);
    await cloud.setClock(at(DEADLINE, 1000));
    await arrivingLate(NO_EXTENSION, late, '2024-08-31 23:59:59');
    for (const form of FORMS) {
      await refused(NO_EXTENSION, form, '2024-08-31 23:59:59');
      await refused(WITHDRAWN, form, '2024-08-31 23:59:59');
      // The same second, the unit with an extension is still in time.
      expect((await requestUpload(WITH_EXTENSION, form)).status).toBe(201);
    }
  });

  it('with an extension: in time through its last second, refused after it, both forms', async () => {
    await cloud.setClock(at(EXTENDED, -1000));
    for (const form of FORMS) await inTime(WITH_EXTENSION, form);
    await cloud.setClock(at(EXTENDED));
    for (const form of FORMS) await inTime(WITH_EXTENSION, form);
    await cloud.setClock(at(EXTENDED, 999));
    for (const form of FORMS) await inTime(WITH_EXTENSION, form);
    const late = await linksFor(WITH_EXTENSION);
    await cloud.setClock(at(EXTENDED, 1000));
    await arrivingLate(WITH_EXTENSION, late, '2024-09-03 18:00:00');
    for (const form of FORMS) await refused(WITH_EXTENSION, form, '2024-09-03 18:00:00');
    // An extension that has already run out changes nothing either.
    const lapsed = await extension(WITH_EXTENSION, 'PUT', { until: EXTENDED, reason: '补录' });
    expect(lapsed.status).toBe(422);
    expect(lapsed.body.code).toBe('EXTENSION_IN_PAST');
  });
});
