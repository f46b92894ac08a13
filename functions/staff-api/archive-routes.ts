import { z } from 'zod';
import {
  addNote,
  archiveYears,
  enterpriseNotes,
  unitNotes,
  unitRegistrations,
} from '../../shared/adapters/archive-store';
import { auditOf, recordAudit } from '../../shared/adapters/audit-store';
import { systemClock } from '../../shared/adapters/clock';
import { exportReply } from '../../shared/adapters/export-files';
import { SAMPLE_DATA_NOTICE } from '../../shared/domain/classes/class-view';
import { DomainError } from '../../shared/domain/errors';
import { validateCreditCode } from '../../shared/domain/registration/credit-code';
import { programmeDate } from '../../shared/domain/registration/loose-date';
import { archiveTrainee, checkNote, groupArchive, MAX_NOTE_LENGTH } from '../../shared/domain/unit-archive';
import { findUnit } from '../../shared/domain/units';
import { type ExportFormat, renderTable } from '../../shared/exports/table-export';
import { unitArchiveTable } from '../../shared/exports/unit-archive-table';
import { type HttpResult, json, type Route } from '../../shared/http/http-handler';
import {
  type AuthorizedEvent,
  type Principal,
  requireAccessToUnit,
  requireStaffOrUnit,
} from '../../shared/http/principal';
import { parseBody, parseQuery, pathParameter } from '../../shared/http/request-parsing';

/**
 * A unit's archive of trained entrepreneurs across programme years, and follow-up notes per enterprise (notice
 * 二(六)): staff see every unit's, a unit operator only its own.
 */
export const archiveRoutes: Record<string, Route> = {
  'GET /units/{unit}/archive': archiveRoute,
  'GET /units/{unit}/archive.xlsx': (event, principal) => archiveExportRoute(event, principal, 'xlsx'),
  'GET /units/{unit}/archive.csv': (event, principal) => archiveExportRoute(event, principal, 'csv'),
  'POST /units/{unit}/enterprises/{creditCode}/notes': addNoteRoute,
  'GET /units/{unit}/enterprises/{creditCode}/notes': listNotesRoute,
};

/** The unit in the path, if it is one of the 37 and the caller may see it. */
function requireArchiveUnit(event: AuthorizedEvent, principal: Principal): { code: string; name: string } {
  requireStaffOrUnit(principal);
  const code = pathParameter(event, 'unit');
  const unit = findUnit(code);
  if (!unit) throw new DomainError('UNIT_UNKNOWN', `单位代码 ${code} 不是 37 个推荐单位之一`, 404);
  requireAccessToUnit(principal, unit.code);
  return { code: unit.code, name: unit.name };
}

function creditCodeParameter(event: AuthorizedEvent): string {
  const result = validateCreditCode(pathParameter(event, 'creditCode'));
  if (!result.ok) {
    throw new DomainError(result.code, '统一社会信用代码无效：请使用档案中企业的 18 位代码', 400);
  }
  return result.creditCode;
}

async function readArchive(unit: string) {
  const years = await archiveYears();
  const [registrations, notes] = await Promise.all([
    unitRegistrations(
      unit,
      years.map((entry) => entry.year),
    ),
    unitNotes(unit),
  ]);
  return {
    years,
    enterprises: groupArchive(registrations.items.map(archiveTrainee), notes.items),
    trainees: registrations.items.length,
    notes: notes.items.length,
    truncated: registrations.truncated || notes.truncated,
    sampleData: years.some((entry) => entry.programme.sampleData),
  };
}

