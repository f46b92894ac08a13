import { describe, expect, it, vi } from 'vitest';
import { inspectXlsxArchive } from '../../../shared/forms/archive-inspection';
import { DEFAULT_UPLOAD_LIMITS, type UploadLimits } from '../../../shared/forms/upload-limits';
import { validTrainee } from '../../fixtures/registration-data';
import { traineeWorkbook } from '../../fixtures/spreadsheet-files';
import { buildZip, type ZipEntryInput } from '../../fixtures/zip-builder';

/**
 * Oracles: the ZIP format (APPNOTE 4.3.7 local header, 4.4.4 general-purpose flag bit 0 = encrypted, 4.4.5 methods
 * 0 = stored and 8 = deflated), the OOXML package rules (ECMA-376 part 2: [Content_Types].xml and the workbook part
 * are required; vbaProject.bin marks a macro workbook) and byte counts worked out by hand.
 */
const UNSAFE = '文件结构异常，出于安全原因不予读取。请在 Excel 中打开后"另存为"新的 .xlsx 文件再上传。';
const CONTENT_TYPES = '<?xml version="1.0"?><Types/>'; // 29 bytes
const WORKBOOK = '<?xml version="1.0"?><workbook/>'; // 32 bytes
const MINIMAL: ZipEntryInput[] = [
  { name: '[Content_Types].xml', data: CONTENT_TYPES },
  { name: 'xl/workbook.xml', data: WORKBOOK },
];
const limits = (overrides: Partial<UploadLimits>): UploadLimits => ({ ...DEFAULT_UPLOAD_LIMITS, ...overrides });
const inspect = (data: Uint8Array, overrides: Partial<UploadLimits> = {}) =>
  inspectXlsxArchive(data, limits(overrides));

