import { z } from 'zod';
import { auditOf } from '../../shared/adapters/audit-store';
import { listClassStates } from '../../shared/adapters/class-seats';
import { systemClock } from '../../shared/adapters/clock';
import { loadConfig } from '../../shared/adapters/config';
import {
  getProgrammeVersion,
  listProgrammeVersions,
  PROGRAMME_CACHE_MS,
  type ProgrammeRecord,
  readProgramme,
  type SaveGuards,
  saveProgrammeVersion,
} from '../../shared/adapters/programme-store';
import { removeDeadlineExtension, setDeadlineExtension } from '../../shared/adapters/deadline-extension-store';
import { listUnitQuotaUsed } from '../../shared/adapters/quota-store';
import { SAMPLE_DATA_NOTICE } from '../../shared/domain/classes/class-view';
import { DomainError } from '../../shared/domain/errors';
import { effectiveDeadline, formatDeadline, type Programme } from '../../shared/domain/programme';
import {
  checkProgrammeDraft,
  describeChange,
  type ProgrammeChange,
  type RecordedState,
  type SettingsProblem,
  summariseChanges,
} from '../../shared/domain/programme-settings';
import { findUnit } from '../../shared/domain/units';
import { type HttpResult, json, type Route } from '../../shared/http/http-handler';
import { type AuthorizedEvent, type Principal, requireStaff } from '../../shared/http/principal';
import { parseBody, parseQuery, pathParameter } from '../../shared/http/request-parsing';

/**
 * Programme settings (issue 12 item 4): staff replace the year's programme, versioned and attributed, and grant a
 * unit a later deadline. GET /programme stays in admin-api, since everyone signed in reads it.
 */
export const settingsRoutes: Record<string, Route> = {
  'PUT /programme': putProgramme,
  'GET /programme/versions': listVersions,
  'GET /programme/versions/{version}': getVersion,
  'PUT /units/{unit}/deadline-extension': grantExtension,
  'DELETE /units/{unit}/deadline-extension': withdrawExtension,
};

const year = () => loadConfig().PROGRAMME_YEAR;
const MAX_REASON = 500;

async function putProgramme(event: AuthorizedEvent, principal: Principal): Promise<HttpResult> {
  requireStaff(principal);
  const body = (event.body ?? {}) as unknown;
  const expected = expectedVersion(event, body);
  const {
    version: _version,
    reason,
    ...draft
  } = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const current = await readProgramme(year());
  if (!current) throw new DomainError('PROGRAMME_UNKNOWN', `${year()}年度培训计划尚未发布`, 404);
  if (expected !== current.version) throw programmeChanged(current);

  for (let attempt = 1; ; attempt++) {
    const now = systemClock.now();
    const state = await recordedState(year());
    const checked = checkProgrammeDraft({ body: draft, year: year(), current: current.programme, state, now });
    const problems: SettingsProblem[] = checked.ok ? [] : [...checked.problems];
    const why = typeof reason === 'string' ? reason.trim() : '';
    if (!why || why.length > MAX_REASON) {
      problems.push({
        code: 'REASON_REQUIRED',
        path: 'reason',
        message: `请在 reason 中写明修改原因（1–${MAX_REASON} 字），它随版本保存`,
      });
    }
    if (!checked.ok || problems.length > 0 || !why) {
      throw new DomainError(
        'PROGRAMME_INVALID',
        `培训计划未保存：有 ${problems.length} 处问题，请逐条修改后重新提交`,
        422,
        { problems },
      );
    }
    const programme = checked.programme;
    const changes = summariseChanges(current.programme, programme);
    if (changes.length === 0) {
      return json(200, { ...reply(current, [], why), unchanged: true, notices: ['与当前培训计划相同，未保存新版本'] });
    }
    const at = now.toISOString();
    const outcome = await saveProgrammeVersion(
      { year: year(), programme, by: principal.subject, at, reason: why, changes },
      current.version,
      guardsFor(current.programme, programme),
      auditOf(event, principal, 'programme.change', `programme:${year()}`, {
        version: current.version + 1,
        previousVersion: current.version,
        changes,
      }),
    );
    if (outcome.kind === 'version-changed') throw programmeChanged((await readProgramme(year())) ?? current);
    if (outcome.kind === 'state-changed') {
      // A registration or an assignment landed between the reads and the write: check again against it.
      if (attempt < 2) continue;
      throw new DomainError('PROGRAMME_STATE_CHANGED', '保存时报名或分班数据恰好发生变化，请稍后重新提交', 409);
    }
    const saved = json(200, {
      ...reply(outcome.record, changes, why),
      notices: savedNotices(current.programme, programme),
    });
    // The next edit's If-Match, as GET /programme would give it.
    return { ...saved, headers: { ...saved.headers, etag: `"${outcome.record.version}"` } };
  }
}

