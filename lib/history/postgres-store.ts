/** The message store for several processes behind a load balancer: one PostgreSQL table. */
import { Socket } from 'node:net';
import { settleWithin } from '../chat/deadline';
import { consoleLogger, type ChatLogger } from '../options/logger';
import { ChatOptionError } from '../options/option-error';
import { ChatError } from '../protocol/error-codes';
import { toChatMessage, UNREAD_CAP, withExtras, type ChatMessage, type ConversationSummary, type ReactionCounts, type SearchHit } from '../protocol/payloads';
import type {
  AppendResult,
  ChangesAfter,
  MessageChange,
  MessageChangeRef,
  MessageStore,
  MessagesAfter,
  NewMessage,
  ReactResult,
  SearchQuery,
  StoredMessage,
} from '../options/message-store';
import { conversationParties } from './conversation-parties';
import { loadPg, type PgPoolLike } from './load-pg';
import { migratePostgres } from './sql/postgres-migrations';
import { APPEND_LOCK_CLASS, CHANGE_LOCK_CLASS, postgresNames, type PostgresNames } from './sql/postgres-names';
import { replyRefOf, replySelect, type ReplyColumns } from './sql/reply-columns';
import { assertReadArguments, assertStorableMessage } from './sql/storable-input';
import { checkOptionKeys, resolveRetention, showValue, type Retention, type RetentionOptions } from './sql/store-options';
import { OutageLog, describeCause } from './store-errors';

/** Options of {@link PostgresStore}; give exactly one of `connectionString` and `pool`. */
export interface PostgresStoreOptions extends RetentionOptions {
  /** Where to connect, e.g. `postgresql://chat@db/chat`; the store creates a pool and ends it on `close()`. */
  connectionString?: string;
  /** The host's `pg.Pool`; the store uses it but never ends it. */
  pool?: PgPoolLike;
  /**
   * The messages table, `name` or `schema.name`; it and `<table>_migrations` are created if
   * missing. Spell it the same way in every process. Defaults to `chatterbox_messages`.
   */
  table?: string;
  /** Where an outage is reported (once when it starts, once when it ends). Defaults to the console. */
  logger?: ChatLogger;
}

const OPTION_NAMES = ['connectionString', 'pool', 'table', 'maxMessages', 'maxAgeDays', 'logger'] as const;

/** The part of `pg.Pool#options` that names the server in logs. */
interface PoolSettings {
  connectionString?: string | undefined;
  host?: string | undefined;
  port?: number | undefined;
  database?: string | undefined;
}

interface Row extends ReplyColumns {
  id: string | number;
  u: string;
  m: string;
  ts: string | number;
  edited_ts: string | number | null;
}

interface RoomRow extends Row {
  room: string;
}

interface KeyedRow extends RoomRow {
  author_key: string | null;
}

/** A row of the changes log (kinds: 1 edited, 2 reactions, 4 deleted, as in SQLite). */
interface ChangeRow {
  message_id: string | number;
  rev: string | number;
  kinds: number;
}

/** The bits of the changes log's `kinds`. */
const EDITED = 1;
const REACTED = 2;
const DELETED = 4;

/** A pooled connection inside a transaction. */
type PgClient = Awaited<ReturnType<PgPoolLike['connect']>>;

/** An append waiting for the next batch insert. */
interface PendingAppend {
  input: NewMessage;
  /** `authorKey` as stored: '' when there is a cid but no author, so that retries still conflict. */
  authorKey: string | null;
  resolve(result: AppendResult): void;
  reject(error: unknown): void;
}

/** How long close() lets requests under way finish before cutting the store's own connections. */
const CLOSE_GRACE_MS = 3_000;

/** At most this many appends share one INSERT; bounds how long the table's lock is held. */
const MAX_BATCH = 100;

/** The SQL text of every query, built once the table's lock key is known. */
interface Queries {
  insert: string;
  byClientId: string;
  latest: string;
  before: string;
  after: string;
  pruneByCount: string;
  pruneByAge: string;
  byId: string;
  edit: string;
  delete: string;
  reactionCounts: string;
  lockMessage: string;
  removeReaction: string;
  distinctReactions: string;
  addReaction: string;
  search: string;
  block: string;
  unblock: string;
  isBlocked: string;
  lockChanges: string;
  logChange: string;
  byIds: string;
  pruneChanges: string;
  changesAfter: string;
  currentRev: string;
  /** Upserts conversation records keeping (`noteKeep`) or replacing (`noteRename`) the shown name. */
  noteKeep: string;
  noteRename: string;
  conversations: string;
  markRead: string;
}

/** One user's conversation record as a batch of appends leaves it. */
interface ConversationNote {
  userKey: string;
  room: string;
  withNick: string;
  /** The other user wrote in this batch: show their name as they wrote it. */
  rename: boolean;
  lastId: number;
  lastTs: number;
  readId: number;
}

/**
 * Keeps messages in a PostgreSQL table shared by any number of processes. Ids increase in commit
 * order across all of them (see {@link PostgresStore.append}), so a reader paging with
 * `after(lastId)` never skips a message. While the server is unreachable every method rejects
 * with `STORE_UNAVAILABLE`; the pool reconnects by itself when it is back.
 */
