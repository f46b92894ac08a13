import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import middy from '@middy/core';
import { z } from 'zod';
import { assignSeat, getClassState, joinWaitlist, releaseRegistration } from '../../shared/adapters/class-seats';
import { systemClock } from '../../shared/adapters/clock';
import { logger } from '../../shared/adapters/logger';
import { annotateTrace } from '../../shared/adapters/tracer';
import { countMetric } from '../../shared/adapters/metrics';
import { observability } from '../../shared/adapters/observability';
import { loadProgramme } from '../../shared/adapters/programme-store';
import { getRegistration, transitionRegistration, updateRegistration } from '../../shared/adapters/registration-store';
import { isSpentToken, resumeWorkflow } from '../../shared/adapters/workflow-client';
import { saveTaskToken } from '../../shared/adapters/workflow-tokens';
import { evaluateCompletion } from '../../shared/domain/attendance';
import { issueCertificate } from '../../shared/certificates/certificate-service';
import {
  classPreferenceOrder,
  closeTimeoutSeconds,
  waitlistTimeoutSeconds,
} from '../../shared/domain/class-assignment';
import { findClass, type TrainingClass } from '../../shared/domain/programme';
import { SYSTEM_ACTOR } from '../../shared/domain/registration-history';
import type { Registration } from '../../shared/domain/trainee-registration';
import { AWAIT_STAGES, type AssignmentResult, WORKFLOW_ACTIONS, WORKFLOW_ERRORS } from '../../shared/domain/workflow';

