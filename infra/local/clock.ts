import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * `npm run clock -- 2024-09-30T18:00+08:00` (or `+3d`, `+2h`, `+30m`): moves the running local cloud's programme
 * time forward; every callback timeout due by then fires, as it would have in AWS. With no argument: prints
 * programme time. Talks to the control server named in `.local/endpoints.json` (`LOCAL_DATA_DIR`).
 * Exit 2: bad input (including a time in the past); 1: no local cloud running.
 */
const USAGE = `Usage: npm run clock -- [time | +<n>d | +<n>h | +<n>m]
  (none)                    print the running local cloud's programme time
  2024-09-30T18:00+08:00    move programme time forward to then (no offset: +08:00, Asia/Shanghai; a date alone: 00:00)
  +3d, +2h, +30m, +1d12h    move it forward by that much
Callback timeouts due by the new time fire (States.Timeout), as they would have in AWS.`;

const UNIT_MS = { d: 86_400_000, h: 3_600_000, m: 60_000 } as const;

/** The programme time zone: a time without an offset is read in it. */
const PROGRAMME_OFFSET = '+08:00';

type ClockTarget = { readonly relativeMs: number } | { readonly at: string };

/** Reads the argument: a relative step (`+3d`, `+1d12h`) or an absolute time, normalised to ISO with an offset. */
function parseClockArgument(argument: string): ClockTarget | undefined {
  const text = argument.trim();
  const relative = /^\+((?:\d+[dhm])+)$/i.exec(text);
  if (relative) {
    let ms = 0;
    for (const [, amount, unit] of (relative[1] as string).matchAll(/(\d+)([dhm])/gi)) {
      ms += Number(amount) * UNIT_MS[(unit as string).toLowerCase() as keyof typeof UNIT_MS];
    }
    return ms > 0 ? { relativeMs: ms } : undefined;
  }
  const absolute = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?))?(Z|[+-]\d{2}:\d{2})?$/i.exec(
    text,
  );
  if (!absolute) return undefined;
  const [, day, time, zone] = absolute;
  const at = `${day}T${time ?? '00:00'}${zone ?? PROGRAMME_OFFSET}`;
  return Number.isNaN(Date.parse(at)) ? undefined : { at };
}

/** `2024-09-30T18:00:00+08:00`: programme time as people in the programme read it. */
function inProgrammeZone(iso: string): string {
  const ms = Date.parse(iso);
  return `${new Date(ms + 8 * 3_600_000).toISOString().slice(0, 19)}${PROGRAMME_OFFSET}`;
}

class NoCloud extends Error {}
class BadInput extends Error {}

async function control(url: string, init?: { body: unknown }): Promise<{ now: string; fired?: number }> {
  let response: Response;
  try {
    response = await fetch(`${url}/clock`, {
      method: init ? 'POST' : 'GET',
      headers: init ? { 'content-type': 'application/json' } : {},
      body: init ? JSON.stringify(init.body) : undefined,
      signal: AbortSignal.timeout(60_000),
    });
  } catch (error) {
    throw new NoCloud(`No local cloud answers at ${url} (${(error as Error).cause ?? (error as Error).message}).`);
  }
  const body = (await response.json().catch(() => ({}))) as { now?: string; fired?: number; message?: string };
  if (response.status === 400) throw new BadInput(body.message ?? 'The local cloud refused that time.');
  if (!response.ok || typeof body.now !== 'string') {
    throw new Error(`The local cloud answered ${response.status}: ${body.message ?? JSON.stringify(body)}`);
  }
  return { now: body.now, ...(body.fired === undefined ? {} : { fired: body.fired }) };
}

function controlUrl(): string {
  const file = join(process.env.LOCAL_DATA_DIR ?? '.local', 'endpoints.json');
  if (!existsSync(file)) throw new NoCloud(`No local cloud is running (${file} not found): start one with npm start.`);
  let url: unknown;
  try {
    url = (JSON.parse(readFileSync(file, 'utf8')) as { control?: unknown }).control;
  } catch {
    url = undefined;
  }
  if (typeof url !== 'string') {
    throw new NoCloud(`${file} names no control server: restart the local cloud (npm start).`);
  }
  return url;
}

async function main(args: readonly string[]): Promise<number> {
  if (args.length > 1 || args[0] === '--help' || args[0] === '-h') {
    console.error(USAGE);
    return 2;
  }
  const target = args[0] === undefined ? undefined : parseClockArgument(args[0]);
  if (args[0] !== undefined && !target) {
    console.error(`Not a time or a step forward: "${args[0]}"\n${USAGE}`);
    return 2;
  }
  try {
    const url = controlUrl();
    if (!target) {
      const { now } = await control(url);
      console.log(`Programme time: ${inProgrammeZone(now)}`);
      return 0;
    }
    const at =
      'at' in target ? target.at : new Date(Date.parse((await control(url)).now) + target.relativeMs).toISOString();
    const { now, fired = 0 } = await control(url, { body: { now: at } });
    console.log(`Programme time: ${inProgrammeZone(now)} · ${fired} timer${fired === 1 ? '' : 's'} fired`);
    return 0;
  } catch (error) {
    if (error instanceof BadInput) {
      console.error(`${error.message}\n${USAGE}`);
      return 2;
    }
    console.error((error as Error).message);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
