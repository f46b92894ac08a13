import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Endpoints } from '../../infra/local/cloud';
import { systemClock } from '../../shared/adapters/clock';
import { readProgramme, saveProgrammeVersion } from '../../shared/adapters/programme-store';
import { getItem } from '../../shared/adapters/registration-store';
import { validTrainee } from '../fixtures/registration-data';
import { api, startTestCloud } from '../support/local-cloud';
import { Journey } from './support/journey';

/**
 * Issue 12 item 4 through the HTTP API: staff replace the programme, checked against what is recorded (unit
 * 110000 has nominated 3 trainees, 2 of them assigned to class 3), versioned, attributed and audited. The shipped
 * programme (data/programme-2024.json) is the starting point: version 0, sample data.
 */
const UNIT = '110000';
const CLASS = 3;

// biome-ignore lint/suspicious/noExplicitAny: the programme as JSON, edited field by field
type Body = Record<string, any>;

describe('programme settings: PUT /programme, versions and audit', () => {
  let endpoints: Endpoints;
  let stop: () => Promise<void>;
  let journey: Journey;
  const classOf = (body: Body, number: number) => body.classes.find((c: { number: number }) => c.number === number);
  const put = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${endpoints.api}/programme`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${journey.staff}`, 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    }).then(async (response) => ({
      status: response.status,
      etag: response.headers.get('etag'),
      body: (await response.json()) as Body,
    }));
  const current = async (): Promise<{ body: Body; etag: string | null }> => {
    const response = await fetch(`${endpoints.api}/programme`, {
      headers: { authorization: `Bearer ${journey.staff}` },
    });
    expect(response.status).toBe(200);
    return { body: (await response.json()) as Body, etag: response.headers.get('etag') };
  };

  beforeAll(async () => {
    ({ endpoints, stop } = await startTestCloud());
    journey = new Journey(endpoints, UNIT);
    const [a, b] = await journey.nominate([validTrainee(501), validTrainee(502), validTrainee(503)]);
    for (const id of [a, b] as string[]) await journey.review(id, 'approved');
    for (const id of [a, b] as string[]) await journey.until(id, 'assigned');
  });
  afterAll(async () => stop?.());

  it('GET /programme carries the version to edit (0: never saved through the API) as body field and ETag', async () => {
    const { body, etag } = await current();
    expect(body.version).toBe(0);
    expect(etag).toBe('"0"');
    expect(body.sampleData).toBe(true);
  });

  it('refuses a save without the version edited (428), and lists every problem of a draft at once (422)', async () => {
    const { body } = await current();
    const noVersion = await put({ ...body, version: undefined, reason: '测试' });
    expect(noVersion.status).toBe(428);
    expect(noVersion.body.code).toBe('VERSION_REQUIRED');

    const draft: Body = structuredClone(body);
    draft.year = 2025;
    draft.deadline = '2024-08-31 23:59';
    draft.quotas[UNIT] = 2;
    classOf(draft, CLASS).capacity = 1;
    Object.assign(classOf(draft, 4), {
      host: classOf(draft, CLASS).host,
      startDate: '2024-10-16',
      endDate: '2024-10-19',
    });
    const refused = await put({ ...draft, version: 0 });
    expect(refused.status, JSON.stringify(refused.body)).toBe(422);
    expect(refused.body.code).toBe('PROGRAMME_INVALID');
    const byCode = Object.fromEntries(refused.body.problems.map((p: { code: string }) => [p.code, p]));
    expect(Object.keys(byCode).sort()).toEqual(
      [
        'YEAR_MISMATCH',
        'DEADLINE_INVALID',
        'QUOTA_BELOW_USED',
        'CAPACITY_BELOW_ASSIGNED',
        'HOST_OVERLAP',
        'REASON_REQUIRED',
      ].sort(),
    );
    expect(byCode.QUOTA_BELOW_USED).toMatchObject({ path: `quotas.${UNIT}`, unitName: '北京市', quota: 2, used: 3 });
    expect(byCode.CAPACITY_BELOW_ASSIGNED).toMatchObject({ path: `classes[${CLASS}].capacity`, assigned: 2 });
    expect(byCode.HOST_OVERLAP).toMatchObject({ classes: [CLASS, 4] });
    for (const problem of refused.body.problems) expect(problem.message).toMatch(/[\u4e00-\u9fff]/);

    const withoutClass = structuredClone(body);
    withoutClass.classes = withoutClass.classes.filter((c: { number: number }) => c.number !== CLASS);
    const inUse = await put({ ...withoutClass, version: 0, reason: '取消第3期' });
    expect(inUse.status).toBe(422);
    expect(inUse.body.problems.map((p: { code: string }) => p.code)).toEqual(['CLASS_IN_USE']);
    expect((await current()).body.version).toBe(0);
  });

  it('saves a new version, attributed and audited; leaving out sampleData clears the sample notice', async () => {
    const { body } = await current();
    const { version, sampleData: _sample, sampleDataNotice: _notice, ...draft } = structuredClone(body);
    const quotaBefore = draft.quotas['440000'];
    draft.quotas['440000'] = quotaBefore + 3;
    classOf(draft, 5).capacity = 70;
    const saved = await put({ ...draft, version, reason: '以正式附件1、附件2替换示例数据' });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    expect(saved.body).toMatchObject({ version: 1, savedBy: 'local-staff', reason: '以正式附件1、附件2替换示例数据' });
    expect(saved.body.sampleDataNotice).toBeUndefined();
    expect(saved.body.notices.join('')).toContain('示例数据');
    expect(saved.body.summary).toEqual([
      'sampleData true→false',
      'classes[5].capacity 80→70',
      `quotas.440000 ${quotaBefore}→${quotaBefore + 3}`,
    ]);
    expect(saved.body.changes).toEqual([
      { path: 'sampleData', from: true, to: false },
      { path: 'classes[5].capacity', from: 80, to: 70 },
      { path: 'quotas.440000', from: quotaBefore, to: quotaBefore + 3 },
    ]);

    const after = await current();
    expect(after.etag).toBe('"1"');
    expect(after.body).toMatchObject({ version: 1, sampleData: false });
    expect(after.body.quotas['440000']).toBe(quotaBefore + 3);
    expect(after.body.sampleDataNotice).toBeUndefined();

    const versions = await api(endpoints, '/programme/versions', { token: journey.staff });
    expect(versions.status).toBe(200);
    expect(versions.body.items).toHaveLength(1);
    expect(versions.body.items[0]).toMatchObject({ version: 1, by: 'local-staff', changes: saved.body.changes });
    const one = await api(endpoints, '/programme/versions/1', { token: journey.staff });
    expect(one.body.programme.quotas['440000']).toBe(quotaBefore + 3);
    expect(one.body).toMatchObject({ version: 1, by: 'local-staff', reason: '以正式附件1、附件2替换示例数据' });

    const audit = await api(endpoints, '/audit?action=programme.change', { token: journey.staff });
    expect(audit.body.items).toHaveLength(1);
    expect(audit.body.items[0]).toMatchObject({
      actor: 'local-staff',
      target: 'programme:2024',
      detail: { version: 1, previousVersion: 0, changes: saved.body.changes },
    });
    expect(JSON.stringify(audit.body.items[0])).not.toContain('@');
  });

  it('refuses a save over a version someone else saved meanwhile (409), and takes the version from If-Match', async () => {
    const { body } = await current();
    const stale = await put({ ...body, version: 0, reason: '基于旧版本的修改' });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ code: 'PROGRAMME_CHANGED', currentVersion: 1, savedBy: 'local-staff' });

    const { version: _v, ...draft } = structuredClone(body);
    draft.reviewTimeoutDays = 21;
    draft.sampleData = true;
    const saved = await put({ ...draft, reason: '审核时限改为21天' }, { 'if-match': '"1"' });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    expect(saved.body.version).toBe(2);
    expect(saved.etag).toBe('"2"');
    // Kept true on purpose: the sample notice stays, and the reply says so.
    expect(saved.body.sampleDataNotice).toBeTruthy();
    expect(saved.body.notices.join('')).toContain('sampleData 仍为 true');

    const first = await api(endpoints, '/programme/versions?limit=1', { token: journey.staff });
    expect(first.body.items.map((v: { version: number }) => v.version)).toEqual([2]);
    const second = await api(endpoints, `/programme/versions?limit=1&cursor=${encodeURIComponent(first.body.next)}`, {
      token: journey.staff,
    });
    expect(second.body.items.map((v: { version: number }) => v.version)).toEqual([1]);
    const unchanged = await put({ ...draft, reason: '再次提交' }, { 'if-match': '"2"' });
    expect(unchanged.body).toMatchObject({ version: 2, unchanged: true, changes: [] });
  });

  it('re-checks lowered limits and the version inside the save’s transaction, so a change made meanwhile refuses it', async () => {
    const record = await readProgramme(2024);
    if (!record) throw new Error('no programme');
    // As if unit 110000 had used only 2 seats when the draft was checked: its 3 seats are recorded by now.
    const outcome = await saveProgrammeVersion(
      {
        year: 2024,
        programme: { ...record.programme, quotas: { ...record.programme.quotas, [UNIT]: 2 } },
        by: 'local-staff',
        at: new Date().toISOString(),
        reason: '并发测试',
        changes: [],
      },
      record.version,
      { quotaAtMost: new Map([[UNIT, 2]]), classSeatsAtMost: new Map() },
      {
        at: systemClock.now().toISOString(),
        action: 'programme.change',
        actor: 'local-staff',
        role: 'staff',
        target: 'programme:2024',
        sourceIp: '127.0.0.1',
        userAgent: 'test',
        requestId: 'refused-save',
        detail: { version: 3 },
      },
    );
    expect(outcome.kind).toBe('state-changed');
    // Its audit event went with it: only the two saves are audited.
    const audit = await api(endpoints, '/audit?action=programme.change', { token: journey.staff });
    expect(audit.body.items.map((event: { detail: { version: number } }) => event.detail?.version)).toEqual([2, 1]);
    // And a save over an older version than the stored one is refused by the write itself, not only by the route.
    const stale = await saveProgrammeVersion(
      {
        year: 2024,
        programme: record.programme,
        by: 'local-staff',
        at: new Date().toISOString(),
        reason: '旧版本',
        changes: [],
      },
      record.version - 1,
      { quotaAtMost: new Map(), classSeatsAtMost: new Map() },
    );
    expect(stale.kind).toBe('version-changed');
    expect((await current()).body.version).toBe(2);
    expect(await getItem({ pk: 'PROGRAMME#2024', sk: 'VERSION#0003' })).toBeUndefined();
  });
});
