import { randomBytes } from 'node:crypto';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Endpoints, type LocalCloud, TABLE_NAME } from '../../infra/local/cloud';
import { dynamoClient } from '../../shared/adapters/aws-clients';
import { hashToken } from '../../shared/adapters/evaluation-store';
import { putItem, registrationItem } from '../../shared/adapters/registration-store';
import type { SessionRecords } from '../../shared/domain/attendance';
import type { DimensionKey, Score } from '../../shared/domain/evaluation';
import type { Registration } from '../../shared/domain/trainee-registration';
import { makeCreditCode, makeResidentId } from '../fixtures/registration-data';
import { api, outbox, startTestCloud } from '../support/local-cloud';

/**
 * The four-dimension evaluation on a generated class of 80 (class 3 of the 2024 sample programme) and a small
 * class 4: registrations are put straight into the table (their journey is other tests' business), invitations go
 * out through send-notice exactly as the workflow's InviteEvaluation state sends them, and everything else happens
 * through public surfaces: the personal links from the mails, the staff routes, the clock control and the outbox.
 */
const CLASS = 3;
const OTHER_CLASS = 4;
const UNITS = ['110000', '120000', '310000', '440000'];
const DIMENSIONS: DimensionKey[] = ['course', 'faculty', 'organisation', 'effect'];
/** Programme time when the classes have closed and the invitations go out. */
const T0 = Date.parse('2024-10-25T10:00:00+08:00');
const DAY = 24 * 3600 * 1000;

type Trainee = { registration: Registration; email: string; name: string };

function trainee(classNumber: number, n: number, attendance: SessionRecords | undefined): Trainee {
  const name = `评价学员${classNumber}-${n}`;
  const email = `eval-${classNumber}-${n}@example.com`;
  const birth = new Date(Date.UTC(1970, 0, 1 + n + classNumber * 100)).toISOString().slice(0, 10);
  const registration: Registration = {
    registrationId: `R2024-${UNITS[n % UNITS.length]}-EVAL${classNumber}${String(n).padStart(3, '0')}`,
    year: 2024,
    unit: UNITS[n % UNITS.length] as string,
    status: attendance ? 'certified' : 'incomplete',
    uploadId: 'seeded-for-evaluation',
    row: n + 2,
    classNumber,
    createdAt: '2024-08-25T02:00:00.000Z',
    updatedAt: '2024-10-18T02:00:00.000Z',
    trainee: {
      name,
      gender: '女',
      ethnicity: '汉族',
      birthDate: birth,
      idNumber: makeResidentId(birth.replace(/-/g, ''), 2 + 2 * (n % 400)),
      politicalStatus: '群众',
      education: '本科',
      enterpriseName: `评价测试科技有限公司${classNumber}-${n}`,
      creditCode: makeCreditCode(5000 + classNumber * 100 + n),
      position: '董事长',
      isTopPerson: true,
      categories: ['高新技术企业'],
      industry: '软件和信息技术服务业',
      employees: 50,
      revenue: 1200,
      mobile: `139${String(20000000 + classNumber * 1000 + n).slice(-8)}`,
      email,
      preferredClass: classNumber,
      remarks: '',
    },
    ...(attendance ? { attendance } : {}),
  };
  return { registration, email, name };
}

const mark = (status: 'present' | 'late' | 'absent') => ({
  status,
  recordedBy: 'host-sub',
  recordedAt: '2024-10-14T01:00:00.000Z',
});
const allSessions = (status: 'present' | 'late' | 'absent'): SessionRecords =>
  Object.fromEntries([1, 2, 3, 4, 5, 6, 7, 8].map((s) => [String(s), mark(status)]));

