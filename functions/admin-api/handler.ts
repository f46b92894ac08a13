import { z } from 'zod';
import { loadConfig } from '../../shared/adapters/config';
import { loadProgramme } from '../../shared/adapters/programme-store';
import { systemClock } from '../../shared/adapters/clock';
import {
  getRegistration,
  getTaskToken,
  listRegistrations,
  releaseRegistration,
} from '../../shared/adapters/registration-store';
import { findClass } from '../../shared/domain/programme';
import { getUpload } from '../../shared/adapters/upload-store';
import { failWorkflowTask, resumeWorkflow } from '../../shared/adapters/workflow-client';
import { DomainError } from '../../shared/domain/errors';
import { isRegistrationStatus, REGISTRATION_STATUSES, summarise } from '../../shared/domain/trainee-registration';
import { WORKFLOW_ERRORS } from '../../shared/domain/workflow';
import { buildTemplate } from '../../shared/forms';
import { type HttpResult, httpHandler, json } from '../../shared/http/http-handler';
import {
  type AuthorizedEvent,
  type Principal,
  principalOf,
  requireAccessToUnit,
  requireStaff,
} from '../../shared/http/principal';

type Route = (event: AuthorizedEvent, principal: Principal) => Promise<HttpResult>;

const routes: Record<string, Route> = {
  'GET /registrations': listRoute,
  'GET /registrations/{registrationId}': getRegistrationRoute,
  'POST /registrations/{registrationId}/review': reviewRoute,
  'POST /registrations/{registrationId}/withdraw': withdrawRoute,
  'GET /uploads/{uploadId}/report': uploadReportRoute,
  'GET /templates/{templateName}': templateRoute,
  'GET /programme': programmeRoute,
};

/** Staff and unit endpoints; each route checks role and unit itself, from the authorizer's claims. */
export const handler = httpHandler(async (event) => {
  const route = routes[event.routeKey];
  if (!route) throw new DomainError('NOT_FOUND', '接口不存在', 404);
  return route(event, principalOf(event));
});

const listQuerySchema = z.object({
  unit: z
    .string()
    .regex(/^\d{6}$/, 'unit 须为 6 位单位代码')
    .optional(),
  status: z
    .string()
    .refine(isRegistrationStatus, `status 须为 ${REGISTRATION_STATUSES.join('/')} 之一`)
    .optional(),
  class: z.coerce.number().int().min(1).max(99).optional(),
  cursor: z.string().max(2048).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  year: z.coerce.number().int().min(2000).max(2100).optional(),
});

async function listRoute(event: AuthorizedEvent, principal: Principal): Promise<HttpResult> {
  const query = parseQuery(listQuerySchema, event.queryStringParameters);
  const unit = principal.role === 'unit' ? principal.unit : query.unit;
  if (query.unit) requireAccessToUnit(principal, query.unit);
  const page = await listRegistrations({
    year: query.year ?? loadConfig().PROGRAMME_YEAR,
    unit,
    status: query.status as never,
    classNumber: query.class,
    cursor: query.cursor,
    limit: query.limit,
  });
  return json(200, { items: page.items.map(summarise), next: page.next });
}

/** The registration named in the path, if the caller may see it (staff, or its own unit). */
async function requireRegistration(event: AuthorizedEvent, principal: Principal) {
  const registration = await getRegistration(pathParameter(event, 'registrationId'));
  if (!registration) throw new DomainError('NOT_FOUND', '报名记录不存在', 404);
  requireAccessToUnit(principal, registration.unit);
  return registration;
}

async function getRegistrationRoute(event: AuthorizedEvent, principal: Principal): Promise<HttpResult> {
  return json(200, summarise(await requireRegistration(event, principal)));
}

const reviewSchema = z.object({
  decision: z.enum(['approved', 'rejected']),
  reason: z.string().trim().max(500).optional(),
});

/** Staff decide on a nomination; the waiting workflow resumes with the decision. */
async function reviewRoute(event: AuthorizedEvent, principal: Principal): Promise<HttpResult> {
  requireStaff(principal);
  const body = reviewSchema.safeParse(event.body ?? {});
  if (!body.success) throw new DomainError('BAD_REQUEST', '请求须包含 decision（approved 或 rejected）', 400);
  const registration = await requireRegistration(event, principal);
  const { registrationId } = registration;
  const waiting = await getTaskToken(registrationId);
  if (registration.status !== 'nominated' || waiting?.awaiting !== 'review') {
    throw new DomainError('NOT_AWAITING_REVIEW', `该报名当前状态为 ${registration.status}，不在待审核状态`, 409);
  }
  if (body.data.decision === 'approved') {
    await resumeWorkflow(waiting.taskToken, { decision: 'approved', reviewer: principal.subject });
  } else {
    await failWorkflowTask(waiting.taskToken, WORKFLOW_ERRORS.rejected, body.data.reason ?? 'rejected by staff');
  }
  return json(202, { registrationId, decision: body.data.decision });
}

