/**
 * Degrade, don't die: PostgreSQL cut off under a running chat (through a TCP proxy) turns `chat`
 * into a STORE_UNAVAILABLE ack with nothing broadcast, the process keeps serving, and chatting
 * resumes when the link is back; a corrupt SQLite file at start is warned about clearly, `ready`
 * stays pending, connections are served with STORE_UNAVAILABLE for what needs the store, the
 * host's routes are left alone, and the chat opens by itself once the file is moved aside.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Pool } from 'pg';
import request from 'supertest';
import { PostgresStore } from '../../lib/history/postgres-store';
import { DEFAULT_ERROR_MESSAGES } from '../../lib/protocol/error-codes';
import { closeAll, nextEvent, recordEvents, recordingLogger, settle, startChat } from '../helpers/chat-server';
import { closeRawClients, recordedClient } from '../helpers/raw-socket';
import { describeWithService, POSTGRES_URL } from '../helpers/services';
import { TcpProxy } from '../history/tcp-proxy';
import { NO_LIMITS, removeTempDirs, tempDir } from './support';

jest.setTimeout(60_000);

afterEach(async () => {
  closeRawClients();
  await closeAll();
});
afterAll(removeTempDirs);

const STORE_UNAVAILABLE = { ok: false, error: { code: 'STORE_UNAVAILABLE', message: DEFAULT_ERROR_MESSAGES.STORE_UNAVAILABLE } };

describeWithService('postgres', 'PostgreSQL cut off under a running chat', () => {
  const table = `chatterbox_e2e_outage_${process.pid}_${randomBytes(3).toString('hex')}`;
  let admin: Pool;
  let proxy: TcpProxy | undefined;
  let store: PostgresStore | undefined;

  beforeAll(() => {
    admin = new Pool({ connectionString: POSTGRES_URL, max: 1 });
  });
  afterEach(async () => {
    await store?.close();
    store = undefined;
    await proxy?.stop();
  });
  afterAll(async () => {
    await admin.query(`DROP TABLE IF EXISTS "${table}", "${table}_migrations"`);
    await admin.end();
  });

  it('acks STORE_UNAVAILABLE and broadcasts nothing while it is away, keeps serving, and resumes when it is back', async () => {
    const target = new URL(POSTGRES_URL);
    const link = new TcpProxy(target.hostname, Number(target.port || 5432));
    proxy = link;
    const viaProxy = new URL(POSTGRES_URL);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(await link.start());
    const logger = recordingLogger();
    store = new PostgresStore({ connectionString: viaProxy.toString(), table, logger });
    const chat = await startChat({ ...NO_LIMITS, history: store, logger });
    await chat.chat.ready;
    const alice = await chat.login('alice');
    const bob = await chat.login('bob');
    const delivered = Promise.all([nextEvent(alice, 'chat', 10_000), nextEvent(bob, 'chat', 10_000)]);
    const before = await alice.emitWithAck('chat', 'before the outage');
    expect(before).toEqual({ ok: true, id: expect.any(Number) });
    await delivered;
    const aliceEvents = recordEvents(alice);
    const bobEvents = recordEvents(bob);

    await link.stop();
    const secret = 'typed during the outage';
    expect(await alice.emitWithAck('chat', secret)).toEqual(STORE_UNAVAILABLE);
    expect(await alice.emitWithAck('chat', { m: secret, cid: 'outage-1' })).toEqual(STORE_UNAVAILABLE);
    expect(await alice.emitWithAck('history', {})).toEqual(STORE_UNAVAILABLE);
    // Without an ack function the refusal comes as a SYSTEM line, to the sender only.
    alice.emit('chat', secret);
    await nextEvent(alice, 'chat', 10_000);

    // The process keeps serving: the host's routes, the page, new connections and logins.
    await request(chat.app).get('/').expect(200, 'host home');
    await request(chat.app).get('/chat/').expect(200).expect('Content-Type', /^text\/html/);
    const { socket: carol, events: carolEvents } = recordedClient(chat);
    carol.connect();
    await nextEvent(carol, 'users', 10_000);
    // Its history cannot be read: it is told so, sees who is here, and can still log in.
    expect(carolEvents).toEqual([
      ['chat', { u: 'SYSTEM', m: DEFAULT_ERROR_MESSAGES.STORE_UNAVAILABLE }],
      ['session', { nick: null }],
      ['users', ['alice', 'bob']],
    ]);
    expect(await carol.emitWithAck('login', 'carol')).toEqual({ ok: true, nick: 'carol', users: ['alice', 'bob', 'carol'] });
    await settle(300);
    // Nothing was broadcast: only presence moved, and Alice's SYSTEM line went to Alice alone.
    expect(bobEvents).toEqual([['enter', 'carol']]);
    expect(aliceEvents).toEqual([
      ['chat', { u: 'SYSTEM', m: DEFAULT_ERROR_MESSAGES.STORE_UNAVAILABLE }],
      ['enter', 'carol'],
    ]);
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(logger.error).not.toHaveBeenCalled();
    expect(JSON.stringify(logger.warn.mock.calls)).not.toContain(secret);

    await link.start();
    const after = await alice.emitWithAck('chat', 'after the outage');
    expect(after).toEqual({ ok: true, id: expect.any(Number) });
    const [line] = await nextEvent(bob, 'chat', 10_000);
    expect(line).toEqual({ u: 'alice', m: 'after the outage', id: (after as { id: number }).id, ts: expect.any(Number) });
    expect((after as { id: number }).id).toBeGreaterThan((before as { id: number }).id);
    expect(logger.info).toHaveBeenCalledWith('PostgreSQL message store is available again', expect.any(Object));
    expect(logger.info).toHaveBeenCalledTimes(1);

    // Nothing typed during the outage was stored.
    const { socket: reader, events } = recordedClient(chat);
    reader.connect();
    await nextEvent(reader, 'session', 10_000);
    expect(events[0]).toEqual([
      'history',
      [
        { u: 'alice', m: 'before the outage', id: (before as { id: number }).id, ts: expect.any(Number) },
        { u: 'alice', m: 'after the outage', id: (after as { id: number }).id, ts: expect.any(Number) },
      ],
      {},
    ]);
  });
});

describe('a corrupt SQLite file at start', () => {
  const fixes = 'Restore it from a backup, or move it aside to start with an empty history.';

  /** Writes `file` as a real chat database of a few hundred messages, then damages its middle pages. */
  function damagedDatabase(file: string): void {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- better-sqlite3 is CommonJS
    const Database = require('better-sqlite3') as typeof import('better-sqlite3');
    const db = new Database(file);
    db.exec('CREATE TABLE filler (id INTEGER PRIMARY KEY, text TEXT NOT NULL)');
    const insert = db.prepare('INSERT INTO filler (text) VALUES (?)');
    for (let i = 0; i < 400; i++) insert.run(`row ${i} `.repeat(30));
    db.close();
    const size = fs.statSync(file).size;
    const fd = fs.openSync(file, 'r+');
    fs.writeSync(fd, Buffer.alloc(8192, 0xa5), 0, 8192, Math.floor(size / 2 / 4096) * 4096);
    fs.closeSync(fd);
  }

  it.each([
    ['not a database at all', (file: string) => fs.writeFileSync(file, 'these are notes, not a database\n'.repeat(200))],
    ['a database with damaged pages', damagedDatabase],
  ])(
    'warns once naming the fix, serves connections with STORE_UNAVAILABLE, leaves the host alone, and opens once the file is moved aside (%s)',
    async (kind, corrupt) => {
      const file = path.join(tempDir('corrupt'), 'chat.sqlite');
      corrupt(file);
      const bytes = fs.readFileSync(file);
      const logger = recordingLogger();
      const chat = await startChat({ ...NO_LIMITS, history: { sqlite: file }, logger });
      chat.app.get('/health', (_req, res) => {
        res.json({ ok: true });
      });
      let ready = false;
      void chat.chat.ready.then(() => {
        ready = true;
      });

      // Connections are accepted; what needs the store is answered with the code, again and again.
      for (let attempt = 0; attempt < 3; attempt++) {
        const { socket, events } = recordedClient(chat);
        socket.connect();
        await nextEvent(socket, 'users', 10_000);
        expect(events).toEqual([
          ['chat', { u: 'SYSTEM', m: DEFAULT_ERROR_MESSAGES.STORE_UNAVAILABLE }],
          ['session', { nick: null }],
          ['users', []],
        ]);
        expect(await socket.emitWithAck('login', `user${attempt}`)).toEqual({ ok: true, nick: `user${attempt}`, users: [`user${attempt}`] });
        expect(await socket.emitWithAck('chat', 'hello')).toEqual(STORE_UNAVAILABLE);
        socket.disconnect();
      }
      expect(ready).toBe(false);
      expect(chat.chat.status().store).toEqual({ state: 'degraded', since: expect.any(Number) });
      // One warning, naming the file and the fix, however many retries.
      expect(logger.warn).toHaveBeenCalledTimes(1);
      expect(logger.warn).toHaveBeenCalledWith(
        'SQLite message store cannot be opened: chat requests get STORE_UNAVAILABLE while Chatterbox retries in the background',
        expect.objectContaining({ file, operation: 'open', cause: expect.stringContaining(fixes) as string }),
      );
      expect(logger.error).not.toHaveBeenCalled();

      // The host's routes, and the page itself, keep working.
      await request(chat.app).get('/').expect(200, 'host home');
      await request(chat.app).get('/health').expect(200, { ok: true });
      await request(chat.server).get('/health').expect(200, { ok: true });
      await request(chat.app).get('/chat/').expect(200).expect('Content-Type', /^text\/html/);
      // And its content is left as it was, for its owner to rescue. (The 100-byte header of a
      // damaged database is switched to WAL mode before quick_check finds the damage, so only a
      // file that is not a database at all is compared whole.)
      expect(fs.readFileSync(file).subarray(100).equals(bytes.subarray(100))).toBe(true);
      if (kind === 'not a database at all') expect(fs.readFileSync(file).equals(bytes)).toBe(true);

      // The owner moves it aside: the chat opens an empty history by itself, no restart.
      fs.renameSync(file, `${file}.damaged`);
      for (const suffix of ['-wal', '-shm']) fs.rmSync(`${file}${suffix}`, { force: true });
      await chat.chat.ready;
      expect(chat.chat.status().store.state).toBe('ok');
      expect(logger.info).toHaveBeenCalledTimes(1);
      expect(logger.info).toHaveBeenCalledWith('SQLite message store is available again', { file });
      const alice = await chat.login('alice');
      expect(await alice.emitWithAck('chat', 'saved')).toEqual({ ok: true, id: 1 });
    },
  );
});
