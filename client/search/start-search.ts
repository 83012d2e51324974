/** Wires the header's search box (when the page's markup has one) and reply quotes to the message jumper. */
import type { ChatSocket } from '../connection';
import { byId } from '../dom';
import type { Rooms } from '../rooms/rooms';
import { REPLY_JUMP_EVENT } from '../log/extras';
import { MessageJumper } from './jump-to-message';
import { MessageSearch } from './message-search';
import { SearchPanelView } from './search-panel';

/**
 * Starts the search box; returns the function that removes its listeners. A customised copy of
 * the original page without `#search` simply has no search.
 */
export function startSearch(doc: Document, socket: ChatSocket, rooms: Pick<Rooms, 'select' | 'currentLog' | 'current'>): () => void {
  const jumper = new MessageJumper(socket, rooms);
  // A reply's quote takes the reader to the message it answers, in the same room, the same way.
  const toOriginal = (event: Event): void => {
    const { id } = (event as CustomEvent<{ id: number }>).detail;
    if (Number.isSafeInteger(id)) void jumper.jump(rooms.current, id);
  };
  doc.addEventListener(REPLY_JUMP_EVENT, toOriginal);
  const root = doc.getElementById('search');
  if (!root) {
    return () => {
      doc.removeEventListener(REPLY_JUMP_EVENT, toOriginal);
      jumper.destroy();
    };
  }
  // The panel's actions run the search, which is made just after it: both refer to each other.
  const panel = new SearchPanelView(
    {
      root,
      form: byId(doc, 'search-form', HTMLFormElement),
      input: byId(doc, 'search-input', HTMLInputElement),
      panel: byId(doc, 'search-panel', HTMLElement),
      status: byId(doc, 'search-status', HTMLElement),
      list: byId(doc, 'search-results', HTMLElement),
      more: byId(doc, 'search-more', HTMLButtonElement),
    },
    { search: (q) => search.search(q), more: () => search.more(), pick: (hit) => search.pick(hit) },
  );
  const search = new MessageSearch(socket, jumper, panel);
  return () => {
    doc.removeEventListener(REPLY_JUMP_EVENT, toOriginal);
    panel.destroy();
    jumper.destroy();
  };
}
