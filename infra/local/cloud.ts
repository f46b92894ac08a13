import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import S3rver from 's3rver';
import { resetClients } from '../../shared/adapters/aws-clients';
import { systemClock } from '../../shared/adapters/clock';
import { resetConfig } from '../../shared/adapters/config';
import { clearProgrammeCache, defaultProgramme, saveProgramme } from '../../shared/adapters/programme-store';
import type { Programme } from '../../shared/domain/programme';
import { FUNCTION_NAMES, type FunctionName } from '../function-names';
import { DynamoDbLocal } from './dynamodb-local';
import { type FailedEvent, FailureQueue } from './failure-queue';
import { type CapturedReply, LocalHttpApi } from './http-api';
import { type InvocationDelay, LocalLambdaRuntime } from './lambda-runtime';
import { LocalAuth } from './local-auth';
import { freePort } from './net';
import { SesSimulator } from './ses-simulator';
import { clampLongTimers, LocalStepFunctions } from './step-functions';
import { type DailySchedule, localFunctionArn, type SynthesizedSystem } from './local-system';

// aws-ses-v2-local is CommonJS with `exports.default`; require it as such.
const sesServer = (createRequire(import.meta.url)('aws-ses-v2-local') as typeof import('aws-ses-v2-local')).default;

export const TABLE_NAME = 'leading-talent-local';
export const BUCKET_NAME = 'leading-talent-uploads-local';
export const PROGRAMME_YEAR = 2024;
export const LOCAL_CONFIGURATION_SET = 'leading-talent-notices-local';
/** The local cloud runs on programme time: by default a week before the 2024 deadline, ticking from start. */
export const DEFAULT_LOCAL_NOW = '2024-08-24T09:00:00+08:00';

export interface LocalCloudOptions {
  /** Where keys, S3 objects and failed events live; `.local` for `npm start`, a temp dir for tests. */
  readonly dataDir: string;
  readonly apiPort?: number;
  /** Programme time at start (ISO 8601); see DEFAULT_LOCAL_NOW. */
  readonly now?: string;
  /** Async retries of ingest before an event goes to the failure queue (AWS: 2). */
  readonly ingestRetries?: number;
  readonly ingestRetryDelayMs?: number;
  readonly logLevel?: string;
  /**
   * Publish business metrics as EMF lines in the log (stdout), as Lambda does. On for `npm start`; tests that do not
   * read them leave them off to keep their output short.
   */
  readonly metrics?: boolean;
  /** Keep DynamoDB's data on disk under dataDir, so `dynamo.restart()` keeps it (outage tests); default in memory. */
  readonly persistDynamoDb?: boolean;
  /** Every Retry of the state machine waits this many ms instead of its interval and backoff (fast tests). */
  readonly retryIntervalMs?: number;
  /** Seed this programme instead of the shipped 2024 defaults (tests with small classes or other dates). */
  readonly programme?: Programme;
  /** Told when programme time has been moved (`npm start` then rewrites env.json for `npm run redrive`). */
  readonly onClockChange?: (now: Date) => void;
  /**
   * Test-only fault injection: latency before a Lambda handler runs, per invocation (a number of ms, or a promise
   * that holds it until settled). Key on `event.action` for workflow-task, `event.routeKey` for the HTTP API
   * functions. Off by default; `npm start` never sets it.
   */
  readonly invocationDelays?: InvocationDelay;
  /**
   * Test-only: keep what the system lets out (log lines, Lambda invocations and results, HTTP replies) in
   * `captured`, so a test can scan it for personal data. Off by default; `npm start` never sets it.
   */
  readonly capture?: boolean;
  /**
   * The stack as already synthesized, for a caller that starts many clouds from the same source: a test run
   * synthesizes once and hands it to every file, where a synthesis (and loading aws-cdk-lib) costs seconds each.
   * Without it, start() synthesizes the stack itself.
   */
  readonly system?: SynthesizedSystem;
}

/** What a capturing local cloud saw leave its functions (see LocalCloudOptions.capture). */
export interface CapturedTraffic {
  readonly logs: string[];
  readonly invocations: {
    readonly fn: FunctionName;
    readonly event: unknown;
    readonly result?: unknown;
    readonly error?: string;
  }[];
  readonly replies: CapturedReply[];
}

/** ID tokens the local cloud accepts: `staff`, one per unit code (`"110000"`), and `hosts`: one per class number. */
export type LocalTokens = Readonly<Record<string, string>> & {
  readonly staff: string;
  readonly hosts: Readonly<Record<string, string>>;
};

