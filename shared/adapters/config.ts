import { z } from 'zod';

/**
 * Environment, validated once per cold start. A missing or malformed variable fails the first invocation loudly
 * instead of surfacing later as a confusing SDK error.
 */
const configSchema = z.object({
  TABLE_NAME: z.string().min(1),
  UPLOADS_BUCKET: z.string().min(1),
  STATE_MACHINE_ARN: z.string().min(1).optional(),
  PROGRAMME_YEAR: z.coerce.number().int().min(2000).max(2100),
  PUBLIC_BASE_URL: z.url(),
  MAIL_FROM: z.string().min(3),
  MAIL_REPLY_TO: z.email(),
  MAIL_CONFIGURATION_SET: z.string().min(1).optional(),
  /** ses (default) or smtp, where SES is not offered (China regions): the stack sets it from `-c mail=`. */
  MAIL_TRANSPORT: z.enum(['ses', 'smtp']).default('ses'),
  SMTP_HOST: z.string().min(1).optional(),
  SMTP_PORT: z.coerce.number().int().min(1).max(65535).default(587),
  /** Secrets Manager secret (name or ARN) with the relay's credentials: {"username","password"}. */
  SMTP_SECRET_ID: z.string().min(1).optional(),
  /** Seconds a presigned upload stays valid; role credentials are temporary, so keep it short (≤ 15 min). */
  UPLOAD_URL_TTL_SECONDS: z.coerce.number().int().min(60).max(900).default(600),
  /** Days an ended registration is kept (rejected, expired, not placed, withdrawn, incomplete); then TTL deletes it. */
  REGISTRATION_RETENTION_DAYS: z.coerce.number().int().min(30).max(3650).default(730),
  /** Days a certified trainee's registration is kept for the unit archives; then TTL deletes it. */
  CERTIFIED_RETENTION_DAYS: z.coerce.number().int().min(365).max(7300).default(1825),
  /** Days an audit event is kept (who viewed or exported full records, who changed what). */
  AUDIT_RETENTION_DAYS: z.coerce.number().int().min(365).max(7300).default(1825),
  /**
   * Exports up to this size are the reply itself; larger ones are written under exports/ and served by a link. At
   * most 4 MB: Lambda returns 6 MB, and a file travels base64-encoded. Lower it where clients sit on slow links.
   */
  EXPORT_INLINE_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(4 * 1024 * 1024)
    .default(4 * 1024 * 1024),
  /** Only the local cloud sets these. */
  S3_FORCE_PATH_STYLE: z
    .enum(['true', 'false'])
    .default('false')
    .transform((value) => value === 'true'),
  CLOCK_OFFSET_MS: z.coerce.number().int().default(0),
  PERSON_HASH_KEY: z.string().min(32).optional(),
});

export type Config = z.infer<typeof configSchema>;

let cached: Config | undefined;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  if (cached && env === process.env) return cached;
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new Error(`Invalid configuration: ${problems}`);
  }
  if (parsed.data.MAIL_TRANSPORT === 'smtp' && (!parsed.data.SMTP_HOST || !parsed.data.SMTP_SECRET_ID)) {
    throw new Error('Invalid configuration: MAIL_TRANSPORT=smtp needs SMTP_HOST and SMTP_SECRET_ID');
  }
  if (env === process.env) cached = parsed.data;
  return parsed.data;
}

/** Tests and the local cloud change the environment between runs. */
export function resetConfig(): void {
  cached = undefined;
}
