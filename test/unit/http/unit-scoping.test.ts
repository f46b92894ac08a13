import { describe, expect, it } from 'vitest';
import { DomainError } from '../../../shared/domain/errors';
import { type AuthorizedEvent, principalOf, requireAccessToUnit } from '../../../shared/http/principal';

/**
 * Provinces and the cities with separate plans inside them share a code prefix (GB/T 2260): a check on the prefix
 * would let each read the other's trainees. The pairs are written out from DOMAIN.md, not derived from the code.
 */
const PREFIX_PAIRS: [province: string, city: string][] = [
  ['210000', '210200'], // 辽宁省 · 大连市
  ['370000', '370200'], // 山东省 · 青岛市
  ['330000', '330200'], // 浙江省 · 宁波市
  ['350000', '350200'], // 福建省 · 厦门市
  ['440000', '440300'], // 广东省 · 深圳市
];

const unitEvent = (unit: string) =>
  ({
    requestContext: { authorizer: { jwt: { claims: { sub: `op-${unit}`, 'custom:unit': unit }, scopes: [] } } },
  }) as unknown as AuthorizedEvent;

describe('unit scoping: a province and the separate-plan city inside it are strangers', () => {
  it.each(PREFIX_PAIRS)('%s and %s cannot read each other, and each reads itself', (province, city) => {
    const provinceOperator = principalOf(unitEvent(province));
    const cityOperator = principalOf(unitEvent(city));
    expect(() => requireAccessToUnit(provinceOperator, city)).toThrow(DomainError);
    expect(() => requireAccessToUnit(cityOperator, province)).toThrow(DomainError);
    expect(() => requireAccessToUnit(provinceOperator, province)).not.toThrow();
    expect(() => requireAccessToUnit(cityOperator, city)).not.toThrow();
  });
});
