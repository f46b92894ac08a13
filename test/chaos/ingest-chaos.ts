import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { type Endpoints, LocalCloud, PROGRAMME_YEAR, TABLE_NAME } from '../../infra/local/cloud';
import type { SynthesizedSystem } from '../../infra/local/local-system';
import { dynamoClient } from '../../shared/adapters/aws-clients';
import { keys } from '../../shared/adapters/keys';
import { defaultProgramme, saveProgramme } from '../../shared/adapters/programme-store';
import type { Programme } from '../../shared/domain/programme';
import { validTrainee } from '../fixtures/registration-data';
import { invariantViolations, putObject, scanTable, summarize, traineeCsv } from '../integration/support';
import { api } from '../support/local-cloud';

/**
 * Faults during ingest (issue 10), shared by `npm run chaos` (20 runs of 2,000 rows) and one fixed-seed run in
 * `npm test`: DynamoDB Local or s3rver is killed while a unit's file is being recorded, ingest fails through its
 * retries into the failure queue, the emulator comes back with its data, the queue is re-driven, and the table must
 * then hold exactly what a clean run of the same file holds: nothing lost, nothing counted twice.
 */

export interface ChaosPlan {
  readonly seed: number;
  readonly target: 'dynamodb' | 's3';
  /** Kill once this share (in ten-thousandths) of the unit's seats are counted. */
  readonly killAt: number;
}

export function chaosPlan(seed: number): ChaosPlan {
  const [drawn] = fc.sample(
    // Unbiased: fast-check otherwise favours the ends of a range, and most kills would come at 5 %.
    fc.noBias(
      fc.record({
        target: fc.constantFrom<'dynamodb' | 's3'>('dynamodb', 's3'),
        killAt: fc.integer({ min: 500, max: 9500 }),
      }),
    ),
    { seed, numRuns: 1 },
  );
  if (!drawn) throw new Error('fast-check drew no plan');
  return { seed, ...drawn };
}

export interface ChaosOutcome {
  readonly plan: ChaosPlan;
  /** Seats counted when the emulator was killed, of `quota`. */
  readonly killedAfter: number;
  readonly quota: number;
  /** Events that exhausted their retries while the emulator was down (0: the kill came after the file was done). */
  readonly queued: number;
  readonly redrive: { replayed: number; stillFailing: number };
  /** Registrations whose first workflow step failed after its retries (load), in either unit. */
  readonly workflowFailures: number;
  /** Everything that differs from the clean run, and every broken invariant; empty when the run is good. */
  readonly differences: string[];
}

const CLEAN_UNIT = '120000';
const CHAOS_UNIT = '110000';
/** Longer than the ingest function's timeout (300 s): a dead attempt's in-progress idempotency record has lapsed. */
const LATER_THAN_FUNCTION_TIMEOUT_MS = 6 * 60_000;

type UploadShape = { status?: string; rows?: number; accepted?: number; findings?: unknown[] };

/**
 * One run: a fresh local cloud, a clean upload for one unit, the same shape of file for another with a kill. `system`
 * is the stack already synthesized by the test run; `npm run chaos` leaves it out and each cloud synthesizes.
 */
