/**
 * Takes the reader to a search result: opens its room, pages `history({ room, before })` back
 * until the message is in the log (a bounded number of pages), then scrolls to it, highlights it
 * for a moment and gives it the keyboard focus.
 */
import type { HistoryAck, HistoryRequest } from '../../lib/protocol/payloads';
import { ACK_TIMEOUT_MS, type ChatSocket } from '../connection';
import type { Rooms } from '../rooms/rooms';
import { strings } from '../strings';
import type { LogView } from '../views/log';

/** How many messages one `history` page asks for while looking for a result. */
export const JUMP_PAGE_SIZE = 100;
/** How many pages back a jump goes before it gives up (so at most 1,000 messages are loaded). */
export const JUMP_MAX_PAGES = 10;
/** How long a found message stays highlighted. */
const HIGHLIGHT_MS = 2500;

/** Where a jump ended: shown, or the words saying why not. */
export type JumpResult = { shown: true } | { shown: false; reason: string };

function lineOf(log: LogView, id: number): HTMLElement | null {
  return log.element.querySelector<HTMLElement>(`.message[data-id="${id}"]`);
}

/** The smallest id the log holds above `id`: paging back from there closes any gap down to it. */
function pageStart(log: LogView, id: number): number {
  let start = id + 1;
  for (const line of log.element.querySelectorAll<HTMLElement>('.message[data-id]')) {
    const other = Number(line.dataset['id']);
    if (other > id && (start === id + 1 || other < start)) start = other;
  }
  return start;
}

/** Brings messages into view by id. */
export class MessageJumper {
  private highlighted: { line: HTMLElement; timer: ReturnType<typeof setTimeout> } | null = null;

  constructor(
    private readonly socket: ChatSocket,
    private readonly rooms: Pick<Rooms, 'select' | 'currentLog'>,
  ) {}

  /**
   * Shows message `id` of `room` (its log loaded back as far as needed). `wanted` is asked before
   * each page and before the focus moves: a jump the reader has moved on from stops there.
   */
  async jump(room: string, id: number, wanted: () => boolean = () => true): Promise<JumpResult> {
    this.rooms.select(room);
    const log = this.rooms.currentLog;
    for (let page = 0; ; page++) {
      const line = lineOf(log, id);
      if (line) {
        if (wanted()) this.reveal(line);
        return { shown: true };
      }
      if (page === JUMP_MAX_PAGES) return { shown: false, reason: strings.search.tooFar };
      if (!this.socket.connected) return { shown: false, reason: strings.search.offline };
      const request: HistoryRequest = { before: pageStart(log, id), limit: JUMP_PAGE_SIZE };
      if (room !== '') request.room = room;
      const ack = await this.history(request);
      if (!wanted()) return { shown: false, reason: '' };
      if (!ack) return { shown: false, reason: strings.noAnswer };
      if (!ack.ok) return { shown: false, reason: strings.errorMessage(ack.error) };
      const messages = ack.messages;
      log.addMessages(messages);
      // The page reached below the message without it: it was deleted since the search.
      if (!lineOf(log, id) && (messages.length === 0 || messages.some((message) => message.id < id))) {
        return { shown: false, reason: strings.search.gone };
      }
    }
  }

  /** Stops the highlight's timer. */
  destroy(): void {
    this.unhighlight();
  }

  /** One page of `history`; null when the server did not answer in time. */
  private history(request: HistoryRequest): Promise<HistoryAck | null> {
    return new Promise((resolve) => {
      this.socket.timeout(ACK_TIMEOUT_MS).emit('history', request, (err, ack) => resolve(err ? null : ack));
    });
  }

  private reveal(line: HTMLElement): void {
    this.unhighlight();
    // Focusable from script only: the log itself stays the one tab stop among its lines.
    line.tabIndex = -1;
    line.scrollIntoView({ block: 'center' });
    line.focus({ preventScroll: true });
    line.classList.add('cb-found');
    this.highlighted = { line, timer: setTimeout(() => this.unhighlight(), HIGHLIGHT_MS) };
  }

  private unhighlight(): void {
    if (!this.highlighted) return;
    clearTimeout(this.highlighted.timer);
    this.highlighted.line.classList.remove('cb-found');
    this.highlighted = null;
  }
}
