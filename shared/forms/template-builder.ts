import type ExcelJS from 'exceljs';
import { loadExcel } from './excel';
import type { Programme } from '../domain/programme';
import {
  EDUCATION_SUGGESTIONS,
  ENTERPRISE_CATEGORIES,
  GENDERS,
  POLITICAL_STATUS_SUGGESTIONS,
  YES_NO,
} from '../domain/registration/form-choices';
import { FORM_TITLES, type FormField, type FormKind, fieldsOf } from '../domain/registration/form-fields';
import { columnLetter } from './sheet-rows';
import { DEFAULT_UPLOAD_LIMITS } from './upload-limits';

const DATA_SHEET: Record<FormKind, string> = { trainee: '学员报名表', unit: '单位信息表' };
const INSTRUCTIONS_SHEET = '填写说明';
const CHOICES_SHEET = '选项';

interface DataValidationTarget {
  dataValidations: { add(range: string, validation: ExcelJS.DataValidation): void };
}

interface ChoiceList {
  readonly values: readonly string[];
  /** A closed list rejects other input in Excel; an open one only suggests. */
  readonly strict: boolean;
}

function choicesFor(field: FormField, programme: Programme): ChoiceList | undefined {
  switch (field.key) {
    case 'gender':
      return { values: GENDERS, strict: true };
    case 'isTopPerson':
      return { values: YES_NO, strict: true };
    case 'voluntary':
    case 'goodStanding':
      return { values: ['是'], strict: true };
    case 'categories':
      // Several categories go into one cell, which an Excel list cannot express, so the list only suggests.
      return { values: ENTERPRISE_CATEGORIES, strict: false };
    case 'politicalStatus':
      return { values: POLITICAL_STATUS_SUGGESTIONS, strict: false };
    case 'education':
      return { values: EDUCATION_SUGGESTIONS, strict: false };
    case 'preferredClass':
      return { values: programme.classes.map((trainingClass) => String(trainingClass.number)), strict: true };
    // Stryker disable next-line ConditionalExpression: an empty default case falls off the end, which returns undefined too
    default:
      return undefined;
  }
}

/**
 * The blank 附件3/附件4 an office downloads: headers exactly as uploads are matched, drop-downs for closed choices,
 * text-formatted ID, code and phone columns (so Excel keeps all 18 digits), an instructions sheet with the
 * programme's classes. CSV is the header row only, UTF-8 with BOM so Excel opens the Chinese headers correctly.
 */
