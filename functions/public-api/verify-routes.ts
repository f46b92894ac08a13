import { systemClock } from '../../shared/adapters/clock';
import { getCertificate } from '../../shared/adapters/certificate-store';
import { verifyPathSignature } from '../../shared/adapters/link-signing';
import { certificatePdf, verifyCertificate } from '../../shared/certificates/certificate-service';
import type { CertificateRecord } from '../../shared/domain/certificate-record';
import { loadProgramme } from '../../shared/adapters/programme-store';
import { SAMPLE_DATA_NOTICE } from '../../shared/domain/classes/class-view';
import { DomainError } from '../../shared/domain/errors';
import { escapeHtml } from '../../shared/domain/notices';
import { type HttpResult, json, type PublicRoute } from '../../shared/http/http-handler';
import type { AuthorizedEvent } from '../../shared/http/principal';
import { pathParameter } from '../../shared/http/request-parsing';

/**
 * Public certificate verification (no sign-in, throttled by API Gateway): anyone holding a certificate's number and
 * code can check that it is genuine and compare every field printed on it. Nothing beyond the certificate's own
 * content is ever shown.
 */
export const verifyRoutes: Record<string, PublicRoute> = {
  'GET /verify/{number}': verifyRoute,
  'GET /certificates/{number}/certificate.pdf': downloadRoute,
};

const HTML_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'self'",
  'cache-control': 'no-store',
};

function wantsHtml(event: AuthorizedEvent): boolean {
  const accept = event.headers?.accept ?? '';
  return /text\/html/.test(accept) && !/application\/json/.test(accept.split(',')[0] ?? '');
}

/** Every answer has the same shape: whether it is valid, a status, a stable code and a zh-CN message. */
function answer(valid: boolean, status: 'issued' | 'revoked' | 'not-verified', code: string, message: string) {
  return { valid, status, code, message, sampleData: false as boolean };
}

function fields(record: CertificateRecord) {
  return {
    number: record.number,
    name: record.name,
    enterpriseName: record.enterpriseName,
    programme: record.programmeTitle,
    class: {
      number: record.classNumber,
      theme: record.theme,
      host: record.host,
      city: record.city,
      startDate: record.startDate,
      endDate: record.endDate,
    },
    issuedOn: record.issuedOn,
  };
}

async function verifyRoute(event: AuthorizedEvent): Promise<HttpResult> {
  const number = pathParameter(event, 'number').toUpperCase();
  const code = String(event.queryStringParameters?.code ?? '')
    .trim()
    .toUpperCase();
  const result = await verifyCertificate(number, code);
  if (result.outcome === 'valid') {
    // While the schedule is sample data, the certificate says so, and so does its verification.
    const sampleData = (await loadProgramme(result.certificate.year))?.sampleData ?? false;
    const body = {
      ...answer(true, 'issued', 'CERTIFICATE_VALID', '证书有效：以下信息应与证书上的内容逐项一致'),
      certificate: fields(result.certificate),
      ...(sampleData ? { sampleData, sampleDataNotice: SAMPLE_DATA_NOTICE } : {}),
    };
    return wantsHtml(event) ? page(200, validPage(result.certificate, sampleData)) : json(200, body);
  }
  if (result.outcome === 'revoked') {
    const body = {
      ...answer(
        false,
        'revoked',
        'CERTIFICATE_REVOKED',
        `该证书已于 ${result.certificate.revokedAt?.slice(0, 10)} 撤销，不再有效`,
      ),
      number: result.certificate.number,
      revokedAt: result.certificate.revokedAt,
      ...(result.certificate.replacedBy ? { replacedBy: result.certificate.replacedBy } : {}),
    };
    return wantsHtml(event) ? page(410, messagePage('证书已撤销', body.message)) : json(410, body);
  }
  // An unknown number, a wrong code and a missing code all answer exactly this.
  const body = {
    ...answer(
      false,
      'not-verified',
      'CERTIFICATE_NOT_VERIFIED',
      '未找到与该证书编号和验证码相符的有效证书，请核对后重试',
    ),
    certificate: null,
  };
  return wantsHtml(event) ? page(404, messagePage('未能验证', body.message)) : json(404, body);
}

/** The signed link of the certified notice: the PDF, while the link is valid and the certificate is not revoked. */
async function downloadRoute(event: AuthorizedEvent): Promise<HttpResult> {
  const number = pathParameter(event, 'number');
  const match = /^(LJRC-\d{4}-\d{2}-\d{4})$/.exec(number);
  const expires = Number(event.queryStringParameters?.expires);
  const signature = String(event.queryStringParameters?.signature ?? '');
  const invalid = () => new DomainError('LINK_INVALID', '下载链接无效，请使用通知邮件中的链接', 404);
  if (!match || !Number.isInteger(expires) || !signature) throw invalid();
  const verdict = await verifyPathSignature(
    `/certificates/${number}/certificate.pdf`,
    expires,
    signature,
    systemClock.now(),
  );
  if (verdict === 'invalid') throw invalid();
  if (verdict === 'expired') {
    throw new DomainError('LINK_EXPIRED', '下载链接已过期，请联系推荐单位重新获取证书', 410);
  }
  const record = await getCertificate(match[1] as string);
  if (!record) throw invalid();
  if (record.status === 'revoked') throw new DomainError('CERTIFICATE_REVOKED', '该证书已撤销，不能下载', 410);
  const pdf = await certificatePdf(record);
  return {
    statusCode: 200,
    headers: {
      'content-type': 'application/pdf',
      'content-disposition': `attachment; filename="${record.number}.pdf"; filename*=UTF-8''${encodeURIComponent(`结业证书-${record.number}.pdf`)}`,
      'cache-control': 'no-store',
    },
    body: Buffer.from(pdf).toString('base64'),
    isBase64Encoded: true,
  };
}

function page(statusCode: number, body: string): HttpResult {
  return { statusCode, headers: HTML_HEADERS, body };
}

const STYLE =
  'body{font-family:system-ui,"PingFang SC","Microsoft YaHei",sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#222;line-height:1.6}h1{font-size:1.4rem}dl{display:grid;grid-template-columns:8rem 1fr;gap:.4rem 1rem}dt{color:#666}.ok{color:#0a6b2d}.bad{color:#a40000}';

function shell(title: string, content: string): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body>${content}</body></html>`;
}

function validPage(record: CertificateRecord, sampleData: boolean): string {
  const rows: [string, string][] = [
    ['证书编号', record.number],
    ['姓名', record.name],
    ['企业', record.enterpriseName],
    ['培训项目', record.programmeTitle],
    ['班次', `第${record.classNumber}期「${record.theme}」`],
    ['承办机构', `${record.host}（${record.city}）`],
    ['培训日期', `${record.startDate} 至 ${record.endDate}`],
    ['发证日期', record.issuedOn],
  ];
  const list = rows.map(([term, value]) => `<dt>${escapeHtml(term)}</dt><dd>${escapeHtml(value)}</dd>`).join('');
  return shell(
    `证书验证：${record.number}`,
    `<h1 class="ok">✓ 证书有效</h1><p>以下信息应与证书上的内容逐项一致；如有不同，证书可能被篡改。</p><dl>${list}</dl>${
      sampleData ? `<p class="bad">${escapeHtml(SAMPLE_DATA_NOTICE)}</p>` : ''
    }`,
  );
}

function messagePage(title: string, message: string): string {
  return shell(title, `<h1 class="bad">${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>`);
}
