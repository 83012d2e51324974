/**
 * The SQLite schema as an ordered list of migrations, and the runner that brings a file up to
 * date. A migration is never edited once released: a change to the schema is a new entry, and
 * test/history/fixtures keeps a frozen copy of every released schema to migrate from.
 */
import type Database from 'better-sqlite3';
import createDebug from 'debug';

const debug = createDebug('chatterbox:history');

/** One step of the schema; `version` n turns a version n − 1 file into a version n file. */
export interface SqliteMigration {
  /** 1 for the first, then consecutive. */
  version: number;
  /** What the step does, for tracing. */
  description: string;
  /** The statements, run inside the migration transaction. */
  sql: string;
}

/** Every migration, oldest first. The schema's version is kept in `PRAGMA user_version`. */
export const SQLITE_MIGRATIONS: readonly SqliteMigration[] = [
  {
    version: 1,
    description: 'messages table',
    // AUTOINCREMENT so that an id is never handed out twice: without it SQLite reuses
    // max(id) + 1, which goes back down when retention deletes every row, and clients hold ids
    // across restarts.
    // STRICT so that a bug binding the wrong type fails loudly instead of storing it.
    // The partial unique index makes a retried (author_key, cid) a conflict, whichever process
    // inserts it; the ts index keeps the age-bound prune from scanning the table.
    sql: `
      CREATE TABLE messages (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        room TEXT NOT NULL,
        u TEXT NOT NULL,
        m TEXT NOT NULL,
        ts INTEGER NOT NULL,
        author_key TEXT,
        cid TEXT
      ) STRICT;
      CREATE INDEX messages_room_id ON messages (room, id);
      CREATE UNIQUE INDEX messages_author_cid ON messages (author_key, cid) WHERE cid IS NOT NULL;
      CREATE INDEX messages_ts ON messages (ts);
    `,
  },
  {
    version: 2,
    description: 'edited messages',
    // NULL: never edited. Adding a nullable column rewrites no row, so a big file upgrades at once.
    sql: 'ALTER TABLE messages ADD COLUMN edited_ts INTEGER;',
  },
  {
    version: 3,
    description: 'replies',
    // The author and excerpt are copied at send time, so a reply reads the same after the original
    // is edited, and still says whom it answered once the original is deleted.
    sql: `
      ALTER TABLE messages ADD COLUMN reply_id INTEGER;
      ALTER TABLE messages ADD COLUMN reply_u TEXT;
      ALTER TABLE messages ADD COLUMN reply_m TEXT;
    `,
  },
  {
    version: 4,
    description: 'reactions',
    // One row per user and emoji; the trigger forgets a message's reactions with it, whether a
    // moderator deleted it or retention pruned it. The rowid orders a message's emoji by first use
    // (ts can tie within a millisecond).
    sql: `
      CREATE TABLE reactions (
        message_id INTEGER NOT NULL,
        emoji TEXT NOT NULL,
        user_key TEXT NOT NULL,
        ts INTEGER NOT NULL,
        PRIMARY KEY (message_id, emoji, user_key)
      ) STRICT;
      CREATE TRIGGER messages_forget_reactions AFTER DELETE ON messages BEGIN
        DELETE FROM reactions WHERE message_id = old.id;
      END;
    `,
  },
  {
    version: 5,
    description: 'full-text search',
    // An external-content FTS5 index over m: the text is stored once (in messages), the index is
    // filled from the existing rows by 'rebuild' and kept in step by the triggers, so a search
    // reads the index, never the table. unicode61 folds case (and diacritics) like the page's words.
    sql: `
      CREATE VIRTUAL TABLE messages_fts USING fts5(m, content = 'messages', content_rowid = 'id');
      INSERT INTO messages_fts (messages_fts) VALUES ('rebuild');
      CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
        INSERT INTO messages_fts (rowid, m) VALUES (new.id, new.m);
      END;
      CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
        INSERT INTO messages_fts (messages_fts, rowid, m) VALUES ('delete', old.id, old.m);
      END;
      CREATE TRIGGER messages_fts_update AFTER UPDATE OF m ON messages BEGIN
        INSERT INTO messages_fts (messages_fts, rowid, m) VALUES ('delete', old.id, old.m);
        INSERT INTO messages_fts (rowid, m) VALUES (new.id, new.m);
      END;
    `,
  },
  {
    version: 6,
    description: 'blocked direct messages',
    // Who refuses direct messages from whom, by nickname key; kept apart from messages, so
    // retention never lifts a block.
    sql: `
      CREATE TABLE blocks (
        blocker_key TEXT NOT NULL,
        blocked_key TEXT NOT NULL,
        PRIMARY KEY (blocker_key, blocked_key)
      ) STRICT, WITHOUT ROWID;
    `,
  },
  {
    version: 7,
    description: 'message changes log',
    // Every edit, reaction change and delete takes the next number from the one-row counter (in
    // the write transaction that makes the change, so numbers follow commit order across every
    // process sharing the file) and records it here, one row per message: a reconnecting reader
    // asks which of its messages changed after the last number it saw, and gets each once with
    // its latest state. kinds: 1 edited, 2 reactions changed, 4 deleted (OR-ed over time). No
    // trigger forgets a row with its message: a delete must stay recorded; retention prunes rows
    // older than the oldest message kept. Existing files start with an empty log and rev 0.
    sql: `
      CREATE TABLE message_changes (
        message_id INTEGER PRIMARY KEY,
        room TEXT NOT NULL,
        rev INTEGER NOT NULL,
        kinds INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX message_changes_room_rev ON message_changes (room, rev);
      CREATE TABLE change_counter (
        one INTEGER PRIMARY KEY CHECK (one = 1),
        rev INTEGER NOT NULL
      ) STRICT;
      INSERT INTO change_counter (one, rev) VALUES (1, 0);
    `,
  },
  {
    version: 8,
    description: 'direct conversation lists',
    // One row per user and conversation, written with each direct message, so a user's list and
    // unread counts never read the messages table beyond one index range per conversation.
    // Conversations from before this version appear once a new message is sent in them.
    sql: `
      CREATE TABLE conversations (
        user_key TEXT NOT NULL,
        room TEXT NOT NULL,
        with_nick TEXT NOT NULL,
        last_id INTEGER NOT NULL,
        last_ts INTEGER NOT NULL,
        read_id INTEGER NOT NULL,
        PRIMARY KEY (user_key, room)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX conversations_user_last ON conversations (user_key, last_id);
    `,
  },
];

