/** Turns the `history` option into a store, and says whether Chatterbox owns (and so closes) it. */
import type { HistoryOption } from '../options';
import { MemoryStore } from './memory-store';
import type { MessageStore } from './message-store';
import type { ChatLogger } from '../logger';

/** A store and whether Chatterbox created it. */
export interface StoreHandle {
  store: MessageStore;
  owned: boolean;
}

/** Builds the store the option names; no I/O happens until `store.open()`. */
export function createStore(option: HistoryOption, _logger: ChatLogger): StoreHandle {
  if (option === false) return { store: new MemoryStore({ maxMessages: 0 }), owned: true };
  if ('memory' in option) return { store: new MemoryStore({ maxMessages: option.maxMessages }), owned: true };
  if ('append' in option) return { store: option, owned: false };
  throw new TypeError('express-chatterbox: this history backend is not available yet');
}
