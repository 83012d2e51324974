/**
 * The header's search box and its results panel: the page's own `#search-*` elements, a list of
 * results (one button each, with the matched words marked), "More results", the keyboard (`/` or
 * Ctrl+K to focus the box, arrows between results, Escape to close) and every listener removed.
 */
import type { SearchHit } from '../../lib/protocol/payloads';
import { make } from '../dom';
import { strings } from '../strings';
import { appendHighlighted } from './highlight';

/** The page's elements the panel works with. */
export interface SearchPanelElements {
  /** Holds the form and the panel: focus and clicks inside it belong to the search. */
  root: HTMLElement;
  form: HTMLFormElement;
  input: HTMLInputElement;
  panel: HTMLElement;
  status: HTMLElement;
  list: HTMLElement;
  more: HTMLButtonElement;
}

/** What the panel asks of whoever runs the search. */
export interface SearchPanelActions {
  search(query: string): void;
  more(): void;
  /** A result was activated (its button is still in the panel). */
  pick(hit: SearchHit, button: HTMLButtonElement): void;
}

const when = new Intl.DateTimeFormat(strings.locale, { dateStyle: 'medium', timeStyle: 'short' });

/** The search box and its results. */
export class SearchPanelView {
  private readonly hits = new WeakMap<Element, SearchHit>();

  constructor(
    private readonly parts: SearchPanelElements,
    private readonly actions: SearchPanelActions,
  ) {
    const { root, form, input, list, more } = parts;
    const doc = root.ownerDocument;
    input.placeholder = strings.search.placeholder;
    input.labels?.[0]?.replaceChildren(strings.search.label);
    more.textContent = strings.search.more;
    form.addEventListener('submit', this.handleSubmit);
    root.addEventListener('keydown', this.handleKey);
    root.addEventListener('focusout', this.handleLeave);
    list.addEventListener('click', this.handlePick);
    more.addEventListener('click', this.handleMore);
    doc.addEventListener('keydown', this.handleShortcut);
    doc.addEventListener('pointerdown', this.handleLeave);
  }

  /** Removes the listeners this view added. */
  destroy(): void {
    const { root, form, list, more } = this.parts;
    const doc = root.ownerDocument;
    form.removeEventListener('submit', this.handleSubmit);
    root.removeEventListener('keydown', this.handleKey);
    root.removeEventListener('focusout', this.handleLeave);
    list.removeEventListener('click', this.handlePick);
    more.removeEventListener('click', this.handleMore);
    doc.removeEventListener('keydown', this.handleShortcut);
    doc.removeEventListener('pointerdown', this.handleLeave);
  }

  /** Whether the results are on screen. */
  get isOpen(): boolean {
    return !this.parts.panel.hidden;
  }

  /** Shows the panel, empty, for a new query. */
  reset(): void {
    this.parts.list.replaceChildren();
    this.parts.more.hidden = true;
    this.parts.panel.hidden = false;
  }

  /** Hides the results; the focus goes back to the box when it was in the panel, or when asked. */
  close(focusInput = false): void {
    const { panel, input } = this.parts;
    const hadFocus = panel.contains(panel.ownerDocument.activeElement);
    panel.hidden = true;
    if (focusInput || hadFocus) input.focus();
  }

  /** The panel's one line of state: loading, a count, nothing found, an error. */
  setStatus(text: string, error = false): void {
    const { status, panel } = this.parts;
    panel.hidden = false;
    status.textContent = text;
    status.classList.toggle('error', error);
  }

  /** Offers "More results" (or withdraws it), and shows when they are loading. */
  setMore(offered: boolean, busy = false): void {
    const { more, list } = this.parts;
    if (!offered && more.ownerDocument.activeElement === more) {
      // The button is going away: keep the keyboard in the list, not on <body>.
      [...list.querySelectorAll('button')].at(-1)?.focus();
    }
    more.hidden = !offered;
    if (busy) more.setAttribute('aria-disabled', 'true');
    else more.removeAttribute('aria-disabled');
    more.textContent = busy ? strings.search.loadingMore : strings.search.more;
  }

