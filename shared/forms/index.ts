/**
 * Registration forms (附件3 unit information, 附件4 trainee registration) and a class's sign-in sheet (签到表):
 * templates, safe reading of uploaded .xlsx/.csv files and validation of every row. The pure checks live in
 * shared/domain/registration.
 */
export type { Finding, Severity } from '../domain/errors';
export type { FormKind } from '../domain/registration/form-fields';
export type { TraineeRecord, UnitInfoRecord } from '../domain/registration/registration-records';
export {
  type AttendanceCell,
  type AttendanceSheetOptions,
  type AttendanceSheetReport,
  type GrantedLeaveCell,
  readAttendanceSheet,
} from './attendance-sheet';
export { buildFindingsWorkbook } from './findings-workbook';
export { LEAVE_MARK, readAttendanceMark, STATUS_MARKS, sessionColumnHeader } from './sign-in-marks';
export { buildSignInSheet, type SignInRow, type SignInSheetInput, signInRowOf } from './sign-in-sheet';
export { buildTemplate } from './template-builder';
export { DEFAULT_UPLOAD_LIMITS, type UploadLimits } from './upload-limits';
export { validateUpload } from './validate-upload';
export type { RawDataRow, ValidateOptions, ValidationReport } from './validation-report';