describe('inspectXlsxArchive', () => {
  it('passes a genuine workbook and a minimal package', async () => {
    expect(await inspect(await traineeWorkbook([validTrainee(1)]))).toBeNull();
    expect(await inspect(buildZip(MINIMAL))).toBeNull();
  });

  it('reads a workbook handed over as a view into a larger buffer', async () => {
    const zip = buildZip(MINIMAL);
    const larger = new Uint8Array(zip.length + 7);
    larger.set(zip, 7);
    expect(await inspect(larger.subarray(7))).toBeNull();
  });

  it('counts the parts against the budget: as many as allowed pass, one more is refused', async () => {
    const three = buildZip([...MINIMAL, { name: 'xl/styles.xml', data: '<styleSheet/>' }]);
    expect(await inspect(three, { maxEntries: 3 })).toBeNull();
    expect(await inspect(three, { maxEntries: 2 })).toEqual({
      code: 'ARCHIVE_UNSAFE',
      message: `压缩包含 3 个部件，超过上限 2。${UNSAFE}`,
    });
  });

  it('sums the declared sizes: exactly the budget passes, one byte less is refused', async () => {
    const zip = buildZip(MINIMAL);
    expect(await inspect(zip, { maxUncompressedBytes: 29 + 32 })).toBeNull();
    expect(await inspect(zip, { maxUncompressedBytes: 29 + 32 - 1 })).toEqual({
      code: 'ARCHIVE_UNSAFE',
      message: `解压后超过 0.00 MB，疑似压缩炸弹。${UNSAFE}`,
    });
  });

  it('checks the compression ratio only from the threshold size up', async () => {
    // 1,000 zero bytes deflate to a few bytes: far beyond 10:1.
    const zip = buildZip([...MINIMAL, { name: 'xl/media/blank.bin', data: new Uint8Array(1000) }]);
    expect(await inspect(zip, { maxCompressionRatio: 10, ratioCheckFromBytes: 1000 })).toEqual({
      code: 'ARCHIVE_UNSAFE',
      message: `部件 xl/media/blank.bin 的压缩比异常（超过 10:1），疑似压缩炸弹。${UNSAFE}`,
    });
    expect(await inspect(zip, { maxCompressionRatio: 10, ratioCheckFromBytes: 1001 })).toBeNull();
    // Stored, the same bytes are 1:1.
    const stored = buildZip([...MINIMAL, { name: 'xl/media/blank.bin', data: new Uint8Array(1000), store: true }]);
    expect(await inspect(stored, { maxCompressionRatio: 10, ratioCheckFromBytes: 1000 })).toBeNull();
  });

  it('refuses two parts whose names differ only in case', async () => {
    const zip = buildZip([...MINIMAL, { name: 'XL/Workbook.xml', data: WORKBOOK }]);
    expect(await inspect(zip)).toEqual({
      code: 'ARCHIVE_UNSAFE',
      message: `压缩包中有重复的部件 XL/Workbook.xml。${UNSAFE}`,
    });
  });

  it('refuses zip-level encryption', async () => {
    const zip = buildZip([...MINIMAL, { name: 'xl/styles.xml', data: '<s/>', encryptedFlag: true }]);
    expect(await inspect(zip)).toEqual({
      code: 'FILE_ENCRYPTED',
      message: '工作簿已加密，系统无法读取。请取消密码后重新上传。',
    });
  });

  it('refuses compression methods other than stored (0) and deflated (8)', async () => {
    const zip = Buffer.from(buildZip([...MINIMAL, { name: 'xl/styles.xml', data: '<s/>', store: true }]));
    // Method 12 (bzip2) in the third entry's local header and central directory record.
    const local = zip.indexOf('xl/styles.xml') - 30;
    zip.writeUInt16LE(12, local + 8);
    const central = zip.lastIndexOf('xl/styles.xml') - 46;
    zip.writeUInt16LE(12, central + 10);
    expect(await inspect(new Uint8Array(zip))).toEqual({
      code: 'FILE_UNREADABLE',
      message: '工作簿使用了不支持的压缩方式。请在 Excel 中"另存为" .xlsx 后重新上传。',
    });
  });

  it('names what a zip without the workbook parts is', async () => {
    const typeOf = async (entries: ZipEntryInput[]) => (await inspect(buildZip(entries)))?.message;
    expect(await typeOf([{ name: 'xl/workbook.xml', data: WORKBOOK }])).toBe(
      '文件是普通压缩包，不是 Excel 工作簿。请上传 .xlsx 或 .csv 表格。',
    );
    expect(await typeOf([{ name: '[Content_Types].xml', data: CONTENT_TYPES }])).toBe(
      '文件是普通压缩包，不是 Excel 工作簿。请上传 .xlsx 或 .csv 表格。',
    );
    expect(
      await typeOf([
        { name: '[Content_Types].xml', data: CONTENT_TYPES },
        { name: 'word/document.xml', data: '<w/>' },
      ]),
    ).toBe('文件是Word 文档，不是 Excel 工作簿。请上传 .xlsx 或 .csv 表格。');
    expect(
      await typeOf([
        { name: '[Content_Types].xml', data: CONTENT_TYPES },
        { name: 'ppt/presentation.xml', data: '<p/>' },
      ]),
    ).toBe('文件是PowerPoint 文档，不是 Excel 工作簿。请上传 .xlsx 或 .csv 表格。');
    expect(await inspect(buildZip([...MINIMAL, { name: 'xl/vbaProject.bin', data: 'x' }]))).toEqual({
      code: 'FILE_TYPE',
      message: '工作簿含有宏（.xlsm）。请"另存为"不含宏的 Excel 工作簿（.xlsx）后重新上传。',
    });
  });

  it('refuses a DTD in any XML part (.xml, .rels, .vml), in any case and in UTF-16', async () => {
    const withPart = (name: string, data: string | Uint8Array) => inspect(buildZip([...MINIMAL, { name, data }]));
    const dtd = (name: string) => ({
      code: 'ARCHIVE_UNSAFE',
      message: `部件 ${name} 含有 DTD 或实体声明（<!DOCTYPE/<!ENTITY），正常的 Excel 文件不会有。${UNSAFE}`,
    });
    expect(await withPart('_rels/.rels', '<?xml version="1.0"?><!DOCTYPE r><r/>')).toEqual(dtd('_rels/.rels'));
    expect(await withPart('xl/drawings/a.VML', '<!Entity e "x"><v/>')).toEqual(dtd('xl/drawings/a.VML'));
    expect(await withPart('xl/styles.xml', new Uint8Array(Buffer.from('<!DOCTYPE s><s/>', 'utf16le')))).toEqual(
      dtd('xl/styles.xml'),
    );
  });

  it('does not look for DTDs in binary parts', async () => {
    expect(await inspect(buildZip([...MINIMAL, { name: 'xl/media/a.png', data: '<!DOCTYPE x>' }]))).toBeNull();
    // The extension at the end of the name decides: an image may hold any bytes, whatever else its name says.
    expect(await inspect(buildZip([...MINIMAL, { name: 'xl/media/a.xml.png', data: '<!DOCTYPE x>' }]))).toBeNull();
  });

  it('finds a DTD marker split across two chunks of the inflated stream', async () => {
    // Node's inflate stream hands out 16 KiB chunks: put "<!DOCTYPE" across the first boundary.
    const padding = ' '.repeat(16 * 1024 - 4);
    const result = await inspect(buildZip([...MINIMAL, { name: 'xl/styles.xml', data: `${padding}<!DOCTYPE s><s/>` }]));
    expect(result?.code).toBe('ARCHIVE_UNSAFE');
  });

  it('a broken archive is unreadable, an illegal path is unsafe', async () => {
    expect(await inspect(Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]))).toEqual({
      code: 'FILE_UNREADABLE',
      message: '文件不完整或已损坏（可能上传中断），无法读取。请重新保存后上传。',
    });
    expect(await inspect(buildZip([...MINIMAL, { name: '../evil.xml', data: '<x/>' }]))).toEqual({
      code: 'ARCHIVE_UNSAFE',
      message: `压缩包中含有非法文件路径。${UNSAFE}`,
    });
  });
});

