import { describe, expect, it } from 'vitest';
import { validateUpload } from '../../../shared/forms/index';
import { CLASS_NUMBERS, validTrainee, validUnit } from '../../fixtures/registration-data';
import {
  buildCsv,
  buildXlsx,
  TRAINEE_HEADERS,
  TRAINEE_KEYS,
  TRAINEE_TEXT_COLUMNS,
  traineeRow,
  traineeWorkbook,
  UNIT_HEADERS,
  unitRow,
} from '../../fixtures/spreadsheet-files';

const options = { classNumbers: CLASS_NUMBERS };

describe('what real offices produce is accepted', () => {
  it('a plain workbook: every row becomes a normalised record', async () => {
    const report = await validateUpload(
      await traineeWorkbook([validTrainee(1), validTrainee(2)]),
      '附件4.xlsx',
      options,
    );
    expect(report).toMatchObject({
      file: '附件4.xlsx',
      form: 'trainee',
      sheet: '学员报名表',
      rows: 2,
      valid: true,
      unreadable: false,
      findings: [],
    });
    expect(report.trainees.map((t) => t.row)).toEqual([2, 3]);
  });

  it('title rows, a merged title, varied headers, extra and reordered columns, blank rows', async () => {
    const headers = TRAINEE_HEADERS.map((header) =>
      header === '身份证号'
        ? '公民身份号码（必填）'
        : header === '手机号码'
          ? ' 手 机 号 码 '
          : header === '企业类型'
            ? '＊企业类型（可多选）'
            : header,
    );
    const order = [...TRAINEE_KEYS.keys()].reverse();
    const reorder = <T>(row: readonly T[]) => order.map((index) => row[index] as T);
    const data = await buildXlsx([
      { name: '填写说明', headers: ['说明'], rows: [['请按模板填写']] },
      {
        name: '报名表',
        preamble: [['附件4 领军人才培训学员报名表'], ['填报单位：北京市经济和信息化局']],
        merges: ['A1:U1'],
        headers: [...reorder(headers), '内部编号'],
        rows: [
          [...reorder(traineeRow(validTrainee(1))), 'X-1'],
          [],
          [...reorder(traineeRow(validTrainee(2))), 'X-2'],
          [null, null, '  '],
        ],
      },
    ]);
    const report = await validateUpload(data, 'offices.xlsx', options);
    expect(report.findings).toEqual([]);
    expect(report.sheet).toBe('报名表');
    expect(report.trainees.map((t) => t.row)).toEqual([4, 6]);
    expect(report.rows).toBe(2);
  });

  it('Date cells, serial dates, formulas (cached result only), rich text, booleans, full-width text', async () => {
    const one = validTrainee(1);
    const two = validTrainee(2);
    const three = validTrainee(3);
    const data = await traineeWorkbook([
      {
        ...one,
        birthDate: new Date(`${one.birthDate}T00:00:00Z`),
        name: { richText: [{ text: '学员' }, { text: '1' }] } as never,
      },
      {
        ...two,
        birthDate: (Date.parse(`${two.birthDate}T00:00:00Z`) - Date.UTC(1899, 11, 30)) / 86_400_000,
        isTopPerson: true,
      },
      {
        ...three,
        employees: { formula: 'SUM(100,20)', result: 120 } as never,
        idNumber: String(three.idNumber).replace(/\d/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0)),
        creditCode: String(three.creditCode).toLowerCase(),
        birthDate: String(three.birthDate).replace(/^(\d+)-0?(\d+)-0?(\d+)$/, '$1年$2月$3日'),
      },
    ]);
    const report = await validateUpload(data, 'typed.xlsx', options);
    expect(report.findings).toEqual([]);
    expect(report.trainees.map((t) => [t.name, t.birthDate, t.employees])).toEqual([
      ['学员1', one.birthDate, 120],
      ['学员2', two.birthDate, 120],
      ['学员3', three.birthDate, 120],
    ]);
    expect(report.trainees[2]?.idNumber).toBe(three.idNumber);
    expect(report.trainees[2]?.creditCode).toBe(three.creditCode);
  });

  it('a formula is never evaluated: only the cached result counts', async () => {
    const row = {
      ...validTrainee(1),
      industry: { formula: 'WEBSERVICE("http://example.com")', result: '通用设备制造业' } as never,
    };
    const report = await validateUpload(await traineeWorkbook([row]), 'formula.xlsx', options);
    expect(report.trainees[0]?.industry).toBe('通用设备制造业');
  });

  it('skips hidden sheets and finds the form on a later sheet', async () => {
    const data = await buildXlsx([
      {
        name: '隐藏',
        headers: TRAINEE_HEADERS,
        rows: [traineeRow({ ...validTrainee(9), email: 'bad' })],
        state: 'hidden',
      },
      {
        name: '数据',
        headers: TRAINEE_HEADERS,
        rows: [traineeRow(validTrainee(1))],
        textColumns: TRAINEE_TEXT_COLUMNS,
      },
    ]);
    const report = await validateUpload(data, 'hidden.xlsx', options);
    expect(report).toMatchObject({ sheet: '数据', valid: true, rows: 1 });
  });

  it('CSV with BOM, without BOM, with quoted line breaks, and tab-separated', async () => {
    const rows = [
      traineeRow({ ...validTrainee(1), categories: '专精特新中小企业\n高新技术企业', remarks: '含,逗号和"引号"' }),
      traineeRow(validTrainee(2)),
    ];
    for (const data of [buildCsv(TRAINEE_HEADERS, rows), buildCsv(TRAINEE_HEADERS, rows, { bom: false })]) {
      const report = await validateUpload(data, 'form.csv', options);
      expect(report.findings).toEqual([]);
      expect(report.trainees[0]?.categories).toEqual(['专精特新中小企业', '高新技术企业']);
      expect(report.trainees[0]?.remarks).toBe('含,逗号和"引号"');
      expect(report.trainees[1]?.row).toBe(3); // records, not physical lines: Excel shows a quoted line break inside one row
    }
    const tsv = new TextEncoder().encode(
      [TRAINEE_HEADERS, traineeRow(validTrainee(1))].map((r) => r.join('\t')).join('\n'),
    );
    expect((await validateUpload(tsv, 'form.txt', options)).valid).toBe(true);
  });

  it('detects the unit form and reads it', async () => {
    const report = await validateUpload(
      await buildXlsx([{ headers: UNIT_HEADERS, rows: [unitRow(validUnit())] }]),
      'unit.xlsx',
      options,
    );
    expect(report).toMatchObject({ form: 'unit', valid: true, rows: 1 });
    expect(report.units[0]).toMatchObject({ unitCode: '110000', contactName: '王五', officePhone: '010-68205000' });
  });

  it('keeps raw rows for the findings workbook out of JSON', async () => {
    const report = await validateUpload(await traineeWorkbook([validTrainee(1)]), 'a.xlsx', options);
    expect(report.rawRows?.[0]?.values.身份证号).toBe(validTrainee(1).idNumber);
    expect(JSON.stringify(report)).not.toContain('rawRows');
    expect(Object.keys(report)).toEqual([
      'file',
      'form',
      'sheet',
      'rows',
      'valid',
      'findings',
      'trainees',
      'units',
      'unreadable',
    ]);
  });

  it('lifting the row cap reads more than 2,000 rows', async () => {
    const data = buildCsv(
      TRAINEE_HEADERS,
      Array.from({ length: 2100 }, (_, i) => traineeRow(validTrainee(i))),
    );
    const report = await validateUpload(data, 'big.csv', { ...options, maxRows: 5000 });
    expect(report.rows).toBe(2100);
    expect(report.findings.map((f) => f.code)).not.toContain('TOO_MANY_ROWS');
  });
});