export interface Endpoints {
  readonly api: string;
  readonly mailViewer: string;
  readonly mailStore: string;
  readonly s3: string;
  readonly dynamodb: string;
  readonly stepFunctions: string;
  /** The control server: `GET /clock` → `{ now }`, `POST /clock` `{ now }` → `{ now, fired }` (npm run clock). */
  readonly control: string;
  readonly tokens: LocalTokens;
}

/**
 * The whole system on one machine: DynamoDB Local, s3rver, aws-ses-v2-local, the synthesized state machine and
 * the HTTP API, all driving the same handler modules as Lambda. Only endpoints and wiring differ from AWS.
 */
export class LocalCloud {
  lambdas!: LocalLambdaRuntime;
  readonly dynamo: DynamoDbLocal;
  auth!: LocalAuth;
  stepFunctions!: LocalStepFunctions;
  endpoints!: Endpoints;
  private s3?: S3rver;
  private ses?: Server;
  private sesPort?: number;
  private sesSimulator?: SesSimulator;
  private schedules: readonly DailySchedule[] = [];
  private schedulesCheckedAt = 0;
  private scheduleTimer?: NodeJS.Timeout;
  private s3Directory?: string;
  private s3Port?: number;
  private api?: LocalHttpApi;
  private control?: Server;
  private readonly inFlight = new Set<Promise<unknown>>();
  private stopped = false;
  private queue?: FailureQueue;
  captured?: CapturedTraffic;
  private releaseCapture?: () => void;

  constructor(readonly options: LocalCloudOptions) {
    this.dynamo = new DynamoDbLocal(
      options.persistDynamoDb ? { dbPath: join(resolve(options.dataDir), 'dynamodb') } : {},
    );
  }

  get failureQueue(): FailureQueue {
    this.queue ??= new FailureQueue(join(this.options.dataDir, 'failed-events'));
    return this.queue;
  }

  async start(): Promise<Endpoints> {
    clampLongTimers();
    const dataDir = resolve(this.options.dataDir);
    this.auth = new LocalAuth(join(dataDir, 'signing-key'));
    const system = this.options.system ?? (await import('./synth')).synthesizeForLocal();
    this.lambdas = new LocalLambdaRuntime(system.functions, this.options.invocationDelays);
    this.schedules = system.schedules;
    if (this.options.capture) this.startCapture();

    const [dynamodbEndpoint, s3Endpoint, sesEndpoint] = await Promise.all([
      this.dynamo.start(),
      this.startS3(join(dataDir, 's3')),
      this.startSes(),
    ]);

    this.stepFunctions = new LocalStepFunctions(
      system.definition,
      system.stateMachineName,
      this.lambdas,
      (arn) => FUNCTION_NAMES.find((name) => localFunctionArn(name) === arn),
      {
        now: () => this.now().getTime(),
        ...(this.options.retryIntervalMs === undefined ? {} : { retryIntervalMs: this.options.retryIntervalMs }),
      },
    );
    const sfnEndpoint = await this.stepFunctions.listen();
    this.api = new LocalHttpApi(this.lambdas, this.auth, (reply) => this.captured?.replies.push(reply));
    const apiUrl = await this.api.listen(this.options.apiPort ?? 0);

    const now = Date.parse(this.options.now ?? DEFAULT_LOCAL_NOW);
    if (Number.isNaN(now)) throw new Error(`Not a valid start time: ${this.options.now}`);
    Object.assign(process.env, {
      AWS_REGION: 'cn-north-1',
      // s3rver checks signatures against its fixed development credentials; the other emulators accept any.
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
      AWS_ENDPOINT_URL_DYNAMODB: dynamodbEndpoint,
      AWS_ENDPOINT_URL_S3: s3Endpoint,
      AWS_ENDPOINT_URL_SESV2: sesEndpoint,
      AWS_ENDPOINT_URL_SFN: sfnEndpoint,
      TABLE_NAME,
      UPLOADS_BUCKET: BUCKET_NAME,
      STATE_MACHINE_ARN: this.stepFunctions.arn,
      PROGRAMME_YEAR: String(PROGRAMME_YEAR),
      PUBLIC_BASE_URL: apiUrl,
      MAIL_FROM: '领军人才培训 <noreply@notice.local.test>',
      MAIL_REPLY_TO: 'leader@miitec.org.cn',
      // The simulator publishes bounce and complaint events only for mail sent with a configuration set, as SES does.
      MAIL_CONFIGURATION_SET: LOCAL_CONFIGURATION_SET,
      S3_FORCE_PATH_STYLE: 'true',
      CLOCK_OFFSET_MS: String(now - Date.now()),
      PERSON_HASH_KEY: this.personHashKey(dataDir),
      // One process runs every function locally, so they share one service name (in AWS each has its own).
      POWERTOOLS_SERVICE_NAME: 'leading-talent-local',
      POWERTOOLS_LOG_LEVEL: this.options.logLevel ?? 'INFO',
      POWERTOOLS_TRACE_ENABLED: 'false',
      POWERTOOLS_METRICS_DISABLED: this.options.metrics === false ? 'true' : 'false',
    });
    resetConfig();
    resetClients();
    clearProgrammeCache();

    await this.dynamo.createTable(TABLE_NAME);
    await this.seed();
    this.schedulesCheckedAt = this.now().getTime();
    this.scheduleTimer = setInterval(() => this.runDueSchedules(), 1000);
    this.scheduleTimer.unref();

    const tokens: Record<string, string> = { staff: await this.auth.mint({ staff: true }) };
    const programme = this.programme();
    for (const unit of Object.keys(programme.quotas)) tokens[unit] = await this.auth.mint({ unit });
    const hosts: Record<string, string> = {};
    for (const { number } of programme.classes) hosts[number] = await this.auth.mint({ host: [number] });
    const controlUrl = await this.listenControl();
    this.endpoints = {
      api: apiUrl,
      mailViewer: sesEndpoint,
      mailStore: `${sesEndpoint}/store`,
      s3: s3Endpoint,
      dynamodb: dynamodbEndpoint,
      stepFunctions: sfnEndpoint,
      control: controlUrl,
      tokens: { ...tokens, hosts } as unknown as LocalTokens,
    };
    return this.endpoints;
  }

