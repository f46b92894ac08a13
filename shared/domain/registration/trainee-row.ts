import type { Finding } from '../errors';
import { describeRegistration, validateCreditCode } from './credit-code';
import type { FormFindingCode } from './finding-codes';
import { normaliseEmail, normaliseMobile } from './contact-details';
import {
  ENTERPRISE_CATEGORIES,
  type EnterpriseCategory,
  matchCategory,
  parseClassNumber,
  parseCount,
  parseGender,
  parseYesNo,
  splitCategories,
} from './form-choices';
import { type CellValue, TRAINEE_FIELDS, type TraineeFieldKey } from './form-fields';
import { parseLooseDate } from './loose-date';
import { normalisePersonName, normaliseText } from './normalise-text';
import type { TraineeRecord } from './registration-records';
import { birthDateProblem, PLAUSIBLE_AGE, validateResidentId } from './resident-id';
import { cellText, RowChecker, type RowLocation } from './row-checker';

export interface TraineeRowRules {
  /** The programme's class numbers (期次). */
  readonly classNumbers: readonly number[];
  /** Programme time's date (Asia/Shanghai, YYYY-MM-DD): a birth date after it is impossible. */
  readonly today: string;
}

export interface TraineeRowResult {
  readonly findings: Finding[];
  /** Present when the row has no error findings (warnings allowed). */
  readonly record: TraineeRecord | null;
  /** Normalised keys for duplicate detection, present whenever the value itself is valid. */
  readonly idNumber?: string;
  readonly creditCode?: string;
}

/** An Excel serial date written out as text: 1–5 digits (8-digit 19750601 is a compact date, read as one). */
const SERIAL_AS_TEXT = /^\d{1,5}(\.\d+)?$/;

/** What Excel shows after a long number was typed into a General cell: 1.10105E+17. */
const SCIENTIFIC = /^\d+(\.\d+)?e\+?\d+$/i;

const ID_MESSAGES = {
  ID_FORMAT: '身份证号应为 18 位：17 位数字加 1 位数字或 X。',
  ID_CHECKSUM: '身份证号校验位不正确，请逐位核对是否有错填或漏填。',
  ID_BIRTHDATE: '身份证号第 7–14 位不是有效的出生日期，请核对。',
  ID_REGION:
    '身份证号前 2 位不是省级行政区划代码（GB/T 2260 的 34 个省级代码，或港澳台居民居住证的 81、82、83），请核对。',
} as const;

const CREDIT_CODE_MESSAGES = {
  USCC_FORMAT: '统一社会信用代码应为 18 位数字或大写字母（不含 I、O、S、V、Z），请按营业执照填写。',
  USCC_CHECKSUM: '统一社会信用代码校验位不正确，请按营业执照逐位核对。',
  USCC_CATEGORY:
    '统一社会信用代码第 1 位（登记管理部门）和第 2 位（机构类别）不是 GB 32100-2015 规定的代码组合（企业为 91），请按营业执照核对。',
  USCC_REGION: '统一社会信用代码第 3–8 位应为登记机关的 6 位行政区划代码（数字），请按营业执照核对。',
} as const;