/** The version the editor started from: the If-Match header (as GET /programme's ETag) or the body's `version`. */
function expectedVersion(event: AuthorizedEvent, body: unknown): number {
  const header = event.headers?.['if-match'] ?? event.headers?.['If-Match'];
  const fromHeader = header === undefined ? undefined : /^(?:W\/)?"?(\d{1,6})"?$/.exec(header.trim())?.[1];
  if (header !== undefined && fromHeader === undefined) {
    throw new DomainError('VERSION_INVALID', 'If-Match 须为 GET /programme 返回的版本号（ETag），如 "3"', 400);
  }
  const fromBody = (body as { version?: unknown } | undefined)?.version;
  if (fromBody !== undefined && (typeof fromBody !== 'number' || !Number.isInteger(fromBody) || fromBody < 0)) {
    throw new DomainError('VERSION_INVALID', 'version 须为 GET /programme 返回的版本号（不小于 0 的整数）', 400);
  }
  if (fromHeader !== undefined && fromBody !== undefined && Number(fromHeader) !== fromBody) {
    throw new DomainError('VERSION_INVALID', `If-Match（${fromHeader}）与请求中的 version（${fromBody}）不一致`, 400);
  }
  const version = fromHeader !== undefined ? Number(fromHeader) : fromBody;
  if (version === undefined) {
    throw new DomainError(
      'VERSION_REQUIRED',
      '请在请求中带上所编辑的版本号（version，或 If-Match 头），即 GET /programme 返回的 version，以免覆盖他人的修改',
      428,
    );
  }
  return version;
}

function programmeChanged(current: ProgrammeRecord): DomainError {
  return new DomainError(
    'PROGRAMME_CHANGED',
    `培训计划已被${current.savedBy ? ` ${current.savedBy} ` : '他人'}修改为第 ${current.version} 版；请重新获取 GET /programme，在新版本上修改后再提交`,
    409,
    { currentVersion: current.version, savedAt: current.savedAt ?? null, savedBy: current.savedBy ?? null },
  );
}

async function recordedState(year: number): Promise<RecordedState> {
  const [quotaUsed, classes] = await Promise.all([listUnitQuotaUsed(year), listClassStates(year)]);
  return {
    quotaUsed,
    classSeats: new Map([...classes].map(([number, state]) => [number, state.used])),
  };
}

/** Every limit the new programme lowers, re-checked inside the save's transaction. */
function guardsFor(before: Programme, after: Programme): SaveGuards {
  const quotaAtMost = new Map<string, number>();
  for (const [unit, old] of Object.entries(before.quotas)) {
    const next = after.quotas[unit] ?? 0;
    if (next < old) quotaAtMost.set(unit, next);
  }
  const classSeatsAtMost = new Map<number, number>();
  for (const { number, capacity } of before.classes) {
    const next = after.classes.find((c) => c.number === number)?.capacity ?? 0;
    if (next < capacity) classSeatsAtMost.set(number, next);
  }
  return { quotaAtMost, classSeatsAtMost };
}

function reply(record: ProgrammeRecord, changes: readonly ProgrammeChange[], reason: string) {
  return {
    year: record.programme.year,
    version: record.version,
    savedAt: record.savedAt ?? null,
    savedBy: record.savedBy ?? null,
    reason,
    changes,
    /** The same, one line each, for a person: `quotas.440000 20→23`. */
    summary: changes.map(describeChange),
    programme: record.programme,
    ...(record.programme.sampleData ? { sampleDataNotice: SAMPLE_DATA_NOTICE } : {}),
  };
}

function savedNotices(before: Programme, after: Programme): string[] {
  const notices: string[] = [];
  if (before.sampleData && !after.sampleData) {
    notices.push('已清除示例数据标记（sampleData=false）：回复、导出和证书验证不再附示例数据提示');
  } else if (after.sampleData) {
    notices.push('sampleData 仍为 true：回复和导出继续附示例数据提示；以正式培训计划替换后请将其设为 false 或省略');
  }
  notices.push(`其他功能最迟 ${PROGRAMME_CACHE_MS / 1000} 秒后按新计划执行（截止时间、名额、容量）`);
  return notices;
}

