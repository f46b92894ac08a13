import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { validateUpload } from '../../../shared/forms/index';
import { CLASS_NUMBERS, validTrainee, validUnit } from '../../fixtures/registration-data';
import {
  buildCsv,
  buildXlsx,
  TRAINEE_HEADERS,
  traineeRow,
  traineeWorkbook,
  UNIT_HEADERS,
  unitRow,
  unzipEntries,
} from '../../fixtures/spreadsheet-files';
import { buildZip } from '../../fixtures/zip-builder';

/**
 * validateUpload's own decisions (docs/domain-rules.md, docs/operations.md): the limits a caller may lift or lower,
 * which form a file is and what to say when it is not the expected one, the header row's missing columns, the row
 * cap, duplicate units, and where the rows went when the header sheet is empty. Expected messages are written out.
 */
const options = { classNumbers: [...CLASS_NUMBERS], today: '2024-08-01' };

const codes = (report: { findings: readonly { code: string }[] }) => report.findings.map((finding) => finding.code);

const MINIMAL_PARTS = [
  { name: '[Content_Types].xml', data: '<?xml version="1.0"?><Types/>' },
  { name: 'xl/workbook.xml', data: '<?xml version="1.0"?><workbook/>' },
];

describe('limits the caller sets', () => {
  it('maxBytes: a file above it is FILE_TOO_LARGE, naming the limit', async () => {
    const data = await traineeWorkbook([validTrainee(1)]);
    const report = await validateUpload(data, 'a.xlsx', { ...options, maxBytes: 1024 });
    expect(codes(report)).toEqual(['FILE_TOO_LARGE']);
    expect(report.findings[0]?.message).toContain('超过上限 0.00 MB');
    expect(codes(await validateUpload(data, 'a.xlsx', { ...options, maxBytes: data.byteLength }))).toEqual([]);
  });

  it('maxEntries: a workbook with more zip parts than allowed is refused', async () => {
    const data = await traineeWorkbook([validTrainee(1)]);
    const report = await validateUpload(data, 'a.xlsx', { ...options, maxEntries: 2 });
    expect(codes(report)).toEqual(['ARCHIVE_UNSAFE']);
    expect(report.findings[0]?.message).toContain('超过上限 2');
  });

  it('maxUncompressedBytes: lowered, an honest workbook is over it', async () => {
    const data = await traineeWorkbook([validTrainee(1)]);
    const report = await validateUpload(data, 'a.xlsx', { ...options, maxUncompressedBytes: (1024 * 1024) / 100 });
    expect(codes(report)).toEqual(['ARCHIVE_UNSAFE']);
    expect(report.findings[0]?.message).toContain('解压后超过 0.01 MB');
  });

  it('by default, parts declaring more than 64 MB in all are refused even when none is compressed suspiciously', async () => {
    // 70 parts each declaring 1,000,000 bytes: none reaches the 1 MB from which ratios are checked.
    const data = buildZip([
      ...MINIMAL_PARTS,
      ...Array.from({ length: 70 }, (_, index) => ({
        name: `xl/media/image${index}.bin`,
        data: 'x',
        declaredSize: 1_000_000,
      })),
    ]);
    const report = await validateUpload(data, 'a.xlsx', options);
    expect(codes(report)).toEqual(['ARCHIVE_UNSAFE']);
    expect(report.findings[0]?.message).toContain('解压后超过 64.0 MB');
  });

  it('maxCompressionRatio: a large part compressed beyond the ratio is refused', async () => {
    // 1.5 MB of random decimal digits deflate to a little under half their size: about 2:1, far from the default 200:1.
    const digits = Array.from(randomBytes(1_500_000), (byte) => String(byte % 10)).join('');
    const data = buildZip([...MINIMAL_PARTS, { name: 'xl/worksheets/sheet1.xml', data: digits }]);
    const report = await validateUpload(data, 'a.xlsx', { ...options, maxCompressionRatio: 1.5 });
    expect(codes(report)).toEqual(['ARCHIVE_UNSAFE']);
    expect(report.findings[0]?.message).toContain('部件 xl/worksheets/sheet1.xml 的压缩比异常（超过 1.5:1）');
  });
});

describe('a file that cannot be read', () => {
  it('keeps the expected form, has no records and no raw rows, and is not valid', async () => {
    const report = await validateUpload(new Uint8Array([1, 2, 3]), 'x.xlsx', { ...options, form: 'unit' });
    expect(report).toMatchObject({ form: 'unit', sheet: null, rows: 0, valid: false, unreadable: true });
    expect(report.trainees).toEqual([]);
    expect(report.units).toEqual([]);
    expect(report.rawRows).toEqual([]);
    expect(report.rawHeaders).toEqual([]);
    expect(report.findings[0]).toMatchObject({ severity: 'error', file: 'x.xlsx' });
  });
});

