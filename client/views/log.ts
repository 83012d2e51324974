/**
 * The `#chat-data` log: messages in id order, each shown once, grouped by author and day, your
 * own pending lines, notices (a run of joins and leaves folded into one summary), and a scroll
 * position that follows new lines only while the reader is at the bottom.
 */
import type { ChatMessage, ReactionCounts } from '../../lib/protocol/payloads';
import { make } from '../dom';
import { makeActions, makeReplyQuote, markEdited, MESSAGE_ACTION_EVENT, REPLY_JUMP_EVENT, showReactions, type MessageAction, type MessageActionDetail } from '../log/extras';
import { makeAvatar } from '../log/avatar';
import { dayKey, dayLabel, setClockTime } from '../log/day';
import { foldNick } from '../../lib/protocol/nick';
import { renderText } from '../render-text';
import { strings } from '../strings';

/** Lines by one author closer together than this share one name, avatar and time. */
export const GROUP_WINDOW_MS = 5 * 60_000;
/** This many joins and leaves in a row fold into one summary line. */
export const PRESENCE_FOLD_AT = 3;

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
  /** The greatest change number (`rev`) seen for this log's room, for `lastRev` on reconnect. */
  private greatestRev: number | undefined;
  private ownKey: string | null = null;
  // Each rendered text's source, so a change of your own name can render mentions again.
  private readonly sources = new WeakMap<HTMLElement, string>();
  // The day separator standing before a line, both ways, so stale ones are found and removed.
  private readonly separatorOf = new WeakMap<HTMLElement, HTMLElement>();
  private readonly ownerOf = new WeakMap<HTMLElement, HTMLElement>();

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

  /** The greatest change number seen, for the handshake's or the join's `lastRev`. */
  get lastRev(): number | undefined {
    return this.greatestRev;
  }

  /** Notes a change number from `history`'s meta or an `edit`, `reactions` or `delete` event. */
  seenRev(rev: unknown): void {
    if (typeof rev === 'number' && Number.isSafeInteger(rev) && rev > (this.greatestRev ?? -1)) this.greatestRev = rev;
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
          // A replayed history may carry an edit or reactions this page missed.
          if (typeof message.editedTs === 'number') this.applyEdit(message.id, message.m, message.editedTs);
          if (message.reactions) this.applyReactions(message.id, message.reactions);
          // One of ours, acked before its broadcast: the server's time is the true one.
          const time = shown.querySelector('time');
          if (time) setClockTime(time, message.ts);
          if (Number.isFinite(message.ts)) shown.dataset['ts'] = String(message.ts);
          continue;
        }
        // `avatar` is not in the protocol yet: the hook for identify's image URL, when it comes.
        const line = this.messageLine(message.u, message.m, message.ts, (message as { avatar?: unknown }).avatar);
        line.dataset['id'] = String(message.id);
        this.decorate(line, message);
        this.lines.set(message.id, line);
        this.placeById(line, message.id);
        added++;
      }
    });
    if (added > 0 && this.marker && !this.atBottom()) this.marker.hidden = false;
    return added;
  }

  /**
   * Adds a notice that someone joined or left. A run of them folds into one quiet summary line
   * ("alice, bob and 3 others joined") that opens to show each.
   */
  addNotice(kind: 'enter' | 'exit', nick: string): void {
    const doc = this.list.ownerDocument;
    const now = Date.now();
    const line = make(doc, 'div', `notice ${kind}`);
    line.dataset['nick'] = nick;
    line.dataset['kind'] = kind;
    line.dataset['ts'] = String(now);
    line.classList.toggle('own', this.isOwn(nick));
    line.append(this.time(now), ' ', make(doc, 'span', 'text', kind === 'enter' ? strings.entered(nick) : strings.exited(nick)));
    this.keepingScroll(() => {
      const last = this.list.lastElementChild;
      if (last instanceof HTMLDetailsElement && last.classList.contains('presence')) {
        last.append(line);
        this.summarise(last);
        return;
      }
      const run: Element[] = [];
      for (let node = last; node?.classList.contains('notice'); node = node.previousElementSibling) run.unshift(node);
      if (run.length + 1 < PRESENCE_FOLD_AT) {
        this.list.append(line);
        return;
      }
      const fold = doc.createElement('details');
      fold.className = 'presence';
      fold.dataset['ts'] = (run[0] as HTMLElement).dataset['ts'] ?? String(now);
      fold.append(doc.createElement('summary'));
      run[0]?.before(fold);
      fold.append(...run, line);
      this.summarise(fold);
    });
  }

  /** Adds a line from the server itself (a `chat` event from SYSTEM, without an id); returns it. */
  addSystem(text: string): HTMLElement {
    const doc = this.list.ownerDocument;
    const line = make(doc, 'div', 'system');
    line.dataset['ts'] = String(Date.now());
    line.append(
      this.time(Date.now()),
      ' ',
      make(doc, 'span', 'nick', strings.systemNick),
      strings.nickSeparator,
      make(doc, 'span', 'text', text),
    );
    this.append(line);
    return line;
  }

  /** Shows one of your own messages before the server has stored it. */
  addPending(cid: string, text: string, nick: string, state: PendingState): void {
    const line = this.messageLine(nick, text, Date.now());
    line.dataset['cid'] = cid;
    line.classList.add('pending');
    this.bodyOf(line).append(' ', make(this.list.ownerDocument, 'span', 'state', strings.pending[state]));
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

  /** Its author edited message `id`: the new text, and an edited marker. */
  applyEdit(id: number, text: string, editedTs: number): void {
    const line = this.lines.get(id);
    const content = line?.querySelector<HTMLElement>('.text');
    if (!line || !content || typeof text !== 'string') return;
    this.sources.set(content, text);
    content.replaceChildren();
    line.classList.toggle('mentions-me', renderText(content, text, this.ownKey));
    markEdited(this.list.ownerDocument, this.bodyOf(line), editedTs);
  }

  /** Message `id`'s reactions changed: its chips show `counts`. */
  applyReactions(id: number, counts: ReactionCounts): void {
    const line = this.lines.get(id);
    if (line && typeof counts === 'object' && counts !== null) showReactions(this.list.ownerDocument, this.bodyOf(line), counts);
  }

  /** A message was deleted: quotes of it say so. */
  markReplyTargetDeleted(id: number): void {
    for (const quote of this.list.querySelectorAll<HTMLElement>(`.reply-quote[data-reply-to="${id}"]`)) {
      quote.replaceWith(makeReplyQuote(this.list.ownerDocument, { id, deleted: true }));
    }
  }

  /** A moderator removed message `id`: it leaves the page. */
  removeMessage(id: number): void {
    this.markReplyTargetDeleted(id);
    const line = this.lines.get(id);
    if (!line) return;
    this.lines.delete(id);
    this.keepingScroll(() => this.removeLine(line));
  }

  /** Brings the day separators' words up to date ("Today" becomes "Yesterday" at midnight). */
  refresh(): void {
    this.regroup();
  }

  /** The server stored a pending line as message `id`. */
  markDelivered(cid: string, id: number): void {
    const line = this.pending.get(cid);
    if (!line) return;
    this.pending.delete(cid);
    if (this.lines.has(id)) {
      // Its broadcast (or a replayed history) already put it on the page.
      this.keepingScroll(() => this.removeLine(line));
      return;
    }
    line.dataset['id'] = String(id);
    line.classList.remove('pending', 'failed');
    line.querySelector('.state')?.remove();
    this.bodyOf(line).append(makeActions(this.list.ownerDocument));
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
      this.bodyOf(line).append(' ', retry);
    }
  }

  /** Highlights the lines written by `nick` (or none). */
  setOwnNick(nick: string | null): void {
    this.ownKey = nick === null ? null : foldNick(nick);
    for (const text of this.list.querySelectorAll<HTMLElement>('.message .text')) {
      const raw = this.sources.get(text) ?? text.textContent ?? '';
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
    const button = target?.closest<HTMLElement>('button[data-action]');
    const line = button?.closest<HTMLElement>('.message[data-id]');
    if (button && line) {
      const content = line.querySelector<HTMLElement>('.text');
      const detail: MessageActionDetail = {
        action: button.dataset['action'] as MessageAction,
        id: Number(line.dataset['id']),
        nick: line.dataset['nick'] ?? '',
        text: (content && this.sources.get(content)) ?? content?.textContent ?? '',
      };
      this.list.dispatchEvent(new CustomEvent(MESSAGE_ACTION_EVENT, { bubbles: true, detail }));
      return;
    }
    const quoted = target?.closest<HTMLElement>('button.reply-jump')?.closest<HTMLElement>('.reply-quote')?.dataset['replyTo'];
    if (quoted !== undefined) {
      this.list.dispatchEvent(new CustomEvent(REPLY_JUMP_EVENT, { bubbles: true, detail: { id: Number(quoted) } }));
      return;
    }
    const cid = target?.closest('button.retry')?.closest<HTMLElement>('[data-cid]')?.dataset['cid'];
    if (cid === undefined) {
      this.toggleTapped(target?.closest<HTMLElement>('.message[data-id]') ?? null);
      return;
    }
    // The button goes away with the retry; keep keyboard focus in the log, not on <body>.
    this.list.focus();
    this.onRetry(cid);
  };

  /**
   * Touch screens cannot hover, so a line's actions appear for the line last tapped (style.css
   * shows them for `.tapped` under `hover: none`) instead of on every line at once.
   */
  private toggleTapped(line: HTMLElement | null): void {
    const previous = this.list.querySelector<HTMLElement>('.message.tapped');
    previous?.classList.remove('tapped');
    if (line !== null && line !== previous) line.classList.add('tapped');
  }

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
    setClockTime(time, ms);
    return time;
  }

  /** A message: avatar, then name and time, then the text (the name stays readable when grouped). */
  private messageLine(nick: string, text: string, ms: number, avatarUrl?: unknown): HTMLElement {
    const doc = this.list.ownerDocument;
    const line = make(doc, 'div', 'message');
    line.dataset['nick'] = nick;
    line.dataset['ts'] = String(Number.isFinite(ms) ? ms : Date.now());
    line.classList.toggle('own', this.isOwn(nick));
    const meta = make(doc, 'div', 'meta');
    meta.append(make(doc, 'span', 'nick', nick), make(doc, 'span', 'cb-visually-hidden', strings.nickSeparator), this.time(ms));
    const content = make(doc, 'div', 'text');
    this.sources.set(content, text);
    line.classList.toggle('mentions-me', renderText(content, text, this.ownKey));
    const body = make(doc, 'div', 'body');
    body.append(meta, content);
    // Report, and a moderator's actions: shown by CSS to whom they apply, built when pressed.
    const actions = make(doc, 'button', 'cb-line-actions');
    actions.type = 'button';
    actions.setAttribute('aria-label', strings.moderation.lineActions(nick));
    actions.setAttribute('aria-haspopup', 'dialog');
    line.append(makeAvatar(doc, nick, foldNick(nick), avatarUrl), body, actions);
    return line;
  }

  /** Adds a new line's reply quote, edited marker and reaction chips. */
  private decorate(line: HTMLElement, message: ChatMessage): void {
    const doc = this.list.ownerDocument;
    const body = this.bodyOf(line);
    if (message.replyTo && typeof message.replyTo.id === 'number') body.querySelector(':scope > .text')?.before(makeReplyQuote(doc, message.replyTo));
    if (typeof message.editedTs === 'number') markEdited(doc, body, message.editedTs);
    if (message.reactions) showReactions(doc, body, message.reactions);
    body.append(makeActions(doc));
  }

  private bodyOf(line: HTMLElement): HTMLElement {
    return line.querySelector<HTMLElement>(':scope > .body') ?? line;
  }

  private stateOf(line: HTMLElement): HTMLElement {
    const existing = line.querySelector<HTMLElement>('.state');
    if (existing) return existing;
    const state = make(this.list.ownerDocument, 'span', 'state');
    this.bodyOf(line).append(' ', state);
    return state;
  }

  /** Writes a presence fold's summary from the notices it holds. */
  private summarise(fold: HTMLDetailsElement): void {
    const joined: string[] = [];
    const left: string[] = [];
    for (const notice of fold.querySelectorAll<HTMLElement>('.notice')) {
      const nick = notice.dataset['nick'] ?? '';
      const list = notice.dataset['kind'] === 'exit' ? left : joined;
      if (!list.includes(nick)) list.push(nick);
    }
    const summary = fold.querySelector('summary');
    if (summary) summary.textContent = strings.presenceSummary(joined, left);
  }

  private removeLine(line: HTMLElement): void {
    this.separatorOf.get(line)?.remove();
    line.remove();
  }

  /**
   * Puts a day separator before the first line of each day and groups each message under the
   * previous one when the same author wrote both within {@link GROUP_WINDOW_MS}. Only what
   * changed is touched, so the live region does not announce the same separator twice.
   */
  private regroup(): void {
    const doc = this.list.ownerDocument;
    const now = Date.now();
    let previousDay: string | null = null;
    let previous: HTMLElement | null = null;
    for (const node of Array.from(this.list.children) as HTMLElement[]) {
      if (node.classList.contains('day')) {
        const owner = this.ownerOf.get(node);
        // Its line is gone, or was folded into a presence summary (which has its own).
        if (owner?.parentElement !== this.list || this.separatorOf.get(owner) !== node) node.remove();
        continue;
      }
      const ts = Number(node.dataset['ts']);
      const day: string | null = Number.isFinite(ts) ? dayKey(ts) : previousDay;
      let separator = this.separatorOf.get(node);
      if (day !== previousDay && Number.isFinite(ts)) {
        if (!separator) {
          separator = make(doc, 'div', 'day');
          separator.setAttribute('role', 'separator');
          this.separatorOf.set(node, separator);
          this.ownerOf.set(separator, node);
        }
        const label = dayLabel(ts, now);
        if (separator.textContent !== label) separator.textContent = label;
        if (node.previousElementSibling !== separator) node.before(separator);
        previous = null;
      } else if (separator) {
        separator.remove();
        this.separatorOf.delete(node);
      }
      previousDay = day;
      const isMessage = node.classList.contains('message');
      const grouped =
        isMessage &&
        previous !== null &&
        foldNick(previous.dataset['nick'] ?? '') === foldNick(node.dataset['nick'] ?? '') &&
        ts - Number(previous.dataset['ts']) < GROUP_WINDOW_MS &&
        ts >= Number(previous.dataset['ts']);
      if (node.classList.contains('grouped') !== grouped) node.classList.toggle('grouped', grouped);
      previous = isMessage ? node : null;
    }
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
    this.regroup();
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
