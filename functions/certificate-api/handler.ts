import { PassThrough } from 'node:stream';
import yazl from 'yazl';
import { z } from 'zod';
import { auditOf, recordAudit } from '../../shared/adapters/audit-store';
import { presignDownload, streamToBucket } from '../../shared/adapters/certificate-files';
import { getCertificate } from '../../shared/adapters/certificate-store';
import { listClassRoster } from '../../shared/adapters/class-roster';
import { systemClock } from '../../shared/adapters/clock';
import { loadConfig } from '../../shared/adapters/config';
import { getRegistration } from '../../shared/adapters/registration-store';
import { certificatePdf, issueCertificate, revokeCertificate } from '../../shared/certificates/certificate-service';
import { requireClass, requireProgramme } from '../../shared/classes/programme-context';
import { DomainError } from '../../shared/domain/errors';
import { type HttpResult, json, routeHandler } from '../../shared/http/http-handler';
import {
  type AuthorizedEvent,
  type Principal,
  requireAccessToUnit,
  requireStaff,
  requireStaffOrUnit,
} from '../../shared/http/principal';
import { classNumberParameter, parseBody, pathParameter } from '../../shared/http/request-parsing';

/** A class archive's link works this long: enough to start the download, short enough not to be passed around. */
const ARCHIVE_LINK_SECONDS = 15 * 60;

/** Certificates: the PDF for staff and the trainee's unit; revocation, re-issue and a class's archive for staff. */
export const handler = routeHandler({
  'GET /registrations/{registrationId}/certificate.pdf': certificatePdfRoute,
  'POST /certificates/{number}/revoke': revokeRoute,
  'POST /certificates/{number}/reissue': reissueRoute,
  'GET /classes/{classNumber}/certificates.zip': classArchiveRoute,
});

async function certificatePdfRoute(event: AuthorizedEvent, principal: Principal): Promise<HttpResult> {
  requireStaffOrUnit(principal);
  const registration = await getRegistration(pathParameter(event, 'registrationId'));
  if (!registration) throw new DomainError('NOT_FOUND', '报名记录不存在', 404);
  requireAccessToUnit(principal, registration.unit);
  const info = registration.certificate;
  if (!info) throw new DomainError('NO_CERTIFICATE', '该学员尚未获得结业证书', 404);
  if (info.status === 'revoked') throw new DomainError('CERTIFICATE_REVOKED', `证书 ${info.number} 已撤销`, 410);
  const record = await getCertificate(info.number);
  if (!record) throw new DomainError('NO_CERTIFICATE', '该学员尚未获得结业证书', 404);
  return pdfReply(record.number, await certificatePdf(record));
}

const reasonSchema = z.object({ reason: z.string().trim().min(2, '须写明原因').max(500) });

async function revokeRoute(event: AuthorizedEvent, principal: Principal): Promise<HttpResult> {
  requireStaff(principal);
  const { reason } = parseBody(reasonSchema, event.body, 'BAD_REQUEST', '格式：{ reason: 撤销原因 }');
  const { record, registration } = await requireCertificate(pathParameter(event, 'number'));
  if (record.status === 'revoked') throw new DomainError('CERTIFICATE_REVOKED', `证书 ${record.number} 已撤销`, 409);
  const { revokedAt } = await revokeCertificate({
    number: record.number,
    reason,
    by: principal.subject,
    now: systemClock.now(),
    registration,
  });
  // After the revocation (the certificate service's own transaction): the reason stays in the certificate record.
  await recordAudit(
    auditOf(event, principal, 'certificate.change', `certificate:${record.number}`, {
      route: event.routeKey,
      registrationId: registration.registrationId,
      status: 'revoked',
    }),
  );
  return json(200, { number: record.number, status: 'revoked', revokedAt });
}

