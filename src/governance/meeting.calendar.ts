/**
 * A body's meetings as an iCalendar feed (RFC 5545), for people to subscribe to in their own
 * calendar: one VEVENT per meeting, identified by the meeting's uid so that a change replaces the
 * event rather than adding one, with its SEQUENCE (raised by every reschedule or cancellation, as
 * calendars expect), times in UTC, the place, the meeting's page, and STATUS:CANCELLED once
 * cancelled. Pure: the service gives the meetings, this gives the text.
 */
import ical, { ICalEventStatus } from 'ical-generator';
import type { BodySummary, MeetingSummary } from './meeting.service.ts';

export interface CalendarFeed {
  body: BodySummary;
  /** The name of the organisation that keeps the body, as the feed's calendar name says it. */
  keeperName: string;
  meetings: readonly MeetingSummary[];
  /** The address of a meeting's page. */
  meetingUrl: (meetingId: number) => string;
  /** The address of the body's page. */
  bodyUrl: string;
}

export function bodyCalendar(feed: CalendarFeed): string {
  const name = `${feed.body.name} (${feed.keeperName})`;
  const calendar = ical({
    name,
    description: `Meetings of ${name}`,
    prodId: { company: 'Jointly', product: 'meetings', language: 'EN' },
    url: feed.bodyUrl,
  });
  for (const m of feed.meetings) {
    calendar.createEvent({
      id: m.uid,
      sequence: m.sequence,
      start: new Date(m.startsAt),
      end: m.endsAt === null ? null : new Date(m.endsAt),
      // The stamp is when the meeting last changed, so that the same meetings give the same feed.
      stamp: new Date(m.updatedAt),
      lastModified: new Date(m.updatedAt),
      summary: `${m.cancelled ? 'Cancelled: ' : ''}${feed.body.name}`,
      location: m.location || null,
      url: feed.meetingUrl(m.meetingId),
      status: m.cancelled ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
    });
  }
  return calendar.toString();
}