export function validateTraineeRow(
  cells: Readonly<Partial<Record<TraineeFieldKey, CellValue>>>,
  location: RowLocation,
  rules: TraineeRowRules,
): TraineeRowResult {
  const check = new RowChecker(TRAINEE_FIELDS, cells, location);

  const nameText = check.text('name');
  const name = nameText === null ? null : normalisePersonName(nameText);

  const genderText = check.text('gender');
  const gender = genderText === null ? undefined : parseGender(genderText);
  if (genderText !== null && !gender) check.error('ENUM_VALUE', 'gender', '「性别」只能填写"男"或"女"。', genderText);

  const ethnicity = check.text('ethnicity');

  const birthDate = readBirthDate(check);

  const identity = readResidentId(check, rules.today);
  if (identity && gender && identity.gender !== gender) {
    check.error(
      'GENDER_MISMATCH',
      'gender',
      `性别"${gender}"与身份证号不一致（身份证第 17 位表示${identity.gender}性），请核对。`,
      gender,
    );
  }
  if (identity && birthDate && identity.birthDate !== birthDate) {
    check.error(
      'BIRTHDATE_MISMATCH',
      'birthDate',
      '出生日期与身份证号中的出生日期（第 7–14 位）不一致，请核对。',
      birthDate,
    );
  }

  const politicalStatus = check.text('politicalStatus');
  const education = check.text('education');
  const enterpriseName = check.text('enterpriseName');
  const creditCode = readCreditCode(check);
  const position = check.text('position');

  const topPersonText = check.text('isTopPerson');
  const isTopPerson = topPersonText === null ? undefined : readYesNo(check, 'isTopPerson', topPersonText);

  const categories = readCategories(check);
  const industry = check.text('industry');
  const employees = readNumber(check, 'employees', true);
  const revenue = readNumber(check, 'revenue', false);

  const mobileText = check.text('mobile');
  const mobile = mobileText === null ? null : normaliseMobile(mobileText);
  if (mobileText !== null && !mobile) {
    check.error('MOBILE_FORMAT', 'mobile', '手机号码应为 11 位大陆手机号（以 13–19 开头），请核对。', mobileText);
  }

  const emailText = check.text('email');
  const email = emailText === null ? null : normaliseEmail(emailText);
  if (emailText !== null && !email)
    check.error('EMAIL_FORMAT', 'email', '电子邮箱格式不正确，应形如 name@example.com。', emailText);

  const preferredClass = readClass(check, rules.classNumbers);
  const voluntary = readDeclaration(check, 'voluntary');
  const goodStanding = readDeclaration(check, 'goodStanding');
  const remarks = check.text('remarks') ?? '';

  if (isTopPerson === false) {
    if (remarks) {
      check.report(
        'NOT_TOP_PERSON',
        'warning',
        'isTopPerson',
        '学员不是企业一把手，已在备注中说明推荐理由，待审核确认。',
        '否',
      );
    } else {
      check.error('TOP_PERSON_REASON_REQUIRED', 'remarks', '学员不是企业一把手，须在「备注」中说明推荐理由。');
    }
  }

  if (categories?.length === 1 && categories[0] === '其他' && !remarks) {
    // The form's own comment: 其他 alone says nothing of why the enterprise fits the notice's target (一(二)), so the
    // reviewer needs the unit's words; the clerk adds them and uploads again.
    check.error(
      'OTHER_CATEGORY_REASON_REQUIRED',
      'remarks',
      '企业类型只选了"其他"：须在「备注」中写明企业的具体类型或推荐理由（如：省级专精特新中小企业），或改选列表中的类型。',
    );
  }

  const keys = { ...(identity ? { idNumber: identity.idNumber } : {}), ...(creditCode ? { creditCode } : {}) };
  if (
    check.hasErrors ||
    name === null ||
    !gender ||
    ethnicity === null ||
    !birthDate ||
    !identity ||
    politicalStatus === null ||
    education === null ||
    enterpriseName === null ||
    !creditCode ||
    position === null ||
    isTopPerson === undefined ||
    !categories ||
    industry === null ||
    employees === undefined ||
    revenue === undefined ||
    !mobile ||
    !email ||
    preferredClass === undefined ||
    !voluntary ||
    !goodStanding
  ) {
    return { findings: check.findings, record: null, ...keys };
  }
  return {
    findings: check.findings,
    ...keys,
    record: {
      row: location.row,
      name,
      gender,
      ethnicity,
      birthDate,
      idNumber: identity.idNumber,
      politicalStatus,
      education,
      enterpriseName,
      creditCode,
      position,
      isTopPerson,
      categories,
      industry,
      employees,
      revenue,
      mobile,
      email,
      preferredClass,
      voluntary: true,
      goodStanding: true,
      remarks,
      ...reviewNotesOf(check.findings),
    },
  };
}

function reviewNotesOf(findings: readonly Finding[]): { reviewNotes?: FormFindingCode[] } {
  const codes = findings.filter((f) => f.severity === 'warning').map((f) => f.code as FormFindingCode);
  return codes.length > 0 ? { reviewNotes: [...new Set(codes)] } : {};
}

function readBirthDate(check: RowChecker): string | null {
  const raw = check.raw('birthDate');
  const text = check.text('birthDate');
  if (text === null) return null;
  const date = raw instanceof Date || typeof raw === 'number' ? parseLooseDate(raw) : parseLooseDate(text);
  if (!date && typeof raw === 'string' && SERIAL_AS_TEXT.test(normaliseText(text))) {
    // Only a numeric .xlsx cell is read as an Excel serial date. In a CSV (which has no cell types) or a text cell,
    // "27546" is what the clerk's file says, not a date the system should guess at.
    check.error(
      'DATE_FORMAT',
      'birthDate',
      '出生日期像是 Excel 的日期序列号（一个整数）：CSV 文件和文本格式的单元格不带日期类型，系统不把数字猜作日期。请写成 1975-06-01 或 1975年6月1日。',
      text,
    );
    return null;
  }
  if (!date)
    check.error('DATE_FORMAT', 'birthDate', '出生日期无法识别，请填写如 1975-06-01 或 1975年6月1日 的有效日期。', text);
  return date;
}

function readResidentId(
  check: RowChecker,
  today: string,
): { idNumber: string; birthDate: string; gender: '男' | '女' } | null {
  const raw = check.raw('idNumber');
  const text = check.text('idNumber');
  if (text === null) return null;
  if (typeof raw === 'number' || SCIENTIFIC.test(normaliseText(text))) {
    check.error(
      'ID_NUMERIC_CELL',
      'idNumber',
      '身份证号被 Excel 存成了数字，后几位已丢失（如显示为 1.10105E+17）。请将该列设置为"文本"格式后重新输入完整的 18 位号码。',
      text,
    );
    return null;
  }
  const result = validateResidentId(text);
  if (!result.ok) {
    check.error(result.code, 'idNumber', ID_MESSAGES[result.code], text);
    return null;
  }
  const problem = birthDateProblem(result.birthDate, today);
  if (problem === 'ID_BIRTH_FUTURE') {
    // The birth date and age stay out of messages: the masked value hides them, and findings are stored and mailed.
    check.error(problem, 'idNumber', '身份证号第 7–14 位的出生日期晚于今天，请核对。', text);
    return null;
  }
  if (problem === 'ID_AGE_UNUSUAL') {
    check.report(
      problem,
      'warning',
      'idNumber',
      `按身份证号计算的年龄不在 ${PLAUSIBLE_AGE.min}–${PLAUSIBLE_AGE.max} 岁之间，请核对是否填成了他人的号码；确认无误的，待审核。`,
      text,
    );
  }
  return result;
}

