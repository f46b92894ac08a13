import { describe, expect, it } from 'vitest';
import { decodeCsv, parseCsvRecords, readCsvSheet } from '../../../shared/forms/csv-reader';
import { FileProblemError } from '../../../shared/forms/file-problem';
import { MAX_COLUMNS } from '../../../shared/forms/sheet-rows';

/** Oracle: RFC 4180 §2 (records, quoted fields, doubled quotes, CRLF) and the UTF-8 byte-order mark EF BB BF. */
const records = (text: string) => [...parseCsvRecords(text)];
const cellsOf = (text: string) => records(text).map((record) => record.cells);

describe('parseCsvRecords (RFC 4180)', () => {
  it('splits records on CRLF, LF or a lone CR and numbers them from 1', () => {
    expect(records('a,b\r\nc,d\r\n')).toEqual([
      { row: 1, cells: ['a', 'b'] },
      { row: 2, cells: ['c', 'd'] },
    ]);
    expect(records('a\nb\rc')).toEqual([
      { row: 1, cells: ['a'] },
      { row: 2, cells: ['b'] },
      { row: 3, cells: ['c'] },
    ]);
  });

  it('an empty line is a record with one empty field and keeps the row numbers in step', () => {
    expect(records('a\n\nb\n')).toEqual([
      { row: 1, cells: ['a'] },
      { row: 2, cells: [''] },
      { row: 3, cells: ['b'] },
    ]);
  });

  it('the last record needs no line break; a trailing delimiter is an empty last field', () => {
    expect(cellsOf('a,b')).toEqual([['a', 'b']]);
    expect(cellsOf('a,')).toEqual([['a', '']]);
    expect(cellsOf('a,b\n')).toEqual([['a', 'b']]);
    expect(cellsOf('')).toEqual([]);
  });

  it('quoted fields keep delimiters, line breaks and doubled quotes', () => {
    expect(cellsOf('"a,b","c""d",e\n')).toEqual([['a,b', 'c"d', 'e']]);
    expect(records('"第一行\r\n第二行",x\ny')).toEqual([
      { row: 1, cells: ['第一行\r\n第二行', 'x'] },
      { row: 2, cells: ['y'] },
    ]);
    expect(cellsOf('"",x')).toEqual([['', 'x']]);
    expect(cellsOf('""""')).toEqual([['"']]);
    expect(cellsOf('"ab"')).toEqual([['ab']]);
  });

  it('text after a closing quote joins the field; a quote inside an unquoted field is literal', () => {
    expect(cellsOf('"ab"cd,e')).toEqual([['abcd', 'e']]);
    expect(cellsOf('a"b,c')).toEqual([['a"b', 'c']]);
    expect(cellsOf('x,a"b"')).toEqual([['x', 'a"b"']]);
  });

  it('an unterminated quote runs to the end of the text', () => {
    expect(cellsOf('a,"b\nc')).toEqual([['a', 'b\nc']]);
  });

  it('detects tab- and semicolon-separated files from the first line', () => {
    expect(cellsOf('a\tb\tc\n1\t2\t3')).toEqual([
      ['a', 'b', 'c'],
      ['1', '2', '3'],
    ]);
    expect(cellsOf('a;b;c\n1;2;3')).toEqual([
      ['a', 'b', 'c'],
      ['1', '2', '3'],
    ]);
    expect(cellsOf('a;b')).toEqual([['a', 'b']]);
    // A single line without a line break is its own first line, to the last character.
    expect(cellsOf('ab;')).toEqual([['ab', '']]);
  });

  it('only the first line decides the delimiter, and the comma wins a tie or a line without any', () => {
    expect(cellsOf('a,b\n1;2;3;4')).toEqual([['a', 'b'], ['1;2;3;4']]);
    expect(cellsOf('a,b;c\n1,2;3')).toEqual([
      ['a', 'b;c'],
      ['1', '2;3'],
    ]);
    expect(cellsOf('abc\n1;2')).toEqual([['abc'], ['1;2']]);
    expect(cellsOf('a;b;c,d,e,f')).toEqual([['a;b;c', 'd', 'e', 'f']]);
  });

  it(`keeps at most ${MAX_COLUMNS} fields of a row`, () => {
    const wide = Array.from({ length: MAX_COLUMNS + 5 }, (_, index) => `c${index}`);
    const [first] = cellsOf(wide.join(','));
    expect(first).toHaveLength(MAX_COLUMNS);
    expect(first?.[MAX_COLUMNS - 1]).toBe(`c${MAX_COLUMNS - 1}`);
  });
});

describe('decodeCsv', () => {
  it('decodes UTF-8 and drops the byte-order mark', () => {
    expect(decodeCsv(Uint8Array.from([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('姓名,性别')]))).toBe('姓名,性别');
  });

  it('refuses bytes that are not UTF-8 (GBK) with an encoding problem', () => {
    const gbk = Uint8Array.from([0xd0, 0xd5, 0xc3, 0xfb, 0x2c, 0xd0, 0xd4, 0xb1, 0xf0]);
    expect(() => decodeCsv(gbk)).toThrow(FileProblemError);
    try {
      decodeCsv(gbk);
    } catch (error) {
      expect((error as FileProblemError).problem).toEqual({
        code: 'FILE_ENCODING',
        message:
          'CSV 文件不是 UTF-8 编码（可能是 GBK/ANSI）。请在 Excel 中"另存为"选择"CSV UTF-8（逗号分隔）"，或直接上传 .xlsx。',
      });
      expect((error as FileProblemError).name).toBe('FileProblemError');
      expect((error as FileProblemError).message).toContain('GBK/ANSI');
    }
  });
});

describe('readCsvSheet', () => {
  it('names the sheet and yields the records asynchronously', async () => {
    const sheet = readCsvSheet(new TextEncoder().encode('a,b\n1,2\n'), '学员报名表');
    expect(sheet.name).toBe('学员报名表');
    const rows = [];
    for await (const row of sheet.rows) rows.push(row);
    expect(rows).toEqual([
      { row: 1, cells: ['a', 'b'] },
      { row: 2, cells: ['1', '2'] },
    ]);
  });
});
