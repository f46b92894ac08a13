import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { parseProgramme } from '../../../shared/domain/programme';
import { buildFindingsWorkbook, buildTemplate, validateUpload } from '../../../shared/forms/index';
import { validTrainee } from '../../fixtures/registration-data';
import { TRAINEE_HEADERS, TRAINEE_KEYS, traineeRow, UNIT_HEADERS } from '../../fixtures/spreadsheet-files';

const programme = parseProgramme(
  JSON.parse(readFileSync(new URL('../../../data/programme-2024.json', import.meta.url), 'utf8')),
);
const classNumbers = programme.classes.map((c) => c.number);

async function load(data: Uint8Array): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(Buffer.from(data) as never);
  return workbook;
}

type WithValidations = { dataValidations: { model: Record<string, ExcelJS.DataValidation> } };

describe('templates', () => {
  it('trainee .xlsx: headers, text columns, drop-downs, instructions, hidden choices', async () => {
    const workbook = await load(await buildTemplate('trainee', 'xlsx', programme));
    expect(workbook.worksheets.map((sheet) => [sheet.name, sheet.state])).toEqual([
      ['学员报名表', 'visible'],
      ['填写说明', 'visible'],
      ['选项', 'veryHidden'],
    ]);
    const sheet = workbook.getWorksheet('学员报名表');
    if (!sheet) throw new Error('no data sheet');
    expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual(TRAINEE_HEADERS);
    const column = (key: string) => sheet.getColumn(TRAINEE_KEYS.indexOf(key as never) + 1);
    for (const key of ['idNumber', 'creditCode', 'mobile']) expect(column(key).numFmt).toBe('@');
    const validations = Object.values((sheet as unknown as WithValidations).dataValidations.model);
    const lists = validations.filter((v) => v.type === 'list');
    expect(lists.length).toBeGreaterThanOrEqual(7);
    const choices = workbook.getWorksheet('选项');
    if (!choices) throw new Error('no choices sheet');
    const listValues = (header: string) => {
      const col = (choices.getRow(1).values as unknown[]).indexOf(header);
      return (choices.getColumn(col).values as unknown[]).slice(2).filter(Boolean);
    };
    expect(listValues('性别')).toEqual(['男', '女']);
    expect(listValues('是否企业一把手')).toEqual(['是', '否']);
    expect(listValues('意向期次')).toEqual(classNumbers.map(String));
    expect(listValues('企业类型')).toContain('专精特新"小巨人"企业');
    const instructions = workbook.getWorksheet('填写说明');
    const text = JSON.stringify(instructions?.getSheetValues());
    expect(text).toContain(programme.notice);
    expect(text).toContain('第 1 期');
  });

  it('unit .xlsx has the 附件3 headers', async () => {
    const workbook = await load(await buildTemplate('unit', 'xlsx', programme));
    const sheet = workbook.worksheets[0];
    if (!sheet) throw new Error('no data sheet');
    expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual(UNIT_HEADERS);
  });

  it('CSV is the header row only, UTF-8 with BOM', async () => {
    const csv = await buildTemplate('trainee', 'csv', programme);
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(new TextDecoder().decode(csv)).toBe(`${TRAINEE_HEADERS.join(',')}\r\n`);
    expect(new TextDecoder().decode(await buildTemplate('unit', 'csv', programme))).toBe(
      `${UNIT_HEADERS.join(',')}\r\n`,
    );
  });

  it('the blank template is recognised but has no data; filled in, it validates', async () => {
    const blank = await buildTemplate('trainee', 'xlsx', programme);
    expect((await validateUpload(blank, 't.xlsx', { classNumbers })).findings.map((f) => f.code)).toEqual([
      'NO_DATA_ROWS',
    ]);

    const workbook = await load(blank);
    const sheet = workbook.getWorksheet('学员报名表');
    sheet?.addRow(traineeRow(validTrainee(1)));
    sheet?.addRow(traineeRow({ ...validTrainee(2), mobile: '123' }));
    const filled = new Uint8Array((await workbook.xlsx.writeBuffer()) as ArrayBuffer);
    const report = await validateUpload(filled, 't.xlsx', { classNumbers, form: 'trainee' });
    expect(report.findings.map((f) => [f.code, f.row, f.column])).toEqual([['MOBILE_FORMAT', 3, '手机号码 (P)']]);
    expect(report.trainees).toHaveLength(1);

    const findingsWorkbook = await load(await buildFindingsWorkbook(report));
    const results = findingsWorkbook.getWorksheet('校验结果');
    expect(results?.getRow(2).getCell(2).value).toBe('通过');
    expect(results?.getRow(3).getCell(2).value).toBe('有错误');
    expect(String(results?.getRow(3).getCell(3).value)).toContain('手机号码 (P)');
    expect(results?.getRow(3).getCell(4).value).toBe('学员2');

    // Ingest adds what recording found (quota, duplicates) to the validation findings; the rows stay in the copy.
    const recorded = [
      ...report.findings,
      { code: 'QUOTA_EXCEEDED', severity: 'error' as const, message: '名额已满', row: 2 },
    ];
    const withRecording = (await load(await buildFindingsWorkbook(report, recorded))).getWorksheet('校验结果');
    expect(withRecording?.getRow(2).getCell(2).value).toBe('有错误');
    expect(String(withRecording?.getRow(2).getCell(3).value)).toContain('名额已满');
    expect(withRecording?.getRow(2).getCell(4).value).toBe('学员1');
  });

  it('the findings workbook lists file-level problems', async () => {
    const report = await validateUpload(new Uint8Array([1, 2, 3]), 'x.xlsx', { classNumbers });
    const workbook = await load(await buildFindingsWorkbook(report));
    expect(workbook.getWorksheet('文件问题')?.getRow(2).getCell(1).value).toBe('FILE_TYPE');
  });
});
