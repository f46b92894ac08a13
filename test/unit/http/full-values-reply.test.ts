import { describe, expect, it } from 'vitest';
import { DomainError } from '../../../shared/domain/errors';
import { json } from '../../../shared/http/http-handler';
import { fullValuesRequested } from '../../../shared/http/full-values';
import type { AuthorizedEvent, Principal } from '../../../shared/http/principal';

/**
 * The full record's way past json()'s scrub: exactly the three declared values, in the reply's top-level fields of
 * the same names. The raw values below are written out here (a valid resident ID, a mainland mobile), not derived.
 */
const ID = '11010519491231002X';
const OTHER_ID = '440305198001011234';
const MOBILE = '13912345678';
const OTHER_MOBILE = '13698765432';
const EMAIL = 'zhangsan@example.com';

const declared = { idNumber: ID, mobile: MOBILE, email: EMAIL };

describe('json() with declared full personal values', () => {
  it('carries the three declared values as given, in their own fields', () => {
    const reply = JSON.parse(
      String(
        json(
          200,
          { registrationId: 'R1', idNumber: '110105********002X', mobile: '139****5678' },
          { fullPersonalValues: declared },
        ).body,
      ),
    );
    expect(reply).toEqual({ registrationId: 'R1', idNumber: ID, mobile: MOBILE, email: EMAIL });
  });

  it('still scrubs everything else in the reply, nested or not, including copies of the declared values', () => {
    const body = {
      remarks: `备注里写了证件 ${OTHER_ID} 和手机 ${OTHER_MOBILE}`,
      name: `张三${ID}`,
      review: { reason: `联系 ${MOBILE}` },
      attendance: { sessions: [{ note: `证件 ${ID}` }] },
      idNumber: 'masked',
    };
    const text = String(json(200, body, { fullPersonalValues: declared }).body);
    const reply = JSON.parse(text);
    expect(reply.remarks).toBe('备注里写了证件 440305********1234 和手机 136****5432');
    expect(reply.name).toBe('张三110105********002X');
    expect(reply.review.reason).toBe('联系 139****5678');
    expect(reply.attendance.sessions[0].note).toBe('证件 110105********002X');
    // Each raw value appears exactly once: in its declared field, nowhere else.
    expect(text.split(ID)).toHaveLength(2);
    expect(text.split(MOBILE)).toHaveLength(2);
    expect(text).not.toContain(OTHER_ID);
    expect(text).not.toContain(OTHER_MOBILE);
  });

  it('lets nothing else of the declaration through: extra fields on it are not copied', () => {
    const smuggling = { ...declared, remarks: OTHER_ID, nested: { mobile: OTHER_MOBILE } };
    const text = String(json(200, { remarks: 'x' }, { fullPersonalValues: smuggling }).body);
    expect(JSON.parse(text)).toEqual({ remarks: 'x', idNumber: ID, mobile: MOBILE, email: EMAIL });
    expect(text).not.toContain(OTHER_ID);
    expect(text).not.toContain(OTHER_MOBILE);
  });

  it('refuses a declared value that is not text, and a reply that is not an object', () => {
    expect(() => json(200, {}, { fullPersonalValues: { ...declared, mobile: { raw: MOBILE } as never } })).toThrow();
    expect(() => json(200, [ID], { fullPersonalValues: declared })).toThrow();
  });

  it('without a declaration, scrubs the same fields like any other', () => {
    const text = String(json(200, { idNumber: ID, mobile: MOBILE }).body);
    expect(JSON.parse(text)).toEqual({ idNumber: '110105********002X', mobile: '139****5678' });
  });
});

describe('fullValuesRequested', () => {
  const event = (full?: string) =>
    ({ queryStringParameters: full === undefined ? undefined : { full } }) as AuthorizedEvent;
  const staff: Principal = { role: 'staff', subject: 'staff:a' };
  const unit: Principal = { role: 'unit', subject: 'unit:110000', unit: '110000' };
  const host: Principal = { role: 'host', subject: 'host:3', classes: [3] };

  it('is true only for staff asking full=true', () => {
    expect(fullValuesRequested(event('true'), staff)).toBe(true);
    expect(fullValuesRequested(event(), staff)).toBe(false);
    expect(fullValuesRequested(event('false'), staff)).toBe(false);
  });

  it.each([
    ['a unit', unit],
    ['a class host', host],
  ])('refuses %s with 403 FULL_VALUES_STAFF_ONLY', (_label, principal) => {
    const refusal = (() => {
      try {
        fullValuesRequested(event('true'), principal);
      } catch (error) {
        return error;
      }
    })() as DomainError;
    expect(refusal).toBeInstanceOf(DomainError);
    expect([refusal.status, refusal.code]).toEqual([403, 'FULL_VALUES_STAFF_ONLY']);
  });

  it.each(['1', 'yes', 'TRUE', ''])('reads %j as neither: 400', (value) => {
    expect(() => fullValuesRequested(event(value), staff)).toThrow(DomainError);
  });
});

describe('fullValuesRequested tells the caller what to do', () => {
  const staff: Principal = { role: 'staff', subject: 'staff:a' };
  const unit: Principal = { role: 'unit', subject: 'unit:110000', unit: '110000' };
  const caught = (fn: () => unknown) => {
    try {
      fn();
    } catch (error) {
      return error as DomainError;
    }
    throw new Error('expected a DomainError');
  };

  it('a value other than true or false is a 400 BAD_REQUEST naming the two allowed values', () => {
    const error = caught(() => fullValuesRequested({ queryStringParameters: { full: 'yes' } } as never, staff));
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: 'BAD_REQUEST', status: 400, message: '查询参数错误：full 须为 true 或 false' });
  });

  it('a non-staff caller is told the full values are for staff and how to see the masked ones', () => {
    const error = caught(() => fullValuesRequested({ queryStringParameters: { full: 'true' } } as never, unit));
    expect(error.message).toBe('完整的身份证号、手机号码和电子邮箱仅限培训管理人员查看；请去掉 full=true 查看脱敏信息');
  });
});
