/**
 * Certificate PDF benchmark: time, size and peak memory to render one completion certificate in a fresh process
 * (font file read included, as in a cold Lambda) and a whole class of 80 trainees with distinct names one after
 * another (as closing a class does). Each measurement runs in its own child process so one phase's heap does not
 * inflate the next one's peak. Prints one JSON line.
 *
 *   npx tsx bench/certificate.bench.ts
 */
import { fork } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { certificateNumber } from '../shared/domain/certificate';
import {
  type CertificateContent,
  certificateFontPath,
  renderCertificatePdf,
} from '../shared/certificates/certificate-pdf';
import { SAMPLE_CERTIFICATE } from '../shared/certificates/sample-certificate';

type Mode = 'one' | 'class';

interface Measurement {
  readonly mode: Mode;
  readonly certificates: number;
  /** Reading the font file. */
  readonly fontReadMs: number;
  /** Rendering every certificate, font read excluded. */
  readonly renderMs: number;
  readonly firstMs: number;
  readonly medianMs: number;
  readonly totalBytes: number;
  readonly meanBytes: number;
  readonly maxBytes: number;
  readonly peakRssMb: number;
  readonly peakHeapUsedMb: number;
}

const CLASS_SIZE = 80;
const SURNAMES = [...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗'];
const GIVEN = ['伟', '芳', '建国', '秀英', '志强', '海燕', '晓东', '丽娟'];
const CITIES = ['北京', '深圳', '苏州', '成都', '宁波', '合肥', '青岛', '长沙'];
const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

/** Trainee n of class 3: a distinct name and enterprise each, the class's own details from the sample. */
function trainee(n: number): CertificateContent {
  const number = certificateNumber(2024, 3, n);
  const verificationCode = `${'7KQ4M8XA'.slice(0, 4)}${String(n).padStart(4, '2').replace(/[01]/g, '9')}`;
  return {
    ...SAMPLE_CERTIFICATE,
    number,
    verificationCode,
    name: `${SURNAMES[n % SURNAMES.length]}${GIVEN[Math.floor(n / SURNAMES.length) % GIVEN.length]}${n % 3 === 0 ? '明' : ''}`,
    enterpriseName: `${CITIES[n % CITIES.length]}示例精密制造有限公司第${n}分公司`,
    verificationUrl: `https://leader.example.cn/verify/${number}?code=${verificationCode}`,
  };
}

/** Runs in the child: one phase, memory sampled every 5 ms and the kernel's max RSS at the end. */
async function measure(mode: Mode): Promise<Measurement> {
  let peakHeap = process.memoryUsage().heapUsed;
  const sampler = setInterval(() => {
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  }, 5);
  const fontStarted = performance.now();
  const font = new Uint8Array(await readFile(certificateFontPath()));
  const fontReadMs = performance.now() - fontStarted;
  const count = mode === 'one' ? 1 : CLASS_SIZE;
  const times: number[] = [];
  const sizes: number[] = [];
  const started = performance.now();
  for (let n = 1; n <= count; n++) {
    const one = performance.now();
    const pdf = await renderCertificatePdf(mode === 'one' ? SAMPLE_CERTIFICATE : trainee(n), font);
    times.push(performance.now() - one);
    sizes.push(pdf.byteLength);
  }
  const renderMs = performance.now() - started;
  clearInterval(sampler);
  peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  const sorted = [...times].sort((a, b) => a - b);
  const totalBytes = sizes.reduce((sum, size) => sum + size, 0);
  return {
    mode,
    certificates: count,
    fontReadMs: Math.round(fontReadMs),
    renderMs: Math.round(renderMs),
    firstMs: Math.round(times[0] ?? 0),
    medianMs: Math.round(sorted[Math.floor(sorted.length / 2)] ?? 0),
    totalBytes,
    meanBytes: Math.round(totalBytes / count),
    maxBytes: Math.max(...sizes),
    peakRssMb: mb(process.resourceUsage().maxRSS * 1024),
    peakHeapUsedMb: mb(peakHeap),
  };
}

function inChild(mode: Mode): Promise<Measurement> {
  return new Promise((resolve, reject) => {
    // fork keeps tsx's loader flags (execArgv), so the child runs this same TypeScript file.
    const child = fork(import.meta.filename, ['--child', mode], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    child.once('message', (message) => resolve(message as Measurement));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) reject(new Error(`${mode} exited with ${code}`));
    });
  });
}

async function main(): Promise<void> {
  const [flag, mode] = process.argv.slice(2);
  if (flag === '--child' && mode) {
    const result = await measure(mode as Mode);
    process.send?.(result, () => process.exit(0));
    return;
  }
  const started = performance.now();
  const one = await inChild('one');
  const wholeClass = await inChild('class');
  console.log(
    JSON.stringify({
      bench: 'certificate',
      node: process.version,
      note: 'A4 landscape, Noto Serif SC subset embedded (fontkit 2), QR as PNG; each phase in a fresh process',
      one,
      class: wholeClass,
      totalMs: Math.round(performance.now() - started),
    }),
  );
}

await main();
