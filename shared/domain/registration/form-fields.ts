/**
 * The columns of 附件3 (unit information) and 附件4 (trainee registration). Templates are generated from these
 * definitions and uploads are matched against the same headers and aliases, so the two cannot drift apart.
 */
export type FormKind = 'trainee' | 'unit';

export type FieldKind =
  | 'text'
  | 'name'
  | 'id'
  | 'date'
  | 'choice'
  | 'categories'
  | 'count'
  | 'amount'
  | 'mobile'
  | 'phone'
  | 'email'
  | 'class'
  | 'credit-code'
  | 'unit-code'
  | 'declaration';

export interface FormField<Key extends string = string> {
  readonly key: Key;
  /** The header the template writes, as on the notice's form. */
  readonly header: string;
  /** Other wordings offices use for the same column. */
  readonly aliases: readonly string[];
  readonly required: boolean;
  readonly kind: FieldKind;
  readonly maxLength: number;
  /** Shown in the template's instructions sheet. */
  readonly hint: string;
  /** Excel text format, so long digit strings are not turned into numbers. */
  readonly textColumn?: boolean;
  readonly width?: number;
}

const field = <Key extends string>(
  key: Key,
  header: string,
  kind: FieldKind,
  required: boolean,
  hint: string,
  extra: Partial<Pick<FormField, 'aliases' | 'maxLength' | 'textColumn' | 'width'>> = {},
): FormField<Key> => ({ key, header, kind, required, hint, aliases: [], maxLength: 100, ...extra });

export const TRAINEE_FIELDS = [
  field('name', '姓名', 'name', true, '与身份证一致', { aliases: ['学员姓名'], maxLength: 50, width: 10 }),
  field('gender', '性别', 'choice', true, '下拉选择：男/女，须与身份证号一致', { width: 6 }),
  field('ethnicity', '民族', 'text', true, '如：汉族', { maxLength: 20, width: 8 }),
  field('birthDate', '出生日期', 'date', true, '如 1975-06-01，须与身份证号一致', {
    aliases: ['出生年月日', '出生年月'],
    width: 12,
  }),
  field('idNumber', '身份证号', 'id', true, '18 位居民身份证号码，该列为文本格式，请勿改为数字', {
    aliases: ['身份证号码', '公民身份号码', '居民身份证号码', '身份证件号码', '证件号码'],
    textColumn: true,
    width: 21,
  }),
  field('politicalStatus', '政治面貌', 'text', true, '如：中共党员、群众', { maxLength: 20, width: 10 }),
  field('education', '学历', 'text', true, '如：大学本科', {
    aliases: ['最高学历', '文化程度'],
    maxLength: 20,
    width: 10,
  }),
  field('enterpriseName', '企业名称', 'text', true, '营业执照上的企业全称', {
    aliases: ['企业全称', '所在企业', '工作单位'],
    maxLength: 100,
    width: 28,
  }),
  field('creditCode', '统一社会信用代码', 'credit-code', true, '18 位，营业执照上的代码', {
    aliases: ['社会信用代码', '信用代码', '企业统一社会信用代码'],
    textColumn: true,
    width: 21,
  }),
  field('position', '职务', 'text', true, '在本企业的职务，如：董事长、总经理', {
    aliases: ['企业职务', '现任职务'],
    maxLength: 50,
    width: 12,
  }),
  field('isTopPerson', '是否企业一把手', 'choice', true, '下拉选择：是/否；选"否"须在备注中说明推荐理由', {
    aliases: ['是否一把手', '是否为企业一把手', '是否企业主要负责人'],
    width: 10,
  }),
  field(
    'categories',
    '企业类型',
    'categories',
    true,
    '可多选，用"、"分隔，如：专精特新中小企业、高新技术企业；只选"其他"的须在备注中说明',
    {
      aliases: ['企业类别', '企业类型(可多选)'],
      maxLength: 200,
      width: 28,
    },
  ),
  field('industry', '所属行业', 'text', true, '如：通用设备制造业', {
    aliases: ['行业', '所属行业领域'],
    maxLength: 50,
    width: 16,
  }),
  field('employees', '职工人数', 'count', false, '整数，单位：人', {
    aliases: ['员工人数', '从业人数', '职工人数(人)'],
    width: 10,
  }),
  field('revenue', '上年度营业收入（万元）', 'amount', false, '单位：万元', {
    aliases: ['上年度营业收入', '上年营业收入(万元)', '营业收入(万元)', '上年度营收(万元)'],
    width: 14,
  }),
  field('mobile', '手机号码', 'mobile', true, '11 位手机号，用于接收培训通知', {
    aliases: ['手机', '手机号', '移动电话', '联系电话'],
    textColumn: true,
    width: 14,
  }),
  field('email', '电子邮箱', 'email', true, '用于接收培训通知和结业证书', {
    aliases: ['邮箱', '电子邮件', 'email', 'e-mail'],
    maxLength: 254,
    width: 24,
  }),
  field('preferredClass', '意向期次', 'class', false, '下拉选择期次编号，可不填', {
    aliases: ['期次', '参训期次', '意向班次'],
    width: 10,
  }),
  field('voluntary', '自愿参训声明', 'declaration', true, '本人自愿参加培训，须填"是"', {
    aliases: ['自愿参训', '是否自愿参训'],
    width: 12,
  }),
  field('goodStanding', '无违法违规记录声明', 'declaration', true, '本人及企业无违法犯罪和不良从业记录，须填"是"', {
    aliases: ['无违法违规记录', '无不良记录声明', '诚信声明'],
    width: 16,
  }),
  field('remarks', '备注', 'text', false, '非一把手须在此说明推荐理由；企业类型只选"其他"的须在此说明企业类型', {
    aliases: ['说明'],
    maxLength: 500,
    width: 30,
  }),
] as const;

