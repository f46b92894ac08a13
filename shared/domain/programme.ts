import { z } from 'zod';
import { isUnitCode } from './units';

/**
 * A programme year: the schedule (附件1), the quota table (附件2) and the settings the rules depend on.
 * Shipped as editable data (data/programme-<year>.json); staff replace the sample schedule and quotas.
 */
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');

export const trainingClassSchema = z.object({
  number: z.number().int().min(1).max(99),
  theme: z.string().min(1),
  host: z.string().min(1),
  city: z.string().min(1),
  venue: z.string().min(1),
  startDate: isoDate,
  endDate: isoDate,
  capacity: z.number().int().positive(),
});

export const programmeSchema = z
  .object({
    year: z.number().int().min(2000).max(2100),
    notice: z.string().min(1),
    sampleData: z.boolean().default(false),
    deadline: z.iso.datetime({ offset: true }),
    timeZone: z.string().default('Asia/Shanghai'),
    contactEmail: z.email(),
    completionRule: z.object({
      maxUnexcusedAbsences: z.number().int().min(0),
      maxApprovedLeaveSessions: z.number().int().min(0),
      /** Late is recorded and reported; null (the default) puts no limit on it. */
      maxLateSessions: z.number().int().min(0).nullable().default(null),
    }),
    /** How long a nomination waits for staff review before it expires (not a rejection). */
    reviewTimeoutDays: z.number().int().min(1).max(180).default(30),
    sessionsPerClass: z.number().int().positive(),
    classes: z.array(trainingClassSchema).min(1),
    quotas: z.record(z.string(), z.number().int().min(0)),
  })
  .superRefine((programme, ctx) => {
    const numbers = new Set<number>();
    for (const trainingClass of programme.classes) {
      if (numbers.has(trainingClass.number)) {
        ctx.addIssue({ code: 'custom', message: `duplicate class number ${trainingClass.number}`, path: ['classes'] });
      }
      numbers.add(trainingClass.number);
      if (trainingClass.endDate < trainingClass.startDate) {
        ctx.addIssue({
          code: 'custom',
          message: `class ${trainingClass.number} ends before it starts`,
          path: ['classes'],
        });
      }
    }
    for (const code of Object.keys(programme.quotas)) {
      if (!isUnitCode(code)) ctx.addIssue({ code: 'custom', message: `unknown unit ${code}`, path: ['quotas', code] });
    }
  });

export type TrainingClass = z.infer<typeof trainingClassSchema>;
export type Programme = z.infer<typeof programmeSchema>;

export function parseProgramme(data: unknown): Programme {
  return programmeSchema.parse(data);
}

export function totalSeats(programme: Programme): number {
  return Object.values(programme.quotas).reduce((sum, seats) => sum + seats, 0);
}

export function findClass(programme: Programme, number: number): TrainingClass | undefined {
  return programme.classes.find((trainingClass) => trainingClass.number === number);
}

/**
 * A unit may upload until the programme deadline or, when staff granted it an extension, until whichever of the two
 * is later: an extension never shortens a unit's time. The deadline is the last instant accepted (23:59:59).
 */
export function isBeforeDeadline(programme: Programme, now: Date, extendedUntil?: string): boolean {
  // Inclusive to the second: the whole of 23:59:59 is still in time.
  return Math.floor(now.getTime() / 1000) <= Math.floor(effectiveDeadline(programme, extendedUntil).getTime() / 1000);
}

/** A deadline as a person reads it: Beijing time, to the second ("2024-08-31 23:59:59"). */
export function formatDeadline(deadline: Date): string {
  return BEIJING_SECONDS.format(deadline);
}

// Built once: constructing a DateTimeFormat costs far more than formatting with it, and the quota report formats a
// deadline per unit on every request.
const BEIJING_SECONDS = new Intl.DateTimeFormat('sv-SE', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** The deadline that applies to a unit: the programme's, or its extension if later. */
export function effectiveDeadline(programme: Programme, extendedUntil?: string): Date {
  const deadline = Date.parse(programme.deadline);
  const extended = extendedUntil ? Date.parse(extendedUntil) : Number.NaN;
  return new Date(Number.isFinite(extended) && extended > deadline ? extended : deadline);
}
