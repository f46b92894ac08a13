/**
 * The running local cloud's settings that `npm run redrive` needs to reach the same emulators from its own process:
 * `npm start` writes them to `<LOCAL_DATA_DIR>/env.json`.
 */
export function localEnvironment(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const names =
    /^(AWS_|TABLE_NAME|UPLOADS_BUCKET|STATE_MACHINE_ARN|PROGRAMME_YEAR|PUBLIC_BASE_URL|MAIL_|S3_|CLOCK_|PERSON_HASH_KEY|POWERTOOLS_)/;
  return Object.fromEntries(Object.entries(env).filter(([name]) => names.test(name))) as Record<string, string>;
}
