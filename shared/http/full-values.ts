import { DomainError } from '../domain/errors';
import type { AuthorizedEvent, Principal } from './principal';

/**
 * Whether the caller asked for unmasked personal values (`?full=true`), which only staff may, and every such reply
 * is audited by the route. Anything but `true` or `false` is refused rather than read as either: a typo must not
 * quietly hand out a masked file to someone who needs the full one, or the other way round.
 */
export function fullValuesRequested(event: AuthorizedEvent, principal: Principal): boolean {
  const raw = event.queryStringParameters?.full;
  if (raw === undefined || raw === 'false') return false;
  if (raw !== 'true') throw new DomainError('BAD_REQUEST', '查询参数错误：full 须为 true 或 false', 400);
  if (principal.role !== 'staff') {
    throw new DomainError(
      'FULL_VALUES_STAFF_ONLY',
      '完整的身份证号、手机号码和电子邮箱仅限培训管理人员查看；请去掉 full=true 查看脱敏信息',
      403,
    );
  }
  return true;
}
