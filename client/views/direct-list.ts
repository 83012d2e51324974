/** The `#direct-list`: one button per direct conversation, newest first, each with its unread badge. */
import { make } from '../dom';
import { strings } from '../strings';

/** What the list shows of a conversation (or, first, of the main room to go back to). */
export interface DirectEntry {
  room: string;
  label: string;
  unread: number;
}

/** The list of conversations; `onSelect` receives the room a person picked. */
export class DirectListView {
  constructor(
    private readonly list: HTMLElement,
    private readonly cap: number,
    private readonly onSelect: (room: string) => void,
  ) {
    list.addEventListener('click', this.handleClick);
  }

  /** Removes the listener this view added. */
  destroy(): void {
    this.list.removeEventListener('click', this.handleClick);
  }

  /** Redraws the list, keeping the keyboard focus on the same conversation's button. */
  render(entries: readonly DirectEntry[], active: string): void {
    const doc = this.list.ownerDocument;
    const focused = (doc.activeElement as HTMLElement | null)?.closest<HTMLElement>('[data-direct]')?.dataset['direct'];
    const items = entries.map((entry) => {
      const item = make(doc, 'li', 'cb-room');
      const button = make(doc, 'button', 'cb-room-button');
      button.type = 'button';
      button.dataset['direct'] = entry.room;
      // The name says it all: "bob, 3 unread"; the badge repeats it for the eye only.
      button.setAttribute('aria-label', strings.direct.entry(entry.label, entry.unread, this.cap));
      button.append(make(doc, 'span', 'cb-room-name', entry.label));
      if (entry.room === active) button.setAttribute('aria-current', 'true');
      if (entry.unread > 0) {
        const badge = make(doc, 'span', 'cb-badge', strings.direct.badge(entry.unread, this.cap));
        badge.setAttribute('aria-hidden', 'true');
        button.append(' ', badge);
      }
      item.append(button);
      return item;
    });
    this.list.replaceChildren(...items);
    if (focused !== undefined) {
      for (const button of this.list.querySelectorAll<HTMLElement>('[data-direct]')) {
        if (button.dataset['direct'] === focused) button.focus();
      }
    }
  }

  private readonly handleClick = (event: MouseEvent): void => {
    const target = event.target instanceof Element ? event.target : null;
    const room = target?.closest<HTMLElement>('[data-direct]')?.dataset['direct'];
    if (room !== undefined) this.onSelect(room);
  };
}
