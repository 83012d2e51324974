/**
 * Start in any order, recover without a restart: a chat started while its store is down (a
 * PostgreSQL that refuses, a SQLite file another connection holds locked) accepts connections,
 * answers STORE_UNAVAILABLE for what needs the store, warns once, and within a few seconds of the
 * store coming up serves everything on the same sockets, with one `info` saying so.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Pool } from 'pg';
import { PostgresStore } from '../../lib/history/postgres-store';
import { DEFAULT_ERROR_MESSAGES } from '../../lib/protocol/error-codes';
import { closeAll, nextEvent, recordingLogger, startChat, type TestChat } from '../helpers/chat-server';
import { closeRawClients, recordedClient } from '../helpers/raw-socket';
import { describeWithService, POSTGRES_URL } from '../helpers/services';
import { NO_LIMITS, removeTempDirs, tempDir } from '../history-e2e/support';
import type { TcpProxy } from '../history/tcp-proxy';
import { refusingProxy, via, waitFor } from './outage-servers';

jest.setTimeout(60_000);

const STORE_UNAVAILABLE = { ok: false, error: { code: 'STORE_UNAVAILABLE', message: DEFAULT_ERROR_MESSAGES.STORE_UNAVAILABLE } };
// The retry delay is capped at 5 s: the store is picked up within that of coming back.
const PICKED_UP_WITHIN_MS = 6_000;

afterEach(async () => {
  closeRawClients();
  await closeAll();
});
afterAll(removeTempDirs);

/** A client connected while the store is down: told so in its log, and still able to log in. */
async function connectWhileDown(chat: TestChat, nick: string) {
  const { socket, events } = recordedClient(chat);
  socket.connect();
  await nextEvent(socket, 'users', 10_000);
  expect(events).toEqual([
    ['chat', { u: 'SYSTEM', m: DEFAULT_ERROR_MESSAGES.STORE_UNAVAILABLE }],
    ['session', { nick: null }],
    ['users', expect.any(Array)],
  ]);
  expect(await socket.emitWithAck('login', nick)).toEqual({ ok: true, nick, users: expect.arrayContaining([nick]) as string[] });
  expect(await socket.emitWithAck('chat', 'too early')).toEqual(STORE_UNAVAILABLE);
  return socket;
}

describeWithService('postgres', 'a chat started before PostgreSQL', () => {
  const table = `chatterbox_lifecycle_${process.pid}_${randomBytes(3).toString('hex')}`;
  let proxy: TcpProxy | undefined;
  let store: PostgresStore | undefined;

  afterEach(async () => {
    await store?.close();
    store = undefined;
    await proxy?.stop();
  });
  afterAll(async () => {
    const admin = new Pool({ connectionString: POSTGRES_URL, max: 1 });
    await admin.query(`DROP TABLE IF EXISTS "${table}", "${table}_migrations"`);
    await admin.end();
  });

  it('serves connections meanwhile, picks PostgreSQL up within seconds, and logs one warning and one info per outage', async () => {
    const target = new URL(POSTGRES_URL);
    const link = await refusingProxy(target.hostname, Number(target.port || 5432));
    proxy = link;
    const logger = recordingLogger();
    store = new PostgresStore({ connectionString: via(POSTGRES_URL, link.port), table, logger });
    const chat = await startChat({ ...NO_LIMITS, history: store, logger });
    let ready = false;
    void chat.chat.ready.then(() => {
      ready = true;
    });

    await waitFor('the first attempt to fail', () => chat.chat.status().store.state === 'degraded', 5_000);
    const alice = await connectWhileDown(chat, 'alice');
    const bob = await connectWhileDown(chat, 'bob');
    // Several retries later, still one warning, and `ready` still pending (never rejected).
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(ready).toBe(false);
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(logger.warn).toHaveBeenCalledWith(
      'PostgreSQL message store cannot be opened: chat requests get STORE_UNAVAILABLE while Chatterbox retries in the background',
      expect.objectContaining({ table, operation: 'open', code: 'ECONNREFUSED' }),
    );
    const degradedSince = chat.chat.status().store.since;

    await link.start();
    const tookMs = await waitFor('the store to be picked up', () => chat.chat.status().store.state === 'ok', PICKED_UP_WITHIN_MS);
    await chat.chat.ready;
    expect(chat.chat.status().store.since).toBeGreaterThanOrEqual(degradedSince);
    expect(tookMs).toBeLessThan(PICKED_UP_WITHIN_MS);
    // The same sockets chat now, without reconnecting.
    const delivered = nextEvent(bob, 'chat', 10_000);
    const ack = await alice.emitWithAck('chat', 'now it works');
    expect(ack).toEqual({ ok: true, id: expect.any(Number) });
    expect((await delivered)[0]).toEqual({ u: 'alice', m: 'now it works', id: (ack as { id: number }).id, ts: expect.any(Number) });
    expect(logger.info).toHaveBeenCalledTimes(1);
    expect(logger.info).toHaveBeenCalledWith('PostgreSQL message store is available again', expect.objectContaining({ table }));
    expect(logger.warn).toHaveBeenCalledTimes(1);

    // Lost after being up: degraded at the next request, one more warning, and back by itself
    // (no client request needed) with one more info.
    await link.stop();
    expect(await alice.emitWithAck('chat', 'during the outage')).toEqual(STORE_UNAVAILABLE);
    expect(await alice.emitWithAck('chat', 'still during the outage')).toEqual(STORE_UNAVAILABLE);
    expect(chat.chat.status().store.state).toBe('degraded');
    expect(logger.warn).toHaveBeenCalledTimes(2);
    await link.start();
    await waitFor('the store to be back', () => chat.chat.status().store.state === 'ok', PICKED_UP_WITHIN_MS);
    expect(logger.info).toHaveBeenCalledTimes(2);
    expect(await alice.emitWithAck('chat', 'after the outage')).toEqual({ ok: true, id: expect.any(Number) });
    expect(logger.warn).toHaveBeenCalledTimes(2);
    expect(logger.error).not.toHaveBeenCalled();
  });
});

