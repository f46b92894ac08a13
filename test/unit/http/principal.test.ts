import { describe, expect, it, vi } from 'vitest';
import { DomainError } from '../../../shared/domain/errors';
import {
  type AuthorizedEvent,
  type Principal,
  principalOf,
  requireAccessToUnit,
  requireClassAccess,
  requireStaff,
  requireStaffOrUnit,
  requireUnit,
} from '../../../shared/http/principal';

const event = (claims: Record<string, unknown> | undefined) =>
  ({
    requestContext: { authorizer: claims ? { jwt: { claims, scopes: [] } } : undefined },
  }) as unknown as AuthorizedEvent;

describe('principal from the JWT authorizer claims', () => {
  it('recognises staff from the groups claim, as API Gateway flattens it or as an array', () => {
    expect(principalOf(event({ sub: 's', 'cognito:groups': '[staff]' }))).toEqual({ role: 'staff', subject: 's' });
    expect(principalOf(event({ sub: 's', 'cognito:groups': '[admins staff]' })).role).toBe('staff');
    expect(principalOf(event({ sub: 's', 'cognito:groups': ['staff'] })).role).toBe('staff');
  });

  it('recognises a unit operator by a known unit code', () => {
    expect(principalOf(event({ sub: 'u', 'custom:unit': '440300' }))).toEqual({
      role: 'unit',
      subject: 'u',
      unit: '440300',
    });
  });

  it.each([
    [undefined, 401],
    [{ 'custom:unit': '110000' }, 401],
    [{ sub: 'x' }, 403],
    [{ sub: 'x', 'custom:unit': '999999' }, 403],
    [{ sub: 'x', 'cognito:groups': '[staffers]' }, 403],
  ])('claims %j → %i', (claims, status) => {
    expect(() => principalOf(event(claims))).toThrow(expect.objectContaining({ status }) as DomainError);
  });

  it('lets a unit reach only its own data, staff every unit', () => {
    expect(() => requireAccessToUnit({ role: 'unit', subject: 'u', unit: '110000' }, '120000')).toThrow(DomainError);
    expect(() => requireAccessToUnit({ role: 'unit', subject: 'u', unit: '110000' }, '110000')).not.toThrow();
    expect(() => requireAccessToUnit({ role: 'staff', subject: 's' }, '120000')).not.toThrow();
  });

  it('lets no class host reach any unit’s data', () => {
    expect(() => requireAccessToUnit({ role: 'host', subject: 'h', classes: [1, 4] }, '110000')).toThrow(
      expect.objectContaining({ code: 'FORBIDDEN', status: 403 }) as DomainError,
    );
  });

  it.each([
    ['staff and a unit', { 'cognito:groups': '[staff]', 'custom:unit': '110000' }],
    ['staff and a unit, groups as an array', { 'cognito:groups': ['staff'], 'custom:unit': '110000' }],
    ['host and a unit', { 'cognito:groups': '[host]', 'custom:classes': '1', 'custom:unit': '110000' }],
    [
      'host with a broken class list and a unit',
      { 'cognito:groups': '[host]', 'custom:classes': '1,x', 'custom:unit': '110000' },
    ],
    ['staff and host', { 'cognito:groups': '[host staff]', 'custom:classes': '1,4' }],
    ['staff and host, groups as an array', { 'cognito:groups': ['staff', 'host'], 'custom:classes': '1' }],
    ['staff and a malformed unit claim', { 'cognito:groups': '[staff]', 'custom:unit': '99' }],
    ['all three', { 'cognito:groups': '[host staff]', 'custom:classes': '2', 'custom:unit': '120000' }],
  ])('refuses a token carrying two roles (%s) as ambiguous: 403 AMBIGUOUS_ROLE', (_label, claims) => {
    expect(() => principalOf(event({ sub: 'x', ...claims }))).toThrow(
      expect.objectContaining({ code: 'AMBIGUOUS_ROLE', status: 403 }) as DomainError,
    );
  });
});

