import { DomainError } from './errors';
import { parseLooseDate } from './registration/loose-date';
import { statusLabel } from './registration-history';
import type { Registration, RegistrationStatus } from './trainee-registration';

/**
 * A unit's archive of the entrepreneurs it sent to the programme (notice 二(六): 建立健全培训企业家的信息档案,
 * 加强跟踪了解): every trainee over the programme years, with the outcome and certificate, grouped by enterprise,
 * and the unit's and staff's follow-up notes on each enterprise.
 */

/** What the archive reads of a registration: an index read of these attributes, nothing personal but the name. */
export type ArchiveSource = Pick<
  Registration,
  'registrationId' | 'year' | 'unit' | 'status' | 'classNumber' | 'certificate' | 'masked'
> & {
  readonly trainee: Pick<Registration['trainee'], 'name' | 'enterpriseName' | 'creditCode' | 'position'>;
};

export interface ArchiveTrainee {
  readonly registrationId: string;
  readonly year: number;
  readonly name: string;
  /** Masked (110105********002X): enough to tell two people of one name apart across years. */
  readonly idNumber: string;
  readonly position: string;
  readonly enterpriseName: string;
  readonly creditCode: string;
  readonly classNumber: number | null;
  readonly status: RegistrationStatus;
  /** The status in zh-CN: 已结业, 未达结业要求, 审核未通过… */
  readonly outcome: string;
  readonly certificate: { readonly number: string; readonly status: 'issued' | 'revoked' } | null;
}

export interface ArchiveNote {
  readonly noteId: string;
  readonly unit: string;
  readonly creditCode: string;
  /** The day of the follow-up (YYYY-MM-DD), as the writer gave it. */
  readonly date: string;
  readonly text: string;
  /** Who wrote it (staff:… or the unit operator's subject) and when it was recorded. */
  readonly by: string;
  readonly at: string;
}

export interface ArchiveEnterprise {
  readonly creditCode: string;
  /** The name on its latest registration. */
  readonly enterpriseName: string;
  readonly years: readonly number[];
  /** Newest year first. */
  readonly trainees: readonly ArchiveTrainee[];
  /** Newest follow-up first. */
  readonly notes: readonly ArchiveNote[];
}

export function archiveTrainee(source: ArchiveSource): ArchiveTrainee {
  return {
    registrationId: source.registrationId,
    year: source.year,
    name: source.trainee.name,
    idNumber: source.masked?.idNumber ?? '',
    position: source.trainee.position ?? '',
    enterpriseName: source.trainee.enterpriseName,
    creditCode: source.trainee.creditCode,
    classNumber: source.classNumber ?? null,
    status: source.status,
    outcome: statusLabel(source.status) ?? source.status,
    certificate: source.certificate ? { number: source.certificate.number, status: source.certificate.status } : null,
  };
}

/**
 * The archive by enterprise: the one with the latest trainee first, then by name. Notes on an enterprise that has no
 * trainee in the archive (its registrations passed the retention period) still show, under the enterprise's code.
 */
export function groupArchive(trainees: readonly ArchiveTrainee[], notes: readonly ArchiveNote[]): ArchiveEnterprise[] {
  const byCode = new Map<string, { trainees: ArchiveTrainee[]; notes: ArchiveNote[] }>();
  const entry = (code: string) => {
    let found = byCode.get(code);
    if (!found) {
      found = { trainees: [], notes: [] };
      byCode.set(code, found);
    }
    return found;
  };
  for (const trainee of trainees) entry(trainee.creditCode).trainees.push(trainee);
  for (const note of notes) entry(note.creditCode).notes.push(note);
  const enterprises = [...byCode.entries()].map(([creditCode, group]) => {
    const sorted = [...group.trainees].sort(
      (a, b) => b.year - a.year || a.registrationId.localeCompare(b.registrationId),
    );
    return {
      creditCode,
      enterpriseName: sorted[0]?.enterpriseName ?? '',
      years: [...new Set(sorted.map((trainee) => trainee.year))],
      trainees: sorted,
      notes: [...group.notes].sort(newestNoteFirst),
    };
  });
  return enterprises.sort(
    (a, b) =>
      (b.years[0] ?? 0) - (a.years[0] ?? 0) ||
      a.enterpriseName.localeCompare(b.enterpriseName, 'zh-CN') ||
      a.creditCode.localeCompare(b.creditCode),
  );
}

export function newestNoteFirst(a: ArchiveNote, b: ArchiveNote): number {
  return b.date.localeCompare(a.date) || b.at.localeCompare(a.at);
}

export const MAX_NOTE_LENGTH = 1000;

/**
 * A follow-up note as written: a real calendar date, not after today (a follow-up that has not happened is a plan,
 * not a record), and 1–1,000 characters of text.
 */
export function checkNote(input: { date: string; text: string }, today: string): { date: string; text: string } {
  const text = input.text.trim();
  if (!/^\d{4}-\d{2}-\d{2}$/.test(input.date) || parseLooseDate(input.date) !== input.date) {
    throw new DomainError('NOTE_DATE_INVALID', `跟进日期须为有效日期，格式 YYYY-MM-DD（如 ${today}）`, 400);
  }
  if (input.date > today) {
    throw new DomainError('NOTE_DATE_IN_FUTURE', `跟进日期不能晚于今天（${today}）：请在跟进之后记录`, 400);
  }
  if (text.length === 0) throw new DomainError('NOTE_TEXT_REQUIRED', '请填写跟进记录内容', 400);
  if ([...text].length > MAX_NOTE_LENGTH) {
    throw new DomainError('NOTE_TEXT_TOO_LONG', `跟进记录不能超过 ${MAX_NOTE_LENGTH} 字，请精简或分条记录`, 400);
  }
  return { date: input.date, text };
}
