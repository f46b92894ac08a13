/**
 * Staff API benchmark (issue 12): 10,000 registrations in the local cloud, then autocannon at 50 connections on the
 * review list (first page, later pages, each filter) and on GET /quotas, with p50/p99 latency, requests per second
 * and the DynamoDB calls each request makes (by operation: the goal is Query/GetItem only, never a Scan). Then each
 * function's bundle, built as the stack builds it (esbuild: ESM, minified, everything bundled), its size, and its
 * cold-start init time beside a bare handler that imports the same AWS SDK clients and nothing else.
 *
 *   npx tsx bench/staff-api.bench.ts
 *
 * The registrations are written with the store's own recording code (the transaction ingest uses: registration,
 * enterprise and person locks, quota counter) and moved on with its own transitions (seat assignment, rejection),
 * so items, index entries and counters are exactly what the system writes; no workflow runs beside them, since
 * 10,000 executions would measure the Step Functions emulator, not the API. Units get quotas large enough to hold
 * them: far beyond any real year, which is the point of a load test.
 *
 * Latency is local: the API, the handlers and DynamoDB Local share two cores with autocannon itself, so the figures
 * are an upper bound on the handlers' own cost and a regression guard, not a prediction of AWS latency.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type autocannon from 'autocannon';
import { build } from 'esbuild';
import pLimit from 'p-limit';
import { functionEntry, FUNCTION_NAMES } from '../infra/function-names';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { LocalCloud, PROGRAMME_YEAR, TABLE_NAME } from '../infra/local/cloud';
import { keys } from '../shared/adapters/keys';
import { dynamoClient } from '../shared/adapters/aws-clients';
import { assignSeat } from '../shared/adapters/class-seats';
import { defaultProgramme, saveProgramme } from '../shared/adapters/programme-store';
import { recordRegistrations } from '../shared/adapters/registration-recording';
import { transitionRegistration } from '../shared/adapters/registration-store';
import type { Programme } from '../shared/domain/programme';
import type { Registration } from '../shared/domain/trainee-registration';
import { makeCreditCode, validTrainee } from '../test/fixtures/registration-data';

const run = promisify(execFile);
const CANNON = fileURLToPath(new URL('./support/cannon.ts', import.meta.url));
const REGISTRATIONS = Number(process.env.BENCH_REGISTRATIONS ?? 10_000);
const CONNECTIONS = 50;
const SECONDS_PER_SCENARIO = Number(process.env.BENCH_SECONDS ?? 8);
const P99_GOAL_MS = 50;
const COLD_START_GOAL_RATIO = 1.5;

type Cannon = { p50: number; p99: number; requestsPerSecond: number; requests: number; non2xx: number };

/** Counts DynamoDB operations by name on the shared client (the handlers run in this process). */
class DynamoCalls {
  counts: Record<string, number> = {};
  install(): void {
    dynamoClient().middlewareStack.add(
      (next) => async (args) => {
        const request = args.request as { headers?: Record<string, string> };
        const operation =
          String(request.headers?.['x-amz-target'] ?? 'unknown')
            .split('.')
            .pop() ?? 'unknown';
        this.counts[operation] = (this.counts[operation] ?? 0) + 1;
        return next(args);
      },
      { step: 'build', name: 'benchCountCalls' },
    );
  }
  take(): Record<string, number> {
    const taken = this.counts;
    this.counts = {};
    return taken;
  }
}