const versionsQuery = z.object({
  cursor: z.string().max(2048).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

async function listVersions(event: AuthorizedEvent, principal: Principal): Promise<HttpResult> {
  requireStaff(principal);
  const query = parseQuery(versionsQuery, event.queryStringParameters);
  const page = await listProgrammeVersions(year(), { ...query, caller: principal.subject });
  return json(200, { year: year(), items: page.items, next: page.next });
}

async function getVersion(event: AuthorizedEvent, principal: Principal): Promise<HttpResult> {
  requireStaff(principal);
  const raw = pathParameter(event, 'version');
  const number = /^\d{1,4}$/.test(raw) ? Number(raw) : 0;
  const version = number > 0 ? await getProgrammeVersion(year(), number) : undefined;
  if (!version) {
    throw new DomainError(
      'VERSION_UNKNOWN',
      `${year()}年度培训计划没有第 ${raw} 版；已保存的版本见 GET /programme/versions`,
      404,
    );
  }
  return json(200, version);
}

const extensionBody = z.object({
  until: z.iso.datetime({ offset: true }),
  reason: z.string().trim().min(1).max(MAX_REASON),
});

/** The unit of the path: one of the recommending units, and one with a quota this year. */
async function unitWithQuota(
  event: AuthorizedEvent,
): Promise<{ unit: string; unitName: string; programme: Programme }> {
  const unit = pathParameter(event, 'unit');
  const known = findUnit(unit);
  if (!known) throw new DomainError('UNIT_UNKNOWN', `单位代码 ${unit} 不是推荐单位（省级中小企业主管部门）`, 404);
  const current = await readProgramme(year());
  if (!current) throw new DomainError('PROGRAMME_UNKNOWN', `${year()}年度培训计划尚未发布`, 404);
  if (current.programme.quotas[unit] === undefined) {
    throw new DomainError(
      'UNIT_HAS_NO_QUOTA',
      `${known.name}不在${year()}年度名额分配表中，延期没有意义；请先在培训计划中为其分配名额`,
      409,
    );
  }
  return { unit, unitName: known.name, programme: current.programme };
}

async function grantExtension(event: AuthorizedEvent, principal: Principal): Promise<HttpResult> {
  requireStaff(principal);
  const { until, reason } = parseBody(
    extensionBody,
    event.body,
    'BAD_REQUEST',
    'until 须为带时区的时间，如 2024-09-07T23:59:59+08:00；reason 写明延期原因',
  );
  const { unit, unitName, programme } = await unitWithQuota(event);
  const deadline = formatDeadline(effectiveDeadline(programme));
  const untilAt = new Date(until);
  // The deadline is inclusive to the second (isBeforeDeadline), so only a later second extends anything.
  if (Math.floor(untilAt.getTime() / 1000) <= Math.floor(Date.parse(programme.deadline) / 1000)) {
    throw new DomainError(
      'EXTENSION_NOT_LATER',
      `延期至 ${formatDeadline(untilAt)} 不晚于本年度报名截止时间 ${deadline}（北京时间），不会改变任何事；请填写晚于截止时间的时间`,
      422,
    );
  }
  const now = systemClock.now();
  if (untilAt.getTime() <= now.getTime()) {
    throw new DomainError(
      'EXTENSION_IN_PAST',
      `延期至 ${formatDeadline(untilAt)} 已经过去（现在是 ${formatDeadline(now)}），不会改变任何事；请填写将来的时间`,
      422,
    );
  }
  const at = now.toISOString();
  const replaced = await setDeadlineExtension(year(), unit, { until, by: principal.subject, at, reason }, (previous) =>
    auditOf(event, principal, 'deadline.extend', `unit:${unit}`, {
      until,
      replaced: previous?.until ?? null,
      deadline: programme.deadline,
    }),
  );
  const effective = effectiveDeadline(programme, until);
  return json(200, {
    unit,
    unitName,
    deadline: programme.deadline,
    until,
    effectiveDeadline: effective.toISOString(),
    effectiveDeadlineText: `${formatDeadline(effective)}（北京时间）`,
    reason,
    by: principal.subject,
    at,
    replaced: replaced?.until ?? null,
  });
}

async function withdrawExtension(event: AuthorizedEvent, principal: Principal): Promise<HttpResult> {
  requireStaff(principal);
  const { unit, unitName, programme } = await unitWithQuota(event);
  const withdrawn = await removeDeadlineExtension(year(), unit, (previous) =>
    auditOf(event, principal, 'deadline.extend', `unit:${unit}`, {
      withdrawn: previous.until,
      deadline: programme.deadline,
    }),
  );
  if (!withdrawn) {
    throw new DomainError('NO_DEADLINE_EXTENSION', `${unitName}没有延期，无需撤销`, 404);
  }
  const effective = effectiveDeadline(programme);
  return json(200, {
    unit,
    unitName,
    deadline: programme.deadline,
    withdrawn: withdrawn.until,
    effectiveDeadline: effective.toISOString(),
    effectiveDeadlineText: `${formatDeadline(effective)}（北京时间）`,
  });
}
