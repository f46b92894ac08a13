import { describe, expect, it, vi } from 'vitest';
import type { RowLocation } from '../../../shared/domain/registration/index';
import { CLASS_NUMBERS, validTrainee } from '../../fixtures/registration-data';

/**
 * trainee-row.ts's module-level patterns: a birth date that looks like an Excel serial typed as text, and an ID that
 * Excel turned into scientific notation. Another test imports modules inside a test, so mutation testing treats these
 * constants as covered by tests, and a changed pattern only takes effect in a module evaluated after the change: each
 * test calls `vi.resetModules()` and imports afresh (docs/mutation-testing.md, "Module tables that survive").
 * Expected messages are the two the clerk sees (docs/domain-rules.md, "Dates"; README's upload findings).
 */
const freshTraineeRow = async () => {
  vi.resetModules();
  return import('../../../shared/domain/registration/trainee-row');
};

const location: RowLocation = { sheet: '学员报名表', row: 9, columnOf: (key) => key };
const rules = { classNumbers: CLASS_NUMBERS, today: '2024-08-24' };

describe('trainee row patterns, from a fresh module', () => {
  it('says a birth date typed as 1–5 digits (with or without a fraction) looks like an Excel serial', async () => {
    const { validateTraineeRow } = await freshTraineeRow();
    const birthMessage = (birthDate: string) => {
      const result = validateTraineeRow({ ...validTrainee(1), birthDate }, location, rules);
      const finding = result.findings.find((f) => f.column === 'birthDate');
      expect(finding?.code).toBe('DATE_FORMAT');
      return finding?.message.includes('日期序列号') ? 'serial' : 'unknown';
    };
    expect(birthMessage('27547')).toBe('serial');
    expect(birthMessage('7')).toBe('serial');
    expect(birthMessage('27547.25')).toBe('serial');
    expect(birthMessage('２７５４７')).toBe('serial'); // full-width digits, as typed with a Chinese input method
    // Six digits, a letter before or after, a dot with no fraction: not a serial, just an unreadable date.
    expect(birthMessage('275470')).toBe('unknown');
    expect(birthMessage('x27547')).toBe('unknown');
    expect(birthMessage('27547x')).toBe('unknown');
    expect(birthMessage('27547.')).toBe('unknown');
    expect(birthMessage('27547.2x')).toBe('unknown');
  });

  it('says an ID shown in scientific notation (1.10105E+17, any case, with or without + or fraction) lost digits', async () => {
    const { validateTraineeRow } = await freshTraineeRow();
    const idCode = (idNumber: string) =>
      validateTraineeRow({ ...validTrainee(1), idNumber }, location, rules).findings.find(
        (f) => f.column === 'idNumber',
      )?.code;
    for (const shown of ['1.10105E+17', '1.10105e+17', '1.10105E17', '11E+17', '11.25E+17', '1.1E+170']) {
      expect(idCode(shown), shown).toBe('ID_NUMERIC_CELL');
    }
    // Not scientific notation: a letter before or after, a dot with no fraction, no exponent digits.
    for (const other of ['x1.10105E+17', '1.10105E+17x', '1.E+17', '1.1E+', 'E+17']) {
      expect(idCode(other), other).toBe('ID_FORMAT');
    }
  });
});
