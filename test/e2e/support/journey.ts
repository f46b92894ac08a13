import { expect } from 'vitest';
import type { Endpoints } from '../../../infra/local/cloud';
import type { TraineeCells } from '../../fixtures/registration-data';
import { buildCsv, TRAINEE_HEADERS, traineeRow } from '../../fixtures/spreadsheet-files';
import { api, eventually, outbox, postToPresigned, type StoredMail } from '../../support/local-cloud';

/**
 * How long a nomination may take to be recorded and parked at review. Seconds on an idle machine; two cores shared
 * by two test files, each with its own emulators and workflows, have taken over 30 s.
 */
const NOMINATION_WAIT_MS = 90_000;

/**
 * A trainee's journey driven through public surfaces only: the HTTP API, presigned POST, the SES outbox and the
 * local cloud's clock control (npm run clock).
 */
export class Journey {
  constructor(
    readonly endpoints: Endpoints,
    readonly unit = '110000',
  ) {}

  get staff(): string {
    return this.endpoints.tokens.staff as string;
  }

  get unitToken(): string {
    return this.endpoints.tokens[this.unit] as string;
  }

  host(classNumber: number): string {
    const hosts = (this.endpoints.tokens as unknown as { hosts: Record<string, string> }).hosts;
    return hosts[String(classNumber)] as string;
  }

  /** Uploads trainees as the unit; resolves with their registration ids, in row order, once each waits for review. */
  async nominate(rows: readonly TraineeCells[]): Promise<string[]> {
    const issued = await api(this.endpoints, '/uploads', {
      token: this.unitToken,
      body: { form: 'trainee', fileName: 'trainees.csv' },
    });
    expect(issued.status).toBe(201);
    await postToPresigned(
      issued.body,
      buildCsv(
        TRAINEE_HEADERS,
        rows.map((row) => traineeRow(row)),
      ),
      'trainees.csv',
    );
    const report = await eventually(
      async () => {
        const r = await api(this.endpoints, `/uploads/${issued.body.uploadId}/report`, { token: this.unitToken });
        return ['pending', 'processing'].includes(r.body.status) ? undefined : r.body;
      },
      NOMINATION_WAIT_MS,
      'the upload report',
    );
    expect(report).toMatchObject({ status: 'done', accepted: rows.length });
    const ids: string[] = [];
    for (const row of rows) {
      const item = await eventually(
        async () => {
          const found = await this.findByName(String(row.name));
          return found?.awaiting?.stage === 'review' ? found : undefined;
        },
        NOMINATION_WAIT_MS,
        `${row.name} awaiting review`,
      );
      ids.push(item.registrationId);
    }
    return ids;
  }

  async findByName(name: string) {
    let cursor: string | undefined;
    do {
      const page = await api(
        this.endpoints,
        `/registrations?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        { token: this.staff },
      );
      const item = page.body.items.find((candidate: { name: string }) => candidate.name === name);
      if (item) return (await this.registration(item.registrationId)).body;
      cursor = page.body.next ?? undefined;
    } while (cursor);
    return undefined;
  }

  registration(id: string, token = this.staff) {
    return api(this.endpoints, `/registrations/${id}`, { token });
  }

  async review(id: string, decision: 'approved' | 'rejected', reason?: string) {
    const reply = await api(this.endpoints, `/registrations/${id}/review`, {
      token: this.staff,
      body: { decision, ...(reason ? { reason } : {}) },
    });
    expect(reply.status, JSON.stringify(reply.body)).toBe(202);
  }

  /** Waits until the registration reaches `status` (and, if given, the workflow waits in `stage`). */
  async until(id: string, status: string, stage?: string) {
    return eventually(
      async () => {
        const { body } = await this.registration(id);
        if (body.status !== status) return undefined;
        if (stage && body.awaiting?.stage !== stage) return undefined;
        return body;
      },
      30_000,
      `${id} to be ${status}${stage ? ` awaiting ${stage}` : ''}`,
    );
  }

  async setClock(iso: string): Promise<{ now: string; fired: number }> {
    const response = await fetch(`${this.endpoints.control}/clock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ now: iso }),
    });
    const body = (await response.json()) as { now: string; fired: number };
    expect(response.status, JSON.stringify(body)).toBe(200);
    return body;
  }

  attendance(
    classNumber: number,
    token: string,
    session: number,
    records: { registrationId: string; status: string; note?: string }[],
  ) {
    return api(this.endpoints, `/classes/${classNumber}/attendance`, {
      token,
      method: 'PUT',
      body: { session, records },
    });
  }

  async mail(to: string, subjectIncludes: string): Promise<StoredMail> {
    return eventually(
      async () => (await outbox(this.endpoints)).find((m) => m.to === to && m.subject.includes(subjectIncludes)),
      30_000,
      `mail "${subjectIncludes}" to ${to}`,
    );
  }

  async mails(to: string): Promise<StoredMail[]> {
    return (await outbox(this.endpoints)).filter((m) => m.to === to);
  }
}
