/** Formats message times for the log: the clock for today, the date too for older lines. */

const clock = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dated = new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'short' });
const full = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'medium' });

/** Fills a `<time>` element for `ms` since the epoch: short visible text, full text as a tooltip. */
export function setTime(element: HTMLTimeElement, ms: number, now: Date = new Date()): void {
  // A malformed timestamp must not throw from toISOString and take the line with it.
  const date = Number.isFinite(ms) ? new Date(ms) : now;
  const sameDay = date.toDateString() === now.toDateString();
  element.dateTime = date.toISOString();
  element.textContent = (sameDay ? clock : dated).format(date);
  element.title = full.format(date);
}
