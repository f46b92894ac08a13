import type { Readable } from 'node:stream';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { type FileProblem, fileProblem } from './file-problem';
import { formatMegabytes, type UploadLimits } from './upload-limits';

const UNSAFE = '文件结构异常，出于安全原因不予读取。请在 Excel 中打开后"另存为"新的 .xlsx 文件再上传。';
const LOCAL_HEADER_SIGNATURE = 0x04034b50;
const DATA_DESCRIPTOR_FLAG = 0x8;
// A data descriptor is 12 bytes, 16 with its optional signature, 20/24 for zip64 sizes.
const DESCRIPTOR_SIZES = new Set([12, 16, 20, 24]);
const DTD_MARKERS = ['<!doctype', '<!entity'];

interface EntrySpan {
  readonly name: string;
  readonly start: number;
  readonly dataEnd: number;
  readonly hasDescriptor: boolean;
}

/**
 * Checks an .xlsx's zip container before any spreadsheet library touches it. ExcelJS's reader inflates entries from
 * the local headers as they stream past and trusts their sizes, so this reads the central directory with yauzl and
 * rejects: too many entries, too much declared data, extreme compression ratios, entries that overlap or hide bytes
 * between them (the central directory must tile the file exactly, so the stream reader sees nothing the checks did
 * not), zip-level encryption, and DTDs or entity declarations in any XML part. It also inflates every entry once,
 * with yauzl verifying that the real sizes match the declared ones, so a lying header cannot smuggle a bomb past
 * the budgets.
 */
export async function inspectXlsxArchive(data: Uint8Array, limits: UploadLimits): Promise<FileProblem | null> {
  const buffer = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  let zip: ZipFile;
  try {
    zip = await yauzl.fromBufferPromise(buffer, { lazyEntries: true, validateEntrySizes: true, strictFileNames: true });
  } catch (error) {
    return openProblem(error);
  }
  try {
    return await inspectEntries(zip, buffer, limits);
  } catch (error) {
    return openProblem(error);
  } finally {
    zip.close();
  }
}

function openProblem(error: unknown): FileProblem {
  const message = error instanceof Error ? error.message : String(error);
  if (/file name|path|filename/i.test(message))
    return fileProblem('ARCHIVE_UNSAFE', `压缩包中含有非法文件路径。${UNSAFE}`);
  if (/too many|not enough bytes|too large|exceed|overlap/i.test(message)) {
    return fileProblem('ARCHIVE_UNSAFE', `压缩包内容与声明的大小不符。${UNSAFE}`);
  }
  return fileProblem('FILE_UNREADABLE', '文件不完整或已损坏（可能上传中断），无法读取。请重新保存后上传。');
}

async function inspectEntries(zip: ZipFile, buffer: Buffer, limits: UploadLimits): Promise<FileProblem | null> {
  // Before any entry is read the cursor sits at the central directory's offset.
  const centralDirectoryOffset = zip.readEntryCursor as unknown as number;
  if (zip.entryCount > limits.maxEntries) {
    return fileProblem('ARCHIVE_UNSAFE', `压缩包含 ${zip.entryCount} 个部件，超过上限 ${limits.maxEntries}。${UNSAFE}`);
  }
  const entries: Entry[] = [];
  const names = new Set<string>();
  let declaredTotal = 0;
  for await (const entry of zip.eachEntry()) {
    const name = entry.fileName.toLowerCase();
    if (names.has(name)) return fileProblem('ARCHIVE_UNSAFE', `压缩包中有重复的部件 ${entry.fileName}。${UNSAFE}`);
    names.add(name);
    if (entry.isEncrypted()) return fileProblem('FILE_ENCRYPTED', '工作簿已加密，系统无法读取。请取消密码后重新上传。');
    if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) {
      return fileProblem('FILE_UNREADABLE', '工作簿使用了不支持的压缩方式。请在 Excel 中"另存为" .xlsx 后重新上传。');
    }
    declaredTotal += entry.uncompressedSize;
    if (declaredTotal > limits.maxUncompressedBytes) {
      return fileProblem(
        'ARCHIVE_UNSAFE',
        `解压后超过 ${formatMegabytes(limits.maxUncompressedBytes)}，疑似压缩炸弹。${UNSAFE}`,
      );
    }
    if (
      entry.uncompressedSize >= limits.ratioCheckFromBytes &&
      entry.uncompressedSize > limits.maxCompressionRatio * Math.max(entry.compressedSize, 1)
    ) {
      return fileProblem(
        'ARCHIVE_UNSAFE',
        `部件 ${entry.fileName} 的压缩比异常（超过 ${limits.maxCompressionRatio}:1），疑似压缩炸弹。${UNSAFE}`,
      );
    }
    entries.push(entry);
  }

  const layout = checkLayout(entries, buffer, centralDirectoryOffset);
  if (layout) return layout;

  const contentProblem = checkWorkbookParts(names);
  if (contentProblem) return contentProblem;

  for (const entry of entries) {
    const problem = await scanEntry(zip, entry);
    if (problem) return problem;
  }
  return null;
}