  /** Programme time: what `systemClock.now()` returns to every handler in this process. */
  now(): Date {
    return systemClock.now();
  }

  /**
   * Moves programme time forward to `to` (never back: a RangeError), for every handler in this process, then fails
   * with States.Timeout every callback task whose timeout is due by then, as AWS would have. Resolves once the state
   * machine has taken them (`stepFunctions.settled()` waits for the executions to end or park again).
   */
  async setClock(to: Date): Promise<{ now: Date; fired: number }> {
    const target = to.getTime();
    if (Number.isNaN(target)) throw new RangeError('Not a valid time');
    const current = this.now().getTime();
    if (target < current) {
      throw new RangeError(
        `Programme time only moves forward: it is ${this.now().toISOString()}, and ${to.toISOString()} is earlier`,
      );
    }
    let fired = 0;
    // Daily schedules due on the way run at their own time, as each day passes in AWS (a reminder due on 10-11
    // must not be judged on 10-14, after the class started); callback timers due by then fire first.
    for (const { at, schedule } of this.scheduleOccurrences(this.schedulesCheckedAt, target)) {
      this.moveClockTo(at);
      fired += await this.stepFunctions.fireDueTimers();
      this.schedulesCheckedAt = at;
      await this.invokeAsync(schedule.functionName, schedule.input);
    }
    this.moveClockTo(target);
    this.schedulesCheckedAt = target;
    this.options.onClockChange?.(to);
    fired += await this.stepFunctions.fireDueTimers();
    // The time it was moved to; it has ticked on by a few ms since.
    return { now: new Date(target), fired };
  }

  private moveClockTo(at: number): void {
    process.env.CLOCK_OFFSET_MS = String(at - Date.now());
    resetConfig();
  }

  /** Every run of a daily schedule in (from, to], in time order. */
  private scheduleOccurrences(from: number, to: number): { at: number; schedule: DailySchedule }[] {
    const day = 86_400_000;
    const runs: { at: number; schedule: DailySchedule }[] = [];
    for (const schedule of this.schedules) {
      let at = Math.floor(from / day) * day + schedule.minuteOfDayUtc * 60_000;
      if (at <= from) at += day;
      for (; at <= to; at += day) runs.push({ at, schedule });
    }
    return runs.sort((a, b) => a.at - b.at);
  }

