import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import S3rver from 's3rver';
import { resetClients } from '../../shared/adapters/aws-clients';
import { resetConfig } from '../../shared/adapters/config';
import { clearProgrammeCache, defaultProgramme, saveProgramme } from '../../shared/adapters/programme-store';
import { FUNCTION_NAMES, type FunctionName } from '../function-names';
import { DynamoDbLocal } from './dynamodb-local';
import { type FailedEvent, FailureQueue } from './failure-queue';
import { LocalHttpApi } from './http-api';
import { LocalLambdaRuntime } from './lambda-runtime';
import { LocalAuth } from './local-auth';
import { freePort } from './net';
import { clampLongTimers, LocalStepFunctions } from './step-functions';
import { localFunctionArn, synthesizeForLocal } from './synth';

// aws-ses-v2-local is CommonJS with `exports.default`; require it as such.
const sesServer = (createRequire(import.meta.url)('aws-ses-v2-local') as typeof import('aws-ses-v2-local')).default;

export const TABLE_NAME = 'leading-talent-local';
export const BUCKET_NAME = 'leading-talent-uploads-local';
export const PROGRAMME_YEAR = 2024;
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
  /** Keep DynamoDB's data on disk under dataDir, so `dynamo.restart()` keeps it (outage tests); default in memory. */
  readonly persistDynamoDb?: boolean;
}

export interface Endpoints {
  readonly api: string;
  readonly mailViewer: string;
  readonly mailStore: string;
  readonly s3: string;
  readonly dynamodb: string;
  readonly stepFunctions: string;
  readonly tokens: Record<string, string>;
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
  private api?: LocalHttpApi;
  private readonly inFlight = new Set<Promise<unknown>>();
  private stopped = false;
  private queue?: FailureQueue;

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
    const system = synthesizeForLocal();
    this.lambdas = new LocalLambdaRuntime(system.functions);

    const [dynamodbEndpoint, s3Endpoint, sesEndpoint] = await Promise.all([
      this.dynamo.start(),
      this.startS3(join(dataDir, 's3')),
      this.startSes(),
    ]);

    this.stepFunctions = new LocalStepFunctions(system.definition, system.stateMachineName, this.lambdas, (arn) =>
      FUNCTION_NAMES.find((name) => localFunctionArn(name) === arn),
    );
    const sfnEndpoint = await this.stepFunctions.listen();
    this.api = new LocalHttpApi(this.lambdas, this.auth);
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
      S3_FORCE_PATH_STYLE: 'true',
      CLOCK_OFFSET_MS: String(now - Date.now()),
      PERSON_HASH_KEY: this.personHashKey(dataDir),
      // One process runs every function locally, so they share one service name (in AWS each has its own).
      POWERTOOLS_SERVICE_NAME: 'leading-talent-local',
      POWERTOOLS_LOG_LEVEL: this.options.logLevel ?? 'INFO',
      POWERTOOLS_TRACE_ENABLED: 'false',
      POWERTOOLS_METRICS_DISABLED: 'true',
    });
    resetConfig();
    resetClients();
    clearProgrammeCache();

    await this.dynamo.createTable(TABLE_NAME);
    await this.seed();

    const tokens: Record<string, string> = { staff: await this.auth.mint({ staff: true }) };
    const programme = defaultProgramme(PROGRAMME_YEAR);
    for (const unit of Object.keys(programme?.quotas ?? {})) tokens[unit] = await this.auth.mint({ unit });
    this.endpoints = {
      api: apiUrl,
      mailViewer: sesEndpoint,
      mailStore: `${sesEndpoint}/store`,
      s3: s3Endpoint,
      dynamodb: dynamodbEndpoint,
      stepFunctions: sfnEndpoint,
      tokens,
    };
    return this.endpoints;
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

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.allSettled([...this.inFlight]);
    await this.stepFunctions?.close();
    await this.api?.close();
    await this.s3?.close().catch(() => undefined);
    await new Promise<void>((resolve) => (this.ses ? this.ses.close(() => resolve()) : resolve()));
    this.ses?.closeAllConnections?.();
    await this.dynamo.stop();
  }

  private async startS3(directory: string): Promise<string> {
    rmSync(directory, { recursive: true, force: true });
    mkdirSync(directory, { recursive: true });
    const port = await freePort();
    this.s3 = new S3rver({
      port,
      address: '127.0.0.1',
      silent: true,
      directory,
      resetOnClose: true,
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

  private async startSes(): Promise<string> {
    const port = await freePort();
    this.ses = await sesServer({ host: '127.0.0.1', port });
    return `http://127.0.0.1:${(this.ses.address() as AddressInfo).port}`;
  }

  private personHashKey(dataDir: string): string {
    const file = join(dataDir, 'person-hash-key');
    if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600 });
    return readFileSync(file, 'utf8').trim();
  }

  private async seed(): Promise<void> {
    const programme = defaultProgramme(PROGRAMME_YEAR);
    if (!programme) throw new Error(`No default programme for ${PROGRAMME_YEAR}`);
    await saveProgramme(programme);
  }
}

export type { FailedEvent };
