import ICAL from 'ical.js';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import defaultProgramme from '../../../data/programme-2024.json';
import { classSessions } from '../../../shared/domain/classes/class-sessions';
import { findClass, parseProgramme } from '../../../shared/domain/programme';
import { classCalendar } from '../../../shared/notices/calendar';
import { composeMime, parseTagHeader, TAG_HEADER } from '../../../shared/notices/mime';

const programme = parseProgramme(defaultProgramme);
const three = findClass(programme, 3);
if (!three) throw new Error('the 2024 programme has a class 3');

describe('the assigned notice’s calendar (.ics)', () => {
  const parsed = new ICAL.Component(ICAL.parse(classCalendar(programme, three, 'R2024-110000-ABC')));
  // The calendar's own VTIMEZONE defines the zone, as a calendar application reads it.
  const zone = parsed.getFirstSubcomponent('vtimezone');
  if (zone) ICAL.TimezoneService.register(zone);
  const events = parsed.getAllSubcomponents('vevent').map((vevent) => new ICAL.Event(vevent));
  // The oracle is the class's sessions (class-sessions.ts): day k runs from session 2k-1's start to session 2k's end.
  const sessions = classSessions(three, programme.sessionsPerClass);

  it('parses with a real iCalendar parser: one event per class day, at the venue', () => {
    expect(events).toHaveLength(4);
    for (const event of events) {
      expect(event.location).toBe(`${three.city}·${three.venue}`);
      expect(event.summary).toContain(`第${three.number}期`);
    }
  });

  it('its times are Asia/Shanghai wall-clock times of each day, the same instants as the sessions', () => {
    expect(zone?.getFirstPropertyValue('tzid')).toBe('Asia/Shanghai');
    events.forEach((event, index) => {
      expect(event.component.getFirstProperty('dtstart')?.getParameter('tzid')).toBe('Asia/Shanghai');
      expect(event.startDate.zone?.tzid).toBe('Asia/Shanghai');
      expect(event.startDate.toJSDate().toISOString()).toBe(
        new Date((sessions[index * 2] as { startsAt: string }).startsAt).toISOString(),
      );
      expect(event.endDate.toJSDate().toISOString()).toBe(
        new Date((sessions[index * 2 + 1] as { endsAt: string }).endsAt).toISOString(),
      );
    });
  });

  it('UIDs follow from the registration (a re-sent invite updates, never duplicates), and name no one', () => {
    const again = classCalendar(programme, three, 'R2024-110000-ABC');
    expect(again).toBe(classCalendar(programme, three, 'R2024-110000-ABC'));
    expect(events.map((event) => event.uid)).toEqual(
      [1, 2, 3, 4].map((day) => `R2024-110000-ABC-3-${day}@leading-talent-training`),
    );
  });
});

describe('the raw MIME message (nodemailer’s composer)', () => {
  it('carries subject, text, HTML, the .ics as calendar part and attachment, and the tags header', async () => {
    const calendar = classCalendar(programme, three, 'R1');
    const raw = await composeMime(
      {
        to: 'trainee@example.cn',
        subject: '【2024年度中小企业经营管理领军人才培训】参训通知',
        text: '张三：您好',
        html: '<p>张三：您好</p>',
        tags: { notice: 'assigned', registration: 'R1' },
        calendar: { filename: 'class-3.ics', content: calendar },
      },
      { from: '领军人才培训 <noreply@notice.example.org>', replyTo: 'leader@miitec.org.cn' },
    );
    const mail = await simpleParser(raw);
    expect(mail.subject).toBe('【2024年度中小企业经营管理领军人才培训】参训通知');
    expect(mail.text?.trim()).toBe('张三：您好');
    expect(mail.html).toContain('<p>张三：您好</p>');
    expect(mail.replyTo?.text).toBe('leader@miitec.org.cn');
    expect(parseTagHeader(String(mail.headers.get(TAG_HEADER.toLowerCase())))).toEqual({
      notice: 'assigned',
      registration: 'R1',
    });
    // nodemailer's icalEvent: a text/calendar alternative (METHOD:PUBLISH) and the same file as an attachment.
    expect(raw.toString('utf8')).toContain('Content-Type: text/calendar; charset=utf-8; method=PUBLISH');
    const alternative = mail.attachments.find((attachment) => attachment.contentType === 'text/calendar');
    const file = mail.attachments.find((attachment) => attachment.filename === 'class-3.ics');
    expect(alternative?.content.toString('utf8')).toBe(calendar);
    expect(file?.content.toString('utf8')).toBe(calendar);
  });
});
