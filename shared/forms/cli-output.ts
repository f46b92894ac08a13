import type { Finding } from '../domain/errors';
import { FORM_TITLES } from '../domain/registration/form-fields';
import type { ValidationReport } from './validation-report';

/** What `npm run validate -- --json` prints: no records, only masked findings. */
export function reportAsJson(report: ValidationReport): string {
  const { file, form, rows, valid, findings } = report;
  return JSON.stringify({ file, form, rows, valid, findings }, null, 2);
}

const SEVERITY_LABEL = { error: '错误', warning: '提醒' } as const;

function findingLine(finding: Finding): string {
  const where = [finding.row !== undefined ? `第 ${finding.row} 行` : '整个文件', finding.column]
    .filter(Boolean)
    .join(' · ');
  const value = finding.value ? `（填写值：${finding.value}）` : '';
  return `  [${SEVERITY_LABEL[finding.severity]}] ${where}  ${finding.code}\n      ${finding.message}${value}`;
}

/** A list a clerk can work through row by row. */
export function reportAsText(report: ValidationReport): string {
  const errors = report.findings.filter((f) => f.severity === 'error').length;
  const warnings = report.findings.length - errors;
  const accepted = report.form === 'unit' ? report.units.length : report.trainees.length;
  const lines = [
    `文件：${report.file}`,
    `表格：${report.form ? FORM_TITLES[report.form] : '未识别'}${report.sheet ? `　工作表：${report.sheet}` : ''}`,
    `数据行：${report.rows}　可接收：${accepted} 行　错误：${errors} 个　提醒：${warnings} 个`,
  ];
  if (report.findings.length > 0) {
    lines.push('', '问题清单：');
    const sorted = [...report.findings].sort((a, b) => (a.row ?? 0) - (b.row ?? 0));
    for (const finding of sorted) lines.push(findingLine(finding));
  }
  lines.push(
    '',
    report.unreadable
      ? '结果：文件无法读取，请按上面的提示处理后重新上传。'
      : report.valid
        ? '结果：校验通过，可以上传。'
        : '结果：有错误，请修改标出的单元格后重新上传（有错误的行不会被接收）。',
  );
  return lines.join('\n');
}
