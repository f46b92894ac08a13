/**
 * Registration forms benchmark: parse + validate throughput and peak memory for generated 2,000-row and 50,000-row
 * 附件4 workbooks, beside ExcelJS merely stream-reading the same files. Each measurement runs in its own child
 * process so one phase's heap does not inflate the next one's peak. Prints one JSON line.
 *
 *   npx tsx bench/forms.bench.ts
 */
import { fork } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { creditCodeCheckChar } from '../shared/domain/registration/credit-code';
import { TRAINEE_FIELDS } from '../shared/domain/registration/form-fields';
import { residentIdCheckChar } from '../shared/domain/registration/resident-id';
import { validateUpload } from '../shared/forms/index';

type Mode = 'validate' | 'exceljs-stream-read';

interface Measurement {
  readonly mode: Mode;
  readonly rows: number;
  readonly ms: number;
  readonly rowsPerSecond: number;
  readonly peakRssMb: number;
  readonly peakHeapUsedMb: number;
  readonly findings?: number;
}

const SIZES = [2000, 50_000] as const;
const CLASS_NUMBERS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

function traineeRow(n: number): unknown[] {
  const birth = new Date(Date.UTC(1960, 0, 1) + n * 86_400_000 * 0.7).toISOString().slice(0, 10);
  const id17 = `${['110105', '310104', '440305', '330106'][n % 4]}${birth.replace(/-/g, '')}${String((n * 7) % 1000).padStart(3, '0')}`;
  const gender = Number(id17[16]) % 2 === 1 ? '男' : '女';
  const code17 = `91${['350100', '110108', '440300'][n % 3]}${String(n).padStart(9, '0').replace(/^0/, 'M')}`;
  const values: Record<string, unknown> = {
    name: `学员${n}`,
    gender,
    ethnicity: n % 10 === 0 ? '回族' : '汉族',
    birthDate: birth,
    idNumber: id17 + residentIdCheckChar(id17),
    politicalStatus: n % 3 === 0 ? '群众' : '中共党员',
    education: '大学本科',
    enterpriseName: `示例智能制造（${n % 2 ? '北京' : '深圳'}）有限公司${n}`,
    creditCode: code17 + creditCodeCheckChar(code17),
    position: n % 5 === 0 ? '总经理' : '董事长',
    isTopPerson: n % 5 === 0 ? '否' : '是',
    categories: n % 2 ? '专精特新中小企业、高新技术企业' : '专精特新"小巨人"企业',
    industry: '通用设备制造业',
    employees: 50 + (n % 900),
    revenue: 1000 + (n % 97) * 13.5,
    // Every 50th row carries a mistake so the findings path is exercised too.
    mobile: n % 50 === 0 ? '1381234' : `13${(n % 7) + 3}${String(10_000_000 + n).slice(-8)}`,
    email: `t${n}@example.com`,
    preferredClass: (n % 10) + 1,
    voluntary: '是',
    goodStanding: '是',
    remarks: n % 5 === 0 ? '一把手出访，由总经理参训' : '',
  };
  return TRAINEE_FIELDS.map((field) => values[field.key] ?? null);
}

async function generateWorkbook(path: string, rows: number): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useSharedStrings: true, useStyles: true });
  const sheet = workbook.addWorksheet('学员报名表');
  sheet.addRow(TRAINEE_FIELDS.map((field) => field.header)).commit();
  for (let n = 1; n <= rows; n++) sheet.addRow(traineeRow(n)).commit();
  sheet.commit();
  await workbook.commit();
}

/** Runs in the child: one phase, memory sampled every 5 ms and the kernel's max RSS at the end. */
async function measure(mode: Mode, path: string): Promise<Measurement> {
  const data = new Uint8Array(readFileSync(path));
  let peakHeap = process.memoryUsage().heapUsed;
  const sampler = setInterval(() => {
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  }, 5);
  const started = performance.now();
  let rows = 0;
  let findings: number | undefined;
  if (mode === 'validate') {
    const report = await validateUpload(data, 'bench.xlsx', {
      classNumbers: CLASS_NUMBERS,
      maxRows: 1_000_000,
      maxBytes: 256 * 1024 * 1024,
      maxUncompressedBytes: 1024 * 1024 * 1024,
    });
    if (report.unreadable) throw new Error(`unreadable: ${JSON.stringify(report.findings)}`);
    rows = report.rows;
    findings = report.findings.length;
  } else {
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([Buffer.from(data)]), {
      sharedStrings: 'cache',
      styles: 'cache',
      hyperlinks: 'ignore',
      worksheets: 'emit',
      entries: 'ignore',
    });
    for await (const worksheet of reader) for await (const _row of worksheet) rows++;
    rows -= 1; // the header row
  }
  const ms = performance.now() - started;
  clearInterval(sampler);
  peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  return {
    mode,
    rows,
    ms: Math.round(ms),
    rowsPerSecond: Math.round(rows / (ms / 1000)),
    peakRssMb: mb(process.resourceUsage().maxRSS * 1024),
    peakHeapUsedMb: mb(peakHeap),
    ...(findings !== undefined ? { findings } : {}),
  };
}

function inChild(mode: Mode, path: string): Promise<Measurement> {
  return new Promise((resolve, reject) => {
    // fork keeps tsx's loader flags (execArgv), so the child runs this same TypeScript file.
    const child = fork(import.meta.filename, ['--child', mode, path], {
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    child.once('message', (message) => resolve(message as Measurement));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) reject(new Error(`${mode} on ${path} exited with ${code}`));
    });
  });
}

async function main(): Promise<void> {
  const [flag, mode, path] = process.argv.slice(2);
  if (flag === '--child' && mode && path) {
    const result = await measure(mode as Mode, path);
    process.send?.(result, () => process.exit(0));
    return;
  }
  const directory = mkdtempSync(join(tmpdir(), 'forms-bench-'));
  const started = performance.now();
  try {
    const files: Record<string, { bytes: number; validate: Measurement; exceljsStreamRead: Measurement }> = {};
    for (const rows of SIZES) {
      const file = join(directory, `trainees-${rows}.xlsx`);
      await generateWorkbook(file, rows);
      const validate = await inChild('validate', file);
      const exceljsStreamRead = await inChild('exceljs-stream-read', file);
      files[String(rows)] = { bytes: statSync(file).size, validate, exceljsStreamRead };
    }
    console.log(
      JSON.stringify({
        bench: 'forms',
        node: process.version,
        note: 'validate = sniff + zip inspection + ExcelJS streaming parse + row validation; caps lifted for 50,000 rows',
        files,
        totalMs: Math.round(performance.now() - started),
      }),
    );
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

await main();
