import type { FormFindingCode } from './finding-codes';
import type { EnterpriseCategory } from './form-choices';

/** One accepted row of 附件4, normalised: what ingest stores and the workflow reads. */
export interface TraineeRecord {
  /** 1-based spreadsheet row number, as the clerk sees it. */
  row: number;
  name: string;
  gender: '男' | '女';
  ethnicity: string;
  /** YYYY-MM-DD */
  birthDate: string;
  /** 18 characters, upper-case X. */
  idNumber: string;
  politicalStatus: string;
  education: string;
  enterpriseName: string;
  /** Upper-case. */
  creditCode: string;
  position: string;
  isTopPerson: boolean;
  categories: EnterpriseCategory[];
  industry: string;
  employees: number | null;
  /** 万元 */
  revenue: number | null;
  /** 11 digits. */
  mobile: string;
  email: string;
  preferredClass: number | null;
  voluntary: true;
  goodStanding: true;
  remarks: string;
  /**
   * The row's warnings (NOT_TOP_PERSON, ID_AGE_UNUSUAL, USCC_NOT_ENTERPRISE…), kept with the registration so the
   * reviewer sees them beside it, not only in the upload report. Codes only: the messages may quote the row.
   * Absent when there were none (and on registrations recorded before it existed).
   */
  reviewNotes?: FormFindingCode[];
}

/** The row of 附件3, normalised. */
export interface UnitInfoRecord {
  row: number;
  unitName: string;
  unitCode: string;
  contactName: string;
  contactPosition: string;
  mobile: string;
  officePhone: string;
  email: string;
  recommendedCount: number | null;
  remarks: string;
}
