/** Wires the header's search box to the socket and the rooms, when the page's markup has one. */
import type { ChatSocket } from '../connection';
import { byId } from '../dom';
import type { Rooms } from '../rooms/rooms';
import { MessageJumper } from './jump-to-message';
import { MessageSearch } from './message-search';
import { SearchPanelView } from './search-panel';

/**
 * Starts the search box; returns the function that removes its listeners. A customised copy of
 * the original page without `#search` simply has no search.
 */
export function startSearch(doc: Document, socket: ChatSocket, rooms: Pick<Rooms, 'select' | 'currentLog'>): () => void {
  const root = doc.getElementById('search');
  if (!root) return () => undefined;
  const jumper = new MessageJumper(socket, rooms);
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
    panel.destroy();
    jumper.destroy();
  };
}
