import { readFileSync } from 'node:fs';
import type ExcelJS from 'exceljs';
import { describe, expect, it, vi } from 'vitest';
import { type Programme, parseProgramme } from '../../../shared/domain/programme';
import { loadWorkbook } from '../../fixtures/workbook-reading';

/**
 * The blank 附件3/附件4 as an office sees it when it opens the download in Excel: sheet names, header styles and
 * notes, the text-length checks on the number columns, and the instructions sheet. Expected values are written from
 * docs/domain-rules.md (which columns are required, 2,000 rows and 5 MB per file) and the programme file, not read
 * from the builder.
 *
 * The builder is imported afresh inside each test (vi.resetModules): its sheet names are module-level constants, and
 * a module already loaded when a mutant is switched on would keep the original names (see "hybrid" in
 * docs/mutation-testing.md).
 */
const programme = parseProgramme(
  JSON.parse(readFileSync(new URL('../../../data/programme-2024.json', import.meta.url), 'utf8')),
);

async function template(form: 'trainee' | 'unit', format: 'xlsx' | 'csv' = 'xlsx', of: Programme = programme) {
  vi.resetModules();
  const { buildTemplate } = await import('../../../shared/forms/template-builder');
  return buildTemplate(form, format, of);
}

async function workbookOf(form: 'trainee' | 'unit', of: Programme = programme) {
  return loadWorkbook(await template(form, 'xlsx', of));
}

type Validations = { dataValidations: { model: Record<string, ExcelJS.DataValidation | undefined> } };

/** 附件4's required columns, from the table in docs/domain-rules.md. */
const TRAINEE_REQUIRED = [
  '姓名',
  '性别',
  '民族',
  '出生日期',
  '身份证号',
  '政治面貌',
  '学历',
  '企业名称',
  '统一社会信用代码',
  '职务',
  '是否企业一把手',
  '企业类型',
  '所属行业',
  '手机号码',
  '电子邮箱',
  '自愿参训声明',
  '无违法违规记录声明',
];
const TRAINEE_OPTIONAL = ['职工人数', '上年度营业收入（万元）', '意向期次', '备注'];

