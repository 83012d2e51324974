/** The default persistent message store: one SQLite file, written through better-sqlite3. */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import createDebug from 'debug';
import { ChatOptionError } from '../options/option-error';
import { consoleLogger, type ChatLogger } from '../options/logger';
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
import { conversationParties, type ConversationParties } from './conversation-parties';
import { migrateSqlite } from './sql/sqlite-migrations';
import { replyRefOf, replySelect, type ReplyColumns } from './sql/reply-columns';
import { assertReadArguments, assertStorableMessage } from './sql/storable-input';
import { checkOptionKeys, resolveRetention, showValue, type Retention, type RetentionOptions } from './sql/store-options';
import { OutageLog, describeCause } from './store-errors';

const debug = createDebug('chatterbox:history');

/** Options of {@link SqliteStore}. */
export interface SqliteStoreOptions extends RetentionOptions {
  /** Path of the database file, relative to the working directory; its folder is created if missing. Required. */
  file: string;
  /**
   * How long a statement waits for another process's write lock before failing with
   * `STORE_UNAVAILABLE`, in milliseconds. better-sqlite3 waits synchronously, blocking the event
   * loop, so keep it short. Defaults to 5,000.
   */
  busyTimeoutMs?: number;
  /** Where an outage is reported (once when it starts, once when it ends). Defaults to the console. */
  logger?: ChatLogger;
}

/** How long opening waits for another connection's lock before failing (and being retried). */
const OPEN_BUSY_TIMEOUT_MS = 100;

const OPTION_NAMES = ['file', 'maxMessages', 'maxAgeDays', 'busyTimeoutMs', 'logger'] as const;

interface Row extends ReplyColumns {
  id: number;
  u: string;
  m: string;
  ts: number;
  edited_ts: number | null;
}

interface RoomRow extends Row {
  room: string;
}

interface KeyedRow extends RoomRow {
  author_key: string | null;
}

/** room, u, m, ts, author_key, cid, reply_id, reply_u, reply_m. */
type InsertValues = [string, string, string, number, string | null, string | null, number | null, string | null, string | null];

/** The values of an insert. */
function insertValues(input: NewMessage, authorKey: string | null, cid: string | null): InsertValues {
  const reply = input.replyTo;
  return [input.room, input.u, input.m, input.ts, authorKey, cid, reply?.id ?? null, reply?.u ?? null, reply?.m ?? null];
}

/** A message just stored, in its wire shape. */
function appended(id: number, input: NewMessage): ChatMessage {
  return withExtras(toChatMessage(id, input.room, input.u, input.m, input.ts), { replyTo: input.replyTo });
}

/** A row of the changes log (kinds: 1 edited, 2 reactions, 4 deleted). */
interface ChangeRow {
  message_id: number;
  rev: number;
  kinds: number;
}

/** The bits of `message_changes.kinds`. */
const EDITED = 1;
const REACTED = 2;
const DELETED = 4;

/** The statements, prepared once when the store opens. */
interface Statements {
  insert: Database.Statement<InsertValues, { id: number }>;
  byClientId: Database.Statement<[string, string], RoomRow>;
  latest: Database.Statement<[string, number], Row>;
  before: Database.Statement<[string, number, number], Row>;
  after: Database.Statement<[string, number, number], Row>;
  pruneByCount: Database.Statement<[number]>;
  pruneByAge: Database.Statement<[number]>;
  byId: Database.Statement<[number], KeyedRow>;
  byIds: Database.Statement<[string], RoomRow>;
  pruneChanges: Database.Statement<[]>;
  changesAfter: Database.Statement<[string, number, number, number], ChangeRow>;
  currentRev: Database.Statement<[string], { rev: number | null }>;
  edit: Database.Transaction<(m: string, editedTs: number, id: number) => MessageChangeRef | undefined>;
  deleteById: Database.Transaction<(id: number) => MessageChangeRef | undefined>;
  search: Database.Statement<[string, number, string, number], SearchHit>;
  block: Database.Statement<[string, string]>;
  unblock: Database.Statement<[string, string]>;
  isBlocked: Database.Statement<[string, string], { found: number }>;
  reactionCounts: Database.Statement<[string], { message_id: number; emoji: string; n: number }>;
  toggleReaction: Database.Transaction<(id: number, userKey: string, emoji: string, maxDistinct: number) => ReactResult | 'too-many' | undefined>;
  appendWithClientId: Database.Transaction<(input: NewMessage, authorKey: string, cid: string) => AppendResult>;
  /** user_key, room, with_nick, last_id, last_ts, read_id. */
  /** Appends a direct message and records it in both participants' conversation lists. */
  appendDirect: Database.Transaction<(input: NewMessage, parties: ConversationParties) => AppendResult>;
  conversations: Database.Statement<[string, number], ConversationRow>;
  markRead: Database.Transaction<(userKey: string, room: string, id: number) => { id: number; moved: boolean } | undefined>;
}

