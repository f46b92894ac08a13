/**
 * Programme benchmark: the shipped 2024 programme run end to end in the local cloud — 800 trainees (37 units, each
 * uploading its quota as one CSV), 10 classes × 80 seats, 8 sessions each — through public surfaces only, as the
 * e2e tests drive it: presigned POST uploads, staff review, attendance per session, class close, programme clock.
 * It measures what each trainee costs at list prices (Step Functions state transitions, Lambda GB-seconds and
 * requests, DynamoDB request units, SES messages), how long closing a class of 80 takes, and prints one JSON line.
 *
 *   npx tsx bench/programme.bench.ts
 *
 * How each figure is measured (the meters only observe; none changes what the handlers do or see):
 * - Step Functions: `Execution.stateTransitions` (infra/local/step-functions.ts) counts the library's own event log
 *   (`run().eventLogs`): every `StateEntered` (Task, Choice, Pass, Succeed, Fail alike) and every `StateRetried`,
 *   which is how Standard workflows are billed. Not counted in the task handlers, so Choice and Succeed states and
 *   retries are not missed.
 * - Lambda: each handler call is timed inside the local runtime's reserved-concurrency slot (the handler the runtime
 *   loads is wrapped), so queueing for a slot — which AWS would answer with a throttle, not bill — is excluded, and
 *   the module import of a cold start is not counted either (Lambda bills init separately and rarely). Billed
 *   duration is each call rounded up to 1 ms, times the function's MemorySize from the synthesized template.
 *   Durations are local ones: handlers share 2 cores with DynamoDB Local and each other.
 * - DynamoDB: a middleware on the shared `dynamoClient()` asks for `ReturnConsumedCapacity: 'TOTAL'` where a request
 *   did not ask for it (the handlers ignore it) and sums what DynamoDB Local reports for plain reads and writes (it
 *   computes those by item size, strongly vs eventually consistent, queries by total size, GSI writes included).
 *   For TransactWriteItems DynamoDB Local reports one item's worth, so those units are computed by DynamoDB's rules
 *   from item sizes (DynamoDB's size rules: name + value bytes, numbers ≈ 1 byte per 2 digits + 1, maps/lists
 *   3 bytes + 1 per element): 2 WCU per started KB per written item (max of its size before and after), plus 1 WCU
 *   per started KB for each index entry written (ALL projection; a changed index key is a delete and a put).
 *   Sizes come from what the handlers themselves put and read (full-item gets and queries); an Update's new size
 *   is taken from the next full read of that item issued after it, else from a scan at the end. A ConditionCheck
 *   is counted as a transactional read (2 RCU per 4 KB). Failed conditional writes are charged by item size, a
 *   cancelled transaction as if it had written its items (upper bound). Powertools Idempotency in ingest uses its
 *   own client, which the middleware cannot see: its two small writes per ingest invocation are added as 1 WCU each.
 * - SES: every message in the emulator's outbox, per recipient.
 * Whatever the bench itself inspects in-process (execution states, the final scan) is not metered; the staff list
 * and the host rosters it reads through the API are part of the journey and are.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScanCommand, type ScanCommandOutput } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { Context } from 'aws-lambda';
import pLimit from 'p-limit';
import type { FunctionName } from '../infra/function-names';
import { type Endpoints, LocalCloud, PROGRAMME_YEAR, TABLE_NAME } from '../infra/local/cloud';
import { synthesizeForLocal } from '../infra/local/synth';
import { dynamoClient } from '../shared/adapters/aws-clients';
import { defaultProgramme } from '../shared/adapters/programme-store';
import { TABLE_INDEXES } from '../shared/adapters/table-definition';
import { findUnit } from '../shared/domain/units';
import { validTrainee, validUnit } from '../test/fixtures/registration-data';
import { buildCsv, TRAINEE_HEADERS, traineeRow, UNIT_HEADERS, unitRow } from '../test/fixtures/spreadsheet-files';
import { api, postToPresigned } from '../test/support/local-cloud';

const CLASSES = 10;
const SEATS = 80;
const REVIEW_CONCURRENCY = 16;
/** Units post their files at about the rate ingest (reserved concurrency 5) takes them. */
const UPLOAD_CONCURRENCY = 6;
const TRANSITIONS_GOAL = 16;
const COST_GOAL_USD = 0.002;

/** List prices, US East (N. Virginia), on-demand, no free tier. The local cloud calls itself cn-north-1, but AWS China
 * prices in CNY; these are the reference prices in USD. */
