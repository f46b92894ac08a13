import { type FileProblem, fileProblem } from './file-problem';

export type SpreadsheetFormat = 'xlsx' | 'csv';

const startsWith = (data: Uint8Array, bytes: readonly number[]) => bytes.every((byte, index) => data[index] === byte);

const ZIP_LOCAL_HEADER = [0x50, 0x4b, 0x03, 0x04];
const ZIP_EMPTY = [0x50, 0x4b, 0x05, 0x06];
const OLE_COMPOUND_FILE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
const ENCRYPTED_PACKAGE_UTF16 = Buffer.from('EncryptedPackage', 'utf16le');

const KNOWN_BINARIES: readonly { readonly magic: readonly number[]; readonly name: string }[] = [
  { magic: [0x25, 0x50, 0x44, 0x46], name: 'PDF' },
  { magic: [0x89, 0x50, 0x4e, 0x47], name: 'PNG 图片' },
  { magic: [0xff, 0xd8, 0xff], name: 'JPEG 图片' },
  { magic: [0x47, 0x49, 0x46, 0x38], name: 'GIF 图片' },
  { magic: [0x52, 0x61, 0x72, 0x21], name: 'RAR 压缩包' },
  { magic: [0x37, 0x7a, 0xbc, 0xaf], name: '7z 压缩包' },
  { magic: [0x1f, 0x8b], name: 'gzip 压缩包' },
  { magic: [0x7b, 0x5c, 0x72, 0x74, 0x66], name: 'RTF 文档' },
  { magic: [0x4d, 0x5a], name: '可执行程序' },
  { magic: [0x7f, 0x45, 0x4c, 0x46], name: '可执行程序' },
];

const SAVE_AS = '请在 Excel 或 WPS 中"另存为" Excel 工作簿（.xlsx）或 CSV UTF-8（逗号分隔）后重新上传。';

// Stryker disable next-line StringLiteral: any fallback that is not a refused extension, ods/fods or xlsx behaves like ''.
const extensionOf = (fileName: string) => /\.([^./\\]+)$/.exec(fileName.toLowerCase())?.[1] ?? '';

const ODS_SAVE_AS =
  '请在 LibreOffice 中选择"文件 → 另存为"，文件类型选"Excel 2007-365 (.xlsx)"；在 WPS 中另存为"Microsoft Excel 文件（*.xlsx）"；或另存为"CSV UTF-8（逗号分隔）"。然后重新上传。';

/** What each refused extension is, so the clerk learns why it is refused and not only that it is. */
const REFUSED_EXTENSIONS: Readonly<Record<string, string>> = {
  xls: '.xls 是 Excel 97-2003 旧版格式',
  et: '.et 是 WPS 表格的专有格式',
  xlsm: '.xlsm 是启用宏的 Excel 工作簿（宏可能含有恶意代码）',
  xlsb: '.xlsb 是 Excel 二进制工作簿',
  xltm: '.xltm 是启用宏的 Excel 模板',
  xltx: '.xltx 是 Excel 模板文件，不是填好的表格',
  numbers: '.numbers 是苹果 Numbers 表格的专有格式',
};

/**
 * An OpenDocument file (LibreOffice, WPS, Google Sheets export) is a zip whose first entry is the uncompressed
 * `mimetype`, so its bytes say what it is whatever the name.
 */
function isOpenDocumentSpreadsheet(data: Uint8Array): boolean {
  const head = Buffer.from(data.buffer, data.byteOffset, Math.min(data.byteLength, 120)).toString('latin1');
  return head.slice(30, 38) === 'mimetype' && head.includes('application/vnd.oasis.opendocument.spreadsheet');
}

/**
 * UTF-16 without a byte-order mark, as some exporters and scripts write "Unicode text": the ASCII in a CSV (commas,
 * digits, line breaks) then shows as a zero byte in every other position, all on the same side of each pair.
 */
