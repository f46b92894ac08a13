import { loadExcel } from './excel';
import type { Finding } from '../domain/errors';
import { scrubPersonalData } from '../domain/personal-data-scrub';
import { fieldsOf, type FieldKind } from '../domain/registration/form-fields';
import { maskEmail, maskIdNumber, maskMobile, maskPhone } from '../domain/registration/personal-data-masking';
import { matchHeaderRow } from './header-matching';
import type { ValidationReport } from './validation-report';

const MASKS: Partial<Record<FieldKind, (value: string) => string>> = {
  id: maskIdNumber,
  mobile: maskMobile,
  phone: maskPhone,
  email: maskEmail,
};

const STATUS = { error: '有错误', warning: '有提醒', ok: '通过' } as const;
const FILL = { error: 'FFFFC7CE', warning: 'FFFFEB9C' } as const;

/**
 * The upload report the unit gets back: its own rows as uploaded, each with a status and the problems to fix, plus
 * file-level problems on a second sheet. The file is stored for the retention period and downloaded again later,
 * so personal values are masked: by column (ID number, mobile, phone, email) and, in every other cell, by pattern,
 * since a clerk may have typed an ID number into 备注. The unit still has its own original file.
 */
export async function buildFindingsWorkbook(
  report: ValidationReport,
  /** Defaults to the validation findings; ingest passes them together with what recording the rows found. */
  findings: readonly Finding[] = report.findings,
): Promise<Uint8Array> {
  const workbook = new (await loadExcel()).Workbook();
  workbook.creator = '领军人才培训管理系统';
  const sheet = workbook.addWorksheet('校验结果', { views: [{ state: 'frozen', ySplit: 1 }] });
  const headers = report.rawHeaders ?? [];
  const masks = columnMasks(report, headers);
  sheet.columns = [
    { header: '行号', width: 8 },
    { header: '状态', width: 10 },
    { header: '问题说明', width: 60 },
    ...headers.map((header) => ({ header, width: 16 })),
  ];
  sheet.getRow(1).font = { bold: true };

  const byRow = new Map<number, Finding[]>();
  for (const finding of findings) {
    if (finding.row === undefined) continue;
    byRow.set(finding.row, [...(byRow.get(finding.row) ?? []), finding]);
  }
  for (const raw of report.rawRows ?? []) {
    const rowFindings = byRow.get(raw.row) ?? [];
    const level = rowFindings.some((f) => f.severity === 'error') ? 'error' : rowFindings.length > 0 ? 'warning' : 'ok';
    const problems = rowFindings
      .map((f) => `${f.severity === 'warning' ? '【提醒】' : ''}${f.column ?? ''}：${f.message}`)
      .join('\n');
    const cells = headers.map((header, index) => {
      const value = raw.values[header] ?? '';
      const mask = masks[index];
      return value === '' ? '' : mask ? mask(value) : scrubPersonalData(value, { emails: true });
    });
    const row = sheet.addRow([raw.row, STATUS[level], scrubPersonalData(problems, { emails: true }), ...cells]);
    row.getCell(3).alignment = { wrapText: true, vertical: 'top' };
    if (level !== 'ok') {
      for (let column = 1; column <= 3; column++) {
        row.getCell(column).fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: FILL[level] } };
      }
    }
  }

  const fileFindings = findings.filter((finding) => finding.row === undefined);
  if (fileFindings.length > 0) {
    const fileSheet = workbook.addWorksheet('文件问题');
    fileSheet.columns = [
      { header: '代码', width: 20 },
      { header: '问题说明', width: 100 },
    ];
    fileSheet.getRow(1).font = { bold: true };
    for (const finding of fileFindings) {
      fileSheet.addRow([finding.code, scrubPersonalData(finding.message, { emails: true })]);
    }
  }
  const buffer = await workbook.xlsx.writeBuffer();
  return new Uint8Array(buffer as ArrayBuffer);
}

/** Per column of the file, the mask of the personal field it holds, if it holds one. */
function columnMasks(report: ValidationReport, headers: readonly string[]): ((value: string) => string)[] {
  const masks: ((value: string) => string)[] = [];
  if (!report.form) return masks;
  const match = matchHeaderRow(headers, report.form);
  for (const field of fieldsOf(report.form)) {
    const index = match.columns.get(field.key);
    const mask = MASKS[field.kind];
    // Stryker disable next-line LogicalOperator: assigning an undefined mask, or at the key "undefined", changes no column's mask
    if (index !== undefined && mask) masks[index] = mask;
  }
  return masks;
}
