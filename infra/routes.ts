import type { FunctionName } from './function-names';

/**
 * The HTTP API's routes, declared once: the CDK admin-api construct creates them behind the JWT authorizer and
 * the local HTTP server serves the same table. Role and unit checks happen in the handlers, which see the claims.
 */
export interface RouteDefinition {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly path: string;
  readonly target: FunctionName;
}

export const ROUTES: readonly RouteDefinition[] = [
  { method: 'POST', path: '/uploads', target: 'upload-url' },
  { method: 'GET', path: '/uploads/{uploadId}/report', target: 'admin-api' },
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
  { method: 'PUT', path: '/classes/{classNumber}/attendance', target: 'class-api' },
  { method: 'POST', path: '/classes/{classNumber}/close', target: 'class-api' },
  { method: 'POST', path: '/classes/{classNumber}/leave/{registrationId}/acknowledge', target: 'class-api' },
  { method: 'GET', path: '/templates/{templateName}', target: 'admin-api' },
  { method: 'GET', path: '/programme', target: 'admin-api' },
];
