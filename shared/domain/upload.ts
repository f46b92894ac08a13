import type { Finding } from './errors';

export type UploadForm = 'trainee' | 'unit';
export type UploadStatus = 'pending' | 'done' | 'failed';
export const UPLOAD_EXTENSIONS = ['xlsx', 'csv'] as const;
export type UploadExtension = (typeof UPLOAD_EXTENSIONS)[number];
export const MAX_UPLOAD_BYTES = 5 * 1024 * 1024;

export const CONTENT_TYPES: Record<UploadExtension, string> = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv',
};

/** A unit's upload and, once ingested, its report. Findings are masked; counts are what the clerk needs. */
export interface UploadRecord {
  readonly uploadId: string;
  readonly year: number;
  readonly unit: string;
  readonly form: UploadForm;
  readonly fileName: string;
  readonly key: string;
  readonly status: UploadStatus;
  readonly createdAt: string;
  readonly rows?: number;
  readonly accepted?: number;
  readonly findings?: readonly Finding[];
  readonly reportKeys?: { readonly json: string; readonly xlsx?: string };
  readonly completedAt?: string;
}

/** incoming/<year>/<unit>/<uploadId>.<ext>: the key alone says who uploaded what, for which year. */
export function uploadKey(year: number, unit: string, uploadId: string, extension: UploadExtension): string {
  return `incoming/${year}/${unit}/${uploadId}.${extension}`;
}

const KEY_PATTERN =
  /^incoming\/(\d{4})\/(\d{6})\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.(xlsx|csv)$/;

export interface ParsedUploadKey {
  readonly year: number;
  readonly unit: string;
  readonly uploadId: string;
  readonly extension: UploadExtension;
}

export function parseUploadKey(key: string): ParsedUploadKey | undefined {
  const match = KEY_PATTERN.exec(key);
  if (!match) return undefined;
  const [, year, unit, uploadId, extension] = match;
  return {
    year: Number(year),
    unit: unit as string,
    uploadId: uploadId as string,
    extension: extension as UploadExtension,
  };
}

export function extensionOf(fileName: string): UploadExtension | undefined {
  const extension = fileName.toLowerCase().split('.').pop();
  return (UPLOAD_EXTENSIONS as readonly string[]).includes(extension ?? '')
    ? (extension as UploadExtension)
    : undefined;
}
