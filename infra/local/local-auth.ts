import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { jwtVerify, SignJWT } from 'jose';
import { CLASSES_CLAIM, HOST_GROUP, STAFF_GROUP, UNIT_CLAIM } from '../../shared/http/principal';

export const LOCAL_ISSUER = 'https://cognito-idp.local/leading-talent';
export const LOCAL_AUDIENCE = 'local-console';
/** The Cognito group and claim of a class host institution (承办机构); see shared/http/principal.ts. */

/** Whom a local token speaks for: staff, one unit's operator, or the host institution of these classes. */
export type LocalIdentity = { staff: true } | { unit: string } | { host: readonly number[] };

/**
 * Stands in for the Cognito user pool: ID tokens with the claims Cognito would issue (`cognito:groups`,
 * `custom:unit`, `custom:classes`), signed with a key kept in .local/ so `npm run token` mints tokens the running
 * cloud accepts.
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

  async mint(who: LocalIdentity, ttlSeconds = 12 * 3600): Promise<string> {
    let claims: Record<string, unknown>;
    let subject: string;
    if ('staff' in who) {
      claims = { 'cognito:groups': [STAFF_GROUP], email: 'staff@local.test', token_use: 'id' };
      subject = 'local-staff';
    } else if ('host' in who) {
      if (who.host.length === 0 || !who.host.every((n) => Number.isInteger(n) && n >= 1 && n <= 99)) {
        throw new Error(`A host token names one or more class numbers (1–99): ${JSON.stringify(who.host)}`);
      }
      const classes = [...new Set(who.host)];
      claims = {
        'cognito:groups': [HOST_GROUP],
        [CLASSES_CLAIM]: classes.join(','),
        email: `host-${classes.join('-')}@local.test`,
        token_use: 'id',
      };
      subject = `local-host-${classes.join('-')}`;
    } else {
      claims = { [UNIT_CLAIM]: who.unit, email: `unit-${who.unit}@local.test`, token_use: 'id' };
      subject = `local-unit-${who.unit}`;
    }
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(subject)
      .setIssuer(LOCAL_ISSUER)
      .setAudience(LOCAL_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(`${ttlSeconds}s`)
      .sign(this.secret);
  }

  /**
   * Test-only: a token with exactly these claims, signed with this cloud's key, for what Cognito would never issue
   * but an authorizer must still judge (an expired token, another issuer, an account with two roles).
   */
  async mintClaims(
    claims: Record<string, unknown>,
    options: { subject: string; issuer?: string; expiresAt?: Date },
  ): Promise<string> {
    const expiresAt = options.expiresAt ?? new Date(Date.now() + 3600_000);
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(options.subject)
      .setIssuer(options.issuer ?? LOCAL_ISSUER)
      .setAudience(LOCAL_AUDIENCE)
      .setIssuedAt(Math.floor(expiresAt.getTime() / 1000) - 3600)
      .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
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
