import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { DomainError } from '../domain/errors';
import { isUnitCode } from '../domain/units';

/**
 * The Cognito names every part of the system agrees on, declared once: the user pool's groups and custom attributes
 * (infra/constructs/admin-api.ts), the claims read here, and the local cloud's tokens (infra/local/local-auth.ts).
 */
export const STAFF_GROUP = 'staff';
export const HOST_GROUP = 'host';
export const UNIT_ATTRIBUTE = 'unit';
/** The class numbers a host institution runs, comma-separated: "1,4". */
export const CLASSES_ATTRIBUTE = 'classes';
export const UNIT_CLAIM = `custom:${UNIT_ATTRIBUTE}`;
export const CLASSES_CLAIM = `custom:${CLASSES_ATTRIBUTE}`;

/**
 * Who is calling, as the JWT authorizer vouched for it: staff (the SME Bureau and the talent exchange centre), a
 * class host institution (承办机构) for its own classes, or an operator of exactly one unit (a local SME authority).
 */
export type Principal =
  | { readonly role: 'staff'; readonly subject: string }
  | { readonly role: 'host'; readonly subject: string; readonly classes: readonly number[] }
  | { readonly role: 'unit'; readonly subject: string; readonly unit: string };

const ROLE_NAMES: Record<Principal['role'], string> = {
  staff: '培训管理人员',
  host: '承办机构',
  unit: '地方中小企业主管部门',
};

export type AuthorizedEvent = APIGatewayProxyEventV2WithJWTAuthorizer;

export function principalOf(event: AuthorizedEvent): Principal {
  const claims = event.requestContext?.authorizer?.jwt?.claims;
  if (!claims?.sub) throw new DomainError('UNAUTHENTICATED', '未登录或登录已失效', 401);
  const subject = String(claims.sub);
  const groups = groupsOf(claims['cognito:groups']);
  const unitClaim = claims[UNIT_CLAIM];
  const claimed = [
    groups.includes(STAFF_GROUP) && 'staff',
    groups.includes(HOST_GROUP) && 'host',
    unitClaim !== undefined && unitClaim !== '' && 'unit',
  ].filter((role): role is Principal['role'] => role !== false);
  // An account configured with two roles is a provisioning mistake; picking one of them would silently widen or
  // narrow what it reaches, so it reaches nothing until an administrator fixes it.
  if (claimed.length > 1) {
    throw new DomainError(
      'AMBIGUOUS_ROLE',
      `当前账号同时具有多个角色（${claimed.map((role) => ROLE_NAMES[role]).join('、')}），无法确定身份，请联系管理员调整账号配置`,
      403,
    );
  }
  if (claimed[0] === 'staff') return { role: 'staff', subject };
  if (claimed[0] === 'host') {
    const classes = classesOf(claims[CLASSES_CLAIM]);
    if (classes.length > 0) return { role: 'host', subject, classes };
    throw new DomainError('FORBIDDEN', '承办机构账号未正确配置所承办的期次（custom:classes），无权访问', 403);
  }
  if (typeof unitClaim === 'string' && isUnitCode(unitClaim)) return { role: 'unit', subject, unit: unitClaim };
  throw new DomainError('FORBIDDEN', '当前账号未分配角色或单位，无权访问', 403);
}

/** API Gateway flattens array claims to a string like "[staff admin]"; tokens tested locally carry real arrays. */
function groupsOf(claim: unknown): string[] {
  if (Array.isArray(claim)) return claim.map(String);
  // Stryker disable next-line ArrayDeclaration: any list without "staff" or "host" in it reads the same (only includes() is asked)
  if (typeof claim !== 'string') return [];
  // Stryker disable next-line MethodExpression: without filter(Boolean) only empty names are added, and no empty name equals "staff" or "host" (only includes() is asked)
  return claim
    .replace(/^\[|\]$/g, '')
    .split(/[\s,]+/)
    .filter(Boolean);
}

function classesOf(claim: unknown): number[] {
  if (typeof claim !== 'string') return [];
  const numbers = claim
    .split(/[\s,，]+/)
    .filter(Boolean)
    .map(Number);
  return numbers.every((n) => Number.isInteger(n) && n >= 1 && n <= 99) ? [...new Set(numbers)] : [];
}

export function requireStaff(principal: Principal): void {
  if (principal.role !== 'staff') throw new DomainError('FORBIDDEN', '仅限培训管理人员操作', 403);
}

export function requireUnit(principal: Principal): Extract<Principal, { role: 'unit' }> {
  if (principal.role !== 'unit') throw new DomainError('FORBIDDEN', '仅限地方中小企业主管部门账号操作', 403);
  return principal;
}

/** Staff see every unit; a unit operator sees only its own; a class host sees no unit's data. */
export function requireAccessToUnit(principal: Principal, unit: string): void {
  if (principal.role === 'host') throw new DomainError('FORBIDDEN', '承办机构账号仅可查看本机构班级的名单和考勤', 403);
  if (principal.role === 'unit' && principal.unit !== unit) {
    throw new DomainError('FORBIDDEN', '无权访问其他单位的数据', 403);
  }
}

/** Staff act on every class; a host only on the classes its claim names; units on none. */
export function requireClassAccess(principal: Principal, classNumber: number): void {
  if (principal.role === 'staff') return;
  if (principal.role === 'host' && principal.classes.includes(classNumber)) return;
  throw new DomainError(
    'FORBIDDEN',
    principal.role === 'host'
      ? `无权操作第${classNumber}期：该班级不由本机构承办`
      : '仅限培训管理人员或该班承办机构操作',
    403,
  );
}

/** Anyone but a class host: lists and registrations belong to staff and units. */
export function requireStaffOrUnit(principal: Principal): void {
  if (principal.role === 'host') throw new DomainError('FORBIDDEN', '承办机构账号仅可查看本机构班级的名单和考勤', 403);
}