describe('class hosts (承办机构): group host and the custom:classes claim', () => {
  const staff: Principal = { role: 'staff', subject: 's' };
  const unit: Principal = { role: 'unit', subject: 'u', unit: '110000' };
  const hostOf = (...classes: number[]): Principal => ({ role: 'host', subject: 'h', classes });
  const forbidden = expect.objectContaining({ code: 'FORBIDDEN', status: 403 }) as DomainError;

  it('reads "1,4" as classes 1 and 4, from the flattened groups claim or an array', () => {
    expect(principalOf(event({ sub: 'h', 'cognito:groups': '[host]', 'custom:classes': '1,4' }))).toEqual({
      role: 'host',
      subject: 'h',
      classes: [1, 4],
    });
    expect(principalOf(event({ sub: 'h', 'cognito:groups': ['host'], 'custom:classes': '7' }))).toEqual({
      role: 'host',
      subject: 'h',
      classes: [7],
    });
  });

  it.each(['1,x', 'x', '', '0', '100', '1.5', '-1'])('refuses a host whose claim is %j (403)', (claim) => {
    expect(() => principalOf(event({ sub: 'h', 'cognito:groups': '[host]', 'custom:classes': claim }))).toThrow(
      forbidden,
    );
  });

  it('refuses a host without the classes claim, and the claim without the host group', () => {
    expect(() => principalOf(event({ sub: 'h', 'cognito:groups': '[host]' }))).toThrow(forbidden);
    expect(() => principalOf(event({ sub: 'h', 'custom:classes': '1,4' }))).toThrow(forbidden);
  });

  it('requireClassAccess: a host acts on its own classes only; staff on all; a unit on none', () => {
    expect(() => requireClassAccess(hostOf(1, 4), 1)).not.toThrow();
    expect(() => requireClassAccess(hostOf(1, 4), 4)).not.toThrow();
    expect(() => requireClassAccess(hostOf(1, 4), 2)).toThrow(forbidden);
    expect(() => requireClassAccess(hostOf(4), 1)).toThrow(forbidden);
    expect(() => requireClassAccess(staff, 9)).not.toThrow();
    expect(() => requireClassAccess(unit, 1)).toThrow(forbidden);
  });

  it('keeps hosts out of staff-only, unit-only and unit-data routes', () => {
    expect(() => requireStaff(hostOf(1))).toThrow(forbidden);
    expect(() => requireUnit(hostOf(1))).toThrow(forbidden);
    expect(() => requireStaffOrUnit(hostOf(1))).toThrow(forbidden);
    expect(() => requireStaffOrUnit(staff)).not.toThrow();
    expect(() => requireStaffOrUnit(unit)).not.toThrow();
  });
});

