import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { chaosPlan, runChaos } from './ingest-chaos';

/**
 * `npm run chaos [runs] [rows] [first seed]`: kills DynamoDB Local or s3rver in the middle of an ingest, restarts it,
 * re-drives the failure queue and compares the table with a clean run (default 20 runs of 2,000 rows, seeds 1–20).
 * Exits non-zero if any run differs. Each run is its own process: handler modules keep clients made at cold start
 * (the idempotency store's among them), which must not outlive the local cloud they were made for.
 */
if (process.argv[2] === '--one') {
  const outcome = await runChaos(chaosPlan(Number(process.argv[3])), Number(process.argv[4]));
  // Exit explicitly: timers and keep-alive sockets of the stopped cloud's clients would otherwise keep it alive.
  process.stdout.write(`CHAOS-OUTCOME ${JSON.stringify(outcome)}\n`, () => process.exit(0));
} else {
  const runs = Number(process.argv[2] ?? 20);
  const rows = Number(process.argv[3] ?? 2000);
  const firstSeed = Number(process.argv[4] ?? 1);
  let failed = 0;
  let hitMidIngest = 0;
  for (let seed = firstSeed; seed < firstSeed + runs; seed++) {
    const started = Date.now();
    const child = spawnSync(
      process.execPath,
      [...process.execArgv, fileURLToPath(import.meta.url), '--one', String(seed), String(rows)],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 256 * 1024 * 1024 },
    );
    const line = child.stdout.split('\n').find((text) => text.startsWith('CHAOS-OUTCOME '));
    if (!line) {
      failed++;
      console.log(`seed ${seed}: the run did not finish (exit ${child.status})`);
      continue;
    }
    const outcome = JSON.parse(line.slice('CHAOS-OUTCOME '.length)) as Awaited<ReturnType<typeof runChaos>>;
    if (outcome.queued > 0) hitMidIngest++;
    if (outcome.differences.length > 0) failed++;
    console.log(
      `seed ${seed}: killed ${outcome.plan.target} after ${outcome.killedAfter}/${outcome.quota} seats, ` +
        `${outcome.queued} queued, re-drive ${JSON.stringify(outcome.redrive)}, ` +
        `${outcome.workflowFailures} workflow steps failed under load, ` +
        `${outcome.differences.length === 0 ? 'same as clean' : `DIFFERS: ${outcome.differences.slice(0, 5).join('; ')}`}` +
        ` (${((Date.now() - started) / 1000).toFixed(1)} s)`,
    );
  }
  console.log(
    `chaos: ${runs} runs of ${rows} rows, ${hitMidIngest} killed mid-ingest, ${failed} differing from a clean run or unfinished`,
  );
  process.exitCode = failed > 0 ? 1 : 0;
}
