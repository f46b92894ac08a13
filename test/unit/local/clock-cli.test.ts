import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const TSX = join(process.cwd(), 'node_modules', 'tsx', 'dist', 'cli.mjs');
const NOW = '2024-08-24T01:00:00.000Z';

/** `npm run clock` against a stand-in control server: what it sends, prints and exits with. */
describe('npm run clock', () => {
  let server: Server;
  let dataDir: string;
  let noCloudDir: string;
  const posted: string[] = [];

  beforeAll(async () => {
    server = createServer(async (request, response) => {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const reply = (status: number, body: unknown) => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(body));
      };
      if (request.method === 'GET') return reply(200, { now: NOW });
      const { now } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { now: string };
      posted.push(now);
      if (Date.parse(now) < Date.parse(NOW)) return reply(400, { message: 'Programme time only moves forward' });
      return reply(200, { now: new Date(now).toISOString(), fired: 2 });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    dataDir = mkdtempSync(join(tmpdir(), 'clock-cli-'));
    const control = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    writeFileSync(join(dataDir, 'endpoints.json'), JSON.stringify({ control }));
    noCloudDir = mkdtempSync(join(tmpdir(), 'clock-cli-none-'));
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(noCloudDir, { recursive: true, force: true });
  });

  function clock(args: string[], dir = dataDir): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      execFile(
        process.execPath,
        [TSX, 'infra/local/clock.ts', ...args],
        { env: { ...process.env, LOCAL_DATA_DIR: dir } },
        (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
      );
    });
  }

  it('prints programme time, moves it to a time or by a step, and says how many timers fired', async () => {
    const [current, absolute, local, relative] = await Promise.all([
      clock([]),
      clock(['2024-09-30T18:00+08:00']),
      clock(['2024-09-30T18:00']),
      clock(['+3d']),
    ]);
    expect(current).toMatchObject({ code: 0, stdout: 'Programme time: 2024-08-24T09:00:00+08:00\n' });
    expect(absolute).toMatchObject({ code: 0, stdout: 'Programme time: 2024-09-30T18:00:00+08:00 · 2 timers fired\n' });
    expect(local.code).toBe(0);
    expect(relative).toMatchObject({ code: 0, stdout: 'Programme time: 2024-08-27T09:00:00+08:00 · 2 timers fired\n' });
    // A time without an offset is Asia/Shanghai; a step is from the cloud's programme time.
    expect(posted).toEqual(
      expect.arrayContaining(['2024-09-30T18:00+08:00', '2024-09-30T18:00+08:00', '2024-08-27T01:00:00.000Z']),
    );
  });

  it('exits 2 with usage on bad input, and on a time the cloud refuses as past', async () => {
    const [garbage, zero, past] = await Promise.all([clock(['tomorrow']), clock(['+0d']), clock(['2024-08-01'])]);
    for (const result of [garbage, zero, past]) {
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('Usage: npm run clock');
    }
    expect(past.stderr).toContain('only moves forward');
  });

  it('exits 1 when no local cloud is running', async () => {
    const missing = await clock([], noCloudDir);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('No local cloud is running');
    const deadDir = mkdtempSync(join(tmpdir(), 'clock-cli-dead-'));
    writeFileSync(join(deadDir, 'endpoints.json'), JSON.stringify({ control: 'http://127.0.0.1:9' }));
    const dead = await clock(['+1h'], deadDir);
    rmSync(deadDir, { recursive: true, force: true });
    expect(dead.code).toBe(1);
    expect(dead.stderr).toContain('No local cloud answers');
  });
});
