import { describe, expect, it } from 'vitest';
import {
  type ArchiveNote,
  type ArchiveSource,
  archiveTrainee,
  checkNote,
  groupArchive,
} from '../../../shared/domain/unit-archive';

const source = (
  n: number,
  year: number,
  creditCode: string,
  enterpriseName: string,
  status: ArchiveSource['status'],
): ArchiveSource => ({
  registrationId: `R${year}-110000-${n}`,
  year,
  unit: '110000',
  status,
  masked: { idNumber: '110105********002X', mobile: '138****1234' },
  trainee: { name: `学员${n}`, enterpriseName, creditCode, position: '董事长' },
});

const note = (creditCode: string, date: string, at: string): ArchiveNote => ({
  noteId: `${creditCode}-${at}`,
  unit: '110000',
  creditCode,
  date,
  text: '回访',
  by: 'local-staff',
  at,
});

describe('unit archive (notice 二(六))', () => {
  it('shows the outcome in zh-CN, the certificate and the masked ID, nothing more personal', () => {
    const trainee = archiveTrainee({
      ...source(1, 2023, 'C1', '甲公司', 'certified'),
      classNumber: 3,
      certificate: { number: 'LJRC-2023-03-0001', code: 'SECRET', issuedAt: '2023-10-20T00:00:00Z', status: 'issued' },
    });
    expect(trainee).toEqual({
      registrationId: 'R2023-110000-1',
      year: 2023,
      name: '学员1',
      idNumber: '110105********002X',
      position: '董事长',
      enterpriseName: '甲公司',
      creditCode: 'C1',
      classNumber: 3,
      status: 'certified',
      outcome: '已结业',
      certificate: { number: 'LJRC-2023-03-0001', status: 'issued' },
    });
    expect(archiveTrainee(source(2, 2024, 'C1', '甲公司', 'expired')).outcome).toBe('审核超时');
  });

  it('groups by enterprise: latest year first, then name; trainees newest first; notes by follow-up date', () => {
    const trainees = [
      source(1, 2023, 'C1', '甲公司', 'certified'),
      source(2, 2024, 'C2', '乙公司', 'assigned'),
      source(3, 2024, 'C1', '甲公司（更名）', 'nominated'),
      source(4, 2022, 'C3', '丙公司', 'incomplete'),
    ].map(archiveTrainee);
    const notes = [
      note('C1', '2024-05-01', '2024-05-02T00:00:00Z'),
      note('C1', '2024-06-01', '2024-06-01T00:00:00Z'),
      note('C9', '2023-01-01', '2023-01-01T00:00:00Z'),
    ];
    const groups = groupArchive(trainees, notes);
    expect(groups.map((g) => [g.creditCode, g.enterpriseName, g.years])).toEqual([
      ['C1', '甲公司（更名）', [2024, 2023]],
      ['C2', '乙公司', [2024]],
      ['C3', '丙公司', [2022]],
      // Notes outlive the registrations they followed up (TTL): the enterprise still shows, by its code.
      ['C9', '', []],
    ]);
    expect(groups[0]?.trainees.map((t) => t.year)).toEqual([2024, 2023]);
    expect(groups[0]?.notes.map((n) => n.date)).toEqual(['2024-06-01', '2024-05-01']);
    expect(groups[1]?.notes).toEqual([]);
  });

  it.each([
    ['2024-02-30', 'x', 'NOTE_DATE_INVALID'],
    ['2024-2-3', 'x', 'NOTE_DATE_INVALID'],
    ['2024年8月1日', 'x', 'NOTE_DATE_INVALID'],
    ['2024-08-25', 'x', 'NOTE_DATE_IN_FUTURE'],
    ['2024-08-01', ' \n ', 'NOTE_TEXT_REQUIRED'],
    ['2024-08-01', '字'.repeat(1001), 'NOTE_TEXT_TOO_LONG'],
  ])('refuses date %j with its text (%#) as %s', (date, text, code) => {
    expect(() => checkNote({ date, text }, '2024-08-24')).toThrow(expect.objectContaining({ code, status: 400 }));
  });

  it('accepts today and 1,000 characters (counted as characters, trimmed)', () => {
    expect(checkNote({ date: '2024-08-24', text: ` ${'𠀀'.repeat(1000)} ` }, '2024-08-24')).toEqual({
      date: '2024-08-24',
      text: '𠀀'.repeat(1000),
    });
  });
});