const PRICES = {
  region: 'us-east-1',
  currency: 'USD',
  stepFunctionsStandardPerStateTransition: 0.025 / 1000,
  lambdaArm64PerGbSecond: 0.0000133334,
  lambdaPerRequest: 0.2 / 1_000_000,
  dynamoDbOnDemandPerWriteRequestUnit: 0.625 / 1_000_000,
  dynamoDbOnDemandPerReadRequestUnit: 0.125 / 1_000_000,
  sesPerMessage: 0.1 / 1000,
} as const;

type Handler = (event: unknown, context: Context) => Promise<unknown>;
type Item = Record<string, unknown>;

// ---------------------------------------------------------------------------------------------------------------
// Lambda: billed duration per function

class LambdaMeter {
  readonly calls = new Map<FunctionName, { invocations: number; billedMs: number; rawMs: number }>();
  /** Set once the journey is over: the bench's own checks afterwards are not the trainees' cost. */
  stopped = false;

  /**
   * Wraps the handlers the runtime loads (its private `load`, called inside the reserved-concurrency slot), so a call
   * is timed from the handler's start to its end, without the wait for a slot.
   */
  install(cloud: LocalCloud): void {
    const runtime = cloud.lambdas as unknown as { load: (name: FunctionName) => Promise<Handler> };
    if (typeof runtime.load !== 'function')
      throw new Error('LocalLambdaRuntime has no load() to wrap: update LambdaMeter');
    const load = runtime.load.bind(runtime);
    const timed = new Map<FunctionName, Promise<Handler>>();
    runtime.load = (name) => {
      let handler = timed.get(name);
      if (!handler) {
        handler = load(name).then(
          (inner): Handler =>
            async (event, context) => {
              const started = performance.now();
              try {
                return await inner(event, context);
              } finally {
                if (!this.stopped) this.record(name, performance.now() - started);
              }
            },
        );
        timed.set(name, handler);
      }
      return handler;
    };
  }

  private record(name: FunctionName, ms: number): void {
    const entry = this.calls.get(name) ?? { invocations: 0, billedMs: 0, rawMs: 0 };
    entry.invocations++;
    entry.billedMs += Math.max(1, Math.ceil(ms));
    entry.rawMs += ms;
    this.calls.set(name, entry);
  }
}

/** Each function's MemorySize as deployed: the synthesized template's function whose service name it is. */
function memoryByFunction(): Map<string, number> {
  const resources = synthesizeForLocal().template.Resources as Record<
    string,
    { Type: string; Properties: { MemorySize?: number; Environment?: { Variables?: Record<string, unknown> } } }
  >;
  const memory = new Map<string, number>();
  for (const { Type, Properties } of Object.values(resources)) {
    const name = Properties?.Environment?.Variables?.POWERTOOLS_SERVICE_NAME;
    if (Type === 'AWS::Lambda::Function' && typeof name === 'string') memory.set(name, Number(Properties.MemorySize));
  }
  return memory;
}

// ---------------------------------------------------------------------------------------------------------------
// DynamoDB: request units by DynamoDB's rules

const utf8 = (text: string) => Buffer.byteLength(text, 'utf8');

/** A number's size: about one byte per two significant digits, plus one. */
function numberSize(value: number | bigint | string): number {
  const digits = String(value)
    .replace(/^-/, '')
    .replace(/e.*$/i, '')
    .replace('.', '')
    .replace(/^0+/, '')
    .replace(/0+$/, '');
  return Math.ceil(Math.max(1, digits.length) / 2) + 1;
}

/** The stored size of a value as DynamoDB counts it (unmarshalled form, as the handlers see items). */
function valueSize(value: unknown): number {
  if (value === null || value === undefined || typeof value === 'boolean') return 1;
  if (typeof value === 'string') return utf8(value);
  if (typeof value === 'number' || typeof value === 'bigint') return numberSize(value);
  if (value instanceof Uint8Array) return value.byteLength;
  if (value instanceof Set) return [...value].reduce((sum: number, v) => sum + valueSize(v), 0);
  if (Array.isArray(value)) return 3 + value.reduce((sum: number, v) => sum + valueSize(v) + 1, 0);
  if (typeof value === 'object') {
    if ('value' in value && Object.keys(value).length === 1) return numberSize(String(value.value)); // NumberValue
    return 3 + Object.entries(value).reduce((sum, [name, v]) => sum + utf8(name) + valueSize(v) + 1, 0);
  }
  return utf8(String(value));
}

const itemSize = (item: Item) => Object.entries(item).reduce((sum, [name, v]) => sum + utf8(name) + valueSize(v), 0);
/** Started kilobytes (writes), never less than one unit. */
const kb = (bytes: number) => Math.max(1, Math.ceil(bytes / 1024));
/** Started 4 KB blocks (reads). */
const kb4 = (bytes: number) => Math.max(1, Math.ceil(bytes / 4096));
const keyOf = (item: Item) => `${String(item.pk)}\u0000${String(item.sk)}`;