const WITHDRAWABLE = new Set(['nominated', 'approved', 'assigned']);

/**
 * A unit withdraws its trainee before the class starts (notice 二(二): participation is voluntary). Seat, quota
 * and locks are released in one transaction; the waiting workflow is then ended on its withdrawal path.
 */
async function withdrawRoute(event: AuthorizedEvent, principal: Principal): Promise<HttpResult> {
  const registration = await requireRegistration(event, principal);
  const { registrationId } = registration;
  if (!WITHDRAWABLE.has(registration.status)) {
    throw new DomainError('NOT_WITHDRAWABLE', `该报名当前状态为 ${registration.status}，不能撤回`, 409);
  }
  const now = systemClock.now();
  if (registration.classNumber) {
    const programme = await requireProgramme();
    const trainingClass = findClass(programme, registration.classNumber);
    if (trainingClass && now.getTime() >= Date.parse(`${trainingClass.startDate}T00:00:00+08:00`)) {
      throw new DomainError(
        'CLASS_STARTED',
        `第${trainingClass.number}期已于 ${trainingClass.startDate} 开班，不能撤回`,
        409,
      );
    }
  }
  const waiting = await getTaskToken(registrationId);
  await releaseRegistration(registration, 'withdrawn', now);
  if (waiting) {
    await failWorkflowTask(waiting.taskToken, WORKFLOW_ERRORS.withdrawn, 'withdrawn by the recommending unit').catch(
      (error: Error) => {
        // The wait already ended (timed out or answered); the next step sees the withdrawn status instead.
        if (error.name !== 'TaskTimedOut' && error.name !== 'InvalidToken') throw error;
      },
    );
  }
  return json(202, { registrationId, status: 'withdrawn' });
}

async function uploadReportRoute(event: AuthorizedEvent, principal: Principal): Promise<HttpResult> {
  const upload = await getUpload(pathParameter(event, 'uploadId'));
  if (!upload) throw new DomainError('NOT_FOUND', '上传记录不存在', 404);
  requireAccessToUnit(principal, upload.unit);
  return json(200, {
    uploadId: upload.uploadId,
    unit: upload.unit,
    form: upload.form,
    fileName: upload.fileName,
    status: upload.status,
    rows: upload.rows ?? 0,
    accepted: upload.accepted ?? 0,
    findings: upload.findings ?? [],
    createdAt: upload.createdAt,
    completedAt: upload.completedAt ?? null,
  });
}

const TEMPLATE_NAMES = /^(trainee|unit)\.(xlsx|csv)$/;
const TEMPLATE_FILE_NAMES = { trainee: '附件4-领军人才培训学员报名表', unit: '附件3-领军人才培训信息表' } as const;

async function templateRoute(event: AuthorizedEvent): Promise<HttpResult> {
  const match = TEMPLATE_NAMES.exec(pathParameter(event, 'templateName'));
  if (!match)
    throw new DomainError('NOT_FOUND', '模板不存在，可选 trainee.xlsx、trainee.csv、unit.xlsx、unit.csv', 404);
  const form = match[1] as 'trainee' | 'unit';
  const format = match[2] as 'xlsx' | 'csv';
  const programme = await requireProgramme();
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

async function programmeRoute(): Promise<HttpResult> {
  const programme = await requireProgramme();
  return json(200, programme);
}

async function requireProgramme() {
  const year = loadConfig().PROGRAMME_YEAR;
  const programme = await loadProgramme(year);
  if (!programme) throw new DomainError('PROGRAMME_UNKNOWN', `${year}年度培训计划尚未发布`, 404);
  return programme;
}

function pathParameter(event: AuthorizedEvent, name: string): string {
  const value = event.pathParameters?.[name];
  if (!value) throw new DomainError('BAD_REQUEST', `缺少路径参数 ${name}`, 400);
  return decodeURIComponent(value);
}

function parseQuery<T extends z.ZodType>(schema: T, query: Record<string, string | undefined> | undefined): z.infer<T> {
  const parsed = schema.safeParse(query ?? {});
  if (!parsed.success) {
    const message = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('；');
    throw new DomainError('BAD_REQUEST', `查询参数错误：${message}`, 400);
  }
  return parsed.data;
}
