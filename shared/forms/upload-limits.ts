/**
 * Budgets that keep a hostile or broken upload from exhausting the ingest Lambda. A real 2,000-row 附件4 is about
 * 200 KB zipped and 2–3 MB unzipped, so the archive budgets leave a wide margin for honest files.
 */
export interface UploadLimits {
  /** Size of the uploaded file. */
  readonly maxBytes: number;
  /** Non-empty data rows. */
  readonly maxRows: number;
  /** Entries in the zip central directory (a workbook has 10–30). */
  readonly maxEntries: number;
  /** Sum of the entries' uncompressed sizes. */
  readonly maxUncompressedBytes: number;
  /** Uncompressed / compressed, checked for entries above `ratioCheckFromBytes`. */
  readonly maxCompressionRatio: number;
  readonly ratioCheckFromBytes: number;
}

export const DEFAULT_UPLOAD_LIMITS: UploadLimits = {
  maxBytes: 5 * 1024 * 1024,
  maxRows: 2000,
  maxEntries: 500,
  maxUncompressedBytes: 64 * 1024 * 1024,
  maxCompressionRatio: 200,
  ratioCheckFromBytes: 1024 * 1024,
};

export const formatMegabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(bytes < 1024 * 1024 ? 2 : 1)} MB`;
