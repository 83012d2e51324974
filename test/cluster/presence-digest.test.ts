/** Presence digests across two nodes: counts and pages come from Redis, changes from either node are coalesced. */
import { stopAllChildServers } from '../helpers/child-server';
import { recordEvents } from '../helpers/chat-server';
import { describeWithService, REDIS_URL } from '../helpers/services';
import { startCluster, waitFor, type TestCluster } from './cluster-harness';

jest.setTimeout(120_000);

describeWithService('redis', 'cluster presence digest', () => {
  describeWithService('postgres', 'two nodes over the shared Redis', () => {
    let cluster: TestCluster | undefined;

    afterEach(async () => {
      await cluster?.cleanup();
      cluster = undefined;
      await stopAllChildServers();
    });

    it('counts and pages the whole cluster, and coalesces the other node’s logins and logouts', async () => {
      cluster = await startCluster(2, REDIS_URL, [], { options: { presenceWindowMs: 300, rooms: ['games'] } });
      const c = cluster;
      const [node0, node1] = [c.nodes[0]!, c.nodes[1]!];
      await c.login(node0, 'alice');
      const bob = await c.login(node1, 'bob');
      await c.login(node0, 'carol');
      const dee = await c.connect(node1, { presence: 'digest', batch: true });
      // (As a reader it may already have had a snapshot of three: the login's follows.)
      const loginEvents = recordEvents(dee);
      expect(await dee.timeout(10_000).emitWithAck('login', 'dee')).toEqual({ ok: true, nick: 'dee', users: ['alice', 'bob', 'carol', 'dee'], count: 4 });
      await waitFor('the login’s snapshot', () => loginEvents.some(([name]) => name === 'presence'));
      expect(loginEvents.filter(([name]) => name === 'presence').at(-1)).toEqual(['presence', { count: 4, names: ['alice', 'bob', 'carol', 'dee'] }]);
      const first = await dee.timeout(10_000).emitWithAck('people', { limit: 3 });
      expect(first).toEqual({ ok: true, names: ['alice', 'bob', 'carol'], count: 4, next: expect.any(String) });
      const second = await dee.timeout(10_000).emitWithAck('people', { after: first.ok ? first.next : '', limit: 3 });
      expect(second).toEqual({ ok: true, names: ['dee'], count: 4 });

      // Let dee's own login window pass, then watch changes made on the other node.
      await new Promise((resolve) => setTimeout(resolve, 500));
      const events = recordEvents(dee);
      await c.login(node0, 'erin');
      bob.disconnect();
      await waitFor('a digest with erin and bob', () => {
        const changes = events.filter(([name]) => name === 'presence').map(([, digest]) => digest as { entered?: string[]; left?: string[] });
        return changes.some((digest) => digest.entered?.includes('erin')) && changes.some((digest) => digest.left?.includes('bob'));
      });
      expect(events.filter(([name]) => name === 'enter' || name === 'exit' || name === 'users')).toEqual([]);
      const last = events.filter(([name]) => name === 'presence').at(-1)!;
      expect((last[1] as { count: number }).count).toBe(4);

      // A room on two nodes: the join's snapshot holds both nodes' members.
      const alice2 = await c.login(node0, 'frank');
      await alice2.timeout(10_000).emitWithAck('join', 'games');
      expect(await dee.timeout(10_000).emitWithAck('join', 'games')).toEqual({ ok: true, room: 'games', users: ['frank', 'dee'], count: 2 });
    });
  });
});