interface ConversationRow {
  room: string;
  with_nick: string;
  last_id: number;
  last_ts: number;
  unread: number;
}

/**
 * Keeps messages in a SQLite file (WAL mode), so history survives restarts. Several processes
 * may share one file: ids come from a single write lock, so they increase in commit order.
 */
export class SqliteStore implements MessageStore {
  /** The resolved path of the database file. */
  readonly file: string;
  private readonly retention: Retention;
  private readonly busyTimeoutMs: number;
  private readonly outage: OutageLog;
  private db: Database.Database | undefined;
  private statements: Statements | undefined;
  private closed = false;
  private appendsSincePrune = 0;

  constructor(options: SqliteStoreOptions) {
    checkOptionKeys('SqliteStore', options, OPTION_NAMES);
    if (typeof options.file !== 'string' || options.file === '') {
      throw new ChatOptionError(
        'CHATTERBOX_INVALID_OPTION',
        `SqliteStore option \`file\` must be the path of the database file, e.g. 'data/chat.sqlite'; got ${showValue(options.file)}`,
      );
    }
    this.file = resolve(options.file);
    this.retention = resolveRetention('SqliteStore', options);
    this.busyTimeoutMs = options.busyTimeoutMs ?? 5_000;
    if (!(Number.isSafeInteger(this.busyTimeoutMs) && this.busyTimeoutMs >= 0)) {
      throw new ChatOptionError(
        'CHATTERBOX_INVALID_OPTION',
        `SqliteStore option \`busyTimeoutMs\` must be a whole number of milliseconds ≥ 0, got ${showValue(options.busyTimeoutMs)}`,
      );
    }
    this.outage = new OutageLog(options.logger ?? consoleLogger, 'SQLite message store', { file: this.file });
  }

