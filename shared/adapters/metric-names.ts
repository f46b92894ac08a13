/**
 * The business metrics' names and dimensions, without Powertools: the CDK alarms and dashboard import these too,
 * and importing the Metrics instance at synth time would fix its service name and switches before the local
 * cloud sets them.
 */
export const METRICS_NAMESPACE = 'LeadingTalentTraining';

/** Every metric the functions publish, with the dimension sets each is published under (besides `service`). */
export const BUSINESS_METRICS = {
  /** An upload's object reached ingest while its upload was still pending. */
  UploadsReceived: [['form'], ['unit']],
  /** Ingest finished: the file was read (status done) or could not be (status failed). */
  UploadsDone: [['form'], ['unit']],
  UploadsFailed: [['form'], ['unit']],
  /** Rows recorded, and rows refused (one or more error findings), per form and per unit. */
  RowsAccepted: [['form'], ['unit']],
  RowsRefused: [['form'], ['unit']],
  /** Refused rows by the finding code that refused them (a row with two codes counts under each). */
  RowsRefusedByCode: [['code']],
  /** A registration entered a status (nominated by ingest; every later change by its transaction). */
  RegistrationStatusChanged: [['status']],
  /** RecordFailure: a workflow step still failed after its retries. */
  WorkflowStepsFailed: [['step']],
  /** The same, as one series a single alarm watches (the step is in the log and the history). */
  RegistrationsFailed: [[]],
  ClassesClosed: [[]],
  /** `issue` is `first` or `reissue`. */
  CertificatesIssued: [['issue']],
  /** No class or time dimension beyond the metric's own minute: responses are anonymous. */
  EvaluationResponses: [[]],
  /** The scheduled check: uploads whose file arrived but which are still pending after the limit. */
  UploadsStuckPending: [[]],
  /** Published by send-notice (the notices engineer's code), by notice kind. */
  NoticesSent: [['kind']],
  NoticesSkipped: [['kind']],
  NoticesBounced: [['kind']],
  NoticesComplained: [['kind']],
} as const satisfies Record<string, readonly (readonly MetricDimension[])[]>;

export type BusinessMetric = keyof typeof BUSINESS_METRICS;
export type MetricDimension = 'form' | 'unit' | 'code' | 'status' | 'step' | 'issue' | 'kind';

/** How long an upload whose file has arrived may stay pending before the check counts it as stuck. */
export const STUCK_UPLOAD_MINUTES = 15;
