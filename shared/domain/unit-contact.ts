/** A unit's contact from its 附件3 unit information form. */
export interface UnitContact {
  readonly unit: string;
  readonly unitName: string;
  readonly contactName: string;
  readonly contactPosition: string;
  readonly mobile: string;
  readonly officePhone: string;
  readonly email: string;
  readonly recommendedCount: number | null;
  readonly remarks: string;
  readonly uploadId: string;
  readonly updatedAt: string;
}
