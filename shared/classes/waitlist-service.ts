import { assignSeat, listClassStates, listWaitlist } from '../adapters/class-seats';
import { systemClock } from '../adapters/clock';
import { logger } from '../adapters/logger';
import { getRegistration } from '../adapters/registration-store';
import { isSpentToken, resumeWorkflow } from '../adapters/workflow-client';
import { getTaskToken } from '../adapters/workflow-tokens';
import { classPreferenceOrder, closeTimeoutSeconds } from '../domain/class-assignment';
import type { TrainingClass } from '../domain/programme';
import { AWAIT_STAGES, type AssignmentResult } from '../domain/workflow';
import { requireProgramme } from './programme-context';

/**
 * Offers free seats of classes not yet started to the waitlist, longest-waiting first (each trainee's preferred
 * class first, then by date), and resumes each promoted trainee's waiting execution. Called whenever a seat is
 * freed; safe to call at any time.
 */
export async function offerFreedSeats(year: number): Promise<{ registrationId: string; classNumber: number }[]> {
  const programme = await requireProgramme(year);
  const now = systemClock.now();
  const states = await listClassStates(year);
  const free = new Map<number, number>();
  for (const trainingClass of classPreferenceOrder(programme, null, now)) {
    const state = states.get(trainingClass.number);
    // Stryker disable next-line ArithmeticOperator: a class counted free by mistake is refused by assignSeat's own condition (full or closing), and the loop goes on
    const seats = trainingClass.capacity - (state?.used ?? 0);
    // Stryker disable next-line LogicalOperator: as above, assignSeat refuses a full or closing class
    if (seats > 0 && !state?.closeState) free.set(trainingClass.number, seats);
  }
  const promoted: { registrationId: string; classNumber: number }[] = [];
  if (free.size === 0) return promoted;
  for (const entry of await listWaitlist(year)) {
    if (free.size === 0) break;
    const registration = await getRegistration(entry.registrationId);
    if (registration?.status !== 'waitlisted') continue;
    const candidates = classPreferenceOrder(programme, registration.trainee.preferredClass, now).filter((c) =>
      free.has(c.number),
    );
    for (const trainingClass of candidates) {
      if (await assignSeat(registration, trainingClass.number, trainingClass.capacity, now, 'system', '候补递补')) {
        promoted.push({ registrationId: registration.registrationId, classNumber: trainingClass.number });
        const left = (free.get(trainingClass.number) ?? 1) - 1;
        if (left > 0) free.set(trainingClass.number, left);
        else free.delete(trainingClass.number);
        await resumeWaiting(registration.registrationId, trainingClass, now);
        break;
      }
      free.delete(trainingClass.number);
    }
  }
  if (promoted.length > 0) logger.info('Waitlist promoted', { promoted: promoted.length });
  return promoted;
}

/**
 * Resumes the execution parked at AwaitSeat. If it has not parked yet, its park finds the registration assigned
 * and resumes itself, so the promotion is never lost.
 */
async function resumeWaiting(registrationId: string, trainingClass: TrainingClass, now: Date): Promise<void> {
  const waiting = await getTaskToken(registrationId);
  if (waiting?.awaiting !== AWAIT_STAGES.awaitSeat) return;
  const result: AssignmentResult = {
    outcome: 'assigned',
    classNumber: trainingClass.number,
    closeTimeoutSeconds: closeTimeoutSeconds(trainingClass, now),
  };
  try {
    await resumeWorkflow(waiting.taskToken, result);
  } catch (error) {
    // The seat is taken either way: if the resumption is lost, the wait's end (EndWaitlist) finds the assignment.
    if (!isSpentToken(error)) logger.error('Could not resume a promoted trainee', { registrationId, error });
  }
}
