import type { Severity } from './errors';
import { FORM_FINDING_CODES, type FormFindingCode } from './registration/finding-codes';
import type { Registration } from './trainee-registration';

/**
 * The warning codes a recorded registration can carry (its `reviewNotes`): the row-level warnings of the 附件4
 * checks. Derived from the catalogue, so a new warning code is filterable the day it is added.
 */
export const REVIEW_WARNING_CODES = (Object.entries(FORM_FINDING_CODES) as [FormFindingCode, [Severity, string]][])
  .filter(([, [severity]]) => severity === 'warning')
  .map(([code]) => code);

export function isReviewWarningCode(value: string): value is FormFindingCode {
  return (REVIEW_WARNING_CODES as readonly string[]).includes(value);
}

/** Where a registration came from, as the upload item records it (absent for seeded or imported rows). */
export interface UploadOrigin {
  readonly fileName: string;
  readonly createdAt: string;
}

/**
 * What a reviewer weighs before approving a nomination (notice 一(二)): is the trainee the enterprise's top person
 * and, if not, the unit's reason; what kind of enterprise it is, its industry, size and revenue; the two
 * declarations; which upload and row it came from; and the warnings validation raised. Grouped for a page, each
 * group with its zh-CN title.
 */
export interface ReviewFacts {
  readonly topPerson: {
    readonly title: '企业一把手';
    readonly isTopPerson: boolean;
    readonly label: '是' | '否';
    readonly position: string;
    /** The 备注 text when the trainee is not the top person: the form asks the reason there. */
    readonly reason: string | null;
  };
  readonly enterprise: {
    readonly title: '企业情况';
    readonly name: string;
    readonly creditCode: string;
    readonly categories: readonly string[];
    /** 其他 is the only category: 备注 says what the enterprise is (the form's comment; the row is refused without). */
    readonly categoryReason: string | null;
    readonly industry: string;
    /** 职工人数 (persons); null when the form left it empty. */
    readonly employees: number | null;
    /** 上年度营业收入, 万元; null when the form left it empty. */
    readonly revenue: number | null;
    readonly revenueUnit: '万元';
  };
  readonly declarations: {
    readonly title: '参训声明';
    /** Both are true for every recorded row: a row without them is refused at validation (DECLARATION_REQUIRED). */
    readonly voluntary: { readonly label: '自愿参训声明'; readonly declared: true };
    readonly goodStanding: { readonly label: '无违法违规记录声明'; readonly declared: true };
    readonly declaredIn: { readonly uploadId: string; readonly row: number };
  };
  readonly upload: {
    readonly title: '报名来源';
    readonly uploadId: string;
    readonly fileName: string | null;
    /** The spreadsheet row, as the clerk sees it. */
    readonly row: number;
    /** When the unit requested the upload (null when the upload item is not known). */
    readonly uploadedAt: string | null;
    /** When the row was recorded as a registration. */
    readonly recordedAt: string;
  };
  readonly warnings: readonly {
    readonly code: string;
    /** The catalogue's zh-CN explanation; null for a code this version does not know. */
    readonly message: string | null;
  }[];
  /** The whole 备注 cell, whatever else it says. */
  readonly remarks: string;
}

export function reviewFacts(registration: Registration, upload?: UploadOrigin): ReviewFacts {
  const { trainee } = registration;
  const remarks = trainee.remarks ?? '';
  // Read defensively: the item is whatever an earlier version stored, and a list must not fail on one odd row.
  const categories = trainee.categories ?? [];
  const onlyOther = categories.length === 1 && categories[0] === '其他';
  return {
    topPerson: {
      title: '企业一把手',
      isTopPerson: trainee.isTopPerson,
      label: trainee.isTopPerson ? '是' : '否',
      position: trainee.position ?? '',
      reason: trainee.isTopPerson ? null : remarks || null,
    },
    enterprise: {
      title: '企业情况',
      name: trainee.enterpriseName,
      creditCode: trainee.creditCode,
      categories,
      categoryReason: onlyOther ? remarks || null : null,
      industry: trainee.industry,
      employees: trainee.employees ?? null,
      revenue: trainee.revenue ?? null,
      revenueUnit: '万元',
    },
    declarations: {
      title: '参训声明',
      voluntary: { label: '自愿参训声明', declared: true },
      goodStanding: { label: '无违法违规记录声明', declared: true },
      declaredIn: { uploadId: registration.uploadId, row: registration.row },
    },
    upload: {
      title: '报名来源',
      uploadId: registration.uploadId,
      fileName: upload?.fileName ?? null,
      row: registration.row,
      uploadedAt: upload?.createdAt ?? null,
      recordedAt: registration.createdAt,
    },
    warnings: (trainee.reviewNotes ?? []).map((code) => ({
      code,
      message: isKnownCode(code) ? FORM_FINDING_CODES[code][1] : null,
    })),
    remarks,
  };
}

function isKnownCode(code: string): code is FormFindingCode {
  return Object.hasOwn(FORM_FINDING_CODES, code);
}
