import { z } from 'zod';
import { readReportFile } from '../../shared/adapters/upload-files';
import { getUpload } from '../../shared/adapters/upload-store';
import { DomainError, type Finding } from '../../shared/domain/errors';
import { findUnit } from '../../shared/domain/units';
import { CONTENT_TYPES, summariseFindings, type UploadRecord } from '../../shared/domain/upload';
import { forUnit } from '../../shared/domain/upload-findings';
import { type HttpResult, json } from '../../shared/http/http-handler';
import {
  type AuthorizedEvent,
  type Principal,
  requireAccessToUnit,
  requireClassAccess,
} from '../../shared/http/principal';
import { parseQuery, pathParameter } from '../../shared/http/request-parsing';

/** The upload named in the path, if the caller may see it: its unit, the class's host for a sign-in sheet, staff. */
async function requireUpload(event: AuthorizedEvent, principal: Principal): Promise<UploadRecord> {
  const upload = await getUpload(pathParameter(event, 'uploadId'));
  if (!upload) throw new DomainError('NOT_FOUND', '上传记录不存在', 404);
  if (upload.form === 'attendance' && upload.classNumber !== undefined) {
    requireClassAccess(principal, upload.classNumber);
  } else requireAccessToUnit(principal, upload.unit);
  return upload;
}

const reportQuery = z.object({
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  code: z
    .string()
    .regex(/^[A-Z][A-Z_]{1,40}$/, 'code 须为发现代码，如 ID_CHECKSUM')
    .optional(),
});

/**
 * GET /uploads/{uploadId}/report: the counts per finding code, then the findings a page at a time. The upload item
 * keeps only a bounded summary; the full list is the report JSON in S3, read here. Only staff see which unit holds a
 * duplicate person or enterprise.
 */
export async function uploadReportRoute(event: AuthorizedEvent, principal: Principal): Promise<HttpResult> {
  const upload = await requireUpload(event, principal);
  const query = parseQuery(reportQuery, event.queryStringParameters);
  const all = await allFindings(upload);
  const matching = query.code ? all.filter((finding) => finding.code === query.code) : all;
  const page = matching.slice(query.offset, query.offset + query.limit);
  const next = query.offset + page.length < matching.length ? query.offset + page.length : null;
  return json(200, {
    uploadId: upload.uploadId,
    unit: upload.unit,
    form: upload.form,
    ...(upload.classNumber !== undefined ? { classNumber: upload.classNumber } : {}),
    fileName: upload.fileName,
    status: upload.status,
    rows: upload.rows ?? 0,
    accepted: upload.accepted ?? 0,
    findingTotal: upload.findingTotal ?? all.length,
    findingCounts: upload.findingCounts ?? summariseFindings(all).counts,
    refusedFiles: upload.refusedObjects ?? 0,
    ...(upload.refusedObjects
      ? {
          refusedFilesNote: `此上传链接之后又收到 ${upload.refusedObjects} 个文件，均未读取、未登记。每个上传链接只接收一个文件，如需再次上传请重新申请。`,
        }
      : {}),
    findings: page.map((finding) => (principal.role === 'staff' ? withHolderName(finding) : forUnit(finding))),
    offset: query.offset,
    next,
    workbook: upload.reportKeys?.xlsx ? `/uploads/${upload.uploadId}/report.xlsx` : null,
    createdAt: upload.createdAt,
    completedAt: upload.completedAt ?? null,
  });
}

/** GET /uploads/{uploadId}/report.xlsx: the unit's rows with their findings, personal values masked. */
export async function uploadReportWorkbookRoute(event: AuthorizedEvent, principal: Principal): Promise<HttpResult> {
  const upload = await requireUpload(event, principal);
  if (!upload.reportKeys?.xlsx) {
    throw new DomainError(
      'REPORT_NOT_READY',
      upload.status === 'pending' || upload.status === 'processing'
        ? '文件仍在处理中，请稍后再下载校验结果'
        : '此上传没有逐行校验结果工作簿（文件无法读取，原因见校验报告）',
      404,
    );
  }
  const bytes = await readReportFile(upload.reportKeys.xlsx);
  if (!bytes) throw new DomainError('REPORT_EXPIRED', '校验结果工作簿已过保存期限并已删除', 410);
  const fileName = `校验结果-${upload.fileName.replace(/\.[^.]+$/, '')}.xlsx`;
  return {
    statusCode: 200,
    headers: {
      'content-type': CONTENT_TYPES.xlsx,
      'content-disposition': `attachment; filename="report-${upload.uploadId}.xlsx"; filename*=UTF-8''${encodeURIComponent(fileName)}`,
      'cache-control': 'private, no-store',
    },
    body: Buffer.from(bytes).toString('base64'),
    isBase64Encoded: true,
  };
}

async function allFindings(upload: UploadRecord): Promise<readonly Finding[]> {
  if (!upload.reportKeys?.json) return upload.findings ?? [];
  const bytes = await readReportFile(upload.reportKeys.json);
  if (!bytes) return upload.findings ?? [];
  const report = JSON.parse(Buffer.from(bytes).toString('utf8')) as { findings?: Finding[] };
  return report.findings ?? [];
}

function withHolderName(finding: Finding): Finding & { heldByName?: string } {
  return finding.heldBy ? { ...finding, heldByName: findUnit(finding.heldBy)?.name ?? finding.heldBy } : finding;
}
