import { describe, expect, it } from 'vitest';
import defaultProgramme from '../../../data/programme-2024.json';
import { isBeforeDeadline, parseProgramme } from '../../../shared/domain/programme';
import { maskEmail, maskIdNumber, maskMobile, maskPhone } from '../../../shared/domain/registration';

// Hand-written vectors for the masking rules (region and last digits kept, at least four stars, nothing shorter
// than the kept parts shown at all); the lengths sit on each rule's boundaries.
describe('masking at the length boundaries', () => {
  it.each([
    ['11010519491231002X', '110105********002X'], // 18: region + last 4
    ['1101051949123100234', '1101*************34'], // 19: malformed, keep 4 + 2
    ['110105194912310', '1101*********10'], // 15
    ['11010519491231', '1101********31'], // 14: still near-complete
    ['1101051949123', '1***********3'], // 13: first and last only
    ['123', '1****3'],
    ['12', '****'],
    ['', '****'],
  ])('ID number %j → %j', (value, masked) => {
    expect(maskIdNumber(value)).toBe(masked);
  });

  it.each([
    ['13812341234', '138****1234'], // 11
    ['138123412345', '138******345'], // 12
    ['1381234123', '138****123'], // 10
    ['12345678', '123****678'], // 8
    ['1234567', '1*****7'], // 7
    ['12', '****'],
  ])('mobile %j → %j', (value, masked) => {
    expect(maskMobile(value)).toBe(masked);
  });

  it.each([
    ['010-68205000', '010-******00'],
    ['1234567', '1234****67'], // 7: area code and last two
    ['123456', '1****6'],
  ])('office phone %j → %j', (value, masked) => {
    expect(maskPhone(value)).toBe(masked);
  });

  it.each([
    ['a@b.cn', 'a***@b.cn'],
    ['张三@例子.中国', '张***@例子.中国'],
    ['first@second@example.com', 'f***@example.com'],
    ['@example.com', '@***'],
    ['', '***'],
  ])('email %j → %j', (value, masked) => {
    expect(maskEmail(value)).toBe(masked);
  });
});

describe('the programme file', () => {
  it('fills the documented defaults', () => {
    const {
      sampleData: _s,
      timeZone: _t,
      reviewTimeoutDays: _r,
      ...bare
    } = defaultProgramme as Record<string, unknown>;
    const programme = parseProgramme(bare);
    expect(programme.sampleData).toBe(false);
    expect(programme.timeZone).toBe('Asia/Shanghai');
    expect(programme.reviewTimeoutDays).toBe(30);
    expect(programme.completionRule.maxLateSessions).toBeNull();
  });

  it('accepts a one-day class and refuses one that ends before it starts', () => {
    const [first] = defaultProgramme.classes;
    const oneDay = { ...first, endDate: first?.startDate };
    expect(() => parseProgramme({ ...defaultProgramme, classes: [oneDay] })).not.toThrow();
    const backwards = { ...first, startDate: '2024-09-23', endDate: '2024-09-22' };
    expect(() => parseProgramme({ ...defaultProgramme, classes: [backwards] })).toThrow(
      /class 1 ends before it starts/,
    );
  });
});

describe('the upload deadline (2024-08-31T23:59:59+08:00)', () => {
  const programme = parseProgramme(defaultProgramme);

  it('includes the whole deadline second itself and nothing after it', () => {
    expect(isBeforeDeadline(programme, new Date('2024-08-31T15:59:59.000Z'))).toBe(true);
    expect(isBeforeDeadline(programme, new Date('2024-08-31T15:59:59.999Z'))).toBe(true);
    expect(isBeforeDeadline(programme, new Date('2024-08-31T16:00:00.000Z'))).toBe(false);
  });

  it('uses a unit’s own extension instead when staff granted one', () => {
    const after = new Date('2024-09-05T00:00:00+08:00');
    expect(isBeforeDeadline(programme, after, '2024-09-10T23:59:59+08:00')).toBe(true);
    expect(isBeforeDeadline(programme, after, '2024-09-04T23:59:59+08:00')).toBe(false);
  });
});
