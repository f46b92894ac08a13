import { resetClients } from '../../shared/adapters/aws-clients';
import { resetConfig } from '../../shared/adapters/config';

/** The configuration a handler validates at cold start, with placeholder values, for unit tests with mocked clients. */
export const UNIT_TEST_ENVIRONMENT = {
  TABLE_NAME: 't',
  UPLOADS_BUCKET: 'b',
  PROGRAMME_YEAR: '2024',
  PUBLIC_BASE_URL: 'http://localhost',
  MAIL_FROM: 'x <a@b.cn>',
  MAIL_REPLY_TO: 'a@b.cn',
  AWS_REGION: 'cn-north-1',
} as const;

/** Sets that configuration (plus any overrides) and drops cached configuration and clients, so mocks take hold. */
export function useUnitTestEnvironment(overrides: Record<string, string> = {}): void {
  Object.assign(process.env, UNIT_TEST_ENVIRONMENT, overrides);
  resetConfig();
  resetClients();
}
