import { describe, expect, it } from 'vitest';
import { FileProblemError, fileProblem } from '../../../shared/forms/file-problem';
import { DEFAULT_UPLOAD_LIMITS, formatMegabytes } from '../../../shared/forms/upload-limits';

/** Oracle: hand computation in binary megabytes (1 MB = 1,048,576 bytes), as the messages count them. */
describe('formatMegabytes', () => {
  it('one decimal from one megabyte up', () => {
    expect(formatMegabytes(1024 * 1024)).toBe('1.0 MB');
    expect(formatMegabytes(5 * 1024 * 1024)).toBe('5.0 MB');
    expect(formatMegabytes(64 * 1024 * 1024)).toBe('64.0 MB');
    expect(formatMegabytes(1.25 * 1024 * 1024)).toBe('1.3 MB');
  });

  it('two decimals below one megabyte, so a small budget does not read as 0.0 MB', () => {
    expect(formatMegabytes(1024 * 1024 - 1)).toBe('1.00 MB');
    expect(formatMegabytes(512 * 1024)).toBe('0.50 MB');
    expect(formatMegabytes(10 * 1024)).toBe('0.01 MB');
  });
});

describe('the default budgets', () => {
  it('match the documented limits: 5 MB, 2,000 rows, 500 parts, 64 MB unzipped, 200:1 from 1 MB', () => {
    expect(DEFAULT_UPLOAD_LIMITS).toEqual({
      maxBytes: 5_242_880,
      maxRows: 2000,
      maxEntries: 500,
      maxUncompressedBytes: 67_108_864,
      maxCompressionRatio: 200,
      ratioCheckFromBytes: 1_048_576,
    });
  });
});

describe('FileProblemError', () => {
  it('carries the problem and its message', () => {
    const problem = fileProblem('FILE_TYPE', '文件是PDF，不是表格。');
    const error = new FileProblemError(problem);
    expect(problem).toEqual({ code: 'FILE_TYPE', message: '文件是PDF，不是表格。' });
    expect(error).toBeInstanceOf(Error);
    expect(error.problem).toBe(problem);
    expect(error.message).toBe('文件是PDF，不是表格。');
    expect(error.name).toBe('FileProblemError');
  });
});
