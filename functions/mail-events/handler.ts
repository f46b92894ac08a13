import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { logger } from '../../shared/adapters/logger';
import { parseMailEvent } from '../../shared/notices/mail-events';
import { handleUndeliverable } from '../../shared/notices/undeliverable';

/**
 * SES bounce and complaint events (the configuration set publishes them to EventBridge; the local cloud's SES
 * plays the mailbox simulator and sends the same events). Each recipient is handled on its own.
 */
export const handler = middy()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (event: unknown) => {
    const parsed = parseMailEvent(event);
    if (!parsed) {
      logger.info('Mail event ignored (not a permanent bounce or a complaint)');
      return { handled: 0 };
    }
    let handled = 0;
    for (const recipient of parsed.recipients) {
      if (await handleUndeliverable({ ...parsed, address: recipient })) handled += 1;
    }
    return { handled };
  });
