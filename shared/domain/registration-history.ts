import type { RegistrationStatus } from './trainee-registration';

/**
 * What happened to a registration, kept as append-only events written in the same transaction as the change:
 * status changes, the review decision and who made it, leave granted and acknowledged, attendance corrections,
 * the class closing. `by` is the acting account's subject, or `system` for the workflow.
 */
export type HistoryKind =
  | 'status'
  | 'reviewed'
  | 'review-undone'
  | 'leave-granted'
  | 'leave-acknowledged'
  | 'attendance-corrected'
  | 'class-closed'
  | 'certificate-revoked'
  | 'certificate-reissued'
  | 'notice-skipped'
  | 'address-undeliverable'
  | 'address-corrected';

export interface HistoryEvent {
  readonly at: string;
  readonly kind: HistoryKind;
  readonly by: string;
  readonly from?: RegistrationStatus;
  readonly to?: RegistrationStatus;
  readonly reason?: string;
  readonly session?: number;
  readonly sessions?: readonly number[];
  /** Attendance corrections: the earlier value and its author, the new value. */
  readonly previous?: { readonly status: string; readonly recordedBy: string; readonly recordedAt: string };
  readonly value?: string;
  readonly step?: string;
  /** Notices: which kind was held back, or why the address was marked (bounce, complaint). */
  readonly notice?: string;
}

export const SYSTEM_ACTOR = 'system';

const KIND_LABELS: Record<HistoryKind, string> = {
  status: '状态变更',
  reviewed: '审核',
  'review-undone': '审核未送达流程，已恢复待审核',
  'leave-granted': '准假',
  'leave-acknowledged': '班级确认请假报备',
  'attendance-corrected': '考勤更正',
  'class-closed': '结班',
  'certificate-revoked': '撤销证书',
  'certificate-reissued': '补发证书',
  'notice-skipped': '通知未发送（邮箱无法送达）',
  'address-undeliverable': '邮箱无法送达',
  'address-corrected': '邮箱已更正（重新上传）',
};

export function historyKindLabel(kind: HistoryKind): string {
  return KIND_LABELS[kind];
}

const STATUS_LABELS: Record<RegistrationStatus, string> = {
  nominated: '已推荐待审核',
  assigned: '已分班',
  waitlisted: '候补中',
  certified: '已结业',
  incomplete: '未达结业要求',
  rejected: '审核未通过',
  expired: '审核超时',
  'not-placed': '未能安排班级',
  withdrawn: '已撤回',
  failed: '处理失败',
};

export function statusLabel(status: RegistrationStatus): string {
  return STATUS_LABELS[status];
}
