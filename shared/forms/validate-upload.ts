import type { Finding } from '../domain/errors';
import { DuplicatesInFile } from '../domain/registration/duplicates-in-file';
import { type CellValue, FORM_TITLES, type FormKind, fieldsOf } from '../domain/registration/form-fields';
import { programmeDate } from '../domain/registration/loose-date';
import { maskIdNumber } from '../domain/registration/personal-data-masking';
import type { TraineeRecord, UnitInfoRecord } from '../domain/registration/registration-records';
import { cellText, type RowLocation } from '../domain/registration/row-checker';
import { validateTraineeRow } from '../domain/registration/trainee-row';
import { validateUnitRow } from '../domain/registration/unit-row';
import type { FileProblem } from './file-problem';
import { detectHeaderRow, type HeaderMatch } from './header-matching';
import { columnLetter, type RawRow, type RawSheet } from './sheet-rows';
import { findHeaderRow, isEmptyCell, readSpreadsheet, tooManyRowsProblem } from './spreadsheet-reading';
import { DEFAULT_UPLOAD_LIMITS, type UploadLimits } from './upload-limits';
import type { RawDataRow, ValidateOptions, ValidationReport } from './validation-report';

function limitsFrom(options: ValidateOptions): UploadLimits {
  return {
    ...DEFAULT_UPLOAD_LIMITS,
    ...(options.maxBytes !== undefined ? { maxBytes: options.maxBytes } : {}),
    ...(options.maxRows !== undefined ? { maxRows: options.maxRows } : {}),
    ...(options.maxEntries !== undefined ? { maxEntries: options.maxEntries } : {}),
    ...(options.maxUncompressedBytes !== undefined ? { maxUncompressedBytes: options.maxUncompressedBytes } : {}),
    ...(options.maxCompressionRatio !== undefined ? { maxCompressionRatio: options.maxCompressionRatio } : {}),
  };
}

/**
 * Reads an uploaded 附件3/附件4 (.xlsx or UTF-8 .csv) and checks every row. Never throws for anything in the file:
 * a file that cannot be read safely becomes one file-level finding and `unreadable: true`.
 */
export async function validateUpload(
  data: Uint8Array,
  fileName: string,
  options: ValidateOptions,
): Promise<ValidationReport> {
  const limits = limitsFrom(options);
  const file = fileName;
  const rules = { ...options, today: options.today ?? programmeDate(new Date()) };
  const unreadable = (problem: FileProblem): ValidationReport =>
    report({
      file,
      form: options.form ?? null,
      sheet: null,
      rows: 0,
      findings: [{ ...problem, severity: 'error', file }],
      unreadable: true,
    });

  return readSpreadsheet(data, fileName, limits, {
    read: (sheets) => validateSheets(sheets, file, rules, limits),
    unreadable,
  });
}

function report(
  fields: Omit<ValidationReport, 'valid' | 'trainees' | 'units'> & Partial<ValidationReport>,
): ValidationReport {
  const { rawRows, rawHeaders, ...visible } = fields;
  const result: ValidationReport = {
    file: visible.file,
    form: visible.form,
    sheet: visible.sheet,
    rows: visible.rows,
    valid: !visible.findings.some((finding) => finding.severity === 'error'),
    findings: visible.findings,
    trainees: visible.trainees ?? [],
    units: visible.units ?? [],
    unreadable: visible.unreadable,
  };
  Object.defineProperty(result, 'rawRows', { value: rawRows ?? [], enumerable: false });
  Object.defineProperty(result, 'rawHeaders', { value: rawHeaders ?? [], enumerable: false });
  return result;
}

type ValidateRules = ValidateOptions & { readonly today: string };