describe('which form the file is', () => {
  it('the trainee form where the unit form was expected: FORM_MISMATCH on the first sheet that has it', async () => {
    const data = await buildXlsx([
      { name: '说明', headers: ['请在下一张工作表填写'], rows: [] },
      { name: '学员报名表', headers: TRAINEE_HEADERS, rows: [traineeRow(validTrainee(1))] },
      { name: '学员报名表（二）', headers: TRAINEE_HEADERS, rows: [traineeRow(validTrainee(2))] },
    ]);
    const report = await validateUpload(data, 'a.xlsx', { ...options, form: 'unit' });
    expect(report).toMatchObject({ form: 'trainee', sheet: null, rows: 0, valid: false, unreadable: true });
    expect(report.findings).toEqual([
      {
        code: 'FORM_MISMATCH',
        severity: 'error',
        file: 'a.xlsx',
        sheet: '学员报名表',
        message: '上传的是「附件4 学员报名表」，此处需要「附件3 推荐单位信息表」。请确认文件后重新上传。',
      },
    ]);
  });

  it('no header row anywhere: HEADER_MISSING names the required columns of both forms', async () => {
    const data = buildCsv(['编号', '内容'], [['1', '随便写点']]);
    const report = await validateUpload(data, 'notes.csv', options);
    expect(report).toMatchObject({ form: null, sheet: null, rows: 0, valid: false, unreadable: true });
    expect(report.findings).toEqual([
      {
        code: 'HEADER_MISSING',
        severity: 'error',
        file: 'notes.csv',
        message:
          '在文件的工作表中找不到表头行。需要附件4 学员报名表（姓名、性别、民族、出生日期、身份证号、政治面貌、学历、企业名称、' +
          '统一社会信用代码、职务、是否企业一把手、企业类型、所属行业、手机号码、电子邮箱、自愿参训声明、无违法违规记录声明）' +
          '或附件3 推荐单位信息表（单位名称、单位代码、联系人、手机号码、电子邮箱）。请使用系统提供的模板，并把数据填在第一张工作表中。',
      },
    ]);
  });

  it('no header row, the unit form expected: HEADER_MISSING names that form only, and the report keeps it', async () => {
    const report = await validateUpload(buildCsv(['编号', '内容'], [['1', '随便写点']]), 'notes.csv', {
      ...options,
      form: 'unit',
    });
    expect(report).toMatchObject({ form: 'unit', unreadable: true, valid: false });
    expect(report.findings.map((finding) => finding.message)).toEqual([
      '在文件的工作表中找不到表头行。需要附件3 推荐单位信息表（单位名称、单位代码、联系人、手机号码、电子邮箱）。请使用系统提供的模板，并把数据填在第一张工作表中。',
    ]);
  });
});

describe('the header row', () => {
  it('missing required columns: HEADER_MISSING on the header row lists them; raw headers are trimmed or lettered', async () => {
    const headers = TRAINEE_HEADERS.filter((header) => header !== '民族' && header !== '学历').map((header) =>
      header === '备注' ? '  备注 ' : header,
    );
    headers.splice(2, 0, '');
    const data = buildCsv(headers, [headers.map(() => '1')]);
    const report = await validateUpload(data, 'a.csv', options);
    expect(report).toMatchObject({ form: 'trainee', sheet: 'a', rows: 0, valid: false, unreadable: true });
    expect(report.findings).toEqual([
      {
        code: 'HEADER_MISSING',
        severity: 'error',
        file: 'a.csv',
        sheet: 'a',
        row: 1,
        message: '第 1 行表头缺少必需的列：民族、学历。请使用系统提供的模板，或在表头行补上这些列（列的顺序不限）。',
      },
    ]);
    expect(report.rawHeaders?.slice(0, 4)).toEqual(['姓名', '性别', 'C', '出生日期']);
    expect(report.rawHeaders).toContain('备注');
  });
});

