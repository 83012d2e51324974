/**
 * The `#nicks` list: everyone logged in, sorted case-insensitively, yourself marked. From a server
 * that sends presence digests it holds the pages it was given, shows the server's count, and
 * loads the next page from its "Show more" button.
 */
import { make } from '../dom';
import { foldNick } from '../../lib/protocol/nick';
import { strings } from '../strings';
import type { PeoplePage } from '../../lib/protocol/payloads';

/** Asks the server for the page after cursor `after`; `done` gets it, or undefined on failure. */
export type LoadPeople = (after: string, done: (page: PeoplePage | undefined) => void) => void;

const collator = new Intl.Collator(undefined, { sensitivity: 'base' });

function compareNicks(a: string, b: string): number {
  // A stable tie-break keeps `Bob` and `bob` (different people on some servers) in one order.
  return collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}

/** The list of users, rebuilt from `users` and kept current by `enter` and `exit`. */
export class NicksView {
  private readonly nicks = new Map<string, string>();
  private ownKey: string | null = null;
  /** From digests: how many are here in all (undefined: the list is everyone). */
  private total: number | undefined;
  /** From digests: where the next page starts (undefined: no more pages). */
  private next: string | undefined;
  private more: { button: HTMLButtonElement; load: LoadPeople; click: () => void } | undefined;
  private loading = false;

  constructor(
    private readonly list: HTMLElement,
    /** Where the number of people shows, if the page has such a place. */
    private readonly count: HTMLElement | null = null,
  ) {}

  /**
   * Pages with `load` from `button` ("Show more": a real button, so the keyboard reaches it),
   * shown while the server has more names than this list holds; returns the undo.
   */
  pageWith(button: HTMLButtonElement, load: LoadPeople): () => void {
    button.textContent = strings.showMorePeople;
    const click = (): void => this.loadMore();
    button.addEventListener('click', click);
    this.more = { button, load, click };
    this.render();
    return () => {
      button.removeEventListener('click', click);
      button.hidden = true;
      this.more = undefined;
    };
  }

  /** A presence digest's snapshot: the first page of names, the count and where the next page starts. */
  snapshot(names: readonly string[], count: number, next: string | undefined): void {
    this.total = count;
    this.next = next;
    this.replace(names);
  }

  /**
   * A presence digest's changes over a window: who left, who came, and the count now. Returns
   * those of `left` the list showed (a name that came and went unseen needs no "left" notice).
   */
  changed(count: number, entered: readonly string[], left: readonly string[]): string[] {
    this.total = count;
    const gone = left.filter((nick) => this.nicks.delete(foldNick(nick)));
    for (const nick of entered) this.nicks.set(foldNick(nick), nick);
    this.render();
    return gone;
  }

  /** Only the count is known to have changed (too many changes for names): show it. */
  setCount(count: number): void {
    this.total = count;
    this.render();
  }

  /** Replaces the whole list (a digest's count and next page stay until the next snapshot). */
  replace(nicks: readonly string[]): void {
    this.nicks.clear();
    for (const nick of nicks) this.nicks.set(foldNick(nick), nick);
    this.list.classList.remove('stale');
    this.render();
  }

  /** Adds someone who joined. */
  add(nick: string): void {
    this.nicks.set(foldNick(nick), nick);
    this.render();
  }

  /** Removes someone who left. */
  remove(nick: string): void {
    if (this.nicks.delete(foldNick(nick))) this.render();
  }

  /** Empties the list (logged out: the server no longer tells this page who is here). */
  clear(): void {
    this.nicks.clear();
    this.total = undefined;
    this.next = undefined;
    this.list.classList.remove('stale');
    this.render();
  }

  /** Marks the list as possibly out of date while disconnected; `replace` clears the mark. */
  setStale(stale: boolean): void {
    this.list.classList.toggle('stale', stale);
  }

  /** Marks your own nickname. */
  setOwnNick(nick: string | null): void {
    this.ownKey = nick === null ? null : foldNick(nick);
    this.render();
  }

  private render(): void {
    const doc = this.list.ownerDocument;
    const items = [...this.nicks.values()].sort(compareNicks).map((nick) => {
      const item = make(doc, 'li', 'nick', nick);
      item.dataset['nick'] = nick;
      if (foldNick(nick) === this.ownKey) {
        item.classList.add('own');
      } else {
        // A moderator's actions on this name; CSS shows it to moderators only. No text of its
        // own, so the item's text stays the bare name.
        const actions = make(doc, 'button', 'cb-nick-actions');
        actions.type = 'button';
        actions.dataset['nick'] = nick;
        actions.setAttribute('aria-label', strings.moderation.nickActions(nick));
        actions.setAttribute('aria-haspopup', 'dialog');
        item.append(actions);
      }
      return item;
    });
    this.list.replaceChildren(...items);
    const shown = Math.max(this.total ?? 0, items.length);
    if (this.count) this.count.textContent = shown > 0 ? String(shown) : '';
    if (this.more) {
      this.more.button.hidden = this.next === undefined || shown <= items.length;
      this.more.button.disabled = this.loading;
    }
  }

  private loadMore(): void {
    const { more, next } = this;
    if (more === undefined || next === undefined || this.loading) return;
    this.loading = true;
    this.render();
    more.load(next, (page) => {
      this.loading = false;
      if (page !== undefined) {
        this.total = page.count;
        this.next = page.next;
        for (const nick of page.names) this.nicks.set(foldNick(nick), nick);
      }
      this.render();
      // The button may have gone with the last page: keep the keyboard in the list.
      if (more.button.hidden && more.button.ownerDocument.activeElement === more.button) {
        this.list.tabIndex = -1;
        this.list.focus();
      }
    });
  }
}
