import { describe, expect, it } from 'vitest';
import { looksLikeUtf16WithoutBom, sniffSpreadsheet } from '../../../shared/forms/file-sniffing';
import { buildZip } from '../../fixtures/zip-builder';

/**
 * Oracles: the magic numbers of the formats (ZIP APPNOTE 4.3.7 local header "PK\3\4", 4.3.16 end of central
 * directory "PK\5\6"; OLE2 compound file D0 CF 11 E0 A1 B1 1A E1; OpenDocument 1.2 part 3 §3.3: the first entry is
 * an uncompressed `mimetype`), the Unicode byte-order marks (FF FE little-endian, FE FF big-endian) and UTF-16's
 * code-unit layout (an ASCII character is its byte next to a zero byte).
 */
const text = (value: string) => new TextEncoder().encode(value);
const utf16le = (value: string) => new Uint8Array(Buffer.from(value, 'utf16le'));
const utf16be = (value: string) => new Uint8Array(Buffer.from(value, 'utf16le').swap16());
const problemOf = (data: Uint8Array, name: string) => {
  const result = sniffSpreadsheet(data, name);
  if (typeof result === 'string') throw new Error(`expected a problem, got ${result}`);
  return result;
};

function compoundFile(streamName: Buffer): Uint8Array {
  const data = Buffer.alloc(2048);
  Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(data, 0);
  streamName.copy(data, 1024);
  return new Uint8Array(data);
}

const CSV = '姓名,性别,身份证号\r\n张三,男,110101199003071234\r\n';

