import ical, { ICalCalendarMethod } from 'ical-generator';
import { addDays } from '../domain/classes/class-sessions';
import type { Programme, TrainingClass } from '../domain/programme';
import { SENDER_OFFICE } from '../domain/notices';

/** A teaching day runs from the first session's start to the last one's end (class-sessions.ts). */
const DAY_START = '08:30';
const DAY_END = '17:30';

/**
 * China has kept UTC+8 without daylight saving since 1991, so the zone's definition is one fixed rule; a calendar
 * reader needs it (VTIMEZONE) to place TZID=Asia/Shanghai times without a zone database of its own.
 */
function fixedOffsetZone(timeZone: string): string | null {
  if (timeZone !== 'Asia/Shanghai') return null;
  return [
    'BEGIN:VTIMEZONE',
    'TZID:Asia/Shanghai',
    'BEGIN:STANDARD',
    'DTSTART:19910915T000000',
    'TZOFFSETFROM:+0800',
    'TZOFFSETTO:+0800',
    'TZNAME:CST',
    'END:STANDARD',
    'END:VTIMEZONE',
  ].join('\r\n');
}

/**
 * The assigned notice's calendar: one event for each day of the class at its venue, in programme time. UIDs are
 * derived from the registration so a re-sent invite updates the same entries instead of adding copies; nothing in
 * it names the trainee.
 */
export function classCalendar(programme: Programme, trainingClass: TrainingClass, registrationId: string): string {
  const calendar = ical({
    prodId: { company: 'miitec.org.cn', product: 'leading-talent-training', language: 'ZH' },
    name: `${programme.year}年度领军人才培训 第${trainingClass.number}期`,
    method: ICalCalendarMethod.PUBLISH,
    timezone: { name: programme.timeZone, generator: fixedOffsetZone },
  });
  const days = Math.round((Date.parse(trainingClass.endDate) - Date.parse(trainingClass.startDate)) / 86_400_000) + 1;
  for (let day = 1; day <= days; day++) {
    const date = addDays(trainingClass.startDate, day - 1);
    calendar.createEvent({
      id: `${registrationId}-${trainingClass.number}-${day}@leading-talent-training`,
      // Wall-clock strings (no offset) are written as they are under TZID: a Date would be read in the server's zone.
      start: `${date}T${DAY_START}:00`,
      end: `${date}T${DAY_END}:00`,
      timezone: programme.timeZone,
      summary: `领军人才培训 第${trainingClass.number}期「${trainingClass.theme}」第${day}天（共${days}天）`,
      location: `${trainingClass.city}·${trainingClass.venue}`,
      description: `承办：${trainingClass.host}。脱产学习，每个半天签到（上午 08:30、下午 14:00）。组织：${SENDER_OFFICE}。`,
      stamp: `${trainingClass.startDate}T00:00:00`,
    });
  }
  return calendar.toString();
}
