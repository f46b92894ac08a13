import type { Programme, TrainingClass } from './programme';

/**
 * The order in which classes are tried for a trainee: the preferred class first, then the others by date, so
 * trainees fill classes in the order they run. Capacity itself is enforced atomically by the store.
 */
export function classPreferenceOrder(programme: Programme, preferred: number | null): TrainingClass[] {
  const byDate = [...programme.classes].sort((a, b) => a.startDate.localeCompare(b.startDate) || a.number - b.number);
  const first = byDate.find((trainingClass) => trainingClass.number === preferred);
  return first ? [first, ...byDate.filter((trainingClass) => trainingClass !== first)] : byDate;
}

/** How long to wait for staff to close the class: until two weeks after it ends, and at least one day. */
export function closeTimeoutSeconds(trainingClass: TrainingClass, now: Date): number {
  const end = Date.parse(`${trainingClass.endDate}T23:59:59+08:00`);
  const twoWeeks = 14 * 24 * 3600 * 1000;
  return Math.max(24 * 3600, Math.ceil((end + twoWeeks - now.getTime()) / 1000));
}
