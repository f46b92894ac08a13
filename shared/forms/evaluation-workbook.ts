import type ExcelJS from 'exceljs';
import { loadExcel } from './excel';
import { SAMPLE_DATA_NOTICE } from '../domain/classes/class-view';
import { aggregate, DIMENSION_KEYS, EVALUATION_DIMENSIONS, type EvaluationAnswer, SCORES } from '../domain/evaluation';
import type { Programme, TrainingClass } from '../domain/programme';
import { inertText } from './sign-in-sheet';

const THIN = { style: 'thin' as const, color: { argb: 'FF000000' } };
const BORDER: Partial<ExcelJS.Borders> = { top: THIN, left: THIN, bottom: THIN, right: THIN };
const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDEBF7' } };

/**
 * The class's evaluation as a workbook: 汇总 (counts, rate, mean and distribution per dimension) and 逐份评价 (each
 * anonymous response: four scores and the comments, sorted by content, so the order says nothing about who or
 * when). Every text a trainee typed is written inert (see inertText): a comment cannot become a formula.
 */
export async function buildEvaluationWorkbook(
  programme: Programme,
  trainingClass: TrainingClass,
  evaluation: { readonly responses: readonly EvaluationAnswer[]; readonly invitations: readonly unknown[] },
): Promise<Uint8Array> {
  const figures = aggregate(evaluation.responses, evaluation.invitations.length);
  const workbook = new (await loadExcel()).Workbook();
  workbook.creator = '领军人才培训管理系统';
  workbook.created = new Date(`${trainingClass.endDate}T00:00:00+08:00`);

  const summary = workbook.addWorksheet('汇总');
  summary.columns = [{ width: 14 }, { width: 12 }, ...SCORES.map(() => ({ width: 10 })), { width: 12 }];
  const title = summary.addRow([
    inertText(
      `${programme.year}年度中小企业经营管理领军人才培训 第${trainingClass.number}期「${trainingClass.theme}」培训评价汇总`,
    ),
  ]);
  title.font = { bold: true, size: 14 };
  summary.addRow([
    inertText(
      `承办单位：${trainingClass.host}　地点：${trainingClass.city}　日期：${trainingClass.startDate} 至 ${trainingClass.endDate}`,
    ),
  ]);
  if (programme.sampleData) {
    summary.addRow([`注意：${SAMPLE_DATA_NOTICE}`]).font = { bold: true, color: { argb: 'FFC00000' } };
  }
  summary.addRow([]);
  headerRow(summary.addRow(['邀请人数', '回复人数', '回复率']));
  const counts = summary.addRow([figures.invited, figures.responded, figures.responseRate]);
  counts.getCell(3).numFmt = '0.0%';
  counts.eachCell((cell) => {
    cell.border = BORDER;
  });
  summary.addRow([]);
  headerRow(summary.addRow(['评价维度', '平均分', ...SCORES.map((score) => `${score}分（人）`), '评分人数']));
  for (const dimension of figures.dimensions) {
    const row = summary.addRow([
      dimension.label,
      dimension.mean,
      ...SCORES.map((score) => dimension.distribution[score]),
      figures.responded,
    ]);
    row.getCell(2).numFmt = '0.00';
    row.eachCell((cell) => {
      cell.border = BORDER;
    });
  }
  summary.addRow([]);
  summary.addRow([
    '说明：评分 1–5 分（5 分最高），平均分四舍五入保留两位小数。评价匿名保存，不含姓名、单位和提交时间，无法追溯到个人。',
  ]);

  const sheet = workbook.addWorksheet('逐份评价');
  const labels = EVALUATION_DIMENSIONS.map((dimension) => dimension.label);
  sheet.columns = [
    { width: 6 },
    ...labels.map(() => ({ width: 10 })),
    ...labels.map(() => ({ width: 30 })),
    { width: 40 },
  ];
  headerRow(sheet.addRow(['序号', ...labels, ...labels.map((label) => `${label}意见`), '总体意见']));
  const rows = evaluation.responses
    .map((response) => [
      ...DIMENSION_KEYS.map((key) => response.scores[key]),
      ...DIMENSION_KEYS.map((key) => response.comments[key] ?? ''),
      response.overall ?? '',
    ])
    .sort(compareRows);
  rows.forEach((values, index) => {
    const row = sheet.addRow([
      index + 1,
      ...values.map((value) => (typeof value === 'string' ? inertText(value) : value)),
    ]);
    // Stryker disable next-line ObjectLiteral,BooleanLiteral: every cell holds a number or a string ('' for no comment), which ExcelJS never counts as empty
    row.eachCell({ includeEmpty: true }, (cell, column) => {
      cell.border = BORDER;
      cell.alignment = { vertical: 'top', wrapText: column > 1 + labels.length };
      if (column > 1 + labels.length) cell.numFmt = '@';
    });
  });
  sheet.views = [{ state: 'frozen', ySplit: 1 }];

  const buffer = await workbook.xlsx.writeBuffer();
  return new Uint8Array(buffer as ArrayBuffer);
}

function headerRow(row: ExcelJS.Row): void {
  row.eachCell((cell) => {
    cell.font = { bold: true };
    cell.fill = HEADER_FILL;
    cell.border = BORDER;
    cell.alignment = { vertical: 'middle', horizontal: 'center', wrapText: true };
  });
}

function compareRows(a: readonly (string | number)[], b: readonly (string | number)[]): number {
  for (let index = 0; index < a.length; index++) {
    // Stryker disable next-line StringLiteral: every row has the same length, so a[index] and b[index] are never undefined
    const left = a[index] ?? '';
    // Stryker disable next-line StringLiteral: as above
    const right = b[index] ?? '';
    if (left < right) return -1;
    if (left > right) return 1;
  }
  return 0;
}