interface Known {
  readonly size: number;
  /** Per index: the item's key there, when it is in that index. */
  readonly indexKeys: readonly (string | undefined)[];
  /** Meter sequence at which this state was observed. */
  readonly seq: number;
}

function known(item: Item, seq: number): Known {
  return {
    size: itemSize(item),
    indexKeys: TABLE_INDEXES.map(({ partitionKey, sortKey }) =>
      item[partitionKey] !== undefined && item[sortKey] !== undefined
        ? `${String(item[partitionKey])}\u0000${String(item[sortKey])}`
        : undefined,
    ),
    seq,
  };
}

interface PendingUpdate {
  readonly before?: Known;
  readonly completedSeq: number;
}

class DynamoMeter {
  private seq = 0;
  private readonly items = new Map<string, Known>();
  private readonly pending = new Map<string, PendingUpdate[]>();
  readonly requests: Record<string, number> = {};
  readonly wcu = {
    /** PutItem/UpdateItem/DeleteItem as DynamoDB Local reports them (table + index writes). */
    plainWrites: 0,
    /** TransactWriteItems: 2 per started KB per item written. */
    transactionalItems: 0,
    /** The index entries those transactional writes put, replace or delete: 1 per started KB each. */
    transactionalIndexEntries: 0,
    failedConditionalWrites: 0,
    cancelledTransactions: 0,
    /** Powertools Idempotency's own client in ingest (not seen by the middleware): 2 small writes per invocation. */
    idempotencyEstimate: 0,
  };
  readonly rcu = {
    /** GetItem/Query as DynamoDB Local reports them. */
    plainReads: 0,
    /** ConditionChecks inside TransactWriteItems, as transactional reads: 2 per started 4 KB. */
    conditionChecks: 0,
  };
  readonly counts = { transactions: 0, transactItems: 0, failedConditionalWrites: 0, cancelledTransactions: 0 };
  /** What DynamoDB Local itself reported for the transactions (one item's worth each), for comparison. */
  reportedTransactionalWcu = 0;
  /** Set once the journey is over (see LambdaMeter.stopped). */
  stopped = false;

  install(): void {
    const client = dynamoClient();
    // Ask for the consumed capacity where the caller did not (handlers never read it unless they asked).
    client.middlewareStack.add(
      (next) => async (args) => {
        const input = args.input as Record<string, unknown>;
        if (this.stopped) return next(args);
        return next({ ...args, input: { ...input, ReturnConsumedCapacity: input.ReturnConsumedCapacity ?? 'TOTAL' } });
      },
      { step: 'initialize', name: 'benchReturnConsumedCapacity' },
    );
    // At the build step the input is marshalled (wire form) and the output already unmarshalled.
    client.middlewareStack.add(
      (next) => async (args) => {
        if (this.stopped) return next(args);
        const request = args.request as { headers?: Record<string, string> };
        const operation =
          String(request.headers?.['x-amz-target'] ?? '')
            .split('.')
            .pop() ?? 'unknown';
        const input = args.input as Record<string, unknown>;
        const issued = ++this.seq;
        try {
          const result = await next(args);
          this.succeeded(operation, input, result.output as Record<string, unknown>, issued, ++this.seq);
          return result;
        } catch (error) {
          this.failed(operation, input, error, ++this.seq);
          throw error;
        }
      },
      { step: 'build', name: 'benchCapacityMeter' },
    );
  }

  private succeeded(
    operation: string,
    input: Record<string, unknown>,
    output: Record<string, unknown>,
    issued: number,
    done: number,
  ) {
    this.requests[operation] = (this.requests[operation] ?? 0) + 1;
    const consumed = output.ConsumedCapacity as { CapacityUnits?: number } | { CapacityUnits?: number }[] | undefined;
    const reported = (Array.isArray(consumed) ? consumed : consumed ? [consumed] : []).reduce(
      (sum, c) => sum + (c.CapacityUnits ?? 0),
      0,
    );
    const fullItems = input.ProjectionExpression === undefined && input.Select !== 'COUNT';
    switch (operation) {
      case 'GetItem':
        this.rcu.plainReads += reported;
        if (fullItems && output.Item) this.observe(output.Item as Item, issued);
        break;
      case 'Query':
      case 'Scan':
        this.rcu.plainReads += reported;
        if (fullItems) for (const item of (output.Items as Item[] | undefined) ?? []) this.observe(item, issued);
        break;
      case 'PutItem': {
        this.wcu.plainWrites += reported;
        const item = unmarshall(input.Item as never) as Item;
        this.items.set(keyOf(item), known(item, done));
        break;
      }
      case 'UpdateItem':
        this.wcu.plainWrites += reported;
        // The new size is learnt from the next full read; until then the last known size stands in.
        break;
      case 'DeleteItem':
        this.wcu.plainWrites += reported;
        this.items.delete(keyOf(unmarshall(input.Key as never) as Item));
        break;
      case 'TransactWriteItems':
        this.reportedTransactionalWcu += reported;
        this.counts.transactions++;
        this.transaction(input, done, false);
        break;
      default:
        // Not used by the handlers today; counted as DynamoDB Local reports them.
        if (/Get|Query|Scan/.test(operation)) this.rcu.plainReads += reported;
        else this.wcu.plainWrites += reported;
    }
  }

