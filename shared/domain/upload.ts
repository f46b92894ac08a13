import type { Finding } from './errors';

/** 附件4 trainees and 附件3 unit contact (from a unit), or a class's filled sign-in sheet (from staff or its host). */
export type UploadForm = 'trainee' | 'unit' | 'attendance';
/** pending → processing (ingest claimed one object version) → done | failed. */
export type UploadStatus = 'pending' | 'processing' | 'done' | 'failed';
export const UPLOAD_EXTENSIONS = ['xlsx', 'csv'] as const;
export type UploadExtension = (typeof UPLOAD_EXTENSIONS)[number];
export const MAX_UPLOAD_BYTES = 5 * 1024 * 1024;

export const CONTENT_TYPES: Record<UploadExtension, string> = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv',
};

/**
 * An upload and, once ingested, its report. Findings are masked; counts are what the clerk needs. `unit` is whose
 * upload it is: a unit code, or `class-<nn>` for a class's sign-in sheet (see `classUploadOwner`), so that keys,
 * report paths and everything else keyed on the owner work for both.
 */
export interface UploadRecord {
  readonly uploadId: string;
  readonly year: number;
  readonly unit: string;
  readonly form: UploadForm;
  /** Attendance uploads: the class the sign-in sheet is for. */
  readonly classNumber?: number;
  /** The uploader's subject (JWT `sub`): the actor attendance is recorded under. */
  readonly createdBy?: string;
  readonly fileName: string;
  readonly key: string;
  readonly status: UploadStatus;
  readonly createdAt: string;
  readonly rows?: number;
  readonly accepted?: number;
  /** The first findings only (FINDINGS_ON_ITEM): the full list is the report JSON in S3, paged by the report route. */
  readonly findings?: readonly Finding[];
  /** How many findings there are in all, and per code: the summary a clerk reads first. */
  readonly findingTotal?: number;
  readonly findingCounts?: Readonly<Record<string, number>>;
  readonly reportKeys?: { readonly json: string; readonly xlsx?: string };
  /** The object version ingest claimed (S3 version id, or the ETag where the store keeps no versions). */
  readonly processedObject?: string;
  /** Other files sent with the same upload link: refused, never read, counted here. */
  readonly refusedObjects?: number;
  readonly completedAt?: string;
}

/**
 * How many findings the upload item keeps. A 2,000-row file can carry several findings per row; DynamoDB's 400 KB
 * item limit would be passed long before, and the upload would never complete.
 */
export const FINDINGS_ON_ITEM = 50;

/** The bounded summary stored on the upload item: the first findings and counts per code. */
export function summariseFindings(findings: readonly Finding[]): {
  readonly first: readonly Finding[];
  readonly total: number;
  readonly counts: Readonly<Record<string, number>>;
} {
  const counts: Record<string, number> = {};
  for (const finding of findings) counts[finding.code] = (counts[finding.code] ?? 0) + 1;
  return { first: findings.slice(0, FINDINGS_ON_ITEM), total: findings.length, counts };
}

/** The owner segment of a class's upload keys: `class-01` … `class-99`. */
export function classUploadOwner(classNumber: number): string {
  if (!Number.isInteger(classNumber) || classNumber < 1 || classNumber > 99) {
    throw new RangeError(`class number ${classNumber} is outside 1–99`);
  }
  return `class-${String(classNumber).padStart(2, '0')}`;
}

/**
 * incoming/<year>/<unit>/<uploadId>.<ext> for a unit's forms, incoming/<year>/class-<nn>/<uploadId>.<ext> for a
 * class's sign-in sheet: the key alone says who uploaded what, for which year. `owner` is a unit code or
 * `classUploadOwner(n)`.
 */
export function uploadKey(year: number, owner: string, uploadId: string, extension: UploadExtension): string {
  return `incoming/${year}/${owner}/${uploadId}.${extension}`;
}

const KEY_PATTERN =
  /^incoming\/(\d{4})\/(\d{6}|class-(\d{2}))\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.(xlsx|csv)$/;

export interface ParsedUploadKey {
  readonly year: number;
  /** A unit code, or `class-<nn>` for a class's upload. */
  readonly unit: string;
  /** Set for a class's upload (`class-<nn>`). */
  readonly classNumber?: number;
  readonly uploadId: string;
  readonly extension: UploadExtension;
}

export function parseUploadKey(key: string): ParsedUploadKey | undefined {
  const match = KEY_PATTERN.exec(key);
  if (!match) return undefined;
  const [, year, owner, classDigits, uploadId, extension] = match;
  const classNumber = classDigits === undefined ? undefined : Number(classDigits);
  if (classNumber === 0) return undefined;
  return {
    year: Number(year),
    unit: owner as string,
    ...(classNumber !== undefined ? { classNumber } : {}),
    uploadId: uploadId as string,
    extension: extension as UploadExtension,
  };
}

export function extensionOf(fileName: string): UploadExtension | undefined {
  const extension = fileName.toLowerCase().split('.').pop();
  // Stryker disable next-line StringLiteral: split() always returns at least one piece, so pop() is never undefined
  return (UPLOAD_EXTENSIONS as readonly string[]).includes(extension ?? '')
    ? (extension as UploadExtension)
    : undefined;
}
