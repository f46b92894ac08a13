import { Logger } from '@aws-lambda-powertools/logger';

/**
 * One structured logger per function. Log only ids, codes and counts: never ID numbers, phones or emails
 * (they are personal information under PIPL and logs are widely readable).
 */
export const logger = new Logger();
