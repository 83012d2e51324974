/** One chat across several real server processes over the shared Redis and PostgreSQL. */
import type { ChatMessage } from '../../lib/protocol/payloads';
import { stopAllChildServers } from '../helpers/child-server';
import { nextEvent, recordEvents, type TestSocket } from '../helpers/chat-server';
import { describeWithService, REDIS_URL } from '../helpers/services';
import { HEARTBEAT_MS, NODE_TIMEOUT_MS, startCluster, waitFor, type TestCluster } from './cluster-harness';

jest.setTimeout(90_000);

function chatsOf(events: Array<[string, ...unknown[]]>): ChatMessage[] {
  return events.filter(([name, line]) => name === 'chat' && typeof (line as ChatMessage).id === 'number').map(([, line]) => line as ChatMessage);
}

describeWithService('redis', 'cluster (Redis)', () => {
  describeWithService('postgres', 'cluster over child processes', () => {
    let cluster: TestCluster | undefined;

    afterEach(async () => {
      await cluster?.cleanup();
      cluster = undefined;
      await stopAllChildServers();
    });

    describe('with three nodes', () => {
      it('delivers every message to every client on every node exactly once, in each sender’s order', async () => {
        cluster = await startCluster(3, REDIS_URL);
        const c = cluster;
        const clients: TestSocket[] = [];
        for (let i = 0; i < 6; i++) clients.push(await c.login(c.nodes[i % 3]!, `user${i}`));
        const recorded = clients.map((client) => recordEvents(client));
        const PER_CLIENT = 5;
        await Promise.all(
          clients.map(async (client, i) => {
            for (let n = 0; n < PER_CLIENT; n++) {
              const ack = await client.timeout(10_000).emitWithAck('chat', { m: `m${i}-${n}`, cid: `c${i}-${n}` });
              expect(ack).toEqual({ ok: true, id: expect.any(Number) as number });
            }
          }),
        );
        const total = clients.length * PER_CLIENT;
        await waitFor('every chat everywhere', () => recorded.every((events) => chatsOf(events).length >= total));
        await new Promise((resolve) => setTimeout(resolve, 500));
        for (const events of recorded) {
          const chats = chatsOf(events);
          expect(chats).toHaveLength(total);
          expect(new Set(chats.map((chat) => chat.id)).size).toBe(total);
          for (let i = 0; i < clients.length; i++) {
            expect(chats.filter((chat) => chat.u === `user${i}`).map((chat) => chat.m)).toEqual(
              Array.from({ length: PER_CLIENT }, (_, n) => `m${i}-${n}`),
            );
          }
        }
      });

      it('lists the same users on every node and announces each login on every node', async () => {
        cluster = await startCluster(3, REDIS_URL);
        const c = cluster;
        const watcher = await c.login(c.nodes[0]!, 'watcher');
        const events = recordEvents(watcher);
        await c.login(c.nodes[1]!, 'Bob');
        await c.login(c.nodes[2]!, 'Carol');
        await waitFor('enter events', () => events.filter(([name]) => name === 'enter').length >= 2);
        expect(events.filter(([name]) => name === 'enter').map(([, nick]) => nick as string).sort()).toEqual(['Bob', 'Carol']);
        const lists = await Promise.all(
          c.nodes.map(async (node, i) => {
            const socket = await c.connect(node);
            const ack = await socket.timeout(10_000).emitWithAck('login', `late${i}`);
            if (!ack.ok) throw new Error(ack.error.code);
            return ack.users.filter((nick: string) => !nick.startsWith('late')).sort();
          }),
        );
        expect(lists).toEqual([
          ['Bob', 'Carol', 'watcher'],
          ['Bob', 'Carol', 'watcher'],
          ['Bob', 'Carol', 'watcher'],
        ]);
      });
    });

    describe('with two nodes', () => {
      it('lets exactly one of two clients on two nodes racing for a nickname have it, case-insensitively', async () => {
        cluster = await startCluster(2, REDIS_URL);
        const c = cluster;
        for (let round = 0; round < 5; round++) {
          const [a, b] = await Promise.all([c.connect(c.nodes[0]!), c.connect(c.nodes[1]!)]);
          const acks = await Promise.all([
            a.timeout(10_000).emitWithAck('login', `Racer${round}`),
            b.timeout(10_000).emitWithAck('login', `rACER${round}`),
          ]);
          expect(acks.filter((ack) => ack.ok)).toHaveLength(1);
          const refused = acks.find((ack) => !ack.ok);
          expect(refused).toEqual({ ok: false, error: { code: 'NICK_TAKEN', message: expect.any(String) as string } });
        }
      });

      it('removes a SIGKILLed node’s users within the bound, and its clients recover every missed message on another node', async () => {
        cluster = await startCluster(2, REDIS_URL);
        const c = cluster;
        const [doomed, survivor] = [c.nodes[0]!, c.nodes[1]!];
        const victim = await c.login(doomed, 'victim');
        const watcher = await c.login(survivor, 'watcher');
        const first = await watcher.timeout(10_000).emitWithAck('chat', 'before the crash');
        if (!first.ok) throw new Error(first.error.code);
        const [seen] = await nextEvent<[ChatMessage]>(victim, 'chat', 10_000).catch(() => [undefined]);
        const lastId = seen?.id ?? first.id;
        const exit = nextEvent<[string]>(watcher, 'exit', 20_000);
        const killedAt = Date.now();
        await doomed.stop('SIGKILL');
        const missed: number[] = [];
        for (let n = 0; n < 3; n++) {
          const ack = await watcher.timeout(10_000).emitWithAck('chat', `while you were away ${n}`);
          if (!ack.ok) throw new Error(ack.error.code);
          missed.push(ack.id);
        }
        expect(await exit).toEqual(['victim']);
        // The bound is nodeTimeoutMs + heartbeatMs; the margin absorbs a busy two-core machine.
        expect(Date.now() - killedAt).toBeLessThan(NODE_TIMEOUT_MS + HEARTBEAT_MS + 5_000);

        // The page reconnects with its nickname and the last id it saw: the survivor sends exactly the gap.
        const back = await c.join(survivor, { lastId, nick: 'victim' });
        expect(back.session).toEqual({ nick: 'victim' });
        expect(back.history.map((message) => message.id)).toEqual(missed);
        const watcherUsers = await watcher.timeout(10_000).emitWithAck('login', 'watcher');
        expect(watcherUsers).toEqual({ ok: true, nick: 'watcher', users: expect.arrayContaining(['watcher', 'victim']) as string[] });
        expect(watcherUsers.ok && watcherUsers.users.length).toBe(2);
      });
    });
  });
});
