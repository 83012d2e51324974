/** SqliteStore: the MessageStore contract on real files, then what only a SQLite file does. */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { NewMessage } from '../../lib/options/message-store';
import { migrateSqlite, SQLITE_MIGRATIONS, type SqliteMigration } from '../../lib/history/sql/sqlite-migrations';
import { SqliteStore, type SqliteStoreOptions } from '../../lib/history/sqlite-store';
import type { ChatLogger } from '../../lib/options/logger';
import { directRoom } from '../../lib/protocol/direct-room';
import { ChatError } from '../../lib/protocol/error-codes';
import { describeMessageStoreContract } from './message-store.contract';

const TS = 1_700_000_000_000;
const DAY_MS = 86_400_000;

let directory: string;
let fileCount = 0;

beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), 'chatterbox-sqlite-'));
});

afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

/** A path in the suite's temporary folder that no other test uses. */
function freshFile(name = 'chat'): string {
  fileCount += 1;
  return join(directory, `${name}-${fileCount}.sqlite`);
}

/** A logger that records what it was given. */
function recordingLogger(): ChatLogger & { info: jest.Mock; warn: jest.Mock; error: jest.Mock } {
  return { info: jest.fn(), warn: jest.fn(), error: jest.fn() };
}

function draft(m: string, overrides: Partial<NewMessage> = {}): NewMessage {
  return { room: '', u: 'alice', m, ts: TS, ...overrides };
}

/** Opens stores and closes them all after the test. */
const opened: SqliteStore[] = [];
async function openStore(options: SqliteStoreOptions): Promise<SqliteStore> {
  const store = new SqliteStore({ logger: recordingLogger(), ...options });
  opened.push(store);
  await store.open();
  return store;
}

afterEach(async () => {
  await Promise.all(opened.splice(0).map((store) => store.close()));
});

describeMessageStoreContract(
  'SqliteStore',
  async (options) => {
    const file = freshFile('contract');
    const stores: SqliteStore[] = [];
    const make = async (): Promise<SqliteStore> => {
      const store = new SqliteStore({ file, logger: recordingLogger(), ...options });
      stores.push(store);
      await store.open();
      return store;
    };
    const first = await make();
    return {
      store: first,
      reopen: async () => {
        await stores[stores.length - 1]?.close();
        return make();
      },
      cleanup: async () => {
        await Promise.all(stores.map((store) => store.close()));
        for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
      },
    };
  },
  { persistent: true },
);

