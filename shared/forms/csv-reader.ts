import { FileProblemError, fileProblem } from './file-problem';
import { MAX_COLUMNS, type RawRow, type RawSheet } from './sheet-rows';

/**
 * Decodes strictly as UTF-8: a GBK file (what Excel's plain "CSV" option writes on Chinese Windows) would otherwise
 * decode to mojibake that passes as text and fails every check with a confusing message.
 */
export function decodeCsv(data: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(data);
  } catch {
    throw new FileProblemError(
      fileProblem(
        'FILE_ENCODING',
        'CSV 文件不是 UTF-8 编码（可能是 GBK/ANSI）。请在 Excel 中"另存为"选择"CSV UTF-8（逗号分隔）"，或直接上传 .xlsx。',
      ),
    );
  }
}

/** Comma unless the first line is clearly tab- or semicolon-separated (Excel "Unicode text" and some locales). */
function detectDelimiter(text: string): string {
  const firstLine = text.slice(0, Math.max(text.indexOf('\n'), 0) || text.length);
  // Stryker disable next-line ArithmeticOperator: +1 shifts every count alike; the order and the > 0 test (see below) keep the same delimiter.
  const count = (delimiter: string) => firstLine.split(delimiter).length - 1;
  const [best] = [',', '\t', ';'].sort((a, b) => count(b) - count(a));
  // Stryker disable next-line LogicalOperator: best is always a non-empty string, and when no delimiter occurs the stable sort leaves ',' first anyway.
  return best && count(best) > 0 ? best : ',';
}

/**
 * RFC 4180 records: quoted fields may hold delimiters, doubled quotes and line breaks. Unquoted runs are sliced from
 * the text rather than built a character at a time, which on a megabyte-long line made a cons string per character
 * and hundreds of megabytes of garbage (found by `npm run fuzz`).
 */
export function* parseCsvRecords(text: string): Generator<RawRow> {
  const delimiter = detectDelimiter(text);
  let cells: string[] = [];
  let parts: string[] = [];
  let quoted = false;
  let row = 1;
  let runStart = 0;
  const flushRun = (end: number) => {
    if (end > runStart) parts.push(text.slice(runStart, end));
  };
  const endField = () => {
    if (cells.length < MAX_COLUMNS) cells.push(parts.length === 1 ? (parts[0] as string) : parts.join(''));
    parts = [];
  };
  const fieldIsEmpty = (index: number) => parts.length === 0 && index === runStart;
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (quoted) {
      if (char === '"') {
        flushRun(index);
        if (text[index + 1] === '"') {
          parts.push('"');
          index++;
        } else {
          quoted = false;
        }
        runStart = index + 1;
      }
    } else if (char === '"' && fieldIsEmpty(index)) {
      quoted = true;
      runStart = index + 1;
    } else if (char === delimiter) {
      flushRun(index);
      endField();
      runStart = index + 1;
    } else if (char === '\n' || char === '\r') {
      flushRun(index);
      if (char === '\r' && text[index + 1] === '\n') index++;
      endField();
      yield { row, cells };
      row++;
      cells = [];
      runStart = index + 1;
    }
  }
  flushRun(text.length);
  if (parts.length > 0 || cells.length > 0) {
    endField();
    yield { row, cells };
  }
}

export function readCsvSheet(data: Uint8Array, sheetName: string): RawSheet {
  const text = decodeCsv(data);
  return {
    name: sheetName,
    rows: (async function* () {
      yield* parseCsvRecords(text);
    })(),
  };
}