function readCreditCode(check: RowChecker): string | null {
  const raw = check.raw('creditCode');
  const text = check.text('creditCode');
  if (text === null) return null;
  if (typeof raw === 'number') {
    check.error(
      'USCC_FORMAT',
      'creditCode',
      '统一社会信用代码被 Excel 存成了数字，可能已丢失位数。请将该列设置为"文本"格式后重新输入。',
      text,
    );
    return null;
  }
  const result = validateCreditCode(text);
  if (!result.ok) {
    check.error(result.code, 'creditCode', CREDIT_CODE_MESSAGES[result.code], text);
    return null;
  }
  if (!result.enterprise) {
    // The notice recruits enterprise leaders (一(二)); a public institution or association may still be a deliberate
    // recommendation, so the reviewer decides.
    check.report(
      'USCC_NOT_ENTERPRISE',
      'warning',
      'creditCode',
      `统一社会信用代码表明该单位为${describeRegistration(result.creditCode)}，不是市场监管部门登记的企业（企业以 91 开头），请核对；确认无误的，待审核。`,
      text,
    );
  }
  return result.creditCode;
}

function readYesNo(check: RowChecker, key: 'isTopPerson', text: string): boolean | undefined {
  const raw = check.raw(key);
  const value = typeof raw === 'boolean' ? raw : parseYesNo(text);
  if (value === undefined) check.error('ENUM_VALUE', key, `「${check.field(key).header}」只能填写"是"或"否"。`, text);
  return value;
}

function readDeclaration(check: RowChecker, key: 'voluntary' | 'goodStanding'): boolean {
  const raw = check.raw(key);
  const findingsBefore = check.findings.length;
  const text = check.text(key, { requiredCode: null });
  const value = typeof raw === 'boolean' ? raw : text === null ? undefined : parseYesNo(text);
  if (value === true) return true;
  // A formula error or overlong cell has its own finding already; one message per cell is enough.
  if (check.findings.length === findingsBefore) {
    check.error(
      'DECLARATION_REQUIRED',
      key,
      `「${check.field(key).header}」须填写"是"，否则不能报名。`,
      text ?? undefined,
    );
  }
  // Stryker disable next-line BooleanLiteral: every path here has added an error (its own or the cell's), so the row has no record whatever this returns.
  return false;
}

function readCategories(check: RowChecker): EnterpriseCategory[] | null {
  const text = check.text('categories', { requiredCode: 'CATEGORY_REQUIRED' });
  if (text === null) return null;
  const categories: EnterpriseCategory[] = [];
  for (const part of splitCategories(text)) {
    const category = matchCategory(part);
    if (!category) {
      check.error(
        'ENUM_VALUE',
        'categories',
        `企业类型"${part}"不在可选范围内，可选：${ENTERPRISE_CATEGORIES.join('、')}。`,
        part,
      );
    } else if (!categories.includes(category)) {
      categories.push(category);
    }
  }
  if (categories.length === 0 && !check.hasErrors) {
    check.error('CATEGORY_REQUIRED', 'categories', '请至少选择一个企业类型。');
  }
  return categories.length > 0 ? categories : null;
}

/** Returns null when empty (the fields are optional), undefined when invalid. */
function readNumber(check: RowChecker, key: 'employees' | 'revenue', integer: boolean): number | null | undefined {
  const raw = check.raw(key);
  const text = check.text(key);
  if (text === null) return null;
  // Stryker disable next-line ObjectLiteral: without `integer` a fraction passes parseCount, and the check below refuses it with the same finding.
  const value = typeof raw === 'number' ? raw : parseCount(text, { integer });
  if (value === undefined || value < 0 || (integer && !Number.isInteger(value)) || !Number.isFinite(value)) {
    const header = check.field(key).header;
    check.error(
      'NUMBER_FORMAT',
      key,
      integer ? `「${header}」应为不小于 0 的整数。` : `「${header}」应为不小于 0 的数字（单位：万元）。`,
      text,
    );
    return undefined;
  }
  return value;
}

function readClass(check: RowChecker, classNumbers: readonly number[]): number | null | undefined {
  const text = check.text('preferredClass');
  if (text === null) return null;
  const raw = check.raw('preferredClass');
  const number = typeof raw === 'number' ? raw : parseClassNumber(cellText(text));
  if (number === undefined || !classNumbers.includes(number)) {
    check.error(
      'CLASS_UNKNOWN',
      'preferredClass',
      `意向期次"${text}"不存在，可选期次：${classNumbers.join('、')}（也可不填）。`,
      text,
    );
    return undefined;
  }
  return number;
}
