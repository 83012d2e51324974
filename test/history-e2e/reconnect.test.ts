/**
 * Reconnects that lose nothing: a reader whose transport is closed under it while others chat
 * comes back with `auth: { nick, lastId }` and ends with exactly the full sequence of messages by
 * id — with the server staying up, with the server restarted on its SQLite file, and on the
 * other of two servers sharing one PostgreSQL history; past `reconnectLimit` it gets the newest
 * messages with `{ truncated: true }` and pages back for the rest.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Pool } from 'pg';
import type { ChatMessage, HistoryAck } from '../../lib/protocol/payloads';
import { closeAll, startChat } from '../helpers/chat-server';
import { startChildServer, stopAllChildServers } from '../helpers/child-server';
import { describeWithService, POSTGRES_URL } from '../helpers/services';
import {
  allReceived,
  closePages,
  cutTransport,
  ids,
  NO_LIMITS,
  openPage,
  reconnected,
  removeTempDirs,
  restartOnPort,
  say,
  sortedIds,
  startChatter,
  takeTurns,
  tempDir,
  waitUntil,
  type Cut,
  type Page,
} from './support';

jest.setTimeout(120_000);

afterEach(async () => {
  closePages();
  await closeAll();
  await stopAllChildServers();
});
afterAll(removeTempDirs);

/** Fails with the first difference when `page` did not receive exactly `expected` (by id, in order). */
function expectExactly(page: Page, expected: readonly ChatMessage[]): void {
  const received = ids(page.received);
  expect({ who: page.nick, duplicates: received.filter((id, i) => received.indexOf(id) !== i) }).toEqual({
    who: page.nick,
    duplicates: [],
  });
  expect({ who: page.nick, ids: received }).toEqual({ who: page.nick, ids: sortedIds(expected) });
  // And each message exactly as it was sent.
  const byId = new Map(expected.map((message) => [message.id, message]));
  expect(page.received).toEqual(page.received.map((message) => byId.get(message.id)));
}

