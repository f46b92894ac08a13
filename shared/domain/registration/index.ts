export {
  CREDIT_CODE_ALPHABET,
  type CreditCodeProblem,
  type CreditCodeResult,
  creditCodeCheckChar,
  describeRegistration,
  REGISTRATION_CATEGORIES,
  validateCreditCode,
} from './credit-code';
export { normaliseEmail, normaliseMobile, normaliseOfficePhone } from './contact-details';
export {
  NATIONAL_DIVISION_PREFIX,
  PROVINCE_LEVEL_CODES,
  RESIDENCE_PERMIT_PREFIXES,
} from './division-codes';
export { DuplicatesInFile } from './duplicates-in-file';
export {
  ATTENDANCE_SHEET_FINDING_CODES,
  type AttendanceSheetFindingCode,
  FORM_FINDING_CODES,
  type FormFindingCode,
} from './finding-codes';
export {
  EDUCATION_SUGGESTIONS,
  ENTERPRISE_CATEGORIES,
  type EnterpriseCategory,
  GENDERS,
  matchCategory,
  parseClassNumber,
  parseCount,
  parseGender,
  parseYesNo,
  POLITICAL_STATUS_SUGGESTIONS,
  splitCategories,
  YES_NO,
} from './form-choices';
export {
  type CellValue,
  FORM_TITLES,
  type FieldKind,
  type FormField,
  type FormKind,
  fieldsOf,
  TRAINEE_FIELDS,
  type TraineeFieldKey,
  UNIT_FIELDS,
  type UnitFieldKey,
} from './form-fields';
export { excelSerialToDate, parseLooseDate, programmeDate } from './loose-date';
export { normalisePersonName, normaliseText, tidyText, toHalfWidth, withoutSpaces } from './normalise-text';
export { maskEmail, maskIdNumber, maskMobile, maskPhone } from './personal-data-masking';
export type { TraineeRecord, UnitInfoRecord } from './registration-records';
export {
  ageOn,
  type BirthDateProblem,
  birthDateProblem,
  isRealDate,
  PLAUSIBLE_AGE,
  type ResidentIdResult,
  residentIdCheckChar,
  validateResidentId,
} from './resident-id';
export { cellText, type RowLocation, shownValue } from './row-checker';
export { type TraineeRowResult, type TraineeRowRules, validateTraineeRow } from './trainee-row';
export { type UnitRowResult, validateUnitRow } from './unit-row';