  /** Resolves when no asynchronous invocation (ingest) is running: tests wait on this instead of sleeping. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Lambda's asynchronous invocation: retried, then kept in the failure queue for `npm run redrive`. */
  invokeAsync(name: FunctionName, event: unknown): Promise<void> {
    const retries = this.options.ingestRetries ?? 2;
    const delay = this.options.ingestRetryDelayMs ?? 1000;
    const run = (async () => {
      let lastError: unknown;
      for (let attempt = 0; attempt <= retries && !this.stopped; attempt++) {
        if (attempt > 0) await new Promise((r) => setTimeout(r, delay));
        try {
          await this.lambdas.invoke(name, event);
          return;
        } catch (error) {
          lastError = error;
        }
      }
      if (!this.stopped) this.failureQueue.add(name, event, lastError);
    })();
    this.inFlight.add(run);
    run.finally(() => this.inFlight.delete(run));
    return run;
  }

  failedEvents(): FailedEvent[] {
    return this.failureQueue.list();
  }

  /** Replays every event in the failure queue; those that succeed leave the queue. */
  redrive(): Promise<{ replayed: number; stillFailing: number }> {
    return this.failureQueue.redrive((fn, event) => this.lambdas.invoke(fn, event));
  }

  /**
   * EventBridge's daily schedules as programme time passes on its own (checked every second); `setClock` runs the
   * ones a jump passes over at their own times.
   */
  private runDueSchedules(): void {
    if (this.stopped) return;
    const from = this.schedulesCheckedAt;
    const to = this.now().getTime();
    this.schedulesCheckedAt = to;
    for (const { schedule } of this.scheduleOccurrences(from, to)) {
      void this.invokeAsync(schedule.functionName, schedule.input);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.scheduleTimer);
    await Promise.allSettled([...this.inFlight]);
    await this.stepFunctions?.close();
    await new Promise<void>((resolve) => (this.control ? this.control.close(() => resolve()) : resolve()));
    this.control?.closeAllConnections();
    await this.api?.close();
    await this.s3?.close().catch(() => undefined);
    await this.sesSimulator?.close();
    if (this.s3Directory) rmSync(this.s3Directory, { recursive: true, force: true });
    await new Promise<void>((resolve) => (this.ses ? this.ses.close(() => resolve()) : resolve()));
    this.ses?.closeAllConnections?.();
    await this.dynamo.stop();
    this.releaseCapture?.();
  }

