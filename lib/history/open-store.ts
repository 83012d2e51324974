/** Turns the `history` option into a store, and says whether Chatterbox owns (and so closes) it. */
import type { ChatLogger, HistoryOption, MessageStore } from '../options';
import { MemoryStore } from './memory-store';
import { PostgresStore } from './postgres-store';
import { SqliteStore } from './sqlite-store';

/** A store, whether Chatterbox created it, and how log lines name it. */
export interface StoreHandle {
  store: MessageStore;
  owned: boolean;
  /** Names the store in log lines. */
  label: string;
  /** Added to its log lines: the file, or the table and server (never credentials). */
  meta: Record<string, unknown>;
  /** True for the built-in persistent stores, which log their own outages once open. */
  reportsOutages: boolean;
}

/** Builds the store the option names; no I/O happens until `store.open()`. */
export function createStore(option: HistoryOption, logger: ChatLogger): StoreHandle {
  if (option === false) return describe(new MemoryStore({ maxMessages: 0 }), true);
  if ('append' in option) return describe(option, false);
  if ('memory' in option) return describe(new MemoryStore({ maxMessages: option.maxMessages }), true);
  const retention = { maxMessages: option.maxMessages, maxAgeDays: option.maxAgeDays };
  if ('sqlite' in option) return describe(new SqliteStore({ file: option.sqlite, ...retention, logger }), true);
  const target = option.postgres;
  const store =
    typeof target === 'string'
      ? new PostgresStore({ connectionString: target, ...retention, logger })
      : new PostgresStore({ pool: target, ...retention, logger });
  // The store never ends a pool the host passed in; it does close the one it made.
  return describe(store, true);
}

function describe(store: MessageStore, owned: boolean): StoreHandle {
  if (store instanceof SqliteStore) return { store, owned, label: 'SQLite message store', meta: { file: store.file }, reportsOutages: true };
  if (store instanceof PostgresStore) {
    return { store, owned, label: 'PostgreSQL message store', meta: { table: store.table, server: store.server }, reportsOutages: true };
  }
  return { store, owned, label: 'The message store', meta: {}, reportsOutages: false };
}
