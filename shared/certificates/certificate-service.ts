import { countMetric } from '../adapters/metrics';
import { createHash, randomInt, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { certificateKey, getCertificatePdf, putCertificatePdf } from '../adapters/certificate-files';
import {
  certificatePut,
  certificateRevocation,
  getCertificate,
  nextCertificateSequence,
} from '../adapters/certificate-store';
import { historyPut } from '../adapters/history-store';
import {
  type TransactItem,
  TransactionRefused,
  transitionItems,
  updateRegistrationItem,
  writeTransaction,
} from '../adapters/registration-store';
import { certificateNumber, VERIFICATION_ALPHABET } from '../domain/certificate';
import { type CertificateRecord, programmeTitle } from '../domain/certificate-record';
import { DomainError } from '../domain/errors';
import { findClass, type Programme } from '../domain/programme';
import type { CertificateInfo, Registration } from '../domain/trainee-registration';
import { verificationUrl } from './certificate-links';

/**
 * The renderer (pdf-lib, fontkit, qrcode) is loaded when a certificate is first made: the functions that carry it
 * spend most invocations on other work, and it would otherwise weigh on every cold start.
 */
const pdfRenderer = () => import('./certificate-pdf');

let font: Promise<Uint8Array> | undefined;
/** The CJK font, read once per container (the Lambda bundle carries it beside the handler). */
function certificateFont(): Promise<Uint8Array> {
  font ??= pdfRenderer()
    .then(({ certificateFontPath }) => readFile(certificateFontPath()))
    .then((bytes) => new Uint8Array(bytes));
  return font;
}

function newVerificationCode(): string {
  return Array.from({ length: 8 }, () => VERIFICATION_ALPHABET[randomInt(VERIFICATION_ALPHABET.length)]).join('');
}

/** YYYY-MM-DD in programme time (UTC+8). */
function programmeDate(now: Date): string {
  return new Date(now.getTime() + 8 * 3600 * 1000).toISOString().slice(0, 10);
}

/**
 * Issues a certificate: a new number and code, the PDF rendered and stored, then one transaction that records it
 * on the registration (certifying it, or replacing a revoked one) and as the certificate item verification reads.
 */
export async function issueCertificate(request: {
  readonly registration: Registration;
  readonly programme: Programme;
  readonly now: Date;
  readonly by: string;
  /** Re-issue: the certificate this one replaces (revoked in the same transaction if it is not already). */
  readonly replaces?: { readonly number: string; readonly reason: string };
}): Promise<CertificateInfo> {
  const { registration, programme, now, by, replaces } = request;
  const trainingClass = registration.classNumber ? findClass(programme, registration.classNumber) : undefined;
  if (!trainingClass) throw new DomainError('NOT_ASSIGNED', '该报名没有分配班级，不能颁发证书', 409);
  const sequence = await nextCertificateSequence(registration.year, trainingClass.number);
  const number = certificateNumber(registration.year, trainingClass.number, sequence);
  const code = newVerificationCode();
  const record: CertificateRecord = {
    number,
    code,
    registrationId: registration.registrationId,
    year: registration.year,
    unit: registration.unit,
    name: registration.trainee.name,
    enterpriseName: registration.trainee.enterpriseName,
    programmeTitle: programmeTitle(registration.year),
    classNumber: trainingClass.number,
    theme: trainingClass.theme,
    host: trainingClass.host,
    city: trainingClass.city,
    startDate: trainingClass.startDate,
    endDate: trainingClass.endDate,
    issuedOn: programmeDate(now),
    issuedAt: now.toISOString(),
    pdfKey: certificateKey(registration.year, number),
    status: 'issued',
    ...(replaces ? { replaces: replaces.number } : {}),
  };
  const { renderCertificatePdf } = await pdfRenderer();
  const pdf = await renderCertificatePdf(
    {
      number,
      verificationCode: code,
      name: record.name,
      enterpriseName: record.enterpriseName,
      programmeTitle: record.programmeTitle,
      notice: programme.notice,
      classNumber: record.classNumber,
      theme: record.theme,
      host: record.host,
      city: record.city,
      startDate: record.startDate,
      endDate: record.endDate,
      issuedOn: record.issuedOn,
      verificationUrl: verificationUrl(number, code),
      sampleData: programme.sampleData,
    },
    await certificateFont(),
  );
  // The PDF first, under its number: a crash before the transaction leaves only an unreferenced file.
  await putCertificatePdf(record.pdfKey, pdf);
  const info: CertificateInfo = { number, code, issuedAt: record.issuedAt, status: 'issued' };
  const at = now.toISOString();
  const items: TransactItem[] = replaces
    ? [
        updateRegistrationItem(registration, { certificate: info }),
        certificatePut(record),
        certificateRevocation(replaces.number, { at, by, reason: replaces.reason, replacedBy: number }),
        historyPut(registration.registrationId, {
          at,
          kind: 'certificate-reissued',
          by,
          reason: replaces.reason,
          value: number,
        }),
      ]
    : [
        ...transitionItems(registration, now, { to: 'certified', by, reason: number, set: { certificate: info } }),
        certificatePut(record),
      ];
  await writeTransaction(items);
  countMetric('CertificatesIssued', { issue: replaces ? 'reissue' : 'first' });
  return info;
}

/** Staff revoke a certificate, with a reason; verification then says so, and when. */
export async function revokeCertificate(request: {
  readonly number: string;
  readonly reason: string;
  readonly by: string;
  readonly now: Date;
  readonly registration: Registration;
}): Promise<{ revokedAt: string }> {
  const { number, reason, by, now, registration } = request;
  const at = now.toISOString();
  const current = registration.certificate;
  if (!current || current.number !== number || current.status === 'revoked') {
    throw new DomainError('CERTIFICATE_REVOKED', `证书 ${number} 已被撤销或已被替换`, 409);
  }
  try {
    await writeTransaction([
      updateRegistrationItem(registration, { certificate: { ...current, status: 'revoked', revokedAt: at } }),
      certificateRevocation(number, { at, by, reason }),
      historyPut(registration.registrationId, { at, kind: 'certificate-revoked', by, reason, value: number }),
    ]);
  } catch (error) {
    if (error instanceof TransactionRefused || (error instanceof DomainError && error.code === 'STATUS_CHANGED')) {
      throw new DomainError('CERTIFICATE_REVOKED', `证书 ${number} 已被撤销`, 409);
    }
    throw error;
  }
  return { revokedAt: at };
}

export type Verification =
  | { readonly outcome: 'valid'; readonly certificate: CertificateRecord }
  | { readonly outcome: 'revoked'; readonly certificate: CertificateRecord }
  | { readonly outcome: 'invalid' };

/** A code that matches nothing, compared when the number is unknown so both answers take the same work. */
const DECOY = 'ZZZZZZZZ';

/**
 * Checks a number and code. An unknown number and a wrong code give the same answer after the same work (one
 * read, one constant-time comparison of digests), so the answers cannot be used to find valid numbers.
 */
export async function verifyCertificate(number: string, code: string): Promise<Verification> {
  const record = /^LJRC-\d{4}-\d{2}-\d{4}$/.test(number) ? await getCertificate(number) : undefined;
  const digest = (value: string) => createHash('sha256').update(value.toUpperCase()).digest();
  const matches = timingSafeEqual(digest(record?.code ?? DECOY), digest(code));
  if (!matches || !record) return { outcome: 'invalid' };
  return record.status === 'revoked'
    ? { outcome: 'revoked', certificate: record }
    : { outcome: 'valid', certificate: record };
}

export async function certificatePdf(record: Pick<CertificateRecord, 'pdfKey'>): Promise<Uint8Array> {
  const pdf = await getCertificatePdf(record.pdfKey);
  if (!pdf) throw new DomainError('CERTIFICATE_FILE_MISSING', '证书文件暂不可用，请稍后重试或联系培训管理人员', 404);
  return pdf;
}