describe('sniffSpreadsheet decides from the bytes what an upload is', () => {
  it('a zip is a workbook candidate and text is a CSV, whatever the extension says otherwise', () => {
    expect(sniffSpreadsheet(buildZip([{ name: 'xl/workbook.xml', data: '<workbook/>' }]), 'form.csv')).toBe('xlsx');
    expect(sniffSpreadsheet(text(CSV), 'form.csv')).toBe('csv');
    expect(sniffSpreadsheet(text(CSV), 'form')).toBe('csv');
    expect(sniffSpreadsheet(text(CSV), 'form.xlsx.csv')).toBe('csv');
  });

  it('a text file that merely starts with the letters P or PK is not taken for a zip', () => {
    expect(sniffSpreadsheet(text('PK,值\n1,2\n'), 'p.csv')).toBe('csv');
    expect(sniffSpreadsheet(text('P\u0003,x\n'), 'p.csv')).not.toBe('xlsx');
  });

  it('an empty file says it is empty', () => {
    expect(problemOf(new Uint8Array(0), 'a.csv')).toEqual({
      code: 'FILE_UNREADABLE',
      message: '文件为空（0 字节），请检查后重新上传。',
    });
  });

  it('OpenDocument spreadsheets are refused by name (any case) and by content', () => {
    for (const name of ['a.ods', 'A.ODS', 'b.fods']) {
      const problem = problemOf(text(CSV), name);
      expect(problem.code).toBe('FILE_TYPE');
      expect(problem.message).toContain('OpenDocument');
      expect(problem.message).toContain('Excel 2007-365 (.xlsx)');
    }
    const ods = buildZip([
      { name: 'mimetype', data: 'application/vnd.oasis.opendocument.spreadsheet', store: true },
      { name: 'content.xml', data: '<office:document-content/>' },
    ]);
    expect(problemOf(ods, 'renamed.xlsx').message).toContain('OpenDocument');
  });

  it('a zip is only OpenDocument when its first entry is the mimetype AND says spreadsheet', () => {
    const odt = buildZip([
      { name: 'mimetype', data: 'application/vnd.oasis.opendocument.text', store: true },
      { name: 'content.xml', data: '<x/>' },
    ]);
    expect(sniffSpreadsheet(odt, 'letter.xlsx')).toBe('xlsx');
    const mentionsOds = buildZip([
      { name: 'notes.txt', data: 'application/vnd.oasis.opendocument.spreadsheet', store: true },
    ]);
    expect(sniffSpreadsheet(mentionsOds, 'notes.xlsx')).toBe('xlsx');
  });

  it('refused extensions say what the format is and how to save it again', () => {
    const problem = problemOf(text(CSV), 'old.XLS');
    expect(problem.code).toBe('FILE_TYPE');
    expect(problem.message).toBe(
      '不支持此文件：.xls 是 Excel 97-2003 旧版格式。请在 Excel 或 WPS 中"另存为" Excel 工作簿（.xlsx）或 CSV UTF-8（逗号分隔）后重新上传。',
    );
    expect(problemOf(text(CSV), 'macro.xlsm').message).toContain('宏可能含有恶意代码');
  });

  it('an OLE compound file is a legacy .xls unless it holds an EncryptedPackage stream (UTF-16 name)', () => {
    expect(problemOf(compoundFile(Buffer.from('Workbook', 'utf16le')), 'a.xlsx')).toEqual({
      code: 'FILE_TYPE',
      message:
        '文件是旧版 Excel 97-2003（.xls）格式。请在 Excel 或 WPS 中"另存为" Excel 工作簿（.xlsx）或 CSV UTF-8（逗号分隔）后重新上传。',
    });
    expect(problemOf(compoundFile(Buffer.from('EncryptedPackage', 'utf16le')), 'a.xlsx')).toEqual({
      code: 'FILE_ENCRYPTED',
      message: '工作簿设置了打开密码（已加密），系统无法读取。请取消密码后重新上传。',
    });
    // The stream name in an OLE directory is UTF-16; the ASCII spelling is not the marker.
    expect(problemOf(compoundFile(Buffer.from('EncryptedPackage', 'latin1')), 'a.xlsx').code).toBe('FILE_TYPE');
  });

  it('seven of the eight OLE signature bytes are not an OLE file', () => {
    const almost = compoundFile(Buffer.from('EncryptedPackage', 'utf16le'));
    almost[7] = 0;
    expect(problemOf(almost, 'a.bin').code).toBe('FILE_TYPE');
    expect(problemOf(almost, 'a.bin').message).toContain('不是文本 CSV');
  });

  it('an empty zip (end-of-central-directory record only) is not a workbook', () => {
    const empty = new Uint8Array(22);
    empty.set([0x50, 0x4b, 0x05, 0x06]);
    expect(problemOf(empty, 'a.xlsx')).toEqual({
      code: 'FILE_UNREADABLE',
      message: '文件是空的压缩包，不是有效的 Excel 工作簿。',
    });
  });

  it.each([
    ['PDF', [0x25, 0x50, 0x44, 0x46, 0x2d]],
    ['JPEG 图片', [0xff, 0xd8, 0xff, 0xe0]],
    ['gzip 压缩包', [0x1f, 0x8b, 0x08]],
    ['可执行程序', [0x4d, 0x5a, 0x90]],
    ['RTF 文档', [0x7b, 0x5c, 0x72, 0x74, 0x66, 0x31]],
  ])('known binaries are named: %s', (name, magic) => {
    expect(problemOf(Uint8Array.from([...magic, 0x41, 0x42]), 'a.csv')).toEqual({
      code: 'FILE_TYPE',
      message: `文件是${name}，不是表格。请在 Excel 或 WPS 中"另存为" Excel 工作簿（.xlsx）或 CSV UTF-8（逗号分隔）后重新上传。`,
    });
  });

  it('UTF-16 with a byte-order mark, either endianness, is an encoding problem', () => {
    const message = 'CSV 文件是 UTF-16（Unicode 文本）编码。请另存为"CSV UTF-8（逗号分隔）"后重新上传。';
    const le = Uint8Array.from([0xff, 0xfe, ...utf16le('a,b\r\n')]);
    const be = Uint8Array.from([0xfe, 0xff, ...utf16be('a,b\r\n')]);
    expect(problemOf(le, 'a.csv')).toEqual({ code: 'FILE_ENCODING', message });
    expect(problemOf(be, 'a.csv')).toEqual({ code: 'FILE_ENCODING', message });
  });

  it('UTF-16 without a byte-order mark names its endianness', () => {
    expect(problemOf(utf16le(CSV), 'a.csv')).toEqual({
      code: 'FILE_ENCODING',
      message: 'CSV 文件是 UTF-16（Unicode 文本，无字节顺序标记）编码。请另存为"CSV UTF-8（逗号分隔）"后重新上传。',
    });
    expect(problemOf(utf16be(CSV), 'a.csv').message).toBe(
      'CSV 文件是 UTF-16 Big-Endian（Unicode 文本，无字节顺序标记）编码。请另存为"CSV UTF-8（逗号分隔）"后重新上传。',
    );
  });

  it('bytes with zeros that are not UTF-16 are neither a workbook nor a CSV', () => {
    expect(problemOf(Uint8Array.from([0x41, 0, 0, 0x42, 0x43, 0, 0, 0x44, 0x45, 0]), 'a.csv')).toEqual({
      code: 'FILE_TYPE',
      message:
        '文件不是 Excel 工作簿，也不是文本 CSV。请在 Excel 或 WPS 中"另存为" Excel 工作簿（.xlsx）或 CSV UTF-8（逗号分隔）后重新上传。',
    });
  });

  it('a zero byte beyond the first 8 KiB does not make a text file binary', () => {
    const data = new Uint8Array(9000).fill(0x41);
    data[8500] = 0;
    expect(sniffSpreadsheet(data, 'a.csv')).toBe('csv');
  });

  it('HTML or XML text (after leading blanks) is refused, as is text named .xlsx', () => {
    expect(problemOf(text('\r\n  <?xml version="1.0"?><Workbook/>'), 'a.xls.csv')).toEqual({
      code: 'FILE_TYPE',
      message:
        '文件是网页或 XML 表格，不是 .xlsx 或 CSV。请在 Excel 或 WPS 中"另存为" Excel 工作簿（.xlsx）或 CSV UTF-8（逗号分隔）后重新上传。',
    });
    expect(problemOf(text(CSV), 'form.XLSX')).toEqual({
      code: 'FILE_TYPE',
      message:
        '文件扩展名为 .xlsx，但内容是文本而不是 Excel 工作簿。请在 Excel 或 WPS 中"另存为" Excel 工作簿（.xlsx）或 CSV UTF-8（逗号分隔）后重新上传。',
    });
  });
});

