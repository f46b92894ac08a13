import { scrubDeep } from './personal-data-scrub';

/**
 * An audit event: who did what to which record, when and from where. Kept for the retention period and read by
 * staff through `GET /audit`. It names records by id and describes changes by field name and non-personal value;
 * it never holds an ID number, phone or email (the scrub below is the last line, not the design).
 */
export const AUDIT_ACTIONS = [
  /** A full, unmasked record was shown (`GET /registrations/{id}?full=true`). */
  'registration.view-full',
  /** An export with full personal values was produced. */
  'export.full',
  /** An export with masked values was produced (who took which list out of the system). */
  'export.masked',
  /** The year's programme settings changed (classes, capacities, quotas, deadline, rules). */
  'programme.change',
  /** A unit was given a later deadline. */
  'deadline.extend',
  /** A follow-up note on an enterprise in a unit's archive. */
  'archive.note',
  /** A review decision, a withdrawal, a retry or a leave grant (the registration's history has the detail). */
  'registration.change',
  /** A class's sign-in recorded or corrected, the class closed, or its evaluation reminders sent. */
  'class.change',
  /** A certificate revoked or re-issued. */
  'certificate.change',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditEvent {
  readonly at: string;
  readonly action: AuditAction;
  /** The signed-in subject (staff:… or unit:…), as in every registration history. */
  readonly actor: string;
  readonly role: 'staff' | 'unit' | 'host';
  /** What was acted on: `registration:R…`, `programme:2024`, `unit:440000`, `export:registrations`. */
  readonly target: string;
  /** Where from: the caller's IP address and user agent, as API Gateway saw them. */
  readonly sourceIp: string;
  readonly userAgent: string;
  /** The API request id, to find the request in the logs. */
  readonly requestId: string;
  /** What changed or what was asked for: field names, counts, filters. Never personal values. */
  readonly detail?: Readonly<Record<string, unknown>>;
}

export function isAuditAction(value: string): value is AuditAction {
  return (AUDIT_ACTIONS as readonly string[]).includes(value);
}

/** The event as stored: any personal value that slipped into the detail is masked by pattern. */
export function auditRecord(event: AuditEvent): AuditEvent {
  return event.detail ? { ...event, detail: scrubDeep(event.detail) } : event;
}
