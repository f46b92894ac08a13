import { describe, expect, it } from 'vitest';
import { type AuditEvent, auditRecord, isAuditAction } from '../../../shared/domain/audit';

describe('audit events', () => {
  it.each(['registration.view-full', 'export.full', 'export.masked', 'programme.change', 'certificate.change'])(
    '%s is an audit action',
    (action) => {
      expect(isAuditAction(action)).toBe(true);
    },
  );

  it.each(['export', 'export.csv', 'registration.view', ''])('%j is not an audit action', (action) => {
    expect(isAuditAction(action)).toBe(false);
  });

  const event: AuditEvent = {
    at: '2025-03-01T08:00:00.000Z',
    action: 'archive.note',
    actor: 'unit:440300',
    role: 'unit',
    target: 'unit:440300',
    sourceIp: '203.0.113.7',
    userAgent: 'Mozilla/5.0',
    requestId: 'req-1',
  };

  it('masks a personal value that slipped into the detail, and leaves an event without detail as it is', () => {
    const stored = auditRecord({ ...event, detail: { note: '联系人手机 13812345678', fields: ['note'] } });
    expect(stored).toEqual({ ...event, detail: { note: '联系人手机 138****5678', fields: ['note'] } });
    expect(auditRecord(event)).toBe(event);
  });
});
