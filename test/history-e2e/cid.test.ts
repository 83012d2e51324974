/**
 * Exactly-once delivery of retried messages: a `chat({ m, cid })` whose ack was lost (the
 * transport closed right after sending) and that is retried with the same cid after reconnecting
 * is stored and broadcast once, and the retry is acked with the first id — on one server, across
 * a server restart, and on the other of two servers sharing PostgreSQL.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Pool } from 'pg';
import type { ChatAck, ChatMessage } from '../../lib/protocol/payloads';
import { closeAll, recordEvents, settle, startChat } from '../helpers/chat-server';
import { startChildServer, stopAllChildServers } from '../helpers/child-server';
import { describeWithService, POSTGRES_URL } from '../helpers/services';
import {
  closePages,
  cutTransport,
  NO_LIMITS,
  openPage,
  PATIENCE_MS,
  reconnected,
  removeTempDirs,
  restartOnPort,
  say,
  tempDir,
  waitUntil,
  type Page,
} from './support';

jest.setTimeout(90_000);

afterEach(async () => {
  closePages();
  await closeAll();
  await stopAllChildServers();
});
afterAll(removeTempDirs);

/** The `chat` lines a page received with text `m`. */
function linesWith(page: Page, m: string): ChatMessage[] {
  return page.received.filter((message) => message.m === m);
}

/** Retries `{ m, cid }` as the page does after reconnecting; resolves with the ack. */
function retry(page: Page, m: string, cid: string): Promise<ChatAck> {
  return page.socket.timeout(PATIENCE_MS).emitWithAck('chat', { m, cid });
}

/** Reads the whole stored history through a fresh reader on `url`. */
async function storedOn(url: string): Promise<ChatMessage[]> {
  const reader = await openPage(url, { lastId: 0, reconnection: false });
  reader.socket.disconnect();
  return reader.histories[0]?.messages ?? [];
}

