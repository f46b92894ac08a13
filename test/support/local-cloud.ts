import { deniedCalls } from '../../infra/local/access-guard';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { type Endpoints, LocalCloud, type LocalCloudOptions } from '../../infra/local/cloud';

/**
 * A private local cloud for one test file, in a temp dir, removed afterwards. It runs the stack the `cloud` project
 * synthesized at the start of the run (test/support/synthesized-system.ts); elsewhere it synthesizes its own.
 */
export async function startTestCloud(
  options: Partial<LocalCloudOptions> = {},
): Promise<{ cloud: LocalCloud; endpoints: Endpoints; stop: () => Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'leading-talent-test-'));
  const system = inject('localSystem');
  const cloud = new LocalCloud({
    dataDir,
    logLevel: 'ERROR',
    metrics: false,
    ingestRetryDelayMs: 50,
    ...(system ? { system } : {}),
    ...options,
  });
  const endpoints = await cloud.start();
  return {
    cloud,
    endpoints,
    stop: async () => {
      await cloud.stop();
      // A call a role would refuse in AWS fails the suite even where the function caught the error.
      if (deniedCalls.length > 0) throw new Error(`Calls outside infra/data-access.ts: ${deniedCalls.join('; ')}`);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  timeoutMs = 30_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`Timed out waiting for ${what}`);
}

export interface StoredMail {
  readonly subject: string;
  readonly to: string;
  readonly text?: string;
  readonly html?: string;
}

/** The SES emulator's outbox, as its store endpoint reports it. */
export async function outbox(endpoints: Endpoints): Promise<StoredMail[]> {
  const response = await fetch(endpoints.mailStore);
  const store = (await response.json()) as {
    emails: { subject: string; destination: { to: string[] }; body: { text?: string; html?: string } }[];
  };
  return store.emails.map((mail) => ({
    subject: mail.subject,
    to: mail.destination.to.join(','),
    text: mail.body.text,
    html: mail.body.html,
  }));
}

export async function api(
  endpoints: Endpoints,
  path: string,
  init: { token?: string; method?: string; body?: unknown } = {},
  // biome-ignore lint/suspicious/noExplicitAny: tests assert response bodies field by field
): Promise<{ status: number; body: any }> {
  const response = await fetch(`${endpoints.api}${path}`, {
    method: init.method ?? (init.body ? 'POST' : 'GET'),
    headers: {
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      ...(init.body ? { 'content-type': 'application/json' } : {}),
    },
    body: init.body ? JSON.stringify(init.body) : undefined,
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, body };
}

/** Uploads through the presigned POST exactly as a browser form would. */
export async function postToPresigned(
  presigned: { url: string; fields: Record<string, string> },
  file: Uint8Array,
  fileName: string,
): Promise<number> {
  const form = new FormData();
  for (const [name, value] of Object.entries(presigned.fields)) form.append(name, value);
  form.append('file', new Blob([file], { type: presigned.fields['Content-Type'] }), fileName);
  const response = await fetch(presigned.url, { method: 'POST', body: form });
  await response.arrayBuffer();
  return response.status;
}