function registrationOf(n: number, unit: string, at: string): { registration: Registration; personHash: string } {
  const cells = validTrainee(100_000 + n);
  const topPerson = n % 5 !== 0;
  const registration: Registration = {
    registrationId: `R${PROGRAMME_YEAR}-${unit}-B${String(n).padStart(6, '0')}`,
    year: PROGRAMME_YEAR,
    unit,
    status: 'nominated',
    uploadId: `bench-${unit}`,
    row: 2 + n,
    createdAt: at,
    updatedAt: at,
    trainee: {
      name: String(cells.name),
      gender: '女',
      ethnicity: String(cells.ethnicity),
      birthDate: String(cells.birthDate),
      idNumber: String(cells.idNumber),
      politicalStatus: String(cells.politicalStatus),
      education: String(cells.education),
      enterpriseName: String(cells.enterpriseName),
      creditCode: makeCreditCode(200_000 + n),
      position: topPerson ? '董事长' : '副总经理',
      isTopPerson: topPerson,
      categories: ['专精特新中小企业'] as never,
      industry: String(cells.industry),
      employees: 120,
      revenue: 8500.5,
      mobile: String(cells.mobile),
      email: String(cells.email),
      preferredClass: (n % 10) + 1,
      remarks: topPerson ? '' : '董事长年事已高，由总经理参训',
      ...(topPerson ? {} : { reviewNotes: ['NOT_TOP_PERSON'] as never }),
    },
  };
  return { registration, personHash: `bench-person-${n}` };
}

async function load(programme: Programme, units: string[]): Promise<void> {
  const at = new Date().toISOString();
  const byUnit = new Map<string, ReturnType<typeof registrationOf>[]>();
  for (let n = 0; n < REGISTRATIONS; n++) {
    const unit = units[n % units.length] as string;
    byUnit.set(unit, [...(byUnit.get(unit) ?? []), registrationOf(n, unit, at)]);
  }
  // The upload each unit's rows came from, as upload-url records it: the list shows its file name.
  for (const unit of units) {
    await dynamoClient().send(
      new PutCommand({
        TableName: TABLE_NAME,
        Item: {
          ...keys.upload(`bench-${unit}`),
          type: 'upload',
          uploadId: `bench-${unit}`,
          unit,
          year: PROGRAMME_YEAR,
          form: 'trainee',
          fileName: `${unit}-报名表.xlsx`,
          status: 'done',
          createdAt: at,
        },
      }),
    );
  }
  const quota = Math.ceil(REGISTRATIONS / units.length) + 1;
  const limit = pLimit(6);
  const recorded = await Promise.all(
    [...byUnit.values()].map((rows) =>
      limit(async () => {
        const { outcomes } = await recordRegistrations(rows.map((row) => ({ ...row, quota })));
        const refused = outcomes.filter((outcome) => outcome.kind !== 'recorded').length;
        if (refused > 0) throw new Error(`${refused} registrations not recorded`);
        return rows.map((row) => row.registration);
      }),
    ),
  );
  // Three in ten get a class seat, one in ten is rejected; the rest wait for review.
  const capacity = Math.ceil((REGISTRATIONS * 0.3) / programme.classes.length) + 10;
  const now = new Date();
  await Promise.all(
    recorded.flat().map((registration, n) =>
      limit(async () => {
        if (n % 10 < 3) {
          const classNumber = (Math.floor(n / 10) % programme.classes.length) + 1;
          const placed = await assignSeat(registration, classNumber, capacity, now, 'bench');
          if (!placed) throw new Error('a class had no seat left');
        } else if (n % 10 === 3) {
          await transitionRegistration(registration, now, { to: 'rejected', by: 'bench', reason: '压测数据' });
        }
      }),
    ),
  );
}

async function cannon(url: string, token: string, paths: string[], connections = CONNECTIONS): Promise<Cannon> {
  const options = {
    url,
    connections,
    duration: SECONDS_PER_SCENARIO,
    headers: { authorization: `Bearer ${token}` },
    requests: paths.map((path) => ({ method: 'GET', path })),
  };
  // In a child process: the load generator must not share the event loop that serves the API it measures.
  const { stdout } = await run(process.execPath, ['--import', 'tsx', CANNON, JSON.stringify(options)], {
    maxBuffer: 64 * 1024 * 1024,
  });
  const result = JSON.parse(stdout) as autocannon.Result;
  return {
    p50: result.latency.p50,
    p99: result.latency.p99,
    requestsPerSecond: Math.round(result.requests.average),
    requests: result.requests.total,
    non2xx: result.non2xx,
  };
}

