import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Endpoints, TABLE_NAME } from '../../infra/local/cloud';
import { dynamoClient } from '../../shared/adapters/aws-clients';
import { validTrainee } from '../fixtures/registration-data';
import { api, startTestCloud } from '../support/local-cloud';
import { Journey } from './support/journey';
import { personalDataIn } from './support/personal-data-scan';

/**
 * Issue 12 items 3 and 5 through the HTTP API: registration and roster exports (xlsx and csv), masked unless staff
 * ask for full values; the full record; and an audit event for every full view, full export and change this file
 * makes, none of which holds a personal value. The expected events are tallied here as the test acts, not read from
 * the code. Class 3 of the 2024 sample programme runs 2024-10-14 to 10-17.
 */
const UNIT_A = '110000';
const UNIT_B = '120000';
const CLASS = 3;
const INJECTION = '=HYPERLINK("http://x","y")';

const trainee = {
  injected: { ...validTrainee(301), name: INJECTION, enterpriseName: INJECTION },
  plain: validTrainee(302),
  notTop: { ...validTrainee(303), isTopPerson: '否', position: '总经理', remarks: '董事长年事已高，由总经理参训' },
  otherUnit: validTrainee(304),
};
type Key = keyof typeof trainee;

interface Download {
  readonly status: number;
  readonly contentType: string;
  readonly bytes: Buffer;
}

