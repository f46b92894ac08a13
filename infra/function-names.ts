import { fileURLToPath } from 'node:url';

/** The Lambdas of the system; each is `functions/<name>/handler.ts`, in AWS and in the local cloud alike. */
export const FUNCTION_NAMES = [
  'upload-url',
  'ingest-upload',
  'admin-api',
  'class-api',
  'staff-api',
  'public-api',
  'certificate-api',
  'evaluation-api',
  'workflow-task',
  'send-notice',
  'stuck-uploads',
  'mail-events',
] as const;
export type FunctionName = (typeof FUNCTION_NAMES)[number];

export function functionEntry(name: FunctionName): string {
  return fileURLToPath(new URL(`../functions/${name}/handler.ts`, import.meta.url));
}