describe('a message retried with the same cid', () => {
  it('after a reconnect that lost its first ack, is stored and broadcast once and acked with the same id', async () => {
    const chat = await startChat({ ...NO_LIMITS, history: { sqlite: path.join(tempDir('cid'), 'chat.sqlite') } });
    const bob = await openPage(chat.url, { nick: 'bob' });
    const alice = await openPage(chat.url, { nick: 'alice' });
    const hello = await say(alice, 'hello');
    await waitUntil(() => alice.lastId === hello && bob.lastId === hello, 'hello to arrive');
    const bobEvents = recordEvents(bob.socket);

    const firstAck = jest.fn();
    alice.socket.emit('chat', { m: 'sent once', cid: 'c-42' }, firstAck);
    // Closed right after sending: the message leaves, its ack can no longer come back.
    cutTransport(alice);
    await waitUntil(() => linesWith(bob, 'sent once').length === 1, 'the first attempt to be broadcast');
    const [broadcast] = linesWith(bob, 'sent once');
    expect(await reconnected(alice, 1)).toEqual({ nick: 'alice' });
    // The page learns of it from history too; it retries anyway, as it never saw an ack.
    expect(alice.histories[1]).toEqual({ messages: [broadcast], meta: {} });

    expect(await retry(alice, 'sent once', 'c-42')).toEqual({ ok: true, id: broadcast?.id });
    expect(await retry(alice, 'sent once', 'c-42')).toEqual({ ok: true, id: broadcast?.id });
    await settle(300);
    expect(firstAck).not.toHaveBeenCalled();
    // Bob saw the message once, then Alice leave and come back; the retries sent him nothing.
    expect(bobEvents).toEqual([
      ['chat', broadcast],
      ['exit', 'alice'],
      ['enter', 'alice'],
    ]);
    expect(linesWith(alice, 'sent once')).toEqual([broadcast]);
    expect(await storedOn(chat.url)).toEqual([
      { u: 'alice', m: 'hello', id: hello, ts: expect.any(Number) },
      broadcast,
    ]);
  });

  it('on the same connection, is acked with the first id and not broadcast again', async () => {
    const chat = await startChat({ ...NO_LIMITS, history: { sqlite: path.join(tempDir('cid-same'), 'chat.sqlite') } });
    const bob = await openPage(chat.url, { nick: 'bob' });
    const alice = await openPage(chat.url, { nick: 'alice' });
    const first = await retry(alice, 'twice?', 'same-1');
    expect(first).toEqual({ ok: true, id: expect.any(Number) });
    expect(await retry(alice, 'twice?', 'same-1')).toEqual(first);
    // The text of a retry is not looked at: the cid alone identifies the message.
    expect(await retry(alice, 'edited before the retry', 'same-1')).toEqual(first);
    await settle(300);
    expect(linesWith(bob, 'twice?')).toHaveLength(1);
    expect(bob.received).toHaveLength(1);
  });

  it('from another user is another message', async () => {
    const chat = await startChat({ ...NO_LIMITS, history: { sqlite: path.join(tempDir('cid-users'), 'chat.sqlite') } });
    const alice = await openPage(chat.url, { nick: 'alice' });
    const bob = await openPage(chat.url, { nick: 'bob' });
    const fromAlice = await retry(alice, 'hi', 'shared-cid');
    const fromBob = await retry(bob, 'hi', 'shared-cid');
    expect(fromAlice.ok && fromBob.ok).toBe(true);
    expect(fromBob).not.toEqual(fromAlice);
    expect((await storedOn(chat.url)).map(({ u, m }) => `${u}: ${m}`)).toEqual(['alice: hi', 'bob: hi']);
  });

  it('after the server was killed right after storing it and restarted on its SQLite file, is acked with the first id', async () => {
    const options = { ...NO_LIMITS, history: { sqlite: path.join(tempDir('cid-restart'), 'chat.sqlite') } };
    const first = await startChildServer(options);
    const bob = await openPage(first.url, { nick: 'bob' });
    const alice = await openPage(first.url, { nick: 'alice' });
    // The ack arrives, and the server dies at that moment; the page is treated as if it had
    // not seen the ack (it was, say, closed mid-render) and retries after the restart.
    const ack = await retry(alice, 'survives', 'restart-1');
    first.process.kill('SIGKILL');
    expect(ack).toEqual({ ok: true, id: expect.any(Number) });
    expect(await first.stop('SIGKILL')).toBe('SIGKILL');

    const second = await restartOnPort(options, first.port);
    await reconnected(alice, 1);
    await reconnected(bob, 1);
    const bobEvents = recordEvents(bob.socket);
    expect(await retry(alice, 'survives', 'restart-1')).toEqual(ack);
    await settle(300);
    expect(bobEvents).toEqual([]);
    expect((await storedOn(second.url)).filter((message) => message.m === 'survives')).toEqual([
      { u: 'alice', m: 'survives', id: (ack as { id: number }).id, ts: expect.any(Number) },
    ]);
  });

  describeWithService('postgres', 'on another server sharing the PostgreSQL history', () => {
    const table = `chatterbox_e2e_cid_${process.pid}_${randomBytes(3).toString('hex')}`;
    let admin: Pool;

    beforeAll(() => {
      admin = new Pool({ connectionString: POSTGRES_URL, max: 1 });
    });
    afterAll(async () => {
      await admin.query(`DROP TABLE IF EXISTS "${table}", "${table}_migrations"`);
      await admin.end();
    });

    it('is stored once and acked with the id the first server gave it', async () => {
      const options = { ...NO_LIMITS, history: { postgres: POSTGRES_URL } };
      const env = { CHAT_POSTGRES_TABLE: table };
      const [a, b] = await Promise.all([startChildServer(options, env), startChildServer(options, env)]);
      const bob = await openPage(a.url, { nick: 'bob' });
      const alice = await openPage(a.url, { nick: 'alice', reconnection: false });
      const firstAck = jest.fn();
      alice.socket.emit('chat', { m: 'once across servers', cid: 'cross-1' }, firstAck);
      cutTransport(alice);
      await waitUntil(() => linesWith(bob, 'once across servers').length === 1, 'the first attempt to be broadcast on A');
      const [broadcast] = linesWith(bob, 'once across servers');

      const aliceOnB = await openPage(b.url, { continueFrom: alice, reconnection: false });
      expect(await retry(aliceOnB, 'once across servers', 'cross-1')).toEqual({ ok: true, id: broadcast?.id });
      expect(firstAck).not.toHaveBeenCalled();
      expect((await storedOn(b.url)).filter((message) => message.m === 'once across servers')).toEqual([broadcast]);
      await settle(300);
      expect(linesWith(bob, 'once across servers')).toHaveLength(1);
    });
  });
});
