/** PostgresStore: the MessageStore contract on a real server, then what only PostgreSQL does. */
import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import type { AppendResult, NewMessage } from '../../lib/options/message-store';
import { PostgresStore, type PostgresStoreOptions } from '../../lib/history/postgres-store';
import { migratePostgres, POSTGRES_MIGRATIONS } from '../../lib/history/sql/postgres-migrations';
import { CHANGE_LOCK_CLASS, postgresNames } from '../../lib/history/sql/postgres-names';
import type { ChatLogger } from '../../lib/options/logger';
import { directRoom } from '../../lib/protocol/direct-room';
import { ChatError } from '../../lib/protocol/error-codes';
import { describeWithService, POSTGRES_URL } from '../helpers/services';
import { describeMessageStoreContract } from './message-store.contract';
import { TcpProxy } from './tcp-proxy';

const TS = 1_700_000_000_000;
const DAY_MS = 86_400_000;
/** The `/database` part of the URL, as the store shows it. */
const DATABASE_PATH = new URL(POSTGRES_URL).pathname;
const RUN = `${process.pid}_${randomBytes(3).toString('hex')}`;
let tableCount = 0;

/** A table name no other test or test run uses. */
function freshTable(): string {
  tableCount += 1;
  return `chatterbox_test_${RUN}_${tableCount}`;
}

function recordingLogger(): ChatLogger & { info: jest.Mock; warn: jest.Mock; error: jest.Mock } {
  return { info: jest.fn(), warn: jest.fn(), error: jest.fn() };
}

function draft(m: string, overrides: Partial<NewMessage> = {}): NewMessage {
  return { room: '', u: 'alice', m, ts: TS, ...overrides };
}

/** `POSTGRES_URL` pointed at another host and port. */
function urlVia(host: string, port: number): string {
  const url = new URL(POSTGRES_URL);
  url.hostname = host;
  url.port = String(port);
  return url.toString();
}

/** How the store names a server in its messages: `host:port/database`, no credentials. */
function serverOf(connectionString: string): string {
  const url = new URL(connectionString);
  return `${url.hostname}${url.port ? `:${url.port}` : ''}${url.pathname}`;
}

