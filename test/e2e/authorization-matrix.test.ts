import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUCKET_NAME, type Endpoints, type LocalCloud } from '../../infra/local/cloud';
import { ROUTES } from '../../infra/routes';
import { s3Client } from '../../shared/adapters/aws-clients';
import { CLASSES_CLAIM, HOST_GROUP, STAFF_GROUP, UNIT_CLAIM } from '../../shared/http/principal';
import { validTrainee } from '../fixtures/registration-data';
import { buildCsv, TRAINEE_HEADERS, traineeRow, unzipEntries } from '../fixtures/spreadsheet-files';
import { api, eventually, postToPresigned, startTestCloud } from '../support/local-cloud';
import { Journey } from './support/journey';
import { personalDataIn } from './support/personal-data-scan';

/**
 * Issue 10: who may call what, for every route of the route table (infra/routes.ts), through the local HTTP API,
 * which verifies tokens as API Gateway's JWT authorizer does. Unit A is 110000, unit B 120000; both have trainees in
 * class 3; the host token is class 5's. Routes that change state are called with a body that the route refuses
 * only once the caller has been let in (400), so the matrix itself changes nothing.
 */
const UNIT_A = '110000';
const UNIT_B = '120000';
const CLASS = 3;
const OTHER_HOSTS_CLASS = 5;

const CALLERS = [
  'none',
  'expired',
  'wrongIssuer',
  'algNone',
  'staff',
  'unitAonA',
  'unitAonB',
  'unknownUnit',
  'ambiguous',
  'hostOfOtherClass',
] as const;
type Caller = (typeof CALLERS)[number];
type Expected = Record<Caller, number>;

interface Fixture {
  readonly registration: { readonly A: string; readonly B: string };
  readonly upload: { readonly A: string; readonly B: string };
}
type Target = 'A' | 'B';
interface Row {
  readonly request: (fixture: Fixture, target: Target) => { path: string; body?: unknown };
  readonly expected: Expected;
}

/** A signed-in route: a bad or missing token never reaches it (401); an unknown unit or two roles are refused (403). */
const signedIn = (allowed: Pick<Expected, 'staff' | 'unitAonA' | 'unitAonB' | 'hostOfOtherClass'>): Expected => ({
  none: 401,
  expired: 401,
  wrongIssuer: 401,
  algNone: 401,
  unknownUnit: 403,
  ambiguous: 403,
  ...allowed,
});
/** A public route answers everyone alike: no authorizer, so a token, good or bad, changes nothing. */
const publicRoute = (status: number): Expected =>
  Object.fromEntries(CALLERS.map((caller) => [caller, status])) as Expected;
const staffOnly = (staff: number) => signedIn({ staff, unitAonA: 403, unitAonB: 403, hostOfOtherClass: 403 });
const staffAndOwnUnit = (staff: number, own: number) =>
  signedIn({ staff, unitAonA: own, unitAonB: 403, hostOfOtherClass: 403 });
const anyoneSignedIn = (status: number) =>
  signedIn({ staff: status, unitAonA: status, unitAonB: status, hostOfOtherClass: status });

const path = (text: string) => () => ({ path: text });
const UNIT_OF: Record<Target, string> = { A: UNIT_A, B: UNIT_B };
/** The enterprises of unit A's and unit B's first trainees (validTrainee(901) and (903) below). */
const ENTERPRISE_OF: Record<Target, string> = {
  A: String(validTrainee(901).creditCode),
  B: String(validTrainee(903).creditCode),
};
const TOO_LONG = 'x'.repeat(501);

