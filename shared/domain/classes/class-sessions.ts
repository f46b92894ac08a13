import type { Programme, TrainingClass } from '../programme';

/**
 * A class runs 4 days × 2 half-day sessions (DOMAIN.md): session k falls on day ⌈k/2⌉, in the morning for odd k.
 * Times are programme time (Asia/Shanghai, UTC+8, no daylight saving), so instants are built with a fixed offset.
 */
export type SessionHalf = 'am' | 'pm';

export interface ClassSession {
  readonly session: number;
  /** YYYY-MM-DD in programme time. */
  readonly date: string;
  readonly half: SessionHalf;
  /** 第1天上午 (9月23日): what a sign-in sheet and a console show. */
  readonly label: string;
  readonly startsAt: string;
  readonly endsAt: string;
}

const OFFSET = '+08:00';
/** Morning 08:30–12:00, afternoon 14:00–17:30: the usual teaching day of the host institutions. */
const HOURS: Record<SessionHalf, { start: string; end: string }> = {
  am: { start: '08:30:00', end: '12:00:00' },
  pm: { start: '14:00:00', end: '17:30:00' },
};

export function addDays(date: string, days: number): string {
  const at = new Date(`${date}T00:00:00Z`);
  at.setUTCDate(at.getUTCDate() + days);
  return at.toISOString().slice(0, 10);
}

export function classSessions(trainingClass: TrainingClass, sessionsPerClass: number): ClassSession[] {
  return Array.from({ length: sessionsPerClass }, (_, index) => {
    const session = index + 1;
    const day = Math.ceil(session / 2);
    const half: SessionHalf = session % 2 === 1 ? 'am' : 'pm';
    const date = addDays(trainingClass.startDate, day - 1);
    const [, month, dayOfMonth] = date.split('-').map(Number);
    return {
      session,
      date,
      half,
      label: `第${day}天${half === 'am' ? '上午' : '下午'}（${month}月${dayOfMonth}日）`,
      startsAt: `${date}T${HOURS[half].start}${OFFSET}`,
      endsAt: `${date}T${HOURS[half].end}${OFFSET}`,
    };
  });
}

export function findSession(
  programme: Pick<Programme, 'sessionsPerClass'>,
  trainingClass: TrainingClass,
  session: number,
): ClassSession | undefined {
  return classSessions(trainingClass, programme.sessionsPerClass).find((s) => s.session === session);
}

/** The instant a class starts: midnight of its first day, programme time. Nothing is assigned to it from then on. */
export function classStartsAt(trainingClass: TrainingClass): number {
  return Date.parse(`${trainingClass.startDate}T00:00:00${OFFSET}`);
}

export function hasStarted(trainingClass: TrainingClass, now: Date): boolean {
  return now.getTime() >= classStartsAt(trainingClass);
}

/** A session's attendance may be recorded from 00:00 of its own date (programme time). */
export function isRecordable(session: ClassSession, now: Date): boolean {
  return now.getTime() >= Date.parse(`${session.date}T00:00:00${OFFSET}`);
}

/** Leave can be granted for a session until it begins. */
export function hasBegun(session: ClassSession, now: Date): boolean {
  return now.getTime() >= Date.parse(session.startsAt);
}

/** A class may be closed once its last session is over. */
export function lastSessionEnded(
  programme: Pick<Programme, 'sessionsPerClass'>,
  trainingClass: TrainingClass,
  now: Date,
): boolean {
  const sessions = classSessions(trainingClass, programme.sessionsPerClass);
  const last = sessions[sessions.length - 1];
  return last !== undefined && now.getTime() >= Date.parse(last.endsAt);
}
