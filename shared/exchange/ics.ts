/**
 * iCalendar (RFC 5545) writing: text escaping (3.3.11), line folding at 75 octets without splitting
 * a UTF-8 sequence (3.1), CRLF line ends, dates as DATE values for whole-day rotations and UTC
 * DATE-TIME values for shifts (so no VTIMEZONE is needed and every client agrees on the instant).
 */

export type IcsEvent =
  | { uid: string; summary: string; description?: string; location?: string; allDay: true; startDate: string; endDateInclusive: string; categories?: string }
  | { uid: string; summary: string; description?: string; location?: string; allDay: false; startsAt: string; endsAt: string; categories?: string };

export function escapeText(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r\n|\r|\n/g, '\\n');
}

const encoder = new TextEncoder();

/** Folds one content line: at most 75 octets per physical line, continuation lines start with a space. */
export function foldLine(line: string): string {
  if (encoder.encode(line).length <= 75) return line;
  const parts: string[] = [];
  let current = '';
  let octets = 0;
  for (const ch of line) {
    const size = encoder.encode(ch).length;
    // The first physical line holds 75 octets; continuations hold 74 after their leading space.
    const limit = parts.length === 0 ? 75 : 74;
    if (octets + size > limit) {
      parts.push(current);
      current = '';
      octets = 0;
    }
    current += ch;
    octets += size;
  }
  parts.push(current);
  return parts.join('\r\n ');
}

/** 2026-07-01 -> 20260701 */
export function icsDate(date: string): string {
  return date.replace(/-/g, '');
}

/** An ISO instant -> 20260701T120000Z (UTC, seconds precision). */
export function icsUtc(instant: string): string {
  const d = new Date(instant);
  if (Number.isNaN(d.getTime())) throw new Error('not an instant');
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

function nextDay(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/** A whole VCALENDAR. `stamp` is the DTSTAMP of every event (the export time). */
export function buildCalendar(opts: { name: string; stamp: string; events: readonly IcsEvent[] }): string {
  const lines: string[] = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Residency Scheduler//Schedule export//EN', 'CALSCALE:GREGORIAN', 'METHOD:PUBLISH', `X-WR-CALNAME:${escapeText(opts.name)}`];
  const stamp = icsUtc(opts.stamp);
  for (const e of opts.events) {
    lines.push('BEGIN:VEVENT', `UID:${e.uid}`, `DTSTAMP:${stamp}`);
    if (e.allDay) {
      // DTEND of a DATE event is exclusive: the day after the last day.
      lines.push(`DTSTART;VALUE=DATE:${icsDate(e.startDate)}`, `DTEND;VALUE=DATE:${icsDate(nextDay(e.endDateInclusive))}`, 'TRANSP:TRANSPARENT');
    } else {
      lines.push(`DTSTART:${icsUtc(e.startsAt)}`, `DTEND:${icsUtc(e.endsAt)}`);
    }
    lines.push(`SUMMARY:${escapeText(e.summary)}`);
    if (e.description) lines.push(`DESCRIPTION:${escapeText(e.description)}`);
    if (e.location) lines.push(`LOCATION:${escapeText(e.location)}`);
    if (e.categories) lines.push(`CATEGORIES:${escapeText(e.categories)}`);
    lines.push('END:VEVENT');
  }
  lines.push('END:VCALENDAR');
  return lines.map(foldLine).join('\r\n') + '\r\n';
}