describe('exports, full records and the audit trail', () => {
  let endpoints: Endpoints;
  let stop: () => Promise<void>;
  let a: Journey;
  let b: Journey;
  const id = {} as Record<Key, string>;
  /** What the audit trail must hold by the end: one entry per audited call this file made. */
  const expected: { action: string; target: string; route?: string }[] = [];

  const download = async (path: string, token: string): Promise<Download> => {
    const response = await fetch(`${endpoints.api}${path}`, { headers: { authorization: `Bearer ${token}` } });
    return {
      status: response.status,
      contentType: response.headers.get('content-type') ?? '',
      bytes: Buffer.from(await response.arrayBuffer()),
    };
  };
  const workbookOf = async (file: Download) => {
    expect(file.status, file.bytes.toString('utf8').slice(0, 300)).toBe(200);
    expect(file.contentType).toContain('spreadsheetml');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(file.bytes as never);
    return workbook.worksheets[0] as ExcelJS.Worksheet;
  };
  /** The sheet's rows below its header row (found by its first header), as header → cell. */
  const tableRows = (sheet: ExcelJS.Worksheet, firstHeader: string) => {
    const values = sheet.getSheetValues() as unknown[][];
    const headerIndex = values.findIndex((row) => row?.[1] === firstHeader);
    expect(headerIndex).toBeGreaterThan(0);
    const headers = (values[headerIndex] as unknown[]).slice(1) as string[];
    return {
      headerRow: headerIndex,
      notes: values.slice(2, headerIndex).map((row) => String(row?.[1] ?? '')),
      rows: values
        .slice(headerIndex + 1)
        .filter(Boolean)
        .map((row) => Object.fromEntries(headers.map((header, index) => [header, (row as unknown[])[index + 1]]))),
    };
  };
  /** CSV lines, split by a plain reader written here: the fields this test reads hold no quoted separators. */
  const csvText = (file: Download) => {
    expect(file.status, file.bytes.toString('utf8').slice(0, 300)).toBe(200);
    expect(file.contentType).toContain('text/csv');
    expect([...file.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = file.bytes.subarray(3).toString('utf8');
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.replace(/\r\n/g, '')).not.toContain('\n');
    return text;
  };
  const raw = (key: Key) => [String(trainee[key].idNumber), String(trainee[key].mobile), String(trainee[key].email)];
  const expectAudit = (action: string, target: string, route?: string) => expected.push({ action, target, route });

  beforeAll(async () => {
    ({ endpoints, stop } = await startTestCloud());
    a = new Journey(endpoints, UNIT_A);
    b = new Journey(endpoints, UNIT_B);
    [id.injected, id.plain, id.notTop] = (await a.nominate([trainee.injected, trainee.plain, trainee.notTop])) as [
      string,
      string,
      string,
    ];
    [id.otherUnit] = (await b.nominate([trainee.otherUnit])) as [string];
  });
  afterAll(async () => stop?.());

  it('validation lets a formula-like name and enterprise name through, so exports must neutralise them', async () => {
    const detail = await a.registration(id.injected);
    expect(detail.body).toMatchObject({ name: INJECTION, enterpriseName: INJECTION });
    expect((await a.registration(id.notTop)).body.reviewNotes).toEqual(['NOT_TOP_PERSON']);
  });

  it('registrations.xlsx: every registration of the year, masked, the injected cells inert text', async () => {
    const sheet = await workbookOf(await download('/exports/registrations.xlsx', a.staff));
    expectAudit('export.masked', 'export:registrations');
    const { rows, notes } = tableRows(sheet, '报名编号');
    expect(rows.map((row) => row.报名编号).sort()).toEqual(Object.values(id).sort());
    expect(notes.join('\n')).toMatch(/已脱敏/);
    expect(notes.join('\n')).toMatch(/示例数据/);
    const injected = rows.find((row) => row.报名编号 === id.injected) as Record<string, unknown>;
    expect(injected).toMatchObject({ 推荐单位: '北京市', 状态: '已推荐待审核', 企业名称: `'${INJECTION}` });
    for (const header of ['姓名', '企业名称']) {
      const column = (sheet.getRow(tableRows(sheet, '报名编号').headerRow).values as string[]).indexOf(header);
      const rowNumber =
        tableRows(sheet, '报名编号').headerRow + 1 + rows.findIndex((row) => row.报名编号 === id.injected);
      const cell = sheet.getRow(rowNumber).getCell(column);
      expect(cell.type).toBe(ExcelJS.ValueType.String);
      expect(cell.formula).toBeFalsy();
      expect(String(cell.value).startsWith("'=HYPERLINK(")).toBe(true);
    }
    const plain = rows.find((row) => row.报名编号 === id.plain) as Record<string, unknown>;
    expect(plain.身份证号).toMatch(/^\d{6}\*{8}\d{3}[\dX]$/);
    expect(plain.手机号码).toMatch(/^1\d{2}\*{4}\d{4}$/);
    expect(plain.电子邮箱).toMatch(/^t\*\*\*@example\.com$/);
    const text = JSON.stringify(sheet.getSheetValues());
    for (const key of Object.keys(trainee) as Key[]) for (const value of raw(key)) expect(text).not.toContain(value);
  });

  it('registrations.csv: BOM, CRLF, the header, one line per registration, the injected fields begin with an apostrophe', async () => {
    const text = csvText(await download('/exports/registrations.csv', a.staff));
    expectAudit('export.masked', 'export:registrations');
    const lines = text.split('\r\n').slice(0, -1);
    const headerAt = lines.findIndex((line) => line.startsWith('报名编号,'));
    expect(lines[headerAt]).toContain('报名编号,推荐单位,状态,姓名,性别,民族,出生日期,身份证号');
    const rows = lines.slice(headerAt + 1);
    expect(rows).toHaveLength(4);
    const injected = rows.find((line) => line.startsWith(`${id.injected},`)) as string;
    // Quoted (it holds commas and quotes); inside the quotes the field begins with the apostrophe.
    expect(injected).toContain(`,"'=HYPERLINK(""http://x"",""y"")",`);
    expect(injected).not.toMatch(/,"?=HYPERLINK/);
    for (const key of Object.keys(trainee) as Key[]) for (const value of raw(key)) expect(text).not.toContain(value);
  });

  it('the list’s filters: a unit gets its own only, status, class, warning; wrong values are refused', async () => {
    const rowsOf = async (path: string, token: string) => {
      const lines = csvText(await download(path, token)).split('\r\n');
      const headerAt = lines.findIndex((line) => line.startsWith('报名编号,'));
      return lines
        .slice(headerAt + 1, -1)
        .map((line) => line.split(',')[0])
        .sort();
    };
    expect(await rowsOf('/exports/registrations.csv', a.unitToken)).toEqual([id.injected, id.notTop, id.plain].sort());
    expectAudit('export.masked', 'export:registrations');
    expect(await rowsOf(`/exports/registrations.csv?unit=${UNIT_B}`, a.staff)).toEqual([id.otherUnit]);
    expectAudit('export.masked', 'export:registrations');
    expect(await rowsOf('/exports/registrations.csv?warning=NOT_TOP_PERSON', a.staff)).toEqual([id.notTop]);
    expectAudit('export.masked', 'export:registrations');
    expect(await rowsOf('/exports/registrations.csv?status=assigned', a.staff)).toEqual([]);
    expectAudit('export.masked', 'export:registrations');
    const refused = [
      [`/exports/registrations.csv?unit=${UNIT_B}`, a.unitToken, 403],
      ['/exports/registrations.csv?warning=NOT_A_CODE', a.staff, 400],
      ['/exports/registrations.csv?warning=ID_CHECKSUM', a.staff, 400],
      ['/exports/registrations.csv?status=done', a.staff, 400],
      ['/exports/registrations.xlsx?full=true', a.unitToken, 403],
      ['/exports/registrations.csv?full=yes', a.staff, 400],
      ['/exports/registrations.csv', a.host(CLASS), 403],
    ] as const;
    for (const [path, token, status] of refused) {
      const reply = await api(endpoints, path, { token });
      expect([path, reply.status]).toEqual([path, status]);
      expect(typeof reply.body.code).toBe('string');
    }
    expect((await api(endpoints, '/exports/registrations.xlsx?full=true', { token: a.unitToken })).body.code).toBe(
      'FULL_VALUES_STAFF_ONLY',
    );
  });

  it('full values: staff ask ?full=true and get the ID number, mobile and email themselves, in both formats', async () => {
    const text = csvText(await download('/exports/registrations.csv?full=true', a.staff));
    expectAudit('export.full', 'export:registrations');
    for (const key of Object.keys(trainee) as Key[]) for (const value of raw(key)) expect(text).toContain(value);
    expect(text).toMatch(/完整的身份证号/);
    const sheet = await workbookOf(await download(`/exports/registrations.xlsx?full=true&unit=${UNIT_A}`, a.staff));
    expectAudit('export.full', 'export:registrations');
    const { rows } = tableRows(sheet, '报名编号');
    expect(rows).toHaveLength(3);
    const plain = rows.find((row) => row.报名编号 === id.plain) as Record<string, unknown>;
    expect([plain.身份证号, plain.手机号码, plain.电子邮箱]).toEqual(raw('plain'));
  });

  it('the full record: staff only, with ?full=true; the ordinary detail stays masked', async () => {
    const masked = await a.registration(id.plain);
    expect(masked.body.idNumber).toMatch(/\*{8}/);
    expect(JSON.stringify(masked.body)).not.toContain(String(trainee.plain.idNumber));
    const full = await api(endpoints, `/registrations/${id.plain}?full=true`, { token: a.staff });
    expect(full.status).toBe(200);
    expectAudit('registration.view-full', `registration:${id.plain}`);
    expect([full.body.idNumber, full.body.mobile, full.body.email]).toEqual(raw('plain'));
    expect(full.body).toMatchObject({ registrationId: id.plain, fullValues: true, name: trainee.plain.name });
    const refused = await api(endpoints, `/registrations/${id.plain}?full=true`, { token: a.unitToken });
    expect([refused.status, refused.body.code]).toEqual([403, 'FULL_VALUES_STAFF_ONLY']);
    expect(JSON.stringify(refused.body)).not.toContain(String(trainee.plain.idNumber));
    expect((await api(endpoints, `/registrations/${id.plain}?full=true`, { token: a.host(CLASS) })).status).toBe(403);
  });

  it('changes: review decisions and a withdrawal', async () => {
    await a.review(id.injected, 'approved');
    await a.review(id.plain, 'approved');
    await a.review(id.otherUnit, 'rejected', '企业不符合培训对象条件');
    for (const key of ['injected', 'plain', 'otherUnit'] as const) {
      expectAudit('registration.change', `registration:${id[key]}`, 'POST /registrations/{registrationId}/review');
    }
    const withdrawn = await api(endpoints, `/registrations/${id.notTop}/withdraw`, {
      token: a.unitToken,
      body: { reason: '企业经营调整，本人不再参训' },
    });
    expect(withdrawn.status, JSON.stringify(withdrawn.body)).toBe(202);
    expectAudit('registration.change', `registration:${id.notTop}`, 'POST /registrations/{registrationId}/withdraw');
    await a.until(id.injected, 'assigned', 'class-close');
    await a.until(id.plain, 'assigned', 'class-close');
    await a.until(id.otherUnit, 'rejected');
  });

  it('roster.xlsx and .csv: the class in the notes, its trainees masked, for staff and its host; full for staff only', async () => {
    const host = a.host(CLASS);
    const sheet = await workbookOf(await download(`/classes/${CLASS}/roster.xlsx`, host));
    expectAudit('export.masked', `class:${CLASS}`);
    const { rows, notes } = tableRows(sheet, '序号');
    expect(String(sheet.getRow(1).getCell(1).value)).toMatch(/^第3期/);
    expect(notes.join('\n')).toContain('上海交通大学');
    expect(notes.join('\n')).toContain('2024-10-14 至 2024-10-17');
    expect(notes.join('\n')).toMatch(/已脱敏/);
    expect(rows.map((row) => row.报名编号).sort()).toEqual([id.injected, id.plain].sort());
    // Before the class has run there is no attendance to show.
    expect(Object.keys(rows[0] as object)).not.toContain('结业情况');
    const injected = rows.find((row) => row.报名编号 === id.injected) as Record<string, unknown>;
    expect(injected).toMatchObject({ 姓名: `'${INJECTION}`, 企业名称: `'${INJECTION}`, 推荐单位: '北京市' });
    expect(injected.身份证号).toMatch(/\*{8}/);
    const text = JSON.stringify(sheet.getSheetValues());
    for (const value of [...raw('injected'), ...raw('plain')]) expect(text).not.toContain(value);

    const csv = csvText(await download(`/classes/${CLASS}/roster.csv`, a.staff));
    expectAudit('export.masked', `class:${CLASS}`);
    expect(csv).toContain(`"'${INJECTION.replace(/"/g, '""')}"`);
    for (const value of [...raw('injected'), ...raw('plain')]) expect(csv).not.toContain(value);

    expect((await api(endpoints, `/classes/${CLASS}/roster.csv?full=true`, { token: host })).body.code).toBe(
      'FULL_VALUES_STAFF_ONLY',
    );
    expect((await api(endpoints, `/classes/${CLASS}/roster.xlsx`, { token: a.host(1) })).status).toBe(403);
    expect((await api(endpoints, `/classes/${CLASS}/roster.xlsx`, { token: a.unitToken })).status).toBe(403);
    const full = csvText(await download(`/classes/${CLASS}/roster.csv?full=true`, a.staff));
    expectAudit('export.full', `class:${CLASS}`);
    for (const value of [String(trainee.plain.idNumber), String(trainee.plain.mobile)]) expect(full).toContain(value);
    // The sign-in sheet kept its content and moved to its own name.
    const signIn = await workbookOf(await download(`/classes/${CLASS}/sign-in.xlsx`, host));
    expectAudit('export.masked', `class:${CLASS}`);
    expect(JSON.stringify(signIn.getSheetValues())).toContain('第8场');
  });

  it('changes in class: leave and its acknowledgement, attendance, closing; the roster then shows the outcome', async () => {
    const host = a.host(CLASS);
    await a.setClock('2024-10-14T08:40:00+08:00');
    const leave = await api(endpoints, `/registrations/${id.injected}/leave`, {
      token: a.unitToken,
      body: { sessions: [3], reason: '企业突发安全生产事故，须返回处置' },
    });
    expect(leave.status, JSON.stringify(leave.body)).toBe(201);
    expectAudit('registration.change', `registration:${id.injected}`, 'POST /registrations/{registrationId}/leave');
    const ack = await api(endpoints, `/classes/${CLASS}/leave/${id.injected}/acknowledge`, { token: host, body: {} });
    expect(ack.status, JSON.stringify(ack.body)).toBe(200);
    expectAudit(
      'registration.change',
      `registration:${id.injected}`,
      'POST /classes/{classNumber}/leave/{registrationId}/acknowledge',
    );
    await a.setClock('2024-10-17T18:00:00+08:00');
    for (let session = 1; session <= 8; session++) {
      const records = [
        { registrationId: id.plain, status: 'present' },
        ...(session === 3 ? [] : [{ registrationId: id.injected, status: 'present' }]),
      ];
      const reply = await a.attendance(CLASS, host, session, records);
      expect(reply.status, JSON.stringify(reply.body)).toBe(200);
      expectAudit('class.change', `class:${CLASS}`, 'PUT /classes/{classNumber}/attendance');
    }
    const closed = await api(endpoints, `/classes/${CLASS}/close`, { token: host, body: {} });
    expect(closed.status, JSON.stringify(closed.body)).toBe(200);
    expectAudit('class.change', `class:${CLASS}`, 'POST /classes/{classNumber}/close');
    await a.until(id.injected, 'certified');
    await a.until(id.plain, 'certified');

    const sheet = await workbookOf(await download(`/classes/${CLASS}/roster.xlsx`, a.staff));
    expectAudit('export.masked', `class:${CLASS}`);
    const { rows } = tableRows(sheet, '序号');
    const injected = rows.find((row) => row.报名编号 === id.injected) as Record<string, unknown>;
    expect(injected).toMatchObject({ 状态: '已结业', 出勤场次: 7, 请假场次: 1, 无故缺勤: 0 });
    expect(String(injected.结业情况)).toMatch(/^已结业（证书 /);
  });

  it('changes to certificates and evaluation reminders', async () => {
    const plain = await a.registration(id.plain);
    const injected = await a.registration(id.injected);
    const revoke = await api(endpoints, `/certificates/${plain.body.certificate.number}/revoke`, {
      token: a.staff,
      body: { reason: '企业名称有误，需更正' },
    });
    expect(revoke.status, JSON.stringify(revoke.body)).toBe(200);
    expectAudit(
      'certificate.change',
      `certificate:${plain.body.certificate.number}`,
      'POST /certificates/{number}/revoke',
    );
    const reissue = await api(endpoints, `/certificates/${injected.body.certificate.number}/reissue`, {
      token: a.staff,
      body: { reason: '证书遗失，申请补发' },
    });
    expect(reissue.status, JSON.stringify(reissue.body)).toBe(201);
    expectAudit(
      'certificate.change',
      `certificate:${injected.body.certificate.number}`,
      'POST /certificates/{number}/reissue',
    );
    const reminders = await api(endpoints, `/classes/${CLASS}/evaluation/reminders`, { token: a.staff, body: {} });
    expect(reminders.status, JSON.stringify(reminders.body)).toBe(200);
    expectAudit('class.change', `class:${CLASS}`, 'POST /classes/{classNumber}/evaluation/reminders');
  });

  it('GET /audit holds exactly one event per audited call, with who, when, from where, and what', async () => {
    const events: Record<string, unknown>[] = [];
    let cursor: string | undefined;
    do {
      const page = await api(
        endpoints,
        `/audit?from=2024-01-01T00:00:00Z&to=2024-12-31T23:59:59Z&limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        { token: a.staff },
      );
      expect(page.status, JSON.stringify(page.body)).toBe(200);
      events.push(...page.body.items);
      cursor = page.body.next ?? undefined;
    } while (cursor);
    const tally = (list: { action: unknown; target: unknown; route?: unknown }[]) =>
      list.map((event) => `${event.action} ${event.target}${event.route ? ` ${event.route}` : ''}`).sort();
    expect(
      tally(
        events.map((event) => ({
          action: event.action,
          target: event.target,
          route: (event.detail as { route?: string } | undefined)?.route,
        })),
      ),
    ).toEqual(tally(expected));
    for (const event of events) {
      expect(event).toMatchObject({
        at: expect.stringMatching(/^2024-/),
        actor: expect.any(String),
        role: expect.stringMatching(/^(staff|unit|host)$/),
        sourceIp: expect.any(String),
        requestId: expect.any(String),
      });
    }
    const fullExport = events.find(
      (event) => event.action === 'export.full' && (event.detail as { filters?: { unit?: string } }).filters?.unit,
    );
    expect(fullExport).toMatchObject({
      actor: 'local-staff',
      role: 'staff',
      detail: { format: 'xlsx', rows: 3, filters: { year: 2024, unit: UNIT_A } },
    });
    const filtered = await api(
      endpoints,
      '/audit?from=2024-01-01T00:00:00Z&to=2024-12-31T23:59:59Z&action=registration.view-full',
      {
        token: a.staff,
      },
    );
    expect(filtered.body.items).toHaveLength(1);
    expect((await api(endpoints, '/audit', { token: a.unitToken })).status).toBe(403);
  });

  it('no audit item in the table holds an ID number, a mobile or an email', async () => {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      // A test may Scan the emulator to see everything; product code never does.
      const page = await dynamoClient().send(
        new ScanCommand({ TableName: TABLE_NAME, ExclusiveStartKey: start, ConsistentRead: true }),
      );
      items.push(...(page.Items ?? []).filter((item) => item.type === 'audit'));
      start = page.LastEvaluatedKey;
    } while (start);
    expect(items.length).toBe(expected.length);
    const text = JSON.stringify(items);
    const known = (Object.keys(trainee) as Key[]).flatMap(raw);
    expect(personalDataIn(text, known)).toEqual([]);
    expect(text).not.toMatch(/[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+\.[A-Za-z]{2,}/);
    expect(text).not.toMatch(/(?<!\d)1[3-9]\d{9}(?!\d)/);
  });
});