  /**
   * Opens the file (creating it and its folder if missing), checks it, brings its schema up to
   * date and applies retention. Rejects with an `Error` naming the file and the cause when the
   * file cannot be used, e.g. when it is not a database or is damaged.
   */
  open(): Promise<void> {
    if (this.db) return Promise.resolve();
    if (this.closed) return Promise.reject(new Error('SqliteStore was closed; create a new one to open the file again'));
    let db: Database.Database | undefined;
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      // A short wait while opening: better-sqlite3 waits synchronously, and a file locked by
      // another process is retried later by the chat rather than blocking the event loop now.
      db = new Database(this.file, { timeout: Math.min(this.busyTimeoutMs, OPEN_BUSY_TIMEOUT_MS) });
      // Reading every page once at start turns a damaged file into an error the developer sees
      // now, rather than STORE_UNAVAILABLE for whichever room touches the damaged page later;
      // checked before the journal mode is set, so that a damaged file is not written to at all.
      const check = String(db.pragma('quick_check', { simple: true }));
      if (check !== 'ok') throw new Error(`quick_check found damage: ${check.trim().replace(/\s*\n\s*/g, '; ')}`);
      // WAL lets readers run while a message is written. With synchronous = NORMAL a commit is
      // written to the WAL (so into the OS page cache) before better-sqlite3 returns, without an
      // fsync: a message that was acked survives the process being killed, even by SIGKILL; only
      // a power cut or kernel crash can lose the last commits, and never corrupts the file.
      const mode = String(db.pragma('journal_mode = WAL', { simple: true }));
      if (mode !== 'wal') debug('sqlite journal_mode is %s, not wal (%s)', mode, this.file);
      db.pragma('synchronous = NORMAL');
      const migrated = migrateSqlite(db);
      if (migrated.from !== migrated.to) debug('sqlite schema %d -> %d (%s)', migrated.from, migrated.to, this.file);
      this.statements = prepareStatements(db);
      db.pragma(`busy_timeout = ${this.busyTimeoutMs}`);
      this.db = db;
    } catch (error) {
      db?.close();
      return Promise.reject(openError(this.file, error));
    }
    this.prune();
    return Promise.resolve();
  }

  async append(input: NewMessage): Promise<AppendResult> {
    assertStorableMessage('SqliteStore', input);
    return this.run('append', (statements) => {
      const parties = conversationParties(input);
      let result: AppendResult;
      if (parties === undefined) {
        result = appendRow(statements, input);
      } else {
        // The message and both conversation records commit together (nested transactions are savepoints).
        result = statements.appendDirect.immediate(input, parties);
      }
      if (!result.duplicate) this.appendsSincePrune++;
      return result;
    });
  }

  async latest(room: string, limit: number): Promise<ChatMessage[]> {
    assertReadArguments('SqliteStore', 'latest', room, 0, limit);
    return this.run('latest', (statements) => withReactions(statements, toMessages(room, statements.latest.all(room, limit))));
  }

  async before(room: string, id: number, limit: number): Promise<ChatMessage[]> {
    assertReadArguments('SqliteStore', 'before', room, id, limit);
    return this.run('before', (statements) => withReactions(statements, toMessages(room, statements.before.all(room, id, limit))));
  }

  async after(room: string, id: number, limit: number): Promise<MessagesAfter> {
    assertReadArguments('SqliteStore', 'after', room, id, limit);
    return this.run('after', (statements) => {
      // One row more than asked tells whether there were more than `limit`.
      const newest = statements.after.all(room, id, limit + 1);
      const truncated = newest.length > limit;
      return { messages: withReactions(statements, toMessages(room, truncated ? newest.slice(0, limit) : newest)), truncated };
    });
  }

  async get(id: number): Promise<StoredMessage | undefined> {
    return this.run('get', (statements) => {
      const row = statements.byId.get(id);
      if (!row) return undefined;
      const [message] = withReactions(statements, [toMessage(row.room, row)]);
      return message && { message, room: row.room, authorKey: row.author_key ?? undefined };
    });
  }

  async react(id: number, userKey: string, emoji: string, maxDistinct: number): Promise<ReactResult | undefined> {
    const result = await this.run('react', (statements) => statements.toggleReaction.immediate(id, userKey, emoji, maxDistinct));
    if (result === 'too-many') throw new ChatError('TOO_MANY_REACTIONS');
    return result;
  }

  async edit(id: number, m: string, editedTs: number): Promise<MessageChangeRef | undefined> {
    assertStorableMessage('SqliteStore', { room: '', u: '', m, ts: editedTs });
    return this.run('edit', (statements) => statements.edit.immediate(m, editedTs, id));
  }

  async search(query: SearchQuery): Promise<SearchHit[]> {
    const before = query.before ?? Number.MAX_SAFE_INTEGER;
    assertReadArguments('SqliteStore', 'search', '', before, query.limit);
    if (query.terms.length === 0 || query.rooms.length === 0) return [];
    // Each term is a quoted prefix query: terms hold only letters, digits and marks, so no FTS5
    // operator or quote can be smuggled in (the quotes are belt and braces).
    const match = query.terms.map((term) => `"${term.replaceAll('"', '""')}"*`).join(' ');
    return this.run('search', (statements) => statements.search.all(match, before, JSON.stringify(query.rooms), query.limit));
  }

  async setBlocked(blockerKey: string, blockedKey: string, blocked: boolean): Promise<void> {
    assertStorableMessage('SqliteStore', { room: '', u: blockerKey, m: blockedKey, ts: 0 });
    await this.run('setBlocked', (statements) => (blocked ? statements.block : statements.unblock).run(blockerKey, blockedKey));
  }

  async isBlocked(blockerKey: string, blockedKey: string): Promise<boolean> {
    assertStorableMessage('SqliteStore', { room: '', u: blockerKey, m: blockedKey, ts: 0 });
    return this.run('isBlocked', (statements) => statements.isBlocked.get(blockerKey, blockedKey) !== undefined);
  }

  async conversations(userKey: string, limit: number): Promise<ConversationSummary[]> {
    assertReadArguments('SqliteStore', 'conversations', userKey, 0, limit);
    return this.run('conversations', (statements) =>
      statements.conversations.all(userKey, limit).map((row) => ({ room: row.room, with: row.with_nick, lastId: row.last_id, lastTs: row.last_ts, unread: row.unread })),
    );
  }

  async markRead(userKey: string, room: string, id: number): Promise<{ id: number; moved: boolean } | undefined> {
    assertReadArguments('SqliteStore', 'markRead', room, id, 0);
    assertReadArguments('SqliteStore', 'markRead', userKey, 0, 0);
    return this.run('markRead', (statements) => statements.markRead.immediate(userKey, room, id));
  }

  async delete(id: number): Promise<MessageChangeRef | undefined> {
    return this.run('delete', (statements) => statements.deleteById.immediate(id));
  }

  async changesAfter(room: string, rev: number, upToId: number, limit: number): Promise<ChangesAfter> {
    assertReadArguments('SqliteStore', 'changesAfter', room, upToId, limit);
    assertReadArguments('SqliteStore', 'changesAfter', room, rev, limit);
    return this.run('changesAfter', (statements) => {
      // Newest first, one more than asked to tell whether there were more.
      const rows = statements.changesAfter.all(room, rev, upToId, limit + 1);
      const truncated = rows.length > limit;
      const kept = (truncated ? rows.slice(0, limit) : rows).reverse();
      const present = kept.filter((row) => (row.kinds & DELETED) === 0).map((row) => row.message_id);
      const messages = new Map<number, ChatMessage>();
      if (present.length > 0) {
        const found = statements.byIds.all(JSON.stringify(present));
        for (const message of withReactions(statements, found.map((row) => toMessage(row.room, row)))) messages.set(message.id, message);
      }
      return { changes: kept.map((row) => changeOf(row, messages.get(row.message_id))), truncated };
    });
  }

  async currentRev(room: string): Promise<number> {
    assertReadArguments('SqliteStore', 'currentRev', room, 0, 1);
    return this.run('currentRev', (statements) => statements.currentRev.get(room)?.rev ?? 0);
  }

  /** Closes the file; the store cannot be opened again. */
  close(): Promise<void> {
    this.closed = true;
    const db = this.db;
    this.db = undefined;
    this.statements = undefined;
    try {
      // Closing the last connection checkpoints the WAL back into the file.
      db?.close();
    } catch (error) {
      return Promise.reject(this.outage.failed('close', error));
    }
    return Promise.resolve();
  }

  /** Runs a synchronous database call, turning SQLite's failures into `STORE_UNAVAILABLE`. */
  // eslint-disable-next-line @typescript-eslint/require-await -- async so that every failure is a rejection
  private async run<T>(operation: string, work: (statements: Statements) => T): Promise<T> {
    const statements = this.statements;
    if (!statements) {
      // After close() a late request is expected during shutdown; before open() it is a bug.
      throw this.closed
        ? new ChatError('STORE_UNAVAILABLE')
        : new Error(`SqliteStore.${operation}() was called before open() resolved`);
    }
    let result: T;
    try {
      result = work(statements);
    } catch (error) {
      // Only SQLite's own errors mean the database failed; anything else is a bug to surface as is.
      if (!isSqliteError(error)) throw error;
      throw this.outage.failed(operation, error);
    }
    this.outage.succeeded();
    if (this.appendsSincePrune >= this.retention.pruneEvery) this.prune();
    return result;
  }

  /** Deletes what is beyond the newest `maxMessages` and older than `maxAgeDays`. */
  private prune(): void {
    const statements = this.statements;
    if (!statements) return;
    this.appendsSincePrune = 0;
    try {
      let deleted = 0;
      if (this.retention.maxMessages !== Infinity) {
        deleted += statements.pruneByCount.run(this.retention.maxMessages).changes;
      }
      if (this.retention.maxAgeMs !== undefined) {
        deleted += statements.pruneByAge.run(Date.now() - this.retention.maxAgeMs).changes;
      }
      if (deleted > 0) statements.pruneChanges.run();
      if (deleted > 0) debug('sqlite retention deleted %d messages', deleted);
    } catch (error) {
      // The message that triggered the prune is stored; only the clean-up failed, and the next
      // prune retries it, so the caller still gets its ack.
      this.outage.failed('prune', error);
    }
  }
}

