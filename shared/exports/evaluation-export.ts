import {
  aggregate,
  DIMENSION_KEYS,
  EVALUATION_DIMENSIONS,
  type EvaluationAggregate,
  type EvaluationAnswer,
} from '../domain/evaluation';
import type { Programme, TrainingClass } from '../domain/programme';
import { beijingTime, sampleDataNotes } from './registration-export';
import type { ExportColumn, ExportTable } from './table-export';

interface ClassEvaluationInput {
  readonly programme: Programme;
  readonly trainingClass: TrainingClass;
  readonly evaluation: { readonly responses: readonly EvaluationAnswer[]; readonly invitations: readonly unknown[] };
  readonly generatedAt: string;
}

function percent(rate: number | null): string {
  return rate === null ? '—' : `${(rate * 100).toFixed(1)}%`;
}

/** One line per dimension: the mean and how many gave each score, as the workbook's 汇总 sheet shows them. */
function dimensionLines(figures: EvaluationAggregate): string[] {
  return figures.dimensions.map(
    (dimension) =>
      `${dimension.label}：平均 ${dimension.mean ?? '—'} 分；${[5, 4, 3, 2, 1]
        .map((score) => `${score}分 ${dimension.distribution[score as 1 | 2 | 3 | 4 | 5]} 人`)
        .join('、')}`,
  );
}

type ResponseRow = readonly (string | number)[];

/**
 * A class's evaluation as one table (the CSV beside the workbook): the figures in the lines above it and one row per
 * anonymous response, sorted by content so the order says nothing about who answered or when.
 */
export function classEvaluationTable(input: ClassEvaluationInput): ExportTable<ResponseRow> {
  const { programme, trainingClass, evaluation } = input;
  const figures = aggregate(evaluation.responses, evaluation.invitations.length);
  const rows = evaluation.responses
    .map(
      (response): ResponseRow => [
        ...DIMENSION_KEYS.map((key) => response.scores[key]),
        ...DIMENSION_KEYS.map((key) => response.comments[key] ?? ''),
        response.overall ?? '',
      ],
    )
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  const position = new Map(rows.map((row, index) => [row, index + 1]));
  const labels = EVALUATION_DIMENSIONS.map((dimension) => dimension.label);
  const columns: ExportColumn<ResponseRow>[] = [
    { header: '序号', value: (row) => position.get(row) ?? 0, width: 6 },
    ...labels.map((label, index) => ({ header: label, value: (row: ResponseRow) => row[index], width: 10 })),
    ...labels.map((label, index) => ({
      header: `${label}意见`,
      value: (row: ResponseRow) => row[labels.length + index],
      width: 30,
    })),
    { header: '总体意见', value: (row) => row[2 * labels.length], width: 40 },
  ];
  return {
    title: `${programme.year}年度中小企业经营管理领军人才培训 第${trainingClass.number}期「${trainingClass.theme}」培训评价`,
    sheetName: `第${trainingClass.number}期评价`,
    notes: [
      `承办单位：${trainingClass.host}　地点：${trainingClass.city}　日期：${trainingClass.startDate} 至 ${trainingClass.endDate}`,
      `邀请 ${figures.invited} 人，回复 ${figures.responded} 人，回复率 ${percent(figures.responseRate)}`,
      ...dimensionLines(figures),
      '评分 1–5 分（5 分最高）。评价匿名保存，不含姓名、单位和提交时间，无法追溯到个人。',
      `导出时间：${beijingTime(input.generatedAt)}（北京时间）`,
      ...sampleDataNotes(programme.sampleData),
    ],
    columns,
    rows,
  };
}

interface ProgrammeEvaluationRow {
  readonly trainingClass: TrainingClass;
  readonly figures: EvaluationAggregate;
}

/** The programme's evaluation: one row per class with its response rate and each dimension's mean, then the total. */
export function programmeEvaluationTable(input: {
  readonly programme: Programme;
  readonly evaluations: ReadonlyMap<number, ClassEvaluationInput['evaluation']>;
  readonly generatedAt: string;
}): ExportTable<ProgrammeEvaluationRow> {
  const { programme } = input;
  const all: EvaluationAnswer[] = [];
  let invited = 0;
  const rows = [...programme.classes]
    .sort((a, b) => a.number - b.number)
    .map((trainingClass) => {
      const evaluation = input.evaluations.get(trainingClass.number) ?? { invitations: [], responses: [] };
      all.push(...evaluation.responses);
      invited += evaluation.invitations.length;
      return { trainingClass, figures: aggregate(evaluation.responses, evaluation.invitations.length) };
    });
  const total = aggregate(all, invited);
  const columns: ExportColumn<ProgrammeEvaluationRow>[] = [
    { header: '期次', value: (row) => (row.trainingClass.number === 0 ? '全部' : row.trainingClass.number), width: 6 },
    { header: '主题', value: (row) => row.trainingClass.theme, width: 24 },
    { header: '承办单位', value: (row) => row.trainingClass.host, width: 20 },
    { header: '日期', value: (row) => dateRange(row.trainingClass), width: 24 },
    { header: '邀请人数', value: (row) => row.figures.invited, width: 10 },
    { header: '回复人数', value: (row) => row.figures.responded, width: 10 },
    { header: '回复率', value: (row) => percent(row.figures.responseRate), width: 10 },
    ...EVALUATION_DIMENSIONS.map((dimension, index) => ({
      header: `${dimension.label}平均分`,
      value: (row: ProgrammeEvaluationRow) => row.figures.dimensions[index]?.mean ?? '—',
      width: 14,
    })),
  ];
  const totalRow: ProgrammeEvaluationRow = {
    trainingClass: {
      number: 0,
      theme: '全部期次合计',
      host: '',
      city: '',
      venue: '',
      startDate: '',
      endDate: '',
      capacity: 0,
    },
    figures: total,
  };
  return {
    title: `${programme.year}年度中小企业经营管理领军人才培训 培训评价汇总`,
    sheetName: '培训评价汇总',
    notes: [
      '评价维度：课程设置、师资力量、组织管理、实际效果，评分 1–5 分（5 分最高）；评价匿名保存。',
      `导出时间：${beijingTime(input.generatedAt)}（北京时间）`,
      ...sampleDataNotes(programme.sampleData),
    ],
    columns,
    rows: [...rows, totalRow],
  };
}

function dateRange(trainingClass: TrainingClass): string {
  return trainingClass.startDate ? `${trainingClass.startDate} 至 ${trainingClass.endDate}` : '';
}