  /**
   * Appends a page of results, `terms` marked in each; when "More results" held the focus, the
   * first new result takes it, so a keyboard reads on from where the page ended.
   */
  addHits(hits: readonly SearchHit[], terms: readonly string[]): void {
    const { list, more } = this.parts;
    const doc = list.ownerDocument;
    const moreHadFocus = doc.activeElement === more;
    let first: HTMLButtonElement | null = null;
    for (const hit of hits) {
      const button = make(doc, 'button', 'cb-search-hit');
      button.type = 'button';
      const time = doc.createElement('time');
      const date = new Date(Number.isFinite(hit.ts) ? hit.ts : 0);
      time.dateTime = date.toISOString();
      time.textContent = when.format(date);
      const meta = make(doc, 'span', 'cb-search-meta');
      meta.append(make(doc, 'span', 'nick', String(hit.u)), ' ', time);
      if (hit.room !== '') meta.append(' ', make(doc, 'span', 'cb-search-room', strings.search.inRoom(String(hit.room))));
      const text = make(doc, 'span', 'cb-search-text');
      appendHighlighted(text, String(hit.m), terms);
      button.append(meta, make(doc, 'span', 'cb-visually-hidden', strings.nickSeparator), text);
      this.hits.set(button, hit);
      const item = doc.createElement('li');
      item.append(button);
      list.append(item);
      first ??= button;
    }
    if (moreHadFocus && first) first.focus();
  }

  /** Moves the focus to the search box, selecting what it holds. */
  focusInput(): void {
    this.parts.input.focus();
    this.parts.input.select();
  }

  private readonly handleSubmit = (event: SubmitEvent): void => {
    event.preventDefault();
    this.actions.search(this.parts.input.value);
  };

  private readonly handlePick = (event: MouseEvent): void => {
    const button = event.target instanceof Element ? event.target.closest('button') : null;
    const hit = button ? this.hits.get(button) : undefined;
    if (button && hit) this.actions.pick(hit, button);
  };

  private readonly handleMore = (): void => {
    if (this.parts.more.getAttribute('aria-disabled') !== 'true') this.actions.more();
  };

  /** Escape closes; the arrows walk the results (and "More results"). */
  private readonly handleKey = (event: KeyboardEvent): void => {
    const { input, list, more } = this.parts;
    if (event.key === 'Escape') {
      if (!this.isOpen) return;
      // Consumed: not the widget's close, nor the search field's own clearing.
      event.preventDefault();
      event.stopPropagation();
      this.close(true);
      return;
    }
    if (!this.isOpen || (event.key !== 'ArrowDown' && event.key !== 'ArrowUp')) return;
    const stops: HTMLElement[] = [...list.querySelectorAll<HTMLElement>('button')];
    if (!more.hidden) stops.push(more);
    const at = stops.indexOf(event.target as HTMLElement);
    // In the box only ArrowDown leaves it; the other keys keep their meaning in the text.
    if (event.target === input ? event.key !== 'ArrowDown' : at === -1) return;
    const next = event.key === 'ArrowDown' ? at + 1 : at - 1;
    event.preventDefault();
    if (next < 0) input.focus();
    else stops[Math.min(next, stops.length - 1)]?.focus();
  };

  /**
   * A press outside the search, or the focus tabbing out of it, closes the results (they cover the
   * log). A window losing the focus (`relatedTarget` null) leaves them open.
   */
  private readonly handleLeave = (event: PointerEvent | FocusEvent): void => {
    const to = event instanceof FocusEvent ? event.relatedTarget : event.target;
    if (this.isOpen && to instanceof Node && !this.parts.root.contains(to)) this.close();
  };

  /** `/` (outside any text field) or Ctrl+K / ⌘K focuses the box, as in most chats. */
  private readonly handleShortcut = (event: KeyboardEvent): void => {
    if (event.defaultPrevented || event.altKey) return;
    const target = event.target instanceof HTMLElement ? event.target : null;
    const typing = target !== null && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
    const slash = event.key === '/' && !event.ctrlKey && !event.metaKey && !typing;
    const commandK = event.key.toLowerCase() === 'k' && (event.ctrlKey || event.metaKey) && !event.shiftKey;
    // A dialog that is open (a confirmation, the moderators' panel) keeps the keyboard.
    if (!(slash || commandK) || target?.closest('dialog')) return;
    event.preventDefault();
    this.focusInput();
  };
}