describe('a chat started while its SQLite file is locked', () => {
  it('serves connections meanwhile and opens the file within seconds of the lock going, logging once each way', async () => {
    const file = path.join(tempDir('locked'), 'chat.sqlite');
    // Another connection holds an exclusive lock: no one else may even read the file.
    const holder = new Database(file);
    holder.pragma('journal_mode = DELETE');
    holder.pragma('locking_mode = EXCLUSIVE');
    holder.exec('BEGIN EXCLUSIVE; CREATE TABLE held (x)');
    let held = true;
    try {
      const logger = recordingLogger();
      const chat = await startChat({ ...NO_LIMITS, history: { sqlite: file }, logger });
      await waitFor('the first attempt to fail', () => chat.chat.status().store.state === 'degraded', 5_000);
      const alice = await connectWhileDown(chat, 'alice');
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(logger.warn).toHaveBeenCalledTimes(1);
      expect(logger.warn).toHaveBeenCalledWith(
        'SQLite message store cannot be opened: chat requests get STORE_UNAVAILABLE while Chatterbox retries in the background',
        expect.objectContaining({ file, operation: 'open', cause: expect.stringContaining('database is locked') as string }),
      );

      holder.exec('COMMIT');
      holder.close();
      held = false;
      await waitFor('the file to be opened', () => chat.chat.status().store.state === 'ok', PICKED_UP_WITHIN_MS);
      await chat.chat.ready;
      expect(await alice.emitWithAck('chat', 'saved')).toEqual({ ok: true, id: 1 });
      expect(logger.info).toHaveBeenCalledTimes(1);
      expect(logger.info).toHaveBeenCalledWith('SQLite message store is available again', { file });
      expect(logger.warn).toHaveBeenCalledTimes(1);
      expect(logger.error).not.toHaveBeenCalled();
    } finally {
      if (held) holder.close();
    }
  });
});

describe('status()', () => {
  it('reports the store "ok" once open and the cluster "off", each with since', async () => {
    const before = Date.now();
    const chat = await startChat({ history: { memory: true } });
    const status = chat.chat.status();
    expect(status.cluster).toEqual({ state: 'off', since: expect.any(Number) });
    expect(status.cluster.since).toBeGreaterThanOrEqual(before);
    await chat.chat.ready;
    expect(chat.chat.status().store).toEqual({ state: 'ok', since: expect.any(Number) });
    expect(chat.chat.status().store.since).toBeGreaterThanOrEqual(before);
  });
});
