import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { resetClients } from '../../../shared/adapters/aws-clients';
import { loadConfig, resetConfig } from '../../../shared/adapters/config';
import { presignUpload } from '../../../shared/adapters/upload-files';
import { CONTENT_TYPES, MAX_UPLOAD_BYTES, uploadKey } from '../../../shared/domain/upload';

/**
 * The local S3 emulator does not enforce POST policies, so the policy itself is checked here: presigning is local
 * (no network), and the base64 Policy field is what S3 enforces in AWS.
 */
const BUCKET = 'training-uploads-test';
const KEY = uploadKey(2024, '110000', '0b8f9a52-6c1e-4d3a-9f5e-2a7c4e1d3b60', 'xlsx');
const CONTENT_TYPE = CONTENT_TYPES.xlsx;
const FIFTEEN_MINUTES_MS = 15 * 60 * 1000;

interface PostPolicy {
  readonly expiration: string;
  readonly conditions: readonly unknown[];
}

let fields: Record<string, string>;
let url: string;
let policy: PostPolicy;
let signedAt: number;

beforeAll(async () => {
  const env = {
    TABLE_NAME: 'training-table-test',
    UPLOADS_BUCKET: BUCKET,
    PROGRAMME_YEAR: '2024',
    PUBLIC_BASE_URL: 'http://localhost',
    MAIL_FROM: 'x <a@b.cn>',
    MAIL_REPLY_TO: 'a@b.cn',
    AWS_REGION: 'cn-north-1',
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLEONLY',
    AWS_SECRET_ACCESS_KEY: 'example-secret-not-real',
    AWS_SESSION_TOKEN: 'example-session-token',
  };
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  vi.stubEnv('UPLOAD_URL_TTL_SECONDS', undefined);
  vi.stubEnv('AWS_ENDPOINT_URL_S3', undefined);
  vi.stubEnv('AWS_ENDPOINT_URL', undefined);
  resetConfig();
  resetClients();

  signedAt = Date.now();
  // The same request the upload-url handler makes, with the configured (default) lifetime.
  const presigned = await presignUpload({
    key: KEY,
    contentType: CONTENT_TYPE,
    maxBytes: MAX_UPLOAD_BYTES,
    expiresInSeconds: loadConfig().UPLOAD_URL_TTL_SECONDS,
  });
  fields = presigned.fields;
  url = presigned.url;
  policy = JSON.parse(Buffer.from(fields.Policy ?? '', 'base64').toString('utf8'));
});

afterAll(() => {
  vi.unstubAllEnvs();
  resetConfig();
  resetClients();
});

describe('presigned POST policy', () => {
  it('expires in the future and at most 15 minutes after signing', () => {
    const expiresAt = Date.parse(policy.expiration);
    expect(expiresAt).toBeGreaterThan(signedAt);
    // Second-level rounding in the policy's timestamp: allow one second.
    expect(expiresAt - signedAt).toBeLessThanOrEqual(FIFTEEN_MINUTES_MS + 1000);
  });

  it('pins the exact object key, with no looser key condition', () => {
    expect(policy.conditions).toContainEqual(['eq', '$key', KEY]);
    expect(fields.key).toBe(KEY);
    const keyConditions = policy.conditions.filter(
      (condition) =>
        (Array.isArray(condition) && String(condition[1]).toLowerCase() === '$key') ||
        (!Array.isArray(condition) && typeof condition === 'object' && condition !== null && 'key' in condition),
    );
    for (const condition of keyConditions) expect(condition).not.toEqual(expect.arrayContaining(['starts-with']));
  });

  it('pins the exact Content-Type', () => {
    expect(policy.conditions).toContainEqual(['eq', '$Content-Type', CONTENT_TYPE]);
    expect(fields['Content-Type']).toBe(CONTENT_TYPE);
  });

  it('limits the size to 1 byte .. 5 MiB', () => {
    expect(MAX_UPLOAD_BYTES).toBe(5 * 1024 * 1024);
    const ranges = policy.conditions.filter(
      (condition) => Array.isArray(condition) && condition[0] === 'content-length-range',
    );
    expect(ranges).toEqual([['content-length-range', 1, 5 * 1024 * 1024]]);
  });

  it('is bound to the uploads bucket', () => {
    expect(policy.conditions).toContainEqual({ bucket: BUCKET });
    expect(url).toContain(BUCKET);
  });

  it('is signed with SigV4 by the (temporary) credentials', () => {
    expect(fields['X-Amz-Algorithm']).toBe('AWS4-HMAC-SHA256');
    expect(fields['X-Amz-Credential']).toMatch(/^AKIDEXAMPLEONLY\/\d{8}\/cn-north-1\/s3\/aws4_request$/);
    expect(fields['X-Amz-Security-Token']).toBe('example-session-token');
    expect(fields['X-Amz-Signature']).toMatch(/^[0-9a-f]{64}$/);
  });
});