describe('a reader whose transport is closed while two others chat', () => {
  describe('with the server staying up', () => {
    it.each<Cut>(['engine.close()', 'ws.terminate()'])(
      'reconnects with its lastId and ends with exactly the full sequence (%s)',
      async (how) => {
        const chat = await startChat({ ...NO_LIMITS, history: { sqlite: path.join(tempDir('reconnect-up'), 'chat.sqlite') } });
        const alice = await openPage(chat.url, { nick: 'alice' });
        const bob = await openPage(chat.url, { nick: 'bob' });
        // A second between attempts: long enough for the others to say plenty while it is away.
        const carol = await openPage(chat.url, { nick: 'carol', reconnectionDelayMs: 1000 });

        const chatter = startChatter([alice, bob]);
        await waitUntil(() => chatter.acked.length >= 10 && carol.received.length >= 5, 'some messages before the cut');
        const lastIdAtCut = carol.lastId;
        cutTransport(carol, how);
        const session = await reconnected(carol, 1);
        const ackedAtReconnect = chatter.acked.length;
        // The others keep chatting after it is back.
        await waitUntil(() => chatter.acked.length >= ackedAtReconnect + 10, 'more messages after the reconnect');
        await chatter.stop();
        const all = chatter.acked;
        await allReceived([alice, bob, carol], Math.max(...ids(all)));

        expect(session).toEqual({ nick: 'carol' });
        const comeback = carol.histories[1];
        expect(comeback?.meta).toEqual({});
        // It missed something, and got back exactly what came after the id it held.
        expect(comeback?.messages.length).toBeGreaterThan(0);
        expect(comeback?.messages[0]?.id).toBeGreaterThan(lastIdAtCut ?? 0);
        for (const page of [alice, bob, carol]) expectExactly(page, all);
        // The others were never disconnected.
        expect(alice.histories).toHaveLength(1);
        expect(bob.histories).toHaveLength(1);
      },
    );
  });

  describe('with the server (a child process on SQLite) killed and restarted in between', () => {
    it('ends, like the two others, with exactly the full sequence', async () => {
      const options = { ...NO_LIMITS, history: { sqlite: path.join(tempDir('reconnect-restart'), 'chat.sqlite') } };
      const first = await startChildServer(options);
      const alice = await openPage(first.url, { nick: 'alice' });
      const bob = await openPage(first.url, { nick: 'bob' });
      const carol = await openPage(first.url, { nick: 'carol' });
      const acked: ChatMessage[] = [];

      acked.push(...(await takeTurns([alice, bob, carol], 9, 'all here')));
      await allReceived([carol], Math.max(...ids(acked)));
      // Carol drops and stays away until the test lets her back.
      carol.socket.io.reconnection(false);
      cutTransport(carol);
      await waitUntil(() => !carol.socket.connected, 'carol to notice the cut');
      acked.push(...(await takeTurns([alice, bob], 10, 'carol away')));
      await allReceived([alice, bob], Math.max(...ids(acked)));

      expect(await first.stop('SIGKILL')).toBe('SIGKILL');
      const second = await restartOnPort(options, first.port);
      // Alice and Bob come back by themselves, to the same address.
      expect(await reconnected(alice, 1)).toEqual({ nick: 'alice' });
      expect(await reconnected(bob, 1)).toEqual({ nick: 'bob' });
      const afterRestart = await takeTurns([alice, bob], 10, 'after the restart');
      expect(Math.min(...ids(afterRestart))).toBeGreaterThan(Math.max(...ids(acked)));
      acked.push(...afterRestart);

      carol.socket.io.reconnection(true);
      carol.socket.connect();
      expect(await reconnected(carol, 1)).toEqual({ nick: 'carol' });
      acked.push(...(await takeTurns([alice, bob, carol], 6, 'all back')));
      await allReceived([alice, bob, carol], Math.max(...ids(acked)));

      for (const page of [alice, bob, carol]) expectExactly(page, acked);
      // Alice and Bob had missed nothing; Carol got what the others said while she was away.
      expect(alice.histories[1]).toEqual({ messages: [], meta: {} });
      expect(bob.histories[1]).toEqual({ messages: [], meta: {} });
      expect(ids(carol.histories[1]?.messages ?? [])).toEqual(ids(acked.slice(9, 29)));
      expect(second.pid).not.toBe(first.pid);
    });
  });

  describeWithService('postgres', 'with PostgreSQL as the history', () => {
    const tables: string[] = [];
    let admin: Pool;

    /** A table of its own for each test, dropped at the end. */
    function freshTable(): string {
      const table = `chatterbox_e2e_${process.pid}_${randomBytes(3).toString('hex')}`;
      tables.push(table);
      return table;
    }

    beforeAll(() => {
      admin = new Pool({ connectionString: POSTGRES_URL, max: 1 });
    });
    afterAll(async () => {
      for (const table of tables) await admin.query(`DROP TABLE IF EXISTS "${table}", "${table}_migrations"`);
      await admin.end();
    });

    it('recovers everything on the OTHER of two servers sharing the database, written on both concurrently', async () => {
      const options = { ...NO_LIMITS, history: { postgres: POSTGRES_URL } };
      const env = { CHAT_POSTGRES_TABLE: freshTable() };
      const [a, b] = await Promise.all([startChildServer(options, env), startChildServer(options, env)]);
      const alice = await openPage(a.url, { nick: 'alice' });
      const bob = await openPage(a.url, { nick: 'bob' });
      const carol = await openPage(a.url, { nick: 'carol', reconnection: false });
      const dave = await openPage(b.url, { nick: 'dave' });

      const before = startChatter([alice, bob]);
      await waitUntil(() => before.acked.length >= 10, 'some messages on server A');
      await before.stop();
      await allReceived([carol], Math.max(...ids(before.acked)));
      cutTransport(carol);
      await waitUntil(() => !carol.socket.connected, 'carol to notice the cut');

      // Writers on both servers at once while Carol is away.
      const away = startChatter([alice, bob, dave], 5, 'away');
      await waitUntil(() => away.acked.length >= 45, 'messages on both servers');
      await away.stop();

      // Server A is not told anything: Carol simply comes back on B with the id she held.
      const carolOnB = await openPage(b.url, { continueFrom: carol, reconnection: false });
      expect(carolOnB.sessions).toEqual([{ nick: 'carol' }, { nick: 'carol' }]);
      expect(carolOnB.histories[1]?.meta).toEqual({});
      const acked = [...before.acked, ...away.acked];
      expectExactly(carolOnB, acked);

      // Ids are shared: what Carol says on B comes after everything said on A and B.
      const id = await say(carolOnB, 'back, on B');
      expect(id).toBeGreaterThan(Math.max(...ids(acked)));
      const readerOnA = await openPage(a.url, { lastId: 0, reconnection: false });
      expect(ids(readerOnA.histories[0]?.messages ?? [])).toEqual([...sortedIds(acked), id]);
    });

    // The race this guards: a socket joins its room before its history is read, and PostgreSQL
    // reads are asynchronous, so a message committed meanwhile could arrive as `chat` before
    // `history`, and then again inside it.
    it('sends history before any chat on every reconnect, and no message twice, while the others chat on the same server', async () => {
      const server = await startChildServer({ ...NO_LIMITS, history: { postgres: POSTGRES_URL } }, { CHAT_POSTGRES_TABLE: freshTable() });
      const alice = await openPage(server.url, { nick: 'alice' });
      const bob = await openPage(server.url, { nick: 'bob' });
      const carol = await openPage(server.url, { nick: 'carol', reconnectionDelayMs: 50 });
      // The events of each of Carol's reconnections, in order.
      const connections: string[][] = [];
      carol.socket.on('connect', () => connections.push([]));
      carol.socket.onAny((event: string) => connections.at(-1)?.push(event));

      const chatter = startChatter([alice, bob], 0);
      const CUTS = 10;
      for (let cut = 1; cut <= CUTS; cut++) {
        await waitUntil(() => chatter.acked.length >= cut * 20, `20 more messages before cut ${cut}`);
        cutTransport(carol);
        await reconnected(carol, cut);
      }
      await chatter.stop();
      await allReceived([carol], Math.max(...ids(chatter.acked)));

      expect(connections.map((events) => events[0])).toEqual(Array.from({ length: CUTS }, () => 'history'));
      expectExactly(carol, chatter.acked);
    });
  });

  describe('past reconnectLimit (500) missed messages', () => {
    it('gets the newest 500 with { truncated: true }, and paging back with history({ before }) fills in exactly the rest', async () => {
      const chat = await startChat({ ...NO_LIMITS, history: { sqlite: path.join(tempDir('reconnect-truncated'), 'chat.sqlite') } });
      const alice = await openPage(chat.url, { nick: 'alice' });
      const carol = await openPage(chat.url, { nick: 'carol', reconnection: false });
      const seen = await takeTurns([alice], 5, 'seen');
      await allReceived([carol], Math.max(...ids(seen)));
      const held = carol.lastId ?? 0;
      cutTransport(carol);
      await waitUntil(() => !carol.socket.connected, 'carol to notice the cut');

      // 620 messages sent at once; one socket's messages are stored in order.
      const missedAcks = await Promise.all(
        Array.from({ length: 620 }, (_, i) => alice.socket.timeout(60_000).emitWithAck('chat', `missed ${i}`)),
      );
      const missed = missedAcks.map((ack, i) => {
        if (!ack.ok) throw new Error(`missed ${i} was refused: ${ack.error.code}`);
        return { u: 'alice', m: `missed ${i}`, id: ack.id };
      });
      expect(missed.map(({ id }) => id)).toEqual(missed.map(({ id }) => id).sort((x, y) => x - y));

      carol.socket.connect();
      expect(await reconnected(carol, 1)).toEqual({ nick: 'carol' });
      const comeback = carol.histories[1];
      expect(comeback?.meta).toEqual({ truncated: true });
      expect(comeback?.messages.map(({ u, m, id }) => ({ u, m, id }))).toEqual(missed.slice(-500));

      // Page back from the oldest message it holds until it reaches what it had before the cut.
      const backfill: ChatMessage[] = [];
      let before = comeback?.messages[0]?.id ?? 0;
      const pages: number[] = [];
      for (;;) {
        const ack: HistoryAck = await carol.socket.timeout(20_000).emitWithAck('history', { before, limit: 50 });
        if (!ack.ok) throw new Error(`history was refused: ${ack.error.code}`);
        pages.push(ack.messages.length);
        const missing = ack.messages.filter((message) => message.id > held);
        backfill.unshift(...missing);
        if (missing.length < ack.messages.length || ack.messages.length === 0) {
          // The page reached back into what Carol already had: exactly that, as she had it.
          expect(ack.messages.slice(0, ack.messages.length - missing.length)).toEqual(
            carol.received.filter((message) => ack.messages.some((old) => old.id === message.id)),
          );
          break;
        }
        before = ack.messages[0]?.id ?? 0;
      }
      // 120 missing: pages of 50, 50, then the last 20 and 5 already held.
      expect(pages).toEqual([50, 50, 25]);
      const whole = [...carol.received.slice(0, 5), ...backfill, ...(comeback?.messages ?? [])];
      expect(ids(whole)).toEqual([...ids(seen), ...missed.map(({ id }) => id)]);
      expect(whole.map(({ m }) => m)).toEqual([...seen.map(({ m }) => m), ...missed.map(({ m }) => m)]);

      // And it is live again.
      const id = await say(alice, 'welcome back');
      await allReceived([carol], id);
    });
  });
});