describe('what each refusal tells the caller', () => {
  const refusal = (fn: () => unknown): DomainError => {
    try {
      fn();
    } catch (error) {
      if (error instanceof DomainError) return error;
      throw error;
    }
    throw new Error('expected a DomainError');
  };
  const staff: Principal = { role: 'staff', subject: 's' };
  const unit: Principal = { role: 'unit', subject: 'u', unit: '110000' };
  const host: Principal = { role: 'host', subject: 'h', classes: [1, 4] };

  it.each([
    ['no authorizer context at all', { requestContext: undefined }],
    ['an authorizer without a JWT', { requestContext: { authorizer: {} } }],
    ['claims without a subject', { requestContext: { authorizer: { jwt: { claims: { 'custom:unit': '110000' } } } } }],
  ])('%s is 401 UNAUTHENTICATED, not a crash', (_label, shape) => {
    expect(refusal(() => principalOf(shape as unknown as AuthorizedEvent))).toMatchObject({
      code: 'UNAUTHENTICATED',
      status: 401,
      message: '未登录或登录已失效',
    });
  });

  it.each([
    ['staff and host', { 'cognito:groups': '[host staff]', 'custom:classes': '1' }, '培训管理人员、承办机构'],
    [
      'staff and a unit',
      { 'cognito:groups': ['staff'], 'custom:unit': '110000' },
      '培训管理人员、地方中小企业主管部门',
    ],
    [
      'all three',
      { 'cognito:groups': '[staff host]', 'custom:classes': '2', 'custom:unit': '120000' },
      '培训管理人员、承办机构、地方中小企业主管部门',
    ],
  ])('an ambiguous account (%s) is told which roles it holds', (_label, claims, roles) => {
    expect(refusal(() => principalOf(event({ sub: 'x', ...claims })))).toMatchObject({
      code: 'AMBIGUOUS_ROLE',
      status: 403,
      message: `当前账号同时具有多个角色（${roles}），无法确定身份，请联系管理员调整账号配置`,
    });
  });

  it('an empty unit claim is no unit: staff with custom:unit "" stays staff', () => {
    expect(principalOf(event({ sub: 's', 'cognito:groups': '[staff]', 'custom:unit': '' }))).toEqual({
      role: 'staff',
      subject: 's',
    });
  });

  it('a host without a usable class list, and an account with no role, are told why', () => {
    expect(refusal(() => principalOf(event({ sub: 'h', 'cognito:groups': '[host]' })))).toMatchObject({
      code: 'FORBIDDEN',
      status: 403,
      message: '承办机构账号未正确配置所承办的期次（custom:classes），无权访问',
    });
    expect(refusal(() => principalOf(event({ sub: 'x', 'custom:unit': '999999' })))).toMatchObject({
      code: 'FORBIDDEN',
      status: 403,
      message: '当前账号未分配角色或单位，无权访问',
    });
  });

  it('requireStaff, requireUnit, requireStaffOrUnit and requireAccessToUnit name the rule that refused', () => {
    expect(refusal(() => requireStaff(unit))).toMatchObject({ code: 'FORBIDDEN', message: '仅限培训管理人员操作' });
    expect(refusal(() => requireUnit(staff))).toMatchObject({
      code: 'FORBIDDEN',
      message: '仅限地方中小企业主管部门账号操作',
    });
    expect(refusal(() => requireStaffOrUnit(host))).toMatchObject({
      code: 'FORBIDDEN',
      message: '承办机构账号仅可查看本机构班级的名单和考勤',
    });
    expect(refusal(() => requireAccessToUnit(host, '110000'))).toMatchObject({
      code: 'FORBIDDEN',
      message: '承办机构账号仅可查看本机构班级的名单和考勤',
    });
    expect(refusal(() => requireAccessToUnit(unit, '120000'))).toMatchObject({
      code: 'FORBIDDEN',
      status: 403,
      message: '无权访问其他单位的数据',
    });
    expect(requireUnit(unit)).toBe(unit);
  });

  it('requireClassAccess tells a host which class is not its own, and a unit who may act', () => {
    expect(refusal(() => requireClassAccess(host, 2))).toMatchObject({
      code: 'FORBIDDEN',
      status: 403,
      message: '无权操作第2期：该班级不由本机构承办',
    });
    expect(refusal(() => requireClassAccess(unit, 2))).toMatchObject({
      code: 'FORBIDDEN',
      status: 403,
      message: '仅限培训管理人员或该班承办机构操作',
    });
  });
});

describe('claim parsing edges', () => {
  it('only the exact group name counts: groups named "[staff" or "staff]" are not staff', () => {
    // API Gateway flattens ["[staff"] to "[[staff]" and ["staff]"] to "[staff]]"; only the outer brackets go.
    for (const groups of ['[[staff]', '[staff]]', '[[host]']) {
      expect(() => principalOf(event({ sub: 'x', 'cognito:groups': groups, 'custom:classes': '1' }))).toThrow(
        expect.objectContaining({ code: 'FORBIDDEN', status: 403 }) as DomainError,
      );
    }
  });

  it.each([
    ['the top class number', '99', [99]],
    ['spaces after commas', '1, 4', [1, 4]],
    ['a full-width comma', '1，4', [1, 4]],
    ['leading and trailing separators', ',1,4, ', [1, 4]],
    ['a repeated number', '4,4,1', [4, 1]],
  ])('reads a class list with %s', (_label, claim, classes) => {
    expect(principalOf(event({ sub: 'h', 'cognito:groups': '[host]', 'custom:classes': claim }))).toEqual({
      role: 'host',
      subject: 'h',
      classes,
    });
  });
});

describe('the Cognito names every part agrees on (the user pool is deployed with these)', () => {
  it('are staff, host, custom:unit and custom:classes', async () => {
    // Imported afresh so the module's constants are evaluated inside this test (mutation testing changes them).
    vi.resetModules();
    const names = await import('../../../shared/http/principal');
    expect([names.STAFF_GROUP, names.HOST_GROUP, names.UNIT_ATTRIBUTE, names.CLASSES_ATTRIBUTE]).toEqual([
      'staff',
      'host',
      'unit',
      'classes',
    ]);
    expect([names.UNIT_CLAIM, names.CLASSES_CLAIM]).toEqual(['custom:unit', 'custom:classes']);
    expect(() =>
      names.principalOf(
        event({ sub: 'x', 'cognito:groups': '[staff host]', 'custom:classes': '1', 'custom:unit': '110000' }),
      ),
    ).toThrow('当前账号同时具有多个角色（培训管理人员、承办机构、地方中小企业主管部门）');
  });
});
