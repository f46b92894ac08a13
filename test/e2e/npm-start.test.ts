import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Endpoints } from '../../infra/local/cloud';
import { eventually } from '../support/local-cloud';

/** `npm start` as a newcomer runs it: ready quickly, endpoints and tokens written, Ctrl-C leaves nothing behind. */
describe('npm start', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'leading-talent-start-'));
  let started: ChildProcess | undefined;
  afterAll(() => {
    // A failed assertion must not leave the local cloud running: stop its process group as Ctrl-C would.
    if (started?.pid && started.exitCode === null && started.signalCode === null) process.kill(-started.pid, 'SIGINT');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts within 30 s, serves the API with its tokens, and stops every child on SIGINT', async () => {
    const startedAt = Date.now();
    const child = spawn('npm', ['start'], {
      env: { ...process.env, LOCAL_DATA_DIR: dataDir, LOCAL_API_PORT: '0', LOG_LEVEL: 'ERROR' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    started = child;
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );

    const endpointsFile = join(dataDir, 'endpoints.json');
    await eventually(async () => (existsSync(endpointsFile) ? true : undefined), 30_000, 'endpoints.json');
    expect(Date.now() - startedAt).toBeLessThan(30_000);
    const endpoints = JSON.parse(readFileSync(endpointsFile, 'utf8')) as Endpoints;
    expect(Object.keys(endpoints.tokens)).toHaveLength(39); // staff, 37 units, hosts
    // The file is written before the same endpoints are printed, and the pipe may deliver them a moment later.
    await eventually(async () => (output.includes(endpoints.api) ? true : undefined), 5_000, 'the printed endpoints');

    const programme = await fetch(`${endpoints.api}/programme`, {
      headers: { authorization: `Bearer ${endpoints.tokens['440300']}` },
    });
    expect(programme.status).toBe(200);
    expect(((await programme.json()) as { classes: unknown[] }).classes).toHaveLength(10);
    expect((await fetch(endpoints.mailStore)).status).toBe(200);

    const port = new URL(endpoints.dynamodb).port;
    // pgrep itself, not a shell around it: a shell's own command line would match the pattern.
    const javaFor = () => {
      try {
        return execFileSync('pgrep', ['-f', `^java .*DynamoDBLocal.jar.* -port ${port}`])
          .toString()
          .trim();
      } catch {
        return ''; // pgrep exits 1 when nothing matches
      }
    };
    expect(javaFor()).not.toBe('');

    // Ctrl-C reaches the whole process group, as in a terminal.
    process.kill(-(child.pid as number), 'SIGINT');
    // npm re-raises the signal its script ended on; the local cloud itself exits 0 after stopping everything.
    const { code, signal } = await exited;
    expect(code === 0 || signal === 'SIGINT').toBe(true);
    // npm may return before its script has finished shutting down; the emulators must be gone shortly after.
    await eventually(async () => (javaFor() === '' ? true : undefined), 10_000, 'DynamoDB Local to exit');
    await eventually(
      async () => (output.includes('Stopping the local cloud') ? true : undefined),
      5_000,
      'the stop message',
    );
    await expect(fetch(endpoints.api)).rejects.toThrow();
    // No stale ports or tokens for the next command to find.
    expect(existsSync(endpointsFile)).toBe(false);
    expect(existsSync(join(dataDir, 'env.json'))).toBe(false);
  });

  it('refuses a LOCAL_DATA_DIR inside the repository that git would not ignore, before starting anything', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'infra/local/start.ts'], {
      env: { ...process.env, LOCAL_DATA_DIR: 'data/local-keys' },
      encoding: 'utf8',
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('LOCAL_DATA_DIR=data/local-keys lies inside the repository');
    expect(existsSync('data/local-keys')).toBe(false);
  });
});
