import { describe, expect, it, vi } from 'vitest';

/**
 * The guards' module-level tables (magic numbers, refused extensions, budgets). Other tests load these modules before
 * Stryker's mutant of a table could take effect ("hybrid" static mutants, docs/mutation-testing.md), so each test
 * here resets the module registry and imports the module afresh: the table it reads is the one under test.
 * Oracles: the formats' published signatures (PDF "%PDF", PNG 89 "PNG", JPEG FF D8 FF, GIF "GIF8", RAR "Rar!",
 * 7z 37 7A BC AF, gzip 1F 8B, RTF "{\rtf", PE "MZ", ELF 7F "ELF", ZIP "PK\3\4"/"PK\5\6", OLE2 D0 CF 11 E0 A1 B1 1A E1)
 * and docs/domain-rules.md (files over 5 MB are refused).
 */
const SAVE_AS = '请在 Excel 或 WPS 中"另存为" Excel 工作簿（.xlsx）或 CSV UTF-8（逗号分隔）后重新上传。';

async function freshSniffer() {
  vi.resetModules();
  return (await import('../../../shared/forms/file-sniffing')).sniffSpreadsheet;
}

describe('file sniffing tables (fresh module)', () => {
  it.each([
    ['PDF', [0x25, 0x50, 0x44, 0x46]],
    ['PNG 图片', [0x89, 0x50, 0x4e, 0x47]],
    ['JPEG 图片', [0xff, 0xd8, 0xff]],
    ['GIF 图片', [0x47, 0x49, 0x46, 0x38]],
    ['RAR 压缩包', [0x52, 0x61, 0x72, 0x21]],
    ['7z 压缩包', [0x37, 0x7a, 0xbc, 0xaf]],
    ['gzip 压缩包', [0x1f, 0x8b]],
    ['RTF 文档', [0x7b, 0x5c, 0x72, 0x74, 0x66]],
    ['可执行程序', [0x4d, 0x5a]],
    ['可执行程序', [0x7f, 0x45, 0x4c, 0x46]],
  ])('names %s from its signature', async (name, magic) => {
    const sniff = await freshSniffer();
    expect(sniff(Uint8Array.from([...magic, 0x41, 0x42, 0x43]), 'upload.csv')).toEqual({
      code: 'FILE_TYPE',
      message: `文件是${name}，不是表格。${SAVE_AS}`,
    });
  });

  it.each([
    ['xls', '.xls 是 Excel 97-2003 旧版格式'],
    ['et', '.et 是 WPS 表格的专有格式'],
    ['xlsm', '.xlsm 是启用宏的 Excel 工作簿（宏可能含有恶意代码）'],
    ['xlsb', '.xlsb 是 Excel 二进制工作簿'],
    ['xltm', '.xltm 是启用宏的 Excel 模板'],
    ['xltx', '.xltx 是 Excel 模板文件，不是填好的表格'],
    ['numbers', '.numbers 是苹果 Numbers 表格的专有格式'],
  ])('refuses .%s and says what it is', async (extension, what) => {
    const sniff = await freshSniffer();
    expect(sniff(new TextEncoder().encode('a,b\n'), `form.${extension}`)).toEqual({
      code: 'FILE_TYPE',
      message: `不支持此文件：${what}。${SAVE_AS}`,
    });
  });

  it('tells how to re-save an OpenDocument file', async () => {
    const sniff = await freshSniffer();
    expect(sniff(new TextEncoder().encode('a,b\n'), 'form.ods')).toEqual({
      code: 'FILE_TYPE',
      message:
        '文件是 OpenDocument 电子表格（.ods，LibreOffice、WPS 等软件的开放格式），系统只读取 .xlsx 和 CSV。请在 LibreOffice 中选择"文件 → 另存为"，文件类型选"Excel 2007-365 (.xlsx)"；在 WPS 中另存为"Microsoft Excel 文件（*.xlsx）"；或另存为"CSV UTF-8（逗号分隔）"。然后重新上传。',
    });
  });

  it('knows the zip and OLE signatures and the UTF-16 stream name of an encrypted package', async () => {
    const sniff = await freshSniffer();
    expect(sniff(Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0]), 'a.csv')).toBe('xlsx');
    expect(sniff(Uint8Array.from([0x50, 0x4b, 0x05, 0x06, 0, 0]), 'a.csv')).toMatchObject({ code: 'FILE_UNREADABLE' });
    const ole = Buffer.alloc(1024);
    Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(ole);
    expect(sniff(new Uint8Array(ole), 'a.xlsx')).toMatchObject({ code: 'FILE_TYPE' });
    expect(sniff(new Uint8Array(ole), 'a.xlsx')).toMatchObject({ message: expect.stringContaining('97-2003') });
    Buffer.from('EncryptedPackage', 'utf16le').copy(ole, 512);
    expect(sniff(new Uint8Array(ole), 'a.xlsx')).toMatchObject({ code: 'FILE_ENCRYPTED' });
    // Text is text, whatever the extension but .xlsx.
    expect(sniff(new TextEncoder().encode('a,b\n'), 'FORM.CSV')).toBe('csv');
    expect(sniff(new TextEncoder().encode('a,b\n'), 'form.XLSX')).toMatchObject({ code: 'FILE_TYPE' });
  });
});

describe('budgets and file problems (fresh module)', () => {
  it('the default budgets are 5 MB, 2,000 rows, 500 parts, 64 MB unzipped, 200:1 from 1 MB', async () => {
    vi.resetModules();
    const { DEFAULT_UPLOAD_LIMITS, formatMegabytes } = await import('../../../shared/forms/upload-limits');
    expect(DEFAULT_UPLOAD_LIMITS).toEqual({
      maxBytes: 5_242_880,
      maxRows: 2000,
      maxEntries: 500,
      maxUncompressedBytes: 67_108_864,
      maxCompressionRatio: 200,
      ratioCheckFromBytes: 1_048_576,
    });
    expect(formatMegabytes(5_242_880)).toBe('5.0 MB');
    expect(formatMegabytes(524_288)).toBe('0.50 MB');
  });

  it('fileProblem builds a code and a message', async () => {
    vi.resetModules();
    const { fileProblem } = await import('../../../shared/forms/file-problem');
    expect(fileProblem('FILE_TYPE', '文件是PDF，不是表格。')).toEqual({
      code: 'FILE_TYPE',
      message: '文件是PDF，不是表格。',
    });
  });
});