  private failed(operation: string, input: Record<string, unknown>, error: unknown, done: number) {
    this.requests[operation] = (this.requests[operation] ?? 0) + 1;
    const name = (error as Error).name;
    if (name === 'ConditionalCheckFailedException') {
      // A refused conditional write still consumes write units for the item's size.
      this.counts.failedConditionalWrites++;
      const key = input.Key ?? input.Item;
      const before = key ? this.items.get(keyOf(unmarshall(key as never) as Item)) : undefined;
      this.wcu.failedConditionalWrites += kb(before?.size ?? 0);
    } else if (name === 'TransactionCanceledException') {
      this.counts.cancelledTransactions++;
      this.transaction(input, done, true);
    }
  }

  /** Units of one TransactWriteItems, by DynamoDB's rules. */
  private transaction(input: Record<string, unknown>, done: number, cancelled: boolean) {
    for (const entry of (input.TransactItems as Record<string, Record<string, unknown>>[]) ?? []) {
      this.counts.transactItems++;
      const [kind, body] = Object.entries(entry)[0] as [string, Record<string, unknown>];
      const key = keyOf(unmarshall((body.Key ?? body.Item) as never) as Item);
      const before = this.items.get(key);
      if (kind === 'ConditionCheck') {
        this.rcu.conditionChecks += 2 * kb4(before?.size ?? 0);
      } else if (cancelled) {
        // Charged as if written at its current size: an upper bound (cancellations are rare here and counted).
        this.wcu.cancelledTransactions += 2 * kb(before?.size ?? 0);
      } else if (kind === 'Put') {
        const after = known(unmarshall(body.Item as never) as Item, done);
        this.chargeWrite(before, after);
        this.items.set(key, after);
      } else if (kind === 'Delete') {
        this.chargeWrite(before, undefined);
        this.items.delete(key);
      } else if (kind === 'Update') {
        const queue = this.pending.get(key) ?? [];
        queue.push({ ...(before ? { before } : {}), completedSeq: done });
        this.pending.set(key, queue);
      }
    }
  }

  /** A transactional write of one item from `before` to `after`, with the index entries it puts or deletes. */
  private chargeWrite(before: Known | undefined, after: Known | undefined) {
    this.wcu.transactionalItems += 2 * kb(Math.max(before?.size ?? 0, after?.size ?? 0));
    TABLE_INDEXES.forEach((_, index) => {
      const old = before?.indexKeys[index];
      const now = after?.indexKeys[index];
      if (old !== undefined && before) this.wcu.transactionalIndexEntries += old === now ? 0 : kb(before.size);
      if (now !== undefined && after) this.wcu.transactionalIndexEntries += kb(after.size);
    });
  }

  /** A full item as read: the latest known state, and the new size of any transactional update read after it. */
  observe(item: Item, issuedSeq: number): void {
    const key = keyOf(item);
    const state = known(item, issuedSeq);
    const current = this.items.get(key);
    if (!current || current.seq <= issuedSeq) this.items.set(key, state);
    const queue = this.pending.get(key);
    if (!queue) return;
    const resolved = queue.filter((update) => update.completedSeq < issuedSeq);
    for (const update of resolved) this.chargeWrite(update.before, state);
    const left = queue.filter((update) => update.completedSeq >= issuedSeq);
    if (left.length) this.pending.set(key, left);
    else this.pending.delete(key);
  }

  /** Resolves the updates no handler read back, from the final state of the table (read by the bench, unmetered). */
  async settle(cloud: LocalCloud): Promise<void> {
    const client = cloud.dynamo.client();
    let start: ScanCommandOutput['LastEvaluatedKey'];
    do {
      const page = await client.send(new ScanCommand({ TableName: TABLE_NAME, ExclusiveStartKey: start }));
      for (const raw of page.Items ?? []) this.observe(unmarshall(raw) as Item, Number.MAX_SAFE_INTEGER);
      start = page.LastEvaluatedKey;
    } while (start);
    // Items updated and then deleted (none expected): charged at their last known size.
    for (const queue of this.pending.values())
      for (const update of queue) this.chargeWrite(update.before, update.before);
    this.pending.clear();
  }