describe('rows', () => {
  it('exactly maxRows rows are read; one more is TOO_MANY_ROWS and nothing is accepted', async () => {
    const rows = [1, 2, 3].map((n) => traineeRow(validTrainee(n)));
    const two = await validateUpload(buildCsv(TRAINEE_HEADERS, rows.slice(0, 2)), 'a.csv', { ...options, maxRows: 2 });
    expect(two).toMatchObject({ rows: 2, valid: true, unreadable: false });
    const three = await validateUpload(buildCsv(TRAINEE_HEADERS, rows), 'a.csv', { ...options, maxRows: 2 });
    expect(three).toMatchObject({ rows: 3, valid: false, unreadable: true, trainees: [] });
    expect(codes(three)).toEqual(['TOO_MANY_ROWS']);
    expect(three.findings[0]).toMatchObject({ severity: 'error', file: 'a.csv', sheet: 'a' });
    expect(three.rawHeaders).toEqual(TRAINEE_HEADERS);
  });

  it('a row with warnings only is accepted and the file is valid', async () => {
    const notTop = { ...validTrainee(1), isTopPerson: '否', remarks: '常务副总，主持日常经营' };
    const report = await validateUpload(buildCsv(TRAINEE_HEADERS, [traineeRow(notTop)]), 'a.csv', options);
    expect(report.findings.map((finding) => [finding.code, finding.severity])).toEqual([['NOT_TOP_PERSON', 'warning']]);
    expect(report.valid).toBe(true);
    expect(report.trainees).toHaveLength(1);
  });

  it('unit form: a bad row’s findings are reported; a second row of the same unit is DUPLICATE_IN_FILE', async () => {
    const data = buildCsv(UNIT_HEADERS, [
      unitRow(validUnit()),
      unitRow({ ...validUnit(), contactName: '赵六' }),
      unitRow({ ...validUnit(), unitName: '某某局', unitCode: '999999' }),
    ]);
    const report = await validateUpload(data, 'units.csv', options);
    expect(report.findings.map((finding) => [finding.code, finding.row, finding.column, finding.value])).toEqual([
      ['DUPLICATE_IN_FILE', 3, '单位代码 (B)', '110000'],
      ['UNIT_CODE_UNKNOWN', 4, '单位代码 (B)', '999999'],
    ]);
    expect(report.findings[0]).toMatchObject({
      severity: 'error',
      file: 'units.csv',
      sheet: 'units',
      message: '单位代码与第 2 行重复，每个单位只填一行。',
    });
    expect(report.units.map((unit) => unit.contactName)).toEqual(['王五']);
    expect(report.valid).toBe(false);
  });
});

describe('only the sheet with the form is read', () => {
  it('a damaged sheet after the form’s sheet does not make the file unreadable', async () => {
    const data = await buildXlsx([
      { name: '学员报名表', headers: TRAINEE_HEADERS, rows: [traineeRow(validTrainee(1))] },
      { name: '草稿', headers: ['说明'], rows: [['x'], ['y']] },
    ]);
    // The second sheet's XML cut off mid-row: reading it would fail.
    const damaged = buildZip(
      (await unzipEntries(data)).map((entry) =>
        entry.name === 'xl/worksheets/sheet2.xml'
          ? { name: entry.name, data: entry.data.toString('utf8').replace('</sheetData>', '<row><c>') }
          : entry,
      ),
    );
    const report = await validateUpload(damaged, 'a.xlsx', options);
    expect(report).toMatchObject({ findings: [], rows: 1, valid: true, unreadable: false, sheet: '学员报名表' });
    expect(report.trainees).toHaveLength(1);
  });
});

describe('the header sheet is empty and the rows are on another sheet', () => {
  const emptyFirst = (rows: readonly (readonly unknown[])[], headers: readonly string[] = TRAINEE_HEADERS) =>
    buildXlsx([
      { name: '学员报名表', headers: TRAINEE_HEADERS, rows: [] },
      { name: '我的数据', headers, rows },
    ]);

  it('counts the other sheet’s rows with content, a row with blank cells included', async () => {
    const data = await emptyFirst([
      ['张三', null, '董事长'],
      ['李四', '  ', '总经理'],
    ]);
    const report = await validateUpload(data, 'a.xlsx', { ...options, maxRows: 5 });
    expect(codes(report)).toEqual(['NO_DATA_ROWS']);
    expect(report.findings[0]?.message).toBe(
      '表头（第 1 行）下没有填写任何数据行。工作表「我的数据」中有 3 行内容，但系统读取的是含表头的第一张工作表「学员报名表」。' +
        '请把数据（连同表头）移到「学员报名表」，或删除空的「学员报名表」工作表后重新上传。',
    );
    expect(report).toMatchObject({ sheet: '学员报名表', rows: 0, valid: false, unreadable: false });
    expect(report.rawHeaders).toEqual(TRAINEE_HEADERS);
    expect(report.rawRows).toEqual([]);
  });

  it('rows of blank-looking cells are no content: a header alone there is not where the rows went', async () => {
    const data = await emptyFirst([['  '], ['', ' ']], ['说明']);
    const report = await validateUpload(data, 'a.xlsx', options);
    expect(report.findings.map((finding) => finding.message)).toEqual(['表头（第 1 行）下没有填写任何数据行。']);
  });

  it('exactly maxRows rows there are counted; more are “more than maxRows”', async () => {
    const two = await validateUpload(await emptyFirst([['张三']], ['姓名']), 'a.xlsx', { ...options, maxRows: 2 });
    expect(two.findings[0]?.message).toContain('工作表「我的数据」中有 2 行内容');
    const three = await validateUpload(await emptyFirst([['张三'], ['李四'], ['王五']], ['姓名']), 'a.xlsx', {
      ...options,
      maxRows: 2,
    });
    expect(three.findings[0]?.message).toContain('工作表「我的数据」中有 超过 2 行内容');
  });
});
