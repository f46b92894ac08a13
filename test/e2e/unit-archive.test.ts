import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Endpoints } from '../../infra/local/cloud';
import { defaultProgramme, saveProgramme } from '../../shared/adapters/programme-store';
import { putItem, registrationItem } from '../../shared/adapters/registration-store';
import type { Registration, RegistrationStatus } from '../../shared/domain/trainee-registration';
import { makeCreditCode, makeResidentId } from '../fixtures/registration-data';
import { api, startTestCloud } from '../support/local-cloud';

/**
 * Issue 12 item 6 (notice 二(六)): a unit's archive of its trainees over programme years, follow-up notes per
 * enterprise by the unit and by staff, and its export. Registrations of 2023 (a programme stored for that year) and
 * 2024 (the shipped sample) are put straight into the table: their journeys are other tests' business.
 */
const UNIT_A = '110000';
const UNIT_B = '120000';
const E1 = makeCreditCode(7001, '110000');
const E2 = makeCreditCode(7002, '110000');
const E3 = makeCreditCode(7003, '110000');
const E4 = makeCreditCode(7004, '120000');
/** A hostile enterprise name (straight into the table, as no upload would pass it) and note text. */
const INJECTION = '=HYPERLINK("http://evil.example/x","点此")';

interface Seed {
  readonly n: number;
  readonly year: number;
  readonly unit: string;
  readonly name: string;
  readonly creditCode: string;
  readonly enterpriseName: string;
  readonly status: RegistrationStatus;
  readonly classNumber?: number;
  readonly certificate?: string;
}

const SEEDS: readonly Seed[] = [
  {
    n: 1,
    year: 2023,
    unit: UNIT_A,
    name: '档案甲',
    creditCode: E1,
    enterpriseName: '北京甲科技有限公司',
    status: 'certified',
    classNumber: 3,
    certificate: 'LJRC-2023-03-0001',
  },
  {
    n: 2,
    year: 2023,
    unit: UNIT_A,
    name: '档案乙',
    creditCode: E2,
    enterpriseName: INJECTION,
    status: 'incomplete',
    classNumber: 5,
  },
  {
    n: 3,
    year: 2024,
    unit: UNIT_A,
    name: '档案丙',
    creditCode: E1,
    enterpriseName: '北京甲科技股份有限公司',
    status: 'assigned',
    classNumber: 2,
  },
  {
    n: 4,
    year: 2024,
    unit: UNIT_A,
    name: '档案丁',
    creditCode: E3,
    enterpriseName: '北京丁材料有限公司',
    status: 'rejected',
  },
  {
    n: 5,
    year: 2024,
    unit: UNIT_B,
    name: '档案戊',
    creditCode: E4,
    enterpriseName: '天津戊电子有限公司',
    status: 'nominated',
  },
  {
    n: 6,
    year: 2023,
    unit: UNIT_B,
    name: '档案己',
    creditCode: E4,
    enterpriseName: '天津戊电子有限公司',
    status: 'certified',
    classNumber: 1,
    certificate: 'LJRC-2023-01-0001',
  },
];

function registrationOf(seed: Seed): Registration {
  const birth = `1970${String((seed.n % 12) + 1).padStart(2, '0')}15`;
  return {
    registrationId: `R${seed.year}-${seed.unit}-ARCHIVE${seed.n}`,
    year: seed.year,
    unit: seed.unit,
    status: seed.status,
    uploadId: `seeded-archive-${seed.year}`,
    row: seed.n + 1,
    ...(seed.classNumber ? { classNumber: seed.classNumber } : {}),
    createdAt: `${seed.year}-08-20T02:00:00.000Z`,
    updatedAt: `${seed.year}-10-20T02:00:00.000Z`,
    trainee: {
      name: seed.name,
      gender: '女',
      ethnicity: '汉族',
      birthDate: `1970-${birth.slice(4, 6)}-15`,
      idNumber: makeResidentId(birth, 2 * seed.n),
      politicalStatus: '群众',
      education: '大学本科',
      enterpriseName: seed.enterpriseName,
      creditCode: seed.creditCode,
      position: '董事长',
      isTopPerson: true,
      categories: ['高新技术企业'],
      industry: '软件和信息技术服务业',
      employees: 80,
      revenue: 3000,
      mobile: `1391000${String(seed.n).padStart(4, '0')}`,
      email: `archive-${seed.n}@example.com`,
      preferredClass: null,
      remarks: '',
    },
    ...(seed.certificate
      ? {
          certificate: {
            number: seed.certificate,
            code: 'K7Q2M9XA',
            issuedAt: `${seed.year}-10-20T02:00:00.000Z`,
            status: 'issued' as const,
          },
        }
      : {}),
  };
}