export const UNIT_FIELDS = [
  field('unitName', '单位名称', 'text', true, '推荐单位全称，如：北京市经济和信息化局', {
    aliases: ['推荐单位', '推荐单位名称'],
    width: 28,
  }),
  field('unitCode', '单位代码', 'unit-code', true, '6 位行政区划代码，如：110000', {
    aliases: ['行政区划代码', '单位编码'],
    textColumn: true,
    width: 10,
  }),
  field('contactName', '联系人', 'name', true, '', { aliases: ['联系人姓名'], maxLength: 50, width: 10 }),
  field('contactPosition', '职务', 'text', false, '', { aliases: ['联系人职务'], maxLength: 50, width: 14 }),
  field('mobile', '手机号码', 'mobile', true, '11 位手机号', {
    aliases: ['手机', '手机号', '联系人手机'],
    textColumn: true,
    width: 14,
  }),
  field('officePhone', '办公电话', 'phone', false, '含区号，如：010-68205000', {
    aliases: ['座机', '固定电话', '办公室电话'],
    textColumn: true,
    width: 16,
  }),
  field('email', '电子邮箱', 'email', true, '接收上传回执和通知', {
    aliases: ['邮箱', '电子邮件', 'email', 'e-mail'],
    maxLength: 254,
    width: 24,
  }),
  field('recommendedCount', '推荐人数', 'count', false, '整数，不超过本单位名额', {
    aliases: ['推荐学员人数', '推荐名额'],
    width: 10,
  }),
  field('remarks', '备注', 'text', false, '', { aliases: ['说明'], maxLength: 500, width: 30 }),
] as const;

export type TraineeFieldKey = (typeof TRAINEE_FIELDS)[number]['key'];
export type UnitFieldKey = (typeof UNIT_FIELDS)[number]['key'];

export function fieldsOf(form: FormKind): readonly FormField[] {
  return form === 'trainee' ? TRAINEE_FIELDS : UNIT_FIELDS;
}

export const FORM_TITLES: Record<FormKind, string> = {
  unit: '附件3 推荐单位信息表',
  trainee: '附件4 学员报名表',
};

/** One cell as a spreadsheet reader hands it over: formulas already replaced by their cached result. */
export type CellValue = string | number | boolean | Date | { readonly error: string } | null;