describe('the blank template workbook', () => {
  it('names its sheets 学员报名表 / 单位信息表, 填写说明 and a very hidden 选项; the data sheet freezes its header', async () => {
    const trainee = await workbookOf('trainee');
    expect(trainee.worksheets.map((sheet) => [sheet.name, sheet.state])).toEqual([
      ['学员报名表', 'visible'],
      ['填写说明', 'visible'],
      ['选项', 'veryHidden'],
    ]);
    expect(trainee.worksheets[0]?.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(trainee.creator).toBe('领军人才培训管理系统');
    expect(trainee.created?.toISOString()).toBe('2024-01-01T00:00:00.000Z');

    const unit = await workbookOf('unit');
    expect(unit.worksheets.map((sheet) => sheet.name)).toEqual(['单位信息表', '填写说明', '选项']);
  });

  it('shows required headers in red and optional ones in black, bold on a blue fill, each with a note', async () => {
    const sheet = (await workbookOf('trainee')).getWorksheet('学员报名表');
    if (!sheet) throw new Error('no data sheet');
    const header = sheet.getRow(1);
    expect(header.height).toBe(24);
    const seen: string[] = [];
    header.eachCell((cell) => {
      const text = String(cell.value);
      seen.push(text);
      const required = TRAINEE_REQUIRED.includes(text);
      expect(required || TRAINEE_OPTIONAL.includes(text), text).toBe(true);
      expect(cell.font, text).toMatchObject({ bold: true, color: { argb: required ? 'FFC00000' : 'FF000000' } });
      expect(cell.fill, text).toMatchObject({ type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDEBF7' } });
      expect(cell.alignment, text).toMatchObject({ vertical: 'middle', horizontal: 'center', wrapText: true });
      const note = cell.note as unknown as { texts: { text: string }[] } | string;
      const noteText = typeof note === 'string' ? note : note.texts.map((t) => t.text).join('');
      expect(noteText, text).toMatch(required ? /^必填。./ : /^选填。./);
    });
    expect(seen).toHaveLength(TRAINEE_REQUIRED.length + TRAINEE_OPTIONAL.length);
    const note = (header: string) => {
      const cell = sheet.getRow(1).getCell(seen.indexOf(header) + 1);
      const value = cell.note as unknown as { texts: { text: string }[] } | string;
      return typeof value === 'string' ? value : value.texts.map((t) => t.text).join('');
    };
    expect(note('身份证号')).toContain('18 位');
    expect(note('意向期次')).toMatch(/^选填。.*期次/);
  });

  it('keeps columns wide enough to read: 18-digit numbers fit, no column narrower than its default', async () => {
    const sheet = (await workbookOf('trainee')).getWorksheet('学员报名表');
    if (!sheet) throw new Error('no data sheet');
    const headers = (sheet.getRow(1).values as unknown[]).slice(1).map(String);
    const width = (header: string) => sheet.getColumn(headers.indexOf(header) + 1).width ?? 0;
    expect(width('身份证号')).toBeGreaterThanOrEqual(18);
    expect(width('统一社会信用代码')).toBeGreaterThanOrEqual(18);
    expect(width('企业名称')).toBeGreaterThan(width('姓名'));
    for (const header of headers) expect(width(header), header).toBeGreaterThanOrEqual(6);
  });

  it('limits the ID and credit-code columns to 18 characters and phone columns to 30, as text, blank allowed', async () => {
    const check = (model: Validations['dataValidations']['model'], letter: string, max: number) => {
      for (const row of [2, 2001]) {
        expect(model[`${letter}${row}`], `${letter}${row}`).toMatchObject({
          type: 'textLength',
          operator: 'lessThanOrEqual',
          formulae: [max],
          allowBlank: true,
          showInputMessage: true,
          prompt: '本列为文本格式，请直接输入完整号码。',
        });
      }
      expect(model[`${letter}2002`]).toBeUndefined();
    };
    const trainee = (await workbookOf('trainee')).getWorksheet('学员报名表') as unknown as Validations &
      ExcelJS.Worksheet;
    const traineeHeaders = (trainee.getRow(1).values as unknown[]).slice(1).map(String);
    const letterOf = (headers: string[], header: string) => String.fromCharCode(65 + headers.indexOf(header));
    check(trainee.dataValidations.model, letterOf(traineeHeaders, '身份证号'), 18);
    expect(trainee.dataValidations.model[`${letterOf(traineeHeaders, '身份证号')}2`]?.promptTitle).toBe('身份证号');
    check(trainee.dataValidations.model, letterOf(traineeHeaders, '统一社会信用代码'), 18);
    check(trainee.dataValidations.model, letterOf(traineeHeaders, '手机号码'), 30);
    // Ordinary text columns carry no check at all.
    expect(trainee.dataValidations.model[`${letterOf(traineeHeaders, '姓名')}2`]).toBeUndefined();

    const unit = (await workbookOf('unit')).getWorksheet('单位信息表') as unknown as Validations & ExcelJS.Worksheet;
    const unitHeaders = (unit.getRow(1).values as unknown[]).slice(1).map(String);
    check(unit.dataValidations.model, letterOf(unitHeaders, '单位代码'), 18);
    check(unit.dataValidations.model, letterOf(unitHeaders, '手机号码'), 30);
    check(unit.dataValidations.model, letterOf(unitHeaders, '办公电话'), 30);
  });

  it('drop-downs: required lists refuse a blank, optional ones allow it; closed lists stop with a message', async () => {
    const sheet = (await workbookOf('trainee')).getWorksheet('学员报名表') as unknown as Validations &
      ExcelJS.Worksheet;
    const headers = (sheet.getRow(1).values as unknown[]).slice(1).map(String);
    const at = (header: string) => sheet.dataValidations.model[`${String.fromCharCode(65 + headers.indexOf(header))}2`];
    expect(at('性别')).toMatchObject({
      type: 'list',
      showErrorMessage: true,
      errorStyle: 'stop',
      errorTitle: '性别',
      error: '请从下拉列表中选择性别。',
      showInputMessage: true,
      promptTitle: '性别',
      prompt: '下拉选择：男/女，须与身份证号一致',
    });
    expect(at('性别')?.allowBlank).toBeFalsy();
    expect(at('意向期次')?.allowBlank).toBe(true);
    expect(at('无违法违规记录声明')?.allowBlank).toBeFalsy();
    expect(at('自愿参训声明')?.formulae).toEqual(["'选项'!$G$2:$G$2"]);
  });

  it('CSV quotes a header holding a comma or a quote, as RFC 4180 asks', async () => {
    vi.resetModules();
    vi.doMock('../../../shared/domain/registration/form-fields', async (original) => ({
      ...(await original<object>()),
      fieldsOf: () => [{ header: '姓名' }, { header: '单位,部门' }, { header: '称"号"' }],
    }));
    try {
      const { buildTemplate } = await import('../../../shared/forms/template-builder');
      const csv = new TextDecoder().decode(await buildTemplate('trainee', 'csv', programme));
      expect(csv).toBe('姓名,"单位,部门","称""号"""\r\n');
    } finally {
      vi.doUnmock('../../../shared/domain/registration/form-fields');
      vi.resetModules();
    }
  });

  it('cuts a drop-down prompt to 250 characters (Excel refuses an input message over 255)', async () => {
    vi.resetModules();
    vi.doMock('../../../shared/domain/registration/form-fields', async (original) => ({
      ...(await original<object>()),
      fieldsOf: () => [{ key: 'gender', header: '性别', kind: 'choice', required: true, hint: '男'.repeat(300) }],
    }));
    try {
      const { buildTemplate } = await import('../../../shared/forms/template-builder');
      const workbook = await loadWorkbook(await buildTemplate('trainee', 'xlsx', programme));
      const model = (workbook.worksheets[0] as unknown as Validations).dataValidations.model;
      expect(model.A2?.prompt).toBe('男'.repeat(250));
    } finally {
      vi.doUnmock('../../../shared/domain/registration/form-fields');
      vi.resetModules();
    }
  });
});

describe('the instructions sheet', () => {
  const rowsOf = async (form: 'trainee' | 'unit', of: Programme = programme) => {
    const sheet = (await workbookOf(form, of)).getWorksheet('填写说明');
    if (!sheet) throw new Error('no instructions sheet');
    const rows: string[][] = [];
    for (let number = 1; number <= sheet.rowCount; number++) {
      rows.push([1, 2, 3].map((column) => String(sheet.getRow(number).getCell(column).value ?? '')));
    }
    return { sheet, rows };
  };

  it('for 附件4: title, notice and deadline, how to fill it in, the limits, the column list, categories, classes', async () => {
    const { sheet, rows } = await rowsOf('trainee');
    expect([1, 2, 3].map((column) => sheet.getColumn(column).width)).toEqual([24, 10, 70]);
    expect(rows[0]?.[0]).toBe('附件4 学员报名表（2024 年度中小企业经营管理领军人才培训）');
    expect(sheet.getRow(1).font).toMatchObject({ bold: true, size: 14 });
    expect(rows[1]?.[0]).toBe(
      '依据：工信厅企业函〔2024〕333号。报送截止：2024-08-31（北京时间）。联系邮箱：leader@miitec.org.cn',
    );
    expect(rows[2]?.[0]).toBe('请在「学员报名表」工作表第 2 行起每行填写一名学员，不要改动表头；红色表头为必填项。');
    expect(rows[3]?.[0]).toBe(
      '身份证号、统一社会信用代码、电话号码列已设为文本格式，请勿改为"常规"或"数值"，否则 Excel 会丢失末尾数字。',
    );
    expect(rows[4]?.[0]).toBe('一个文件最多 2000 行、5 MB；可上传 .xlsx，或"CSV UTF-8（逗号分隔）"。');
    expect(rows[5]?.[0]).toBe(
      '企业类型可多选，用"、"分隔；非企业一把手须在备注中说明推荐理由；两项声明均须填"是"。每家企业每年限报 1 人。',
    );
    expect(rows[6]).toEqual(['', '', '']);
    expect(rows[7]).toEqual(['列名', '是否必填', '填写说明']);
    expect(sheet.getRow(8).font).toMatchObject({ bold: true });
    const columns = rows.slice(8, 8 + TRAINEE_REQUIRED.length + TRAINEE_OPTIONAL.length);
    expect(columns[0]).toEqual(['姓名', '必填', '与身份证一致']);
    for (const [header, required] of columns) {
      expect(required, header).toBe(TRAINEE_REQUIRED.includes(header as string) ? '必填' : '选填');
    }
    expect(columns.map(([header]) => header)).toContain('备注');
    const after = rows.slice(8 + columns.length);
    expect(after[0]).toEqual(['', '', '']);
    expect(after[1]).toEqual([
      '企业类型可选值',
      '',
      '专精特新中小企业、专精特新"小巨人"企业、创新型中小企业、科技型中小企业、制造业单项冠军、独角兽企业、高新技术企业、其他',
    ]);
    expect(after[2]).toEqual(['', '', '']);
    expect(after[3]).toEqual(['期次', '', '培训安排（示例数据，以正式通知为准）']);
    expect(sheet.getRow(8 + columns.length + 4).font).toMatchObject({ bold: true });
    expect(after[4]).toEqual(['第 1 期', '', '2024-09-23 至 2024-09-26 · 北京 · 清华大学 · 高质量发展专题']);
    expect(after.slice(4).map(([label]) => label)).toEqual(programme.classes.map((c) => `第 ${c.number} 期`));
    expect(after).toHaveLength(4 + programme.classes.length);
  });

  it('drops the sample-data remark once the schedule is the published one', async () => {
    const { rows } = await rowsOf('trainee', { ...programme, sampleData: false });
    expect(rows.find(([label]) => label === '期次')).toEqual(['期次', '', '培训安排']);
  });

  it('for 附件3: one unit per row, no trainee-only lines, categories or classes', async () => {
    const { rows } = await rowsOf('unit');
    expect(rows[0]?.[0]).toBe('附件3 推荐单位信息表（2024 年度中小企业经营管理领军人才培训）');
    expect(rows[2]?.[0]).toBe(
      '请在「单位信息表」工作表第 2 行起每行填写一个推荐单位，不要改动表头；红色表头为必填项。',
    );
    expect(rows[4]?.[0]).toBe('一个文件最多 2000 行、5 MB；可上传 .xlsx，或"CSV UTF-8（逗号分隔）"。');
    expect(rows[5]).toEqual(['', '', '']);
    expect(rows[6]).toEqual(['列名', '是否必填', '填写说明']);
    expect(rows.slice(7).map(([header]) => header)).toEqual([
      '单位名称',
      '单位代码',
      '联系人',
      '职务',
      '手机号码',
      '办公电话',
      '电子邮箱',
      '推荐人数',
      '备注',
    ]);
  });
});
