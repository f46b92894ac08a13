import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { loadConfig } from './config';

/**
 * The key behind the person lock's keyed hash. In AWS it is a generated Secrets Manager secret (cached by
 * Powertools Parameters); the local cloud passes a random key per data directory in PERSON_HASH_KEY.
 */
export async function personHashKey(): Promise<string> {
  const config = loadConfig();
  if (config.PERSON_HASH_KEY) return config.PERSON_HASH_KEY;
  const secretArn = process.env.PERSON_HASH_SECRET_ARN;
  if (!secretArn) throw new Error('Neither PERSON_HASH_KEY nor PERSON_HASH_SECRET_ARN is configured');
  const secret = await getSecret(secretArn, { maxAge: 3600 });
  if (typeof secret !== 'string' || secret.length < 32) throw new Error('person hash secret is missing or too short');
  return secret;
}