describe('looksLikeUtf16WithoutBom', () => {
  it('needs at least two code units (four bytes)', () => {
    expect(looksLikeUtf16WithoutBom(Uint8Array.from([0x41, 0, 0x42]))).toBeNull();
    expect(looksLikeUtf16WithoutBom(utf16le('AB'))).toBe('le');
    expect(looksLikeUtf16WithoutBom(utf16be('AB'))).toBe('be');
  });

  it('ignores a dangling odd byte', () => {
    expect(looksLikeUtf16WithoutBom(Uint8Array.from([...utf16le('AB'), 0x01]))).toBe('le');
    // A dangling zero would otherwise count as a zero on the wrong side (1 > 2 / 4).
    expect(looksLikeUtf16WithoutBom(Uint8Array.from([...utf16le('AB'), 0x00]))).toBe('le');
  });

  it('only the first 8 KiB are looked at', () => {
    const data = Uint8Array.from([...utf16le('A'.repeat(4096)), ...utf16le('\u0001')]);
    expect(looksLikeUtf16WithoutBom(data)).toBe('le');
    expect(looksLikeUtf16WithoutBom(Uint8Array.from([...utf16le('A'.repeat(4095)), ...utf16le('\u0001')]))).toBeNull();
  });

  it('UTF-8 text and plain ASCII have no zero bytes and are not UTF-16', () => {
    expect(looksLikeUtf16WithoutBom(text(CSV))).toBeNull();
    expect(looksLikeUtf16WithoutBom(text('a,b,c\n1,2,3\n'))).toBeNull();
  });

  it('one code unit in ten with a zero byte is enough (a header of Chinese words and commas)', () => {
    // Nine CJK characters (no zero byte in UTF-16) and one comma: exactly a tenth.
    expect(looksLikeUtf16WithoutBom(utf16le('姓名性别身份证号码,'))).toBe('le');
    // Nineteen and one: a twentieth is too few.
    expect(looksLikeUtf16WithoutBom(utf16le('姓名性别身份证号码姓名性别身份证号码单位,'))).toBeNull();
  });

  it('zeros on the other side are tolerated up to a quarter of those on the expected side', () => {
    // 一 is U+4E00: its low byte is zero, on the other side from an ASCII character's.
    expect(looksLikeUtf16WithoutBom(utf16le('一a,b,'))).toBe('le');
    expect(looksLikeUtf16WithoutBom(utf16le('一一a,b,'))).toBeNull();
  });

  it('text may hold tabs, line breaks and spaces but no other control characters', () => {
    expect(looksLikeUtf16WithoutBom(utf16le('a\tb\tc'))).toBe('le');
    expect(looksLikeUtf16WithoutBom(utf16le('a\nb\nc'))).toBe('le');
    expect(looksLikeUtf16WithoutBom(utf16le('a\rb\rc'))).toBe('le');
    expect(looksLikeUtf16WithoutBom(utf16le('a b c'))).toBe('le');
    expect(looksLikeUtf16WithoutBom(utf16le('a\u0001b\u001fc'))).toBeNull();
    expect(looksLikeUtf16WithoutBom(utf16le('abc\u001f'))).toBeNull();
    // Big-endian text is decoded big-endian: read little-endian, these control characters would look like U+0100.
    expect(looksLikeUtf16WithoutBom(utf16be('a\u0001b\u0001c'))).toBeNull();
  });
});
