import { maskIdNumber, maskMobile } from './registration/personal-data-masking';
import type { TraineeRecord } from './registration/registration-records';

/**
 * A trainee's registration: one row of a unit's 附件4 that passed validation and was recorded within the unit's
 * quota. Personal fields travel in `trainee`; everything that leaves the store for logs, keys or workflow
 * payloads uses ids and masked values only.
 */
export const REGISTRATION_STATUSES = [
  'nominated',
  'approved',
  'rejected',
  'assigned',
  'completed',
  'incomplete',
  'certified',
  'withdrawn',
  'failed',
] as const;
export type RegistrationStatus = (typeof REGISTRATION_STATUSES)[number];

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
}

export function isRegistrationStatus(value: string): value is RegistrationStatus {
  return (REGISTRATION_STATUSES as readonly string[]).includes(value);
}

export function summarise(registration: Registration): RegistrationSummary {
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
    idNumber: maskIdNumber(trainee.idNumber),
    mobile: maskMobile(trainee.mobile),
    classNumber: registration.classNumber ?? null,
    preferredClass: trainee.preferredClass,
    createdAt: registration.createdAt,
  };
}
