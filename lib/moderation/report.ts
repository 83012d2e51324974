/**
 * Reports of a line by any user: checked, rate-limited per reporter, recorded for the moderators'
 * panel, and handed to the host's `onReport` hook. The reported user is never told.
 */
import { ownerOf } from '../chat/identity-keys';
import type { ChatContext } from '../chat/context';
import type { ChatSocket } from '../chat/socket-types';
import { ChatError } from '../protocol/error-codes';
import type { ReportReason } from '../protocol/payloads';
import { recordReport } from './moderation-log';

/** How many reports one person may make per window: enough for a real problem, too few to flood the panel. */
export const REPORTS_PER_WINDOW = 5;
/** The window of {@link REPORTS_PER_WINDOW}, in milliseconds. */
export const REPORT_WINDOW_MS = 10 * 60_000;

/**
 * Each reporter's recent report times, for one chat: {@link REPORTS_PER_WINDOW} per
 * {@link REPORT_WINDOW_MS}. Reporters whose window has passed are forgotten as others report.
 */
export class ReportAllowance {
  private readonly recent = new Map<string, number[]>();

  /** Milliseconds until `reporter` may report again; 0 (and counted) when it may now. */
  take(reporter: string, now: number): number {
    const times = (this.recent.get(reporter) ?? []).filter((time) => now - time < REPORT_WINDOW_MS);
    if (times.length >= REPORTS_PER_WINDOW) {
      this.recent.set(reporter, times);
      return REPORT_WINDOW_MS - (now - (times[0] ?? now));
    }
    times.push(now);
    // Re-inserted last, so the Map stays ordered by latest report and the stale ones lead.
    this.recent.delete(reporter);
    this.recent.set(reporter, times);
    this.forgetStale(now);
    return 0;
  }

  private forgetStale(now: number): void {
    for (const [reporter, times] of this.recent) {
      if (now - (times[times.length - 1] ?? 0) < REPORT_WINDOW_MS) return;
      this.recent.delete(reporter);
    }
  }
}

/** Reports message `id` of `room` for `reason` on behalf of `socket` (logged in), within its `allowance`. */
export async function reportMessage(
  context: ChatContext,
  allowance: ReportAllowance,
  socket: ChatSocket,
  room: string,
  id: number,
  reason: ReportReason,
): Promise<void> {
  const { nick, user, address } = socket.data;
  if (nick === undefined) throw new ChatError('NOT_LOGGED_IN');
  // A guest is known by name and address, so reconnecting does not bring a fresh allowance.
  const reporter = user === undefined ? `guest:${socket.data.nickKey ?? nick}:${address ?? ''}` : ownerOf(socket.data, socket.id);
  const wait = allowance.take(reporter, Date.now());
  if (wait > 0) throw new ChatError('RATE_LIMITED', `You have reported a lot just now; wait ${Math.ceil(wait / 60_000)} min`, wait);
  // The newest message of the room older than id + 1: the one reported, if it is there.
  const [message] = await context.store.before(room, id + 1, 1);
  if (message?.id !== id) throw new ChatError('INVALID_REQUEST', 'There is no such message to report');
  if (message.u === nick) throw new ChatError('INVALID_REQUEST', 'You cannot report your own message');
  await recordReport(context, { by: nick, reason, message: { id, u: message.u, m: message.m } });
  const hook = context.options.onReport;
  if (hook === undefined) return;
  try {
    await hook({
      reason,
      message: { id, u: message.u, m: message.m, room },
      reporter: { nick, userId: user?.id, admin: user?.admin === true, address: address ?? '' },
    });
  } catch (error) {
    // The report is recorded either way; the host's hook failing is the host's to see.
    context.logger.error('onReport(report) failed', { error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
}
