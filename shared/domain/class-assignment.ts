import { classStartsAt, hasStarted } from './classes/class-sessions';
import type { Programme, TrainingClass } from './programme';

/**
 * The classes a trainee may still be placed in, in the order they are tried: the preferred class first, then the
 * others by date (the notice: the earliest class not started with a seat). A class that has started is never
 * offered. Capacity itself is enforced atomically by the store.
 */
export function classPreferenceOrder(programme: Programme, preferred: number | null, now: Date): TrainingClass[] {
  const byDate = [...programme.classes]
    .filter((trainingClass) => !hasStarted(trainingClass, now))
    .sort((a, b) => a.startDate.localeCompare(b.startDate) || a.number - b.number);
  const first = byDate.find((trainingClass) => trainingClass.number === preferred);
  return first ? [first, ...byDate.filter((trainingClass) => trainingClass !== first)] : byDate;
}

/** How long to wait for the class to be closed: until two weeks after it ends, and at least one day. */
export function closeTimeoutSeconds(trainingClass: TrainingClass, now: Date): number {
  const end = Date.parse(`${trainingClass.endDate}T23:59:59+08:00`);
  const twoWeeks = 14 * 24 * 3600 * 1000;
  return Math.max(24 * 3600, Math.ceil((end + twoWeeks - now.getTime()) / 1000));
}

/**
 * How long a waitlisted trainee can wait: until the last class starts (then no seat can ever be offered).
 * Undefined when that moment has passed.
 */
export function waitlistTimeoutSeconds(programme: Programme, now: Date): number | undefined {
  const lastStart = Math.max(...programme.classes.map(classStartsAt));
  const seconds = Math.ceil((lastStart - now.getTime()) / 1000);
  return seconds >= 1 ? seconds : undefined;
}