export async function runChaos(plan: ChaosPlan, rows: number, system?: SynthesizedSystem): Promise<ChaosOutcome> {
  const dataDir = mkdtempSync(join(tmpdir(), 'leading-talent-chaos-'));
  const cloud = new LocalCloud({
    dataDir,
    logLevel: 'CRITICAL',
    persistDynamoDb: true,
    ingestRetries: 2,
    ingestRetryDelayMs: 100,
    ...(system ? { system } : {}),
  });
  const began = Date.now();
  const phase = (what: string) => {
    if (process.env.CHAOS_DEBUG) console.error(`  ${((Date.now() - began) / 1000).toFixed(1)} s: ${what}`);
  };
  try {
    const endpoints = await cloud.start();
    phase('started');
    // A tenth of each file is over quota, so refused rows are part of what must come out the same.
    const quota = Math.ceil(rows * 0.9);
    const programme = defaultProgramme(PROGRAMME_YEAR) as Programme;
    await saveProgramme({ ...programme, quotas: { ...programme.quotas, [CLEAN_UNIT]: quota, [CHAOS_UNIT]: quota } });
    const file = (offset: number) => traineeCsv(Array.from({ length: rows }, (_, row) => validTrainee(offset + row)));

    const clean = await requestUpload(endpoints, CLEAN_UNIT);
    await putObject(clean.key, file(0));
    await cloud.idle();
    // The clean unit's workflows park before the fault, so the fault meets only the other unit's ingest.
    await cloud.stepFunctions.settled();
    phase('clean run settled');

    const chaos = await requestUpload(endpoints, CHAOS_UNIT);
    await putObject(chaos.key, file(rows));
    const killAt = Math.max(1, Math.floor((quota * plan.killAt) / 10_000));
    const killedAfter = await seatsCountedReach(cloud, CHAOS_UNIT, killAt);
    if (plan.target === 'dynamodb') await cloud.dynamo.stop();
    else await cloud.setS3Outage(true);
    phase(`killed ${plan.target} after ${killedAfter} seats`);
    await cloud.idle();
    phase('retries exhausted');
    const queued = cloud.failedEvents().length;
    if (plan.target === 'dynamodb') await cloud.dynamo.start();
    else await cloud.setS3Outage(false);
    phase('restarted');

    // The operator re-drives later than the function timeout, as in AWS, where the in-progress record has lapsed.
    const realNow = Date.now;
    Date.now = () => realNow() + LATER_THAN_FUNCTION_TIMEOUT_MS;
    let redrive: { replayed: number; stillFailing: number };
    try {
      redrive = await cloud.redrive();
      await cloud.idle();
    } finally {
      Date.now = realNow;
    }
    phase('re-driven');
    await cloud.stepFunctions.settled();
    phase('settled');

    const differences: string[] = [];
    if (redrive.stillFailing > 0) differences.push(`${redrive.stillFailing} events still failing after the re-drive`);
    const scanned = await scanTable();
    // On a loaded machine a workflow step can exhaust its retries and leave a registration `failed` (staff retry
    // it). That is the workflow's business, not ingest's: such a registration still holds the seat and locks it
    // was nominated with, so it counts as nominated here, and the runs report how many there were.
    const workflowFailures = scanned.filter(
      (item) => item.type === 'registration' && item.status === 'failed' && item.failure?.from === 'nominated',
    ).length;
    const items = scanned.map((item) =>
      item.type === 'registration' && item.status === 'failed' && item.failure?.from === 'nominated'
        ? { ...item, status: 'nominated' }
        : item,
    );
    differences.push(...invariantViolations(items));
    const uploads = new Map(items.filter((item) => item.type === 'upload').map((item) => [item.uploadId, item]));
    const shape = (upload: UploadShape | undefined) =>
      JSON.stringify({
        status: upload?.status,
        rows: upload?.rows,
        accepted: upload?.accepted,
        findings: (upload?.findings as { row?: number; code: string }[] | undefined)?.map((f) => [f.row, f.code]),
      });
    const [cleanShape, chaosShape] = [shape(uploads.get(clean.uploadId)), shape(uploads.get(chaos.uploadId))];
    if (cleanShape !== chaosShape) differences.push(`upload report ${chaosShape} ≠ clean ${cleanShape}`);
    const summary = summarize(items);
    if (summary.counters[CHAOS_UNIT] !== summary.counters[CLEAN_UNIT]) {
      differences.push(`seats counted ${summary.counters[CHAOS_UNIT]} ≠ clean ${summary.counters[CLEAN_UNIT]}`);
    }
    const rowsOf = (unit: string) =>
      JSON.stringify(
        summary.registrations
          .filter((r) => r.unit === unit)
          .map((r) => Number(r.row))
          .sort((a, b) => a - b),
      );
    if (rowsOf(CHAOS_UNIT) !== rowsOf(CLEAN_UNIT)) differences.push('registered rows differ from the clean run');
    const executions = cloud.stepFunctions.list().map((execution) => execution.name);
    const registrations = summary.registrations.map((r) => String(r.registrationId));
    if (new Set(executions).size !== executions.length) differences.push('a registration has two executions');
    if (JSON.stringify([...executions].sort()) !== JSON.stringify([...registrations].sort())) {
      differences.push(`${executions.length} executions for ${registrations.length} registrations`);
    }
    return { plan, killedAfter, quota, queued, redrive, workflowFailures, differences };
  } finally {
    await cloud.stop().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function requestUpload(endpoints: Endpoints, unit: string): Promise<{ uploadId: string; key: string }> {
  const reply = await api(endpoints, '/uploads', {
    token: endpoints.tokens[unit],
    body: { form: 'trainee', fileName: '报名表.csv' },
  });
  if (reply.status !== 201) throw new Error(`POST /uploads: ${reply.status} ${JSON.stringify(reply.body)}`);
  return { uploadId: reply.body.uploadId, key: reply.body.key };
}

/** Polls the unit's seat counter until it reaches `target`; resolves with the count then seen. */
async function seatsCountedReach(cloud: LocalCloud, unit: string, target: number): Promise<number> {
  const counter = keys.unitQuota(PROGRAMME_YEAR, unit);
  // Inside the test's two minutes, so a file that never gets there fails with the reason rather than a timeout.
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    const { Item } = await dynamoClient().send(new GetCommand({ TableName: TABLE_NAME, Key: counter }));
    const used = Number(Item?.used ?? 0);
    if (used >= target) return used;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const failures = cloud.failedEvents().map((failed) => failed.error);
  throw new Error(`unit ${unit} never counted ${target} seats; failed invocations: ${JSON.stringify(failures)}`);
}