async function validateSheets(
  sheets: AsyncIterable<RawSheet>,
  file: string,
  options: ValidateRules,
  limits: UploadLimits,
): Promise<ValidationReport> {
  let mismatch: HeaderMatch | undefined;
  let mismatchSheet = '';
  for await (const sheet of sheets) {
    const found = await findHeaderRow(sheet, (cells) => detectHeaderRow(cells, options.form));
    if (!found) continue;
    const { header, headerRow, rows } = found;
    if (options.form && header.form !== options.form) {
      mismatch ??= header;
      mismatchSheet ||= sheet.name;
      // Stryker disable next-line OptionalChaining: the rows come from an async generator (xlsx-reader, csv-reader), which always has return()
      await rows.return?.();
      continue;
    }
    const result = await validateDataRows(sheet.name, header, headerRow, rows, file, options, limits);
    // Awaited here: leaving the loop closes the sheets, which the search for rows elsewhere still reads.
    return result.rows === 0 && !result.unreadable ? await withSheetThatHasRows(result, sheets, limits) : result;
  }
  const expected = options.form;
  const findings: Finding[] = [];
  if (mismatch && expected) {
    findings.push({
      code: 'FORM_MISMATCH',
      severity: 'error',
      file,
      sheet: mismatchSheet,
      message: `上传的是「${FORM_TITLES[mismatch.form]}」，此处需要「${FORM_TITLES[expected]}」。请确认文件后重新上传。`,
    });
  } else {
    const forms: FormKind[] = expected ? [expected] : ['trainee', 'unit'];
    const wanted = forms
      .map(
        (form) =>
          `${FORM_TITLES[form]}（${fieldsOf(form)
            .filter((field) => field.required)
            .map((field) => field.header)
            .join('、')}）`,
      )
      .join('或');
    findings.push({
      code: 'HEADER_MISSING',
      severity: 'error',
      file,
      message: `在文件的工作表中找不到表头行。需要${wanted}。请使用系统提供的模板，并把数据填在第一张工作表中。`,
    });
  }
  return report({ file, form: mismatch?.form ?? expected ?? null, sheet: null, rows: 0, findings, unreadable: true });
}

async function validateDataRows(
  sheet: string,
  header: HeaderMatch,
  headerRow: RawRow,
  rows: AsyncIterator<RawRow>,
  file: string,
  options: ValidateRules,
  limits: UploadLimits,
): Promise<ValidationReport> {
  const form = header.form;
  const rawHeaders = headerRow.cells.map((cell, index) => cellText(cell).trim() || columnLetter(index));
  if (header.missingRequired.length > 0) {
    // Stryker disable next-line OptionalChaining: the rows come from an async generator (xlsx-reader, csv-reader), which always has return()
    await rows.return?.();
    const missing = header.missingRequired.map((field) => field.header).join('、');
    return report({
      file,
      form,
      sheet,
      rows: 0,
      unreadable: true,
      rawHeaders,
      findings: [
        {
          code: 'HEADER_MISSING',
          severity: 'error',
          file,
          sheet,
          row: headerRow.row,
          message: `第 ${headerRow.row} 行表头缺少必需的列：${missing}。请使用系统提供的模板，或在表头行补上这些列（列的顺序不限）。`,
        },
      ],
    });
  }

  const columnLabels = new Map<string, string>();
  for (const [key, index] of header.columns) {
    columnLabels.set(key, `${header.headerTexts.get(key) ?? key} (${columnLetter(index)})`);
  }
  const columnOf = (key: string) => columnLabels.get(key) ?? key;
  const mapped = [...header.columns.values()];

  const findings: Finding[] = [];
  const trainees: TraineeRecord[] = [];
  const units: UnitInfoRecord[] = [];
  const rawRows: RawDataRow[] = [];
  const duplicates = new DuplicatesInFile();
  let count = 0;

  for (let next = await rows.next(); !next.done; next = await rows.next()) {
    const { row, cells } = next.value;
    // Merged cells: only the master cell has a value, so a row whose mapped cells are all blank is no row at all.
    if (mapped.every((index) => isEmptyCell(cells[index]))) continue;
    count++;
    if (count > limits.maxRows) {
      // Stryker disable next-line OptionalChaining: the rows come from an async generator (xlsx-reader, csv-reader), which always has return()
      await rows.return?.();
      return report({
        file,
        form,
        sheet,
        rows: count,
        unreadable: true,
        rawHeaders,
        findings: [{ ...tooManyRowsProblem(limits.maxRows, row), severity: 'error', file, sheet }],
      });
    }
    const values: Partial<Record<string, CellValue>> = {};
    for (const [key, index] of header.columns) values[key] = cells[index] ?? null;
    rawRows.push({
      row,
      values: Object.fromEntries(rawHeaders.map((name, index) => [name, cellText(cells[index] ?? null)])),
    });
    const location: RowLocation = { sheet, row, columnOf };

    if (form === 'trainee') {
      const result = validateTraineeRow(values, location, { classNumbers: options.classNumbers, today: options.today });
      const rowFindings = [...result.findings];
      const duplicateId = result.idNumber ? duplicates.seen('id', result.idNumber, row) : undefined;
      if (duplicateId !== undefined && result.idNumber) {
        rowFindings.push(
          duplicateFinding(
            location,
            'idNumber',
            `身份证号与第 ${duplicateId} 行重复，同一学员只能报名一次。`,
            result.idNumber,
            true,
          ),
        );
      }
      const duplicateCode = result.creditCode ? duplicates.seen('uscc', result.creditCode, row) : undefined;
      if (duplicateCode !== undefined && result.creditCode) {
        rowFindings.push(
          duplicateFinding(
            location,
            'creditCode',
            `统一社会信用代码与第 ${duplicateCode} 行重复：每家企业每年只能推荐 1 人参训。`,
            result.creditCode,
            false,
          ),
        );
      }
      findings.push(...rowFindings.map((finding) => ({ ...finding, file })));
      if (result.record && duplicateId === undefined && duplicateCode === undefined) trainees.push(result.record);
    } else {
      const result = validateUnitRow(values, location);
      const rowFindings = [...result.findings];
      // Stryker disable next-line StringLiteral: the kind only keeps apart values of different kinds, and a unit file checks no other kind
      const duplicateUnit = result.record ? duplicates.seen('unit', result.record.unitCode, row) : undefined;
      if (duplicateUnit !== undefined && result.record) {
        rowFindings.push(
          duplicateFinding(
            location,
            'unitCode',
            `单位代码与第 ${duplicateUnit} 行重复，每个单位只填一行。`,
            result.record.unitCode,
            false,
          ),
        );
      }
      findings.push(...rowFindings.map((finding) => ({ ...finding, file })));
      if (result.record && duplicateUnit === undefined) units.push(result.record);
    }
  }

  if (count === 0) {
    findings.push({
      code: 'NO_DATA_ROWS',
      severity: 'error',
      file,
      sheet,
      message: `表头（第 ${headerRow.row} 行）下没有填写任何数据行。`,
    });
  }
  return report({ file, form, sheet, rows: count, findings, trainees, units, unreadable: false, rawRows, rawHeaders });
}

