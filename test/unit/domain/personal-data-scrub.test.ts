import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { scrubDeep, scrubPersonalData } from '../../../shared/domain/personal-data-scrub';

// Oracles are written out by hand: the ID number is GB 11643-1999's own example, the others are typed shapes.
describe('scrubPersonalData: masking that does not trust the column', () => {
  it.each([
    ['备注：身份证11010519491231002X请核对', '备注：身份证110105********002X请核对'],
    ['id 11010519491231002x.', 'id 110105********002x.'],
    ['旧证 110105491231002 仍有效', '旧证 1101*********02 仍有效'],
    ['联系 13812345678', '联系 138****5678'],
    ['手机：138 1234 5678；', '手机：138****5678；'],
    ['手机 138-1234-5678', '手机 138****5678'],
    ['+86 13812345678', '138****5678'],
    ['8613812345678', '138****5678'],
  ])('masks %s', (input, expected) => {
    expect(scrubPersonalData(input)).toBe(expected);
  });

  it.each([
    ['91350100M000100Y43'], // a credit code with letters
    ['911100001000000000'], // an all-digit credit code: no plausible birth date inside
    ['营业收入 23456789012 元'], // 11 digits that are not a mobile
    ['2024-06-01'],
    ['010-68205555'], // an office landline is masked by column, not by pattern
    ['a11010519491231002X'], // part of a longer token
  ])('leaves %s alone', (input) => {
    expect(scrubPersonalData(input)).toBe(input);
  });

  it('masks emails only when asked', () => {
    expect(scrubPersonalData('写信给 zhangsan@example.com')).toBe('写信给 zhangsan@example.com');
    expect(scrubPersonalData('写信给 zhangsan@example.com', { emails: true })).toBe('写信给 z***@example.com');
  });

  it('scrubs every string of a reply, keeping keys and other values', () => {
    const reply = { items: [{ note: '手机13812345678', count: 3, ok: true, nested: { id: '11010519491231002X' } }] };
    expect(scrubDeep(reply)).toEqual({
      items: [{ note: '手机138****5678', count: 3, ok: true, nested: { id: '110105********002X' } }],
    });
  });
});

/**
 * The patterns, case by case, from a freshly imported module: the regular expressions are module constants, and
 * mutation testing can only change them in a module evaluated inside the test. Every ID below has a different
 * birth month and day shape (01–09, 10–12; 01–09, 10–29, 30–31) and sits between other characters or at an end.
 */
describe('the patterns, each shape of ID, mobile and email', () => {
  const masked: [input: string, expected: string][] = [
    ['备注：身份证11010519491231002X请核对', '备注：身份证110105********002X请核对'],
    ['11010519491231002x', '110105********002x'],
    ['证件 440305198001011234，', '证件 440305********1234，'],
    ['证件号320106200010150017号', '证件号320106********0017号'],
    ['320106199905290025', '320106********0025'],
    ['（320106199911300034）', '（320106********0034）'],
    ['旧证 110105491231002 仍有效', '旧证 1101*********02 仍有效'],
    ['旧证110105800101123', '旧证1101*********23'],
    ['310104871015021号', '3101*********21号'],
    ['310104870529021', '3101*********21'],
    ['（310104871130021）', '（3101*********21）'],
    ['联系 13812345678', '联系 138****5678'],
    ['手机13986541234号', '手机139****1234号'],
    ['手机：138 1234 5678；', '手机：138****5678；'],
    ['138-1234-5678', '138****5678'],
    ['+86 13812345678', '138****5678'],
    ['+86-13812345678', '138****5678'],
    ['+8613812345678', '138****5678'],
    ['0086 15012345678', '150****5678'],
    ['8613812345678', '138****5678'],
    ['Tel:13812345678', 'Tel:138****5678'],
    ['-13812345678-', '-138****5678-'],
  ];
  const unchanged = [
    'a11010519491231002X',
    '11010519491231002X1',
    '110105194913010021', // month 13
    '110105194912320021', // day 32
    '12345678901', // 12… is no mainland mobile prefix
    '138123456789', // 12 digits
    '编号 9138123456780',
    // Identifiers we issue. The first is an upload id that once came back from POST /uploads as `d140****1042-…`,
    // so its file was never matched to its upload.
    'd1405678-1042-4e20-9049-e123217639c7',
    'incoming/2024/110000/0a1b2c3d-4e5f-4a7b-8c9d-e13812345678.csv',
    'X-Amz-Signature=f13812345678abc',
    '13812345678a',
    'Tel13812345678', // inside a run of letters and digits, like an ID number
  ];
  const emails: [input: string, expected: string][] = [
    ['邮箱 zhang.san@example.com 已登记', '邮箱 z***@example.com 已登记'],
    ['li-si@mail.example.com.cn', 'l***@mail.example.com.cn'],
    ['（wang_5@a-b.cn）', '（w***@a-b.cn）'],
    ['wangwu@vip.163.com', 'w***@vip.163.com'], // a numeric label between the name and the top level
  ];
  const notEmails = ['release@v2.x']; // a one-letter top level is no address

  it('masks, leaves alone and masks emails exactly as written out', async () => {
    vi.resetModules();
    const { scrubPersonalData: fresh } = await import('../../../shared/domain/personal-data-scrub');
    for (const [input, expected] of masked)
      expect({ input, output: fresh(input) }).toEqual({ input, output: expected });
    for (const input of unchanged) expect({ input, output: fresh(input) }).toEqual({ input, output: input });
    for (const [input, expected] of emails) {
      expect({ input, output: fresh(input, { emails: true }) }).toEqual({ input, output: expected });
      expect({ input, output: fresh(input) }).toEqual({ input, output: input });
    }
    for (const input of notEmails)
      expect({ input, output: fresh(input, { emails: true }) }).toEqual({ input, output: input });
  });
});

describe('identifiers in a reply come back as they were issued', () => {
  it('leaves every UUID and hex signature alone, however many digits they hold', () => {
    // Digit-heavy hex makes the shapes that once matched (eleven digits across a hyphen) common, not one in a thousand.
    const hex = fc.constantFrom(...'0123456789013579abcdef');
    const group = (length: number) => fc.string({ unit: hex, minLength: length, maxLength: length });
    const uuid = fc.tuple(group(8), group(4), group(4), group(4), group(12)).map((groups) => groups.join('-'));
    fc.assert(
      fc.property(uuid, group(64), (id, signature) => {
        const reply = {
          uploadId: id,
          key: `incoming/2024/110000/${id}.xlsx`,
          fields: { 'X-Amz-Signature': signature },
        };
        expect(scrubDeep(reply)).toEqual(reply);
      }),
      { numRuns: 2_000 },
    );
  });
});

describe('scrubDeep leaves what is not plain data alone', () => {
  it('returns a Date, a class instance and numbers as they are', () => {
    const at = new Date('2025-01-01T00:00:00Z');
    class Cell {
      constructor(readonly text: string) {}
    }
    const cell = new Cell('13812345678');
    const scrubbed = scrubDeep({ at, cell, count: 7, none: null });
    expect(scrubbed.at).toBe(at);
    expect(scrubbed.cell).toBe(cell);
    expect(scrubbed).toEqual({ at, cell, count: 7, none: null });
  });
});