describeWithService('postgres', 'PostgresStore', () => {
  let admin: Pool;
  const tables: string[] = [];
  const stores: PostgresStore[] = [];

  /** Opens a store on a fresh table (unless one is given); everything is closed and dropped after the test. */
  async function openStore(options: Partial<PostgresStoreOptions> = {}): Promise<PostgresStore> {
    const store = makeStore(options);
    await store.open();
    return store;
  }

  function makeStore(options: Partial<PostgresStoreOptions> = {}): PostgresStore {
    const table = options.table ?? freshTable();
    if (!tables.includes(table)) tables.push(table);
    const store = new PostgresStore({
      logger: recordingLogger(),
      ...(options.pool ? {} : { connectionString: POSTGRES_URL }),
      ...options,
      table,
    });
    stores.push(store);
    return store;
  }

  async function dropTables(names: string[]): Promise<void> {
    for (const table of names) {
      const quoted = table
        .split('.')
        .map((part) => `"${part}"`)
        .join('.');
      const migrations = `${quoted.slice(0, -1)}_migrations"`;
      const reactions = `${quoted.slice(0, -1)}_reactions"`;
      const blocks = `${quoted.slice(0, -1)}_blocks"`;
      const changes = `${quoted.slice(0, -1)}_changes"`;
      const dms = `${quoted.slice(0, -1)}_dms"`;
      await admin.query(`DROP TABLE IF EXISTS ${quoted}, ${migrations}, ${reactions}, ${blocks}, ${changes}, ${dms}`);
      await admin.query(`DROP SEQUENCE IF EXISTS ${quoted.slice(0, -1)}_change_rev"`);
    }
  }

  beforeAll(() => {
    admin = new Pool({ connectionString: POSTGRES_URL, max: 2 });
  });

  afterEach(async () => {
    await Promise.all(stores.splice(0).map((store) => store.close()));
    await dropTables(tables.splice(0));
  });

  afterAll(async () => {
    await admin.end();
  });

  describeMessageStoreContract(
    'PostgresStore',
    async (options) => {
      const table = freshTable();
      const opened: PostgresStore[] = [];
      const make = async (): Promise<PostgresStore> => {
        const store = new PostgresStore({ connectionString: POSTGRES_URL, table, logger: recordingLogger(), ...options });
        opened.push(store);
        await store.open();
        return store;
      };
      const first = await make();
      return {
        store: first,
        reopen: async () => {
          await opened[opened.length - 1]?.close();
          return make();
        },
        cleanup: async () => {
          await Promise.all(opened.map((store) => store.close()));
          await dropTables([table]);
        },
      };
    },
    { persistent: true },
  );

  describe('upgrading a table created by version 1 (the first release)', () => {
    it('keeps its rows and gives them edits, replies, reactions and search', async () => {
      const table = freshTable();
      tables.push(table);
      await migratePostgres(admin, postgresNames(table), POSTGRES_MIGRATIONS.slice(0, 1));
      await admin.query(`INSERT INTO "${table}" (room, u, m, ts, author_key, cid) VALUES ('', 'alice', 'hello from version one', 1700000000000, 'alice', 'c1')`);
      const store = await openStore({ table });
      const [old] = await store.latest('', 10);
      expect(old).toStrictEqual({ u: 'alice', m: 'hello from version one', id: old!.id, ts: 1_700_000_000_000 });
      expect((await store.search({ terms: ['version'], rooms: [''], limit: 10 })).map((hit) => hit.id)).toEqual([old!.id]);
      expect(await store.react(old!.id, 'bob', '👍', 20)).toStrictEqual({ counts: { '👍': 1 }, reacted: true, rev: 1 });
      expect(await store.edit(old!.id, 'edited', 1_700_000_001_000)).toStrictEqual({ rev: 2, room: '' });
      expect(await store.get(old!.id)).toStrictEqual({
        message: { u: 'alice', m: 'edited', id: old!.id, ts: 1_700_000_000_000, editedTs: 1_700_000_001_000, reactions: { '👍': 1 } },
        room: '',
        authorKey: 'alice',
      });
      const applied = await admin.query<{ version: number }>(`SELECT version FROM "${table}_migrations" ORDER BY version`);
      expect(applied.rows.map((row) => row.version)).toEqual(POSTGRES_MIGRATIONS.map((migration) => migration.version));
    });

    it('upgrades a table of the previous version (6) in place: its rows start a changes log at rev 0', async () => {
      const table = freshTable();
      tables.push(table);
      await migratePostgres(admin, postgresNames(table), POSTGRES_MIGRATIONS.slice(0, 6));
      await admin.query(
        `INSERT INTO "${table}" (room, u, m, ts, author_key, edited_ts) VALUES ('lobby', 'alice', 'edited before', 1700000000000, 'alice', 1700000000500), ('lobby', 'bob', 'plain', 1700000001000, 'bob', NULL)`,
      );
      await admin.query(`INSERT INTO "${table}_reactions" (message_id, emoji, user_key, ts) SELECT min(id), '👍', 'carol', 1 FROM "${table}"`);
      const store = await openStore({ table });
      const [edited, plain] = await store.latest('lobby', 10);
      expect(edited).toMatchObject({ m: 'edited before', editedTs: 1_700_000_000_500, reactions: { '👍': 1 } });
      // What changed before the upgrade was never numbered: nothing to replay, rev 0.
      expect(await store.currentRev('lobby')).toBe(0);
      expect(await store.changesAfter('lobby', 0, plain!.id, 10)).toStrictEqual({ changes: [], truncated: false });
      const change = await store.edit(plain!.id, 'plain, edited', 1_700_000_002_000);
      expect(change).toStrictEqual({ rev: 1, room: 'lobby' });
      expect((await store.changesAfter('lobby', 0, plain!.id, 10)).changes).toMatchObject([{ id: plain!.id, rev: 1, edited: true }]);
      const applied = await admin.query<{ version: number }>(`SELECT version FROM "${table}_migrations" ORDER BY version`);
      expect(applied.rows.map((row) => row.version)).toEqual(POSTGRES_MIGRATIONS.map((migration) => migration.version));
    });

    it('upgrades a version 6 table in place: its direct messages stay, new ones are listed', async () => {
      const table = freshTable();
      tables.push(table);
      await migratePostgres(admin, postgresNames(table), POSTGRES_MIGRATIONS.slice(0, 6));
      const room = directRoom('alice', 'bob');
      await admin.query(`INSERT INTO "${table}" (room, u, m, ts, author_key) VALUES ($1, 'Alice', 'before the upgrade', 1700000000000, 'alice')`, [room]);
      const store = await openStore({ table });
      expect((await store.latest(room, 10)).map((message) => message.m)).toStrictEqual(['before the upgrade']);
      expect(await store.conversations('bob', 10)).toStrictEqual([]);
      const { message } = await store.append(draft('after', { room, u: 'Alice', authorKey: 'alice', toNick: 'Bob' }));
      expect(await store.conversations('bob', 10)).toStrictEqual([{ room, with: 'Alice', lastId: message.id, lastTs: message.ts, unread: 2 }]);
      expect(await store.conversations('alice', 10)).toStrictEqual([{ room, with: 'Bob', lastId: message.id, lastTs: message.ts, unread: 0 }]);
      const applied = await admin.query<{ version: number }>(`SELECT version FROM "${table}_migrations" ORDER BY version`);
      expect(applied.rows.map((row) => row.version)).toEqual(POSTGRES_MIGRATIONS.map((migration) => migration.version));
    });

    it('records the conversations of a batch of direct messages once per user', async () => {
      const store = await openStore();
      const room = directRoom('alice', 'bob');
      const sent = await Promise.all(
        Array.from({ length: 20 }, (_, i) => store.append(draft(`line ${i}`, { room, u: i % 2 ? 'Bob' : 'Alice', authorKey: i % 2 ? 'bob' : 'alice' }))),
      );
      const last = Math.max(...sent.map((result) => result.message.id));
      expect(await store.conversations('alice', 10)).toStrictEqual([{ room, with: 'Bob', lastId: last, lastTs: sent[0]!.message.ts, unread: 1 }]);
      expect((await store.conversations('bob', 10))[0]).toMatchObject({ with: 'Alice', lastId: last, unread: 0 });
    });

    it('lists conversations and counts unread through indexes, not by scanning the messages table', async () => {
      const store = await openStore();
      const room = directRoom('alice', 'bob');
      // Many other conversations' messages, and more than the cap in this one: reading them all would be the scan.
      await admin.query(`INSERT INTO "${store.table}" (room, u, m, ts) SELECT '@dm:x' || (n % 500) || ':y', 'bot', 'filler ' || n, n FROM generate_series(1, 20000) AS n`);
      for (let i = 0; i < 3; i++) await store.append(draft(`line ${i}`, { room, u: 'Bob', authorKey: 'bob' }));
      await admin.query(`INSERT INTO "${store.table}" (room, u, m, ts, author_key) SELECT $1, 'Bob', 'more ' || n, n, 'bob' FROM generate_series(1, 500) AS n`, [room]);
      await admin.query(`ANALYZE "${store.table}"`);
      await admin.query(`ANALYZE "${store.table}_dms"`);
      expect((await store.conversations('alice', 10))[0]?.unread).toBe(100);
      const plan = await admin.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN SELECT c.room, (SELECT count(*) FROM (SELECT 1 FROM "${store.table}" AS m WHERE m.room = c.room AND m.id > c.read_id
          AND m.author_key IS DISTINCT FROM c.user_key LIMIT 100) AS counted) AS unread
          FROM "${store.table}_dms" AS c WHERE c.user_key = $1 ORDER BY c.last_id DESC LIMIT $2`,
        ['alice', 100],
      );
      const text = plan.rows.map((row) => row['QUERY PLAN']).join('\n');
      expect(text).toContain(`${store.table}_room_id`);
      expect(text).not.toMatch(new RegExp(`Seq Scan on "?${store.table}"? `));
    });

    it('still stores and returns a direct message when its conversation lists cannot be written, and says so', async () => {
      const logger = recordingLogger();
      const store = await openStore({ logger });
      await admin.query(`DROP TABLE "${store.table}_dms"`);
      const room = directRoom('alice', 'bob');
      const { message, duplicate } = await store.append(draft('still sent', { room, u: 'Alice', authorKey: 'alice' }));
      expect(duplicate).toBe(false);
      expect((await store.latest(room, 10)).map((stored) => stored.id)).toEqual([message.id]);
      expect(logger.warn).toHaveBeenCalledWith(
        'PostgreSQL message store could not record direct conversations; their lists catch up with the next message',
        expect.objectContaining({ table: store.table }),
      );
    });

    it('searches through the GIN index, not by scanning the table', async () => {
      const store = await openStore();
      // A room of 5,000 messages of which one matches: reading the room's rows would be the scan.
      await admin.query(
        `INSERT INTO "${store.table}" (room, u, m, ts) SELECT '', 'bot', 'filler line ' || n, n FROM generate_series(1, 5000) AS n`,
      );
      await store.append(draft('find me'));
      await admin.query(`ANALYZE "${store.table}"`);
      const client = await admin.connect();
      try {
        await client.query('BEGIN');
        const plan = await client.query<{ 'QUERY PLAN': string }>(
          `EXPLAIN SELECT id FROM "${store.table}" WHERE to_tsvector('simple', m) @@ to_tsquery('simple', $1) AND room = ANY($2::text[]) AND id < $3 ORDER BY id DESC LIMIT 5`,
          ["'find':*", [''], Number.MAX_SAFE_INTEGER],
        );
        const text = plan.rows.map((row) => row['QUERY PLAN']).join('\n');
        expect(text).toContain(`${store.table}_search`);
        expect(text).not.toMatch(/Seq Scan/);
        await client.query('ROLLBACK');
      } finally {
        client.release();
      }
    });
  });

  describe('options', () => {
    it('needs exactly one of connectionString and pool', () => {
      const message =
        'PostgresStore needs exactly one of `connectionString` (the store opens and closes its own pool) or `pool` (your pg.Pool, which it never ends)';
      expect(() => new PostgresStore({})).toThrow(new TypeError(message));
      expect(() => new PostgresStore({ connectionString: POSTGRES_URL, pool: admin })).toThrow(new TypeError(message));
    });

    it('defaults the table to chatterbox_messages', () => {
      expect(new PostgresStore({ pool: admin }).table).toBe('chatterbox_messages');
    });

    it.each([['chat-messages'], ['messages; DROP TABLE x'], ['1messages'], ['a.b.c'], ['"quoted"'], ['x'.repeat(53)], [''], [42]])(
      'refuses the table name %p',
      (table) => {
        expect(() => new PostgresStore({ pool: admin, table } as unknown as PostgresStoreOptions)).toThrow(
          /^PostgresStore option `table` must be a table name like 'chatterbox_messages' or 'chat.messages'/,
        );
      },
    );

    it('refuses something that is not a pool, and suggests misspelt options', () => {
      expect(() => new PostgresStore({ pool: {} as Pool })).toThrow(
        new TypeError('PostgresStore option `pool` must be a pg.Pool, got an object'),
      );
      expect(() => new PostgresStore({ pool: admin, tableName: 'x' } as unknown as PostgresStoreOptions)).toThrow(
        new TypeError('PostgresStore has no option `tableName`; did you mean `table`?'),
      );
    });
  });

  describe('open', () => {
    it('creates the table, its indexes and the migrations record', async () => {
      const store = await openStore();
      const columns = await admin.query<{ column_name: string; data_type: string; is_nullable: string }>(
        'SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position',
        [store.table],
      );
      expect(columns.rows.map((row) => [row.column_name, row.data_type, row.is_nullable])).toEqual([
        ['id', 'bigint', 'NO'],
        ['room', 'text', 'NO'],
        ['u', 'text', 'NO'],
        ['m', 'text', 'NO'],
        ['ts', 'bigint', 'NO'],
        ['author_key', 'text', 'YES'],
        ['cid', 'text', 'YES'],
        ['edited_ts', 'bigint', 'YES'],
        ['reply_id', 'bigint', 'YES'],
        ['reply_u', 'text', 'YES'],
        ['reply_m', 'text', 'YES'],
      ]);
      const indexes = await admin.query<{ indexname: string }>(
        'SELECT indexname FROM pg_indexes WHERE tablename = $1 ORDER BY indexname',
        [store.table],
      );
      expect(indexes.rows.map((row) => row.indexname)).toEqual([
        `${store.table}_author_cid`,
        `${store.table}_pkey`,
        `${store.table}_room_id`,
        `${store.table}_search`,
        `${store.table}_ts`,
      ]);
      const applied = await admin.query<{ version: number }>(`SELECT version FROM "${store.table}_migrations" ORDER BY version`);
      expect(applied.rows.map((row) => row.version)).toEqual(POSTGRES_MIGRATIONS.map((migration) => migration.version));
    });

    it('lets several processes open a new table at once, migrating it once', async () => {
      const table = freshTable();
      const racing = Array.from({ length: 5 }, () => makeStore({ table }));
      await Promise.all(racing.map((store) => store.open()));
      const applied = await admin.query<{ count: string }>(`SELECT count(*) AS count FROM "${table}_migrations"`);
      expect(Number(applied.rows[0]?.count)).toBe(POSTGRES_MIGRATIONS.length);
      const ids = await Promise.all(racing.map((store, i) => store.append(draft(`from ${i}`))));
      expect(new Set(ids.map((result) => result.message.id)).size).toBe(5);
    });

    it('works in another schema, and with a mixed-case name', async () => {
      const schema = `chatterbox_schema_${RUN}`;
      await admin.query(`CREATE SCHEMA "${schema}"`);
      try {
        const store = await openStore({ table: `${schema}.Messages` });
        const { message } = await store.append(draft('in a schema'));
        expect(await store.latest('', 10)).toStrictEqual([message]);
        const found = await admin.query(`SELECT m FROM "${schema}"."Messages"`);
        expect(found.rows).toEqual([{ m: 'in a schema' }]);
        await store.close();
      } finally {
        await admin.query(`DROP SCHEMA "${schema}" CASCADE`);
      }
    });

    it('rejects a table migrated by a newer version, saying what to do', async () => {
      const store = await openStore();
      await store.close();
      await admin.query(`INSERT INTO "${store.table}_migrations" (version, description) VALUES (99, 'from the future')`);
      const newer = makeStore({ table: store.table });
      const error = await newer.open().then(
        () => undefined,
        (reason: unknown) => reason,
      );
      expect(error).not.toBeInstanceOf(ChatError);
      expect((error as Error).message).toBe(
        `Chatterbox could not open its PostgreSQL message table ${store.table} on ${serverOf(POSTGRES_URL)}: its schema is version 99, migrated by a newer express-chatterbox (this one knows up to version ${POSTGRES_MIGRATIONS.length}); upgrade express-chatterbox or use another table.`,
      );
    });

    it('rejects an unreachable server with STORE_UNAVAILABLE naming it, and retries on the next open() (the caller logs)', async () => {
      const logger = recordingLogger();
      const store = new PostgresStore({ connectionString: urlVia('127.0.0.1', 1), logger, table: freshTable() });
      stores.push(store);
      for (let attempt = 0; attempt < 2; attempt++) {
        const error = await store.open().then(
          () => undefined,
          (reason: unknown) => reason,
        );
        expect(error).toBeInstanceOf(ChatError);
        expect((error as ChatError).code).toBe('STORE_UNAVAILABLE');
        expect((error as ChatError).message).toMatch(
          new RegExp(
            `^Chatterbox could not reach PostgreSQL for its message table chatterbox_test_\\w+ on 127\\.0\\.0\\.1:1${DATABASE_PATH}: connect ECONNREFUSED 127\\.0\\.0\\.1:1\\. Is the server running and reachable\\? Calling open\\(\\) again retries\\.$`,
          ),
        );
      }
      // Whoever retries open() (the chat's store supervisor) logs the outage, once.
      expect([logger.error.mock.calls, logger.warn.mock.calls]).toEqual([[], []]);
      await expect(store.latest('', 1)).rejects.toThrow('PostgresStore.latest() was called before open() resolved');
    });
  });

  describe('ids', () => {
    it('are JavaScript numbers', async () => {
      const store = await openStore();
      const { message } = await store.append(draft('x'));
      const [read] = await store.latest('', 1);
      expect(typeof message.id).toBe('number');
      expect(typeof read?.id).toBe('number');
      expect(typeof read?.ts).toBe('number');
    });

    it('become visible in id order across processes: a reader paging after(lastId) never skips one', async () => {
      const table = freshTable();
      const writers = await Promise.all([0, 1, 2].map(() => openStore({ table })));
      const reader = await openStore({ table });
      let writing = true;
      let lastId = 0;
      let polls = 0;
      const seen: number[] = [];
      const reading = (async () => {
        for (;;) {
          // Read once more after the writers finish, to collect the tail.
          const finalRead = !writing;
          const { messages, truncated } = await reader.after('', lastId, 10_000);
          expect(truncated).toBe(false);
          for (const message of messages) seen.push(message.id);
          lastId = seen[seen.length - 1] ?? lastId;
          polls += 1;
          if (finalRead) return;
        }
      })();
      // Each store inserts what arrives while its previous insert runs as one batch; a few appends
      // in flight per store keep batches small, so that many transactions from the three stores
      // overlap and the reader has many chances to poll between two of their commits.
      const appended = (
        await Promise.all(
          writers.flatMap((writer, w) =>
            Array.from({ length: 4 }, async (_, worker) => {
              const results: AppendResult[] = [];
              for (let i = 0; i < 50; i++) {
                results.push(await writer.append(draft(`writer ${w}.${worker} message ${i}`, { u: `writer${w}` })));
              }
              return results;
            }),
          ),
        )
      ).flat();
      writing = false;
      await reading;
      const all = await admin.query<{ id: string }>(`SELECT id FROM "${table}" WHERE room = '' ORDER BY id`);
      const stored = all.rows.map((row) => Number(row.id));
      expect(stored).toHaveLength(600);
      expect(new Set(appended.map((result) => result.message.id))).toEqual(new Set(stored));
      expect(seen).toEqual(stored);
      // The reader must have raced the writers for the check to mean anything.
      expect(polls).toBeGreaterThan(2);
    });
  });

  describe('a pool passed in', () => {
    it('is used, listened to, and neither ended nor left with a listener on close()', async () => {
      const pool = new Pool({ connectionString: POSTGRES_URL, max: 2 });
      try {
        const listenersBefore = pool.listenerCount('error');
        const store = await openStore({ pool });
        expect(pool.listenerCount('error')).toBe(listenersBefore + 1);
        const { message } = await store.append(draft('through the host pool'));
        expect(await store.latest('', 1)).toStrictEqual([message]);
        await store.close();
        expect(pool.listenerCount('error')).toBe(listenersBefore);
        expect(pool.ended).toBe(false);
        await expect(pool.query('SELECT 1 AS one')).resolves.toMatchObject({ rows: [{ one: 1 }] });
      } finally {
        await pool.end();
      }
    });

    it('survives an idle connection breaking, with no listener of the host', async () => {
      const logger = recordingLogger();
      const pool = new Pool({ connectionString: POSTGRES_URL, max: 1 });
      try {
        const store = await openStore({ pool, logger });
        const pid = await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
        const idleError = new Promise((resolve) => pool.once('error', resolve));
        await admin.query('SELECT pg_terminate_backend($1)', [pid.rows[0]?.pid]);
        await idleError;
        expect(logger.warn).toHaveBeenCalledTimes(1);
        expect(logger.warn.mock.calls[0]?.[1]).toMatchObject({ operation: 'idle connection', code: '57P01' });
        // The pool replaces the connection by itself.
        const { message } = await store.append(draft('after the break'));
        expect(await store.latest('', 1)).toStrictEqual([message]);
        expect(logger.info).toHaveBeenCalledWith('PostgreSQL message store is available again', expect.any(Object));
      } finally {
        await pool.end();
      }
    });
  });

  describe('a connection that breaks inside an edit', () => {
    it('rejects that edit and keeps the process alive (a checked-out client emits `error` that nobody else hears)', async () => {
      const table = freshTable();
      const store = await openStore({ table });
      const { message } = await store.append(draft('to be edited'));
      // Hold the table's change lock so that the edit's transaction waits in PostgreSQL.
      const holder = await admin.connect();
      try {
        await holder.query('BEGIN');
        const oid = await holder.query<{ oid: number }>('SELECT $1::regclass::oid AS oid', [`"${table}"`]);
        await holder.query('SELECT pg_advisory_xact_lock($1, $2)', [CHANGE_LOCK_CLASS, oid.rows[0]?.oid]);
        const edit = store.edit(message.id, 'edited', TS + 1);
        edit.catch(() => undefined);
        let waiting: number | undefined;
        for (let tries = 0; waiting === undefined && tries < 100; tries++) {
          const found = await admin.query<{ pid: number }>(
            "SELECT pid FROM pg_stat_activity WHERE wait_event = 'advisory' AND pid <> pg_backend_pid() AND query LIKE 'SELECT pg_advisory_xact_lock%' AND query NOT LIKE '%$1%'",
          );
          waiting = found.rows[0]?.pid;
          if (waiting === undefined) await new Promise((resolve) => setTimeout(resolve, 20));
        }
        expect(waiting).toBeDefined();
        await admin.query('SELECT pg_terminate_backend($1)', [waiting]);
        await expect(edit).rejects.toThrow();
      } finally {
        await holder.query('ROLLBACK');
        holder.release();
      }
      // The store carries on with a new connection.
      await expect(store.edit(message.id, 'edited after all', TS + 2)).resolves.toMatchObject({ room: '' });
    });
  });

  describe('when the server goes away', () => {
    it('rejects with STORE_UNAVAILABLE, logs once, and resumes when the server is back', async () => {
      const target = new URL(POSTGRES_URL);
      const proxy = new TcpProxy(target.hostname, Number(target.port || 5432));
      const port = await proxy.start();
      const logger = recordingLogger();
      try {
        const store = await openStore({ connectionString: urlVia('127.0.0.1', port), logger });
        const before = await store.append(draft('before the outage'));
        await proxy.stop();
        const secret = 'typed during the outage';
        for (let i = 0; i < 3; i++) {
          await expect(store.append(draft(secret))).rejects.toEqual(new ChatError('STORE_UNAVAILABLE'));
        }
        await expect(store.latest('', 10)).rejects.toEqual(new ChatError('STORE_UNAVAILABLE'));
        await expect(store.after('', 0, 10)).rejects.toEqual(new ChatError('STORE_UNAVAILABLE'));
        expect(logger.warn).toHaveBeenCalledTimes(1);
        expect(logger.warn.mock.calls[0]?.[0]).toBe(
          'PostgreSQL message store is unavailable; chat requests get STORE_UNAVAILABLE until it recovers',
        );
        expect(logger.info).not.toHaveBeenCalled();

        await proxy.start();
        const after = await store.append(draft('after the outage'));
        expect(after.message.id).toBeGreaterThan(before.message.id);
        expect(await store.latest('', 10)).toStrictEqual([before.message, after.message]);
        expect(logger.info).toHaveBeenCalledTimes(1);
        expect(logger.info).toHaveBeenCalledWith('PostgreSQL message store is available again', {
          table: store.table,
          server: `127.0.0.1:${port}${DATABASE_PATH}`,
        });
        expect(logger.warn).toHaveBeenCalledTimes(1);
        expect(logger.error).not.toHaveBeenCalled();
        expect(JSON.stringify([logger.error.mock.calls, logger.warn.mock.calls])).not.toContain(secret);
      } finally {
        await proxy.stop();
      }
    });
  });

  describe('retention', () => {
    it('drops messages older than maxAgeDays and beyond maxMessages when it opens', async () => {
      const writer = await openStore();
      const now = Date.now();
      await writer.append(draft('ten days old', { ts: now - 10 * DAY_MS }));
      const kept: NewMessage[] = [];
      for (let i = 0; i < 5; i++) kept.push(draft(`recent ${i}`, { ts: now - i }));
      for (const message of kept) await writer.append(message);
      await writer.close();
      const store = await openStore({ table: writer.table, maxAgeDays: 7, maxMessages: 3 });
      expect((await store.latest('', 10)).map((message) => message.m)).toEqual(['recent 2', 'recent 3', 'recent 4']);
    });

    it('never hands out an id twice, even after every message was dropped', async () => {
      const first = await openStore({ maxMessages: 0 });
      const { message } = await first.append(draft('gone at once'));
      expect(await first.latest('', 10)).toEqual([]);
      await first.close();
      const second = await openStore({ table: first.table });
      expect((await second.append(draft('next'))).message.id).toBeGreaterThan(message.id);
    });
  });

  describe('input no SQL store can keep', () => {
    it('is refused with a TypeError before any SQL runs, and the store keeps working', async () => {
      const logger = recordingLogger();
      const store = await openStore({ logger });
      await expect(store.append(draft('nul \u0000 byte'))).rejects.toThrow(
        new TypeError('PostgresStore.append(): `m` holds U+0000, which cannot be stored'),
      );
      await expect(store.append(draft('x', { room: 'lone \uDC00' }))).rejects.toThrow(
        new TypeError('PostgresStore.append(): `room` holds a lone surrogate, which cannot be stored'),
      );
      await expect(store.before('', 1.5, 10)).rejects.toThrow(
        new TypeError('PostgresStore.before(): `id` must be a message id (a whole number ≥ 0), got 1.5'),
      );
      expect(logger.error).not.toHaveBeenCalled();
      const { message } = await store.append(draft('fine'));
      expect(await store.latest('', 10)).toStrictEqual([message]);
    });

    it('rejects a call after close() as STORE_UNAVAILABLE', async () => {
      const store = await openStore();
      await store.close();
      await expect(store.append(draft('late'))).rejects.toEqual(new ChatError('STORE_UNAVAILABLE'));
    });
  });
});