/** Inserts one message (a retried cid returns the first copy). */
function appendRow(statements: Pick<Statements, 'insert' | 'appendWithClientId'>, input: NewMessage): AppendResult {
  if (input.cid === undefined) {
    const row = statements.insert.get(...insertValues(input, input.authorKey ?? null, null));
    if (!row) throw new Error('INSERT … RETURNING returned no row');
    return { message: appended(row.id, input), duplicate: false };
  }
  // A missing authorKey is keyed as '' rather than NULL, because NULLs never conflict in a
  // unique index and the retry would be stored twice.
  return statements.appendWithClientId(input, input.authorKey ?? '', input.cid);
}

function prepareStatements(db: Database.Database): Statements {
  const columns = `id, u, m, ts, edited_ts, ${replySelect('messages')}`;
  const insert = db.prepare<InsertValues, { id: number }>(
    // DO NOTHING without a conflict target covers the (author_key, cid) unique index: a retry
    // inserts nothing and returns no row.
    'INSERT INTO messages (room, u, m, ts, author_key, cid, reply_id, reply_u, reply_m) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id',
  );
  const byClientId = db.prepare<[string, string], RoomRow>(
    `SELECT ${columns}, room FROM messages WHERE author_key = ? AND cid = ?`,
  );
  // Reaction counts of a list of ids (a JSON array, so one statement serves any length).
  const reactionCounts = db.prepare<[string], { message_id: number; emoji: string; n: number }>(
    `SELECT message_id, emoji, count(*) AS n FROM reactions WHERE message_id IN (SELECT value FROM json_each(?))
      GROUP BY message_id, emoji ORDER BY message_id, min(rowid)`,
  );
  const removeReaction = db.prepare<[number, string, string]>('DELETE FROM reactions WHERE message_id = ? AND emoji = ? AND user_key = ?');
  const addReaction = db.prepare<[number, string, string, number]>('INSERT INTO reactions (message_id, emoji, user_key, ts) VALUES (?, ?, ?, ?)');
  const messageExists = db.prepare<[number], { id: number }>('SELECT id FROM messages WHERE id = ?');
  const nextRev = db.prepare<[], { rev: number }>('UPDATE change_counter SET rev = rev + 1 RETURNING rev');
  // One row per message: its latest number, and every kind of change it had (a delete wins).
  const logChange = db.prepare<[number, string, number, number]>(
    `INSERT INTO message_changes (message_id, room, rev, kinds) VALUES (?, ?, ?, ?)
      ON CONFLICT (message_id) DO UPDATE SET rev = excluded.rev, kinds = kinds | excluded.kinds`,
  );
  /** Numbers and records a change; only ever called inside the write transaction that made it. */
  const recordChange = (id: number, room: string, kind: number): MessageChangeRef => {
    const counter = nextRev.get();
    if (!counter) throw new Error('the change counter row is missing');
    logChange.run(id, room, counter.rev, kind);
    return { rev: counter.rev, room };
  };
  const editRow = db.prepare<[string, number, number], { room: string }>('UPDATE messages SET m = ?, edited_ts = ? WHERE id = ? RETURNING room');
  const deleteRow = db.prepare<[number], { room: string }>('DELETE FROM messages WHERE id = ? RETURNING room');
  const roomOf = db.prepare<[number], { room: string }>('SELECT room FROM messages WHERE id = ?');
  const distinctReactions = db.prepare<[string, number], { kinds: number; has: number }>(
    'SELECT count(DISTINCT emoji) AS kinds, coalesce(max(emoji = ?), 0) AS has FROM reactions WHERE message_id = ?',
  );
  const readMarker = db.prepare<[string, string], { read_id: number; last_id: number }>(
    'SELECT read_id, last_id FROM conversations WHERE user_key = ? AND room = ?',
  );
  const setReadMarker = db.prepare<[number, string, string]>('UPDATE conversations SET read_id = ? WHERE user_key = ? AND room = ?');
  const noteConversation = (withNick: string): string =>
    `INSERT INTO conversations (user_key, room, with_nick, last_id, last_ts, read_id) VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT (user_key, room) DO UPDATE SET with_nick = ${withNick}, last_id = max(last_id, excluded.last_id),
        last_ts = excluded.last_ts, read_id = max(read_id, excluded.read_id)`;
  // The author's row keeps the name it has (the recipient's own, once they wrote); the recipient's takes the author's latest.
  const noteAuthor = db.prepare<[string, string, string, number, number, number]>(noteConversation('with_nick'));
  const noteRecipient = db.prepare<[string, string, string, number, number, number]>(noteConversation('excluded.with_nick'));
  const statements: Omit<Statements, 'appendDirect'> = {
    // The unread count is a correlated subquery capped by LIMIT: at most UNREAD_CAP index entries
    // of messages_room_id (room, id) past the marker per conversation, never a scan of the table.
    conversations: db.prepare(
      `SELECT c.room, c.with_nick, c.last_id, c.last_ts,
          (SELECT count(*) FROM (SELECT 1 FROM messages AS m WHERE m.room = c.room AND m.id > c.read_id
            AND m.author_key IS NOT c.user_key LIMIT ${UNREAD_CAP})) AS unread
        FROM conversations AS c WHERE c.user_key = ? ORDER BY c.last_id DESC LIMIT ?`,
    ),
    markRead: db.transaction((userKey: string, room: string, id: number) => {
      const marker = readMarker.get(userKey, room);
      if (!marker) return undefined;
      const next = Math.min(id, marker.last_id);
      if (next <= marker.read_id) return { id: marker.read_id, moved: false };
      setReadMarker.run(next, userKey, room);
      return { id: next, moved: true };
    }),
    insert,
    byClientId,
    latest: db.prepare(`SELECT ${columns} FROM messages WHERE room = ? ORDER BY id DESC LIMIT ?`),
    before: db.prepare(`SELECT ${columns} FROM messages WHERE room = ? AND id < ? ORDER BY id DESC LIMIT ?`),
    after: db.prepare(`SELECT ${columns} FROM messages WHERE room = ? AND id > ? ORDER BY id DESC LIMIT ?`),
    pruneByCount: db.prepare(
      'DELETE FROM messages WHERE id <= (SELECT id FROM messages ORDER BY id DESC LIMIT 1 OFFSET ?)',
    ),
    pruneByAge: db.prepare('DELETE FROM messages WHERE ts < ?'),
    byId: db.prepare(`SELECT ${columns}, room, author_key FROM messages WHERE id = ?`),
    byIds: db.prepare(`SELECT ${columns}, room FROM messages WHERE id IN (SELECT value FROM json_each(?))`),
    // What retention dropped: changes of messages older than the oldest one kept (none when empty).
    pruneChanges: db.prepare('DELETE FROM message_changes WHERE message_id < (SELECT min(id) FROM messages)'),
    changesAfter: db.prepare(
      'SELECT message_id, rev, kinds FROM message_changes WHERE room = ? AND rev > ? AND message_id <= ? ORDER BY rev DESC LIMIT ?',
    ),
    currentRev: db.prepare('SELECT max(rev) AS rev FROM message_changes WHERE room = ?'),
    edit: db.transaction((m: string, editedTs: number, id: number) => {
      const row = editRow.get(m, editedTs, id);
      return row && recordChange(id, row.room, EDITED);
    }),
    deleteById: db.transaction((id: number) => {
      const row = deleteRow.get(id);
      return row && recordChange(id, row.room, DELETED);
    }),
    search: db.prepare(
      `SELECT messages.id, messages.room, messages.u, messages.m, messages.ts
        FROM messages_fts JOIN messages ON messages.id = messages_fts.rowid
        WHERE messages_fts MATCH ? AND messages_fts.rowid < ? AND messages.room IN (SELECT value FROM json_each(?))
        ORDER BY messages_fts.rowid DESC LIMIT ?`,
    ),
    block: db.prepare('INSERT INTO blocks (blocker_key, blocked_key) VALUES (?, ?) ON CONFLICT DO NOTHING'),
    unblock: db.prepare('DELETE FROM blocks WHERE blocker_key = ? AND blocked_key = ?'),
    isBlocked: db.prepare('SELECT 1 AS found FROM blocks WHERE blocker_key = ? AND blocked_key = ?'),
    reactionCounts,
    // Checked and written under one write lock, so two processes cannot both add the 21st emoji.
    toggleReaction: db.transaction((id: number, userKey: string, emoji: string, maxDistinct: number) => {
      const removed = removeReaction.run(id, emoji, userKey).changes > 0;
      if (!removed) {
        if (!messageExists.get(id)) return undefined;
        const { kinds, has } = distinctReactions.get(emoji, id) ?? { kinds: 0, has: 0 };
        if (has === 0 && kinds >= maxDistinct) return 'too-many' as const;
        addReaction.run(id, emoji, userKey, Date.now());
      }
      const { rev } = recordChange(id, roomOf.get(id)?.room ?? '', REACTED);
      return { counts: countsById(reactionCounts.all(JSON.stringify([id]))).get(id) ?? {}, reacted: !removed, rev };
    }),
    // One transaction, so that the first copy cannot be pruned between the insert that found it
    // and the select that reads it.
    appendWithClientId: db.transaction((input: NewMessage, authorKey: string, cid: string): AppendResult => {
      const inserted = insert.get(...insertValues(input, authorKey, cid));
      if (inserted) return { message: appended(inserted.id, input), duplicate: false };
      const first = byClientId.get(authorKey, cid);
      if (!first) throw new Error('INSERT conflicted on (author_key, cid) but no such row exists');
      return { message: toMessage(first.room, first), duplicate: true };
    }),
  };
  return {
    ...statements,
    appendDirect: db.transaction((input: NewMessage, parties: ConversationParties) => {
      const result = appendRow(statements, input);
      if (result.duplicate) return result;
      const { id } = result.message;
      noteAuthor.run(parties.author, input.room, parties.recipientNick, id, input.ts, id);
      if (parties.recipient !== undefined) noteRecipient.run(parties.recipient, input.room, input.u, id, input.ts, 0);
      return result;
    }),
  };
}

