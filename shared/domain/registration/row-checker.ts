import type { Finding, Severity } from '../errors';
import type { CellValue, FormField } from './form-fields';
import { parseLooseDate } from './loose-date';
import { tidyText } from './normalise-text';
import { maskEmail, maskIdNumber, maskMobile, maskPhone } from './personal-data-masking';

/** Where a row sits in the upload, so every finding says exactly which cell to fix. */
export interface RowLocation {
  readonly sheet: string;
  readonly row: number;
  /** How the clerk finds the column, e.g. "身份证号 (E)". */
  readonly columnOf: (fieldKey: string) => string;
}

/** A cell as text, the way Excel would show it to the clerk (integers without exponent, dates as YYYY-MM-DD). */
export function cellText(value: CellValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) return parseLooseDate(value) ?? '';
  return value.error;
}

const MAX_SHOWN_VALUE = 60;

/** Personal values are masked by the field's kind; long free text is shortened so reports stay readable. */
export function shownValue(field: FormField, value: string): string {
  switch (field.kind) {
    case 'id':
      return maskIdNumber(value);
    case 'mobile':
      return maskMobile(value);
    case 'phone':
      return maskPhone(value);
    case 'email':
      return maskEmail(value);
    default:
      return value.length > MAX_SHOWN_VALUE ? `${value.slice(0, MAX_SHOWN_VALUE)}…` : value;
  }
}

/** Collects one row's findings and hands out its cells as tidy text. */
export class RowChecker {
  readonly findings: Finding[] = [];
  private readonly fieldByKey: Map<string, FormField>;

  constructor(
    fields: readonly FormField[],
    private readonly cells: Readonly<Record<string, CellValue | undefined>>,
    private readonly location: RowLocation,
  ) {
    this.fieldByKey = new Map(fields.map((field) => [field.key, field]));
  }

  field(key: string): FormField {
    const field = this.fieldByKey.get(key);
    if (!field) throw new Error(`unknown field ${key}`);
    return field;
  }

  raw(key: string): CellValue {
    return this.cells[key] ?? null;
  }

  report(code: string, severity: Severity, key: string, message: string, value?: string): void {
    const field = this.field(key);
    this.findings.push({
      code,
      severity,
      message,
      sheet: this.location.sheet,
      row: this.location.row,
      column: this.location.columnOf(key),
      ...(value !== undefined && value !== '' ? { value: shownValue(field, value) } : {}),
    });
  }

  error(code: string, key: string, message: string, value?: string): void {
    this.report(code, 'error', key, message, value);
  }

  get hasErrors(): boolean {
    return this.findings.some((finding) => finding.severity === 'error');
  }

  /**
   * The cell as tidy text, or null when empty. Reports REQUIRED for an empty required cell (unless the caller has a
   * more specific code), CELL_ERROR for a formula error and TEXT_TOO_LONG beyond the field's limit.
   */
  text(key: string, { requiredCode = 'REQUIRED' }: { requiredCode?: string | null } = {}): string | null {
    const field = this.field(key);
    const value = this.raw(key);
    if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
      this.error(
        'CELL_ERROR',
        key,
        `「${field.header}」单元格是公式错误值 ${value.error}，请改为直接填写内容。`,
        value.error,
      );
      return null;
    }
    const text = tidyText(cellText(value));
    if (text === '') {
      if (field.required && requiredCode) this.error(requiredCode, key, `「${field.header}」为必填项，请填写。`);
      return null;
    }
    const length = text.length > field.maxLength ? codePoints(text) : text.length;
    if (length > field.maxLength) {
      this.error(
        'TEXT_TOO_LONG',
        key,
        `「${field.header}」不能超过 ${field.maxLength} 个字符，当前 ${length} 个。`,
        text,
      );
      return null;
    }
    return text;
  }
}

/**
 * Characters as a person counts them (code points, as Array.from does), without building an array of them: a
 * megabyte-long cell made that array hundreds of times the cell's size (found by `npm run fuzz`).
 */
function codePoints(text: string): number {
  let count = 0;
  for (let index = 0; index < text.length; index++) {
    const unit = text.charCodeAt(index);
    const next = text.charCodeAt(index + 1);
    if (unit >= 0xd800 && unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) index++;
    count++;
  }
  return count;
}
