/**
 * A certificate as stored for verification: every field printed on the PDF, so a verifier can compare each one and
 * an edited PDF is caught. Nothing beyond what the certificate itself shows (no ID number, no phone).
 */
export interface CertificateRecord {
  readonly number: string;
  readonly code: string;
  readonly registrationId: string;
  readonly year: number;
  readonly unit: string;
  readonly name: string;
  readonly enterpriseName: string;
  readonly programmeTitle: string;
  readonly classNumber: number;
  readonly theme: string;
  readonly host: string;
  readonly city: string;
  readonly startDate: string;
  readonly endDate: string;
  readonly issuedOn: string;
  readonly issuedAt: string;
  readonly pdfKey: string;
  readonly status: 'issued' | 'revoked';
  readonly revokedAt?: string;
  readonly revokedBy?: string;
  readonly revokedReason?: string;
  /** Re-issued as this number (after a revocation). */
  readonly replacedBy?: string;
  readonly replaces?: string;
}

export function programmeTitle(year: number): string {
  return `${year}年度中小企业经营管理领军人才培训`;
}
