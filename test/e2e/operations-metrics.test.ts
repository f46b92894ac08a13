import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Endpoints, LocalCloud } from '../../infra/local/cloud';
import { tracer } from '../../shared/adapters/tracer';
import { validTrainee, validUnit } from '../fixtures/registration-data';
import { buildCsv, TRAINEE_HEADERS, traineeRow, UNIT_HEADERS, unitRow } from '../fixtures/spreadsheet-files';
import { api, eventually, outbox, postToPresigned, startTestCloud } from '../support/local-cloud';
import type { PendingUploadCheck } from '../../shared/intake/stuck-uploads';
import { Journey } from './support/journey';

/**
 * The README walk-through ("Walk-through with curl"), run against the local cloud with metrics on: the local
 * runtime runs every handler in this process, so their stdout — JSON logs and EMF metric lines — is this
 * process's stdout, read here. The expected figures follow from the walk-through's own data: 3 trainees and a
 * unit contact, one row with a bad ID check digit and a bad mobile, 3 approvals, a class where one trainee misses
 * a session without leave; then one evaluation answer (the metric the README's steps do not reach).
 */
interface EmfLine {
  readonly _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] };
  readonly [key: string]: unknown;
}

const output: string[] = [];
const annotations: [string, unknown][] = [];

function emfLines(): EmfLine[] {
  return output
    .join('')
    .split('\n')
    .filter((line) => line.includes('"_aws"'))
    .map((line) => JSON.parse(line) as EmfLine);
}

/** The sum of a metric's values over every EMF line, optionally only where a dimension has a value. */
function total(name: string, where?: Record<string, string>): number {
  let sum = 0;
  for (const line of emfLines()) {
    const names = line._aws.CloudWatchMetrics.flatMap((m) => m.Metrics.map((metric) => metric.Name));
    if (!names.includes(name)) continue;
    if (where && !Object.entries(where).every(([key, value]) => line[key] === value)) continue;
    sum += Number(line[name]);
  }
  return sum;
}

