import { describe, expect, it } from 'vitest';
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
