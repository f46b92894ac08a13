import type { Finding } from './errors';
import { scrubPersonalData } from './personal-data-scrub';

/** A finding as stored and shown: every text field scrubbed by pattern, whatever column the value came from. */
export function scrubFinding(finding: Finding): Finding {
  return {
    ...finding,
    message: scrubPersonalData(finding.message, { emails: true }),
    ...(finding.value !== undefined ? { value: scrubPersonalData(finding.value, { emails: true }) } : {}),
    ...(finding.file !== undefined ? { file: scrubPersonalData(finding.file, { emails: true }) } : {}),
    ...(finding.sheet !== undefined ? { sheet: scrubPersonalData(finding.sheet, { emails: true }) } : {}),
  };
}

/** A finding as a unit may see it: without the holder of a duplicate, which is for staff. */
export function forUnit(finding: Finding): Finding {
  if (finding.heldBy === undefined) return finding;
  const { heldBy: _holder, ...rest } = finding;
  return rest;
}