async function archiveRoute(event: AuthorizedEvent, principal: Principal): Promise<HttpResult> {
  const unit = requireArchiveUnit(event, principal);
  const archive = await readArchive(unit.code);
  return json(200, {
    unit: unit.code,
    unitName: unit.name,
    years: archive.years.map((entry) => entry.year),
    totals: { enterprises: archive.enterprises.length, trainees: archive.trainees, notes: archive.notes },
    enterprises: archive.enterprises,
    ...(archive.truncated
      ? { truncated: true, truncatedMessage: '档案条目超过单次查询上限，仅显示最近的部分；请导出或联系管理人员' }
      : {}),
    ...(archive.sampleData ? { sampleDataNotice: SAMPLE_DATA_NOTICE } : {}),
  });
}

async function archiveExportRoute(
  event: AuthorizedEvent,
  principal: Principal,
  format: ExportFormat,
): Promise<HttpResult> {
  const unit = requireArchiveUnit(event, principal);
  const archive = await readArchive(unit.code);
  const madeAt = systemClock.now();
  const notes = [
    `导出时间：${madeAt.toISOString()}（${principal.subject}）`,
    `年度：${archive.years.map((entry) => entry.year).join('、') || '无'}；企业 ${archive.enterprises.length} 家，学员 ${archive.trainees} 人次`,
    '身份证号已脱敏；手机号码和电子邮箱不导出',
    ...(archive.truncated ? ['档案条目超过单次导出上限，仅含最近的部分'] : []),
    ...(archive.sampleData ? [SAMPLE_DATA_NOTICE] : []),
  ];
  const bytes = await renderTable(unitArchiveTable(unit, archive.enterprises, notes), format);
  // Who took which unit's list out of the system: ids and counts only.
  await recordAudit(
    auditOf(event, principal, 'export.masked', `export:unit-archive:${unit.code}`, {
      unit: unit.code,
      format,
      enterprises: archive.enterprises.length,
      rows: archive.trainees,
      notes: archive.notes,
    }),
  );
  return exportReply(bytes, format, `${unit.name}-培训学员档案-${programmeDate(madeAt)}`);
}

const noteSchema = z.object({
  date: z.string().trim().max(20),
  text: z.string().max(MAX_NOTE_LENGTH * 4),
});

async function addNoteRoute(event: AuthorizedEvent, principal: Principal): Promise<HttpResult> {
  const unit = requireArchiveUnit(event, principal);
  const creditCode = creditCodeParameter(event);
  const body = parseBody(
    noteSchema,
    event.body,
    'BAD_REQUEST',
    '格式：{ date: "YYYY-MM-DD", text: 跟进记录（≤1000 字） }',
  );
  const now = systemClock.now();
  const note = checkNote(body, programmeDate(now));
  const years = await archiveYears();
  const registrations = await unitRegistrations(
    unit.code,
    years.map((entry) => entry.year),
  );
  if (!registrations.items.some((item) => item.trainee.creditCode === creditCode)) {
    throw new DomainError(
      'ENTERPRISE_NOT_IN_ARCHIVE',
      `统一社会信用代码 ${creditCode} 的企业不在${unit.name}的培训学员档案中：跟进记录只能记在本单位推荐过的企业下`,
      404,
    );
  }
  const stored = await addNote({
    unit: unit.code,
    creditCode,
    date: note.date,
    text: note.text,
    by: principal.subject,
    at: now.toISOString(),
  });
  // The note's text stays out of the audit trail: it is free text and may name people.
  await recordAudit(
    auditOf(event, principal, 'archive.note', `unit:${unit.code}`, {
      creditCode,
      noteId: stored.noteId,
      date: stored.date,
    }),
  );
  return json(201, stored);
}

const notesQuery = z.object({
  cursor: z.string().max(2048).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

async function listNotesRoute(event: AuthorizedEvent, principal: Principal): Promise<HttpResult> {
  const unit = requireArchiveUnit(event, principal);
  const creditCode = creditCodeParameter(event);
  const query = parseQuery(notesQuery, event.queryStringParameters);
  const page = await enterpriseNotes({ unit: unit.code, creditCode, ...query, caller: principal.subject });
  return json(200, { unit: unit.code, creditCode, items: page.items, next: page.next });
}
