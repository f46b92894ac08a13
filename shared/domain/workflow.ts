/**
 * The trainee workflow's vocabulary, shared by the state machine definition and the handlers that drive it.
 * Error names are what SendTaskFailure sends and what the state machine's Catch clauses match.
 */
export const WORKFLOW_ERRORS = {
  rejected: 'RegistrationRejected',
  withdrawn: 'RegistrationWithdrawn',
} as const;

export const WORKFLOW_ACTIONS = [
  'awaitReview',
  'releaseSeat',
  'expireReview',
  'assignClass',
  'awaitSeat',
  'endWaitlist',
  'awaitClassClose',
  'evaluateAttendance',
  'issueCertificate',
  'recordFailure',
  'awaitRecovery',
] as const;
export type WorkflowAction = (typeof WORKFLOW_ACTIONS)[number];

/** Where an execution waits for a person (or a freed seat); the stored task token says which. */
export const AWAIT_STAGES = {
  awaitReview: 'review',
  awaitSeat: 'seat',
  awaitClassClose: 'class-close',
  awaitRecovery: 'recovery',
} as const;
export type AwaitStage = (typeof AWAIT_STAGES)[keyof typeof AWAIT_STAGES];

export const NOTICE_KINDS = [
  'nominated',
  'rejected',
  'expired',
  'assigned',
  'waitlisted',
  'not-placed',
  'incomplete',
  'certified',
  'withdrawn',
  /** After the class: the personal link to the four-dimension evaluation, for trainees who attended. */
  'evaluation',
] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

/** What every execution carries: ids and figures only, never personal data. */
export interface WorkflowInput {
  readonly registrationId: string;
  readonly unit: string;
  readonly year: number;
  /** How long the review may take (the programme's reviewTimeoutDays when the execution started). */
  readonly reviewTimeoutSeconds: number;
}

/** What AssignClass and a waitlist promotion return to the execution. */
export type AssignmentResult =
  | { readonly outcome: 'assigned'; readonly classNumber: number; readonly closeTimeoutSeconds: number }
  | { readonly outcome: 'waitlisted'; readonly waitTimeoutSeconds: number }
  | { readonly outcome: 'not-placed' };
