/** A Redis restart in the middle of a conversation: nodes keep serving locally, rejoin, and repair the gap from the log. */
import type { ChatMessage } from '../../lib/protocol/payloads';
import { stopAllChildServers } from '../helpers/child-server';
import { recordEvents } from '../helpers/chat-server';
import { describeWithService } from '../helpers/services';
import { nodeStatus, startCluster, waitFor, type TestCluster } from './cluster-harness';
import { PrivateRedis } from './private-redis';

jest.setTimeout(120_000);

function chatIds(events: Array<[string, ...unknown[]]>): number[] {
  return events
    .filter(([name, line]) => name === 'chat' && typeof (line as ChatMessage).id === 'number')
    .map(([, line]) => (line as ChatMessage).id);
}

describeWithService('redis', 'cluster when Redis restarts', () => {
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

    it('keeps local delivery and local logins, survives, rejoins and repairs every reader’s gap exactly once', async () => {
      cluster = await startCluster(2, redis.url);
      const c = cluster;
      const [one, two] = [c.nodes[0]!, c.nodes[1]!];
      const anna = await c.login(one, 'anna');
      const ben = await c.login(two, 'ben');
      const annaEvents = recordEvents(anna);
      const benEvents = recordEvents(ben);
      const ids: number[] = [];
      const say = async (socket: typeof anna, text: string) => {
        const ack = await socket.timeout(10_000).emitWithAck('chat', text);
        if (!ack.ok) throw new Error(ack.error.code);
        ids.push(ack.id);
        return ack.id;
      };
      const before = await say(anna, 'before');
      await waitFor('the first message on both nodes', () => chatIds(benEvents).includes(before));

      await redis.stop();
      await waitFor('both nodes degraded', async () => (await Promise.all([nodeStatus(one), nodeStatus(two)])).every((s) => s.cluster === 'degraded'));

      const annaOutage = [await say(anna, 'anna alone 1'), await say(anna, 'anna alone 2')];
      const benOutage = [await say(ben, 'ben alone 1'), await say(ben, 'ben alone 2')];
      await waitFor('local delivery during the outage', () =>
        annaOutage.every((id) => chatIds(annaEvents).includes(id)) && benOutage.every((id) => chatIds(benEvents).includes(id)),
      );
      const newcomer = await c.connect(one);
      // The node serves its own users: a name free here is claimed here, and written back on rejoin.
      expect(await newcomer.timeout(10_000).emitWithAck('login', 'carl')).toEqual({ ok: true, nick: 'carl', users: ['anna', 'carl'] });
      // Long enough for a stray MaxRetriesPerRequestError to surface if a publish were left unhandled.
      await new Promise((resolve) => setTimeout(resolve, 3_000));

      await redis.start();
      await waitFor('both nodes back', async () => (await Promise.all([nodeStatus(one), nodeStatus(two)])).every((s) => s.cluster === 'ok'), 30_000);
      await waitFor('both readers repaired', () => ids.every((id) => chatIds(annaEvents).includes(id) && chatIds(benEvents).includes(id)), 20_000);
      const after = await say(ben, 'after');
      await waitFor('cluster delivery after the restart', () => chatIds(annaEvents).includes(after));
      await new Promise((resolve) => setTimeout(resolve, 1_000));

      for (const events of [annaEvents, benEvents]) {
        expect([...chatIds(events)].sort((a, b) => a - b)).toEqual([...ids].sort((a, b) => a - b));
      }
      expect(one.process.exitCode).toBeNull();
      expect(two.process.exitCode).toBeNull();
      for (const node of [one, two]) {
        expect(node.stderr().match(/Redis is unreachable/g)).toHaveLength(1);
        expect(node.stdout().match(/rejoined the cluster/g)).toHaveLength(1);
        expect(node.stderr()).not.toMatch(/MaxRetriesPerRequest|Unhandled/);
      }
      // Redis came back empty: each node wrote its users back, carl (who came during the outage) too.
      const late = await c.login(two, 'dora');
      const ack = await late.timeout(10_000).emitWithAck('login', 'dora');
      expect(ack.ok && [...ack.users].sort()).toEqual(['anna', 'ben', 'carl', 'dora']);
    });
  });
});
