import { z } from 'zod';
import { auditOf, auditPut, recordAudit } from '../../shared/adapters/audit-store';
import { releaseRegistration } from '../../shared/adapters/class-seats';
import { systemClock } from '../../shared/adapters/clock';
import { loadConfig } from '../../shared/adapters/config';
import { listHistory } from '../../shared/adapters/history-store';
import { loadProgramme, readProgramme } from '../../shared/adapters/programme-store';
import { listRegistrations } from '../../shared/adapters/registration-queries';
import { uploadOrigin, uploadOrigins } from '../../shared/adapters/upload-origins';
import { getRegistration, TransactionRefused, transitionRegistration } from '../../shared/adapters/registration-store';
import { recordWithdrawer } from '../../shared/adapters/notice-log';
import { logger } from '../../shared/adapters/logger';
import { failWorkflowTask, isSpentToken, resumeWorkflow } from '../../shared/adapters/workflow-client';
import {
  claimTaskToken,
  getTaskToken,
  restoreTaskToken,
  setWorkflowStopPending,
  tokenCondition,
  type WaitingTask,
} from '../../shared/adapters/workflow-tokens';
import { grantLeave } from '../../shared/classes/leave-service';
import { requireProgramme } from '../../shared/classes/programme-context';
import { offerFreedSeats } from '../../shared/classes/waitlist-service';
import { hasStarted } from '../../shared/domain/classes/class-sessions';
import { SAMPLE_DATA_NOTICE } from '../../shared/domain/classes/class-view';
import { DomainError } from '../../shared/domain/errors';
import { findClass } from '../../shared/domain/programme';
import { registrationDetail } from '../../shared/domain/registration-view';
import { HOLDING_STATUSES, type Registration, summarise } from '../../shared/domain/trainee-registration';
import { AWAIT_STAGES, WORKFLOW_ERRORS } from '../../shared/domain/workflow';
import { buildTemplate } from '../../shared/forms';
import { fullValuesRequested } from '../../shared/http/full-values';
import { type HttpResult, json, routeHandler } from '../../shared/http/http-handler';
import {
  type AuthorizedEvent,
  type Principal,
  requireAccessToUnit,
  requireStaff,
  requireStaffOrUnit,
} from '../../shared/http/principal';
import { registrationFilters } from '../../shared/http/registration-filters';
import { parseBody, parseQuery, pathParameter } from '../../shared/http/request-parsing';
import { uploadReportRoute, uploadReportWorkbookRoute } from './upload-report-routes';

/** Staff and unit endpoints; each route checks role and unit itself, from the authorizer's claims. */
export const handler = routeHandler({
  'GET /registrations': listRoute,
  'GET /registrations/{registrationId}': getRegistrationRoute,
  'GET /registrations/{registrationId}/history': historyRoute,
  'POST /registrations/{registrationId}/review': reviewRoute,
  'POST /registrations/{registrationId}/withdraw': withdrawRoute,
  'POST /registrations/{registrationId}/leave': leaveRoute,
  'POST /registrations/{registrationId}/retry': retryRoute,
  'GET /uploads/{uploadId}/report': uploadReportRoute,
  'GET /uploads/{uploadId}/report.xlsx': uploadReportWorkbookRoute,
  'GET /templates/{templateName}': templateRoute,
  'GET /programme': programmeRoute,
});

const programmeYear = () => loadConfig().PROGRAMME_YEAR;

