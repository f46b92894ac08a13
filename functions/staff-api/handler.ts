import { z } from 'zod';
import { listAudit } from '../../shared/adapters/audit-store';
import { systemClock } from '../../shared/adapters/clock';
import { AUDIT_ACTIONS, isAuditAction } from '../../shared/domain/audit';
import { json, routeHandler, type HttpResult } from '../../shared/http/http-handler';
import { type AuthorizedEvent, type Principal, requireStaff } from '../../shared/http/principal';
import { parseQuery } from '../../shared/http/request-parsing';
import { archiveRoutes } from './archive-routes';
import { exportRoutes } from './export-routes';
import { settingsRoutes } from './settings-routes';
import { quotaRoutes } from './quota-routes';

/**
 * The programme office's own operations: the audit trail, and (as they land) quotas, exports, programme settings and
 * unit archives. Its role differs from admin-api's (it writes audit events and exports), so it is its own function.
 */
export const handler = routeHandler({
  'GET /audit': auditRoute,
  ...archiveRoutes,
  ...exportRoutes,
  ...settingsRoutes,
  ...quotaRoutes,
});

const auditQuery = z.object({
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  actor: z.string().trim().min(1).max(200).optional(),
  action: z
    .string()
    .refine(isAuditAction, `action 须为 ${AUDIT_ACTIONS.join('/')} 之一`)
    .optional(),
  target: z.string().trim().min(2).max(200).optional(),
  cursor: z.string().max(2048).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/** Who viewed or exported full records and who changed what, newest first; by default the last 31 days. */
async function auditRoute(event: AuthorizedEvent, principal: Principal): Promise<HttpResult> {
  requireStaff(principal);
  const query = parseQuery(auditQuery, event.queryStringParameters);
  const to = new Date(query.to ?? systemClock.now().toISOString()).toISOString();
  const from = new Date(query.from ?? Date.parse(to) - 31 * 86_400_000).toISOString();
  const page = await listAudit({
    from,
    to,
    actor: query.actor,
    action: query.action as never,
    target: query.target,
    cursor: query.cursor,
    limit: query.limit,
    caller: principal.subject,
  });
  return json(200, { from, to, items: page.items, next: page.next });
}
