import { loadConfig } from './config';

/**
 * The system's notion of "now". In AWS it is the wall clock; the local cloud may run on programme time (an offset)
 * so the 2024 programme's deadline and class dates can be exercised today.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = {
  now: () => new Date(Date.now() + loadConfig().CLOCK_OFFSET_MS),
};
