/** Turns the `history` option into a store, and says whether Chatterbox owns (and so closes) it. */
import type { ChatLogger, HistoryOption, MessageStore } from '../options';
import { MemoryStore } from './memory-store';
import { PostgresStore } from './postgres-store';
import { SqliteStore } from './sqlite-store';

/** A store and whether Chatterbox created it. */
export interface StoreHandle {
  store: MessageStore;
  owned: boolean;
}

/** Builds the store the option names; no I/O happens until `store.open()`. */
export function createStore(option: HistoryOption, logger: ChatLogger): StoreHandle {
  if (option === false) return { store: new MemoryStore({ maxMessages: 0 }), owned: true };
  if ('append' in option) return { store: option, owned: false };
  if ('memory' in option) return { store: new MemoryStore({ maxMessages: option.maxMessages }), owned: true };
  const retention = { maxMessages: option.maxMessages, maxAgeDays: option.maxAgeDays };
  if ('sqlite' in option) return { store: new SqliteStore({ file: option.sqlite, ...retention, logger }), owned: true };
  const target = option.postgres;
  const store =
    typeof target === 'string'
      ? new PostgresStore({ connectionString: target, ...retention, logger })
      : new PostgresStore({ pool: target, ...retention, logger });
  // The store never ends a pool the host passed in; it does close the one it made.
  return { store, owned: true };
}
