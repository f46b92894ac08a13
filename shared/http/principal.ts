import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { DomainError } from '../domain/errors';
import { isUnitCode } from '../domain/units';

export const STAFF_GROUP = 'staff';
export const UNIT_CLAIM = 'custom:unit';

/** Who is calling, as the JWT authorizer vouched for it: staff, or an operator of exactly one unit. */
export type Principal =
  | { readonly role: 'staff'; readonly subject: string }
  | { readonly role: 'unit'; readonly subject: string; readonly unit: string };

export type AuthorizedEvent = APIGatewayProxyEventV2WithJWTAuthorizer;

export function principalOf(event: AuthorizedEvent): Principal {
  const claims = event.requestContext?.authorizer?.jwt?.claims;
  if (!claims?.sub) throw new DomainError('UNAUTHENTICATED', '未登录或登录已失效', 401);
  const subject = String(claims.sub);
  if (groupsOf(claims['cognito:groups']).includes(STAFF_GROUP)) return { role: 'staff', subject };
  const unit = claims[UNIT_CLAIM];
  if (typeof unit === 'string' && isUnitCode(unit)) return { role: 'unit', subject, unit };
  throw new DomainError('FORBIDDEN', '当前账号未分配角色或单位，无权访问', 403);
}

/** API Gateway flattens array claims to a string like "[staff admin]"; tokens tested locally carry real arrays. */
function groupsOf(claim: unknown): string[] {
  if (Array.isArray(claim)) return claim.map(String);
  if (typeof claim !== 'string') return [];
  return claim
    .replace(/^\[|\]$/g, '')
    .split(/[\s,]+/)
    .filter(Boolean);
}

export function requireStaff(principal: Principal): void {
  if (principal.role !== 'staff') throw new DomainError('FORBIDDEN', '仅限培训管理人员操作', 403);
}

export function requireUnit(principal: Principal): Extract<Principal, { role: 'unit' }> {
  if (principal.role !== 'unit') throw new DomainError('FORBIDDEN', '仅限地方中小企业主管部门账号操作', 403);
  return principal;
}

/** Staff see every unit; a unit operator sees only its own. */
export function requireAccessToUnit(principal: Principal, unit: string): void {
  if (principal.role === 'unit' && principal.unit !== unit) {
    throw new DomainError('FORBIDDEN', '无权访问其他单位的数据', 403);
  }
}