export class PostgresStore implements MessageStore {
  /** The table as configured. */
  readonly table: string;
  private readonly names: PostgresNames;
  private readonly pool: PgPoolLike;
  private readonly ownsPool: boolean;
  /** `host:port/database` of the server, without credentials, for log lines. */
  readonly server: string;
  private readonly retention: Retention;
  private readonly outage: OutageLog;
  private readonly logger: ChatLogger;
  private readonly inFlight = new Set<Promise<unknown>>();
  /** The sockets of the store's own pool. */
  private readonly sockets = new Set<Socket>();
  private queries: Queries | undefined;
  private readonly queue: PendingAppend[] = [];
  private flushing: Promise<void> | undefined;
  private opening: Promise<void> | undefined;
  private pruning: Promise<void> | undefined;
  private closed = false;
  private appendsSincePrune = 0;

  // A pooled connection that breaks while idle (the server restarting, a proxy timing out) is
  // reported as an `error` event on the pool, which would crash the process with no listener.
  private readonly onPoolError = (error: Error): void => {
    this.outage.failed('idle connection', error);
  };

  constructor(options: PostgresStoreOptions) {
    checkOptionKeys('PostgresStore', options, OPTION_NAMES);
    const { connectionString, pool } = options;
    if ((connectionString === undefined) === (pool === undefined)) {
      throw new ChatOptionError(
        'CHATTERBOX_INVALID_OPTION',
        'PostgresStore needs exactly one of `connectionString` (the store opens and closes its own pool) or `pool` (your pg.Pool, which it never ends)',
      );
    }
    this.names = postgresNames(options.table ?? 'chatterbox_messages');
    this.table = this.names.display;
    this.retention = resolveRetention('PostgresStore', options);
    if (pool !== undefined) {
      if (typeof pool !== 'object' || pool === null || typeof pool.query !== 'function' || typeof pool.on !== 'function') {
        throw new ChatOptionError('CHATTERBOX_INVALID_OPTION', `PostgresStore option \`pool\` must be a pg.Pool, got ${showValue(pool)}`);
      }
      this.pool = pool;
      this.ownsPool = false;
      // `options` is pg.Pool's; a pool from another pg copy may lack it.
      const poolOptions: PoolSettings = (pool as { options?: PoolSettings }).options ?? {};
      this.server = describeServer(poolOptions.connectionString, poolOptions);
    } else {
      if (typeof connectionString !== 'string' || connectionString === '') {
        throw new ChatOptionError(
        'CHATTERBOX_INVALID_OPTION',
          `PostgresStore option \`connectionString\` must be a URL like 'postgresql://user@host/db', got ${showValue(connectionString)}`,
        );
      }
      // pg waits forever for a connection by default; a blackholed server would hang every request.
      const { Pool } = loadPg();
      // Each connection's socket is made here, so that close() can cut one that hangs.
      const stream = (): Socket => {
        const socket = new Socket();
        this.sockets.add(socket);
        socket.once('close', () => this.sockets.delete(socket));
        return socket;
      };
      this.pool = new Pool({ connectionString, connectionTimeoutMillis: 10_000, stream });
      this.ownsPool = true;
      this.server = describeServer(connectionString, {});
    }
    this.logger = options.logger ?? consoleLogger;
    this.outage = new OutageLog(this.logger, 'PostgreSQL message store', {
      table: this.table,
      server: this.server,
    });
    this.pool.on('error', this.onPoolError);
  }

  /**
   * Creates or migrates the table and applies retention. Rejects with a `ChatError`
   * `STORE_UNAVAILABLE` whose message names the server when it cannot be reached (calling
   * `open()` again retries), and with an `Error` naming the table and the cause otherwise.
   */
  open(): Promise<void> {
    if (this.queries) return Promise.resolve();
    if (this.closed) return Promise.reject(new Error('PostgresStore was closed; create a new one'));
    this.opening ??= this.migrate().finally(() => {
      this.opening = undefined;
    });
    return this.opening;
  }

  /**
   * Inserts the message; resolves once it is committed. Ids are allocated and committed in one
   * order across every process: each insert first takes a transaction-scoped advisory lock on
   * the table, draws its ids while holding it, and PostgreSQL releases the lock only after the
   * commit is visible. Without it, a writer could draw id 41, stall, and commit after another
   * writer's id 42; a reader that had seen 42 would then ask for `after(42)` and never see 41.
   *
   * Serialising commits caps one table at about one commit per fsync, so appends that arrive
   * while an insert is under way are queued and inserted together by the next statement: one
   * lock, one contiguous range of ids in arrival order, one commit.
   */
  async append(input: NewMessage): Promise<AppendResult> {
    assertStorableMessage('PostgresStore', input);
    this.assertOpen('append');
    // A missing authorKey is keyed as '' rather than NULL, because NULLs never conflict in a
    // unique index and the retry would be stored twice.
    const authorKey = input.cid === undefined ? (input.authorKey ?? null) : (input.authorKey ?? '');
    const result = await new Promise<AppendResult>((resolve, reject) => {
      this.queue.push({ input, authorKey, resolve, reject });
      this.scheduleFlush();
    });
    if (!result.duplicate && ++this.appendsSincePrune >= this.retention.pruneEvery) await this.prune();
    return result;
  }

  async latest(room: string, limit: number): Promise<ChatMessage[]> {
    assertReadArguments('PostgresStore', 'latest', room, 0, limit);
    this.assertOpen('latest');
    return this.run('latest', async (queries) => this.withReactions(queries, toMessages(room, await this.rows(queries.latest, [room, limit]))));
  }