const MATRIX: Readonly<Record<string, Row>> = {
  'POST /uploads': {
    request: () => ({ path: '/uploads', body: { form: 'trainee', fileName: 'matrix.csv' } }),
    expected: signedIn({ staff: 403, unitAonA: 201, unitAonB: 201, hostOfOtherClass: 403 }),
  },
  'GET /uploads/{uploadId}/report': {
    request: (f, t) => ({ path: `/uploads/${f.upload[t]}/report` }),
    expected: staffAndOwnUnit(200, 200),
  },
  'GET /uploads/{uploadId}/report.xlsx': {
    // The fixture's uploads are still pending: authorized callers get REPORT_NOT_READY, others 403.
    request: (f, t) => ({ path: `/uploads/${f.upload[t]}/report.xlsx` }),
    expected: staffAndOwnUnit(404, 404),
  },
  'GET /registrations': {
    request: (_f, t) => ({ path: t === 'A' ? '/registrations' : `/registrations?unit=${UNIT_B}` }),
    expected: staffAndOwnUnit(200, 200),
  },
  'GET /registrations/{registrationId}': {
    request: (f, t) => ({ path: `/registrations/${f.registration[t]}` }),
    expected: staffAndOwnUnit(200, 200),
  },
  'GET /registrations/{registrationId}/history': {
    request: (f, t) => ({ path: `/registrations/${f.registration[t]}/history` }),
    expected: staffAndOwnUnit(200, 200),
  },
  'POST /registrations/{registrationId}/review': {
    request: (f, t) => ({ path: `/registrations/${f.registration[t]}/review`, body: { decision: 'maybe' } }),
    expected: staffOnly(400),
  },
  'POST /registrations/{registrationId}/withdraw': {
    request: (f, t) => ({ path: `/registrations/${f.registration[t]}/withdraw`, body: { reason: TOO_LONG } }),
    expected: staffAndOwnUnit(400, 400),
  },
  'POST /registrations/{registrationId}/leave': {
    request: (f, t) => ({ path: `/registrations/${f.registration[t]}/leave`, body: { sessions: [] } }),
    // Leave is the unit's to grant: staff are refused too (notice 二(三)).
    expected: staffAndOwnUnit(403, 400),
  },
  'POST /registrations/{registrationId}/retry': {
    request: (f, t) => ({ path: `/registrations/${f.registration[t]}/retry`, body: {} }),
    // Staff reach it; nothing has failed, so there is nothing to retry.
    expected: staffOnly(409),
  },
  'GET /classes': { request: path('/classes'), expected: anyoneSignedIn(200) },
  'GET /classes/{classNumber}/roster': { request: path(`/classes/${CLASS}/roster`), expected: staffOnly(200) },
  'GET /classes/{classNumber}/roster.xlsx': {
    request: path(`/classes/${CLASS}/roster.xlsx`),
    expected: staffOnly(200),
  },
  'GET /classes/{classNumber}/roster.csv': {
    request: path(`/classes/${CLASS}/roster.csv`),
    expected: staffOnly(200),
  },
  'GET /classes/{classNumber}/sign-in.xlsx': {
    request: path(`/classes/${CLASS}/sign-in.xlsx`),
    expected: staffOnly(200),
  },
  'PUT /classes/{classNumber}/attendance': {
    request: () => ({ path: `/classes/${CLASS}/attendance`, body: { session: 0, records: [] } }),
    expected: staffOnly(400),
  },
  'POST /classes/{classNumber}/close': {
    request: () => ({ path: `/classes/${CLASS}/close`, body: {} }),
    // Staff reach it; the class has not ended.
    expected: staffOnly(409),
  },
  'POST /classes/{classNumber}/leave/{registrationId}/acknowledge': {
    request: (f) => ({ path: `/classes/${CLASS}/leave/${f.registration.A}/acknowledge`, body: {} }),
    expected: staffOnly(404),
  },
  'GET /registrations/{registrationId}/certificate.pdf': {
    request: (f, t) => ({ path: `/registrations/${f.registration[t]}/certificate.pdf` }),
    // Reached, and no certificate yet.
    expected: staffAndOwnUnit(404, 404),
  },
  'POST /certificates/{number}/revoke': {
    request: () => ({ path: '/certificates/LT2024-0001/revoke', body: {} }),
    expected: staffOnly(400),
  },
  'POST /certificates/{number}/reissue': {
    request: () => ({ path: '/certificates/LT2024-0001/reissue', body: {} }),
    expected: staffOnly(400),
  },
  'GET /classes/{classNumber}/certificates.zip': {
    request: path(`/classes/${CLASS}/certificates.zip`),
    expected: staffOnly(404),
  },
  'GET /classes/{classNumber}/evaluation': { request: path(`/classes/${CLASS}/evaluation`), expected: staffOnly(200) },
  'GET /classes/{classNumber}/evaluation.xlsx': {
    request: path(`/classes/${CLASS}/evaluation.xlsx`),
    expected: staffOnly(200),
  },
  'GET /classes/{classNumber}/evaluation.csv': {
    request: path(`/classes/${CLASS}/evaluation.csv`),
    expected: staffOnly(200),
  },
  'GET /exports/evaluation.xlsx': { request: path('/exports/evaluation.xlsx'), expected: staffOnly(200) },
  'GET /exports/evaluation.csv': { request: path('/exports/evaluation.csv'), expected: staffOnly(200) },
  'POST /classes/{classNumber}/evaluation/reminders': {
    request: () => ({ path: `/classes/${CLASS}/evaluation/reminders`, body: {} }),
    // Staff reach it; before the class, nobody is due a reminder, so nothing is sent.
    expected: staffOnly(200),
  },
  'GET /evaluation': { request: path('/evaluation'), expected: staffOnly(200) },
  'GET /verify/{number}': { request: path('/verify/LT2024-9999?code=ABCD'), expected: publicRoute(404) },
  'GET /certificates/{number}/certificate.pdf': {
    request: path('/certificates/LT2024-9999/certificate.pdf?expires=1&signature=x'),
    expected: publicRoute(404),
  },
  'GET /evaluation/{token}': { request: path('/evaluation/not-a-token'), expected: publicRoute(404) },
  'POST /evaluation/{token}': {
    request: () => ({ path: '/evaluation/not-a-token', body: { scores: {} } }),
    expected: publicRoute(404),
  },
  'GET /templates/{templateName}': { request: path('/templates/trainee.xlsx'), expected: anyoneSignedIn(200) },
  'GET /programme': { request: path('/programme'), expected: anyoneSignedIn(200) },
  'GET /audit': { request: path('/audit'), expected: staffOnly(200) },
  'GET /units/{unit}/archive': {
    request: (_f, t) => ({ path: `/units/${UNIT_OF[t]}/archive` }),
    expected: staffAndOwnUnit(200, 200),
  },
  'GET /units/{unit}/archive.xlsx': {
    request: (_f, t) => ({ path: `/units/${UNIT_OF[t]}/archive.xlsx` }),
    expected: staffAndOwnUnit(200, 200),
  },
  'GET /units/{unit}/archive.csv': {
    request: (_f, t) => ({ path: `/units/${UNIT_OF[t]}/archive.csv` }),
    expected: staffAndOwnUnit(200, 200),
  },
  'POST /units/{unit}/enterprises/{creditCode}/notes': {
    // Refused only once the caller is let in: a follow-up date that is no date.
    request: (_f, t) => ({
      path: `/units/${UNIT_OF[t]}/enterprises/${ENTERPRISE_OF[t]}/notes`,
      body: { date: '2024-02-30', text: '矩阵' },
    }),
    expected: staffAndOwnUnit(400, 400),
  },
  'GET /units/{unit}/enterprises/{creditCode}/notes': {
    request: (_f, t) => ({ path: `/units/${UNIT_OF[t]}/enterprises/${ENTERPRISE_OF[t]}/notes` }),
    expected: staffAndOwnUnit(200, 200),
  },
  'GET /exports/registrations.xlsx': {
    request: (_f, t) => ({
      path: t === 'A' ? '/exports/registrations.xlsx' : `/exports/registrations.xlsx?unit=${UNIT_B}`,
    }),
    expected: staffAndOwnUnit(200, 200),
  },
  'GET /exports/registrations.csv': {
    request: (_f, t) => ({
      path: t === 'A' ? '/exports/registrations.csv' : `/exports/registrations.csv?unit=${UNIT_B}`,
    }),
    expected: staffAndOwnUnit(200, 200),
  },
  // No version sent: staff are let in and told to send the one they edited (428), so nothing is saved.
  'PUT /programme': { request: () => ({ path: '/programme', body: { notice: 'matrix' } }), expected: staffOnly(428) },
  'GET /programme/versions': { request: path('/programme/versions'), expected: staffOnly(200) },
  // Nothing has been saved through the API, so there is no version 1 yet.
  'GET /programme/versions/{version}': { request: path('/programme/versions/1'), expected: staffOnly(404) },
  'PUT /units/{unit}/deadline-extension': {
    request: (_f, t) => ({ path: `/units/${t === 'A' ? UNIT_A : UNIT_B}/deadline-extension`, body: { reason: '' } }),
    expected: staffOnly(400),
  },
  'DELETE /units/{unit}/deadline-extension': {
    // Reached, and the unit has no extension to withdraw.
    request: (_f, t) => ({ path: `/units/${t === 'A' ? UNIT_A : UNIT_B}/deadline-extension` }),
    expected: staffOnly(404),
  },
  'GET /quotas': {
    // A unit reads its own row; another unit's is refused.
    request: (_f, t) => ({ path: t === 'A' ? '/quotas' : `/quotas?unit=${UNIT_B}` }),
    expected: staffAndOwnUnit(200, 200),
  },
  'GET /exports/quotas.xlsx': { request: path('/exports/quotas.xlsx'), expected: staffOnly(200) },
  'GET /exports/quotas.csv': { request: path('/exports/quotas.csv'), expected: staffOnly(200) },
};

