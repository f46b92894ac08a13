import { writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { type CertificateContent, certificateFontPath, renderCertificatePdf } from './certificate-pdf';

/**
 * The fixed certificate shown in docs/certificate.png, used by the tests and the benchmark too: class 3 of the 2024
 * sample schedule (data/programme-2024.json). Regenerate the picture with
 *
 *   npx tsx shared/certificates/sample-certificate.ts /tmp/certificate.pdf
 *   pdftoppm -png -r 80 -singlefile /tmp/certificate.pdf docs/certificate
 */
export const SAMPLE_CERTIFICATE: CertificateContent = {
  number: 'LJRC-2024-03-0001',
  verificationCode: '7KQ4M8XA',
  name: '张三',
  enterpriseName: '测试科技（北京）有限公司',
  programmeTitle: '2024年度中小企业经营管理领军人才培训',
  notice: '工信厅企业函〔2024〕333号',
  classNumber: 3,
  theme: '促进大中小企业融通创新',
  host: '上海交通大学',
  city: '上海',
  startDate: '2024-10-14',
  endDate: '2024-10-17',
  issuedOn: '2024-10-17',
  verificationUrl: 'https://leader.example.cn/verify/LJRC-2024-03-0001?code=7KQ4M8XA',
  sampleData: true,
};

// Run as a script, not when bundled into something else (a bundle's import.meta.url is its entry point's).
const runAsScript = process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href;
if (runAsScript && import.meta.url.endsWith('/sample-certificate.ts')) {
  const target = process.argv[2] ?? 'certificate.pdf';
  const font = new Uint8Array(await readFile(certificateFontPath()));
  writeFileSync(target, await renderCertificatePdf(SAMPLE_CERTIFICATE, font));
  console.log(target);
}