  async before(room: string, id: number, limit: number): Promise<ChatMessage[]> {
    assertReadArguments('PostgresStore', 'before', room, id, limit);
    this.assertOpen('before');
    return this.run('before', async (queries) => this.withReactions(queries, toMessages(room, await this.rows(queries.before, [room, id, limit]))));
  }

  async after(room: string, id: number, limit: number): Promise<MessagesAfter> {
    assertReadArguments('PostgresStore', 'after', room, id, limit);
    this.assertOpen('after');
    // One row more than asked tells whether there were more than `limit`.
    return this.run('after', async (queries) => {
      const newest = await this.rows(queries.after, [room, id, limit + 1]);
      const truncated = newest.length > limit;
      return { messages: await this.withReactions(queries, toMessages(room, truncated ? newest.slice(0, limit) : newest)), truncated };
    });
  }

  async get(id: number): Promise<StoredMessage | undefined> {
    this.assertOpen('get');
    return this.run('get', async (queries) => {
      const row = (await this.pool.query<KeyedRow>(queries.byId, [id])).rows[0];
      if (!row) return undefined;
      const [message] = await this.withReactions(queries, [toMessage(row.room, row)]);
      return message && { message, room: row.room, authorKey: row.author_key ?? undefined };
    });
  }

  async react(id: number, userKey: string, emoji: string, maxDistinct: number): Promise<ReactResult | undefined> {
    assertStorableMessage('PostgresStore', { room: '', u: userKey, m: emoji, ts: 0 });
    this.assertOpen('react');
    const result = await this.run('react', (queries) => this.toggleReaction(queries, id, userKey, emoji, maxDistinct));
    if (result === 'too-many') throw new ChatError('TOO_MANY_REACTIONS');
    return result;
  }

  async edit(id: number, m: string, editedTs: number): Promise<MessageChangeRef | undefined> {
    assertStorableMessage('PostgresStore', { room: '', u: '', m, ts: editedTs });
    this.assertOpen('edit');
    return this.run('edit', (queries) =>
      this.changeTransaction(queries, async (client) => {
        const row = (await client.query<{ room: string }>(queries.edit, [m, editedTs, id])).rows[0];
        return row && (await this.recordChange(client, queries, id, row.room, EDITED));
      }),
    );
  }

  async search(query: SearchQuery): Promise<SearchHit[]> {
    const before = query.before ?? Number.MAX_SAFE_INTEGER;
    assertReadArguments('PostgresStore', 'search', '', before, query.limit);
    this.assertOpen('search');
    if (query.terms.length === 0 || query.rooms.length === 0) return [];
    // Each term a quoted prefix lexeme ('word':*), all required; terms hold only letters, digits
    // and marks, so no tsquery operator can be smuggled in (the quoting is belt and braces).
    const tsquery = query.terms.map((term) => `'${term.replaceAll("'", "''").replaceAll('\\', '\\\\')}':*`).join(' & ');
    const found = await this.run('search', (queries) =>
      this.pool.query<{ id: string | number; room: string; u: string; m: string; ts: string | number }>(queries.search, [tsquery, query.rooms, before, query.limit]),
    );
    return found.rows.map((row) => ({ id: toNumber(row.id), room: row.room, u: row.u, m: row.m, ts: toNumber(row.ts) }));
  }

  async setBlocked(blockerKey: string, blockedKey: string, blocked: boolean): Promise<void> {
    assertStorableMessage('PostgresStore', { room: '', u: blockerKey, m: blockedKey, ts: 0 });
    this.assertOpen('setBlocked');
    await this.run('setBlocked', (queries) => this.pool.query(blocked ? queries.block : queries.unblock, [blockerKey, blockedKey]));
  }

  async isBlocked(blockerKey: string, blockedKey: string): Promise<boolean> {
    assertStorableMessage('PostgresStore', { room: '', u: blockerKey, m: blockedKey, ts: 0 });
    this.assertOpen('isBlocked');
    const found = await this.run('isBlocked', (queries) => this.pool.query(queries.isBlocked, [blockerKey, blockedKey]));
    return found.rows.length > 0;
  }

  async conversations(userKey: string, limit: number): Promise<ConversationSummary[]> {
    assertReadArguments('PostgresStore', 'conversations', userKey, 0, limit);
    this.assertOpen('conversations');
    const found = await this.run('conversations', (queries) =>
      this.pool.query<{ room: string; with_nick: string; last_id: string | number; last_ts: string | number; unread: string | number }>(queries.conversations, [userKey, limit]),
    );
    return found.rows.map((row) => ({ room: row.room, with: row.with_nick, lastId: toNumber(row.last_id), lastTs: toNumber(row.last_ts), unread: toNumber(row.unread) }));
  }

  async markRead(userKey: string, room: string, id: number): Promise<{ id: number; moved: boolean } | undefined> {
    assertReadArguments('PostgresStore', 'markRead', room, id, 0);
    assertReadArguments('PostgresStore', 'markRead', userKey, 0, 0);
    this.assertOpen('markRead');
    const found = await this.run('markRead', (queries) =>
      this.pool.query<{ old_id: string | number; new_id: string | number }>(queries.markRead, [userKey, room, id]),
    );
    const row = found.rows[0];
    if (!row) return undefined;
    const next = toNumber(row.new_id);
    return { id: next, moved: next > toNumber(row.old_id) };
  }

