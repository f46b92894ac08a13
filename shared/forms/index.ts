/**
 * Registration forms (附件3 unit information, 附件4 trainee registration): templates, safe reading of uploaded
 * .xlsx/.csv files and validation of every row. The pure checks live in shared/domain/registration.
 */
export type { Finding, Severity } from '../domain/errors';
export type { FormKind } from '../domain/registration/form-fields';
export type { TraineeRecord, UnitInfoRecord } from '../domain/registration/registration-records';
export { buildFindingsWorkbook } from './findings-workbook';
export { buildTemplate } from './template-builder';
export { DEFAULT_UPLOAD_LIMITS, type UploadLimits } from './upload-limits';
export { validateUpload } from './validate-upload';
export type { RawDataRow, ValidateOptions, ValidationReport } from './validation-report';
