import { z } from 'zod';
import { auditOf, recordAudit } from '../../shared/adapters/audit-store';
import { systemClock } from '../../shared/adapters/clock';
import { loadConfig } from '../../shared/adapters/config';
import { exportReply } from '../../shared/adapters/export-files';
import { listUnitFigures } from '../../shared/adapters/quota-store';
import { requireProgramme } from '../../shared/classes/programme-context';
import { SAMPLE_DATA_NOTICE } from '../../shared/domain/classes/class-view';
import { formatDeadline } from '../../shared/domain/programme';
import { isUnitCode } from '../../shared/domain/units';
import {
  buildQuotaReport,
  QUOTA_REPORT_COLUMNS,
  type QuotaReport,
  quotaReportLines,
  quotaReportNotes,
} from '../../shared/domain/quota-report';
import { type ExportFormat, renderTable } from '../../shared/exports/table-export';
import { json, type HttpResult, type Route } from '../../shared/http/http-handler';
import {
  type AuthorizedEvent,
  type Principal,
  requireAccessToUnit,
  requireStaff,
  requireStaffOrUnit,
} from '../../shared/http/principal';
import { parseQuery } from '../../shared/http/request-parsing';

/**
 * Quotas at a glance: every unit's quota against what its registrations have become, and the national totals against
 * the plan. Read from the counters the writes keep (one Query), never by counting registrations.
 */
export const quotaRoutes: Record<string, Route> = {
  'GET /quotas': quotasRoute,
  'GET /exports/quotas.xlsx': (event, principal) => quotaExportRoute(event, principal, 'xlsx'),
  'GET /exports/quotas.csv': (event, principal) => quotaExportRoute(event, principal, 'csv'),
};

const yearQuery = z.coerce.number().int().min(2000).max(2100).optional();
const quotasQuery = z.object({
  year: yearQuery,
  unit: z.string().refine(isUnitCode, 'unit 须为推荐单位的 6 位代码（见 GET /programme 的 quotas）').optional(),
});
const exportQuery = z.object({ year: yearQuery });

async function quotaReportOf(year: number): Promise<{ report: QuotaReport; sampleData: boolean }> {
  const programme = await requireProgramme(year);
  return { report: buildQuotaReport(programme, await listUnitFigures(year)), sampleData: programme.sampleData };
}

/**
 * Staff see every unit and the national totals; a unit's operator sees its own row only (its quota, its deadline, how
 * its trainees stand), and nothing of other units, the totals included. A class host sees none.
 */
async function quotasRoute(event: AuthorizedEvent, principal: Principal): Promise<HttpResult> {
  requireStaffOrUnit(principal);
  const query = parseQuery(quotasQuery, event.queryStringParameters);
  if (query.unit) requireAccessToUnit(principal, query.unit);
  const only = principal.role === 'unit' ? principal.unit : query.unit;
  const year = query.year ?? loadConfig().PROGRAMME_YEAR;
  const { report, sampleData } = await quotaReportOf(year);
  const notice = sampleData ? { sampleData: true, sampleDataNotice: SAMPLE_DATA_NOTICE } : { sampleData: false };
  if (only) {
    return json(200, { year, units: report.units.filter((row) => row.unit === only), ...notice });
  }
  return json(200, { year, units: report.units, national: report.national, ...notice });
}

/** The same report as a file; taking it out of the system is audited (it holds no personal data). */
async function quotaExportRoute(event: AuthorizedEvent, principal: Principal, format: ExportFormat) {
  requireStaff(principal);
  const query = parseQuery(exportQuery, event.queryStringParameters);
  const year = query.year ?? loadConfig().PROGRAMME_YEAR;
  const { report, sampleData } = await quotaReportOf(year);
  const lines = quotaReportLines(report);
  const bytes = await renderTable(
    {
      title: `${year}年度领军人才培训名额使用情况`,
      sheetName: `${year}名额`,
      notes: [
        ...quotaReportNotes(report),
        `导出时间：${formatDeadline(systemClock.now())}（北京时间）`,
        ...(sampleData ? [SAMPLE_DATA_NOTICE] : []),
      ],
      columns: QUOTA_REPORT_COLUMNS,
      rows: lines,
    },
    format,
  );
  await recordAudit(
    auditOf(event, principal, 'export.masked', 'export:quotas', { year, format, rows: report.units.length }),
  );
  return exportReply(bytes, format, `${year}年度名额使用情况`);
}
