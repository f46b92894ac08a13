import { evaluateCompletion } from '../domain/attendance';
import type { ClassStatus } from '../domain/classes/class-view';
import type { Programme, TrainingClass } from '../domain/programme';
import { statusLabel } from '../domain/registration-history';
import type { Registration } from '../domain/trainee-registration';
import { findUnit } from '../domain/units';
import {
  beijingTime,
  exportedContacts,
  type PersonalValues,
  personalValuesNote,
  sampleDataNotes,
  scrubbedColumn,
} from './registration-export';
import type { ExportColumn, ExportTable } from './table-export';

const COMPLETION_REASONS: Record<string, string> = {
  UNEXCUSED_ABSENCE: '无故缺勤超过上限',
  TOO_MUCH_LEAVE: '请假超过上限',
  TOO_LATE: '迟到超过上限',
};

export interface RosterExportInput {
  readonly programme: Programme;
  readonly trainingClass: TrainingClass;
  readonly status: ClassStatus;
  /** Whether any session has begun: before that an attendance column says nothing and is left out. */
  readonly hasRun: boolean;
  readonly registrations: readonly Registration[];
  readonly values: PersonalValues;
  readonly generatedAt: string;
}

const CLASS_STATUS_LABELS: Record<ClassStatus, string> = {
  open: '未开班',
  'in-session': '培训中',
  closing: '结班处理中',
  closed: '已结班',
};

/**
 * A class's roster as staff and its host take it away: the class's facts above the table, one row per trainee the
 * class holds, and, once the class has run, each trainee's attendance and outcome.
 */
export function rosterExportTable(input: RosterExportInput): ExportTable<Registration> {
  const { programme, trainingClass } = input;
  const contacts = (registration: Registration) => exportedContacts(registration, input.values);
  const completion = (registration: Registration) =>
    registration.completion ?? evaluateCompletion(registration.attendance ?? {}, registration.leave ?? {}, programme);
  const position = new Map(input.registrations.map((registration, index) => [registration, index]));
  const columns: ExportColumn<Registration>[] = [
    { header: '序号', value: (r) => (position.get(r) ?? 0) + 1, width: 6 },
    { header: '报名编号', value: (r) => r.registrationId, width: 32 },
    { header: '推荐单位', value: (r) => findUnit(r.unit)?.name ?? r.unit, width: 14 },
    { header: '姓名', value: (r) => r.trainee.name, width: 12 },
    { header: '性别', value: (r) => r.trainee.gender, width: 6 },
    { header: '企业名称', value: (r) => r.trainee.enterpriseName, width: 30 },
    { header: '职务', value: (r) => r.trainee.position, width: 12 },
    { header: '身份证号', value: (r) => contacts(r).idNumber, width: 21 },
    { header: '手机号码', value: (r) => contacts(r).mobile, width: 14 },
    { header: '状态', value: (r) => statusLabel(r.status), width: 12 },
  ];
  if (input.hasRun) {
    columns.push(
      { header: '出勤场次', value: (r) => completion(r).present, width: 8 },
      { header: '其中迟到', value: (r) => completion(r).late, width: 8 },
      { header: '请假场次', value: (r) => completion(r).leave, width: 8 },
      { header: '无故缺勤', value: (r) => completion(r).unexcusedAbsences, width: 8 },
      { header: '结业情况', value: (r) => outcomeOf(r, completion(r)), width: 24 },
    );
  }
  return {
    title: `第${trainingClass.number}期 ${trainingClass.theme} 学员名单`,
    sheetName: `第${trainingClass.number}期学员名单`,
    notes: [
      `承办机构：${trainingClass.host}；地点：${trainingClass.city} ${trainingClass.venue}`,
      `培训日期：${trainingClass.startDate} 至 ${trainingClass.endDate}；共 ${programme.sessionsPerClass} 场；班级状态：${CLASS_STATUS_LABELS[input.status]}`,
      `在册 ${input.registrations.length} 人 / 容量 ${trainingClass.capacity} 人；导出时间（北京时间）：${beijingTime(input.generatedAt)}`,
      personalValuesNote(input.values),
      ...sampleDataNotes(programme.sampleData),
    ],
    columns: input.values === 'masked' ? columns.map(scrubbedColumn) : columns,
    rows: input.registrations,
  };
}

function outcomeOf(registration: Registration, result: ReturnType<typeof evaluateCompletion>): string {
  if (registration.status === 'certified')
    return `已结业${registration.certificate ? `（证书 ${registration.certificate.number}）` : ''}`;
  if (registration.status === 'incomplete') {
    return `未达结业要求：${result.reasons.map((code) => COMPLETION_REASONS[code] ?? code).join('、')}`;
  }
  return result.complete
    ? '目前符合结业要求'
    : `目前未达要求：${result.reasons.map((code) => COMPLETION_REASONS[code] ?? code).join('、')}`;
}
