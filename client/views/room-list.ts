/** The `#room-list`: one button per room, the current one marked, each with its unread count. */
import { make } from '../dom';
import { strings } from '../strings';

/** What the list shows of a room. */
export interface RoomEntry {
  name: string;
  label: string;
  unread: number;
}

/** The list of rooms; `onSelect` receives the room a person picked. */
export class RoomListView {
  constructor(
    private readonly list: HTMLElement,
    private readonly onSelect: (room: string) => void,
  ) {
    list.addEventListener('click', this.handleClick);
  }

  /** Removes the listener this view added. */
  destroy(): void {
    this.list.removeEventListener('click', this.handleClick);
  }

  /** Redraws the list, keeping the keyboard focus on the same room's button. */
  render(rooms: readonly RoomEntry[], active: string): void {
    const doc = this.list.ownerDocument;
    const focused = (doc.activeElement as HTMLElement | null)?.closest<HTMLElement>('[data-room]')?.dataset['room'];
    const items = rooms.map((room) => {
      const item = make(doc, 'li', 'cb-room');
      const button = make(doc, 'button', 'cb-room-button');
      button.type = 'button';
      button.dataset['room'] = room.name;
      button.append(make(doc, 'span', 'cb-room-name', room.label));
      if (room.name === active) button.setAttribute('aria-current', 'true');
      if (room.unread > 0) {
        const badge = make(doc, 'span', 'cb-badge', String(room.unread));
        badge.append(make(doc, 'span', 'cb-visually-hidden', strings.rooms.unread(room.unread)));
        button.append(' ', badge);
      }
      item.append(button);
      return item;
    });
    this.list.replaceChildren(...items);
    if (focused !== undefined) {
      for (const button of this.list.querySelectorAll<HTMLElement>('[data-room]')) {
        if (button.dataset['room'] === focused) button.focus();
      }
    }
  }

  private readonly handleClick = (event: MouseEvent): void => {
    const target = event.target instanceof Element ? event.target : null;
    const room = target?.closest<HTMLElement>('[data-room]')?.dataset['room'];
    if (room !== undefined) this.onSelect(room);
  };
}