  /** Tees stdout and stderr (where every function's logger writes) and records every Lambda invocation. */
  private startCapture(): void {
    const captured: CapturedTraffic = { logs: [], invocations: [], replies: [] };
    this.captured = captured;
    const streams = [process.stdout, process.stderr] as const;
    const originals = streams.map((stream) => stream.write);
    streams.forEach((stream, index) => {
      const original = originals[index] as typeof stream.write;
      stream.write = ((chunk: unknown, ...rest: unknown[]) => {
        captured.logs.push(Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk));
        return (original as (...args: unknown[]) => boolean).call(stream, chunk, ...rest);
      }) as typeof stream.write;
    });
    const invoke = this.lambdas.invoke.bind(this.lambdas);
    this.lambdas.invoke = async (fn, event) => {
      try {
        const result = await invoke(fn, event);
        captured.invocations.push({ fn, event, result });
        return result;
      } catch (error) {
        captured.invocations.push({ fn, event, error: String(error) });
        throw error;
      }
    };
    this.releaseCapture = () => {
      streams.forEach((stream, index) => {
        stream.write = originals[index] as typeof stream.write;
      });
    };
  }

  private async startS3(directory: string, restartOnPort?: number): Promise<string> {
    // A restart after an outage keeps the objects, as S3 would; a fresh start begins empty.
    if (restartOnPort === undefined) rmSync(directory, { recursive: true, force: true });
    mkdirSync(directory, { recursive: true });
    const port = restartOnPort ?? (await freePort());
    this.s3Directory = directory;
    this.s3Port = port;
    this.s3 = new S3rver({
      port,
      address: '127.0.0.1',
      silent: true,
      directory,
      configureBuckets: [{ name: BUCKET_NAME, configs: [] }],
    });
    await this.s3.run();
    this.s3.on('event', (event: { Records: { eventName: string; s3: { object: { key: string } } }[] }) => {
      const record = event.Records[0];
      // The stack notifies ingest for ObjectCreated under incoming/ only; so does the local cloud.
      if (
        record?.eventName.startsWith('ObjectCreated') &&
        decodeURIComponent(record.s3.object.key).startsWith('incoming/')
      ) {
        void this.invokeAsync('ingest-upload', event);
      }
    });
    return `http://127.0.0.1:${port}`;
  }

  /** The control server on 127.0.0.1 that `npm run clock` talks to. */
  private async listenControl(): Promise<string> {
    const server = createServer((request, response) => void this.handleControl(request, response));
    this.control = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  private async handleControl(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const reply = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    try {
      const path = new URL(request.url ?? '/', 'http://control').pathname;
      if (path !== '/clock') return reply(404, { message: 'The control server answers GET and POST /clock' });
      if (request.method === 'GET') return reply(200, { now: this.now().toISOString() });
      if (request.method !== 'POST') return reply(405, { message: 'GET or POST /clock' });
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        body = undefined;
      }
      const text = (body as { now?: unknown } | undefined)?.now;
      if (typeof text !== 'string') {
        return reply(400, { message: 'The body must be JSON: { "now": "2024-09-30T18:00+08:00" }' });
      }
      const to = parseZonedTime(text);
      if (to === undefined) {
        return reply(400, {
          message: `Not a time: "${text}". Give an ISO 8601 time with its offset, e.g. 2024-09-30T18:00+08:00`,
        });
      }
      try {
        const { now, fired } = await this.setClock(to);
        return reply(200, { now: now.toISOString(), fired });
      } catch (error) {
        if (error instanceof RangeError) return reply(400, { message: error.message });
        throw error;
      }
    } catch (error) {
      if (!response.headersSent) reply(500, { message: (error as Error).message });
    }
  }

  /**
   * aws-ses-v2-local on a private port, behind the mailbox simulator (ses-simulator.ts) on the public one: mail to
   * bounce@/complaint@simulator.amazonses.com produces the event SES would publish, delivered to mail-events the way
   * EventBridge invokes it (asynchronously, retried).
   */
  private async startSes(): Promise<string> {
    this.ses = await sesServer({ host: '127.0.0.1', port: await freePort() });
    const upstream = `http://127.0.0.1:${(this.ses.address() as AddressInfo).port}`;
    this.sesSimulator = new SesSimulator(upstream, 'cn-north-1', (event) => {
      void this.invokeAsync('mail-events', event);
    });
    this.sesPort = await freePort();
    return this.sesSimulator.listen(this.sesPort);
  }

  /**
   * Fault injection for tests: SES unreachable (connections refused) until turned off again. Sent mail survives:
   * the emulator behind the simulator keeps running.
   */
  async setMailOutage(down: boolean): Promise<void> {
    if (!this.sesSimulator || this.sesPort === undefined) return;
    if (down && this.sesSimulator.listening) await this.sesSimulator.close();
    else if (!down && !this.sesSimulator.listening) await this.sesSimulator.listen(this.sesPort);
  }

  /**
   * Fault injection for tests: s3rver gone (connections cut, then refused) until turned off again. Its objects
   * survive, as S3's would, and it comes back on the same port, so existing clients keep working.
   */
  async setS3Outage(down: boolean): Promise<void> {
    if (down && this.s3) {
      const server = this.s3;
      this.s3 = undefined;
      const closed = server.close().catch(() => undefined);
      server.httpServer?.closeAllConnections();
      await closed;
    } else if (!down && !this.s3 && this.s3Directory) {
      await this.startS3(this.s3Directory, this.s3Port);
    }
  }

  private personHashKey(dataDir: string): string {
    const file = join(dataDir, 'person-hash-key');
    if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600 });
    return readFileSync(file, 'utf8').trim();
  }

  private async seed(): Promise<void> {
    await saveProgramme(this.programme());
  }

  /** The programme the cloud is seeded with: the shipped 2024 defaults, or a test's own. */
  private programme(): Programme {
    const programme = this.options.programme ?? defaultProgramme(PROGRAMME_YEAR);
    if (!programme) throw new Error(`No default programme for ${PROGRAMME_YEAR}`);
    return programme;
  }
}

/** An ISO 8601 date-time with an explicit offset (or Z); anything else, including a local time, is undefined. */
export function parseZonedTime(text: string): Date | undefined {
  const match = /^(\d{4}-\d{2}-\d{2})T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|([+-])(\d{2}):(\d{2}))$/i.exec(
    text.trim(),
  );
  if (!match) return undefined;
  const ms = Date.parse(text.trim());
  if (Number.isNaN(ms)) return undefined;
  // Date.parse rolls 2024-02-31 over to March; a calendar date that does not exist is not a time.
  const [, day, sign, hours, minutes] = match;
  const offsetMs = sign ? (sign === '-' ? -1 : 1) * (Number(hours) * 60 + Number(minutes)) * 60_000 : 0;
  return new Date(ms + offsetMs).toISOString().slice(0, 10) === day ? new Date(ms) : undefined;
}

export type { FailedEvent };