function checkLayout(entries: readonly Entry[], buffer: Buffer, centralDirectoryOffset: number): FileProblem | null {
  const spans: EntrySpan[] = [];
  for (const entry of entries) {
    const start = entry.relativeOffsetOfLocalHeader;
    if (start + 30 > buffer.length || buffer.readUInt32LE(start) !== LOCAL_HEADER_SIGNATURE) {
      return fileProblem('FILE_UNREADABLE', '文件不完整或已损坏，无法读取。请重新保存后上传。');
    }
    const nameLength = buffer.readUInt16LE(start + 26);
    const extraLength = buffer.readUInt16LE(start + 28);
    spans.push({
      name: entry.fileName,
      start,
      dataEnd: start + 30 + nameLength + extraLength + entry.compressedSize,
      hasDescriptor: (entry.generalPurposeBitFlag & DATA_DESCRIPTOR_FLAG) !== 0,
    });
  }
  spans.sort((a, b) => a.start - b.start);
  let expected = 0;
  let previous: EntrySpan | undefined;
  for (const span of [...spans, { name: '', start: centralDirectoryOffset, dataEnd: 0, hasDescriptor: false }]) {
    const gap = span.start - expected;
    const descriptorGap = previous?.hasDescriptor === true && DESCRIPTOR_SIZES.has(gap);
    if (gap !== 0 && !descriptorGap) {
      return fileProblem(
        'ARCHIVE_UNSAFE',
        gap < 0 ? `压缩包中的部件相互重叠。${UNSAFE}` : `压缩包中有目录未记录的隐藏数据。${UNSAFE}`,
      );
    }
    expected = span.dataEnd;
    previous = span;
  }
  return null;
}

function checkWorkbookParts(names: ReadonlySet<string>): FileProblem | null {
  if (names.has('xl/vbaproject.bin')) {
    return fileProblem('FILE_TYPE', '工作簿含有宏（.xlsm）。请"另存为"不含宏的 Excel 工作簿（.xlsx）后重新上传。');
  }
  if (!names.has('xl/workbook.xml') || !names.has('[content_types].xml')) {
    const kind = names.has('word/document.xml')
      ? 'Word 文档'
      : names.has('ppt/presentation.xml')
        ? 'PowerPoint 文档'
        : '普通压缩包';
    return fileProblem('FILE_TYPE', `文件是${kind}，不是 Excel 工作簿。请上传 .xlsx 或 .csv 表格。`);
  }
  return null;
}

async function scanEntry(zip: ZipFile, entry: Entry): Promise<FileProblem | null> {
  const isXml = /\.(xml|rels|vml)$/i.test(entry.fileName);
  const stream: Readable = await zip.openReadStreamPromise(entry);
  let tail = '';
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (!isXml) continue;
      // NULs are dropped so the same search also finds UTF-16 encoded declarations.
      const text = tail + chunk.toString('latin1').replace(/\0/g, '').toLowerCase();
      if (DTD_MARKERS.some((marker) => text.includes(marker))) {
        stream.destroy();
        return fileProblem(
          'ARCHIVE_UNSAFE',
          `部件 ${entry.fileName} 含有 DTD 或实体声明（<!DOCTYPE/<!ENTITY），正常的 Excel 文件不会有。${UNSAFE}`,
        );
      }
      tail = text.slice(-16);
    }
  } catch (error) {
    stream.destroy();
    throw error;
  }
  return null;
}
