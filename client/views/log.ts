/**
 * The `#chat-data` log: messages in id order, each shown once, your own pending lines, notices,
 * and a scroll position that follows new lines only while the reader is at the bottom.
 */
import type { ChatMessage } from '../../lib/protocol/payloads';
import { make } from '../dom';
import { setTime } from '../format-time';
import { foldNick } from '../../lib/protocol/nick';
import { renderText } from '../render-text';
import { strings } from '../strings';

/** Where one of your own lines stands before the server has stored it. */
export type PendingState = 'sending' | 'waiting';

// How far from the bottom (in CSS pixels) still counts as "at the bottom": zoom and
// sub-pixel layout leave a few pixels of slack.
const BOTTOM_SLACK = 4;

/** The log region; every text goes in through textContent, never as markup. */
export class LogView {
  private readonly lines = new Map<number, HTMLElement>();
  private readonly pending = new Map<string, HTMLElement>();
  private greatest: number | undefined;
  private ownKey: string | null = null;

  /** `onRetry` receives the `cid` of a failed line whose Retry button was pressed. */
  constructor(
    private readonly list: HTMLElement,
    private readonly onRetry: (cid: string) => void,
    /** The "new messages" button offered while the reader is scrolled up, if the page has one. */
    private readonly marker: HTMLButtonElement | null = null,
  ) {
    list.addEventListener('click', this.handleClick);
    list.addEventListener('scroll', this.handleScroll, { passive: true });
    marker?.addEventListener('click', this.handleMarker);
  }

  /** Removes the listeners this view added. */
  destroy(): void {
    this.list.removeEventListener('click', this.handleClick);
    this.list.removeEventListener('scroll', this.handleScroll);
    this.marker?.removeEventListener('click', this.handleMarker);
  }

  /** The log's element. */
  get element(): HTMLElement {
    return this.list;
  }

  /** Scrolls to the newest line (after the log was shown again). */
  scrollToEnd(): void {
    this.list.scrollTop = this.list.scrollHeight;
    if (this.marker) this.marker.hidden = true;
  }

  /** The greatest message id received from the server, for the handshake's `lastId`. */
  get lastId(): number | undefined {
    return this.greatest;
  }

  /** Moves the keyboard focus to the log (it is focusable so keyboards can scroll it). */
  focus(): void {
    this.list.focus();
  }

  /** Adds messages in id order, skipping those already shown; returns how many were new. */
  addMessages(messages: readonly ChatMessage[]): number {
    let added = 0;
    this.keepingScroll(() => {
      for (const message of messages) {
        if (!Number.isFinite(message.id)) continue;
        if (this.greatest === undefined || message.id > this.greatest) this.greatest = message.id;
        const shown = this.lines.get(message.id);
        if (shown) {
          // One of ours, acked before its broadcast: the server's time is the true one.
          const time = shown.querySelector('time');
          if (time) setTime(time, message.ts);
          continue;
        }
        const line = this.messageLine(message.u, message.m, message.ts);
        line.dataset['id'] = String(message.id);
        this.lines.set(message.id, line);
        this.placeById(line, message.id);
        added++;
      }
    });
    if (added > 0 && this.marker && !this.atBottom()) this.marker.hidden = false;
    return added;
  }

  /** Adds a notice that someone joined or left. */
  addNotice(kind: 'enter' | 'exit', nick: string): void {
    const line = make(this.list.ownerDocument, 'div', `notice ${kind}`);
    line.dataset['nick'] = nick;
    line.classList.toggle('own', this.isOwn(nick));
    line.append(
      this.time(Date.now()),
      ' ',
      make(this.list.ownerDocument, 'span', 'text', kind === 'enter' ? strings.entered(nick) : strings.exited(nick)),
    );
    this.append(line);
  }

  /** Adds a line from the server itself (a `chat` event from SYSTEM, without an id). */
  addSystem(text: string): void {
    const doc = this.list.ownerDocument;
    const line = make(doc, 'div', 'system');
    line.append(
      this.time(Date.now()),
      ' ',
      make(doc, 'span', 'nick', strings.systemNick),
      strings.nickSeparator,
      make(doc, 'span', 'text', text),
    );
    this.append(line);
  }

  /** Shows one of your own messages before the server has stored it. */
  addPending(cid: string, text: string, nick: string, state: PendingState): void {
    const line = this.messageLine(nick, text, Date.now());
    line.dataset['cid'] = cid;
    line.classList.add('pending');
    line.append(' ', make(this.list.ownerDocument, 'span', 'state', strings.pending[state]));
    this.pending.set(cid, line);
    // Your own line always scrolls into view: you just wrote it.
    this.append(line, true);
  }

  /** Shows a pending line as being sent, or as waiting for the connection. */
  setPendingState(cid: string, state: PendingState): void {
    const line = this.pending.get(cid);
    if (!line) return;
    line.classList.remove('failed');
    line.classList.add('pending');
    line.querySelector('button.retry')?.remove();
    this.stateOf(line).textContent = strings.pending[state];
  }

  /** A moderator removed message `id`: it leaves the page. */
  removeMessage(id: number): void {
    const line = this.lines.get(id);
    if (!line) return;
    this.lines.delete(id);
    this.keepingScroll(() => line.remove());
  }