/** What {@link migrateSqlite} did. */
export interface SqliteMigrationResult {
  /** The file's schema version before. */
  from: number;
  /** Its version now. */
  to: number;
}

/**
 * Applies the pending migrations in one immediate transaction: a failure leaves the file as it
 * was, and two processes opening the same new file at once do not both create the table.
 * Throws if the file was written by a newer version of Chatterbox.
 */
export function migrateSqlite(
  db: Database.Database,
  migrations: readonly SqliteMigration[] = SQLITE_MIGRATIONS,
): SqliteMigrationResult {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new TypeError(`SQLite migrations must be numbered 1, 2, 3…; entry ${index} has version ${migration.version}`);
    }
  });
  const latest = migrations.length;
  const run = db.transaction((): SqliteMigrationResult => {
    const from = Number(db.pragma('user_version', { simple: true }));
    if (from > latest) {
      throw new Error(
        `its schema is version ${from}, written by a newer express-chatterbox (this one knows up to version ${latest}); upgrade express-chatterbox or use another file`,
      );
    }
    for (const migration of migrations.slice(from)) {
      debug('sqlite migration %d: %s', migration.version, migration.description);
      db.exec(migration.sql);
      // Inside the transaction: user_version lives in the file header, which commits with the tables.
      db.pragma(`user_version = ${migration.version}`);
    }
    return { from, to: Math.max(from, latest) };
  });
  return run.immediate();
}
