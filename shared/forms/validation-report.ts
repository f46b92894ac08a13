import type { Finding } from '../domain/errors';
import type { FormKind } from '../domain/registration/form-fields';
import type { TraineeRecord, UnitInfoRecord } from '../domain/registration/registration-records';

export interface ValidateOptions {
  /** Valid 期次 from the programme (CLASS_UNKNOWN otherwise). */
  readonly classNumbers: readonly number[];
  /** Programme time's date (YYYY-MM-DD, Asia/Shanghai) for the birth-date checks; default: today by the wall clock. */
  readonly today?: string;
  /** Default 5 MB. */
  readonly maxBytes?: number;
  /** Default 2,000 data rows (the benchmark lifts it). */
  readonly maxRows?: number;
  /** When the caller knows the form; otherwise it is detected from the headers. */
  readonly form?: FormKind;
  /** Zip budgets; defaults in DEFAULT_UPLOAD_LIMITS. */
  readonly maxUncompressedBytes?: number;
  readonly maxEntries?: number;
  readonly maxCompressionRatio?: number;
}

/** The cells of one data row as the file wrote them, keyed by the file's header text. Not masked. */
export interface RawDataRow {
  readonly row: number;
  readonly values: Readonly<Record<string, string>>;
}

export interface ValidationReport {
  readonly file: string;
  readonly form: FormKind | null;
  readonly sheet: string | null;
  /** Non-empty data rows read. */
  readonly rows: number;
  /** No error-severity findings. */
  readonly valid: boolean;
  /** File-level findings have no row; row findings carry sheet, row, column ("身份证号 (E)") and a masked value. */
  readonly findings: Finding[];
  /** Rows without error findings (rows with only warnings are included). */
  readonly trainees: TraineeRecord[];
  readonly units: UnitInfoRecord[];
  /** A file-level error prevented reading rows. */
  readonly unreadable: boolean;
  /**
   * The rows as uploaded, for the findings workbook that goes back to the same unit. Non-enumerable, so
   * JSON.stringify of a report (logs, API replies) never carries unmasked personal data.
   */
  readonly rawRows?: readonly RawDataRow[];
  /** The file's headers in column order, with the same visibility as rawRows. */
  readonly rawHeaders?: readonly string[];
}
