import type { CompletionResult, LeaveGrants, SessionRecords } from './attendance';
import { maskIdNumber, maskMobile } from './registration/personal-data-masking';
import type { TraineeRecord } from './registration/registration-records';
import { type ReviewFacts, reviewFacts, type UploadOrigin } from './review-facts';

/**
 * A trainee's registration: one row of a unit's 附件4 that passed validation and was recorded within the unit's
 * quota. Personal fields travel in `trainee`; everything that leaves the store for logs, keys or workflow
 * payloads uses ids and masked values only.
 */
export const REGISTRATION_STATUSES = [
  'nominated',
  'assigned',
  'waitlisted',
  'certified',
  'incomplete',
  'rejected',
  'expired',
  'not-placed',
  'withdrawn',
  'failed',
] as const;
export type RegistrationStatus = (typeof REGISTRATION_STATUSES)[number];

/** Where a journey ends; `failed` is not among them: staff retry the step or withdraw the registration. */
export const FINAL_STATUSES: readonly RegistrationStatus[] = [
  'certified',
  'incomplete',
  'rejected',
  'expired',
  'not-placed',
  'withdrawn',
];

/** The statuses that hold a seat of the unit's quota and the enterprise and person locks. */
export const HOLDING_STATUSES: readonly RegistrationStatus[] = ['nominated', 'assigned', 'waitlisted'];

export interface CertificateInfo {
  readonly number: string;
  readonly code: string;
  readonly issuedAt: string;
  readonly status: 'issued' | 'revoked';
  readonly revokedAt?: string;
}

/** A workflow step that failed after its retries; staff retry it or withdraw the registration. */
export interface FailureInfo {
  readonly step: string;
  readonly error: string;
  readonly from: RegistrationStatus;
  readonly at: string;
}

export interface ReviewDecision {
  readonly decision: 'approved' | 'rejected';
  readonly by: string;
  readonly at: string;
  readonly reason?: string;
}

/** The trainee's details as the form gave them (declarations are implied: rows without them are refused). */
export type TraineeDetails = Readonly<Omit<TraineeRecord, 'row' | 'voluntary' | 'goodStanding'>>;

export interface Registration {
  readonly registrationId: string;
  readonly year: number;
  readonly unit: string;
  readonly status: RegistrationStatus;
  readonly uploadId: string;
  readonly row: number;
  readonly trainee: TraineeDetails;
  readonly classNumber?: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly review?: ReviewDecision;
  /** When the trainee joined the waitlist (the order in which freed seats are given). */
  readonly waitingSince?: string;
  readonly attendance?: SessionRecords;
  readonly leave?: LeaveGrants;
  readonly completion?: CompletionResult;
  readonly certificate?: CertificateInfo;
  readonly failure?: FailureInfo;
  /** Which wait the workflow is parked in (review, seat, class-close, recovery) and until when at most. */
  readonly awaiting?: string;
  readonly awaitingUntil?: string;
  /** Withdrawn, but the waiting workflow could not be told yet: a repeated withdrawal delivers it. */
  readonly workflowStopPending?: boolean;
  /** Set when closing the class resumed this trainee's workflow. */
  readonly closeResumedAt?: string;
  /**
   * The masked ID number, mobile and email: all a list read from an index has of them (see registrationItem). The
   * email mask was added for exports; registrations stored before it have none.
   */
  readonly masked?: { readonly idNumber: string; readonly mobile: string; readonly email?: string };
}

/** The ID number and mobile as a list or roster may show them: masked, from the index's copy when read from one. */
export function maskedContacts(registration: Registration): { idNumber: string; mobile: string } {
  const { idNumber, mobile } = registration.masked ?? {
    idNumber: maskIdNumber(registration.trainee.idNumber ?? ''),
    mobile: maskMobile(registration.trainee.mobile ?? ''),
  };
  return { idNumber, mobile };
}

/** What a list shows: enough to work with, with the ID number and contacts masked. */
export interface RegistrationSummary {
  readonly registrationId: string;
  readonly year: number;
  readonly unit: string;
  readonly status: RegistrationStatus;
  readonly name: string;
  readonly enterpriseName: string;
  readonly creditCode: string;
  readonly position: string;
  readonly idNumber: string;
  readonly mobile: string;
  readonly classNumber: number | null;
  readonly preferredClass: number | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** Set while the registration is failed: the step staff can retry. */
  readonly failedStep: string | null;
  /** The row's warning codes from the upload (e.g. NOT_TOP_PERSON, USCC_NOT_ENTERPRISE), for the reviewer. */
  readonly reviewNotes: readonly string[];
  /** What a reviewer weighs, grouped for a page (see review-facts.ts). */
  readonly reviewFacts: ReviewFacts;
}

export function isRegistrationStatus(value: string): value is RegistrationStatus {
  return (REGISTRATION_STATUSES as readonly string[]).includes(value);
}

/** `upload` names the file the row came from, when the caller has read the upload item. */
export function summarise(registration: Registration, upload?: UploadOrigin): RegistrationSummary {
  const { trainee } = registration;
  return {
    registrationId: registration.registrationId,
    year: registration.year,
    unit: registration.unit,
    status: registration.status,
    name: trainee.name,
    enterpriseName: trainee.enterpriseName,
    creditCode: trainee.creditCode,
    position: trainee.position,
    ...maskedContacts(registration),
    classNumber: registration.classNumber ?? null,
    preferredClass: trainee.preferredClass,
    createdAt: registration.createdAt,
    updatedAt: registration.updatedAt,
    failedStep: registration.status === 'failed' ? (registration.failure?.step ?? null) : null,
    reviewNotes: trainee.reviewNotes ?? [],
    reviewFacts: reviewFacts(registration, upload),
  };
}