  async delete(id: number): Promise<MessageChangeRef | undefined> {
    this.assertOpen('delete');
    return this.run('delete', (queries) =>
      this.changeTransaction(queries, async (client) => {
        const row = (await client.query<{ room: string }>(queries.delete, [id])).rows[0];
        return row && (await this.recordChange(client, queries, id, row.room, DELETED));
      }),
    );
  }

  async changesAfter(room: string, rev: number, upToId: number, limit: number): Promise<ChangesAfter> {
    assertReadArguments('PostgresStore', 'changesAfter', room, upToId, limit);
    assertReadArguments('PostgresStore', 'changesAfter', room, rev, limit);
    this.assertOpen('changesAfter');
    return this.run('changesAfter', async (queries) => {
      // Newest first, one more than asked to tell whether there were more.
      const rows = (await this.pool.query<ChangeRow>(queries.changesAfter, [room, rev, upToId, limit + 1])).rows;
      const truncated = rows.length > limit;
      const kept = (truncated ? rows.slice(0, limit) : rows).reverse();
      const present = kept.filter((row) => (row.kinds & DELETED) === 0).map((row) => toNumber(row.message_id));
      const messages = new Map<number, ChatMessage>();
      if (present.length > 0) {
        const found = (await this.pool.query<RoomRow>(queries.byIds, [present])).rows;
        for (const message of await this.withReactions(queries, found.map((row) => toMessage(row.room, row)))) messages.set(message.id, message);
      }
      return { changes: kept.map((row) => changeOf(row, messages.get(toNumber(row.message_id)))), truncated };
    });
  }

  async currentRev(room: string): Promise<number> {
    assertReadArguments('PostgresStore', 'currentRev', room, 0, 1);
    this.assertOpen('currentRev');
    const found = await this.run('currentRev', (queries) => this.pool.query<{ rev: string | number | null }>(queries.currentRev, [room]));
    const rev = found.rows[0]?.rev;
    return rev === null || rev === undefined ? 0 : toNumber(rev);
  }

  /**
   * Lets requests under way finish (for up to 3 s), then ends the pool if the store created it.
   * Settles within about 4 s even when the server accepts connections and never answers.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Appends already accepted are committed and answered before the pool goes.
    const drained = (async () => {
      while (this.opening || this.flushing || this.pruning || this.inFlight.size > 0) {
        await Promise.allSettled([this.opening, this.flushing, this.pruning, ...this.inFlight]);
      }
    })();
    const settled = await settleWithin(drained, CLOSE_GRACE_MS);
    this.queries = undefined;
    if (!this.ownsPool) {
      this.pool.off('error', this.onPoolError);
      return;
    }
    // A hanging server keeps connections half-open: cut them, or the process could not exit.
    if (!settled) for (const socket of this.sockets) socket.destroy();
    await settleWithin(this.pool.end(), CLOSE_GRACE_MS / 3);
    for (const socket of this.sockets) socket.destroy();
    // The error listener stays on the store's own pool: a connection cut above may still report.
  }

  private async migrate(): Promise<void> {
    try {
      await migratePostgres(this.pool, this.names);
      // The append lock is keyed by the table's OID, so stores that spell the table differently
      // (`messages`, `public.messages`) still share it.
      const found = await this.pool.query<{ table_oid: string | null; sequence_oid: string | null }>(
        `SELECT to_regclass($1)::oid::int8 AS table_oid,
          pg_get_serial_sequence($1, 'id')::regclass::oid::int8 AS sequence_oid`,
        [this.names.table],
      );
      const { table_oid: tableOid, sequence_oid: sequenceOid } = found.rows[0] ?? {};
      if (!tableOid || !sequenceOid) throw new Error('the table or its id sequence is missing right after migrating it');
      this.queries = buildQueries(this.names, Number(tableOid) | 0, Number(sequenceOid));
    } catch (error) {
      throw this.openError(error);
    }
    this.outage.succeeded();
    await this.prune();
  }

  /** Runs `work` once the store is open, turning any database failure into `STORE_UNAVAILABLE`. */
  private run<T>(operation: string, work: (queries: Queries) => Promise<T>): Promise<T> {
    const task = this.attempt(operation, work);
    this.inFlight.add(task);
    const forget = (): void => {
      this.inFlight.delete(task);
    };
    task.then(forget, forget);
    return task;
  }

  /** Returns the queries, or throws why the store cannot take requests. */
  private assertOpen(operation: string): Queries {
    if (this.queries && !this.closed) return this.queries;
    // After close() a late request is expected during shutdown; before open() it is a bug.
    throw this.closed
      ? new ChatError('STORE_UNAVAILABLE')
      : new Error(`PostgresStore.${operation}() was called before open() resolved`);
  }

  /** Starts inserting the queue unless an insert is already under way (it will take the rest). */
  private scheduleFlush(): void {
    if (this.flushing) return;
    this.flushing = this.flush().finally(() => {
      this.flushing = undefined;
      if (this.queue.length > 0) this.scheduleFlush();
    });
  }

