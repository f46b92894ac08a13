import type { Severity } from '../errors';

/**
 * Every code a registration form check can produce. Codes are stable: programs and the upload report key on them,
 * so they are added, never renamed.
 */
export const FORM_FINDING_CODES = {
  REQUIRED: ['error', '必填项为空'],
  TEXT_TOO_LONG: ['error', '内容超过该栏长度上限'],
  CELL_ERROR: ['error', '单元格是公式错误值（#N/A 等）'],
  ID_FORMAT: ['error', '身份证号不是 18 位（17 位数字 + 数字或 X）'],
  ID_CHECKSUM: ['error', '身份证号校验位错误'],
  ID_BIRTHDATE: ['error', '身份证号中的出生日期无效'],
  ID_REGION: ['error', '身份证号前 2 位不是省级行政区划代码（GB/T 2260，或港澳台居民居住证的 81/82/83）'],
  ID_BIRTH_FUTURE: ['error', '身份证号中的出生日期晚于今天'],
  ID_AGE_UNUSUAL: ['warning', '按身份证号计算的年龄不在 18–75 岁之间，请核对是否为学员本人的号码'],
  ID_NUMERIC_CELL: ['error', '身份证号被 Excel 存成数字（如 1.10105E+17），须改为文本格式'],
  GENDER_MISMATCH: ['error', '性别与身份证号不一致'],
  BIRTHDATE_MISMATCH: ['error', '出生日期与身份证号不一致'],
  DATE_FORMAT: ['error', '日期无法识别'],
  USCC_FORMAT: ['error', '统一社会信用代码格式错误'],
  USCC_CHECKSUM: ['error', '统一社会信用代码校验位错误'],
  USCC_CATEGORY: ['error', '统一社会信用代码第 1–2 位不是 GB 32100 规定的登记管理部门和机构类别代码'],
  USCC_REGION: ['error', '统一社会信用代码第 3–8 位不是行政区划代码'],
  USCC_NOT_ENTERPRISE: ['warning', '统一社会信用代码表明不是市场监管部门登记的企业（第 1–2 位不是 91/92/93），待审核'],
  MOBILE_FORMAT: ['error', '手机号码格式错误'],
  PHONE_FORMAT: ['error', '办公电话格式错误'],
  EMAIL_FORMAT: ['error', '电子邮箱格式错误'],
  ENUM_VALUE: ['error', '取值不在可选范围内（性别、是/否、企业类型）'],
  CATEGORY_REQUIRED: ['error', '未填写企业类型'],
  OTHER_CATEGORY_REASON_REQUIRED: ['error', '企业类型只填了"其他"，且未在备注中说明'],
  NUMBER_FORMAT: ['error', '人数或金额不是有效的非负数'],
  NOT_TOP_PERSON: ['warning', '非企业一把手，已说明理由，待审核'],
  TOP_PERSON_REASON_REQUIRED: ['error', '非企业一把手且未在备注中说明理由'],
  DECLARATION_REQUIRED: ['error', '自愿参训或无违法违规记录声明未填"是"'],
  CLASS_UNKNOWN: ['error', '意向期次不存在'],
  UNIT_CODE_UNKNOWN: ['error', '单位代码不是 37 个推荐单位之一'],
  UNIT_NAME_MISMATCH: ['warning', '单位名称与单位代码不一致'],
  DUPLICATE_IN_FILE: ['error', '同一文件中身份证号或统一社会信用代码重复'],
  HEADER_MISSING: ['error', '缺少必需的表头（或找不到含表头的工作表）'],
  NO_DATA_ROWS: ['error', '表头下没有数据行'],
  FORM_MISMATCH: ['error', '上传的表格与所需表格不符（附件3/附件4）'],
  FILE_TYPE: ['error', '不是 .xlsx 或 .csv 文件（含 .xls、.xlsm）'],
  FILE_ENCRYPTED: ['error', '工作簿已加密（设置了打开密码）'],
  FILE_ENCODING: ['error', 'CSV 不是 UTF-8 编码'],
  FILE_TOO_LARGE: ['error', '文件超过大小上限'],
  TOO_MANY_ROWS: ['error', '数据行超过上限'],
  ARCHIVE_UNSAFE: ['error', '文件结构不安全（压缩炸弹、隐藏内容、DTD/实体声明）'],
  FILE_UNREADABLE: ['error', '文件损坏、不完整或为空'],
} as const satisfies Record<string, readonly [Severity, string]>;

export type FormFindingCode = keyof typeof FORM_FINDING_CODES;

/**
 * The codes a class's uploaded sign-in sheet adds to the file-level codes above (FILE_TYPE, HEADER_MISSING,
 * TOO_MANY_ROWS…, which it shares with the registration forms). NOT_ON_ROSTER comes from ingest, which knows the
 * roster. Stable like the others.
 */
export const ATTENDANCE_SHEET_FINDING_CODES = {
  REGISTRATION_ID_MISSING: ['error', '报名编号为空或格式不正确（签到未登记）'],
  DUPLICATE_RECORD: ['error', '同一报名编号在签到表中出现多次（后出现的行未登记）'],
  ATTENDANCE_STATUS_INVALID: ['error', '签到状态无法识别（应为出勤、迟到或缺勤）'],
  LEAVE_NOT_BY_UNIT: ['warning', '签到表中填写的请假不作准假：请假须由学员所在单位办理，按未签到处理'],
  SESSION_NOT_HELD: ['error', '该场次尚未开始，不能登记签到'],
  SESSION_COLUMN_IGNORED: ['warning', '表头中的场次不属于本期或重复，该列未读取'],
  NOT_ON_ROSTER: ['error', '报名编号不在本期学员名单中（签到未登记）'],
} as const satisfies Record<string, readonly [Severity, string]>;

export type AttendanceSheetFindingCode = keyof typeof ATTENDANCE_SHEET_FINDING_CODES;