describe('inspectXlsxArchive: the central directory must account for every byte before it', () => {
  const HIDDEN = { code: 'ARCHIVE_UNSAFE', message: `压缩包中有目录未记录的隐藏数据。${UNSAFE}` };
  const OVERLAP = { code: 'ARCHIVE_UNSAFE', message: `压缩包中的部件相互重叠。${UNSAFE}` };
  const [types, workbook] = MINIMAL as [ZipEntryInput, ZipEntryInput];

  it('accepts a data descriptor (bit 3) of 12 or 16 bytes, 20 or 24 with zip64 sizes, after any entry', async () => {
    for (const size of [12, 16, 20, 24]) {
      expect(await inspect(buildZip([{ ...types, dataDescriptor: size }, workbook]))).toBeNull();
      expect(await inspect(buildZip([types, { ...workbook, dataDescriptor: size }]))).toBeNull();
    }
  });

  it('refuses bytes after an entry that announces a descriptor when they are no descriptor length', async () => {
    for (const size of [4, 8, 13, 28]) {
      expect(await inspect(buildZip([{ ...types, dataDescriptor: size }, workbook]))).toEqual(HIDDEN);
      expect(await inspect(buildZip([types, { ...workbook, dataDescriptor: size }]))).toEqual(HIDDEN);
    }
  });

  it('refuses 16 unrecorded bytes after an entry that announces no descriptor', async () => {
    expect(await inspect(buildZip(MINIMAL, { hiddenBytes: new Uint8Array(16) }))).toEqual(HIDDEN);
    // Hidden after the only entry, just before the central directory.
    expect(await inspect(buildZip([types], { hiddenBytes: new Uint8Array(16) }))).toEqual(HIDDEN);
  });

  it('accepts a directory that lists the entries in another order than the file holds them', async () => {
    const zip = Buffer.from(buildZip(MINIMAL));
    const directory = zip.readUInt32LE(zip.length - 6);
    const firstLength = 46 + Buffer.byteLength(types.name);
    const first = Buffer.from(zip.subarray(directory, directory + firstLength));
    const second = Buffer.from(zip.subarray(directory + firstLength, zip.length - 22));
    Buffer.concat([second, first]).copy(zip, directory);
    expect(await inspect(new Uint8Array(zip))).toBeNull();
  });

  it('refuses two directory entries that share one local header', async () => {
    expect(await inspect(buildZip(MINIMAL, { overlappingAlias: 'xl/styles.xml' }))).toEqual(OVERLAP);
  });

  it('refuses bytes before the first entry, whatever the entry announces', async () => {
    const zip = Buffer.from(buildZip([{ ...types, dataDescriptor: 16 }, workbook]));
    // Move every local header 16 bytes on: the directory offsets (46-byte records at the end) and the end record's
    // offset of the directory. Nothing precedes the first entry to own a descriptor, so 16 bytes there are hidden.
    const shifted = Buffer.concat([Buffer.alloc(16), zip]);
    const directory = shifted.readUInt32LE(shifted.length - 6);
    shifted.writeUInt32LE(directory + 16, shifted.length - 6);
    let record = directory + 16;
    for (const entry of [types, workbook]) {
      shifted.writeUInt32LE(shifted.readUInt32LE(record + 42) + 16, record + 42);
      record += 46 + Buffer.byteLength(entry.name);
    }
    expect(await inspect(new Uint8Array(shifted))).toEqual(HIDDEN);
  });

  it('an entry whose directory record points at no local header is damaged, not unsafe', async () => {
    const zip = Buffer.from(buildZip(MINIMAL));
    const directory = zip.readUInt32LE(zip.length - 6);
    const secondRecord = directory + 46 + Buffer.byteLength(types.name);
    const damaged = { code: 'FILE_UNREADABLE', message: '文件不完整或已损坏，无法读取。请重新保存后上传。' };
    // Inside the file but no "PK\3\4" there.
    zip.writeUInt32LE(1, secondRecord + 42);
    expect(await inspect(new Uint8Array(zip))).toEqual(damaged);
    // So close to the end that not even a local header's 30 bytes fit (reading its signature would run off the end).
    zip.writeUInt32LE(zip.length - 2, secondRecord + 42);
    expect(await inspect(new Uint8Array(zip))).toEqual(damaged);
  });
});