  private async flush(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, MAX_BATCH);
      try {
        const results = await this.run('append', async (queries) => {
          const inserted = await this.insertBatch(queries, batch);
          await this.noteConversations(queries, batch, inserted);
          return inserted;
        });
        batch.forEach((pending, i) => {
          const result = results[i];
          if (result) pending.resolve(result);
          else pending.reject(new Error('the batch insert returned fewer results than it was given'));
        });
      } catch (error) {
        for (const pending of batch) pending.reject(error);
      }
    }
  }

  /** Inserts a batch in one statement; a retried (authorKey, cid) resolves to the first copy. */
  private async insertBatch(queries: Queries, batch: readonly PendingAppend[], attempt = 1): Promise<AppendResult[]> {
    const inserted = await this.pool.query<{ first: string | number; ids: (string | number)[] }>(queries.insert, [
      batch.map((pending) => pending.input.room),
      batch.map((pending) => pending.input.u),
      batch.map((pending) => pending.input.m),
      batch.map((pending) => pending.input.ts),
      batch.map((pending) => pending.authorKey),
      batch.map((pending) => pending.input.cid ?? null),
      batch.length,
      batch.map((pending) => pending.input.replyTo?.id ?? null),
      batch.map((pending) => pending.input.replyTo?.u ?? null),
      batch.map((pending) => pending.input.replyTo?.m ?? null),
    ]);
    const row = inserted.rows[0];
    if (!row) throw new Error('the insert returned no row');
    const first = toNumber(row.first);
    const insertedIds = new Set(row.ids.map(toNumber));
    const results: AppendResult[] = [];
    for (const [i, pending] of batch.entries()) {
      const { input } = pending;
      const id = first + i;
      if (insertedIds.has(id)) {
        results.push({ message: withExtras(toChatMessage(id, input.room, input.u, input.m, input.ts), { replyTo: input.replyTo }), duplicate: false });
        continue;
      }
      // Skipped by ON CONFLICT: this (authorKey, cid) was stored before, maybe earlier in this batch.
      const found = await this.pool.query<RoomRow>(queries.byClientId, [pending.authorKey, input.cid]);
      const stored = found.rows[0];
      if (stored) {
        results.push({ message: toMessage(stored.room, stored), duplicate: true });
      } else if (attempt < 3) {
        // Retention deleted the first copy in between: this one is stored after all.
        const [retried] = await this.insertBatch(queries, [pending], attempt + 1);
        if (!retried) throw new Error('the insert returned no result');
        results.push(retried);
      } else {
        throw new Error('the insert kept conflicting on (author_key, cid) with no such row');
      }
    }
    return results;
  }

  /**
   * Records a batch's direct messages in both participants' conversation lists: one row per user
   * and conversation (an upsert may touch a row once per statement), at most two statements.
   * After the insert rather than in it: the messages are committed and acked whatever happens
   * here, so a failure only leaves a list behind (logged), never a message unsent.
   */
  private async noteConversations(queries: Queries, batch: readonly PendingAppend[], results: readonly AppendResult[]): Promise<void> {
    const notes = new Map<string, ConversationNote>();
    const note = (userKey: string, room: string, withNick: string, rename: boolean, id: number, ts: number, readId: number): void => {
      const key = `${userKey}\u0000${room}`;
      const seen = notes.get(key);
      if (!seen) {
        notes.set(key, { userKey, room, withNick, rename, lastId: id, lastTs: ts, readId });
        return;
      }
      if (rename) Object.assign(seen, { withNick, rename });
      if (id > seen.lastId) Object.assign(seen, { lastId: id, lastTs: ts });
      seen.readId = Math.max(seen.readId, readId);
    };
    batch.forEach((pending, i) => {
      const result = results[i];
      const parties = conversationParties(pending.input);
      if (!result || result.duplicate || !parties) return;
      const { id, ts } = result.message;
      note(parties.author, pending.input.room, parties.recipientNick, false, id, ts, id);
      if (parties.recipient !== undefined) note(parties.recipient, pending.input.room, pending.input.u, true, id, ts, 0);
    });
    if (notes.size === 0) return;
    try {
      for (const rename of [false, true]) {
        const rows = [...notes.values()].filter((row) => row.rename === rename);
        if (rows.length === 0) continue;
        await this.pool.query(rename ? queries.noteRename : queries.noteKeep, [
          rows.map((row) => row.userKey),
          rows.map((row) => row.room),
          rows.map((row) => row.withNick),
          rows.map((row) => row.lastId),
          rows.map((row) => row.lastTs),
          rows.map((row) => row.readId),
        ]);
      }
    } catch (error) {
      // Not an outage: the messages are stored and go out; only the lists lag until the next message.
      this.logger.warn('PostgreSQL message store could not record direct conversations; their lists catch up with the next message', {
        table: this.table,
        ...describeCause(error),
      });
    }
  }

  private async attempt<T>(operation: string, work: (queries: Queries) => Promise<T>): Promise<T> {
    // Not assertOpen(): work accepted before close() still runs while close() waits for it.
    const queries = this.queries;
    if (!queries) throw new ChatError('STORE_UNAVAILABLE');
    let result: T;
    try {
      result = await work(queries);
    } catch (error) {
      throw this.outage.failed(operation, error);
    }
    this.outage.succeeded();
    return result;
  }

  /** Adds each message's reaction counts (one query for the whole page). */
  private async withReactions(queries: Queries, messages: ChatMessage[]): Promise<ChatMessage[]> {
    if (messages.length === 0) return messages;
    const rows = await this.pool.query<{ message_id: string | number; emoji: string; n: string | number }>(queries.reactionCounts, [
      messages.map((message) => message.id),
    ]);
    const byId = new Map<number, ReactionCounts>();
    for (const row of rows.rows) {
      const id = toNumber(row.message_id);
      let counts = byId.get(id);
      if (!counts) byId.set(id, (counts = {}));
      counts[row.emoji] = toNumber(row.n);
    }
    for (const message of messages) withExtras(message, { reactions: byId.get(message.id) });
    return messages;
  }

  /**
   * Toggles in a change transaction (see {@link changeTransaction}), locking the message's row
   * too, so that two nodes adding emoji to one message at once cannot both pass the limit.
   */
  private async toggleReaction(queries: Queries, id: number, userKey: string, emoji: string, maxDistinct: number): Promise<ReactResult | 'too-many' | undefined> {
    return this.changeTransaction(queries, async (client): Promise<ReactResult | 'too-many' | undefined> => {
      const locked = (await client.query<{ room: string }>(queries.lockMessage, [id])).rows[0];
      if (locked === undefined) return undefined;
      const removed = ((await client.query(queries.removeReaction, [id, emoji, userKey])).rowCount ?? 0) > 0;
      if (!removed) {
        const found = await client.query<{ kinds: string | number; has: boolean | null }>(queries.distinctReactions, [id, emoji]);
        const { kinds, has } = found.rows[0] ?? { kinds: 0, has: false };
        if (has !== true && toNumber(kinds) >= maxDistinct) return 'too-many';
        await client.query(queries.addReaction, [id, emoji, userKey, Date.now()]);
      }
      const { rev } = await this.recordChange(client, queries, id, locked.room, REACTED);
      const counts: ReactionCounts = {};
      const rows = await client.query<{ emoji: string; n: string | number }>(queries.reactionCounts, [[id]]);
      for (const row of rows.rows) counts[row.emoji] = toNumber(row.n);
      return { counts, reacted: !removed, rev };
    });
  }

  /**
   * Runs a change to a message in one transaction that first takes the table's change lock: the
   * change's number is drawn under it and the lock is released only at commit, so numbers commit
   * in order across every process (as ids do, see {@link append}) and a reader that saw number n
   * never later finds n − 1 appear. Taking it first in every change transaction also means two
   * of them never wait on each other's row locks in opposite orders. Committed unless `work`
   * resolves undefined or 'too-many' (nothing changed).
   */
  private async changeTransaction<T>(queries: Queries, work: (client: PgClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let failure: Error | undefined;
    // pg-pool listens for a connection's errors only while it is idle: one that breaks while
    // checked out emits `error` on the client, which unheard would crash the process. The query
    // under way rejects anyway; this only keeps the event from being unhandled.
    const onError = (error: Error): void => {
      failure ??= error;
    };
    client.on('error', onError);
    try {
      await client.query('BEGIN');
      try {
        await client.query(queries.lockChanges);
        const result = await work(client);
        await client.query(result === undefined || result === 'too-many' ? 'ROLLBACK' : 'COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    } catch (error) {
      failure = error instanceof Error ? error : new Error(String(error));
      throw error;
    } finally {
      client.off('error', onError);
      // Handing the error back makes the pool discard the connection instead of reusing it.
      client.release(failure);
    }
  }

  /** Numbers and records a change, inside {@link changeTransaction}. */
  private async recordChange(client: PgClient, queries: Queries, id: number, room: string, kind: number): Promise<MessageChangeRef> {
    const row = (await client.query<{ rev: string | number }>(queries.logChange, [id, room, kind])).rows[0];
    if (!row) throw new Error('recording the change returned no row');
    return { rev: toNumber(row.rev), room };
  }

  private async rows(text: string, values: unknown[]): Promise<Row[]> {
    return (await this.pool.query<Row>(text, values)).rows;
  }

  /** Deletes what is beyond the newest `maxMessages` and older than `maxAgeDays`; one at a time. */
  private prune(): Promise<void> {
    this.appendsSincePrune = 0;
    this.pruning ??= this.run('prune', async (queries) => {
      if (this.retention.maxMessages !== Infinity) {
        await this.pool.query(queries.pruneByCount, [this.retention.maxMessages]);
      }
      if (this.retention.maxAgeMs !== undefined) {
        await this.pool.query(queries.pruneByAge, [Date.now() - this.retention.maxAgeMs]);
      }
      await this.pool.query(queries.pruneChanges);
    })
      // The message that triggered the prune is stored; only the clean-up failed (and was
      // logged), and the next prune retries it, so the caller still gets its ack.
      .catch(() => undefined)
      .finally(() => {
        this.pruning = undefined;
      });
    return this.pruning;
  }

  private openError(error: unknown): Error {
    const { cause } = describeCause(error);
    const where = `table ${this.table} on ${this.server}`;
    if (isConnectionFailure(error)) {
      // Not logged here: whoever retries open() (the chat's store supervisor) logs the outage once.
      const unavailable = new ChatError(
        'STORE_UNAVAILABLE',
        `Chatterbox could not reach PostgreSQL for its message ${where}: ${cause}. Is the server running and reachable? Calling open() again retries.`,
      );
      unavailable.cause = error;
      return unavailable;
    }
    return new Error(`Chatterbox could not open its PostgreSQL message ${where}: ${cause}.`, { cause: error });
  }
}

function buildQueries(names: PostgresNames, tableOid: number, sequenceOid: number): Queries {
  const table = names.table;
  const reactions = names.reactions;
  const columns = `id, u, m, ts, edited_ts, ${replySelect(table)}`;
  const sequence = `${sequenceOid}::regclass`;
  return {
    // `ordered` takes the lock first (MATERIALIZED: before any id is drawn); `ids` then reserves
    // one contiguous range for the batch, so the n-th append gets first + n - 1 and ids follow
    // arrival order. A row skipped by ON CONFLICT leaves a gap, which readers never wait for.
    // $7 is the batch size; the casts type the arrays, which unnest cannot infer.
    insert: `WITH ordered AS MATERIALIZED (SELECT pg_advisory_xact_lock(${APPEND_LOCK_CLASS}, ${tableOid})),
      ids AS MATERIALIZED (
        SELECT setval(${sequence}, nextval(${sequence}) + $7::int - 1) - $7::int + 1 AS first FROM ordered
      ),
      inserted AS (
        INSERT INTO ${table} (id, room, u, m, ts, author_key, cid, reply_id, reply_u, reply_m)
        SELECT ids.first + i.n - 1, i.room, i.u, i.m, i.ts, i.author_key, i.cid, i.reply_id, i.reply_u, i.reply_m
        FROM ids, unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::text[], $8::bigint[], $9::text[], $10::text[])
          WITH ORDINALITY AS i (room, u, m, ts, author_key, cid, reply_id, reply_u, reply_m, n)
        ORDER BY i.n
        ON CONFLICT (author_key, cid) WHERE cid IS NOT NULL DO NOTHING
        RETURNING id
      )
      SELECT (SELECT first FROM ids) AS first, ARRAY(SELECT id FROM inserted) AS ids`,
    byClientId: `SELECT ${columns}, room FROM ${table} WHERE author_key = $1 AND cid = $2`,
    byId: `SELECT ${columns}, room, author_key FROM ${table} WHERE id = $1`,
    edit: `UPDATE ${table} SET m = $1, edited_ts = $2 WHERE id = $3 RETURNING room`,
    // Every delete takes the message's reactions with it, in the same statement.
    delete: `WITH gone AS (DELETE FROM ${table} WHERE id = $1 RETURNING id, room),
      forgotten AS (DELETE FROM ${reactions} WHERE message_id IN (SELECT id FROM gone))
      SELECT room FROM gone`,
    lockChanges: `SELECT pg_advisory_xact_lock(${CHANGE_LOCK_CLASS}, ${tableOid})`,
    // One row per message: its latest number, and every kind of change it had (a delete wins).
    logChange: `INSERT INTO ${names.changes} AS c (message_id, room, rev, kinds) VALUES ($1, $2, nextval('${names.changeRev}'), $3)
      ON CONFLICT (message_id) DO UPDATE SET rev = excluded.rev, kinds = c.kinds | excluded.kinds
      RETURNING rev`,
    byIds: `SELECT ${columns}, room FROM ${table} WHERE id = ANY($1::bigint[])`,
    // What retention dropped: changes of messages older than the oldest one kept (none when empty).
    pruneChanges: `DELETE FROM ${names.changes} WHERE message_id < (SELECT min(id) FROM ${table})`,
    changesAfter: `SELECT message_id, rev, kinds FROM ${names.changes} WHERE room = $1 AND rev > $2 AND message_id <= $3 ORDER BY rev DESC LIMIT $4`,
    currentRev: `SELECT max(rev) AS rev FROM ${names.changes} WHERE room = $1`,
    reactionCounts: `SELECT message_id, emoji, count(*) AS n FROM ${reactions} WHERE message_id = ANY($1::bigint[])
      GROUP BY message_id, emoji ORDER BY message_id, min(seq)`,
    lockMessage: `SELECT room FROM ${table} WHERE id = $1 FOR UPDATE`,
    removeReaction: `DELETE FROM ${reactions} WHERE message_id = $1 AND emoji = $2 AND user_key = $3`,
    distinctReactions: `SELECT count(DISTINCT emoji) AS kinds, bool_or(emoji = $2) AS has FROM ${reactions} WHERE message_id = $1`,
    // The same expression as the GIN index (migration 5), so the planner can use it.
    search: `SELECT id, room, u, m, ts FROM ${table}
      WHERE to_tsvector('simple', m) @@ to_tsquery('simple', $1) AND room = ANY($2::text[]) AND id < $3
      ORDER BY id DESC LIMIT $4`,
    block: `INSERT INTO ${names.blocks} (blocker_key, blocked_key) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
    unblock: `DELETE FROM ${names.blocks} WHERE blocker_key = $1 AND blocked_key = $2`,
    isBlocked: `SELECT 1 FROM ${names.blocks} WHERE blocker_key = $1 AND blocked_key = $2`,
    noteKeep: noteConversations(names.dms, 'c.with_nick'),
    noteRename: noteConversations(names.dms, 'EXCLUDED.with_nick'),
    // The unread count is capped by LIMIT, so it reads at most UNREAD_CAP entries of the (room, id)
    // index past the marker per conversation, never the table.
    conversations: `SELECT c.room, c.with_nick, c.last_id, c.last_ts,
        (SELECT count(*) FROM (SELECT 1 FROM ${table} AS m WHERE m.room = c.room AND m.id > c.read_id
          AND m.author_key IS DISTINCT FROM c.user_key LIMIT ${UNREAD_CAP}) AS counted) AS unread
      FROM ${names.dms} AS c WHERE c.user_key = $1 ORDER BY c.last_id DESC LIMIT $2`,
    // The locked subquery hands back the marker as it was, so the caller learns whether it moved.
    markRead: `UPDATE ${names.dms} AS c SET read_id = GREATEST(c.read_id, LEAST($3::bigint, c.last_id))
      FROM (SELECT read_id FROM ${names.dms} WHERE user_key = $1 AND room = $2 FOR UPDATE) AS old
      WHERE c.user_key = $1 AND c.room = $2
      RETURNING old.read_id AS old_id, c.read_id AS new_id`,
    addReaction: `INSERT INTO ${reactions} (message_id, emoji, user_key, ts) VALUES ($1, $2, $3, $4)`,
    latest: `SELECT ${columns} FROM ${table} WHERE room = $1 ORDER BY id DESC LIMIT $2`,
    before: `SELECT ${columns} FROM ${table} WHERE room = $1 AND id < $2 ORDER BY id DESC LIMIT $3`,
    after: `SELECT ${columns} FROM ${table} WHERE room = $1 AND id > $2 ORDER BY id DESC LIMIT $3`,
    pruneByCount: `WITH gone AS (DELETE FROM ${table} WHERE id <= (SELECT id FROM ${table} ORDER BY id DESC OFFSET $1 LIMIT 1) RETURNING id)
      DELETE FROM ${reactions} WHERE message_id IN (SELECT id FROM gone)`,
    pruneByAge: `WITH gone AS (DELETE FROM ${table} WHERE ts < $1 RETURNING id)
      DELETE FROM ${reactions} WHERE message_id IN (SELECT id FROM gone)`,
  };
}

/** A changes-log row with its message as it is now (undefined once deleted). */
function changeOf(row: ChangeRow, message: ChatMessage | undefined): MessageChange {
  const deleted = (row.kinds & DELETED) !== 0;
  return {
    id: toNumber(row.message_id),
    rev: toNumber(row.rev),
    message: deleted ? undefined : message,
    edited: (row.kinds & EDITED) !== 0,
    reacted: (row.kinds & REACTED) !== 0,
  };
}

/** The upsert of conversation records; `withNick` is what a known row's shown name becomes. */
function noteConversations(dms: string, withNick: string): string {
  return `INSERT INTO ${dms} AS c (user_key, room, with_nick, last_id, last_ts, read_id)
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::bigint[])
    ON CONFLICT (user_key, room) DO UPDATE SET with_nick = ${withNick}, last_id = GREATEST(c.last_id, EXCLUDED.last_id),
      last_ts = CASE WHEN EXCLUDED.last_id > c.last_id THEN EXCLUDED.last_ts ELSE c.last_ts END,
      read_id = GREATEST(c.read_id, EXCLUDED.read_id)`;
}

/** BIGINT columns arrive as strings (pg's default) or numbers (a host's custom type parser). */
function toNumber(value: string | number): number {
  const number = Number(value);
  if (!Number.isSafeInteger(number)) throw new Error(`a BIGINT column holds ${value}, beyond what JavaScript numbers hold exactly`);
  return number;
}

/** Rows newest first, as the queries return them, to messages oldest first. */
function toMessages(room: string, rows: Row[]): ChatMessage[] {
  const messages: ChatMessage[] = [];
  for (let i = rows.length - 1; i >= 0; i--) {
    const row = rows[i];
    if (row) messages.push(toMessage(room, row));
  }
  return messages;
}

/** One row in its wire shape. */
function toMessage(room: string, row: Row): ChatMessage {
  const editedTs = row.edited_ts === null ? undefined : toNumber(row.edited_ts);
  return withExtras(toChatMessage(toNumber(row.id), room, row.u, row.m, toNumber(row.ts)), { editedTs, replyTo: replyRefOf(row) });
}

/** True for errors that mean the server could not be reached or went away, rather than refused the request. */
function isConnectionFailure(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') {
    // Node's socket errors (ECONNREFUSED, ENOTFOUND, ETIMEDOUT…), connection exceptions (08…),
    // the server shutting down or starting (57P0…), and running out of resources (53…).
    return /^E[A-Z]+$/.test(code) || code.startsWith('08') || code.startsWith('57P') || code.startsWith('53');
  }
  // pg's own connection errors carry no code.
  return /connect|terminat|timeout/i.test(describeCause(error).cause);
}

/** `host:port/database` for logs and errors, without credentials. */
function describeServer(
  connectionString: string | undefined,
  options: { host?: string | undefined; port?: number | undefined; database?: string | undefined },
): string {
  if (connectionString !== undefined) {
    try {
      const url = new URL(connectionString);
      return `${url.hostname || 'localhost'}${url.port ? `:${url.port}` : ''}${url.pathname}`;
    } catch {
      return 'the configured server';
    }
  }
  return `${options.host ?? 'localhost'}:${options.port ?? 5432}/${options.database ?? ''}`;
}
