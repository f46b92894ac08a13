import { Metrics } from '@aws-lambda-powertools/metrics';

/** The namespace every function's business metrics go to (EMF through the logs); the stack's alarms watch it. */
export const METRICS_NAMESPACE = 'LeadingTalentTraining';

export const metrics = new Metrics({ namespace: METRICS_NAMESPACE });
