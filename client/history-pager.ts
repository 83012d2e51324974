/**
 * Pages back through messages the server left out (`history` with `meta.truncated`), asking
 * `history({ before })` until the gap is closed or the start of the history is reached.
 */
import type { ChatMessage } from '../lib/protocol/payloads';
import { ACK_TIMEOUT_MS, type ChatSocket } from './connection';
import { strings } from './strings';
import type { LogView } from './views/log';
import type { OlderButtonView } from './views/older-button';
import type { StatusView } from './views/status';

/** The messages missing below `before`, down to (not including) `floor`. */
interface Gap {
  before: number;
  floor: number;
}

function oldestId(messages: readonly ChatMessage[]): number | undefined {
  let oldest: number | undefined;
  for (const { id } of messages) if (oldest === undefined || id < oldest) oldest = id;
  return oldest;
}

/** Offers and loads earlier messages. */
export class HistoryPager {
  private gap: Gap | null = null;
  private loading = false;

  constructor(
    private readonly socket: ChatSocket,
    private readonly log: LogView,
    private readonly status: StatusView,
    private readonly button: OlderButtonView,
  ) {}

  /**
   * A `history` batch was truncated: messages after `heldBefore` (the page's lastId before the
   * batch, undefined on a first visit) and below the batch's oldest are missing.
   */
  truncated(messages: readonly ChatMessage[], heldBefore: number | undefined): void {
    const before = oldestId(messages);
    if (before === undefined) return;
    // An older gap not yet closed is closed by paging through this one down to its floor.
    const floor = this.gap?.floor ?? heldBefore ?? Number.NEGATIVE_INFINITY;
    this.gap = { before, floor };
    this.button.show();
  }

  /** Loads the next page back (the button's action). */
  loadOlder(): void {
    const gap = this.gap;
    if (!gap || this.loading) return;
    if (!this.socket.connected) {
      this.status.info(strings.olderOffline);
      return;
    }
    this.loading = true;
    this.button.setBusy(true);
    this.socket.timeout(ACK_TIMEOUT_MS).emit('history', { before: gap.before }, (err, ack) => {
      this.loading = false;
      this.button.setBusy(false);
      if (err) {
        this.status.error(strings.olderFailed);
        return;
      }
      if (!ack.ok) {
        this.status.error(strings.errorMessage(ack.error));
        return;
      }
      this.log.addMessages(ack.messages);
      // A reconnect meanwhile may have opened a newer gap; this answer is for the old one.
      if (this.gap !== gap) return;
      const oldest = oldestId(ack.messages);
      if (oldest === undefined || oldest <= gap.floor) this.close(oldest === undefined);
      else gap.before = oldest;
    });
  }

  private close(reachedStart: boolean): void {
    this.gap = null;
    // The button is going away: keep keyboard focus in the log rather than on <body>.
    if (this.button.hide()) this.log.focus();
    if (reachedStart) this.status.info(strings.olderNone);
  }
}
