import { z } from 'zod';
import { systemClock } from '../../shared/adapters/clock';
import { loadConfig } from '../../shared/adapters/config';
import { newUploadId } from '../../shared/adapters/ids';
import { loadProgramme } from '../../shared/adapters/programme-store';
import { getUnitQuotaState } from '../../shared/adapters/quota-store';
import { presignUpload } from '../../shared/adapters/upload-files';
import { createUpload } from '../../shared/adapters/upload-store';
import { DomainError } from '../../shared/domain/errors';
import { effectiveDeadline, findClass, formatDeadline, isBeforeDeadline } from '../../shared/domain/programme';
import { CONTENT_TYPES, classUploadOwner, extensionOf, MAX_UPLOAD_BYTES, uploadKey } from '../../shared/domain/upload';
import { httpHandler, json } from '../../shared/http/http-handler';
import { principalOf, requireClassAccess, requireUnit } from '../../shared/http/principal';

const fileName = z.string().trim().min(1).max(200);
const requestSchema = z.discriminatedUnion('form', [
  z.object({ form: z.enum(['trainee', 'unit']), fileName }),
  z.object({ form: z.literal('attendance'), classNumber: z.number().int().min(1).max(99), fileName }),
]);

/**
 * POST /uploads: one short-lived, single-object upload. A unit operator sends its forms (trainee, unit) before the
 * deadline; staff or a class's host send that class's filled sign-in sheet (attendance) at any time.
 */
export const handler = httpHandler(async (event) => {
  const config = loadConfig();
  const principal = principalOf(event);
  // The unit forms stay unit-only and are refused before the body is looked at; a sign-in sheet's access depends
  // on its class, so it is checked once the class number is known.
  if ((event.body as { form?: unknown } | undefined)?.form !== 'attendance') requireUnit(principal);
  const parsed = requestSchema.safeParse(event.body ?? {});
  if (!parsed.success) {
    throw new DomainError(
      'BAD_REQUEST',
      '请求须包含 form（trainee、unit 或 attendance）和 fileName；attendance 还须包含 classNumber（期次）',
      400,
      { issues: parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })) },
    );
  }
  const request = parsed.data;
  if (request.form === 'attendance') requireClassAccess(principal, request.classNumber);
  const owner = request.form === 'attendance' ? classUploadOwner(request.classNumber) : requireUnit(principal).unit;
  const extension = extensionOf(request.fileName);
  if (!extension) {
    throw new DomainError('FILE_TYPE', '只接受 .xlsx 或 UTF-8 编码的 .csv 文件（.xls、.xlsm 请另存为 .xlsx）', 415);
  }

  const year = config.PROGRAMME_YEAR;
  const programme = await loadProgramme(year);
  if (!programme) throw new DomainError('PROGRAMME_UNKNOWN', `${year}年度培训计划尚未发布`, 409);
  const now = systemClock.now();
  if (request.form === 'attendance') {
    // Sign-in is taken during and after the class, so no deadline applies; the class must exist.
    if (!findClass(programme, request.classNumber)) {
      throw new DomainError('CLASS_UNKNOWN', `${year}年度没有第${request.classNumber}期培训班`, 404);
    }
  } else {
    const { deadlineExtendedUntil } = await getUnitQuotaState(year, owner);
    if (!isBeforeDeadline(programme, now, deadlineExtendedUntil)) {
      const deadline = formatDeadline(effectiveDeadline(programme, deadlineExtendedUntil));
      throw new DomainError('DEADLINE_PASSED', `报名已于 ${deadline}（北京时间）截止`, 409);
    }
  }

  const uploadId = newUploadId();
  const key = uploadKey(year, owner, uploadId, extension);
  const expiresInSeconds = config.UPLOAD_URL_TTL_SECONDS;
  const presigned = await presignUpload({
    key,
    contentType: CONTENT_TYPES[extension],
    maxBytes: MAX_UPLOAD_BYTES,
    expiresInSeconds,
  });
  await createUpload({
    uploadId,
    year,
    unit: owner,
    form: request.form,
    ...(request.form === 'attendance' ? { classNumber: request.classNumber } : {}),
    fileName: request.fileName,
    key,
    status: 'pending',
    createdBy: principal.subject,
    createdAt: now.toISOString(),
  });
  return json(201, {
    uploadId,
    key,
    url: presigned.url,
    fields: presigned.fields,
    expiresAt: new Date(Date.now() + expiresInSeconds * 1000).toISOString(),
    maxBytes: MAX_UPLOAD_BYTES,
  });
});