export function looksLikeUtf16WithoutBom(data: Uint8Array): 'le' | 'be' | null {
  const length = Math.min(data.byteLength, 8192) & ~1;
  if (length < 4) return null;
  let zerosEven = 0;
  let zerosOdd = 0;
  for (let index = 0; index < length; index++) {
    if (data[index] !== 0) continue;
    if (index % 2 === 0) zerosEven++;
    else zerosOdd++;
  }
  const units = length / 2;
  const endianness = zerosOdd > zerosEven ? 'le' : 'be';
  const onSide = Math.max(zerosEven, zerosOdd);
  const offSide = Math.min(zerosEven, zerosOdd);
  // A header row alone is a score of ASCII separators among Chinese characters: a tenth of the units is plenty. The
  // other side has a zero only for the rare character U+xx00 (一 is U+4E00); a binary has zeros on both sides.
  if (onSide < units / 10 || offSide > onSide / 4) return null;
  const text = new TextDecoder(endianness === 'le' ? 'utf-16le' : 'utf-16be').decode(data.subarray(0, length));
  // Text, not a binary that happens to pair its zeros: no control characters but tab and line breaks.
  for (const char of text) {
    const code = char.charCodeAt(0);
    if (code < 0x20 && char !== '\t' && char !== '\n' && char !== '\r') return null;
  }
  return endianness;
}

/**
 * Decides from the bytes, not the name, what the upload is: only a zip can be an .xlsx and only text can be a CSV.
 * The name still matters for macro-enabled and legacy formats that a clerk may have renamed.
 */
export function sniffSpreadsheet(data: Uint8Array, fileName: string): SpreadsheetFormat | FileProblem {
  const extension = extensionOf(fileName);
  if (data.length === 0) return fileProblem('FILE_UNREADABLE', '文件为空（0 字节），请检查后重新上传。');
  if (extension === 'ods' || extension === 'fods' || isOpenDocumentSpreadsheet(data)) {
    return fileProblem(
      'FILE_TYPE',
      `文件是 OpenDocument 电子表格（.ods，LibreOffice、WPS 等软件的开放格式），系统只读取 .xlsx 和 CSV。${ODS_SAVE_AS}`,
    );
  }
  const refused = REFUSED_EXTENSIONS[extension];
  if (refused) return fileProblem('FILE_TYPE', `不支持此文件：${refused}。${SAVE_AS}`);
  if (startsWith(data, OLE_COMPOUND_FILE)) {
    if (Buffer.from(data.buffer, data.byteOffset, data.byteLength).includes(ENCRYPTED_PACKAGE_UTF16)) {
      return fileProblem('FILE_ENCRYPTED', '工作簿设置了打开密码（已加密），系统无法读取。请取消密码后重新上传。');
    }
    return fileProblem('FILE_TYPE', `文件是旧版 Excel 97-2003（.xls）格式。${SAVE_AS}`);
  }
  if (startsWith(data, ZIP_LOCAL_HEADER)) return 'xlsx';
  if (startsWith(data, ZIP_EMPTY)) return fileProblem('FILE_UNREADABLE', '文件是空的压缩包，不是有效的 Excel 工作簿。');
  for (const known of KNOWN_BINARIES) {
    if (startsWith(data, known.magic)) return fileProblem('FILE_TYPE', `文件是${known.name}，不是表格。${SAVE_AS}`);
  }
  if (startsWith(data, [0xff, 0xfe]) || startsWith(data, [0xfe, 0xff])) {
    return fileProblem(
      'FILE_ENCODING',
      'CSV 文件是 UTF-16（Unicode 文本）编码。请另存为"CSV UTF-8（逗号分隔）"后重新上传。',
    );
  }
  const utf16 = looksLikeUtf16WithoutBom(data);
  if (utf16) {
    return fileProblem(
      'FILE_ENCODING',
      `CSV 文件是 UTF-16${utf16 === 'le' ? '' : ' Big-Endian'}（Unicode 文本，无字节顺序标记）编码。请另存为"CSV UTF-8（逗号分隔）"后重新上传。`,
    );
  }
  const head = data.subarray(0, 8192);
  if (head.includes(0)) return fileProblem('FILE_TYPE', `文件不是 Excel 工作簿，也不是文本 CSV。${SAVE_AS}`);
  const text = Buffer.from(head).toString('latin1').trimStart().toLowerCase();
  if (text.startsWith('<')) {
    // Excel's "XML Spreadsheet 2003" and HTML tables saved as .xls are text but not CSV.
    return fileProblem('FILE_TYPE', `文件是网页或 XML 表格，不是 .xlsx 或 CSV。${SAVE_AS}`);
  }
  if (extension === 'xlsx') {
    return fileProblem('FILE_TYPE', `文件扩展名为 .xlsx，但内容是文本而不是 Excel 工作簿。${SAVE_AS}`);
  }
  return 'csv';
}