const listQuerySchema = registrationFilters.extend({
  cursor: z.string().max(2048).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

async function listRoute(event: AuthorizedEvent, principal: Principal): Promise<HttpResult> {
  requireStaffOrUnit(principal);
  const query = parseQuery(listQuerySchema, event.queryStringParameters);
  const unit = principal.role === 'unit' ? principal.unit : query.unit;
  if (query.unit) requireAccessToUnit(principal, query.unit);
  const page = await listRegistrations({
    year: query.year ?? programmeYear(),
    unit,
    status: query.status as never,
    classNumber: query.class,
    warning: query.warning,
    cursor: query.cursor,
    limit: query.limit,
    caller: principal.subject,
  });
  const uploads = await uploadOrigins(page.items.map((registration) => registration.uploadId));
  return json(200, {
    items: page.items.map((registration) => summarise(registration, uploads.get(registration.uploadId))),
    next: page.next,
    // A filtered page may hold fewer items than `limit` and still have more after it (see MAX_FILTERED_READS).
    ...(page.next && page.items.length < query.limit ? { partialPage: true } : {}),
  });
}

/** The registration named in the path, if the caller may see it (staff, or its own unit). */
async function requireRegistration(event: AuthorizedEvent, principal: Principal): Promise<Registration> {
  requireStaffOrUnit(principal);
  const registration = await getRegistration(pathParameter(event, 'registrationId'));
  if (!registration) throw new DomainError('NOT_FOUND', '报名记录不存在', 404);
  requireAccessToUnit(principal, registration.unit);
  return registration;
}

/**
 * One registration. With `?full=true` (staff only) it carries the trainee's ID number, mobile and email unmasked,
 * and the view is audited before the reply leaves; json() lets exactly these three values past its scrub.
 */
async function getRegistrationRoute(event: AuthorizedEvent, principal: Principal): Promise<HttpResult> {
  const registration = await requireRegistration(event, principal);
  const detail = registrationDetail(
    registration,
    await loadProgramme(registration.year),
    await uploadOrigin(registration.uploadId),
  );
  if (!fullValuesRequested(event, principal)) return json(200, detail);
  const { idNumber, mobile, email } = registration.trainee;
  await recordAudit(
    auditOf(event, principal, 'registration.view-full', `registration:${registration.registrationId}`, {
      fields: ['idNumber', 'mobile', 'email'],
      unit: registration.unit,
    }),
  );
  return json(200, { ...detail, fullValues: true }, { fullPersonalValues: { idNumber, mobile, email } });
}

const historyQuery = z.object({
  cursor: z.string().max(2048).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/** Every change of the registration, oldest first: what, when, who, why. */
async function historyRoute(event: AuthorizedEvent, principal: Principal): Promise<HttpResult> {
  const registration = await requireRegistration(event, principal);
  const query = parseQuery(historyQuery, event.queryStringParameters);
  const page = await listHistory(registration.registrationId, { ...query, caller: principal.subject });
  // The nomination itself is the upload's row: ingest records it with the registration, not as an event item.
  const nominated = {
    at: registration.createdAt,
    kind: 'status',
    by: `unit:${registration.unit}`,
    to: 'nominated',
    reason: `upload ${registration.uploadId} row ${registration.row}`,
  };
  return json(200, {
    registrationId: registration.registrationId,
    status: registration.status,
    items: query.cursor ? page.items : [nominated, ...page.items],
    next: page.next,
  });
}

const reviewSchema = z
  .object({
    decision: z.enum(['approved', 'rejected']),
    reason: z.string().trim().max(500).optional(),
  })
  .refine((body) => body.decision === 'approved' || (body.reason ?? '').length >= 2, {
    message: '审核不通过须填写原因（reason，2–500 字）',
    path: ['reason'],
  });

/**
 * Staff decide on a nomination. The stored token is claimed in the same transaction that records the decision and
 * its history event, so two reviewers racing get one 202 and one 409; then the waiting workflow resumes.
 */
async function reviewRoute(event: AuthorizedEvent, principal: Principal): Promise<HttpResult> {
  requireStaff(principal);
  const body = parseBody(reviewSchema, event.body, 'BAD_REQUEST', '格式：{ decision: approved|rejected, reason }');
  const registration = await requireRegistration(event, principal);
  const { registrationId } = registration;
  const waiting = await getTaskToken(registrationId);
  const notAwaiting = () =>
    new DomainError('NOT_AWAITING_REVIEW', `该报名当前状态为 ${registration.status}，不在待审核状态`, 409);
  if (registration.status !== 'nominated' || waiting?.awaiting !== AWAIT_STAGES.awaitReview) throw notAwaiting();
  const at = systemClock.now().toISOString();
  const review = {
    decision: body.decision,
    by: principal.subject,
    at,
    ...(body.reason ? { reason: body.reason } : {}),
  };
  const claimed = await claimTaskToken(
    registration,
    waiting,
    { review },
    {
      at,
      kind: 'reviewed',
      by: principal.subject,
      value: body.decision,
      reason: body.reason,
    },
  );
  if (!claimed) throw notAwaiting();
  try {
    if (body.decision === 'approved') {
      await resumeWorkflow(waiting.taskToken, { decision: 'approved' });
    } else {
      await failWorkflowTask(waiting.taskToken, WORKFLOW_ERRORS.rejected, 'rejected by staff');
    }
  } catch (error) {
    if (isSpentToken(error)) {
      // The decision is stored with the registration, but the wait had already timed out: audited as such.
      await auditChange(event, principal, registrationId, { decision: body.decision, delivered: false });
      throw new DomainError('NOT_AWAITING_REVIEW', '审核期限已过，该报名已按超时处理', 409);
    }
    // The workflow never heard the decision (the SDK's own retries are spent): give the wait its token back so the
    // review can be made again, rather than leave the trainee parked with a decision nobody acts on.
    logger.warn('Review not delivered to the workflow; token restored', { registrationId, error: error as Error });
    await restoreTaskToken(registration, waiting, ['review'], {
      at: systemClock.now().toISOString(),
      kind: 'review-undone',
      by: principal.subject,
      value: body.decision,
      reason: '流程服务暂不可用，审核未生效',
    });
    await auditChange(event, principal, registrationId, { decision: body.decision, undone: true });
    throw workflowUnavailable('审核未生效：流程服务暂不可用，报名仍为待审核，请稍后重新提交审核');
  }
  // Once the decision has reached the workflow: an audit write that failed before that would leave a claimed token
  // nobody delivers. The claim is workflow-tokens' transaction, so the audit event follows it rather than joining it;
  // the two paths above record a decision that was stored but not delivered, or undone.
  await auditChange(event, principal, registrationId, { decision: body.decision });
  return json(202, { registrationId, decision: body.decision });
}

const withdrawSchema = z.object({ reason: z.string().trim().max(500).optional() });

/**
 * A unit withdraws its trainee before the class starts (notice 二(二): participation is voluntary): from review,
 * the waitlist, an assigned class or a failed step. Quota seat, locks and class seat or waitlist place are released
 * in one transaction; the waiting workflow is then ended on its withdrawal path; a freed class seat goes to the
 * longest-waiting trainee.
 */
async function withdrawRoute(event: AuthorizedEvent, principal: Principal): Promise<HttpResult> {
  const registration = await requireRegistration(event, principal);
  const body = parseBody(withdrawSchema, event.body ?? {});
  const { registrationId } = registration;
  if (registration.status === 'withdrawn' && registration.workflowStopPending) {
    // Withdrawn already, but the workflow was unavailable then: telling it is what this repeated call is for.
    const waiting = await getTaskToken(registrationId);
    if (waiting) await endWithdrawnWorkflow(registrationId, waiting);
    await setWorkflowStopPending(registrationId, false);
    await auditChange(event, principal, registrationId, { workflowToldOfWithdrawal: true });
    return json(202, { registrationId, status: 'withdrawn' });
  }
  const effective = registration.status === 'failed' ? registration.failure?.from : registration.status;
  if (!effective || !HOLDING_STATUSES.includes(effective)) {
    throw new DomainError('NOT_WITHDRAWABLE', `该报名当前状态为 ${registration.status}，不能撤回`, 409);
  }
  const now = systemClock.now();
  if (registration.classNumber && effective === 'assigned') {
    const programme = await requireProgramme(registration.year);
    const trainingClass = findClass(programme, registration.classNumber);
    if (trainingClass && hasStarted(trainingClass, now)) {
      throw new DomainError(
        'CLASS_STARTED',
        `第${trainingClass.number}期已于 ${trainingClass.startDate} 开班，不能撤回；确需缺席的请办理请假`,
        409,
      );
    }
  }
  const { freedClass } = await releaseRegistration(registration, 'withdrawn', now, principal.subject, body.reason);
  // Right after the release (class-seats' own transaction), before anything below can fail: the withdrawal stands.
  await auditChange(event, principal, registrationId, {
    from: registration.status,
    to: 'withdrawn',
    freedClass,
  });
  // Before the workflow is told: its withdrawal notice says who withdrew.
  await recordWithdrawer(registrationId, principal.role === 'staff' ? 'staff' : 'unit');
  // Read the token only now: whatever the workflow stored before the release committed is there, and nothing can be
  // stored after it (a wait refuses a withdrawn registration and ends on the withdrawal path by itself).
  const waiting = await getTaskToken(registrationId);
  // The withdrawal is recorded: the seat goes to the waitlist first, then the waiting workflow is ended.
  if (freedClass) await offerFreedSeats(registration.year);
  if (waiting) await endWithdrawnWorkflow(registrationId, waiting);
  return json(202, { registrationId, status: 'withdrawn' });
}

/**
 * Ends the waiting workflow on its withdrawal path. A spent token means the wait is over and the next step sees the
 * withdrawn status. If Step Functions cannot be reached, the withdrawal stands (it is recorded, the token kept) and
 * the caller is told to repeat the call, which only delivers this hand-off: the trainee is never left parked.
 */
async function endWithdrawnWorkflow(registrationId: string, waiting: WaitingTask): Promise<void> {
  try {
    await failWorkflowTask(waiting.taskToken, WORKFLOW_ERRORS.withdrawn, 'withdrawn by the recommending unit');
  } catch (error) {
    if (isSpentToken(error)) return;
    logger.warn('Could not end the waiting workflow', { registrationId, error: error as Error });
    await setWorkflowStopPending(registrationId, true);
    throw workflowUnavailable('撤回已记录，但流程服务暂不可用，学员尚未收到撤回通知；请稍后再次提交撤回以完成');
  }
}

function workflowUnavailable(message: string): DomainError {
  return new DomainError('WORKFLOW_UNAVAILABLE', message, 503);
}

const leaveSchema = z.object({
  sessions: z.array(z.number().int()).min(1).max(16),
  reason: z.string().trim().min(2, '请假须写明原因').max(200),
});

/** Leave is granted by the trainee's unit, the local SME authority, and no one else (notice 二(三)). */
async function leaveRoute(event: AuthorizedEvent, principal: Principal): Promise<HttpResult> {
  if (principal.role !== 'unit') {
    throw new DomainError(
      'LEAVE_BY_UNIT_ONLY',
      '请假须由学员所在地方中小企业主管部门办理；培训管理人员和承办机构不能代为准假',
      403,
    );
  }
  const registration = await requireRegistration(event, principal);
  const body = parseBody(leaveSchema, event.body, 'BAD_REQUEST', '格式：{ sessions: [场次], reason: 原因 }');
  const outcome = await grantLeave({
    registration,
    sessions: body.sessions,
    reason: body.reason,
    unit: principal.unit,
    actor: principal.subject,
  });
  await auditChange(event, principal, registration.registrationId, {
    classNumber: registration.classNumber,
    sessions: outcome.sessions,
  });
  return json(201, { registrationId: registration.registrationId, classNumber: registration.classNumber, ...outcome });
}

/** Staff send a failed registration back to the step that failed, once its cause is fixed. */
async function retryRoute(event: AuthorizedEvent, principal: Principal): Promise<HttpResult> {
  requireStaff(principal);
  const registration = await requireRegistration(event, principal);
  const waiting = await getTaskToken(registration.registrationId);
  if (registration.status !== 'failed' || !registration.failure || waiting?.awaiting !== AWAIT_STAGES.awaitRecovery) {
    throw new DomainError('NOT_FAILED', `该报名当前状态为 ${registration.status}，没有可重试的失败步骤`, 409);
  }
  const { step, from } = registration.failure;
  const now = systemClock.now();
  if (registration.awaitingUntil && Date.parse(registration.awaitingUntil) <= now.getTime()) {
    throw new DomainError('RECOVERY_EXPIRED', '该失败记录已超过重试期限，请撤回后重新报名', 409);
  }
  try {
    await transitionRegistration(registration, now, {
      to: from,
      by: principal.subject,
      reason: `重试失败步骤 ${step}`,
      remove: ['failure', 'taskToken', 'awaiting', 'awaitingUntil'],
      when: tokenCondition(waiting),
      event: { step },
      // The status change, its history and its audit event are one transaction: none is written without the others.
      alongside: [auditPut(changeAudit(event, principal, registration.registrationId, { step, to: from }))],
    });
  } catch (error) {
    if (error instanceof TransactionRefused)
      throw new DomainError('STATUS_CHANGED', '该报名状态刚刚发生变化，请刷新后重试', 409);
    throw error;
  }
  await resumeWorkflow(waiting.taskToken, { retry: true });
  return json(202, { registrationId: registration.registrationId, step, status: from });
}

/**
 * A change to one registration as the audit trail keeps it: the route, the ids and the decision. Reasons typed by
 * people stay in the registration's history, which staff read beside it: free text is where personal values slip in.
 */
function changeAudit(
  event: AuthorizedEvent,
  principal: Principal,
  registrationId: string,
  detail: Readonly<Record<string, unknown>>,
) {
  const defined = Object.fromEntries(Object.entries(detail).filter(([, value]) => value !== undefined));
  return auditOf(event, principal, 'registration.change', `registration:${registrationId}`, {
    route: event.routeKey,
    ...defined,
  });
}

async function auditChange(
  event: AuthorizedEvent,
  principal: Principal,
  registrationId: string,
  detail: Readonly<Record<string, unknown>>,
): Promise<void> {
  await recordAudit(changeAudit(event, principal, registrationId, detail));
}

const TEMPLATE_NAMES = /^(trainee|unit)\.(xlsx|csv)$/;
const TEMPLATE_FILE_NAMES = { trainee: '附件4-领军人才培训学员报名表', unit: '附件3-领军人才培训信息表' } as const;

async function templateRoute(event: AuthorizedEvent): Promise<HttpResult> {
  const match = TEMPLATE_NAMES.exec(pathParameter(event, 'templateName'));
  if (!match)
    throw new DomainError('NOT_FOUND', '模板不存在，可选 trainee.xlsx、trainee.csv、unit.xlsx、unit.csv', 404);
  const form = match[1] as 'trainee' | 'unit';
  const format = match[2] as 'xlsx' | 'csv';
  const programme = await requireProgramme(programmeYear());
  const bytes = await buildTemplate(form, format, programme);
  const fileName = `${TEMPLATE_FILE_NAMES[form]}.${format}`;
  return {
    statusCode: 200,
    headers: {
      'content-type':
        format === 'xlsx'
          ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
          : 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${form}.${format}"; filename*=UTF-8''${encodeURIComponent(fileName)}`,
    },
    body: Buffer.from(bytes).toString('base64'),
    isBase64Encoded: true,
  };
}

/**
 * Read without the cache: an editor must start from the version in force, or its save is refused as outdated. The
 * version is also the ETag, for PUT /programme's If-Match.
 */
async function programmeRoute(): Promise<HttpResult> {
  const record = await readProgramme(programmeYear());
  if (!record) throw new DomainError('PROGRAMME_UNKNOWN', `${programmeYear()}年度培训计划尚未发布`, 404);
  const { programme, version } = record;
  const reply = json(200, {
    ...programme,
    version,
    ...(programme.sampleData ? { sampleDataNotice: SAMPLE_DATA_NOTICE } : {}),
  });
  return { ...reply, headers: { ...reply.headers, etag: `"${version}"` } };
}
