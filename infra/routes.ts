import type { FunctionName } from './function-names';

/**
 * The HTTP API's routes, declared once: the CDK admin-api construct creates them behind the JWT authorizer and
 * the local HTTP server serves the same table. Role and unit checks happen in the handlers, which see the claims.
 * Public routes (certificate verification, evaluation by personal link) have no authorizer: they are served by
 * their own function, which shares no role with the signed-in routes, and are throttled harder.
 */
export interface RouteDefinition {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly path: string;
  readonly target: FunctionName;
  /** Public: no sign-in. Every other route requires a valid token. */
  readonly public?: true;
  /** A public route's own limit, where the default below would turn away legitimate use. */
  readonly throttle?: { readonly rateLimit: number; readonly burstLimit: number };
}

/** Requests per second (and burst) allowed on each public route, across all callers: enough for people, not bots. */
export const PUBLIC_ROUTE_THROTTLE = { rateLimit: 5, burstLimit: 10 } as const;
/** A whole class may open and answer the evaluation at the end of its last session. */
const EVALUATION_THROTTLE = { rateLimit: 25, burstLimit: 80 } as const;

export const ROUTES: readonly RouteDefinition[] = [
  { method: 'POST', path: '/uploads', target: 'upload-url' },
  { method: 'GET', path: '/uploads/{uploadId}/report', target: 'admin-api' },
  { method: 'GET', path: '/uploads/{uploadId}/report.xlsx', target: 'admin-api' },
  { method: 'GET', path: '/registrations', target: 'admin-api' },
  { method: 'GET', path: '/registrations/{registrationId}', target: 'admin-api' },
  { method: 'GET', path: '/registrations/{registrationId}/history', target: 'admin-api' },
  { method: 'POST', path: '/registrations/{registrationId}/review', target: 'admin-api' },
  { method: 'POST', path: '/registrations/{registrationId}/withdraw', target: 'admin-api' },
  { method: 'POST', path: '/registrations/{registrationId}/leave', target: 'admin-api' },
  { method: 'POST', path: '/registrations/{registrationId}/retry', target: 'admin-api' },
  { method: 'GET', path: '/classes', target: 'class-api' },
  { method: 'GET', path: '/classes/{classNumber}/roster', target: 'class-api' },
  { method: 'GET', path: '/classes/{classNumber}/roster.xlsx', target: 'class-api' },
  { method: 'GET', path: '/classes/{classNumber}/roster.csv', target: 'class-api' },
  { method: 'GET', path: '/classes/{classNumber}/sign-in.xlsx', target: 'class-api' },
  { method: 'PUT', path: '/classes/{classNumber}/attendance', target: 'class-api' },
  { method: 'POST', path: '/classes/{classNumber}/close', target: 'class-api' },
  { method: 'POST', path: '/classes/{classNumber}/leave/{registrationId}/acknowledge', target: 'class-api' },
  { method: 'GET', path: '/registrations/{registrationId}/certificate.pdf', target: 'certificate-api' },
  { method: 'POST', path: '/certificates/{number}/revoke', target: 'certificate-api' },
  { method: 'POST', path: '/certificates/{number}/reissue', target: 'certificate-api' },
  { method: 'GET', path: '/classes/{classNumber}/certificates.zip', target: 'certificate-api' },
  { method: 'GET', path: '/classes/{classNumber}/evaluation', target: 'evaluation-api' },
  { method: 'GET', path: '/classes/{classNumber}/evaluation.xlsx', target: 'evaluation-api' },
  { method: 'GET', path: '/classes/{classNumber}/evaluation.csv', target: 'evaluation-api' },
  { method: 'GET', path: '/exports/evaluation.xlsx', target: 'evaluation-api' },
  { method: 'GET', path: '/exports/evaluation.csv', target: 'evaluation-api' },
  { method: 'POST', path: '/classes/{classNumber}/evaluation/reminders', target: 'evaluation-api' },
  { method: 'GET', path: '/evaluation', target: 'evaluation-api' },
  { method: 'GET', path: '/verify/{number}', target: 'public-api', public: true },
  { method: 'GET', path: '/certificates/{number}/certificate.pdf', target: 'public-api', public: true },
  { method: 'GET', path: '/evaluation/{token}', target: 'public-api', public: true, throttle: EVALUATION_THROTTLE },
  { method: 'POST', path: '/evaluation/{token}', target: 'public-api', public: true, throttle: EVALUATION_THROTTLE },
  { method: 'GET', path: '/templates/{templateName}', target: 'admin-api' },
  { method: 'GET', path: '/programme', target: 'admin-api' },
  { method: 'GET', path: '/audit', target: 'staff-api' },
  { method: 'GET', path: '/units/{unit}/archive', target: 'staff-api' },
  { method: 'GET', path: '/units/{unit}/archive.xlsx', target: 'staff-api' },
  { method: 'GET', path: '/units/{unit}/archive.csv', target: 'staff-api' },
  { method: 'POST', path: '/units/{unit}/enterprises/{creditCode}/notes', target: 'staff-api' },
  { method: 'GET', path: '/units/{unit}/enterprises/{creditCode}/notes', target: 'staff-api' },
  { method: 'GET', path: '/exports/registrations.xlsx', target: 'staff-api' },
  { method: 'GET', path: '/exports/registrations.csv', target: 'staff-api' },
  { method: 'PUT', path: '/programme', target: 'staff-api' },
  { method: 'GET', path: '/programme/versions', target: 'staff-api' },
  { method: 'GET', path: '/programme/versions/{version}', target: 'staff-api' },
  { method: 'PUT', path: '/units/{unit}/deadline-extension', target: 'staff-api' },
  { method: 'DELETE', path: '/units/{unit}/deadline-extension', target: 'staff-api' },
  { method: 'GET', path: '/quotas', target: 'staff-api' },
  { method: 'GET', path: '/exports/quotas.xlsx', target: 'staff-api' },
  { method: 'GET', path: '/exports/quotas.csv', target: 'staff-api' },
];
