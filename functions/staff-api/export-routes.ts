import { auditOf, recordAudit } from '../../shared/adapters/audit-store';
import { systemClock } from '../../shared/adapters/clock';
import { loadConfig } from '../../shared/adapters/config';
import { exportReply } from '../../shared/adapters/export-files';
import { loadProgramme } from '../../shared/adapters/programme-store';
import { listAllRegistrations, withFullPersonalValues } from '../../shared/adapters/registration-export-reads';
import { statusLabel } from '../../shared/domain/registration-history';
import type { RegistrationStatus } from '../../shared/domain/trainee-registration';
import { findUnit } from '../../shared/domain/units';
import { registrationExportTable } from '../../shared/exports/registration-export';
import { type ExportFormat, renderTable } from '../../shared/exports/table-export';
import { fullValuesRequested } from '../../shared/http/full-values';
import type { HttpResult, Route } from '../../shared/http/http-handler';
import {
  type AuthorizedEvent,
  type Principal,
  requireAccessToUnit,
  requireStaffOrUnit,
} from '../../shared/http/principal';
import { registrationFilters } from '../../shared/http/registration-filters';
import { parseQuery } from '../../shared/http/request-parsing';

/** Registrations as a workbook or a CSV: the list's filters, every matching row, masked unless staff ask. */
export const exportRoutes: Record<string, Route> = {
  'GET /exports/registrations.xlsx': (event, principal) => registrationsExport(event, principal, 'xlsx'),
  'GET /exports/registrations.csv': (event, principal) => registrationsExport(event, principal, 'csv'),
};

/** The list's own filters (GET /registrations), so an export holds exactly what the list shows. */
const exportQuery = registrationFilters;

async function registrationsExport(
  event: AuthorizedEvent,
  principal: Principal,
  format: ExportFormat,
): Promise<HttpResult> {
  requireStaffOrUnit(principal);
  const query = parseQuery(exportQuery, event.queryStringParameters);
  if (query.unit) requireAccessToUnit(principal, query.unit);
  const full = fullValuesRequested(event, principal);
  const unit = principal.role === 'unit' ? principal.unit : query.unit;
  const year = query.year ?? loadConfig().PROGRAMME_YEAR;
  const listed = await listAllRegistrations({
    year,
    unit,
    status: query.status as RegistrationStatus | undefined,
    classNumber: query.class,
  });
  // Warnings live in the projected trainee map, so the filter needs no further read.
  const matching = query.warning
    ? listed.filter((registration) => (registration.trainee.reviewNotes ?? []).includes(query.warning as never))
    : listed;
  const registrations = full ? await withFullPersonalValues(matching) : matching;
  const filters = { year, unit, status: query.status, class: query.class, warning: query.warning };
  // Recorded before the file leaves: an export nobody can account for is the one thing this must not allow.
  await recordAudit(
    auditOf(event, principal, full ? 'export.full' : 'export.masked', 'export:registrations', {
      format,
      filters: Object.fromEntries(Object.entries(filters).filter(([, value]) => value !== undefined)),
      rows: registrations.length,
    }),
  );
  const programme = await loadProgramme(year);
  const now = systemClock.now();
  const bytes = await renderTable(
    registrationExportTable({
      registrations,
      values: full ? 'full' : 'masked',
      filters: describeFilters(filters),
      generatedAt: now.toISOString(),
      sampleData: programme?.sampleData ?? false,
    }),
    format,
  );
  const scope = unit ? (findUnit(unit)?.name ?? unit) : '全部单位';
  return exportReply(bytes, format, `报名名单-${year}-${scope}${full ? '-完整信息' : ''}`);
}

function describeFilters(filters: {
  year: number;
  unit?: string;
  status?: string;
  class?: number;
  warning?: string;
}): string {
  return [
    `年度 ${filters.year}`,
    `单位 ${filters.unit ? `${findUnit(filters.unit)?.name ?? filters.unit}（${filters.unit}）` : '全部'}`,
    `状态 ${filters.status ? statusLabel(filters.status as RegistrationStatus) : '全部'}`,
    `期次 ${filters.class ? `第${filters.class}期` : '全部'}`,
    ...(filters.warning ? [`审核提示 ${filters.warning}`] : []),
  ].join('；');
}
