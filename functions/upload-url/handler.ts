import { z } from 'zod';
import { systemClock } from '../../shared/adapters/clock';
import { loadConfig } from '../../shared/adapters/config';
import { newUploadId } from '../../shared/adapters/ids';
import { loadProgramme } from '../../shared/adapters/programme-store';
import { getUnitQuotaState } from '../../shared/adapters/quota-store';
import { presignUpload } from '../../shared/adapters/upload-files';
import { createUpload } from '../../shared/adapters/upload-store';
import { DomainError } from '../../shared/domain/errors';
import { isBeforeDeadline } from '../../shared/domain/programme';
import { CONTENT_TYPES, extensionOf, MAX_UPLOAD_BYTES, uploadKey } from '../../shared/domain/upload';
import { httpHandler, json } from '../../shared/http/http-handler';
import { principalOf, requireUnit } from '../../shared/http/principal';

const requestSchema = z.object({
  form: z.enum(['trainee', 'unit']),
  fileName: z.string().trim().min(1).max(200),
});

/** POST /uploads: a unit operator asks for one short-lived, single-object upload. */
export const handler = httpHandler(async (event) => {
  const config = loadConfig();
  const { unit } = requireUnit(principalOf(event));
  const parsed = requestSchema.safeParse(event.body ?? {});
  if (!parsed.success) {
    throw new DomainError('BAD_REQUEST', '请求须包含 form（trainee 或 unit）和 fileName', 400, {
      issues: parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
    });
  }
  const { form, fileName } = parsed.data;
  const extension = extensionOf(fileName);
  if (!extension) {
    throw new DomainError('FILE_TYPE', '只接受 .xlsx 或 UTF-8 编码的 .csv 文件（.xls、.xlsm 请另存为 .xlsx）', 415);
  }

  const year = config.PROGRAMME_YEAR;
  const programme = await loadProgramme(year);
  if (!programme) throw new DomainError('PROGRAMME_UNKNOWN', `${year}年度培训计划尚未发布`, 409);
  const now = systemClock.now();
  const { deadlineExtendedUntil } = await getUnitQuotaState(year, unit);
  if (!isBeforeDeadline(programme, now, deadlineExtendedUntil)) {
    throw new DomainError('DEADLINE_PASSED', `报名已于 ${deadlineExtendedUntil ?? programme.deadline} 截止`, 409);
  }

  const uploadId = newUploadId();
  const key = uploadKey(year, unit, uploadId, extension);
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
    unit,
    form,
    fileName,
    key,
    status: 'pending',
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
