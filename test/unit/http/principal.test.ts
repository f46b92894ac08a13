import { describe, expect, it } from 'vitest';
import { DomainError } from '../../../shared/domain/errors';
import { type AuthorizedEvent, principalOf, requireAccessToUnit } from '../../../shared/http/principal';

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
});
