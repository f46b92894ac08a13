import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { jwtVerify, SignJWT } from 'jose';
import { STAFF_GROUP, UNIT_CLAIM } from '../../shared/http/principal';

export const LOCAL_ISSUER = 'https://cognito-idp.local/leading-talent';
export const LOCAL_AUDIENCE = 'local-console';

/**
 * Stands in for the Cognito user pool: ID tokens with the claims Cognito would issue (`cognito:groups`,
 * `custom:unit`), signed with a key kept in .local/ so `npm run token` mints tokens the running cloud accepts.
 */
export class LocalAuth {
  private readonly secret: Uint8Array;

  constructor(keyFile: string) {
    if (!existsSync(keyFile)) {
      mkdirSync(dirname(keyFile), { recursive: true });
      writeFileSync(keyFile, randomBytes(32).toString('base64'), { mode: 0o600 });
    }
    this.secret = Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'base64');
  }

  async mint(who: { staff: true } | { unit: string }, ttlSeconds = 12 * 3600): Promise<string> {
    const claims: Record<string, unknown> =
      'staff' in who
        ? { 'cognito:groups': [STAFF_GROUP], email: 'staff@local.test', token_use: 'id' }
        : { [UNIT_CLAIM]: who.unit, email: `unit-${who.unit}@local.test`, token_use: 'id' };
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('staff' in who ? 'local-staff' : `local-unit-${who.unit}`)
      .setIssuer(LOCAL_ISSUER)
      .setAudience(LOCAL_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(`${ttlSeconds}s`)
      .sign(this.secret);
  }

  /** The JWT authorizer's checks: signature, issuer, audience, expiry. Returns the claims or undefined. */
  async verify(token: string): Promise<Record<string, unknown> | undefined> {
    try {
      const { payload } = await jwtVerify(token, this.secret, { issuer: LOCAL_ISSUER, audience: LOCAL_AUDIENCE });
      return payload as Record<string, unknown>;
    } catch {
      return undefined;
    }
  }
}