  /** The server stored a pending line as message `id`. */
  markDelivered(cid: string, id: number): void {
    const line = this.pending.get(cid);
    if (!line) return;
    this.pending.delete(cid);
    if (this.lines.has(id)) {
      // Its broadcast (or a replayed history) already put it on the page.
      line.remove();
      return;
    }
    line.dataset['id'] = String(id);
    line.classList.remove('pending', 'failed');
    line.querySelector('.state')?.remove();
    this.lines.set(id, line);
  }

  /** The server refused a pending line: show why, and offer to send it again. */
  markFailed(cid: string, reason: string): void {
    const line = this.pending.get(cid);
    if (!line) return;
    const doc = this.list.ownerDocument;
    line.classList.remove('pending');
    line.classList.add('failed');
    this.stateOf(line).textContent = strings.pending.failed(reason);
    if (!line.querySelector('button.retry')) {
      const retry = make(doc, 'button', 'retry', strings.pending.retry);
      retry.type = 'button';
      retry.setAttribute('aria-label', strings.pending.retryLabel(line.querySelector('.text')?.textContent ?? ''));
      line.append(' ', retry);
    }
  }

  /** Highlights the lines written by `nick` (or none). */
  setOwnNick(nick: string | null): void {
    this.ownKey = nick === null ? null : foldNick(nick);
    for (const text of this.list.querySelectorAll<HTMLElement>('.message .text')) {
      const raw = text.textContent ?? '';
      text.replaceChildren();
      text.closest('.message')?.classList.toggle('mentions-me', renderText(text, raw, this.ownKey));
    }
    for (const line of this.list.querySelectorAll<HTMLElement>('[data-nick]')) {
      if (line.classList.contains('pending') || line.classList.contains('failed')) continue;
      line.classList.toggle('own', this.isOwn(line.dataset['nick'] ?? ''));
    }
  }

  private readonly handleClick = (event: MouseEvent): void => {
    const target = event.target instanceof Element ? event.target : null;
    const cid = target?.closest('button.retry')?.closest<HTMLElement>('[data-cid]')?.dataset['cid'];
    if (cid === undefined) return;
    // The button goes away with the retry; keep keyboard focus in the log, not on <body>.
    this.list.focus();
    this.onRetry(cid);
  };

  private readonly handleScroll = (): void => {
    if (this.marker && !this.marker.hidden && this.atBottom()) this.marker.hidden = true;
  };

  private readonly handleMarker = (): void => {
    this.scrollToEnd();
    this.list.focus();
  };

  private atBottom(): boolean {
    const list = this.list;
    return list.scrollHeight - list.scrollTop - list.clientHeight <= BOTTOM_SLACK;
  }

  private isOwn(nick: string): boolean {
    return this.ownKey !== null && foldNick(nick) === this.ownKey;
  }

  private time(ms: number): HTMLTimeElement {
    const time = this.list.ownerDocument.createElement('time');
    setTime(time, ms);
    return time;
  }

  private messageLine(nick: string, text: string, ms: number): HTMLElement {
    const doc = this.list.ownerDocument;
    const line = make(doc, 'div', 'message');
    line.dataset['nick'] = nick;
    line.classList.toggle('own', this.isOwn(nick));
    const body = make(doc, 'span', 'text');
    line.classList.toggle('mentions-me', renderText(body, text, this.ownKey));
    line.append(this.time(ms), ' ', make(doc, 'span', 'nick', nick), strings.nickSeparator, body);
    return line;
  }

  private stateOf(line: HTMLElement): HTMLElement {
    const existing = line.querySelector<HTMLElement>('.state');
    if (existing) return existing;
    const state = make(this.list.ownerDocument, 'span', 'state');
    line.append(' ', state);
    return state;
  }

  private append(line: HTMLElement, alwaysScroll = false): void {
    this.keepingScroll(() => this.list.append(line), alwaysScroll);
  }

  /** Inserts after the last line with a smaller id; lines without an id keep their places. */
  private placeById(line: HTMLElement, id: number): void {
    let before: Element | null = null;
    for (let node = this.list.lastElementChild; node; node = node.previousElementSibling) {
      const other = (node as HTMLElement).dataset['id'];
      if (other === undefined) continue;
      if (Number(other) < id) break;
      before = node;
    }
    this.list.insertBefore(line, before);
  }

  /**
   * Runs a change to the log, then scrolls to the newest line if the reader was at the bottom
   * before it; otherwise keeps the first visible line where it was, so lines inserted above
   * (earlier messages, a replayed gap) do not move what is being read.
   */
  private keepingScroll(change: () => void, alwaysScroll = false): void {
    const list = this.list;
    const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight <= BOTTOM_SLACK;
    const anchor = atBottom || alwaysScroll ? null : this.firstVisibleLine();
    const anchorTop = anchor?.getBoundingClientRect().top ?? 0;
    change();
    if (atBottom || alwaysScroll) {
      list.scrollTop = list.scrollHeight;
    } else if (anchor?.isConnected) {
      list.scrollTop += anchor.getBoundingClientRect().top - anchorTop;
    }
  }

  private firstVisibleLine(): Element | null {
    const top = this.list.getBoundingClientRect().top;
    for (const line of this.list.children) {
      if (line.getBoundingClientRect().bottom > top) return line;
    }
    return null;
  }
}
