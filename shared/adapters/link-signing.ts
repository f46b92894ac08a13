import { createHmac, timingSafeEqual } from 'node:crypto';
import { personHashKey } from './person-hash-key';

/**
 * Links that work without signing in but only for a while: an HMAC over the path and the expiry, under a key
 * derived from the system's secret for this purpose alone (the person-hash key itself never signs anything).
 */
async function signingKey(): Promise<Buffer> {
  return createHmac('sha256', await personHashKey())
    .update('signed-links/v1')
    .digest();
}

export async function signPath(path: string, expiresAt: Date): Promise<{ expires: number; signature: string }> {
  const expires = Math.floor(expiresAt.getTime() / 1000);
  const signature = createHmac('sha256', await signingKey())
    .update(`${path}|${expires}`)
    .digest('base64url');
  return { expires, signature };
}

/** True when the signature is this path's and the link has not expired at `now`. */
export async function verifyPathSignature(
  path: string,
  expires: number,
  signature: string,
  now: Date,
): Promise<'valid' | 'expired' | 'invalid'> {
  const expected = createHmac('sha256', await signingKey())
    .update(`${path}|${expires}`)
    .digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'invalid';
  return now.getTime() / 1000 <= expires ? 'valid' : 'expired';
}