/** A deterministic shuffle (LCG): each dimension's scores land on different trainees. */
function shuffled<T>(values: readonly T[], seed: number): T[] {
  const out = [...values];
  let state = seed;
  for (let i = out.length - 1; i > 0; i--) {
    state = (state * 1103515245 + 12345) % 2147483648;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/**
 * The 60 answers of class 3, worked out by hand: per dimension how many gave 1…5, and the mean (half up).
 * course 256/60 = 4.2666…, faculty 255/60 = 4.25, organisation 219/60 = 3.65, effect 232/60 = 3.8666…
 */
const PICKED: Record<DimensionKey, { counts: [number, number, number, number, number]; mean: number }> = {
  course: { counts: [1, 2, 7, 20, 30], mean: 4.27 },
  faculty: { counts: [0, 3, 9, 18, 30], mean: 4.25 },
  organisation: { counts: [3, 6, 15, 21, 15], mean: 3.65 },
  effect: { counts: [2, 4, 12, 24, 18], mean: 3.87 },
};
const RESPONDERS = 60;
const INJECTION = '=HYPERLINK("http://evil.example/x","点此领奖")';

function answers(): { scores: Record<DimensionKey, Score>; comments: Record<string, string>; overall?: string }[] {
  const columns = Object.fromEntries(
    DIMENSIONS.map((key, d) => [
      key,
      shuffled(
        PICKED[key].counts.flatMap((count, index) => Array.from({ length: count }, () => (index + 1) as Score)),
        11 + d,
      ),
    ]),
  ) as Record<DimensionKey, Score[]>;
  return Array.from({ length: RESPONDERS }, (_, i) => ({
    scores: Object.fromEntries(DIMENSIONS.map((key) => [key, columns[key][i]])) as Record<DimensionKey, Score>,
    comments: {
      ...(i % 6 === 0 ? { course: `案例教学很实用（${i}）` } : {}),
      ...(i === 7 ? { faculty: INJECTION } : {}),
      ...(i === 8 ? { organisation: '@SUM(A1:A9) 食宿安排周到' } : {}),
      ...(i % 10 === 9 ? { effect: `  回企业后已推广（${i}）  ` } : {}),
    },
    ...(i % 15 === 1 ? { overall: `总体满意，建议增加参访（${i}）` } : {}),
  }));
}

describe('the four-dimension evaluation', () => {
  let cloud: LocalCloud;
  let endpoints: Endpoints;
  let stop: () => Promise<void>;
  const classThree: Trainee[] = [];
  const classFour: Trainee[] = [];
  /** The current personal link of each invited trainee, by registration id. */
  const links = new Map<string, string>();
  const staff = () => endpoints.tokens.staff;

  const setClock = async (at: number) => {
    const response = await fetch(`${endpoints.control}/clock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ now: new Date(at).toISOString() }),
    });
    expect(response.status).toBe(200);
  };
  const latestLink = async (email: string, subject: string): Promise<string> => {
    const mail = (await outbox(endpoints)).filter((m) => m.to === email && m.subject.includes(subject)).at(-1);
    const token = /\/evaluation\/([A-Za-z0-9_-]{43})\b/.exec(mail?.text ?? '')?.[1];
    if (!token) throw new Error(`no ${subject} link for ${email}`);
    return token;
  };
  const open = (token: string, accept = 'application/json') =>
    fetch(`${endpoints.api}/evaluation/${token}`, { headers: { accept } });
  const answer = (token: string, body: unknown) => api(endpoints, `/evaluation/${token}`, { body });
  const answerByForm = (token: string, form: Record<string, string>) =>
    fetch(`${endpoints.api}/evaluation/${token}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
      },
      body: new URLSearchParams(form).toString(),
    });
  const evaluationItems = async () => {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await dynamoClient().send(
        new ScanCommand({ TableName: TABLE_NAME, ExclusiveStartKey: start, ConsistentRead: true }),
      );
      items.push(...(page.Items ?? []).filter((item) => /^EVAL(TOKEN)?#/.test(String(item.pk))));
      start = page.LastEvaluatedKey;
    } while (start);
    return items.sort((a, b) => `${a.pk}${a.sk}`.localeCompare(`${b.pk}${b.sk}`));
  };
  const classEvaluation = async (classNumber = CLASS) => {
    const reply = await api(endpoints, `/classes/${classNumber}/evaluation`, { token: staff() });
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    return reply.body;
  };
  const invite = (registrationId: string) =>
    cloud.lambdas.invoke('send-notice', { notice: 'evaluation', registrationId }) as Promise<Record<string, unknown>>;

  beforeAll(async () => {
    ({ cloud, endpoints, stop } = await startTestCloud());
    // Class 3: 76 who attended (one of them only late, once) and 4 who never came; class 4: 5 who attended.
    for (let n = 0; n < 80; n++) {
      let attendance: SessionRecords | undefined = allSessions('present');
      if (n === 75) attendance = { ...allSessions('absent'), '1': mark('late') };
      if (n === 76 || n === 77) attendance = allSessions('absent');
      if (n >= 78) attendance = undefined;
      classThree.push(trainee(CLASS, n, attendance));
    }
    for (let n = 0; n < 5; n++) classFour.push(trainee(OTHER_CLASS, n, allSessions('present')));
    for (const { registration } of [...classThree, ...classFour]) await putItem(registrationItem(registration));
    await setClock(T0);
  });
  afterAll(async () => stop?.());

  it('send-notice invites each trainee who attended (present or late at least once) and skips those who never came', async () => {
    const results = await Promise.all([...classThree, ...classFour].map((t) => invite(t.registration.registrationId)));
    const skipped = results.flatMap((result, index) => (result.skipped ? [index] : []));
    expect(skipped).toEqual([76, 77, 78, 79]);
    expect(results[76]).toEqual({ skipped: 'did not attend' });
    const mails = await outbox(endpoints);
    for (const [index, t] of [...classThree, ...classFour].entries()) {
      const received = mails.filter((m) => m.to === t.email && m.subject.includes('培训评价邀请'));
      expect(received, t.name).toHaveLength(skipped.includes(index) ? 0 : 1);
      if (received.length) links.set(t.registration.registrationId, await latestLink(t.email, '培训评价邀请'));
    }
    expect(links.size).toBe(81);
    const first = mails.find((m) => m.to === classThree[0]?.email);
    expect(first?.text).toContain(`${endpoints.api}/evaluation/`);
    expect(first?.text).toContain('第3期「促进大中小企业融通创新」');
    expect(first?.text).toContain('链接有效期至 2024年11月24日');
  });

  it('a retried invitation mails nothing again, and the link it mailed keeps working (notices are sent once)', async () => {
    const { registration, email } = classThree[0] as Trainee;
    const mailed = links.get(registration.registrationId) as string;
    expect(await invite(registration.registrationId)).toEqual({ outcome: 'already-sent' });
    const invitations = (await outbox(endpoints)).filter((m) => m.to === email && m.subject.includes('培训评价邀请'));
    expect(invitations).toHaveLength(1);
    expect(await latestLink(email, '培训评价邀请')).toBe(mailed);
    expect((await open(mailed)).status).toBe(200);
  });

  it('the link opens the form as JSON, with the class and nothing personal', async () => {
    const { registration, name, email } = classThree[1] as Trainee;
    const response = await open(links.get(registration.registrationId) as string);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      class: {
        number: 3,
        theme: '促进大中小企业融通创新',
        host: '上海交通大学',
        city: '上海',
        startDate: '2024-10-14',
      },
      dimensions: [
        { key: 'course', label: '课程设置' },
        { key: 'faculty', label: '师资力量' },
        { key: 'organisation', label: '组织管理' },
        { key: 'effect', label: '实际效果' },
      ],
    });
    expect(String(body.expiresAt).slice(0, 13)).toBe(new Date(T0 + 30 * DAY).toISOString().slice(0, 13));
    const text = JSON.stringify(body);
    for (const personal of [name, email, registration.registrationId, registration.unit, registration.trainee.mobile]) {
      expect(text).not.toContain(personal);
    }
  });

  it('and, for a browser, as a small zh-CN HTML form under a strict Content-Security-Policy', async () => {
    const { registration } = classThree[1] as Trainee;
    const response = await open(
      links.get(registration.registrationId) as string,
      'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('content-security-policy')).toMatch(
      /default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'/,
    );
    const html = await response.text();
    expect(html).toContain('<html lang="zh-CN">');
    expect(html.match(/type="radio"/g)).toHaveLength(20);
    expect(html).toContain('<form method="post"');
    expect(html).not.toContain(registration.trainee.name);
  });

  // The shared HTTP stack's default policy (for JSON) must not be sent beside the page's own: browsers enforce
  // every policy they get, and the default forbids posting the form and its stylesheet.
  it('a browser may submit the form: no policy on the page forbids posting back or blocks its stylesheet', async () => {
    const { registration } = classThree[1] as Trainee;
    const response = await open(links.get(registration.registrationId) as string, 'text/html');
    // Several CSP headers arrive joined by commas, which is also how a browser reads several policies.
    const policies = (response.headers.get('content-security-policy') ?? '').split(',');
    for (const policy of policies) {
      const directives = new Map(
        policy
          .split(';')
          .map((d) => d.trim().split(/\s+/))
          .map(([name = '', ...values]) => [name, values]),
      );
      expect(directives.get('form-action') ?? ["'self'"], policy).toContain("'self'");
      expect(directives.has('sandbox'), policy).toBe(false);
      expect((directives.get('style-src') ?? directives.get('default-src') ?? ['*']).join(' '), policy).toMatch(
        /sha256-|\*/,
      );
    }
  });

  it('bad input is refused with a stable code, and nothing is written', async () => {
    const before = await evaluationItems();
    const token = links.get((classThree[2] as Trainee).registration.registrationId) as string;
    const scores = { course: 4, faculty: 4, organisation: 4, effect: 4 };
    const refusals: [Promise<{ status: number; body: { code: string; message: string } }>, number, string][] = [
      [answer(token, { scores: { ...scores, course: 0 } }), 400, 'EVALUATION_SCORE_INVALID'],
      [answer(token, { scores: { ...scores, effect: 6 } }), 400, 'EVALUATION_SCORE_INVALID'],
      [answer(token, { scores: { ...scores, faculty: 4.5 } }), 400, 'EVALUATION_SCORE_INVALID'],
      [answer(token, { scores, comments: { course: '长'.repeat(501) } }), 400, 'EVALUATION_COMMENT_TOO_LONG'],
      [answer(token, { scores, overall: '长'.repeat(1001) }), 400, 'EVALUATION_COMMENT_TOO_LONG'],
      [answer(randomBytes(32).toString('base64url'), { scores }), 404, 'EVALUATION_LINK_INVALID'],
      [answer('not-a-token', { scores }), 404, 'EVALUATION_LINK_INVALID'],
    ];
    for (const [reply, status, code] of refusals) {
      const { status: actual, body } = await reply;
      expect(actual, JSON.stringify(body)).toBe(status);
      expect(body.code).toBe(code);
      expect(body.message).toMatch(/[\u4e00-\u9fff]/);
    }
    // A wrong token and an unknown one look exactly the same, on either route.
    const unknown = await open(randomBytes(32).toString('base64url'));
    const malformed = await open('short');
    expect([unknown.status, malformed.status]).toEqual([404, 404]);
    expect(await unknown.json()).toEqual(await malformed.json());
    // A browser's form with a score of 6 gets the form back, with the error, and still nothing is written.
    const html = await answerByForm(token, {
      'score-course': '6',
      'score-faculty': '4',
      'score-organisation': '4',
      'score-effect': '4',
      'comment-course': '保留我写的意见',
    });
    expect(html.status).toBe(400);
    const page = await html.text();
    expect(page).toContain('role="alert"');
    expect(page).toContain('保留我写的意见');
    expect(await evaluationItems()).toEqual(before);
  });

  it('each trainee answers once: 60 answers of class 3 (JSON and browser forms) are recorded, a second is refused', async () => {
    const given = answers();
    for (const [i, body] of given.entries()) {
      const token = links.get((classThree[i] as Trainee).registration.registrationId) as string;
      if (i % 4 === 3) {
        const form: Record<string, string> = { overall: body.overall ?? '' };
        for (const key of DIMENSIONS) {
          form[`score-${key}`] = String(body.scores[key]);
          form[`comment-${key}`] = body.comments[key] ?? '';
        }
        const response = await answerByForm(token, form);
        expect(response.status).toBe(201);
        expect(await response.text()).toContain('感谢您的评价');
      } else if (i === RESPONDERS - 2) {
        // A double click, five times over: the answer is recorded once, the others are refused.
        const replies = await Promise.all(Array.from({ length: 5 }, () => answer(token, body)));
        expect(replies.map((reply) => reply.status).sort()).toEqual([201, 409, 409, 409, 409]);
      } else {
        const reply = await answer(token, body);
        expect(reply.status, JSON.stringify(reply.body)).toBe(201);
        expect(reply.body).toEqual({ status: 'recorded' });
      }
    }
    const before = await evaluationItems();
    const token = links.get((classThree[0] as Trainee).registration.registrationId) as string;
    const again = await answer(token, given[0]);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('EVALUATION_ALREADY_ANSWERED');
    expect((await open(token)).status).toBe(409);
    const page = await answerByForm(token, { 'score-course': '1' });
    expect(page.status).toBe(409);
    expect(await page.text()).toContain('已提交过评价');
    expect(await evaluationItems()).toEqual(before);
  });

  it('class 4: three of five answer', async () => {
    for (const [i, t] of classFour.slice(0, 3).entries()) {
      const reply = await answer(links.get(t.registration.registrationId) as string, {
        scores: { course: 5 - i, faculty: 5, organisation: 4, effect: 3 + i },
        overall: `第4期意见${i}`,
      });
      expect(reply.status).toBe(201);
    }
  });

  it('a form-encoded answer that API Gateway passes base64-encoded is read the same', async () => {
    const t = classFour[3] as Trainee;
    const body = new URLSearchParams({
      'score-course': '2',
      'score-faculty': '3',
      'score-organisation': '4',
      'score-effect': '5',
      overall: '第4期意见3',
    }).toString();
    const token = links.get(t.registration.registrationId) as string;
    const reply = (await cloud.lambdas.invoke('public-api', {
      version: '2.0',
      routeKey: 'POST /evaluation/{token}',
      rawPath: `/evaluation/${token}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      pathParameters: { token },
      body: Buffer.from(body).toString('base64'),
      isBase64Encoded: true,
      requestContext: { http: { method: 'POST', path: `/evaluation/${token}` }, routeKey: 'POST /evaluation/{token}' },
    })) as { statusCode: number; body: string };
    expect(reply.statusCode, reply.body).toBe(201);
  });

  it('staff see the class’s figures, exact for the 80: invited, responded, rate, mean and distribution, comments', async () => {
    const body = await classEvaluation();
    expect(body).toMatchObject({
      year: 2024,
      sampleData: true,
      class: { number: 3, theme: '促进大中小企业融通创新' },
      invited: 76,
      responded: 60,
      responseRate: 0.7895, // 60 / 76 = 0.78947…
    });
    expect(body.dimensions).toEqual(
      DIMENSIONS.map((key, d) => ({
        key,
        label: ['课程设置', '师资力量', '组织管理', '实际效果'][d],
        mean: PICKED[key].mean,
        distribution: Object.fromEntries(PICKED[key].counts.map((count, index) => [String(index + 1), count])),
      })),
    );
    const given = answers();
    const expected = (pick: (a: ReturnType<typeof answers>[number]) => string | undefined) =>
      given
        .map(pick)
        .filter((text): text is string => Boolean(text))
        .map((text) => text.trim())
        .sort();
    expect(body.comments.course).toEqual(expected((a) => a.comments.course));
    expect(body.comments.course).toHaveLength(10);
    expect(body.comments.faculty).toEqual([INJECTION]);
    expect(body.comments.effect).toEqual(expected((a) => a.comments.effect));
    expect(body.comments.effect[0]).toBe('回企业后已推广（19）');
    expect(body.comments.overall).toEqual(expected((a) => a.overall));
    expect(body.comments.overall).toHaveLength(4);
  });

  it('the programme: every class and the total', async () => {
    const reply = await api(endpoints, '/evaluation', { token: staff() });
    expect(reply.status).toBe(200);
    const classes = reply.body.classes as { class: { number: number }; invited: number; responded: number }[];
    expect(classes.map((c) => c.class.number)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(classes.find((c) => c.class.number === 3)).toMatchObject({ invited: 76, responded: 60, commentCount: 22 });
    expect(classes.find((c) => c.class.number === 4)).toMatchObject({ invited: 5, responded: 4, responseRate: 0.8 });
    expect(classes.find((c) => c.class.number === 1)).toMatchObject({ invited: 0, responded: 0, responseRate: null });
    const total = reply.body.programme;
    expect(total).toMatchObject({ invited: 81, responded: 64, responseRate: 0.7901 }); // 64 / 81 = 0.790123…
    // course: class 3 gave 256 over 60; class 4 gave 5, 4, 3, 2 → 270 / 64 = 4.21875
    expect(total.dimensions[0]).toMatchObject({
      key: 'course',
      mean: 4.22,
      distribution: { 1: 1, 2: 3, 3: 8, 4: 21, 5: 31 },
    });
    // effect: 232 + 3 + 4 + 5 + 5 = 249 / 64 = 3.890625
    expect(total.dimensions[3]).toMatchObject({ key: 'effect', mean: 3.89 });
    expect(total.comments.overall).toEqual(
      [
        ...answers().flatMap((a) => (a.overall ? [a.overall] : [])),
        '第4期意见0',
        '第4期意见1',
        '第4期意见2',
        '第4期意见3',
      ].sort(),
    );
  });

  it('only staff: a host, a unit or no token cannot read evaluations', async () => {
    const host = (endpoints.tokens as unknown as { hosts: Record<string, string> }).hosts['3'] as string;
    for (const path of ['/classes/3/evaluation', '/evaluation', '/classes/3/evaluation.xlsx']) {
      expect((await api(endpoints, path, { token: host })).status, path).toBe(403);
      expect((await api(endpoints, path, { token: endpoints.tokens['110000'] })).status, path).toBe(403);
      expect((await api(endpoints, path)).status, path).toBe(401);
    }
    expect((await api(endpoints, '/classes/3/evaluation/reminders', { token: host, method: 'POST' })).status).toBe(403);
    expect((await api(endpoints, '/classes/42/evaluation', { token: staff() })).body.code).toBe('CLASS_UNKNOWN');
  });

  it('the workbook opens and holds the counts, the distributions and each anonymous answer, formula-safe', async () => {
    const response = await fetch(`${endpoints.api}/classes/3/evaluation.xlsx`, {
      headers: { authorization: `Bearer ${staff()}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('spreadsheetml');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(await response.arrayBuffer()) as never);
    const summary = workbook.getWorksheet('汇总');
    const rows: unknown[][] = [];
    summary?.eachRow((row) => {
      rows.push((row.values as unknown[]).slice(1));
    });
    expect(rows.some((row) => String(row[0]).includes('示例数据'))).toBe(true);
    const countsAt = rows.findIndex((row) => row[0] === '邀请人数');
    expect(rows[countsAt + 1]).toEqual([76, 60, 0.7895]);
    for (const [d, key] of DIMENSIONS.entries()) {
      const row = rows.find((r) => r[0] === ['课程设置', '师资力量', '组织管理', '实际效果'][d]);
      expect(row, key).toEqual([row?.[0], PICKED[key].mean, ...PICKED[key].counts, 60]);
    }
    const sheet = workbook.getWorksheet('逐份评价');
    expect(sheet?.actualRowCount).toBe(61);
    const cells: ExcelJS.Cell[] = [];
    sheet?.eachRow((row) => {
      row.eachCell((cell) => {
        cells.push(cell);
      });
    });
    expect(cells.some((cell) => cell.type === ExcelJS.ValueType.Formula)).toBe(false);
    expect(cells.map((cell) => cell.value)).toContain(`'${INJECTION}`);
    expect(cells.map((cell) => cell.value)).toContain(`'@SUM(A1:A9) 食宿安排周到`);
    const text = JSON.stringify(cells.map((cell) => cell.value));
    for (const t of classThree) {
      expect(text).not.toContain(t.name);
      expect(text).not.toContain(t.registration.registrationId);
    }
  });

  it('the class’s CSV and the programme’s export: the same figures, each answer once, formula-safe, UTF-8 with BOM', async () => {
    const get = (path: string) => fetch(`${endpoints.api}${path}`, { headers: { authorization: `Bearer ${staff()}` } });
    const csvResponse = await get('/classes/3/evaluation.csv');
    expect(csvResponse.status).toBe(200);
    expect(csvResponse.headers.get('content-type')).toContain('text/csv');
    const bytes = new Uint8Array(await csvResponse.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes.slice(3));
    const lines = text.split('\r\n');
    expect(lines).toContain('邀请 76 人，回复 60 人，回复率 79.0%');
    // 课程设置: the picked distribution, read as the line a person reads.
    const course = PICKED.course;
    expect(lines).toContain(
      `课程设置：平均 ${course.mean} 分；${[5, 4, 3, 2, 1].map((score) => `${score}分 ${course.counts[score - 1]} 人`).join('、')}`,
    );
    expect(lines.some((line) => line.includes('示例数据'))).toBe(true);
    const header = lines.findIndex((line) => line.startsWith('序号,课程设置,师资力量,组织管理,实际效果'));
    const rows = lines.slice(header + 1).filter((line) => line !== '');
    expect(rows).toHaveLength(60);
    // Each submitted answer's scores appear exactly as often as they were given.
    const given = answers()
      .map((a) => DIMENSIONS.map((key) => a.scores[key]).join(','))
      .sort();
    expect(rows.map((row) => row.split(',').slice(1, 5).join(',')).sort()).toEqual(given);
    expect(text).toContain(`"'${INJECTION.replace(/"/g, '""')}"`);
    expect(text).toContain("'@SUM(A1:A9) 食宿安排周到");
    for (const t of classThree) expect(text).not.toContain(t.name);

    const programme = await get('/exports/evaluation.xlsx');
    expect(programme.status).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(await programme.arrayBuffer()) as never);
    const values: unknown[][] = [];
    workbook.worksheets[0]?.eachRow((row) => {
      values.push((row.values as unknown[]).slice(1));
    });
    const classRow = (n: number | string) => values.find((row) => row[0] === n);
    expect(classRow(3)?.slice(4, 7)).toEqual([76, 60, '79.0%']);
    expect(classRow(4)?.slice(4, 7)).toEqual([5, 4, '80.0%']);
    expect(classRow(1)?.slice(4, 7)).toEqual([0, 0, '—']);
    // The total as the programme route's figures above: 81 invited, 64 answered, course 4.22, effect 3.89.
    expect(classRow('全部')?.slice(4, 11)).toEqual([
      81,
      64,
      '79.0%',
      4.22,
      expect.any(Number),
      expect.any(Number),
      3.89,
    ]);
    const csvTotal = new TextDecoder().decode(
      new Uint8Array(await (await get('/exports/evaluation.csv')).arrayBuffer()),
    );
    expect(csvTotal).toContain('全部,全部期次合计,,,81,64,79.0%,4.22,');
  });

  it('reminders: only to those who have not answered, with a fresh link, at most once per 3 days', async () => {
    const remind = async () => {
      const reply = await api(endpoints, '/classes/3/evaluation/reminders', { token: staff(), method: 'POST' });
      expect(reply.status, JSON.stringify(reply.body)).toBe(200);
      return reply.body;
    };
    const unanswered = classThree.slice(RESPONDERS, 76);
    // Invited a moment ago: too soon for everyone.
    expect(await remind()).toMatchObject({ reminded: 0, skipped: 16, answered: 60 });
    await setClock(T0 + 3 * DAY - 60_000);
    expect(await remind()).toMatchObject({ reminded: 0, skipped: 16 });

    await setClock(T0 + 3 * DAY + 10 * 60_000);
    expect(await remind()).toMatchObject({ reminded: 16, skipped: 0, answered: 60, failed: 0 });
    const mails = (await outbox(endpoints)).filter((m) => m.subject.includes('培训评价提醒'));
    expect(mails.map((m) => m.to).sort()).toEqual(unanswered.map((t) => t.email).sort());
    const first = unanswered[0] as Trainee;
    const old = links.get(first.registration.registrationId) as string;
    const fresh = await latestLink(first.email, '培训评价提醒');
    expect(fresh).not.toBe(old);
    expect((await open(old)).status).toBe(404);
    expect((await open(fresh)).status).toBe(200);
    for (const t of unanswered) links.set(t.registration.registrationId, await latestLink(t.email, '培训评价提醒'));

    // Again at once, and two days later: each invitation keeps its own 3 days since its last reminder.
    expect(await remind()).toMatchObject({ reminded: 0, skipped: 16 });
    await setClock(T0 + 5 * DAY);
    expect(await remind()).toMatchObject({ reminded: 0, skipped: 16 });
    expect((await outbox(endpoints)).filter((m) => m.subject.includes('培训评价提醒'))).toHaveLength(16);

    const reply = await answer(links.get(first.registration.registrationId) as string, {
      scores: { course: 3, faculty: 3, organisation: 3, effect: 3 },
    });
    expect(reply.status).toBe(201);
    expect(await classEvaluation()).toMatchObject({ invited: 76, responded: 61 });
    await setClock(T0 + 6 * DAY + 20 * 60_000);
    expect(await remind()).toMatchObject({ reminded: 15, skipped: 0, answered: 61 });
  });

  it('an expired link answers 410, and nothing is written; an answered one still says it was answered', async () => {
    await setClock(T0 + 37 * DAY);
    const before = await evaluationItems();
    const lapsed = links.get((classFour[4] as Trainee).registration.registrationId) as string;
    const reminded = await latestLink((classThree[61] as Trainee).email, '培训评价提醒');
    for (const token of [lapsed, reminded]) {
      const opened = await open(token);
      expect(opened.status).toBe(410);
      expect(((await opened.json()) as { code: string }).code).toBe('EVALUATION_LINK_EXPIRED');
      const reply = await answer(token, { scores: { course: 1, faculty: 1, organisation: 1, effect: 1 } });
      expect(reply.status).toBe(410);
      expect(reply.body.code).toBe('EVALUATION_LINK_EXPIRED');
    }
    const html = await open(lapsed, 'text/html');
    expect(html.status).toBe(410);
    expect(await html.text()).toContain('评价链接已过期');
    const answered = links.get((classThree[5] as Trainee).registration.registrationId) as string;
    expect((await open(answered)).status).toBe(409);
    expect(await evaluationItems()).toEqual(before);
  });

  it('a response cannot be linked back to a registration from what is stored', async () => {
    const items = await evaluationItems();
    const responses = items.filter((item) => String(item.sk).startsWith('RESPONSE#'));
    const invitations = items.filter((item) => String(item.sk).startsWith('INVITE#'));
    const tokens = items.filter((item) => String(item.pk).startsWith('EVALTOKEN#'));
    expect(responses).toHaveLength(61 + 4);
    expect(invitations).toHaveLength(81);
    expect(tokens).toHaveLength(81);
    expect(invitations.filter((item) => item.answered === true)).toHaveLength(65);

    const everyone = [...classThree, ...classFour];
    const identifying = [
      ...everyone.flatMap((t) => [
        t.registration.registrationId,
        t.name,
        t.email,
        t.registration.trainee.mobile,
        t.registration.trainee.idNumber,
        t.registration.trainee.enterpriseName,
      ]),
      ...UNITS,
      ...invitations.map((item) => String(item.tokenHash)),
      ...tokens.map((item) => String(item.pk).slice('EVALTOKEN#'.length)),
      ...[...links.values()],
      ...[...links.values()].map(hashToken),
    ];
    for (const response of responses) {
      // Its keys and its answer: no registration id, token hash, unit, name or time, in any attribute.
      expect(Object.keys(response).sort()).toEqual(
        ['pk', 'sk', 'scores', 'comments', ...('overall' in response ? ['overall'] : [])].sort(),
      );
      expect(String(response.sk)).toMatch(
        /^RESPONSE#[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
      expect(Object.keys(response.scores as object).sort()).toEqual([...DIMENSIONS].sort());
      const text = JSON.stringify(response);
      for (const value of identifying) expect(text.includes(value), `${text} holds ${value}`).toBe(false);
      expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}|1[6-9]\d{11}/);
    }
    // Nor does anything point from an invitation or a link to a response.
    const responseIds = responses.map((response) => String(response.sk).slice('RESPONSE#'.length));
    const linking = JSON.stringify([...invitations, ...tokens]);
    for (const id of responseIds) expect(linking).not.toContain(id);
    // The raw tokens are nowhere in the table.
    const all = JSON.stringify(items);
    for (const token of links.values()) expect(all).not.toContain(token);
  });
});
