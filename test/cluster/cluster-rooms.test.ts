/** Rooms across nodes: created on one, joinable on every other, one user list and one `maxRooms` for the cluster; while Redis is away, known rooms still work and every room's gap is repaired once it returns. */
import type { ChatMessage } from '../../lib/protocol/payloads';
import { stopAllChildServers } from '../helpers/child-server';
import { recordEvents } from '../helpers/chat-server';
import { describeWithService, REDIS_URL } from '../helpers/services';
import { nodeStatus, startCluster, waitFor, type TestCluster } from './cluster-harness';
import { PrivateRedis } from './private-redis';

jest.setTimeout(120_000);

const ROOMS = { options: { allowUserRooms: true, maxRooms: 2 } };

function roomChatIds(events: Array<[string, ...unknown[]]>, room: string | undefined): number[] {
  return events
    .filter(([name, line]) => name === 'chat' && typeof (line as ChatMessage).id === 'number' && (line as ChatMessage).room === room)
    .map(([, line]) => (line as ChatMessage).id);
}

describeWithService('redis', 'cluster rooms', () => {
  describeWithService('postgres', 'three nodes over the shared Redis', () => {
    let cluster: TestCluster | undefined;

    afterEach(async () => {
      await cluster?.cleanup();
      cluster = undefined;
      await stopAllChildServers();
    });

    it('a room created on one node is joinable on the others, under one user list and one maxRooms', async () => {
      cluster = await startCluster(3, REDIS_URL, [], ROOMS);
      const c = cluster;
      const [alice, bob, carol] = [await c.login(c.nodes[0]!, 'alice'), await c.login(c.nodes[1]!, 'bob'), await c.login(c.nodes[2]!, 'carol')];
      expect(await alice.timeout(10_000).emitWithAck('join', 'Lobby')).toEqual({ ok: true, room: 'Lobby', users: ['alice'] });
      const aliceEvents = recordEvents(alice);
      expect(await bob.timeout(10_000).emitWithAck('join', 'lobby')).toEqual({ ok: true, room: 'Lobby', users: ['alice', 'bob'] });
      expect(await carol.timeout(10_000).emitWithAck('join', 'LOBBY')).toEqual({ ok: true, room: 'Lobby', users: ['alice', 'bob', 'carol'] });
      // Alice's own `enter` follows her ack and may or may not be recorded: the others' are what count.
      const othersEntering = () => aliceEvents.filter(([name, nick]) => name === 'enter' && nick !== 'alice');
      await waitFor('both enters on alice’s node', () => othersEntering().length >= 2);
      expect(othersEntering()).toEqual([
        ['enter', 'bob', { room: 'Lobby' }],
        ['enter', 'carol', { room: 'Lobby' }],
      ]);

      const said = await bob.timeout(10_000).emitWithAck('chat', { m: 'hello room', room: 'Lobby' });
      if (!said.ok) throw new Error(said.error.code);
      await waitFor('the room’s message on alice’s node', () => roomChatIds(aliceEvents, 'Lobby').includes(said.id));

      // maxRooms 2: one more room anywhere, then none on any node.
      expect(await alice.timeout(10_000).emitWithAck('join', 'second')).toEqual({ ok: true, room: 'second', users: ['alice'] });
      expect(await carol.timeout(10_000).emitWithAck('join', 'third')).toEqual({
        ok: false,
        error: { code: 'TOO_MANY_ROOMS', message: expect.any(String) as string },
      });
      expect(await carol.timeout(10_000).emitWithAck('join', 'Second')).toEqual({ ok: true, room: 'second', users: ['alice', 'carol'] });

      expect(await bob.timeout(10_000).emitWithAck('leave', 'Lobby')).toEqual({ ok: true, room: 'Lobby' });
      await waitFor('bob’s exit on alice’s node', () => aliceEvents.some(([name, nick]) => name === 'exit' && nick === 'bob'));
      const dave = await c.login(c.nodes[1]!, 'dave');
      expect(await dave.timeout(10_000).emitWithAck('join', 'lobby')).toEqual({ ok: true, room: 'Lobby', users: ['alice', 'carol', 'dave'] });
    });
  });

  describeWithService('postgres', 'two nodes over a private redis-server', () => {
    const redis = new PrivateRedis();
    let cluster: TestCluster | undefined;

    beforeAll(async () => {
      await redis.start();
    });

    afterAll(async () => {
      await cluster?.cleanup();
      await stopAllChildServers();
      await redis.stop();
    });

    it('while Redis is away a known room is joinable and a new one is refused; afterwards every room’s gap is repaired exactly once', async () => {
      cluster = await startCluster(2, redis.url, [], ROOMS);
      const c = cluster;
      const [one, two] = [c.nodes[0]!, c.nodes[1]!];
      const anna = await c.login(one, 'anna');
      const ben = await c.login(two, 'ben');
      expect(await anna.timeout(10_000).emitWithAck('join', 'den')).toMatchObject({ ok: true, room: 'den' });
      expect(await ben.timeout(10_000).emitWithAck('join', 'den')).toMatchObject({ ok: true, room: 'den', users: ['anna', 'ben'] });
      const annaEvents = recordEvents(anna);
      const benEvents = recordEvents(ben);
      const ids = { lobby: [] as number[], den: [] as number[] };
      const say = async (socket: typeof anna, m: string, room?: string) => {
        const ack = await socket.timeout(10_000).emitWithAck('chat', room === undefined ? m : { m, room });
        if (!ack.ok) throw new Error(ack.error.code);
        (room === undefined ? ids.lobby : ids.den).push(ack.id);
      };
      await say(anna, 'before', 'den');
      await waitFor('the first message on both nodes', () => roomChatIds(benEvents, 'den').length === 1);

      await redis.stop();
      await waitFor('both nodes degraded', async () => (await Promise.all([nodeStatus(one), nodeStatus(two)])).every((s) => s.cluster === 'degraded'));
      await say(anna, 'anna in the den', 'den');
      await say(ben, 'ben in the den', 'den');
      await say(anna, 'anna in the lobby');
      await say(ben, 'ben in the lobby');
      const cleo = await c.login(two, 'cleo');
      expect(await cleo.timeout(10_000).emitWithAck('join', 'den')).toMatchObject({ ok: true, room: 'den' });
      expect(await cleo.timeout(10_000).emitWithAck('join', 'attic')).toEqual({
        ok: false,
        error: { code: 'CLUSTER_UNAVAILABLE', message: expect.any(String) as string },
      });
      const cleoEvents = recordEvents(cleo);

      await redis.start();
      await waitFor('both nodes back', async () => (await Promise.all([nodeStatus(one), nodeStatus(two)])).every((s) => s.cluster === 'ok'), 30_000);
      await waitFor(
        'both readers repaired in both rooms',
        () =>
          [annaEvents, benEvents].every(
            (events) => ids.den.every((id) => roomChatIds(events, 'den').includes(id)) && ids.lobby.every((id) => roomChatIds(events, undefined).includes(id)),
          ),
        20_000,
      );
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      for (const events of [annaEvents, benEvents]) {
        expect(roomChatIds(events, 'den').sort((a, b) => a - b)).toEqual(ids.den);
        expect(roomChatIds(events, undefined).sort((a, b) => a - b)).toEqual(ids.lobby);
      }
      // Cleo's join history held the den's messages: the repair sent her none of them again.
      expect(roomChatIds(cleoEvents, 'den')).toEqual([]);
      // Rooms can be created again, and the den's list is the cluster's.
      expect(await cleo.timeout(10_000).emitWithAck('join', 'attic')).toEqual({ ok: true, room: 'attic', users: ['cleo'] });
      const dora = await c.login(one, 'dora');
      const joined = await dora.timeout(10_000).emitWithAck('join', 'den');
      expect(joined.ok && [...joined.users].sort()).toEqual(['anna', 'ben', 'cleo', 'dora']);
    });
  });
});