describe('operations: the README walk-through publishes the business metrics, and no personal data', () => {
  let endpoints: Endpoints;
  let stop: () => Promise<void>;
  let cloud: LocalCloud;
  let journey: Journey;
  let ingestGate: Promise<void> | undefined;
  let releaseIngest = () => {};
  const trainees = [validTrainee(1), validTrainee(2), validTrainee(3)];
  const broken = { ...validTrainee(1001), idNumber: '110105194912310021', mobile: '1234' };
  const unit = validUnit();
  const ids: string[] = [];

  beforeAll(async () => {
    // Chunks are kept and not echoed: the EMF and log lines are the subject here, not test output.
    // Both streams: Powertools writes warnings and errors to stderr.
    for (const stream of [process.stdout, process.stderr]) {
      vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
        output.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
        return true;
      });
    }
    vi.spyOn(tracer, 'putAnnotation').mockImplementation((key: string, value: unknown) => {
      annotations.push([key, value]);
    });
    ({ endpoints, stop, cloud } = await startTestCloud({
      metrics: true,
      logLevel: 'INFO',
      // The stuck-upload check below holds ingest at this gate; the walk-through never sets it.
      invocationDelays: (fn) => (fn === 'ingest-upload' ? ingestGate : undefined),
    }));
    journey = new Journey(endpoints);

    const upload = async (form: 'unit' | 'trainee', file: Uint8Array, name: string) => {
      const issued = await api(endpoints, '/uploads', { token: journey.unitToken, body: { form, fileName: name } });
      expect(issued.status).toBe(201);
      await postToPresigned(issued.body, file, name);
      return eventually(async () => {
        const report = await api(endpoints, `/uploads/${issued.body.uploadId}/report`, { token: journey.unitToken });
        return ['pending', 'processing'].includes(report.body.status) ? undefined : report.body;
      });
    };
    await upload('unit', buildCsv(UNIT_HEADERS, [unitRow(unit)]), 'unit.csv');
    ids.push(...(await journey.nominate(trainees)));
    const refused = await upload('trainee', buildCsv(TRAINEE_HEADERS, [traineeRow(broken)]), 'trainee-with-errors.csv');
    expect(refused).toMatchObject({ status: 'done', accepted: 0 });

    for (const id of ids) await journey.review(id, 'approved');
    for (const id of ids) await journey.until(id, 'assigned', 'class-close');
    const [first, second, third] = ids as [string, string, string];
    const leave = await api(endpoints, `/registrations/${second}/leave`, {
      token: journey.unitToken,
      body: { sessions: [3], reason: '企业突发安全生产事故，须返回处置' },
    });
    expect(leave.status).toBeLessThan(300);
    await journey.setClock('2024-10-17T18:00:00+08:00');
    for (let session = 1; session <= 8; session++) {
      const recorded = await journey.attendance(3, journey.host(3), session, [
        { registrationId: first, status: 'present' },
        { registrationId: second, status: session === 3 ? 'absent' : 'present' },
        { registrationId: third, status: session === 5 ? 'absent' : 'present' },
      ]);
      expect(recorded.status).toBeLessThan(300);
    }
    const ack = await api(endpoints, `/classes/3/leave/${second}/acknowledge`, { token: journey.host(3), body: {} });
    expect(ack.status).toBeLessThan(300);
    const closed = await api(endpoints, '/classes/3/close', { token: journey.host(3), body: {} });
    expect(closed.body).toMatchObject({ trainees: 3, complete: 2, incomplete: 1 });
    await journey.until(first, 'certified');
    await journey.until(second, 'certified');
    await journey.until(third, 'incomplete');

    const invitation = await eventually(async () => {
      const mail = (await outbox(endpoints)).find(
        (m) => m.to === String(trainees[0]?.email) && /\/evaluation\/[A-Za-z0-9_-]{43}/.test(m.text ?? ''),
      );
      return mail?.text;
    });
    const token = /\/evaluation\/([A-Za-z0-9_-]{43})\b/.exec(invitation)?.[1];
    const answered = await api(endpoints, `/evaluation/${token}`, {
      body: { scores: { course: 5, faculty: 4, organisation: 4, effect: 5 } },
    });
    expect(answered.status).toBeLessThan(300);
  }, 120_000);

  afterAll(async () => {
    releaseIngest();
    await stop?.();
    vi.restoreAllMocks();
  });

  it('counts uploads received and done by form, and rows accepted and refused by form and by unit', () => {
    expect(total('UploadsReceived', { form: 'unit' })).toBe(1);
    expect(total('UploadsReceived', { form: 'trainee' })).toBe(2);
    expect(total('UploadsReceived', { unit: '110000' })).toBe(3);
    expect(total('UploadsDone', { form: 'trainee' })).toBe(2);
    expect(total('UploadsFailed')).toBe(0);
    expect(total('RowsAccepted', { form: 'trainee' })).toBe(3);
    expect(total('RowsAccepted', { form: 'unit' })).toBe(1);
    expect(total('RowsRefused', { unit: '110000' })).toBe(1);
  });

  it('counts the refused row under each finding code that refused it', () => {
    expect(total('RowsRefusedByCode', { code: 'ID_CHECKSUM' })).toBe(1);
    expect(total('RowsRefusedByCode', { code: 'MOBILE_FORMAT' })).toBe(1);
  });

  it('counts registrations by the status they entered', () => {
    expect(total('RegistrationStatusChanged', { status: 'nominated' })).toBe(3);
    expect(total('RegistrationStatusChanged', { status: 'assigned' })).toBe(3);
    expect(total('RegistrationStatusChanged', { status: 'certified' })).toBe(2);
    expect(total('RegistrationStatusChanged', { status: 'incomplete' })).toBe(1);
    expect(total('RegistrationStatusChanged', { status: 'failed' })).toBe(0);
    expect(total('WorkflowStepsFailed')).toBe(0);
  });

  it('counts the class close, the certificates issued and the evaluation response', () => {
    expect(total('ClassesClosed')).toBe(1);
    expect(total('CertificatesIssued', { issue: 'first' })).toBe(2);
    expect(total('EvaluationResponses')).toBe(1);
  });

  it('publishes every line to the one namespace, each dimension set naming the service', () => {
    const lines = emfLines();
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      for (const directive of line._aws.CloudWatchMetrics) {
        expect(directive.Namespace).toBe('LeadingTalentTraining');
        for (const set of directive.Dimensions) {
          expect(set).toContain('service');
          for (const dimension of set) expect(typeof line[dimension]).toBe('string');
        }
      }
    }
  });

  // After the counts: it moves programme time and adds uploads the figures above do not count.
  it('the scheduled check counts an upload whose file arrived but was never ingested, after 15 minutes', async () => {
    const check = async () => (await cloud.lambdas.invoke('stuck-uploads', {})) as PendingUploadCheck;
    const request = async () => {
      const issued = await api(endpoints, '/uploads', {
        token: journey.host(3),
        body: { form: 'attendance', classNumber: 3, fileName: 'sign-in.csv' },
      });
      expect(issued.status).toBe(201);
      return issued.body as { uploadId: string; url: string; fields: Record<string, string> };
    };
    ingestGate = new Promise<void>((resolve) => {
      releaseIngest = resolve;
    });
    const held = await request();
    await postToPresigned(held, new TextEncoder().encode('报名编号,第1场\n'), 'sign-in.csv');
    const neverSent = await request();
    const before = total('UploadsStuckPending');
    const report = await api(endpoints, `/uploads/${held.uploadId}/report`, { token: journey.host(3) });
    const requestedAt = Date.parse(report.body.createdAt);
    expect(Number.isNaN(requestedAt)).toBe(false);
    const minutesAfter = (minutes: number) => new Date(requestedAt + minutes * 60_000).toISOString();

    await journey.setClock(minutesAfter(14));
    expect(await check()).toEqual({ stuck: [], abandoned: 0, waiting: 0 });
    await journey.setClock(minutesAfter(16));
    expect(await check()).toEqual({ stuck: [held.uploadId], abandoned: 0, waiting: 1 });
    expect(total('UploadsStuckPending') - before).toBe(1);
    expect(output.join('')).toContain(`"message":"Upload stuck pending"`);

    // Its presigned POST has expired: the request without a file leaves the check for good.
    await journey.setClock(minutesAfter(21));
    expect(await check()).toEqual({ stuck: [held.uploadId], abandoned: 1, waiting: 0 });
    expect(await check()).toEqual({ stuck: [held.uploadId], abandoned: 0, waiting: 0 });
    const forgotten = await api(endpoints, `/uploads/${neverSent.uploadId}/report`, { token: journey.host(3) });
    expect(forgotten.body.status).toBe('pending');

    ingestGate = undefined;
    releaseIngest();
    await cloud.idle();
    expect(await check()).toEqual({ stuck: [], abandoned: 0, waiting: 0 });
  });

  // Last, so it also scans the check's warnings.
  it('writes no ID number, phone, email or name into any metric, log line or trace annotation', () => {
    const personal = [
      ...trainees.flatMap((t) => [t.idNumber, t.mobile, t.email, t.name]),
      broken.idNumber,
      broken.name,
      broken.email,
      unit.contactName,
      unit.mobile,
      String(unit.mobile).replace(/\s/g, ''),
      unit.officePhone,
      unit.email,
    ].map(String);
    const everything = output.join('');
    // The scan must have something to scan: logs at INFO, warnings (stderr) and the EMF lines.
    expect(everything).toContain('"message":"Upload ingested"');
    expect(everything).toContain('"_aws"');
    expect(everything).toContain('"level":"WARN"');
    for (const value of personal) expect(everything, 'stdout').not.toContain(value);
    expect(annotations.map(([key]) => key)).toEqual(expect.arrayContaining(['registrationId', 'uploadId', 'route']));
    const annotated = JSON.stringify(annotations);
    for (const value of personal) expect(annotated, 'trace annotations').not.toContain(value);
  });
});
