import { SAMPLE_DATA_NOTICE } from '../domain/classes/class-view';
import { FORM_FINDING_CODES, type FormFindingCode } from '../domain/registration/finding-codes';
import { scrubPersonalData } from '../domain/personal-data-scrub';
import { maskEmail, maskIdNumber, maskMobile } from '../domain/registration/personal-data-masking';
import { statusLabel } from '../domain/registration-history';
import type { Registration } from '../domain/trainee-registration';
import { findUnit } from '../domain/units';
import type { ExportColumn, ExportTable } from './table-export';

/**
 * Which values a row's ID number, mobile and email show. `masked` rows come from an index, which holds only masked
 * forms; `full` rows were read by key and carry the values themselves (staff asked, and the export is audited).
 */
export type PersonalValues = 'masked' | 'full';

/** The ID number, mobile and email as the export shows them. */
export function exportedContacts(registration: Registration, values: PersonalValues) {
  const { trainee } = registration;
  if (values === 'full') {
    return { idNumber: trainee.idNumber ?? '', mobile: trainee.mobile ?? '', email: trainee.email ?? '' };
  }
  // Read from an index the raw values are absent and only the stored masks exist; read by key they are masked here.
  return {
    idNumber: registration.masked?.idNumber ?? (trainee.idNumber ? maskIdNumber(trainee.idNumber) : ''),
    mobile: registration.masked?.mobile ?? (trainee.mobile ? maskMobile(trainee.mobile) : ''),
    email: registration.masked?.email ?? (trainee.email ? maskEmail(trainee.email) : ''),
  };
}

/** A warning code as a reviewer reads it: the finding's own words, and the code to filter by. */
export function warningText(code: string): string {
  const known = FORM_FINDING_CODES[code as FormFindingCode];
  return known ? `${known[1]}（${code}）` : code;
}

const yesNo = (value: boolean | undefined) => (value === undefined ? '' : value ? '是' : '否');
/** Instants in the programme's own zone (China has one), as a clerk would type them. */
export function beijingTime(iso: string | undefined): string {
  if (!iso) return '';
  const at = new Date(Date.parse(iso) + 8 * 3600_000);
  return Number.isNaN(at.getTime()) ? iso : at.toISOString().slice(0, 16).replace('T', ' ');
}

/** The lines above a table that say whose values it holds and how to treat them. */
export function personalValuesNote(values: PersonalValues): string {
  return values === 'full'
    ? '本表含完整的身份证号、手机号码和电子邮箱，导出已记入审计日志：仅限工作使用，妥善保管，不得外传。'
    : '身份证号、手机号码和电子邮箱已脱敏；培训管理人员可导出完整信息（?full=true，记入审计日志）。';
}

export function sampleDataNotes(sampleData: boolean): string[] {
  return sampleData ? [`注意：${SAMPLE_DATA_NOTICE}`] : [];
}

export interface RegistrationExportInput {
  readonly registrations: readonly Registration[];
  readonly values: PersonalValues;
  /** The filters as a person reads them, e.g. 年度 2024；状态 已分班. */
  readonly filters: string;
  readonly generatedAt: string;
  readonly sampleData: boolean;
}

/** Every field a staff member works with, one registration per row, in the form's own order. */
export function registrationExportTable(input: RegistrationExportInput): ExportTable<Registration> {
  const contacts = (registration: Registration) => exportedContacts(registration, input.values);
  const columns: ExportColumn<Registration>[] = [
    { header: '报名编号', value: (r) => r.registrationId, width: 32 },
    { header: '推荐单位', value: (r) => findUnit(r.unit)?.name ?? r.unit, width: 14 },
    { header: '状态', value: (r) => statusLabel(r.status), width: 14 },
    { header: '姓名', value: (r) => r.trainee.name, width: 12 },
    { header: '性别', value: (r) => r.trainee.gender, width: 6 },
    { header: '民族', value: (r) => r.trainee.ethnicity, width: 8 },
    { header: '出生日期', value: (r) => r.trainee.birthDate, width: 12 },
    { header: '身份证号', value: (r) => contacts(r).idNumber, width: 21 },
    { header: '政治面貌', value: (r) => r.trainee.politicalStatus, width: 10 },
    { header: '学历', value: (r) => r.trainee.education, width: 12 },
    { header: '企业名称', value: (r) => r.trainee.enterpriseName, width: 30 },
    { header: '统一社会信用代码', value: (r) => r.trainee.creditCode, width: 21 },
    { header: '职务', value: (r) => r.trainee.position, width: 12 },
    { header: '是否企业一把手', value: (r) => yesNo(r.trainee.isTopPerson), width: 8 },
    { header: '企业类型', value: (r) => (r.trainee.categories ?? []).join('、'), width: 28 },
    { header: '所属行业', value: (r) => r.trainee.industry, width: 16 },
    { header: '从业人数', value: (r) => r.trainee.employees, width: 10 },
    { header: '营业收入（万元）', value: (r) => r.trainee.revenue, width: 12 },
    { header: '手机号码', value: (r) => contacts(r).mobile, width: 14 },
    { header: '电子邮箱', value: (r) => contacts(r).email, width: 24 },
    { header: '意向期次', value: (r) => r.trainee.preferredClass, width: 8 },
    { header: '分班期次', value: (r) => r.classNumber ?? null, width: 8 },
    { header: '审核提示', value: (r) => (r.trainee.reviewNotes ?? []).map(warningText).join('；'), width: 40 },
    { header: '备注', value: (r) => r.trainee.remarks, width: 30 },
    { header: '报名时间', value: (r) => beijingTime(r.createdAt), width: 17 },
    { header: '更新时间', value: (r) => beijingTime(r.updatedAt), width: 17 },
  ];
  return {
    title: '领军人才培训报名名单',
    sheetName: '报名名单',
    notes: [
      `筛选条件：${input.filters}`,
      `共 ${input.registrations.length} 人；导出时间（北京时间）：${beijingTime(input.generatedAt)}`,
      personalValuesNote(input.values),
      ...sampleDataNotes(input.sampleData),
    ],
    columns: input.values === 'masked' ? columns.map(scrubbedColumn) : columns,
    rows: input.registrations,
  };
}

/**
 * A masked export is masked by pattern too, in every text cell: a clerk who typed a mobile into 备注 or an ID into the
 * enterprise name must not find it in a list that says its personal values are masked.
 */
export function scrubbedColumn<Row>(column: ExportColumn<Row>): ExportColumn<Row> {
  return {
    ...column,
    value: (row) => {
      const value = column.value(row);
      return typeof value === 'string' ? scrubPersonalData(value, { emails: true }) : value;
    },
  };
}
