/**
 * The trainee workflow's vocabulary, shared by the state machine definition and the handlers that drive it.
 * Error names are what SendTaskFailure sends and what the state machine's Catch clauses match.
 */
export const WORKFLOW_ERRORS = {
  rejected: 'RegistrationRejected',
  withdrawn: 'RegistrationWithdrawn',
} as const;

export type WorkflowAction =
  | 'awaitReview'
  | 'releaseSeat'
  | 'assignClass'
  | 'awaitClassClose'
  | 'evaluateAttendance'
  | 'issueCertificate'
  | 'recordFailure';

export type NoticeKind = 'nominated' | 'rejected' | 'assigned' | 'incomplete' | 'certified' | 'withdrawn';

/** What every execution carries: ids only, never personal data. */
export interface WorkflowInput {
  readonly registrationId: string;
  readonly unit: string;
  readonly year: number;
}
