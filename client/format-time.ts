/** Formats message times for the log: relative ("3 min ago") with the full time as a tooltip. */
import { strings } from './strings';

const full = new Intl.DateTimeFormat(strings.locale, { dateStyle: 'full', timeStyle: 'medium' });
const dated = new Intl.DateTimeFormat(strings.locale, { dateStyle: 'medium', timeStyle: 'short' });
const relative = new Intl.RelativeTimeFormat(strings.locale, { numeric: 'auto', style: 'short' });

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** The visible text for `date` seen at `now`: "just now", "5 min ago", "2 hr ago", else the date. */
export function relativeTime(date: Date, now: Date): string {
  const age = now.getTime() - date.getTime();
  if (age < MINUTE) return strings.justNow;
  if (age < HOUR) return relative.format(-Math.floor(age / MINUTE), 'minute');
  if (age < 24 * HOUR) return relative.format(-Math.floor(age / HOUR), 'hour');
  return dated.format(date);
}

/** Fills a `<time>` element for `ms` since the epoch: relative visible text, full text as a tooltip. */
export function setTime(element: HTMLTimeElement, ms: number, now: Date = new Date()): void {
  // A malformed timestamp must not throw from toISOString and take the line with it.
  const date = Number.isFinite(ms) ? new Date(ms) : now;
  element.dateTime = date.toISOString();
  element.textContent = relativeTime(date, now);
  element.title = full.format(date);
}

/** Brings every `<time>` under `root` up to date (called on a timer). */
export function refreshTimes(root: ParentNode, now: Date = new Date()): void {
  for (const element of root.querySelectorAll('time')) {
    const ms = Date.parse(element.dateTime);
    if (Number.isFinite(ms)) element.textContent = relativeTime(new Date(ms), now);
  }
}
