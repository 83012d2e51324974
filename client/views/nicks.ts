/** The `#nicks` list: everyone logged in, sorted case-insensitively, yourself marked. */
import { make } from '../dom';
import { foldNick } from '../../lib/protocol/nick';
import { strings } from '../strings';

const collator = new Intl.Collator(undefined, { sensitivity: 'base' });

function compareNicks(a: string, b: string): number {
  // A stable tie-break keeps `Bob` and `bob` (different people on some servers) in one order.
  return collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}

/** The list of users, rebuilt from `users` and kept current by `enter` and `exit`. */
export class NicksView {
  private readonly nicks = new Map<string, string>();
  private ownKey: string | null = null;

  constructor(
    private readonly list: HTMLElement,
    /** Where the number of people shows, if the page has such a place. */
    private readonly count: HTMLElement | null = null,
  ) {}

  /** Replaces the whole list. */
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
    if (this.count) this.count.textContent = items.length > 0 ? String(items.length) : '';
  }
}
