import type { ArchiveEnterprise, ArchiveTrainee } from '../domain/unit-archive';
import type { ExportTable } from './table-export';

type Row = { readonly enterprise: ArchiveEnterprise; readonly trainee: ArchiveTrainee | null };

/**
 * A unit's archive as a table: one row per trainee, enterprise by enterprise (the order of the archive reply), with
 * the enterprise's follow-up notes beside each of its rows so a filter on one enterprise keeps them; an enterprise
 * with notes but no trainee left in the archive gets one row of its own. Personal values are masked.
 */
export function unitArchiveTable(
  unit: { readonly code: string; readonly name: string },
  enterprises: readonly ArchiveEnterprise[],
  notes: readonly string[],
): ExportTable<Row> {
  const rows: Row[] = enterprises.flatMap<Row>((enterprise) =>
    enterprise.trainees.length > 0
      ? enterprise.trainees.map((trainee) => ({ enterprise, trainee }))
      : [{ enterprise, trainee: null }],
  );
  return {
    title: `${unit.name}（${unit.code}）领军人才培训学员档案`,
    sheetName: '学员档案',
    notes,
    columns: [
      { header: '企业名称', value: (r) => r.trainee?.enterpriseName ?? r.enterprise.enterpriseName, width: 30 },
      { header: '统一社会信用代码', value: (r) => r.enterprise.creditCode, width: 22 },
      { header: '年度', value: (r) => r.trainee?.year ?? null, width: 8 },
      { header: '姓名', value: (r) => r.trainee?.name ?? null, width: 12 },
      { header: '身份证号（脱敏）', value: (r) => r.trainee?.idNumber ?? null, width: 22 },
      { header: '职务', value: (r) => r.trainee?.position ?? null, width: 14 },
      { header: '期次', value: (r) => r.trainee?.classNumber ?? null, width: 6 },
      { header: '培训结果', value: (r) => r.trainee?.outcome ?? null, width: 14 },
      { header: '结业证书编号', value: (r) => r.trainee?.certificate?.number ?? null, width: 22 },
      {
        header: '证书状态',
        value: (r) => (r.trainee?.certificate ? (r.trainee.certificate.status === 'issued' ? '有效' : '已撤销') : null),
        width: 10,
      },
      {
        header: '跟进记录',
        value: (r) => r.enterprise.notes.map((note) => `${note.date} ${note.text}`).join('\n'),
        width: 60,
      },
    ],
    rows,
  };
}
