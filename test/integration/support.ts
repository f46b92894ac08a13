import { PutObjectCommand } from '@aws-sdk/client-s3';
import { GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { expect } from 'vitest';
import { dynamoClient, s3Client } from '../../shared/adapters/aws-clients';
import { keys } from '../../shared/adapters/keys';
import { BUCKET_NAME, type Endpoints, TABLE_NAME } from '../../infra/local/cloud';
import type { Finding } from '../../shared/domain/errors';
import { REGISTRATION_STATUSES } from '../../shared/domain/trainee-registration';
import type { TraineeCells } from '../fixtures/registration-data';
import { buildCsv, TRAINEE_HEADERS, traineeRow } from '../fixtures/spreadsheet-files';
import { api } from '../support/local-cloud';

/**
 * Helpers for the integration tests. They run in the process that hosts the local cloud, so they use the same
 * adapters' clients (whose endpoints the local cloud put into the environment).
 */

export interface IssuedUpload {
  readonly uploadId: string;
  readonly key: string;
}

/** POST /uploads as the unit: ingest only reads objects whose upload was requested this way. */
export async function requestUpload(
  endpoints: Endpoints,
  unit: string,
  fileName = '报名表.csv',
): Promise<IssuedUpload> {
  const response = await api(endpoints, '/uploads', {
    token: endpoints.tokens[unit],
    body: { form: 'trainee', fileName },
  });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return { uploadId: response.body.uploadId, key: response.body.key };
}

export function traineeCsv(trainees: readonly TraineeCells[]): Uint8Array {
  return buildCsv(
    TRAINEE_HEADERS,
    trainees.map((trainee) => traineeRow(trainee)),
  );
}

/** Puts the object straight into the bucket; s3rver emits ObjectCreated:Put, which the local cloud sends to ingest. */
export async function putObject(key: string, body: Uint8Array, contentType = 'text/csv'): Promise<void> {
  await s3Client().send(new PutObjectCommand({ Bucket: BUCKET_NAME, Key: key, Body: body, ContentType: contentType }));
}

/** Requests an upload for the unit and puts the CSV of these trainees; ingest runs asynchronously afterwards. */
export async function uploadTrainees(
  endpoints: Endpoints,
  unit: string,
  trainees: readonly TraineeCells[],
): Promise<IssuedUpload> {
  const issued = await requestUpload(endpoints, unit);
  await putObject(issued.key, traineeCsv(trainees));
  return issued;
}

export interface StoredUpload {
  readonly uploadId: string;
  readonly unit: string;
  readonly status: 'pending' | 'processing' | 'done' | 'failed';
  readonly rows?: number;
  readonly accepted?: number;
  readonly findings?: Finding[];
}

export async function storedUpload(uploadId: string): Promise<StoredUpload | undefined> {
  const result = await dynamoClient().send(
    new GetCommand({ TableName: TABLE_NAME, Key: keys.upload(uploadId), ConsistentRead: true }),
  );
  return result.Item as StoredUpload | undefined;
}

// biome-ignore lint/suspicious/noExplicitAny: scanned items of every type; the checks read fields by name.
export type Item = Record<string, any>;

export async function scanTable(): Promise<Item[]> {
  const items: Item[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await dynamoClient().send(
      new ScanCommand({ TableName: TABLE_NAME, ExclusiveStartKey: start, ConsistentRead: true }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

/** Counts the rows of a bounded-concurrency run: `limit` tasks at a time, in order of the inputs. */
export async function inBatches<T, R>(
  inputs: readonly T[],
  limit: number,
  task: (input: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(inputs.length);
  let next = 0;
  const worker = async () => {
    while (next < inputs.length) {
      const index = next++;
      results[index] = await task(inputs[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, inputs.length) }, worker));
  return results;
}

export interface StoreSummary {
  /** Registrations in status nominated, by unit. */
  readonly nominatedByUnit: Record<string, number>;
  readonly registrations: Item[];
  readonly enterpriseLocks: Item[];
  readonly personLocks: Item[];
  readonly counters: Record<string, number>;
}

export function summarize(items: readonly Item[]): StoreSummary {
  const registrations = items.filter((item) => item.type === 'registration');
  const nominatedByUnit: Record<string, number> = {};
  for (const registration of registrations) {
    if (registration.status === 'nominated') {
      nominatedByUnit[registration.unit] = (nominatedByUnit[registration.unit] ?? 0) + 1;
    }
  }
  const counters: Record<string, number> = {};
  for (const item of items.filter((i) => i.type === 'quota' && typeof i.sk === 'string' && i.sk.startsWith('QUOTA#'))) {
    counters[String(item.unit)] = Number(item.used ?? 0);
  }
  return {
    nominatedByUnit,
    registrations,
    enterpriseLocks: items.filter((item) => item.type === 'enterprise-lock'),
    personLocks: items.filter((item) => item.type === 'person-lock'),
    counters,
  };
}

/**
 * The store's invariants after ingest (no withdrawals or rejections yet): each unit's quota counter and its status
 * count of `nominated` equal its nominated registrations; every lock points at a registration of the same unit and
 * every registration holds both locks. Returns the violations, so a failure says what is wrong.
 */
export function invariantViolations(items: readonly Item[]): string[] {
  const summary = summarize(items);
  const violations: string[] = [];
  const statusCounted: Record<string, number> = {};
  for (const item of items.filter((i) => i.type === 'status-counts')) {
    statusCounted[String(item.unit)] = Number(item.nominated ?? 0);
  }
  const units = new Set([
    ...Object.keys(summary.counters),
    ...Object.keys(summary.nominatedByUnit),
    ...Object.keys(statusCounted),
  ]);
  for (const unit of units) {
    const used = summary.counters[unit] ?? 0;
    const nominated = summary.nominatedByUnit[unit] ?? 0;
    if (used !== nominated) violations.push(`unit ${unit}: counter ${used} ≠ ${nominated} nominated registrations`);
    const counted = statusCounted[unit] ?? 0;
    if (counted !== nominated) {
      violations.push(`unit ${unit}: status count ${counted} nominated ≠ ${nominated} nominated registrations`);
    }
  }
  const byId = new Map(summary.registrations.map((r) => [String(r.registrationId), r]));
  const lockHolders = (locks: Item[], what: string) => {
    const held = new Set<string>();
    for (const lock of locks) {
      const registration = byId.get(String(lock.registrationId));
      if (!registration) violations.push(`${what} ${lock.pk} without its registration ${lock.registrationId}`);
      else if (registration.unit !== lock.unit) violations.push(`${what} ${lock.pk} names another unit`);
      if (held.has(String(lock.registrationId))) violations.push(`${what}: two locks for ${lock.registrationId}`);
      held.add(String(lock.registrationId));
    }
    return held;
  };
  const enterpriseHeld = lockHolders(summary.enterpriseLocks, 'enterprise lock');
  const personHeld = lockHolders(summary.personLocks, 'person lock');
  for (const registration of summary.registrations) {
    const id = String(registration.registrationId);
    if (!enterpriseHeld.has(id)) violations.push(`registration ${id} without its enterprise lock`);
    if (!personHeld.has(id)) violations.push(`registration ${id} without its person lock`);
    const enterpriseLock = summary.enterpriseLocks.find((lock) => lock.registrationId === id);
    if (enterpriseLock && !String(enterpriseLock.pk).endsWith(`#${registration.trainee?.creditCode}`)) {
      violations.push(`registration ${id}: enterprise lock is not on its credit code`);
    }
  }
  return violations;
}

/**
 * Each unit's stored status counts against its registrations: a count per status equal to the registrations in it,
 * and `approved` equal to the registrations whose history has a status event out of `nominated` into a place.
 * Returns the differences, so a failure says which unit and figure drifted.
 */
export function statusCountViolations(items: readonly Item[]): string[] {
  const expected = new Map<string, Record<string, number>>();
  const unitOf = new Map<string, string>();
  const tally = (unit: string, figure: string) => {
    const figures = expected.get(unit) ?? {};
    figures[figure] = (figures[figure] ?? 0) + 1;
    expected.set(unit, figures);
  };
  for (const registration of items.filter((item) => item.type === 'registration')) {
    unitOf.set(String(registration.registrationId), String(registration.unit));
    tally(String(registration.unit), String(registration.status));
  }
  for (const event of items.filter((item) => item.type === 'history' && item.kind === 'status')) {
    if (event.from !== 'nominated' || !['assigned', 'waitlisted', 'not-placed'].includes(event.to)) continue;
    tally(unitOf.get(String(event.pk).slice('REG#'.length)) ?? '?', 'approved');
  }
  const violations: string[] = [];
  const stored = new Map(
    items.filter((item) => item.type === 'status-counts').map((item) => [String(item.unit), item]),
  );
  for (const unit of new Set([...expected.keys(), ...stored.keys()])) {
    const counts = stored.get(unit) ?? {};
    const figures = expected.get(unit) ?? {};
    for (const figure of new Set([...Object.keys(figures), ...REGISTRATION_STATUSES, 'approved'])) {
      const want = figures[figure] ?? 0;
      const have = Number(counts[figure] ?? 0);
      if (want !== have) violations.push(`unit ${unit}: ${figure} counted ${have}, registrations say ${want}`);
    }
  }
  return violations;
}

export function findingsOf(upload: StoredUpload | undefined, code: string): Finding[] {
  return (upload?.findings ?? []).filter((finding) => finding.code === code);
}