/** Each function bundled as the stack bundles it, and a bare handler importing the same SDK clients. */
async function bundles(dir: string) {
  const options = {
    bundle: true,
    platform: 'node' as const,
    format: 'esm' as const,
    minify: true,
    target: 'node24',
    metafile: true,
    logLevel: 'silent' as const,
    banner: { js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);" },
  };
  const figures: Record<
    string,
    { bytes: number; sdkClients: string[]; initMs: number; bareInitMs: number; ratio: number }
  > = {};
  for (const name of FUNCTION_NAMES) {
    const outfile = join(dir, name, 'index.mjs');
    const result = await build({ ...options, entryPoints: [functionEntry(name)], outfile });
    const clients = [
      ...new Set(
        // Modules that put bytes into the bundle: the metafile's inputs also list modules that were tree-shaken away.
        Object.values(result.metafile?.outputs ?? {})
          .flatMap((output) => Object.entries(output.inputs).filter(([, used]) => used.bytesInOutput > 0))
          .map(([input]) => input)
          .map((input) => /node_modules\/@aws-sdk\/(client-[a-z0-9-]+)\//.exec(input)?.[1])
          .filter((client): client is string => Boolean(client)),
      ),
    ].sort();
    const bareEntry = join(dir, `${name}-bare.ts`);
    writeFileSync(
      bareEntry,
      `${clients.map((client, i) => `import * as c${i} from '@aws-sdk/${client}';`).join('\n')}
export const clients = [${clients.map((_, i) => `c${i}`).join(', ')}];
export const handler = async () => ({ statusCode: 200 });
`,
    );
    const bareOut = join(dir, `${name}-bare`, 'index.mjs');
    await build({
      ...options,
      entryPoints: [bareEntry],
      outfile: bareOut,
      nodePaths: [join(process.cwd(), 'node_modules')],
    });
    const initMs = medianInit(outfile);
    const bareInitMs = medianInit(bareOut);
    figures[name] = {
      bytes: statSync(outfile).size,
      sdkClients: clients,
      initMs,
      bareInitMs,
      ratio: Number((initMs / bareInitMs).toFixed(2)),
    };
  }
  return figures;
}

/** Median, over 7 fresh processes, of the time to import the bundle (what Lambda's init phase runs). */
function medianInit(file: string): number {
  const script = `const t = performance.now(); await import(${JSON.stringify(file)}); console.log(performance.now() - t);`;
  const times: number[] = [];
  for (let run = 0; run < 7; run++) {
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      // What Lambda's environment holds: some modules validate their configuration as they load.
      env: {
        PATH: process.env.PATH,
        NODE_OPTIONS: '',
        AWS_REGION: 'cn-north-1',
        TABLE_NAME: 'bench',
        UPLOADS_BUCKET: 'bench',
        PROGRAMME_YEAR: String(PROGRAMME_YEAR),
        PUBLIC_BASE_URL: 'https://training.example.cn',
        MAIL_FROM: 'bench@example.cn',
        MAIL_REPLY_TO: 'bench@example.cn',
        STATE_MACHINE_ARN: 'arn:aws-cn:states:cn-north-1:000000000000:stateMachine:bench',
      },
      encoding: 'utf8',
    });
    if (result.status !== 0) throw new Error(`importing ${file} failed: ${result.stderr}`);
    times.push(Number(result.stdout.trim()));
  }
  times.sort((a, b) => a - b);
  return Number((times[3] as number).toFixed(1));
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'leading-talent-bench-'));
  const cloud = new LocalCloud({ dataDir, logLevel: 'ERROR', metrics: false });
  try {
    const endpoints = await cloud.start();
    const calls = new DynamoCalls();
    calls.install();
    const programme = defaultProgramme(PROGRAMME_YEAR) as Programme;
    const units = Object.keys(programme.quotas);
    const loadStart = performance.now();
    await load(programme, units);
    const loadSeconds = Number(((performance.now() - loadStart) / 1000).toFixed(1));
    // Quotas large enough for the load, as staff would set them through the programme settings.
    const perUnit = Math.ceil(REGISTRATIONS / units.length) + 1;
    await saveProgramme({ ...programme, quotas: Object.fromEntries(units.map((unit) => [unit, perUnit])) });
    calls.take();

    const staff = endpoints.tokens.staff;
    const api = endpoints.api;
    const get = async (path: string) => {
      const response = await fetch(`${api}${path}`, { headers: { authorization: `Bearer ${staff}` } });
      if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
      return response.json() as Promise<{ next?: string | null; items?: unknown[] }>;
    };
    // Later pages: the cursors of pages 2–11 of the unfiltered list, replayed by the same caller.
    const laterPages: string[] = [];
    let cursor = (await get('/registrations?limit=50')).next;
    while (cursor && laterPages.length < 10) {
      const path = `/registrations?limit=50&cursor=${encodeURIComponent(cursor)}`;
      laterPages.push(path);
      cursor = (await get(path)).next;
    }
    const scenarios: Record<string, string[]> = {
      'list: first page': ['/registrations?limit=50'],
      'list: later pages': laterPages,
      'list: by unit': units.slice(0, 10).map((unit) => `/registrations?limit=50&unit=${unit}`),
      'list: by status (review queue)': ['/registrations?limit=50&status=nominated'],
      'list: by class': Array.from({ length: 10 }, (_, i) => `/registrations?limit=50&class=${i + 1}`),
      'list: by unit and status': units
        .slice(0, 10)
        .map((unit) => `/registrations?limit=50&unit=${unit}&status=nominated`),
      'list: by warning (not top person)': ['/registrations?limit=50&status=nominated&warning=NOT_TOP_PERSON'],
      quotas: ['/quotas'],
    };
    const results: Record<string, Cannon & { dynamoCallsPerRequest: Record<string, number> }> = {};
    for (const [name, paths] of Object.entries(scenarios)) {
      // Warm: one pass of each path, so modules are loaded and JIT-compiled before the clock starts.
      for (const path of paths) await fetch(`${api}${path}`, { headers: { authorization: `Bearer ${staff}` } });
      calls.take();
      const figures = await cannon(api, staff, paths);
      const counted = calls.take();
      results[name] = {
        ...figures,
        dynamoCallsPerRequest: Object.fromEntries(
          Object.entries(counted).map(([operation, count]) => [
            operation,
            Number((count / figures.requests).toFixed(2)),
          ]),
        ),
      };
    }
    // One connection: each request's own time, with no queue in front of it (the handler, the emulated HTTP API and
    // DynamoDB Local's round trips). At 50 connections the same requests wait for the two cores.
    const alone: Record<string, Cannon> = {};
    for (const name of ['list: first page', 'quotas']) {
      alone[name] = await cannon(api, staff, scenarios[name] as string[], 1);
    }
    await cloud.stop();

    const bundleDir = join(dataDir, 'bundles');
    mkdirSync(bundleDir, { recursive: true });
    const functions = await bundles(bundleDir);

    const scans = Object.entries(results)
      .filter(([, r]) => 'Scan' in r.dynamoCallsPerRequest)
      .map(([name]) => name);
    const slow = Object.entries(results)
      .filter(([, r]) => r.p99 > P99_GOAL_MS)
      .map(([name]) => name);
    const failing = Object.entries(results)
      .filter(([, r]) => r.non2xx > 0)
      .map(([name]) => name);
    const heavyStarts = Object.entries(functions)
      .filter(([, f]) => f.ratio > COLD_START_GOAL_RATIO)
      .map(([name]) => name);
    console.log(
      JSON.stringify({
        bench: 'staff-api',
        registrations: REGISTRATIONS,
        loadSeconds,
        connections: CONNECTIONS,
        secondsPerScenario: SECONDS_PER_SCENARIO,
        scenarios: results,
        oneConnection: alone,
        functions,
        goals: {
          p99Ms: P99_GOAL_MS,
          scenariosOverP99Goal: slow,
          scenariosWithScan: scans,
          scenariosWithErrors: failing,
          coldStartRatio: COLD_START_GOAL_RATIO,
          functionsOverColdStartGoal: heavyStarts,
        },
      }),
    );
    if (scans.length > 0 || failing.length > 0) process.exitCode = 1;
  } finally {
    await cloud.stop().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
