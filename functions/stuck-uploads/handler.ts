import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { systemClock } from '../../shared/adapters/clock';
import { logger } from '../../shared/adapters/logger';
import { observability } from '../../shared/adapters/observability';
import { checkPendingUploads } from '../../shared/intake/stuck-uploads';

/** Runs on a schedule (EventBridge, every 5 minutes): the stuck-upload check. The event carries nothing it needs. */
export const handler = middy()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(observability())
  .handler(async () => checkPendingUploads(systemClock.now()));