/** A new certificate (new number and code) for a certified trainee, replacing this one, which is revoked. */
async function reissueRoute(event: AuthorizedEvent, principal: Principal): Promise<HttpResult> {
  requireStaff(principal);
  const { reason } = parseBody(reasonSchema, event.body, 'BAD_REQUEST', '格式：{ reason: 补发原因 }');
  const { record, registration } = await requireCertificate(pathParameter(event, 'number'));
  if (record.replacedBy) {
    throw new DomainError('CERTIFICATE_REPLACED', `证书 ${record.number} 已补发为 ${record.replacedBy}`, 409);
  }
  if (registration.status !== 'certified' || registration.certificate?.number !== record.number) {
    throw new DomainError('CERTIFICATE_REPLACED', `证书 ${record.number} 不是该学员当前的证书`, 409);
  }
  const issued = await issueCertificate({
    registration,
    programme: await requireProgramme(registration.year),
    now: systemClock.now(),
    by: principal.subject,
    replaces: { number: record.number, reason },
  });
  await recordAudit(
    auditOf(event, principal, 'certificate.change', `certificate:${record.number}`, {
      route: event.routeKey,
      registrationId: registration.registrationId,
      status: 'replaced',
      replacedBy: issued.number,
    }),
  );
  return json(201, { replaces: record.number, ...issued });
}

async function requireCertificate(number: string) {
  const record = await getCertificate(number.toUpperCase());
  if (!record) throw new DomainError('NOT_FOUND', `证书 ${number} 不存在`, 404);
  const registration = await getRegistration(record.registrationId);
  if (!registration) throw new DomainError('NOT_FOUND', `证书 ${number} 的报名记录不存在`, 404);
  return { record, registration };
}

/**
 * Every valid certificate of a class in one zip, streamed (yazl) into S3 as it is built, then a short-lived link.
 * Nothing is held whole in memory, and the API's 6 MB response limit does not apply.
 */
async function classArchiveRoute(event: AuthorizedEvent, principal: Principal): Promise<HttpResult> {
  requireStaff(principal);
  const classNumber = classNumberParameter(event);
  const { programme } = await requireClass(loadConfig().PROGRAMME_YEAR, classNumber);
  const certified = (await listClassRoster(programme.year, classNumber)).filter(
    (registration) => registration.status === 'certified' && registration.certificate?.status === 'issued',
  );
  if (certified.length === 0) throw new DomainError('NO_CERTIFICATE', `第${classNumber}期尚无已颁发的证书`, 404);
  const now = systemClock.now();
  const key = `archives/${programme.year}/class-${String(classNumber).padStart(2, '0')}-${now.getTime()}.zip`;
  const zip = new yazl.ZipFile();
  const body = new PassThrough();
  zip.outputStream.pipe(body);
  const uploading = streamToBucket(key, body, 'application/zip');
  for (const registration of certified) {
    const record = await getCertificate(registration.certificate?.number as string);
    if (!record) continue;
    // PDFs are already compressed: store them.
    zip.addBuffer(Buffer.from(await certificatePdf(record)), `${record.number}-${record.name}.pdf`, {
      compress: false,
    });
  }
  zip.end();
  await uploading;
  const fileName = `第${classNumber}期结业证书.zip`;
  return json(201, {
    classNumber,
    files: certified.length,
    url: await presignDownload(key, ARCHIVE_LINK_SECONDS, fileName),
    expiresAt: new Date(Date.now() + ARCHIVE_LINK_SECONDS * 1000).toISOString(),
  });
}

function pdfReply(number: string, pdf: Uint8Array): HttpResult {
  return {
    statusCode: 200,
    headers: {
      'content-type': 'application/pdf',
      'content-disposition': `attachment; filename="${number}.pdf"; filename*=UTF-8''${encodeURIComponent(`结业证书-${number}.pdf`)}`,
      'cache-control': 'no-store',
    },
    body: Buffer.from(pdf).toString('base64'),
    isBase64Encoded: true,
  };
}
