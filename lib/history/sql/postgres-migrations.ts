/**
 * The PostgreSQL schema as an ordered list of migrations, and the runner that brings a table up
 * to date. A migration is never edited once released: a change to the schema is a new entry.
 */
import createDebug from 'debug';
import type { PgPoolLike } from '../load-pg';
import type { PostgresNames } from './postgres-names';

const debug = createDebug('chatterbox:history');

/** One step of the schema; `version` n turns a version n − 1 table into a version n table. */
export interface PostgresMigration {
  /** 1 for the first, then consecutive. */
  version: number;
  /** What the step does; recorded in the migrations table. */
  description: string;
  /** The statements for one table's names, run in order inside the migration transaction. */
  statements(names: PostgresNames): string[];
}

/** Every migration, oldest first. Applied versions are rows of `<table>_migrations`. */
export const POSTGRES_MIGRATIONS: readonly PostgresMigration[] = [
  {
    version: 1,
    description: 'messages table',
    // The partial unique index makes a retried (author_key, cid) a conflict, whichever process
    // inserts it; the ts index keeps the age-bound prune from scanning the table.
    statements: (names) => [
      `CREATE TABLE ${names.table} (
        id BIGSERIAL PRIMARY KEY,
        room TEXT NOT NULL,
        u TEXT NOT NULL,
        m TEXT NOT NULL,
        ts BIGINT NOT NULL,
        author_key TEXT,
        cid TEXT
      )`,
      `CREATE INDEX ${names.index('room_id')} ON ${names.table} (room, id)`,
      `CREATE UNIQUE INDEX ${names.index('author_cid')} ON ${names.table} (author_key, cid) WHERE cid IS NOT NULL`,
      `CREATE INDEX ${names.index('ts')} ON ${names.table} (ts)`,
    ],
  },
  {
    version: 2,
    description: 'edited messages',
    // NULL: never edited. A nullable column without a default is added without rewriting the table.
    statements: (names) => [`ALTER TABLE ${names.table} ADD COLUMN edited_ts BIGINT`],
  },
  {
    version: 3,
    description: 'replies',
    // The author and excerpt are copied at send time (see the SQLite migration 3).
    statements: (names) => [`ALTER TABLE ${names.table} ADD COLUMN reply_id BIGINT, ADD COLUMN reply_u TEXT, ADD COLUMN reply_m TEXT`],
  },
  {
    version: 4,
    description: 'reactions',
    // No foreign key: hosts and tests drop the messages table on its own, which a dependent table
    // would refuse. The store deletes a message's reactions in the statement that deletes it.
    statements: (names) => [
      `CREATE TABLE ${names.reactions} (
        message_id BIGINT NOT NULL,
        -- Orders a message's emoji by first use (ts can tie within a millisecond).
        seq BIGSERIAL,
        emoji TEXT NOT NULL,
        user_key TEXT NOT NULL,
        ts BIGINT NOT NULL,
        PRIMARY KEY (message_id, emoji, user_key)
      )`,
    ],
  },
  {
    version: 5,
    description: 'full-text search',
    // An expression index rather than a stored column: the table is not rewritten, and the
    // search query repeats the same expression so the planner uses the index. 'simple' lower-cases
    // without stemming, as the page's words are in any language.
    statements: (names) => [`CREATE INDEX ${names.index('search')} ON ${names.table} USING GIN (to_tsvector('simple', m))`],
  },
  {
    version: 6,
    description: 'blocked direct messages',
    statements: (names) => [
      `CREATE TABLE ${names.blocks} (
        blocker_key TEXT NOT NULL,
        blocked_key TEXT NOT NULL,
        PRIMARY KEY (blocker_key, blocked_key)
      )`,
    ],
  },
  {
    version: 7,
    description: 'message changes log',
    // See the SQLite migration 7. The numbers come from a sequence, so they are cluster-wide; the
    // store draws one under an advisory lock held to commit, so they also commit in order and a
    // reader asking for changes after the number it saw never skips one still in flight.
    statements: (names) => [
      `CREATE SEQUENCE ${names.changeRev}`,
      `CREATE TABLE ${names.changes} (
        message_id BIGINT PRIMARY KEY,
        room TEXT NOT NULL,
        rev BIGINT NOT NULL,
        kinds INTEGER NOT NULL
      )`,
      `CREATE INDEX ${names.index('chg_rev')} ON ${names.changes} (room, rev)`,
    ],
  },
  {
    version: 8,
    description: 'direct conversation lists',
    // One row per user and conversation, written with each direct message (see the SQLite
    // migration 8); the index serves a user's list newest first without reading other users' rows.
    statements: (names) => [
      `CREATE TABLE ${names.dms} (
        user_key TEXT NOT NULL,
        room TEXT NOT NULL,
        with_nick TEXT NOT NULL,
        last_id BIGINT NOT NULL,
        last_ts BIGINT NOT NULL,
        read_id BIGINT NOT NULL,
        PRIMARY KEY (user_key, room)
      )`,
      `CREATE INDEX ${names.index('dms_user')} ON ${names.dms} (user_key, last_id)`,
    ],
  },
];

/** What {@link migratePostgres} did. */
export interface PostgresMigrationResult {
  /** The table's schema version before (0: it did not exist). */
  from: number;
  /** Its version now. */
  to: number;
}

/**
 * Applies the pending migrations in one transaction that first takes an advisory lock on the
 * table's name: processes starting at once wait for each other instead of racing to create the
 * same table, and a failure leaves nothing half-done. Throws if the table was migrated by a newer
 * version of Chatterbox.
 */
export async function migratePostgres(
  pool: PgPoolLike,
  names: PostgresNames,
  migrations: readonly PostgresMigration[] = POSTGRES_MIGRATIONS,
): Promise<PostgresMigrationResult> {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new TypeError(`PostgreSQL migrations must be numbered 1, 2, 3…; entry ${index} has version ${migration.version}`);
    }
  });
  const latest = migrations.length;
  const client = await pool.connect();
  let failure: Error | undefined;
  try {
    await client.query('BEGIN');
    try {
      await client.query('SELECT pg_advisory_xact_lock($1, $2)', names.migrationLock);
      await client.query(
        `CREATE TABLE IF NOT EXISTS ${names.migrations} (
          version INTEGER PRIMARY KEY,
          description TEXT NOT NULL,
          applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
        )`,
      );
      const applied = await client.query<{ version: number | null }>(`SELECT max(version) AS version FROM ${names.migrations}`);
      const from = applied.rows[0]?.version ?? 0;
      if (from > latest) {
        throw new Error(
          `its schema is version ${from}, migrated by a newer express-chatterbox (this one knows up to version ${latest}); upgrade express-chatterbox or use another table`,
        );
      }
      for (const migration of migrations.slice(from)) {
        debug('postgres migration %d of %s: %s', migration.version, names.display, migration.description);
        for (const statement of migration.statements(names)) await client.query(statement);
        await client.query(`INSERT INTO ${names.migrations} (version, description) VALUES ($1, $2)`, [
          migration.version,
          migration.description,
        ]);
      }
      await client.query('COMMIT');
      return { from, to: Math.max(from, latest) };
    } catch (error) {
      // If the connection itself broke, the rollback fails too; the first error is the one to report.
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  } catch (error) {
    failure = error instanceof Error ? error : new Error(String(error));
    throw error;
  } finally {
    // Handing the error back makes the pool discard the connection instead of reusing it.
    client.release(failure);
  }
}