const taskSchema = z.object({
  action: z.enum(WORKFLOW_ACTIONS),
  registrationId: z.string().min(1),
  unit: z.string(),
  year: z.number().int(),
  taskToken: z.string().optional(),
  /** Callback states: how long this wait may last (the state's own timeout), stored as `awaitingUntil`. */
  timeoutSeconds: z.number().int().positive().optional(),
  /** RecordFailure: the state that failed and the error's name (never its cause, which may quote data). */
  failedStep: z.string().max(64).optional(),
  error: z.string().max(256).optional(),
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
  .use(observability())
  .use(parser({ schema: taskSchema }))
  .handler(async (task: Task) => {
    logger.appendKeys({ registrationId: task.registrationId, action: task.action });
    annotateTrace({ registrationId: task.registrationId, action: task.action });
    const registration = await getRegistration(task.registrationId);
    if (!registration) throw new WorkflowStepError('RegistrationMissing', 'registration not found');
    // A unit may withdraw between two steps; every later step then ends the workflow on the withdrawal path.
    if (registration.status === 'withdrawn' && task.action !== 'recordFailure') {
      throw new WorkflowStepError(WORKFLOW_ERRORS.withdrawn, 'the registration was withdrawn');
    }
    const result = await steps[task.action](task, registration);
    logger.info('Workflow step done');
    return result;
  });

type Step = (task: Task, registration: Registration) => Promise<Record<string, unknown>>;

const steps: Record<Task['action'], Step> = {
  awaitReview: (task) => park(task, AWAIT_STAGES.awaitReview, 'nominated'),

  async releaseSeat(_task, registration) {
    if (registration.status !== 'nominated') return { released: false };
    const review = registration.review;
    await releaseRegistration(registration, 'rejected', systemClock.now(), review?.by ?? SYSTEM_ACTOR, review?.reason);
    return { released: true };
  },

  async expireReview(_task, registration) {
    if (registration.status !== 'nominated') return { released: false };
    const programme = await requireProgramme(registration.year);
    await releaseRegistration(
      registration,
      'expired',
      systemClock.now(),
      SYSTEM_ACTOR,
      `${programme.reviewTimeoutDays}天内未审核，报名已过期（非审核未通过）`,
    );
    return { released: true };
  },

  async assignClass(_task, registration) {
    const now = systemClock.now();
    const programme = await requireProgramme(registration.year);
    // A retried step finds its own earlier work.
    if (registration.status === 'assigned' && registration.classNumber) {
      return assigned(requireClass(programme, registration.classNumber), now);
    }
    if (registration.status === 'waitlisted') {
      const wait = waitlistTimeoutSeconds(programme, now);
      return wait ? { outcome: 'waitlisted', waitTimeoutSeconds: wait } : { outcome: 'not-placed' };
    }
    if (registration.status !== 'nominated') {
      throw new WorkflowStepError('UnexpectedStatus', `cannot assign a registration in status ${registration.status}`);
    }
    const preferred = registration.trainee.preferredClass;
    for (const trainingClass of classPreferenceOrder(programme, preferred, now)) {
      const reason =
        preferred === trainingClass.number
          ? '分配至意向期次'
          : preferred
            ? `意向第${preferred}期已满或已开班，分配至最早未开班且有空位的班级`
            : '分配至最早未开班且有空位的班级';
      if (await assignSeat(registration, trainingClass.number, trainingClass.capacity, now, SYSTEM_ACTOR, reason)) {
        return assigned(trainingClass, now);
      }
    }
    const wait = waitlistTimeoutSeconds(programme, now);
    if (!wait) return { outcome: 'not-placed' } satisfies AssignmentResult;
    await joinWaitlist(registration, now);
    return { outcome: 'waitlisted', waitTimeoutSeconds: wait } satisfies AssignmentResult;
  },

  async awaitSeat(task, registration) {
    const parked = await park(task, AWAIT_STAGES.awaitSeat, 'waitlisted');
    // Promoted before this wait began: the promotion could not resume it, so the wait resumes itself.
    if (parked.moved === 'assigned') {
      const current = (await getRegistration(registration.registrationId)) ?? registration;
      const programme = await requireProgramme(registration.year);
      await resumeOwn(task, assigned(requireClass(programme, Number(current.classNumber)), systemClock.now()));
    }
    return {};
  },

  async endWaitlist(_task, registration) {
    const now = systemClock.now();
    if (registration.status === 'assigned' && registration.classNumber) {
      const programme = await requireProgramme(registration.year);
      return assigned(requireClass(programme, registration.classNumber), now);
    }
    if (registration.status === 'waitlisted' || registration.status === 'nominated') {
      await releaseRegistration(registration, 'not-placed', now, SYSTEM_ACTOR, '最后一期已开班，候补未获名额');
    }
    return { outcome: 'not-placed' } satisfies AssignmentResult;
  },

  async awaitClassClose(task, registration) {
    await park(task, AWAIT_STAGES.awaitClassClose, 'assigned');
    // A retried wait after the class was closed (or while it closes) must not wait for a close that has happened.
    if (registration.classNumber && (await getClassState(registration.year, registration.classNumber)).closeState) {
      await resumeOwn(task, { closed: true });
    }
    return {};
  },

  async evaluateAttendance(_task, registration) {
    const programme = await requireProgramme(registration.year);
    const result = evaluateCompletion(registration.attendance ?? {}, registration.leave ?? {}, programme);
    const now = systemClock.now();
    if (registration.status === 'assigned') {
      if (result.complete) await updateRegistration(registration, { completion: result });
      else
        await transitionRegistration(registration, now, {
          to: 'incomplete',
          by: SYSTEM_ACTOR,
          reason: result.reasons.join(','),
          set: { completion: result },
        });
    }
    return { complete: result.complete, reasons: result.reasons };
  },

  async issueCertificate(_task, registration) {
    // A retry after the certificate was recorded finds it.
    if (registration.certificate) return { number: registration.certificate.number };
    if (registration.status !== 'assigned' || !registration.classNumber) {
      throw new WorkflowStepError('NotAssigned', `cannot certify a registration in status ${registration.status}`);
    }
    const certificate = await issueCertificate({
      registration,
      programme: await requireProgramme(registration.year),
      now: systemClock.now(),
      by: SYSTEM_ACTOR,
    });
    return { number: certificate.number };
  },

  async recordFailure(task, registration) {
    if (registration.status === 'failed' || registration.status === 'withdrawn') return {};
    const now = systemClock.now();
    const step = task.failedStep ?? 'unknown';
    await transitionRegistration(registration, now, {
      to: 'failed',
      by: SYSTEM_ACTOR,
      reason: task.error,
      set: { failure: { step, error: task.error ?? 'unknown', from: registration.status, at: now.toISOString() } },
      event: { step },
    });
    // One series (service dimension only) so a single alarm sees every step; the step is in the log and history.
    countMetric('RegistrationsFailed');
    countMetric('WorkflowStepsFailed', { step });
    logger.warn('Registration failed after retries', { step, error: task.error });
    return {};
  },

  awaitRecovery: (task) => park(task, AWAIT_STAGES.awaitRecovery, 'failed'),
};

/** The assignment as the execution carries it: the class and how long to wait for its close. */
function assigned(trainingClass: TrainingClass, now: Date): AssignmentResult {
  return {
    outcome: 'assigned',
    classNumber: trainingClass.number,
    closeTimeoutSeconds: closeTimeoutSeconds(trainingClass, now),
  };
}

/**
 * A callback state: the token is stored on the registration while it is still in the status this wait is for.
 * A withdrawal meanwhile ends the workflow on its path; `moved` reports a registration that moved on otherwise.
 */
async function park(
  task: Task,
  stage: (typeof AWAIT_STAGES)[keyof typeof AWAIT_STAGES],
  expect: Registration['status'],
): Promise<{ moved?: string }> {
  const taskToken = requireToken(task);
  const dueAt = task.timeoutSeconds
    ? new Date(systemClock.now().getTime() + task.timeoutSeconds * 1000).toISOString()
    : undefined;
  const saved = await saveTaskToken(task.registrationId, stage, taskToken, dueAt, expect);
  if (saved === 'saved') return {};
  if (saved === 'missing') throw new WorkflowStepError('RegistrationMissing', 'registration not found');
  if (saved === 'withdrawn') throw new WorkflowStepError(WORKFLOW_ERRORS.withdrawn, 'the registration was withdrawn');
  if (stage === AWAIT_STAGES.awaitSeat && saved.status === 'assigned') return { moved: 'assigned' };
  throw new WorkflowStepError('UnexpectedStatus', `cannot wait for ${stage} in status ${saved.status}`);
}

async function resumeOwn(task: Task, output: Record<string, unknown>): Promise<void> {
  try {
    await resumeWorkflow(requireToken(task), output);
  } catch (error) {
    if (!isSpentToken(error)) throw error;
  }
}

function requireToken(task: Task): string {
  if (!task.taskToken) throw new WorkflowStepError('TaskTokenMissing', `${task.action} needs a task token`);
  return task.taskToken;
}

function requireClass(programme: Awaited<ReturnType<typeof requireProgramme>>, classNumber: number) {
  const trainingClass = findClass(programme, classNumber);
  if (!trainingClass) throw new WorkflowStepError('ClassMissing', `no class ${classNumber}`);
  return trainingClass;
}

async function requireProgramme(year: number) {
  const programme = await loadProgramme(year);
  if (!programme) throw new WorkflowStepError('ProgrammeMissing', `no programme for ${year}`);
  return programme;
}
