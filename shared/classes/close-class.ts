import { countMetric } from '../adapters/metrics';
import pLimit from 'p-limit';
import { markCloseResumed } from '../adapters/attendance-store';
import { beginClose, finishClose } from '../adapters/class-seats';
import { listClassRoster } from '../adapters/class-roster';
import { systemClock } from '../adapters/clock';
import { getTaskToken } from '../adapters/workflow-tokens';
import { isSpentToken, resumeWorkflow } from '../adapters/workflow-client';
import { evaluateCompletion } from '../domain/attendance';
import { lastSessionEnded } from '../domain/classes/class-sessions';
import { DomainError } from '../domain/errors';
import { AWAIT_STAGES } from '../domain/workflow';
import { requireClass } from './programme-context';

/** Resumptions in flight at once: Step Functions' SendTaskSuccess is throttled per account. */
const RESUME_CONCURRENCY = 8;

export interface CloseOutcome {
  readonly classNumber: number;
  readonly closedAt: string;
  /** true when this call finished a close that an earlier call began. */
  readonly resumedEarlierClose: boolean;
  readonly trainees: number;
  readonly complete: number;
  readonly incomplete: number;
  /** Executions resumed by this call; the rest were resumed by an earlier, interrupted call. */
  readonly resumed: number;
  readonly alreadyResumed: number;
}

/**
 * Closes a class after its last session: attendance freezes (every attendance and leave write checks the class
 * is open), each trainee is evaluated with the programme's completion rule, and each waiting execution resumes.
 * A close interrupted half-way can be run again: it resumes only those not yet resumed; a finished close is 409.
 */
export async function closeClass(request: {
  readonly year: number;
  readonly classNumber: number;
  readonly actor: string;
}): Promise<CloseOutcome> {
  const { year, classNumber, actor } = request;
  const { programme, trainingClass } = await requireClass(year, classNumber);
  const now = systemClock.now();
  if (!lastSessionEnded(programme, trainingClass, now)) {
    throw new DomainError(
      'CLASS_NOT_ENDED',
      `第${classNumber}期将于 ${trainingClass.endDate} 下午最后一场结束后方可结班`,
      409,
    );
  }
  const began = await beginClose(year, classNumber, actor, now);
  if (began === 'closed') throw new DomainError('CLASS_CLOSED', `第${classNumber}期已结班，不能重复结班`, 409);

  const roster = (await listClassRoster(year, classNumber)).filter((r) => r.status !== 'withdrawn');
  const limit = pLimit(RESUME_CONCURRENCY);
  let complete = 0;
  let resumed = 0;
  let alreadyResumed = 0;
  // Every trainee is attempted even if one fails, so a re-run has as little left to do as possible.
  const settled = await Promise.allSettled(
    roster.map((registration) =>
      limit(async () => {
        const result = evaluateCompletion(registration.attendance ?? {}, registration.leave ?? {}, programme);
        if (result.complete) complete++;
        if (registration.closeResumedAt) {
          alreadyResumed++;
          return;
        }
        const waiting = await getTaskToken(registration.registrationId);
        if (waiting?.awaiting === AWAIT_STAGES.awaitClassClose) {
          try {
            await resumeWorkflow(waiting.taskToken, { closed: true });
          } catch (error) {
            // Resumed by an earlier close whose bookkeeping was interrupted, or the wait already ended.
            if (!isSpentToken(error)) throw error;
          }
        }
        if ((await markCloseResumed(registration, now.toISOString(), actor, result.complete)) === 'written') resumed++;
        else alreadyResumed++;
      }),
    ),
  );
  const failure = settled.find((result) => result.status === 'rejected');
  if (failure) throw failure.reason;
  const closedAt = systemClock.now();
  await finishClose(year, classNumber, actor, closedAt);
  countMetric('ClassesClosed');
  return {
    classNumber,
    closedAt: closedAt.toISOString(),
    resumedEarlierClose: began === 'resumed',
    trainees: roster.length,
    complete,
    incomplete: roster.length - complete,
    resumed,
    alreadyResumed,
  };
}
