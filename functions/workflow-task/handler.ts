import { randomInt } from 'node:crypto';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { z } from 'zod';
import { systemClock } from '../../shared/adapters/clock';
import { logger } from '../../shared/adapters/logger';
import { loadProgramme } from '../../shared/adapters/programme-store';
import {
  assignSeat,
  getRegistration,
  nextCertificateSequence,
  releaseRegistration,
  saveTaskToken,
  updateRegistrationStatus,
} from '../../shared/adapters/registration-store';
import { evaluateCompletion, type SessionRecord } from '../../shared/domain/attendance';
import { certificateNumber, VERIFICATION_ALPHABET } from '../../shared/domain/certificate';
import { classPreferenceOrder, closeTimeoutSeconds } from '../../shared/domain/class-assignment';
import { findClass } from '../../shared/domain/programme';
import type { Registration } from '../../shared/domain/trainee-registration';
import { WORKFLOW_ERRORS } from '../../shared/domain/workflow';

const taskSchema = z.object({
  action: z.enum([
    'awaitReview',
    'releaseSeat',
    'assignClass',
    'awaitClassClose',
    'evaluateAttendance',
    'issueCertificate',
    'recordFailure',
  ]),
  registrationId: z.string().min(1),
  unit: z.string(),
  year: z.number().int(),
  taskToken: z.string().optional(),
});
type Task = z.infer<typeof taskSchema>;

/** Thrown by steps the state machine should retry or route to RecordFailure; names appear in the history. */
class WorkflowStepError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

/** The steps of the trainee workflow. Inputs and outputs carry ids and figures only. */
export const handler = middy()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (event: unknown) => {
    const task = taskSchema.parse(event);
    logger.appendKeys({ registrationId: task.registrationId, action: task.action });
    const result =
      task.action === 'awaitReview' || task.action === 'awaitClassClose'
        ? await park(task, task.action === 'awaitReview' ? 'review' : 'class-close')
        : await runStep(task, task.action);
    logger.info('Workflow step done');
    return result;
  });

/** A callback state: the token is stored on the registration unless the unit has withdrawn it meanwhile. */
async function park(task: Task, stage: string): Promise<Record<string, unknown>> {
  const saved = await saveTaskToken(task.registrationId, stage, requireToken(task));
  if (saved === 'missing') throw new WorkflowStepError('RegistrationMissing', 'registration not found');
  if (saved === 'withdrawn') throw new WorkflowStepError(WORKFLOW_ERRORS.withdrawn, 'the registration was withdrawn');
  return {};
}

async function runStep(task: Task, action: StepAction): Promise<Record<string, unknown>> {
  const registration = await getRegistration(task.registrationId);
  if (!registration) throw new WorkflowStepError('RegistrationMissing', 'registration not found');
  // A unit may withdraw between two steps; every later step then ends the workflow on the withdrawal path.
  if (registration.status === 'withdrawn' && action !== 'recordFailure') {
    throw new WorkflowStepError(WORKFLOW_ERRORS.withdrawn, 'the registration was withdrawn');
  }
  return steps[action](task, registration);
}

type StepAction = Exclude<Task['action'], 'awaitReview' | 'awaitClassClose'>;

const steps: Record<StepAction, (task: Task, registration: Registration) => Promise<Record<string, unknown>>> = {
  async releaseSeat(_task, registration) {
    if (registration.status === 'rejected' || registration.status === 'withdrawn') return { released: false };
    await releaseRegistration(registration, 'rejected', systemClock.now());
    return { released: true };
  },

  async assignClass(_task, registration) {
    const now = systemClock.now();
    const programme = await requireProgramme(registration.year);
    if (registration.status === 'assigned' && registration.classNumber) {
      const assigned = findClass(programme, registration.classNumber);
      if (assigned) return { classNumber: assigned.number, closeTimeoutSeconds: closeTimeoutSeconds(assigned, now) };
    }
    let current = registration;
    if (current.status === 'nominated') {
      await updateRegistrationStatus(current, 'approved', now);
      current = { ...current, status: 'approved' };
    }
    for (const trainingClass of classPreferenceOrder(programme, registration.trainee.preferredClass)) {
      if (await assignSeat(current, trainingClass.number, trainingClass.capacity, now)) {
        return { classNumber: trainingClass.number, closeTimeoutSeconds: closeTimeoutSeconds(trainingClass, now) };
      }
    }
    throw new WorkflowStepError('NoClassCapacity', 'every class of the programme is full');
  },

  async evaluateAttendance(_task, registration) {
    const programme = await requireProgramme(registration.year);
    const sessions = ((registration as unknown as { attendance?: Record<string, SessionRecord> }).attendance ??
      {}) as Record<string, SessionRecord>;
    const result = evaluateCompletion(sessions, programme);
    if (registration.status === 'assigned') {
      await updateRegistrationStatus(registration, result.complete ? 'completed' : 'incomplete', systemClock.now(), {
        completion: result,
      });
    }
    return { ...result };
  },

  async issueCertificate(_task, registration) {
    const existing = (registration as unknown as { certificate?: { number: string } }).certificate;
    if (existing) return { number: existing.number };
    if (!registration.classNumber) throw new WorkflowStepError('NotAssigned', 'registration has no class');
    const sequence = await nextCertificateSequence(registration.year, registration.classNumber);
    const number = certificateNumber(registration.year, registration.classNumber, sequence);
    const verificationCode = Array.from(
      { length: 8 },
      () => VERIFICATION_ALPHABET[randomInt(VERIFICATION_ALPHABET.length)],
    ).join('');
    await updateRegistrationStatus(registration, 'certified', systemClock.now(), {
      certificate: { number, verificationCode, issuedAt: systemClock.now().toISOString() },
    });
    return { number };
  },

  async recordFailure(_task, registration) {
    if (registration.status !== 'failed' && registration.status !== 'withdrawn')
      await updateRegistrationStatus(registration, 'failed', systemClock.now());
    return {};
  },
};

function requireToken(task: Task): string {
  if (!task.taskToken) throw new WorkflowStepError('TaskTokenMissing', `${task.action} needs a task token`);
  return task.taskToken;
}

async function requireProgramme(year: number) {
  const programme = await loadProgramme(year);
  if (!programme) throw new WorkflowStepError('ProgrammeMissing', `no programme for ${year}`);
  return programme;
}