describe('SqliteStore', () => {
  describe('options', () => {
    it('throws a TypeError naming `file` when it is missing', () => {
      expect(() => new SqliteStore({} as SqliteStoreOptions)).toThrow(
        new TypeError(
          "SqliteStore option `file` must be the path of the database file, e.g. 'data/chat.sqlite'; got undefined",
        ),
      );
    });

    it('suggests the option meant by a misspelt one', () => {
      expect(() => new SqliteStore({ filename: 'x.sqlite' } as unknown as SqliteStoreOptions)).toThrow(
        new TypeError('SqliteStore has no option `filename`; did you mean `file`?'),
      );
      expect(() => new SqliteStore({ file: 'x', maxMessage: 5 } as unknown as SqliteStoreOptions)).toThrow(
        'did you mean `maxMessages`?',
      );
    });

    it.each([[-1], [1.5], [Number.NaN], ['10']])('refuses maxMessages %p', (maxMessages) => {
      expect(() => new SqliteStore({ file: 'x', maxMessages } as unknown as SqliteStoreOptions)).toThrow(
        /^SqliteStore option `maxMessages` must be a whole number ≥ 0 or Infinity, got /,
      );
    });

    it.each([[0], [-1], [Infinity], ['7']])('refuses maxAgeDays %p', (maxAgeDays) => {
      expect(() => new SqliteStore({ file: 'x', maxAgeDays } as unknown as SqliteStoreOptions)).toThrow(
        /^SqliteStore option `maxAgeDays` must be a number of days > 0/,
      );
    });

    it('treats undefined as omitted and accepts 0 and Infinity for maxMessages', () => {
      expect(() => new SqliteStore({ file: 'x', maxMessages: undefined, maxAgeDays: undefined })).not.toThrow();
      expect(() => new SqliteStore({ file: 'x', maxMessages: 0 })).not.toThrow();
      expect(() => new SqliteStore({ file: 'x', maxMessages: Infinity, maxAgeDays: 0.5 })).not.toThrow();
    });

    it('does not modify the options object', () => {
      const options = Object.freeze({ file: 'x', maxMessages: 5 });
      expect(() => new SqliteStore(options)).not.toThrow();
    });
  });

  describe('open', () => {
    it('creates missing folders, the file, and the schema at the latest version', async () => {
      const file = join(directory, 'nested', 'deeper', 'chat.sqlite');
      await openStore({ file });
      expect(existsSync(file)).toBe(true);
      const raw = new Database(file, { readonly: true });
      try {
        expect(raw.pragma('user_version', { simple: true })).toBe(SQLITE_MIGRATIONS.length);
        expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
        const columns = raw.prepare<[], { name: string; type: string; notnull: number }>("PRAGMA table_info('messages')").all();
        expect(columns.map(({ name, type, notnull }) => [name, type, notnull])).toEqual([
          ['id', 'INTEGER', 0],
          ['room', 'TEXT', 1],
          ['u', 'TEXT', 1],
          ['m', 'TEXT', 1],
          ['ts', 'INTEGER', 1],
          ['author_key', 'TEXT', 0],
          ['cid', 'TEXT', 0],
          ['edited_ts', 'INTEGER', 0],
          ['reply_id', 'INTEGER', 0],
          ['reply_u', 'TEXT', 0],
          ['reply_m', 'TEXT', 0],
        ]);
        const indexes = raw
          .prepare<[], { name: string; unique: number; partial: number }>("PRAGMA index_list('messages')")
          .all()
          .map(({ name, unique, partial }) => ({ name, unique, partial }))
          .sort((a, b) => a.name.localeCompare(b.name));
        expect(indexes).toEqual([
          { name: 'messages_author_cid', unique: 1, partial: 1 },
          { name: 'messages_room_id', unique: 0, partial: 0 },
          { name: 'messages_ts', unique: 0, partial: 0 },
        ]);
      } finally {
        raw.close();
      }
    });

    it('opens an empty (zero-byte) file as an empty store', async () => {
      const file = freshFile();
      writeFileSync(file, '');
      const store = await openStore({ file });
      expect(await store.latest('', 10)).toEqual([]);
    });

    it('resolves again when called twice', async () => {
      const store = await openStore({ file: freshFile() });
      await expect(store.open()).resolves.toBeUndefined();
      await store.append(draft('still works'));
    });

    it('rejects a file that is not a database, naming the file, the cause and the fix', async () => {
      const file = freshFile('not-a-database');
      writeFileSync(file, 'these are notes, not a database\n'.repeat(200));
      const store = new SqliteStore({ file, logger: recordingLogger() });
      const error = await store.open().then(
        () => undefined,
        (reason: unknown) => reason,
      );
      expect(error).toBeInstanceOf(Error);
      expect(error).not.toBeInstanceOf(ChatError);
      expect((error as Error).message).toBe(
        `Chatterbox could not open its SQLite message store ${file}: file is not a database. Restore it from a backup, or move it aside to start with an empty history.`,
      );
      expect((error as Error).cause).toMatchObject({ name: 'SqliteError', code: 'SQLITE_NOTADB' });
      expect(readFileSync(file, 'utf8')).toBe('these are notes, not a database\n'.repeat(200));
    });

    it('rejects a damaged database before it is used', async () => {
      const file = freshFile('damaged');
      const store = await openStore({ file });
      for (let i = 0; i < 300; i++) await store.append(draft(`message ${i} `.repeat(20), { room: `room ${i % 7}` }));
      await store.close();
      // Overwrite the middle of the file: the header stays valid, table and index pages do not.
      const size = statSync(file).size;
      const fd = openSync(file, 'r+');
      writeSync(fd, Buffer.alloc(8192, 0xa5), 0, 8192, Math.floor(size / 2 / 4096) * 4096);
      closeSync(fd);
      const reopened = new SqliteStore({ file, logger: recordingLogger() });
      await expect(reopened.open()).rejects.toThrow(
        new RegExp(
          `^Chatterbox could not open its SQLite message store ${escape(file)}: .+\\. Restore it from a backup, or move it aside to start with an empty history\\.$`,
        ),
      );
    });

    it('rejects a file written by a newer schema, saying what to do', async () => {
      const file = freshFile('newer');
      const raw = new Database(file);
      raw.pragma('user_version = 99');
      raw.close();
      await expect(new SqliteStore({ file }).open()).rejects.toThrow(
        `Chatterbox could not open its SQLite message store ${file}: its schema is version 99, written by a newer express-chatterbox (this one knows up to version ${SQLITE_MIGRATIONS.length}); upgrade express-chatterbox or use another file.`,
      );
    });

    it('rejects a path whose folder cannot be created', async () => {
      const blocker = freshFile('blocker');
      writeFileSync(blocker, '');
      const file = join(blocker, 'chat.sqlite');
      await expect(new SqliteStore({ file }).open()).rejects.toThrow(
        new RegExp(`^Chatterbox could not open its SQLite message store ${escape(file)}: .*(EEXIST|ENOTDIR)`),
      );
    });

    it('cannot be opened again once closed', async () => {
      const store = await openStore({ file: freshFile() });
      await store.close();
      await expect(store.open()).rejects.toThrow('SqliteStore was closed; create a new one to open the file again');
    });
  });

  describe('migrations', () => {
    it('opens the frozen version 1 file with its messages, and continues ids after the highest ever used', async () => {
      const file = freshFile('v1');
      const raw = new Database(file);
      raw.exec(readFileSync(join(__dirname, 'fixtures', 'sqlite-schema-v1.sql'), 'utf8'));
      raw.close();
      const store = await openStore({ file });
      expect(await store.latest('', 10)).toStrictEqual([
        { u: 'alice', m: 'hello from version 1', id: 40, ts: 1_700_000_000_000 },
        { u: 'Ünïcödé', m: 'line one\nline two', id: 44, ts: 1_700_000_002_000 },
      ]);
      expect(await store.latest('lobby', 10)).toStrictEqual([
        { u: 'bob', m: 'émoji 🎉 in the lobby', id: 41, ts: 1_700_000_001_000, room: 'lobby' },
      ]);
      expect(await store.append(draft('retry', { authorKey: 'alice', cid: 'v1-a' }))).toStrictEqual({
        message: { u: 'alice', m: 'hello from version 1', id: 40, ts: 1_700_000_000_000 },
        duplicate: true,
      });
      expect((await store.append(draft('new'))).message.id).toBeGreaterThan(57);
      // The old rows take part in what later versions added: search, reactions, edits.
      expect((await store.search({ terms: ['version'], rooms: [''], limit: 10 })).map((hit) => hit.id)).toEqual([40]);
      expect(await store.react(41, 'alice', '🎉', 20)).toStrictEqual({ counts: { '🎉': 1 }, reacted: true, rev: 1 });
      expect(await store.edit(44, 'line one, fixed', 1_700_000_009_000)).toStrictEqual({ rev: 2, room: '' });
      expect((await store.search({ terms: ['fixed'], rooms: [''], limit: 10 })).map((hit) => hit.id)).toEqual([44]);
      const check = new Database(file, { readonly: true });
      expect(check.pragma('user_version', { simple: true })).toBe(SQLITE_MIGRATIONS.length);
      check.close();
    });

    it('upgrades a file of the previous version (6) in place: its rows start a changes log at rev 0', async () => {
      const file = freshFile('v6');
      const raw = new Database(file);
      migrateSqlite(raw, SQLITE_MIGRATIONS.slice(0, 6));
      raw.exec(`INSERT INTO messages (room, u, m, ts, author_key, edited_ts) VALUES
        ('lobby', 'alice', 'edited before', 1700000000000, 'alice', 1700000000500),
        ('lobby', 'bob', 'plain', 1700000001000, 'bob', NULL);
        INSERT INTO reactions (message_id, emoji, user_key, ts) VALUES (1, '👍', 'carol', 1);`);
      raw.close();
      const store = await openStore({ file });
      expect(await store.latest('lobby', 10)).toMatchObject([{ m: 'edited before', editedTs: 1_700_000_000_500, reactions: { '👍': 1 } }, { m: 'plain' }]);
      // What changed before the upgrade was never numbered: nothing to replay, rev 0.
      expect(await store.currentRev('lobby')).toBe(0);
      expect(await store.changesAfter('lobby', 0, 2, 10)).toStrictEqual({ changes: [], truncated: false });
      expect(await store.delete(2)).toStrictEqual({ rev: 1, room: 'lobby' });
      expect(await store.react(1, 'dave', '🎉', 20)).toMatchObject({ rev: 2 });
      expect((await store.changesAfter('lobby', 0, 2, 10)).changes).toMatchObject([
        { id: 2, rev: 1, message: undefined },
        { id: 1, rev: 2, reacted: true, edited: false, message: { reactions: { '👍': 1, '🎉': 1 } } },
      ]);
      const check = new Database(file, { readonly: true });
      expect(check.pragma('user_version', { simple: true })).toBe(SQLITE_MIGRATIONS.length);
      check.close();
    });

    it('upgrades a version 6 file in place: its direct messages stay, new ones are listed', async () => {
      const file = freshFile('v6');
      const raw = new Database(file);
      migrateSqlite(raw, SQLITE_MIGRATIONS.slice(0, 6));
      const room = directRoom('alice', 'bob');
      raw.prepare('INSERT INTO messages (room, u, m, ts, author_key) VALUES (?, ?, ?, ?, ?)').run(room, 'Alice', 'before the upgrade', 1_700_000_000_000, 'alice');
      raw.close();
      const store = await openStore({ file });
      expect((await store.latest(room, 10)).map((message) => message.m)).toStrictEqual(['before the upgrade']);
      // Conversations from before version 8 are listed once someone writes in them again.
      expect(await store.conversations('bob', 10)).toStrictEqual([]);
      const { message } = await store.append(draft('after', { room, u: 'Alice', authorKey: 'alice', toNick: 'Bob' }));
      expect(await store.conversations('bob', 10)).toStrictEqual([{ room, with: 'Alice', lastId: message.id, lastTs: message.ts, unread: 2 }]);
      const check = new Database(file, { readonly: true });
      expect(check.pragma('user_version', { simple: true })).toBe(SQLITE_MIGRATIONS.length);
      check.close();
    });

    it('lists conversations and counts unread through indexes, never scanning the messages table', async () => {
      const file = freshFile('conversations-plan');
      await openStore({ file });
      const raw = new Database(file, { readonly: true });
      try {
        const plan = raw
          .prepare<[string, number], { detail: string }>(
            `EXPLAIN QUERY PLAN SELECT c.room, (SELECT count(*) FROM (SELECT 1 FROM messages AS m WHERE m.room = c.room AND m.id > c.read_id
              AND m.author_key IS NOT c.user_key LIMIT 100)) AS unread
              FROM conversations AS c WHERE c.user_key = ? ORDER BY c.last_id DESC LIMIT ?`,
          )
          .all('alice', 100)
          .map((row) => row.detail);
        expect(plan).toContain('SEARCH c USING INDEX conversations_user_last (user_key=?)');
        expect(plan).toContain('SEARCH m USING INDEX messages_room_id (room=? AND id>?)');
        expect(plan.some((detail) => /^SCAN (m|messages|c|conversations)\b/.test(detail))).toBe(false);
      } finally {
        raw.close();
      }
    });

    it('searches through the FTS5 index, never scanning the messages table', async () => {
      const file = freshFile('plan');
      await openStore({ file });
      const raw = new Database(file, { readonly: true });
      try {
        const plan = raw
          .prepare<[string, number, string, number], { detail: string }>(
            `EXPLAIN QUERY PLAN SELECT messages.id FROM messages_fts JOIN messages ON messages.id = messages_fts.rowid
              WHERE messages_fts MATCH ? AND messages_fts.rowid < ? AND messages.room IN (SELECT value FROM json_each(?))
              ORDER BY messages_fts.rowid DESC LIMIT ?`,
          )
          .all('"x"*', 10, '[""]', 5)
          .map((row) => row.detail);
        expect(plan.some((detail) => detail.includes('VIRTUAL TABLE INDEX'))).toBe(true);
        expect(plan.some((detail) => /SCAN messages\b(?!_fts)/.test(detail))).toBe(false);
      } finally {
        raw.close();
      }
    });

    it('applies only pending migrations, in order, and records the version', () => {
      const db = new Database(':memory:');
      const steps: SqliteMigration[] = [
        { version: 1, description: 'one', sql: 'CREATE TABLE one (x INTEGER);' },
        { version: 2, description: 'two', sql: 'ALTER TABLE one ADD COLUMN y TEXT;' },
      ];
      expect(migrateSqlite(db, steps.slice(0, 1))).toEqual({ from: 0, to: 1 });
      expect(migrateSqlite(db, steps)).toEqual({ from: 1, to: 2 });
      expect(migrateSqlite(db, steps)).toEqual({ from: 2, to: 2 });
      expect(db.pragma('user_version', { simple: true })).toBe(2);
      expect(db.prepare<[], { name: string }>("PRAGMA table_info('one')").all().map((c) => c.name)).toEqual(['x', 'y']);
      db.close();
    });

    it('leaves the file untouched when a migration fails', () => {
      const db = new Database(':memory:');
      const steps: SqliteMigration[] = [
        { version: 1, description: 'one', sql: 'CREATE TABLE one (x INTEGER);' },
        { version: 2, description: 'broken', sql: 'CREATE TABLE two (x INTEGER); THIS IS NOT SQL;' },
      ];
      expect(() => migrateSqlite(db, steps)).toThrow(/syntax error/);
      expect(db.pragma('user_version', { simple: true })).toBe(0);
      expect(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all()).toEqual([]);
      db.close();
    });

    it('refuses a list that is not numbered 1, 2, 3…', () => {
      const db = new Database(':memory:');
      expect(() => migrateSqlite(db, [{ version: 2, description: 'gap', sql: '' }])).toThrow(
        new TypeError('SQLite migrations must be numbered 1, 2, 3…; entry 0 has version 2'),
      );
      db.close();
    });
  });

  describe('retention', () => {
    it('drops messages older than maxAgeDays when it opens', async () => {
      const file = freshFile();
      const writer = await openStore({ file });
      const now = Date.now();
      await writer.append(draft('ten days old', { ts: now - 10 * DAY_MS }));
      const young = await writer.append(draft('one day old', { ts: now - DAY_MS }));
      await writer.close();
      const store = await openStore({ file, maxAgeDays: 7 });
      expect(await store.latest('', 10)).toStrictEqual([young.message]);
    });

    it('drops old messages while running, every few appends', async () => {
      const store = await openStore({ file: freshFile(), maxMessages: 10, maxAgeDays: 1 });
      const old = await store.append(draft('two days old', { ts: Date.now() - 2 * DAY_MS }));
      for (let i = 0; i < 3; i++) await store.append(draft(`recent ${i}`, { ts: Date.now() }));
      const kept = await store.latest('', 10);
      expect(kept.map((message) => message.m)).toEqual(['recent 0', 'recent 1', 'recent 2']);
      expect(kept).not.toContainEqual(old.message);
    });

    it('trims to exactly maxMessages when it opens', async () => {
      const file = freshFile();
      const writer = await openStore({ file });
      for (let i = 0; i < 30; i++) await writer.append(draft(`message ${i}`, { room: i % 2 === 0 ? '' : 'odd' }));
      await writer.close();
      const store = await openStore({ file, maxMessages: 5 });
      const kept = [...(await store.latest('', 30)), ...(await store.latest('odd', 30))].map((message) => message.m);
      expect(kept.sort()).toEqual(['message 25', 'message 26', 'message 27', 'message 28', 'message 29']);
    });

    it('never hands out an id twice, even after every message was dropped', async () => {
      const file = freshFile();
      const first = await openStore({ file, maxMessages: 0 });
      const { message } = await first.append(draft('gone at once'));
      expect(await first.latest('', 10)).toEqual([]);
      await first.close();
      const second = await openStore({ file });
      expect((await second.append(draft('next'))).message.id).toBeGreaterThan(message.id);
    });

    it('keeps everything with maxMessages: Infinity', async () => {
      const store = await openStore({ file: freshFile(), maxMessages: Infinity });
      for (let i = 0; i < 600; i++) await store.append(draft(`message ${i}`));
      expect(await store.latest('', 1_000)).toHaveLength(600);
    });
  });

  describe('when the database fails', () => {
    it('rejects with STORE_UNAVAILABLE while another process holds the write lock, warning once and telling when it is back', async () => {
      const file = freshFile();
      const logger = recordingLogger();
      const store = await openStore({ file, logger, busyTimeoutMs: 50 });
      const other = new Database(file);
      other.exec('BEGIN IMMEDIATE');
      try {
        const secret = 'a private message';
        await expect(store.append(draft(secret))).rejects.toEqual(new ChatError('STORE_UNAVAILABLE'));
        await expect(store.append(draft(secret, { cid: 'c1', authorKey: 'alice' }))).rejects.toBeInstanceOf(ChatError);
        // Readers are not blocked by a writer in WAL mode.
        await expect(store.latest('', 10)).resolves.toEqual([]);
        expect(logger.warn).toHaveBeenCalledTimes(1);
        expect(logger.warn).toHaveBeenCalledWith(
          'SQLite message store is unavailable; chat requests get STORE_UNAVAILABLE until it recovers',
          { file, operation: 'append', code: 'SQLITE_BUSY', cause: 'database is locked' },
        );
        expect(JSON.stringify([logger.error.mock.calls, logger.warn.mock.calls])).not.toContain(secret);
      } finally {
        other.exec('COMMIT');
        other.close();
      }
      const { message } = await store.append(draft('after the lock'));
      expect(await store.latest('', 10)).toStrictEqual([message]);
      expect(logger.info).toHaveBeenCalledTimes(1);
      expect(logger.info).toHaveBeenCalledWith('SQLite message store is available again', { file });
      expect(logger.warn).toHaveBeenCalledTimes(1);
      expect(logger.error).not.toHaveBeenCalled();
    });

    it('refuses text no SQL store can keep exactly with a TypeError, and stores nothing', async () => {
      const store = await openStore({ file: freshFile() });
      await expect(store.append(draft('nul \u0000 byte'))).rejects.toThrow(
        new TypeError('SqliteStore.append(): `m` holds U+0000, which cannot be stored'),
      );
      await expect(store.append(draft('x', { u: 'lone \uD800 surrogate' }))).rejects.toThrow(
        new TypeError('SqliteStore.append(): `u` holds a lone surrogate, which cannot be stored'),
      );
      await expect(store.append(draft('x', { ts: 1.5 }))).rejects.toThrow(
        new TypeError('SqliteStore.append(): `ts` must be a whole number of milliseconds, got 1.5'),
      );
      await expect(store.latest('', -1)).rejects.toThrow(
        new TypeError('SqliteStore.latest(): `limit` must be a whole number ≥ 0, got -1'),
      );
      expect(await store.latest('', 10)).toEqual([]);
    });

    it('rejects a call before open() as a programming error, and after close() as STORE_UNAVAILABLE', async () => {
      const store = new SqliteStore({ file: freshFile() });
      await expect(store.latest('', 1)).rejects.toThrow(new Error('SqliteStore.latest() was called before open() resolved'));
      await store.open();
      await store.close();
      await expect(store.append(draft('late'))).rejects.toEqual(new ChatError('STORE_UNAVAILABLE'));
    });
  });

  describe('durability', () => {
    it('keeps an acked message when the process is killed with SIGKILL right after the ack', async () => {
      const file = freshFile('killed');
      const child = spawn(process.execPath, [join(__dirname, 'fixtures', 'sqlite-append-child.js'), file], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const ackedId = await new Promise<number>((resolve, reject) => {
        let stdout = '';
        child.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          const match = /acked (\d+)\n/.exec(stdout);
          if (match) resolve(Number(match[1]));
        });
        child.on('exit', (code) => reject(new Error(`child exited with ${code}: ${stderr}`)));
      });
      const exited = new Promise((resolve) => child.on('exit', resolve));
      child.kill('SIGKILL');
      await exited;
      // The WAL was never checkpointed: the message exists only there.
      expect(existsSync(`${file}-wal`)).toBe(true);
      const store = await openStore({ file });
      expect(await store.latest('', 10)).toStrictEqual([
        { u: 'alice', m: 'acked before SIGKILL', id: ackedId, ts: 1_700_000_000_000 },
      ]);
    });
  });
});

/** `text` as a literal in a RegExp. */
function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
