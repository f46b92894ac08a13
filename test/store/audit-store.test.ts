import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { auditOf, auditPut, listAudit, recordAudit } from '../../shared/adapters/audit-store';
import { dynamoClient } from '../../shared/adapters/aws-clients';
import { systemClock } from '../../shared/adapters/clock';
import { resetConfig } from '../../shared/adapters/config';
import type { AuditEvent } from '../../shared/domain/audit';
import type { AuthorizedEvent, Principal } from '../../shared/http/principal';
import { partition } from './support/store-items';

function event(at: string, overrides: Partial<AuditEvent> = {}): AuditEvent {
  return {
    at,
    action: 'registration.change',
    actor: 'staff:a',
    role: 'staff',
    target: 'registration:R1',
    sourceIp: '10.0.0.1',
    userAgent: 'test',
    requestId: `req-${at}`,
    ...overrides,
  };
}

const caller = 'staff:reader';
// Paging cursors are signed with a key derived from the person-hash key.
process.env.PERSON_HASH_KEY = 'k'.repeat(32);
resetConfig();

afterEach(() => vi.restoreAllMocks());

describe('audit store against DynamoDB Local', () => {
  it('stores an event in its month, expiring 1825 days (the default retention) after it', async () => {
    await recordAudit(event('2041-03-15T10:00:00.000Z', { detail: { fields: ['phone'] } }));
    const [item] = await partition('AUDIT#2041-03');
    expect(item).toMatchObject({ type: 'audit', action: 'registration.change', detail: { fields: ['phone'] } });
    expect(String(item?.sk)).toMatch(/^2041-03-15T10:00:00\.000Z#[0-9a-f]{12}$/);
    // 2041-03-15T10:00:00Z is 2246954400 s after the epoch; 1825 days are 157680000 s.
    expect(item?.expiresAt).toBe(2_246_954_400 + 157_680_000);
  });

  it('puts an event as one item of a transaction', async () => {
    await dynamoClient().send(
      new TransactWriteCommand({ TransactItems: [auditPut(event('2042-04-01T00:00:00.000Z', { actor: 'unit:x' }))] }),
    );
    const items = await partition('AUDIT#2042-04');
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ type: 'audit', actor: 'unit:x', requestId: 'req-2042-04-01T00:00:00.000Z' });
  });

  it('describes a request: who, from where, when, with the detail only when given', () => {
    vi.spyOn(systemClock, 'now').mockReturnValue(new Date('2030-01-02T03:04:05.000Z'));
    const principal = { subject: 'staff:s', role: 'staff' } as Principal;
    const request = {
      requestContext: { requestId: 'abc', http: { sourceIp: '1.2.3.4', userAgent: 'x'.repeat(250) } },
    } as unknown as AuthorizedEvent;
    expect(auditOf(request, principal, 'export.full', 'export:registrations', { count: 3 })).toEqual({
      at: '2030-01-02T03:04:05.000Z',
      action: 'export.full',
      actor: 'staff:s',
      role: 'staff',
      target: 'export:registrations',
      sourceIp: '1.2.3.4',
      userAgent: 'x'.repeat(200),
      requestId: 'abc',
      detail: { count: 3 },
    });
    const bare = auditOf({} as AuthorizedEvent, principal, 'programme.change', 'programme:2030');
    expect(bare).toEqual({
      at: '2030-01-02T03:04:05.000Z',
      action: 'programme.change',
      actor: 'staff:s',
      role: 'staff',
      target: 'programme:2030',
      sourceIp: 'unknown',
      userAgent: '',
      requestId: 'unknown',
    });
    expect(bare).not.toHaveProperty('detail');
    const noHttp = auditOf({ requestContext: {} } as unknown as AuthorizedEvent, principal, 'export.full', 't');
    expect(noHttp).toMatchObject({ sourceIp: 'unknown', userAgent: '', requestId: 'unknown' });
  });

  it('lists a period newest first across months and a new year, within the inclusive bounds', async () => {
    for (const at of [
      '2043-11-30T23:59:59.999Z', // before the period
      '2043-12-01T00:00:00.000Z', // its first instant
      '2043-12-15T00:00:00.000Z',
      '2044-01-10T00:00:00.000Z',
      '2044-02-05T12:00:00.000Z', // its last instant
      '2044-02-05T12:00:00.001Z', // after it
    ]) {
      await recordAudit(event(at));
    }
    const page = await listAudit({
      from: '2043-12-01T00:00:00.000Z',
      to: '2044-02-05T12:00:00.000Z',
      limit: 10,
      caller,
    });
    expect(page.items.map((e) => e.at)).toEqual([
      '2044-02-05T12:00:00.000Z',
      '2044-01-10T00:00:00.000Z',
      '2043-12-15T00:00:00.000Z',
      '2043-12-01T00:00:00.000Z',
    ]);
    expect(page.next).toBeNull();
    expect(page.items[0]).toEqual(event('2044-02-05T12:00:00.000Z'));
  });

  it('pages by the limit within and between months, and refuses a cursor for another query', async () => {
    for (const at of [
      '2045-05-03T00:00:00.000Z',
      '2045-05-02T00:00:00.000Z',
      '2045-04-20T00:00:00.000Z',
      '2045-02-01T00:00:00.000Z',
    ]) {
      await recordAudit(event(at));
    }
    const query = { from: '2045-01-01T00:00:00.000Z', to: '2045-06-30T23:59:59.999Z', caller };
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await listAudit({ ...query, limit: 2, cursor });
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((e) => e.at));
      cursor = page.next ?? undefined;
      pages++;
    } while (cursor && pages < 10);
    expect(seen).toEqual([
      '2045-05-03T00:00:00.000Z',
      '2045-05-02T00:00:00.000Z',
      '2045-04-20T00:00:00.000Z',
      '2045-02-01T00:00:00.000Z',
    ]);
    const first = await listAudit({ ...query, limit: 3 });
    expect(first.items.map((e) => e.at)).toEqual([
      '2045-05-03T00:00:00.000Z',
      '2045-05-02T00:00:00.000Z',
      '2045-04-20T00:00:00.000Z',
    ]);
    expect(first.next).not.toBeNull();
    const rest = await listAudit({ ...query, limit: 3, cursor: first.next as string });
    expect(rest.items.map((e) => e.at)).toEqual(['2045-02-01T00:00:00.000Z']);
    expect(rest.next).toBeNull();
    await expect(
      listAudit({ ...query, actor: 'staff:other', limit: 3, cursor: first.next as string }),
    ).rejects.toMatchObject({ code: 'INVALID_CURSOR' });
    await expect(
      listAudit({ ...query, limit: 3, caller: 'staff:else', cursor: first.next as string }),
    ).rejects.toThrow();
    // A page that ends exactly at the period's last event (DynamoDB may still hand back a key): the next is empty.
    const may = { from: '2045-05-01T00:00:00.000Z', to: '2045-05-31T00:00:00.000Z', caller, limit: 2 };
    const exact = await listAudit(may);
    expect(exact.items).toHaveLength(2);
    const after = exact.next ? await listAudit({ ...may, cursor: exact.next }) : { items: [], next: null };
    expect(after).toEqual({ items: [], next: null });
  });

  it('filters by actor, action, an exact target or a kind of target', async () => {
    await recordAudit(
      event('2046-03-01T00:00:00.000Z', { actor: 'staff:a', action: 'export.full', target: 'export:registrations' }),
    );
    await recordAudit(
      event('2046-03-02T00:00:00.000Z', { actor: 'staff:b', action: 'registration.change', target: 'registration:R1' }),
    );
    await recordAudit(
      event('2046-03-03T00:00:00.000Z', {
        actor: 'staff:a',
        action: 'registration.change',
        target: 'registration:R22',
      }),
    );
    const period = { from: '2046-03-01T00:00:00.000Z', to: '2046-03-31T23:59:59.999Z', caller, limit: 10 };
    const ats = async (filters: object) =>
      (await listAudit({ ...period, ...filters })).items.map((e) => e.at.slice(8, 10));
    expect(await ats({})).toEqual(['03', '02', '01']);
    expect(await ats({ actor: 'staff:a' })).toEqual(['03', '01']);
    expect(await ats({ action: 'registration.change' })).toEqual(['03', '02']);
    expect(await ats({ target: 'registration:R1' })).toEqual(['02']);
    expect(await ats({ target: 'registration:' })).toEqual(['03', '02']);
    expect(await ats({ target: 'registration' })).toEqual([]);
    expect(await ats({ actor: 'staff:a', action: 'registration.change', target: 'registration:' })).toEqual(['03']);
  });

  it('fills a page from the next month only up to the limit', async () => {
    await recordAudit(event('2047-07-01T00:00:00.000Z'));
    for (const day of ['01', '02', '03']) await recordAudit(event(`2047-06-${day}T00:00:00.000Z`));
    const page = await listAudit({
      from: '2047-06-01T00:00:00.000Z',
      to: '2047-07-31T00:00:00.000Z',
      caller,
      limit: 2,
    });
    expect(page.items.map((e) => e.at)).toEqual(['2047-07-01T00:00:00.000Z', '2047-06-03T00:00:00.000Z']);
  });

  it('keeps reading a month when a page of it held no match for the filter', async () => {
    await recordAudit(event('2048-08-03T00:00:00.000Z', { actor: 'staff:b' }));
    await recordAudit(event('2048-08-02T00:00:00.000Z', { actor: 'staff:b' }));
    await recordAudit(event('2048-08-01T00:00:00.000Z', { actor: 'staff:a' }));
    await recordAudit(event('2048-07-01T00:00:00.000Z', { actor: 'staff:a' }));
    const period = { from: '2048-07-01T00:00:00.000Z', to: '2048-08-31T00:00:00.000Z', caller, actor: 'staff:a' };
    const page = await listAudit({ ...period, limit: 2 });
    expect(page.items.map((e) => e.at)).toEqual(['2048-08-01T00:00:00.000Z', '2048-07-01T00:00:00.000Z']);
  });

  it('reads back at most ten years and a month: 121 month partitions', async () => {
    await recordAudit(event('2050-12-31T00:00:00.000Z', { requestId: 'oldest-read' }));
    await recordAudit(event('2050-11-30T00:00:00.000Z', { requestId: 'too-old' }));
    const page = await listAudit({
      from: '2040-01-01T00:00:00.000Z',
      to: '2060-12-31T23:59:59.999Z',
      caller,
      limit: 5,
    });
    expect(page.items.map((e) => e.requestId)).toEqual(['oldest-read']);
  });
});
