import { describe, expect, it } from 'vitest';
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