describe('unit archives across years', () => {
  let endpoints: Endpoints;
  let stop: () => Promise<void>;
  const token = (who: string) => endpoints.tokens[who] as string;

  beforeAll(async () => {
    ({ endpoints, stop } = await startTestCloud());
    const sample = defaultProgramme(2024);
    if (!sample) throw new Error('no 2024 programme');
    await saveProgramme({
      ...sample,
      year: 2023,
      sampleData: false,
      deadline: '2023-08-31T23:59:59+08:00',
      classes: sample.classes.map((c) => ({
        ...c,
        startDate: c.startDate.replace('2024', '2023'),
        endDate: c.endDate.replace('2024', '2023'),
      })),
    });
    for (const seed of SEEDS) await putItem(registrationItem(registrationOf(seed)));
  });
  afterAll(async () => stop?.());

  it('lists the unit’s trainees of both years by enterprise, with outcome and certificate, and nothing else', async () => {
    const reply = await api(endpoints, `/units/${UNIT_A}/archive`, { token: token(UNIT_A) });
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    const body = reply.body;
    expect(body).toMatchObject({ unit: UNIT_A, unitName: '北京市', totals: { enterprises: 3, trainees: 4 } });
    expect(body.years).toEqual(expect.arrayContaining([2024, 2023]));
    expect(body.sampleDataNotice).toContain('示例数据');
    // Latest year first, then by name (丁 ding before 甲 jia in pinyin order).
    expect(body.enterprises.map((e: { creditCode: string }) => e.creditCode)).toEqual([E3, E1, E2]);
    const [e3, e1, e2] = body.enterprises;
    expect(e1).toMatchObject({ enterpriseName: '北京甲科技股份有限公司', years: [2024, 2023] });
    expect(e1.trainees).toEqual([
      expect.objectContaining({
        name: '档案丙',
        year: 2024,
        classNumber: 2,
        status: 'assigned',
        outcome: '已分班',
        certificate: null,
      }),
      expect.objectContaining({
        name: '档案甲',
        year: 2023,
        classNumber: 3,
        status: 'certified',
        outcome: '已结业',
        certificate: { number: 'LJRC-2023-03-0001', status: 'issued' },
        idNumber: expect.stringMatching(/^\d{6}\*{8}\d{3}[\dX]$/),
      }),
    ]);
    expect(e3.trainees).toEqual([
      expect.objectContaining({ name: '档案丁', outcome: '审核未通过', classNumber: null }),
    ]);
    expect(e2.trainees).toEqual([expect.objectContaining({ name: '档案乙', outcome: '未达结业要求', year: 2023 })]);
    const text = JSON.stringify(body);
    expect(text).not.toContain('档案戊');
    expect(text).not.toContain('档案己');
    for (const seed of SEEDS) {
      const { trainee } = registrationOf(seed);
      expect(text).not.toContain(trainee.idNumber);
      expect(text).not.toContain(trainee.mobile);
      expect(text).not.toContain(trainee.email);
    }
  });

  it('is the unit’s own: staff see it, another unit gets 403, an unknown unit 404', async () => {
    expect((await api(endpoints, `/units/${UNIT_A}/archive`, { token: endpoints.tokens.staff })).status).toBe(200);
    const other = await api(endpoints, `/units/${UNIT_A}/archive`, { token: token(UNIT_B) });
    expect([other.status, other.body.code]).toEqual([403, 'FORBIDDEN']);
    const ownB = await api(endpoints, `/units/${UNIT_B}/archive`, { token: token(UNIT_B) });
    expect(ownB.body.enterprises.map((e: { creditCode: string }) => e.creditCode)).toEqual([E4]);
    expect(ownB.body.enterprises[0].trainees.map((t: { year: number }) => t.year)).toEqual([2024, 2023]);
    const unknown = await api(endpoints, '/units/999999/archive', { token: endpoints.tokens.staff });
    expect([unknown.status, unknown.body.code]).toEqual([404, 'UNIT_UNKNOWN']);
  });

  it('takes follow-up notes from the unit and from staff, attributed, listed under the enterprise', async () => {
    const byUnit = await api(endpoints, `/units/${UNIT_A}/enterprises/${E1}/notes`, {
      token: token(UNIT_A),
      body: { date: '2024-08-20', text: '电话回访：企业新增一条智能产线，拟申报专精特新' },
    });
    expect(byUnit.status, JSON.stringify(byUnit.body)).toBe(201);
    expect(byUnit.body).toMatchObject({ unit: UNIT_A, creditCode: E1, date: '2024-08-20', by: `local-unit-${UNIT_A}` });
    const byStaff = await api(endpoints, `/units/${UNIT_A}/enterprises/${E1}/notes`, {
      token: endpoints.tokens.staff,
      body: { date: '2024-08-23', text: INJECTION },
    });
    expect(byStaff.status, JSON.stringify(byStaff.body)).toBe(201);
    expect(byStaff.body.by).not.toBe(byUnit.body.by);

    const listed = await api(endpoints, `/units/${UNIT_A}/enterprises/${E1}/notes`, { token: token(UNIT_A) });
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((n: { noteId: string }) => n.noteId)).toEqual([
      byStaff.body.noteId,
      byUnit.body.noteId,
    ]);
    const paged = await api(endpoints, `/units/${UNIT_A}/enterprises/${E1}/notes?limit=1`, { token: token(UNIT_A) });
    const second = await api(
      endpoints,
      `/units/${UNIT_A}/enterprises/${E1}/notes?limit=1&cursor=${encodeURIComponent(paged.body.next)}`,
      { token: token(UNIT_A) },
    );
    expect([...paged.body.items, ...second.body.items].map((n: { noteId: string }) => n.noteId)).toEqual([
      byStaff.body.noteId,
      byUnit.body.noteId,
    ]);

    const archive = await api(endpoints, `/units/${UNIT_A}/archive`, { token: endpoints.tokens.staff });
    const [e3, e1, e2] = archive.body.enterprises;
    expect(e1.notes.map((n: { date: string }) => n.date)).toEqual(['2024-08-23', '2024-08-20']);
    expect(e3.notes).toEqual([]);
    expect(e2.notes).toEqual([]);
    expect(archive.body.totals.notes).toBe(2);
  });

  it('refuses notes from another unit, on an enterprise not in the archive, and with a bad date or text', async () => {
    const cases: [string, string, unknown, number, string][] = [
      [UNIT_B, `/units/${UNIT_A}/enterprises/${E1}/notes`, { date: '2024-08-20', text: '越权' }, 403, 'FORBIDDEN'],
      [
        UNIT_A,
        `/units/${UNIT_A}/enterprises/${E4}/notes`,
        { date: '2024-08-20', text: '他省企业' },
        404,
        'ENTERPRISE_NOT_IN_ARCHIVE',
      ],
      [
        UNIT_A,
        `/units/${UNIT_A}/enterprises/${E1}/notes`,
        { date: '2024-02-30', text: '日期' },
        400,
        'NOTE_DATE_INVALID',
      ],
      [
        UNIT_A,
        `/units/${UNIT_A}/enterprises/${E1}/notes`,
        { date: '2024/08/20', text: '日期' },
        400,
        'NOTE_DATE_INVALID',
      ],
      [
        UNIT_A,
        `/units/${UNIT_A}/enterprises/${E1}/notes`,
        { date: '2024-09-01', text: '未来' },
        400,
        'NOTE_DATE_IN_FUTURE',
      ],
      [
        UNIT_A,
        `/units/${UNIT_A}/enterprises/${E1}/notes`,
        { date: '2024-08-20', text: '   ' },
        400,
        'NOTE_TEXT_REQUIRED',
      ],
      [
        UNIT_A,
        `/units/${UNIT_A}/enterprises/${E1}/notes`,
        { date: '2024-08-20', text: '长'.repeat(1001) },
        400,
        'NOTE_TEXT_TOO_LONG',
      ],
      [
        UNIT_A,
        `/units/${UNIT_A}/enterprises/91110000M00000000X/notes`,
        { date: '2024-08-20', text: '码' },
        400,
        'USCC_CHECKSUM',
      ],
    ];
    for (const [who, target, body, status, code] of cases) {
      const reply = await api(endpoints, target, { token: token(who), body });
      expect([target, reply.status, reply.body.code]).toEqual([target, status, code]);
    }
    const exactly = await api(endpoints, `/units/${UNIT_A}/enterprises/${E3}/notes`, {
      token: token(UNIT_A),
      body: { date: '2024-08-24', text: '满'.repeat(1000) },
    });
    expect(exactly.status).toBe(201);
  });

  it('audits each note by ids, never its text', async () => {
    const audit = await api(endpoints, '/audit?action=archive.note', { token: endpoints.tokens.staff });
    expect(audit.status).toBe(200);
    expect(audit.body.items).toHaveLength(3);
    for (const event of audit.body.items) {
      expect(event).toMatchObject({ action: 'archive.note', target: `unit:${UNIT_A}` });
      expect(Object.keys(event.detail).sort()).toEqual(['creditCode', 'date', 'noteId']);
    }
    const text = JSON.stringify(audit.body);
    expect(text).not.toContain('智能产线');
    expect(text).not.toContain('HYPERLINK');
    expect(text).not.toContain('满满');
  });

  it('exports the archive as .xlsx and .csv, masked, the note formula inert, and audits the export', async () => {
    const xlsx = await fetch(`${endpoints.api}/units/${UNIT_A}/archive.xlsx`, {
      headers: { authorization: `Bearer ${token(UNIT_A)}` },
    });
    expect(xlsx.status).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(await xlsx.arrayBuffer()) as never);
    const sheet = workbook.worksheets[0] as ExcelJS.Worksheet;
    const values = sheet.getSheetValues().filter(Boolean) as unknown[][];
    const header = values.findIndex((row) => row.includes('统一社会信用代码'));
    expect(header).toBeGreaterThan(0);
    const notes = values.slice(0, header).map((row) => String(row[1]));
    expect(notes.join('\n')).toContain('示例数据');
    const data = values.slice(header + 1);
    const names = data.map((row) => row[4]);
    expect(names).toEqual(['档案丁', '档案丙', '档案甲', '档案乙']);
    const e1Row = data[1] as unknown[];
    expect(String(e1Row[11])).toContain('智能产线');
    expect(String(e1Row[11])).not.toMatch(/^=/);
    for (const row of data) expect(String(row[5])).toMatch(/^\d{6}\*{8}\d{3}[\dX]$/);
    const hostile = data[3] as unknown[];
    expect(hostile[1]).toBe(`'${INJECTION}`);
    for (let row = header + 2; row <= header + 1 + data.length; row++) {
      for (let column = 1; column <= 11; column++) expect(sheet.getCell(row, column).formula).toBeUndefined();
    }

    const csv = await fetch(`${endpoints.api}/units/${UNIT_A}/archive.csv`, {
      headers: { authorization: `Bearer ${endpoints.tokens.staff}` },
    });
    expect(csv.status).toBe(200);
    const bytes = new Uint8Array(await csv.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const csvText = new TextDecoder().decode(bytes);
    // The name is a cell of its own, neutralised; the note sits after its date, where it cannot start a formula.
    expect(csvText).toContain(`\r\n"'=HYPERLINK(""http://evil.example/x"",""点此"")",91110000M00007002M,2023,档案乙`);
    expect(csvText).not.toMatch(/(^|,)"?[=+@-]/m);
    for (const seed of SEEDS) {
      const { trainee } = registrationOf(seed);
      expect(csvText).not.toContain(trainee.idNumber);
      expect(csvText).not.toContain(trainee.mobile);
    }
    expect(csvText).not.toContain('档案戊');

    const audit = await api(endpoints, '/audit?action=export.masked', { token: endpoints.tokens.staff });
    const exports = audit.body.items.filter((e: { target: string }) => e.target === `export:unit-archive:${UNIT_A}`);
    expect(exports.map((e: { detail: { format: string } }) => e.detail.format).sort()).toEqual(['csv', 'xlsx']);
    expect(exports[0].detail).toMatchObject({ unit: UNIT_A, rows: 4, enterprises: 3 });
  });
});