/**
 * The header sheet is empty (typically the template's own sheet, left as it was) while the rows sit on another
 * sheet: NO_DATA_ROWS then names that sheet, so the clerk knows where the system looked and where the rows are.
 * The rows are not read from it: which sheet holds the form must not depend on guessing.
 */
async function withSheetThatHasRows(
  result: ValidationReport,
  sheets: AsyncIterable<RawSheet>,
  limits: UploadLimits,
): Promise<ValidationReport> {
  for await (const other of sheets) {
    let filled = 0;
    for await (const row of other.rows) {
      if (!row.cells.every((cell) => isEmptyCell(cell))) filled++;
      if (filled > limits.maxRows) break;
    }
    // A lone title or header row (the instructions sheet, a copied header) is not where the rows went.
    if (filled <= 1) continue;
    const hint = `工作表「${other.name}」中有 ${filled > limits.maxRows ? `超过 ${limits.maxRows}` : filled} 行内容，但系统读取的是含表头的第一张工作表「${result.sheet}」。请把数据（连同表头）移到「${result.sheet}」，或删除空的「${result.sheet}」工作表后重新上传。`;
    const findings = result.findings.map((finding) =>
      finding.code === 'NO_DATA_ROWS' ? { ...finding, message: `${finding.message}${hint}` } : finding,
    );
    // Stryker disable next-line ArrayDeclaration: report() always sets rawRows and rawHeaders, so the fallbacks are never used
    return report({ ...result, findings, rawRows: result.rawRows ?? [], rawHeaders: result.rawHeaders ?? [] });
  }
  return result;
}

function duplicateFinding(location: RowLocation, key: string, message: string, value: string, isId: boolean): Finding {
  return {
    code: 'DUPLICATE_IN_FILE',
    severity: 'error',
    message,
    sheet: location.sheet,
    row: location.row,
    column: location.columnOf(key),
    value: isId ? maskIdNumber(value) : value,
  };
}