export async function buildTemplate(form: FormKind, format: 'xlsx' | 'csv', programme: Programme): Promise<Uint8Array> {
  const fields = fieldsOf(form);
  if (format === 'csv') {
    const line = fields
      .map((field) => (/[",\n]/.test(field.header) ? `"${field.header.replace(/"/g, '""')}"` : field.header))
      .join(',');
    return new TextEncoder().encode(`\uFEFF${line}\r\n`);
  }

  const workbook = new (await loadExcel()).Workbook();
  workbook.creator = '领军人才培训管理系统';
  workbook.created = new Date(Date.UTC(programme.year, 0, 1));
  const sheet = workbook.addWorksheet(DATA_SHEET[form], { views: [{ state: 'frozen', ySplit: 1 }] });
  const instructions = workbook.addWorksheet(INSTRUCTIONS_SHEET);
  const choices = workbook.addWorksheet(CHOICES_SHEET, { state: 'veryHidden' });

  const lastRow = DEFAULT_UPLOAD_LIMITS.maxRows + 1;
  sheet.columns = fields.map((field) => ({
    header: field.header,
    key: field.key,
    width: field.width ?? 14,
    ...(field.textColumn ? { style: { numFmt: '@' } } : {}),
  }));
  const headerRow = sheet.getRow(1);
  headerRow.height = 24;
  fields.forEach((field, index) => {
    const cell = headerRow.getCell(index + 1);
    cell.font = { bold: true, color: { argb: field.required ? 'FFC00000' : 'FF000000' } };
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDEBF7' } };
    cell.alignment = { vertical: 'middle', horizontal: 'center', wrapText: true };
    cell.note = `${field.required ? '必填。' : '选填。'}${field.hint}`;
  });

  let choiceColumn = 0;
  fields.forEach((field, index) => {
    const list = choicesFor(field, programme);
    const column = columnLetter(index);
    const range = `${column}2:${column}${lastRow}`;
    if (list) {
      choiceColumn++;
      const letter = columnLetter(choiceColumn - 1);
      choices.getCell(`${letter}1`).value = field.header;
      list.values.forEach((value, row) => {
        choices.getCell(`${letter}${row + 2}`).value = value;
      });
      (sheet as unknown as DataValidationTarget).dataValidations.add(range, {
        type: 'list',
        allowBlank: !field.required,
        formulae: [`'${CHOICES_SHEET}'!$${letter}$2:$${letter}$${list.values.length + 1}`],
        showErrorMessage: list.strict,
        errorStyle: 'stop',
        errorTitle: field.header,
        error: `请从下拉列表中选择${field.header}。`,
        showInputMessage: true,
        promptTitle: field.header,
        prompt: field.hint.slice(0, 250),
      });
    } else if (field.textColumn) {
      (sheet as unknown as DataValidationTarget).dataValidations.add(range, {
        type: 'textLength',
        operator: 'lessThanOrEqual',
        formulae: [field.kind === 'mobile' || field.kind === 'phone' ? 30 : 18],
        allowBlank: true,
        showInputMessage: true,
        promptTitle: field.header,
        prompt: '本列为文本格式，请直接输入完整号码。',
      });
    }
  });

  writeInstructions(instructions, form, fields, programme);
  const buffer = await workbook.xlsx.writeBuffer();
  return new Uint8Array(buffer as ArrayBuffer);
}

function writeInstructions(
  sheet: ExcelJS.Worksheet,
  form: FormKind,
  fields: readonly FormField[],
  programme: Programme,
): void {
  sheet.columns = [{ width: 24 }, { width: 10 }, { width: 70 }];
  const title = sheet.addRow([`${FORM_TITLES[form]}（${programme.year} 年度中小企业经营管理领军人才培训）`]);
  title.font = { bold: true, size: 14 };
  sheet.addRow([
    `依据：${programme.notice}。报送截止：${programme.deadline.slice(0, 10)}（北京时间）。联系邮箱：${programme.contactEmail}`,
  ]);
  sheet.addRow([
    `请在「${DATA_SHEET[form]}」工作表第 2 行起每行填写一${form === 'trainee' ? '名学员' : '个推荐单位'}，不要改动表头；红色表头为必填项。`,
  ]);
  sheet.addRow([
    '身份证号、统一社会信用代码、电话号码列已设为文本格式，请勿改为"常规"或"数值"，否则 Excel 会丢失末尾数字。',
  ]);
  sheet.addRow([
    `一个文件最多 ${DEFAULT_UPLOAD_LIMITS.maxRows} 行、${DEFAULT_UPLOAD_LIMITS.maxBytes / 1024 / 1024} MB；可上传 .xlsx，或"CSV UTF-8（逗号分隔）"。`,
  ]);
  if (form === 'trainee') {
    sheet.addRow([
      '企业类型可多选，用"、"分隔；非企业一把手须在备注中说明推荐理由；两项声明均须填"是"。每家企业每年限报 1 人。',
    ]);
  }
  sheet.addRow([]);
  const head = sheet.addRow(['列名', '是否必填', '填写说明']);
  head.font = { bold: true };
  for (const field of fields) sheet.addRow([field.header, field.required ? '必填' : '选填', field.hint]);
  if (form === 'trainee') {
    sheet.addRow([]);
    sheet.addRow(['企业类型可选值', '', ENTERPRISE_CATEGORIES.join('、')]);
    sheet.addRow([]);
    const classes = sheet.addRow(['期次', '', `培训安排${programme.sampleData ? '（示例数据，以正式通知为准）' : ''}`]);
    classes.font = { bold: true };
    for (const trainingClass of programme.classes) {
      sheet.addRow([
        `第 ${trainingClass.number} 期`,
        '',
        `${trainingClass.startDate} 至 ${trainingClass.endDate} · ${trainingClass.city} · ${trainingClass.host} · ${trainingClass.theme}`,
      ]);
    }
  }
}
