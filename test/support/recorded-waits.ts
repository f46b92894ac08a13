import { vi } from 'vitest';

/**
 * Makes every `setTimeout` fire at once and records its delay, with `Math.random` fixed at ½ so a jittered back-off
 * is exact (restore with `vi.restoreAllMocks()`). Returns the list the delays are pushed to, in order.
 */
export function recordWaits(): number[] {
  const waits: number[] = [];
  vi.spyOn(Math, 'random').mockReturnValue(0.5);
  vi.spyOn(globalThis, 'setTimeout').mockImplementation(((resolve: () => void, ms: number) => {
    waits.push(ms);
    resolve();
    return 0;
  }) as unknown as typeof setTimeout);
  return waits;
}
