import { countEach, countMetric } from '../adapters/metrics';
import type { Finding } from '../domain/errors';
import type { UploadRecord } from '../domain/upload';

/** An upload's object reached ingest while the upload was pending: the start of its count. */
export function countUploadReceived(upload: Pick<UploadRecord, 'form' | 'unit'>): void {
  countMetric('UploadsReceived', { form: upload.form, unit: upload.unit });
}

/**
 * What one ingest did, for the dashboard: the upload done or failed, its rows accepted and refused, and the codes
 * that refused them. A refused row is a row with at least one error finding; file-level findings have no row.
 */
export function countUploadOutcome(
  upload: Pick<UploadRecord, 'form' | 'unit'>,
  outcome: { readonly readable: boolean; readonly accepted: number; readonly findings: readonly Finding[] },
): void {
  const labels = { form: upload.form, unit: upload.unit };
  countMetric(outcome.readable ? 'UploadsDone' : 'UploadsFailed', labels);
  countMetric('RowsAccepted', labels, outcome.accepted);
  const codesByRow = new Map<number, Set<string>>();
  for (const finding of outcome.findings) {
    if (finding.severity !== 'error' || finding.row === undefined) continue;
    const codes = codesByRow.get(finding.row) ?? new Set<string>();
    codes.add(finding.code);
    codesByRow.set(finding.row, codes);
  }
  countMetric('RowsRefused', labels, codesByRow.size);
  countEach(
    'RowsRefusedByCode',
    'code',
    [...codesByRow.values()].flatMap((codes) => [...codes]),
  );
  // A recorded trainee row is a new registration: the first status change the dashboard counts.
  if (upload.form === 'trainee') countMetric('RegistrationStatusChanged', { status: 'nominated' }, outcome.accepted);
}
