import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FunctionName } from '../function-names';

export interface FailedEvent {
  readonly id: string;
  readonly function: FunctionName;
  readonly failedAt: string;
  readonly error: string;
  readonly event: unknown;
}

/**
 * The local stand-in for ingest's on-failure SQS destination: one JSON file per event that exhausted its async
 * retries, kept until a re-drive replays it successfully. Used by the local cloud and by `npm run redrive`.
 */
export class FailureQueue {
  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  add(fn: FunctionName, event: unknown, error: unknown): void {
    const failed: FailedEvent = {
      id: randomUUID(),
      function: fn,
      failedAt: new Date().toISOString(),
      error: describe(error),
      event,
    };
    this.write(failed);
  }

  list(): FailedEvent[] {
    if (!existsSync(this.dir)) return [];
    return readdirSync(this.dir)
      .filter((name) => name.endsWith('.json'))
      .map((name) => JSON.parse(readFileSync(join(this.dir, name), 'utf8')) as FailedEvent);
  }

  /** Replays every queued event through `invoke`; those that succeed leave the queue, the rest keep their new error. */
  async redrive(
    invoke: (fn: FunctionName, event: unknown) => Promise<unknown>,
  ): Promise<{ replayed: number; stillFailing: number }> {
    let replayed = 0;
    let stillFailing = 0;
    for (const failed of this.list()) {
      try {
        await invoke(failed.function, failed.event);
        rmSync(join(this.dir, `${failed.id}.json`));
        replayed++;
      } catch (error) {
        stillFailing++;
        this.write({ ...failed, error: describe(error), failedAt: new Date().toISOString() });
      }
    }
    return { replayed, stillFailing };
  }

  private write(failed: FailedEvent): void {
    writeFileSync(join(this.dir, `${failed.id}.json`), JSON.stringify(failed, null, 2));
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