function unsignedToken(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  return `${part({ alg: 'none', typ: 'JWT' })}.${part({ ...claims, iat: now, exp: now + 3600 })}.`;
}

describe('authorization matrix: every route × every kind of caller, through the JWT check', () => {
  let cloud: LocalCloud;
  let endpoints: Endpoints;
  let stop: () => Promise<void>;
  let fixture: Fixture;
  const tokens = {} as Record<Caller, string | undefined>;
  const trainees = [validTrainee(901), validTrainee(902), validTrainee(903), validTrainee(904)];

  beforeAll(async () => {
    ({ cloud, endpoints, stop } = await startTestCloud({ capture: true, logLevel: 'DEBUG' }));
    const a = new Journey(endpoints, UNIT_A);
    const b = new Journey(endpoints, UNIT_B);
    const [a1, a2] = await a.nominate([trainees[0], trainees[1]] as never);
    const [b1, b2] = await b.nominate([trainees[2], trainees[3]] as never);
    // One of each unit's trainees goes to class 3, so a class-filtered list holds both units.
    await a.review(a1 as string, 'approved');
    await b.review(b1 as string, 'approved');
    await a.until(a1 as string, 'assigned');
    await b.until(b1 as string, 'assigned');
    // A requested upload has its report (pending) at once; the file itself does not matter here.
    const uploadOf = async (unit: string) => {
      const issued = await api(endpoints, '/uploads', {
        token: endpoints.tokens[unit],
        body: { form: 'trainee', fileName: 'report.csv' },
      });
      expect(issued.status).toBe(201);
      return issued.body.uploadId as string;
    };
    fixture = {
      registration: { A: a2 as string, B: b2 as string },
      upload: { A: await uploadOf(UNIT_A), B: await uploadOf(UNIT_B) },
    };
    const hour = 3600_000;
    Object.assign(tokens, {
      none: undefined,
      expired: await cloud.auth.mintClaims(
        { [UNIT_CLAIM]: UNIT_A },
        { subject: 'expired', expiresAt: new Date(Date.now() - hour) },
      ),
      wrongIssuer: await cloud.auth.mintClaims(
        { 'cognito:groups': [STAFF_GROUP] },
        { subject: 'elsewhere', issuer: 'https://cognito-idp.cn-north-1.amazonaws.com.cn/another-pool' },
      ),
      algNone: unsignedToken({
        sub: 'forger',
        'cognito:groups': [STAFF_GROUP],
        iss: 'https://cognito-idp.local/leading-talent',
        aud: 'local-console',
      }),
      staff: endpoints.tokens.staff,
      unitAonA: endpoints.tokens[UNIT_A],
      unitAonB: endpoints.tokens[UNIT_A],
      unknownUnit: await cloud.auth.mintClaims({ [UNIT_CLAIM]: '999999' }, { subject: 'nobody' }),
      ambiguous: await cloud.auth.mintClaims(
        { 'cognito:groups': [STAFF_GROUP], [UNIT_CLAIM]: UNIT_A },
        { subject: 'two-hats' },
      ),
      hostOfOtherClass: await cloud.auth.mintClaims(
        { 'cognito:groups': [HOST_GROUP], [CLASSES_CLAIM]: String(OTHER_HOSTS_CLASS) },
        { subject: 'host-5' },
      ),
    });
  });
  afterAll(async () => stop?.());

  it('has a row for every route in the route table, and none for a route that is not there', () => {
    const routeKeys = ROUTES.map((route) => `${route.method} ${route.path}`).sort();
    expect(Object.keys(MATRIX).sort()).toEqual(routeKeys);
  });

  it('answers each caller with the expected status, and every refusal with a code', async () => {
    const mismatches: string[] = [];
    for (const route of ROUTES) {
      const key = `${route.method} ${route.path}`;
      const row = MATRIX[key];
      if (!row) continue;
      for (const caller of CALLERS) {
        const { path: target, body } = row.request(fixture, caller === 'unitAonB' ? 'B' : 'A');
        const reply = await api(endpoints, target, { token: tokens[caller], method: route.method, body });
        const expected = row.expected[caller];
        if (reply.status !== expected) {
          mismatches.push(`${key} as ${caller}: ${reply.status}, expected ${expected} ${JSON.stringify(reply.body)}`);
        }
        if (expected === 403 && !route.public && typeof reply.body?.code !== 'string') {
          mismatches.push(`${key} as ${caller}: a 403 without a code`);
        }
        if (caller === 'ambiguous' && !route.public && reply.body?.code !== 'AMBIGUOUS_ROLE') {
          mismatches.push(`${key} as ${caller}: code ${reply.body?.code}, expected AMBIGUOUS_ROLE`);
        }
      }
    }
    expect(mismatches).toEqual([]);
  });

  describe('cursors and path ids (item 8)', () => {
    const payloadOf = (cursor: string) => Buffer.from(cursor.split('.')[0] as string, 'base64url').toString('utf8');

    it('a unit’s class-filtered list pages through its own trainees and never hands out another unit’s key', async () => {
      const seen: string[] = [];
      const cursors: string[] = [];
      let cursor: string | undefined;
      do {
        const query = `/registrations?class=${CLASS}&limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
        const page = await api(endpoints, query, { token: tokens.unitAonA });
        expect(page.status, JSON.stringify(page.body)).toBe(200);
        seen.push(...page.body.items.map((item: { unit: string }) => item.unit));
        cursor = page.body.next ?? undefined;
        if (cursor) cursors.push(cursor);
      } while (cursor);
      expect(seen).toEqual([UNIT_A]);
      for (const issued of cursors) expect(payloadOf(issued)).not.toContain(UNIT_B);
      // Staff see both units in the class, so the class really holds another unit's trainee.
      const all = await api(endpoints, `/registrations?class=${CLASS}`, { token: tokens.staff });
      expect(all.body.items.map((item: { unit: string }) => item.unit).sort()).toEqual([UNIT_A, UNIT_B]);
    });

    it('refuses a foreign, re-used or tampered cursor with 400 INVALID_CURSOR', async () => {
      const staffPage = await api(endpoints, '/registrations?limit=1', { token: tokens.staff });
      const staffCursor = staffPage.body.next as string;
      expect(staffCursor).toBeTruthy();
      const ownPage = await api(endpoints, '/registrations?limit=1', { token: tokens.unitAonA });
      const ownCursor = ownPage.body.next as string;
      expect(ownCursor).toBeTruthy();
      const [payload, signature] = ownCursor.split('.');
      const forged = Buffer.from(
        JSON.stringify({ ...JSON.parse(payloadOf(ownCursor)), pk: `REG#R2024-${UNIT_B}-0` }),
      ).toString('base64url');
      const cases = [
        ['staff’s cursor replayed by a unit', tokens.unitAonA, `/registrations?limit=1&cursor=${staffCursor}`],
        ['a unit’s cursor on another query', tokens.unitAonA, `/registrations?status=nominated&cursor=${ownCursor}`],
        ['a unit’s cursor replayed by staff', tokens.staff, `/registrations?limit=1&cursor=${ownCursor}`],
        ['a tampered key', tokens.unitAonA, `/registrations?limit=1&cursor=${forged}.${signature}`],
        ['an unsigned key', tokens.unitAonA, `/registrations?limit=1&cursor=${payload}`],
        [
          'history paged with a list cursor',
          tokens.unitAonA,
          `/registrations/${fixture.registration.A}/history?cursor=${ownCursor}`,
        ],
      ] as const;
      for (const [label, token, target] of cases) {
        const reply = await api(endpoints, target, { token });
        expect([label, reply.status, reply.body.code]).toEqual([label, 400, 'INVALID_CURSOR']);
        expect(reply.body.message).toMatch(/游标/);
      }
      // The genuine article still works for its own caller and query.
      const next = await api(endpoints, `/registrations?limit=1&cursor=${ownCursor}`, { token: tokens.unitAonA });
      expect(next.status).toBe(200);
    });

    it.each([
      ['a lone percent sign', '/registrations/%25E4%'],
      ['a broken escape', '/registrations/R2024-%E4%B8'],
      ['a 2 KB id', `/registrations/${'R'.repeat(2048)}`],
      ['a 2 KB upload id', `/uploads/${'u'.repeat(2048)}/report`],
      ['a broken class number escape', '/classes/%/roster'],
    ])('%s is a 400 with a code, not a 500', async (_label, target) => {
      const reply = await api(endpoints, target, { token: tokens.staff });
      expect(reply.status, JSON.stringify(reply.body)).toBe(400);
      expect(reply.body.code).toBe('INVALID_PATH_PARAMETER');
    });

    it('answers a GET with a JSON content type and no body normally, and a body-less withdrawal is no 422', async () => {
      const headers = { authorization: `Bearer ${tokens.unitAonA}`, 'content-type': 'application/json' };
      const get = await fetch(`${endpoints.api}/registrations/${fixture.registration.A}`, { headers });
      expect(get.status).toBe(200);
      const withdraw = await fetch(`${endpoints.api}/registrations/${fixture.registration.A}/withdraw`, {
        method: 'POST',
        headers,
      });
      expect(withdraw.status, await withdraw.text()).toBe(202);
      await cloud.stepFunctions.settled();
    });
  });

  describe('no personal data leaves where it should not', () => {
    it('finds no raw ID number or mobile in the logs, the executions, the S3 keys or the replies', async () => {
      // A file with refused rows too: its findings are where a raw value is most likely to slip out.
      const bad = validTrainee(905);
      const refused = [
        { ...validTrainee(906), mobile: String(bad.idNumber) },
        { ...validTrainee(907), idNumber: `${String(bad.idNumber).slice(0, 17)}0`, mobile: '1381234567' },
        { ...trainees[0], enterpriseName: '重复的人', creditCode: validTrainee(908).creditCode },
      ];
      const issued = await api(endpoints, '/uploads', {
        token: tokens.unitAonA,
        body: { form: 'trainee', fileName: 'refused.csv' },
      });
      expect(issued.status).toBe(201);
      await postToPresigned(
        issued.body,
        buildCsv(
          TRAINEE_HEADERS,
          refused.map((row) => traineeRow(row)),
        ),
        'refused.csv',
      );
      const report = await eventually(async () => {
        const r = await api(endpoints, `/uploads/${issued.body.uploadId}/report`, { token: tokens.unitAonA });
        return ['pending', 'processing'].includes(r.body.status) ? undefined : r.body;
      });
      expect(report.findings.length).toBeGreaterThan(0);
      await cloud.idle();
      await cloud.stepFunctions.settled();

      const captured = cloud.captured;
      if (!captured) throw new Error('the local cloud was started without capture');
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const page = await s3Client().send(new ListObjectsV2Command({ Bucket: BUCKET_NAME, ContinuationToken: token }));
        keys.push(...(page.Contents ?? []).map((object) => object.Key ?? ''));
        token = page.NextContinuationToken;
      } while (token);
      expect(keys.length).toBeGreaterThan(0);
      expect(captured.replies.length).toBeGreaterThan(100);

      const known = [...trainees, bad, ...refused].flatMap((row) => [String(row.idNumber), String(row.mobile)]);
      const places: [string, string][] = [
        ...captured.logs.map((line, i) => [`log line ${i}`, line] as [string, string]),
        ...captured.invocations
          .filter((call) => !ROUTES.some((route) => route.target === call.fn))
          .map((call, i) => [`${call.fn} invocation ${i}`, JSON.stringify(call)] as [string, string]),
        ...cloud.stepFunctions
          .list()
          .map(
            (execution) =>
              [
                `execution ${execution.name}`,
                JSON.stringify([execution.input, execution.output, execution.error, execution.cause]),
              ] as [string, string],
          ),
        ...keys.map((key) => ['S3 key', key] as [string, string]),
        ...captured.replies
          .filter((reply) => !/spreadsheetml|pdf|zip/.test(reply.headers['content-type'] ?? ''))
          .map(
            (reply) =>
              [
                `reply to ${reply.routeKey} (${reply.status})`,
                `${JSON.stringify(reply.headers)} ${reply.body.toString('utf8')}`,
              ] as [string, string],
          ),
      ];
      // Workbooks are zipped: their parts are scanned as text (PDFs and zips of PDFs hold no ID or mobile by design).
      const workbooks = captured.replies.filter((reply) => /spreadsheetml/.test(reply.headers['content-type'] ?? ''));
      expect(workbooks.length).toBeGreaterThan(0);
      for (const reply of workbooks) {
        for (const entry of await unzipEntries(reply.body)) {
          places.push([`workbook from ${reply.routeKey}, ${entry.name}`, entry.data.toString('utf8')]);
        }
      }
      expect(captured.logs.length).toBeGreaterThan(0);
      const leaks = places.flatMap(([where, text]) => personalDataIn(text, known).map((found) => `${where}: ${found}`));
      expect(leaks).toEqual([]);
    });
  });
});
