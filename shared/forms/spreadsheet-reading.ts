import type { CellValue } from '../domain/registration/form-fields';
import { inspectXlsxArchive } from './archive-inspection';
import { readCsvSheet } from './csv-reader';
import { type FileProblem, FileProblemError, fileProblem } from './file-problem';
import { sniffSpreadsheet } from './file-sniffing';
import type { RawRow, RawSheet } from './sheet-rows';
import { formatMegabytes, type UploadLimits } from './upload-limits';
import { readXlsxSheets } from './xlsx-reader';

/** Titles and notes above the header row ("附件4 …", "填报单位：…", a sign-in sheet's title) fit within this many rows. */
export const HEADER_SEARCH_ROWS = 20;

export interface SpreadsheetHandlers<T> {
  /** Reads the vetted file's visible sheets in tab order; a FileProblemError thrown inside ends the read. */
  readonly read: (sheets: AsyncIterable<RawSheet>) => Promise<T>;
  /** Turns the one reason the file cannot be read into the caller's report. */
  readonly unreadable: (problem: FileProblem) => T;
}

/**
 * The one safe path from uploaded bytes to rows, shared by every uploaded form: size, then what the bytes are
 * (not what the name says), then the zip's directory and parts before ExcelJS sees them, then a streaming read.
 * Never throws for anything in the file: whatever goes wrong while reading becomes one file-level problem.
 */
export async function readSpreadsheet<T>(
  data: Uint8Array,
  fileName: string,
  limits: UploadLimits,
  handlers: SpreadsheetHandlers<T>,
): Promise<T> {
  if (data.byteLength > limits.maxBytes) {
    return handlers.unreadable(
      fileProblem(
        'FILE_TOO_LARGE',
        `文件大小 ${formatMegabytes(data.byteLength)}，超过上限 ${formatMegabytes(limits.maxBytes)}。请删除多余的工作表、图片和空行后重新上传。`,
      ),
    );
  }
  const format = sniffSpreadsheet(data, fileName);
  if (typeof format !== 'string') return handlers.unreadable(format);

  try {
    if (format === 'xlsx') {
      const problem = await inspectXlsxArchive(data, limits);
      if (problem) return handlers.unreadable(problem);
    }
    const read = () =>
      handlers.read(format === 'xlsx' ? readXlsxSheets(data) : singleSheet(readCsvSheet(data, csvSheetName(fileName))));
    try {
      return await read();
    } catch (error) {
      // ExcelJS's streaming reader parks worksheets that precede sharedStrings.xml (as Excel and ExcelJS write them)
      // in temporary files, and was seen once, under heavy load, to fail parsing a valid file there. The read is a
      // pure function of the bytes: a second attempt tells a transient failure from a broken file.
      if (error instanceof FileProblemError || format !== 'xlsx') throw error;
      return await read();
    }
  } catch (error) {
    if (error instanceof FileProblemError) return handlers.unreadable(error.problem);
    return handlers.unreadable(
      fileProblem(
        'FILE_UNREADABLE',
        '文件内容已损坏或格式异常，无法读取。请在 Excel 中打开后重新保存为 .xlsx 再上传。',
      ),
    );
  }
}

async function* singleSheet(sheet: RawSheet): AsyncGenerator<RawSheet> {
  yield sheet;
}

const csvSheetName = (fileName: string) => fileName.replace(/^.*[\\/]/, '').replace(/\.[^.]*$/, '') || 'CSV';

export interface FoundHeader<H> {
  readonly header: H;
  readonly headerRow: RawRow;
  /** The rows below the header, still streaming. */
  readonly rows: AsyncIterator<RawRow>;
}

/**
 * Looks for the header row in the sheet's first HEADER_SEARCH_ROWS rows; `detect` says whether a row is one. When
 * none is, the sheet's stream is closed and the result is undefined, so the caller can try the next sheet.
 */
export async function findHeaderRow<H>(
  sheet: RawSheet,
  detect: (cells: readonly CellValue[]) => H | undefined,
): Promise<FoundHeader<H> | undefined> {
  const rows = sheet.rows[Symbol.asyncIterator]();
  for (let scanned = 0; scanned < HEADER_SEARCH_ROWS; scanned++) {
    const next = await rows.next();
    if (next.done) break;
    const header = detect(next.value.cells);
    if (header !== undefined) return { header, headerRow: next.value, rows };
  }
  // Stryker disable next-line OptionalChaining: every row stream is an async generator (csv-reader, xlsx-reader), which always has return()
  await rows.return?.();
  return undefined;
}

/** Merged cells keep their value on the master cell only, and blank-looking cells are often spaces. */
export const isEmptyCell = (cell: CellValue | undefined): boolean =>
  cell === null || cell === undefined || (typeof cell === 'string' && cell.trim() === '');

export const tooManyRowsProblem = (maxRows: number, row: number): FileProblem =>
  fileProblem(
    'TOO_MANY_ROWS',
    `数据超过 ${maxRows} 行（第 ${row} 行起超出），请删除空行、示例行或拆分为多个文件后上传。`,
  );