  /** Sizes of the registration items as they ended (bytes, DynamoDB's count). */
  registrationSizes(): number[] {
    return [...this.items].filter(([key]) => key.endsWith('\u0000REG')).map(([, state]) => state.size);
  }

  get totalWcu(): number {
    return Object.values(this.wcu).reduce((a, b) => a + b, 0);
  }

  get totalRcu(): number {
    return Object.values(this.rcu).reduce((a, b) => a + b, 0);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The journey, through public surfaces

interface Roster {
  readonly class: { readonly number: number };
  readonly sessions: readonly { readonly session: number; readonly startsAt: string; readonly endsAt: string }[];
  readonly items: readonly { readonly registrationId: string }[];
}

async function ok<T = unknown>(reply: Promise<{ status: number; body: unknown }>, expected: number, what: string) {
  const { status, body } = await reply;
  if (status !== expected) throw new Error(`${what}: ${status} ${JSON.stringify(body).slice(0, 500)}`);
  return body as T;
}

async function upload(endpoints: Endpoints, unit: string, form: 'trainee' | 'unit', file: Uint8Array) {
  const fileName = `${form}-${unit}.csv`;
  const issued = await ok<{ uploadId: string; url: string; fields: Record<string, string> }>(
    api(endpoints, '/uploads', { token: endpoints.tokens[unit] as string, body: { form, fileName } }),
    201,
    `POST /uploads (${unit})`,
  );
  const status = await postToPresigned(issued, file, fileName);
  if (status < 200 || status > 299) throw new Error(`S3 POST for ${unit} answered ${status}`);
  return issued.uploadId;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(what: string, done: () => boolean, timeoutMs = 240_000, pollMs = 25): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await sleep(pollMs);
  }
}

const seconds = (ms: number) => Number((ms / 1000).toFixed(3));
const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};
const usd = (value: number) => Number(value.toPrecision(4));

