/** Day separators: which calendar day a time falls on, and its label ("Today", "Yesterday", a date). */
import { strings } from '../strings';

const dateLabel = new Intl.DateTimeFormat(strings.locale, { weekday: 'long', month: 'long', day: 'numeric' });
const dateWithYear = new Intl.DateTimeFormat(strings.locale, { dateStyle: 'full' });
const clock = new Intl.DateTimeFormat(strings.locale, { hour: 'numeric', minute: '2-digit' });
const full = new Intl.DateTimeFormat(strings.locale, { dateStyle: 'full', timeStyle: 'medium' });

/** The local calendar day of `ms`, as a comparable key ("2026-12-05"). */
export function dayKey(ms: number): string {
  const date = new Date(ms);
  return `${date.getFullYear()}-${date.getMonth() + 1}-${date.getDate()}`;
}

/** "Today", "Yesterday", "Thursday, December 3" or, in another year, the full date. */
export function dayLabel(ms: number, now: number = Date.now()): string {
  if (dayKey(ms) === dayKey(now)) return strings.today;
  const yesterday = new Date(now);
  yesterday.setDate(yesterday.getDate() - 1);
  if (dayKey(ms) === dayKey(yesterday.getTime())) return strings.yesterday;
  const date = new Date(ms);
  return date.getFullYear() === new Date(now).getFullYear() ? dateLabel.format(date) : dateWithYear.format(date);
}

/** Fills a `<time>` with the clock time ("14:05"), the exact time as its tooltip, and `datetime`. */
export function setClockTime(element: HTMLTimeElement, ms: number): void {
  // A malformed timestamp must not throw from toISOString and take the line with it.
  const date = new Date(Number.isFinite(ms) ? ms : Date.now());
  element.dateTime = date.toISOString();
  element.textContent = clock.format(date);
  element.title = full.format(date);
}