/** A changes-log row with its message as it is now (undefined once deleted). */
function changeOf(row: ChangeRow, message: ChatMessage | undefined): MessageChange {
  const deleted = (row.kinds & DELETED) !== 0;
  return {
    id: row.message_id,
    rev: row.rev,
    message: deleted ? undefined : message,
    edited: (row.kinds & EDITED) !== 0,
    reacted: (row.kinds & REACTED) !== 0,
  };
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

/** Emoji counts per message id, from rows ordered by id then first use. */
function countsById(rows: { message_id: number; emoji: string; n: number }[]): Map<number, ReactionCounts> {
  const byId = new Map<number, ReactionCounts>();
  for (const row of rows) {
    let counts = byId.get(row.message_id);
    if (!counts) byId.set(row.message_id, (counts = {}));
    counts[row.emoji] = row.n;
  }
  return byId;
}

/** Adds each message's reaction counts (one query for the whole page). */
function withReactions(statements: Statements, messages: ChatMessage[]): ChatMessage[] {
  if (messages.length === 0) return messages;
  const byId = countsById(statements.reactionCounts.all(JSON.stringify(messages.map((message) => message.id))));
  for (const message of messages) withExtras(message, { reactions: byId.get(message.id) });
  return messages;
}

/** One row in its wire shape. */
function toMessage(room: string, row: Row): ChatMessage {
  return withExtras(toChatMessage(row.id, room, row.u, row.m, row.ts), { editedTs: row.edited_ts ?? undefined, replyTo: replyRefOf(row) });
}

/** The developer-facing error for a file that cannot be opened, with what to do about it. */
function openError(file: string, error: unknown): Error {
  const { code, cause } = describeCause(error);
  let fix = '';
  if (code === 'SQLITE_NOTADB' || code?.startsWith('SQLITE_CORRUPT') || cause.startsWith('quick_check')) {
    fix = ' Restore it from a backup, or move it aside to start with an empty history.';
  } else if (code === 'EACCES' || code === 'EPERM' || code?.startsWith('SQLITE_CANTOPEN') || code === 'SQLITE_READONLY') {
    fix = ' Check that the process may read and write the file and its folder.';
  }
  return new Error(`Chatterbox could not open its SQLite message store ${file}: ${cause}.${fix}`, { cause: error });
}

/**
 * True for an error raised by SQLite. Checked by name and code, not `instanceof`: the native addon
 * keeps the first SqliteError class it was given, so errors seen from a second copy of the JS
 * module (a test runner's fresh module registry and realm, a bundler) fail `instanceof` checks,
 * even `instanceof Error`.
 */
function isSqliteError(error: unknown): error is Error & { code: string } {
  if (typeof error !== 'object' || error === null) return false;
  const { name, code } = error as { name?: unknown; code?: unknown };
  return name === 'SqliteError' && typeof code === 'string';
}