describe('inspectXlsxArchive: budgets and names at their edges', () => {
  it('a ratio of exactly the limit passes: 1,000 stored bytes are 1:1', async () => {
    const stored = buildZip([...MINIMAL, { name: 'xl/media/blank.bin', data: new Uint8Array(1000), store: true }]);
    expect(await inspect(stored, { maxCompressionRatio: 1, ratioCheckFromBytes: 1000 })).toBeNull();
  });

  it('a part whose header understates or overstates its real size is refused while it is inflated', async () => {
    const mismatch = { code: 'ARCHIVE_UNSAFE', message: `压缩包内容与声明的大小不符。${UNSAFE}` };
    const part = (declaredSize: number) => ({ name: 'xl/styles.xml', data: '<styleSheet/>', declaredSize }); // 13 bytes
    expect(await inspect(buildZip([...MINIMAL, part(12)]))).toEqual(mismatch);
    expect(await inspect(buildZip([...MINIMAL, part(14)]))).toEqual(mismatch);
  });

  it('a part named with a backslash or an absolute path is an illegal path', async () => {
    const illegal = { code: 'ARCHIVE_UNSAFE', message: `压缩包中含有非法文件路径。${UNSAFE}` };
    expect(await inspect(buildZip([...MINIMAL, { name: 'xl\\styles.xml', data: '<s/>' }]))).toEqual(illegal);
    expect(await inspect(buildZip([...MINIMAL, { name: '/xl/styles.xml', data: '<s/>' }]))).toEqual(illegal);
  });
});

describe('inspectXlsxArchive from a freshly loaded module', () => {
  it('its tables: the refusal text, the DTD markers and the descriptor lengths', async () => {
    // Imported afresh so the module-level constants are evaluated inside the test (docs/mutation-testing.md).
    vi.resetModules();
    const fresh = await import('../../../shared/forms/archive-inspection');
    const check = (entries: ZipEntryInput[]) => fresh.inspectXlsxArchive(buildZip(entries), DEFAULT_UPLOAD_LIMITS);
    expect(await check([...MINIMAL, { name: 'xl/styles.xml', data: '<!DOCTYPE s><s/>' }])).toEqual({
      code: 'ARCHIVE_UNSAFE',
      message: `部件 xl/styles.xml 含有 DTD 或实体声明（<!DOCTYPE/<!ENTITY），正常的 Excel 文件不会有。${UNSAFE}`,
    });
    expect((await check([...MINIMAL, { name: 'xl/styles.xml', data: '<!ENTITY e "x"><s/>' }]))?.code).toBe(
      'ARCHIVE_UNSAFE',
    );
    const [types, workbook] = MINIMAL as [ZipEntryInput, ZipEntryInput];
    expect(await check([{ ...types, dataDescriptor: 16 }, workbook])).toBeNull();
  });
});
