import { describe, expect, it } from 'vitest';
import type { Finding } from '../../../shared/forms/index';
import { FORM_FINDING_CODES } from '../../../shared/domain/registration/index';
import { validateUpload } from '../../../shared/forms/index';
import { BAD_TRAINEE_ROWS, badRowCorpus } from '../../fixtures/bad-trainee-rows';
import { CLASS_NUMBERS } from '../../fixtures/registration-data';
import { buildCsv, TRAINEE_HEADERS, traineeRow, traineeWorkbook } from '../../fixtures/spreadsheet-files';

const FILE_LEVEL = new Set([
  'HEADER_MISSING',
  'NO_DATA_ROWS',
  'FORM_MISMATCH',
  'FILE_TYPE',
  'FILE_ENCRYPTED',
  'FILE_ENCODING',
  'FILE_TOO_LARGE',
  'TOO_MANY_ROWS',
  'ARCHIVE_UNSAFE',
  'FILE_UNREADABLE',
]);
const UNIT_ONLY = new Set(['UNIT_CODE_UNKNOWN', 'UNIT_NAME_MISMATCH', 'PHONE_FORMAT']);

const findingsByRow = (findings: readonly Finding[]) => {
  const byRow = new Map<number, Finding[]>();
  for (const finding of findings) {
    if (finding.row !== undefined) byRow.set(finding.row, [...(byRow.get(finding.row) ?? []), finding]);
  }
  return byRow;
};

/** Programme time of the 2024 programme's upload window, so the age and future-birth rows do not age with the clock. */
const options = { classNumbers: CLASS_NUMBERS, today: '2024-08-24' };

describe('bad rows: each gets exactly its code', async () => {
  const { first, rows } = badRowCorpus();
  const xlsxReport = await validateUpload(
    await traineeWorkbook([first, ...rows.map((row) => row.cells)]),
    'corpus.xlsx',
    options,
  );
  const csvRows = rows.filter((row) => !row.case.xlsxOnly);
  const csvReport = await validateUpload(
    buildCsv(TRAINEE_HEADERS, [traineeRow(first), ...csvRows.map((row) => traineeRow(row.cells))]),
    'corpus.csv',
    options,
  );

  it('has at least 40 bad rows covering every row-level code', () => {
    expect(BAD_TRAINEE_ROWS.length).toBeGreaterThanOrEqual(40);
    const covered = new Set(BAD_TRAINEE_ROWS.map((c) => c.code));
    const rowCodes = Object.keys(FORM_FINDING_CODES).filter((code) => !FILE_LEVEL.has(code) && !UNIT_ONLY.has(code));
    expect(rowCodes.filter((code) => !covered.has(code))).toEqual([]);
  });

  it('reads every row and keeps only the first, valid one and the warning-only ones', () => {
    expect(xlsxReport.rows).toBe(rows.length + 1);
    expect(xlsxReport.unreadable).toBe(false);
    const warningRows = rows.flatMap((row, index) => (row.case.severity === 'warning' ? [index + 3] : []));
    expect(warningRows.length).toBeGreaterThanOrEqual(5);
    expect(xlsxReport.trainees.map((t) => t.row)).toEqual([2, ...warningRows]);
  });

  it('keeps each warning with the accepted record, for the reviewer', () => {
    expect(xlsxReport.trainees[0]?.reviewNotes).toBeUndefined();
    for (const [index, row] of rows.entries()) {
      if (row.case.severity !== 'warning') continue;
      const record = xlsxReport.trainees.find((t) => t.row === index + 3);
      expect(record?.reviewNotes, row.case.title).toEqual([row.case.code]);
    }
  });

  const xlsxByRow = findingsByRow(xlsxReport.findings);
  const csvByRow = findingsByRow(csvReport.findings);
  it.each(rows.map((row, index) => [row.case.title, row, index] as const))('xlsx: %s', (_title, row, index) => {
    const findings = xlsxByRow.get(index + 3) ?? [];
    expect(findings.map((f) => f.code)).toEqual([row.case.code]);
    expect(findings[0]?.severity).toBe(row.case.severity ?? 'error');
    expect(findings[0]?.sheet).toBe('学员报名表');
    expect(findings[0]?.column).toMatch(/^.+ \([A-Z]+\)$/);
  });

  it.each(csvRows.map((row, index) => [row.case.title, row, index] as const))('csv: %s', (_title, row, index) => {
    const findings = csvByRow.get(index + 3) ?? [];
    expect(findings.map((f) => f.code)).toEqual([row.case.code]);
  });

  it('names the earlier row in duplicate findings', () => {
    const duplicates = xlsxReport.findings.filter((f) => f.code === 'DUPLICATE_IN_FILE');
    expect(duplicates).toHaveLength(2);
    for (const duplicate of duplicates) expect(duplicate.message).toContain('第 2 行');
  });

  it('never shows an ID number, mobile or email unmasked', () => {
    const findings = [...xlsxReport.findings, ...csvReport.findings];
    for (const finding of findings.filter((f) => f.column?.startsWith('身份证号') && f.value)) {
      expect(finding.value).toMatch(/\*{4}/);
    }
    const text = JSON.stringify(
      findings.map((f) => [f.message, f.column?.startsWith('统一社会信用代码') ? '' : f.value]),
    );
    expect(text).not.toMatch(/\d{17}[\dX]/);
    expect(text).not.toMatch(/1[3-9]\d{9}/);
    expect(text).not.toMatch(/(trainee\d+|zhangsan|contact)@/);
    expect(text).toContain('110105********');
  });
});