async function main(): Promise<void> {
  const programme = defaultProgramme(PROGRAMME_YEAR);
  if (!programme) throw new Error(`no shipped programme for ${PROGRAMME_YEAR}`);
  const quotas = Object.entries(programme.quotas);
  const trainees = quotas.reduce((sum, [, seats]) => sum + seats, 0);
  if (programme.classes.length !== CLASSES || programme.classes.some((c) => c.capacity !== SEATS) || trainees !== 800) {
    throw new Error('the shipped 2024 programme is no longer 10 classes × 80 seats with quotas summing to 800');
  }
  const memory = memoryByFunction();

  const dataDir = mkdtempSync(join(tmpdir(), 'leading-talent-bench-'));
  const cloud = new LocalCloud({ dataDir, logLevel: 'ERROR', metrics: false, ingestRetries: 0 });
  try {
    const startMs = performance.now();
    const endpoints = await cloud.start();
    const cloudStartMs = performance.now() - startMs;
    const lambdas = new LambdaMeter();
    lambdas.install(cloud);
    const dynamo = new DynamoMeter();
    dynamo.install();
    const staff = endpoints.tokens.staff;
    const hostToken = (classNumber: number) => endpoints.tokens.hosts[String(classNumber)] as string;
    const phases: Record<string, number> = {};
    let phaseStart = performance.now();
    const phase = (name: string) => {
      const now = performance.now();
      phases[name] = seconds(now - phaseStart);
      phaseStart = now;
    };
    const t0 = performance.now();

    // 1. Each unit records its contact (附件3), who receives the upload reports, then uploads its quota of trainees
    //    (附件4) as one CSV. Trainee i prefers class (i % 10) + 1, so every class fills exactly.
    const uploads = pLimit(UPLOAD_CONCURRENCY);
    await Promise.all(
      quotas.map(([unit]) =>
        uploads(() => {
          const name = findUnit(unit)?.name ?? unit;
          const row = {
            ...validUnit(),
            unitCode: unit,
            unitName: `${name}中小企业主管部门`,
            email: `contact${unit}@example.gov.cn`,
          };
          return upload(endpoints, unit, 'unit', buildCsv(UNIT_HEADERS, [unitRow(row)]));
        }),
      ),
    );
    await cloud.idle();
    let first = 0;
    const traineeUploads = await Promise.all(
      quotas.map(([unit, seats]) => {
        const rows = Array.from({ length: seats }, (_, n) => {
          const i = first + n;
          return traineeRow({ ...validTrainee(i), preferredClass: (i % CLASSES) + 1 });
        });
        first += seats;
        return uploads(async () => ({
          unit,
          seats,
          uploadId: await upload(endpoints, unit, 'trainee', buildCsv(TRAINEE_HEADERS, rows)),
        }));
      }),
    );
    await cloud.idle();
    phase('ingestSeconds');
    if (cloud.failedEvents().length > 0) throw new Error(`${cloud.failedEvents().length} ingest events failed`);
    // Each unit reads its report once.
    const reports = pLimit(8);
    await Promise.all(
      traineeUploads.map(({ unit, seats, uploadId }) =>
        reports(async () => {
          const report = await ok<{ status: string; accepted: number }>(
            api(endpoints, `/uploads/${uploadId}/report`, { token: endpoints.tokens[unit] as string }),
            200,
            `report of ${unit}`,
          );
          if (report.status !== 'done' || report.accepted !== seats) {
            throw new Error(`${unit}: ${JSON.stringify(report).slice(0, 500)}`);
          }
        }),
      ),
    );
    const executions = () => cloud.stepFunctions.list();
    const parkedAt = (state: string) =>
      executions().length === trainees &&
      executions().every((e) => e.status === 'RUNNING' && e.waiting && e.visited.at(-1) === state);
    await waitFor('800 executions parked at review', () => parkedAt('AwaitReview'));
    phase('nominatedAndParkedSeconds');

    // 2. Staff list the nominations and approve all of them.
    const nominated: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await ok<{ items: { registrationId: string }[]; next: string | null }>(
        api(
          endpoints,
          `/registrations?status=nominated&limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
          {
            token: staff,
          },
        ),
        200,
        'GET /registrations',
      );
      nominated.push(...page.items.map((item) => item.registrationId));
      cursor = page.next ?? undefined;
    } while (cursor);
    if (nominated.length !== trainees) throw new Error(`staff see ${nominated.length} nominations, not ${trainees}`);
    const reviews = pLimit(REVIEW_CONCURRENCY);
    await Promise.all(
      nominated.map((id) =>
        reviews(() =>
          ok(
            api(endpoints, `/registrations/${id}/review`, { token: staff, body: { decision: 'approved' } }),
            202,
            `review ${id}`,
          ),
        ),
      ),
    );
    await waitFor('800 executions parked at class close', () => parkedAt('AwaitClassClose'));
    phase('reviewedAssignedAndParkedSeconds');

    // 3. Each class's host reads the roster and records every session, then closes the class, in programme-time
    //    order (classes 1 and 2 overlap). A handful of trainees are absent once (incomplete), some are late.
    const rosters = await Promise.all(
      programme.classes.map(({ number }) =>
        ok<Roster>(
          api(endpoints, `/classes/${number}/roster?limit=200`, { token: hostToken(number) }),
          200,
          `roster ${number}`,
        ),
      ),
    );
    for (const roster of rosters) {
      if (roster.items.length !== SEATS) throw new Error(`class ${roster.class.number} holds ${roster.items.length}`);
    }
    type Step = { at: number; classNumber: number; session?: number };
    const schedule: Step[] = rosters
      .flatMap((roster): Step[] => [
        ...roster.sessions.map((s) => ({
          at: Date.parse(s.startsAt) + 15 * 60_000,
          classNumber: roster.class.number,
          session: s.session,
        })),
        { at: Date.parse(roster.sessions.at(-1)?.endsAt ?? '') + 30 * 60_000, classNumber: roster.class.number },
      ])
      .sort((a, b) => a.at - b.at);
    const absentees = new Set<string>();
    const closes: {
      classNumber: number;
      callSeconds: number;
      allEndedSeconds: number;
      complete: number;
      incomplete: number;
    }[] = [];
    let clock = cloud.now().getTime();
    for (const step of schedule) {
      if (step.at > clock) {
        await ok(
          fetch(`${endpoints.control}/clock`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ now: new Date(step.at).toISOString() }),
          }).then(async (response) => ({ status: response.status, body: await response.json() })),
          200,
          'POST /clock',
        );
        clock = step.at;
      }
      const roster = rosters[step.classNumber - 1] as Roster;
      if (step.session !== undefined) {
        const session = step.session;
        const records = roster.items.map(({ registrationId }, index) => {
          const absent = index % 16 === 5 && session === (Math.floor(index / 16) % 8) + 1;
          if (absent) absentees.add(registrationId);
          return { registrationId, status: absent ? 'absent' : index % 10 === 3 && session === 2 ? 'late' : 'present' };
        });
        const outcome = await ok<{ recorded: number }>(
          api(endpoints, `/classes/${step.classNumber}/attendance`, {
            token: hostToken(step.classNumber),
            method: 'PUT',
            body: { session, records },
          }),
          200,
          `attendance ${step.classNumber}/${session}`,
        );
        if (outcome.recorded !== SEATS)
          throw new Error(`attendance ${step.classNumber}/${session}: ${JSON.stringify(outcome)}`);
        continue;
      }
      const ids = new Set(roster.items.map((item) => item.registrationId));
      const started = performance.now();
      const closed = await ok<{ trainees: number; complete: number; incomplete: number; resumed: number }>(
        api(endpoints, `/classes/${step.classNumber}/close`, { token: hostToken(step.classNumber), body: {} }),
        200,
        `close ${step.classNumber}`,
      );
      const callMs = performance.now() - started;
      await waitFor(
        `class ${step.classNumber}'s executions to end`,
        () => executions().every((e) => !ids.has(e.name) || e.status !== 'RUNNING'),
        120_000,
        5,
      );
      const endedMs = performance.now() - started;
      if (closed.trainees !== SEATS || closed.resumed !== SEATS)
        throw new Error(`close ${step.classNumber}: ${JSON.stringify(closed)}`);
      closes.push({
        classNumber: step.classNumber,
        callSeconds: seconds(callMs),
        allEndedSeconds: seconds(endedMs),
        complete: closed.complete,
        incomplete: closed.incomplete,
      });
    }
    await waitFor('every execution to end', () => executions().every((e) => e.status !== 'RUNNING'));
    const wallMs = performance.now() - t0;
    phase('classesSeconds');
    // The transition counter drains each execution's event log asynchronously: let it catch up.
    await sleep(200);

    // Metering ends here: what follows only reads results.
    await dynamo.settle(cloud);
    lambdas.stopped = true;
    dynamo.stopped = true;
    const outbox = (await (await fetch(endpoints.mailStore)).json()) as {
      emails: { destination: { to?: string[]; cc?: string[]; bcc?: string[] } }[];
    };
    const sesMessages = outbox.emails.reduce(
      (sum, mail) =>
        sum +
        (mail.destination.to?.length ?? 0) +
        (mail.destination.cc?.length ?? 0) +
        (mail.destination.bcc?.length ?? 0),
      0,
    );
    const lambdaCalls = lambdas.calls;
    const registrationSizes = dynamo.registrationSizes();
    const ingestInvocations = lambdaCalls.get('ingest-upload')?.invocations ?? 0;
    dynamo.wcu.idempotencyEstimate = 2 * ingestInvocations;

    // Outcomes: from the registrations (staff list by status), cross-checked with the executions and the closes.
    const countStatus = async (status: string) => {
      let count = 0;
      let next: string | undefined;
      do {
        const page = await ok<{ items: unknown[]; next: string | null }>(
          api(
            endpoints,
            `/registrations?status=${status}&limit=200${next ? `&cursor=${encodeURIComponent(next)}` : ''}`,
            {
              token: staff,
            },
          ),
          200,
          `GET /registrations?status=${status}`,
        );
        count += page.items.length;
        next = page.next ?? undefined;
      } while (next);
      return count;
    };
    const certified = await countStatus('certified');
    const incomplete = await countStatus('incomplete');
    const all = executions();
    const certifiedRuns = all.filter((e) => e.status === 'SUCCEEDED' && e.visited.includes('IssueCertificate'));
    const incompleteRuns = all.filter((e) => e.status === 'SUCCEEDED' && e.visited.includes('NotifyIncomplete'));
    const closedComplete = closes.reduce((sum, c) => sum + c.complete, 0);
    if (
      certified !== certifiedRuns.length ||
      incomplete !== incompleteRuns.length ||
      certified !== closedComplete ||
      incomplete !== absentees.size ||
      certified + incomplete !== trainees
    ) {
      throw new Error(
        `outcomes disagree: registrations ${certified}/${incomplete}, executions ${certifiedRuns.length}/${incompleteRuns.length}, closes ${closedComplete}, absentees ${absentees.size}`,
      );
    }

    // Costs, per trainee, from what was measured.
    const transitions = all.reduce((sum, e) => sum + e.stateTransitions, 0);
    const happy = certifiedRuns.map((e) => e.stateTransitions);
    const unhappy = incompleteRuns.map((e) => e.stateTransitions);
    const lambdaByFunction = Object.fromEntries(
      [...lambdaCalls].map(([name, { invocations, billedMs, rawMs }]) => {
        const memoryMb = memory.get(name);
        if (!memoryMb) throw new Error(`no MemorySize for ${name} in the template`);
        const gbSeconds = (billedMs / 1000) * (memoryMb / 1024);
        return [
          name,
          {
            invocations,
            memoryMb,
            meanMs: Number((rawMs / invocations).toFixed(1)),
            gbSeconds: Number(gbSeconds.toFixed(3)),
            usd: gbSeconds * PRICES.lambdaArm64PerGbSecond + invocations * PRICES.lambdaPerRequest,
          },
        ];
      }),
    );
    const lambdaInvocations = [...lambdaCalls.values()].reduce((sum, c) => sum + c.invocations, 0);
    const lambdaGbSeconds = Object.values(lambdaByFunction).reduce((sum, f) => sum + f.gbSeconds, 0);
    const costs = {
      stepFunctions: transitions * PRICES.stepFunctionsStandardPerStateTransition,
      lambdaDuration: lambdaGbSeconds * PRICES.lambdaArm64PerGbSecond,
      lambdaRequests: lambdaInvocations * PRICES.lambdaPerRequest,
      dynamoDbWrites: dynamo.totalWcu * PRICES.dynamoDbOnDemandPerWriteRequestUnit,
      dynamoDbReads: dynamo.totalRcu * PRICES.dynamoDbOnDemandPerReadRequestUnit,
      ses: sesMessages * PRICES.sesPerMessage,
    };
    const totalUsd = Object.values(costs).reduce((a, b) => a + b, 0);
    const perTrainee = totalUsd / trainees;
    const perTraineeRound = (value: number) => Number((value / trainees).toFixed(2));
    const closeCalls = closes.map((c) => c.callSeconds);
    const closeEnded = closes.map((c) => c.allEndedSeconds);

    console.log(
      JSON.stringify({
        bench: 'programme',
        trainees,
        classes: CLASSES,
        certified,
        incomplete,
        wallSeconds: seconds(wallMs),
        cloudStartSeconds: seconds(cloudStartMs),
        phases,
        transitionsPerTraineeHappyPath: median(happy),
        transitionsHappyPathRange: [Math.min(...happy), Math.max(...happy)],
        transitionsIncompletePath: median(unhappy),
        transitionsPerTraineeAverage: Number((transitions / trainees).toFixed(2)),
        transitionsGoal: TRANSITIONS_GOAL,
        transitionsGoalMet: Math.max(...happy) <= TRANSITIONS_GOAL,
        costPerTraineeUsd: usd(perTrainee),
        costGoalUsd: COST_GOAL_USD,
        costGoalMet: perTrainee <= COST_GOAL_USD,
        costPerTraineeBreakdownUsd: Object.fromEntries(Object.entries(costs).map(([k, v]) => [k, usd(v / trainees)])),
        costTotalUsd: usd(totalUsd),
        measured: {
          stateTransitions: transitions,
          lambda: {
            invocations: lambdaInvocations,
            invocationsPerTrainee: perTraineeRound(lambdaInvocations),
            gbSeconds: Number(lambdaGbSeconds.toFixed(3)),
            byFunction: Object.fromEntries(
              Object.entries(lambdaByFunction).map(([name, f]) => [name, { ...f, usd: usd(f.usd) }]),
            ),
          },
          dynamoDb: {
            writeUnits: Number(dynamo.totalWcu.toFixed(1)),
            readUnits: Number(dynamo.totalRcu.toFixed(1)),
            writeUnitsPerTrainee: perTraineeRound(dynamo.totalWcu),
            readUnitsPerTrainee: perTraineeRound(dynamo.totalRcu),
            writeUnitsBreakdown: Object.fromEntries(
              Object.entries(dynamo.wcu).map(([k, v]) => [k, Number(v.toFixed(1))]),
            ),
            readUnitsBreakdown: Object.fromEntries(
              Object.entries(dynamo.rcu).map(([k, v]) => [k, Number(v.toFixed(1))]),
            ),
            requests: dynamo.requests,
            registrationItemBytes: { median: median(registrationSizes), max: Math.max(...registrationSizes) },
            ...dynamo.counts,
            transactionalWcuAsDynamoDbLocalReports: dynamo.reportedTransactionalWcu,
          },
          sesMessages,
          sesMessagesPerTrainee: perTraineeRound(sesMessages),
        },
        closeClassOf80Seconds: {
          callMedian: Number(median(closeCalls).toFixed(3)),
          callMax: Math.max(...closeCalls),
          untilAllEndedMedian: Number(median(closeEnded).toFixed(3)),
          untilAllEndedMax: Math.max(...closeEnded),
        },
        closeByClass: closes,
        prices: PRICES,
        note: 'Local cloud on 2 cores: DynamoDB Local in memory, handlers in one process, send-notice held to its reserve of 2. wallSeconds: first upload to every execution ended (cloud start excluded). Costs: Step Functions, Lambda, DynamoDB, SES at the list prices given, no free tier; API Gateway, S3, CloudWatch Logs, X-Ray and KMS are not included. closeClassOf80Seconds: POST /classes/{n}/close wall time as the host sees it, and until all 80 executions of that class ended',
      }),
    );
  } finally {
    await cloud.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
