/**
 * Conversation events across a cluster: edits and reactions reach every client on every node exactly
 * once; a direct message reaches its two users' tabs on every node and no one else; `read` reaches
 * the reader's other tabs on every node.
 */
import { stopAllChildServers } from '../helpers/child-server';
import { recordEvents, settle, type TestSocket } from '../helpers/chat-server';
import { Pool } from 'pg';
import { directRoom } from '../../lib/protocol/direct-room';
import { describeWithService, POSTGRES_URL, REDIS_URL } from '../helpers/services';
import { startCluster, type TestCluster } from './cluster-harness';

jest.setTimeout(60_000);

describeWithService('redis', 'cluster (Redis)', () => {
  describeWithService('postgres', 'conversation events over two nodes', () => {
    let cluster: TestCluster | undefined;

    afterEach(async () => {
      const table = cluster?.table;
      await cluster?.cleanup();
      // The harness drops the messages table; the reactions and blocks tables beside it are this feature's.
      if (table !== undefined) {
        const admin = new Pool({ connectionString: POSTGRES_URL, max: 1 });
        await admin.query(`DROP TABLE IF EXISTS "${table}_reactions", "${table}_blocks", "${table}_dms"`).finally(() => admin.end());
      }
      cluster = undefined;
      await stopAllChildServers();
    });

    it('delivers an edit, a reaction and a delete made on one node to both nodes exactly once, and history agrees', async () => {
      cluster = await startCluster(2, REDIS_URL);
      const [one, two] = cluster.nodes as [NonNullable<TestCluster['nodes'][0]>, NonNullable<TestCluster['nodes'][0]>];
      const alice: TestSocket = await cluster.login(one, 'alice');
      const bob: TestSocket = await cluster.login(two, 'bob');
      const sent = await alice.timeout(10_000).emitWithAck('chat', 'helo');
      if (!sent.ok) throw new Error('not sent');
      const id = sent.id;
      await settle(300);
      const [aliceEvents, bobEvents] = [recordEvents(alice), recordEvents(bob)];
      const edited = await alice.timeout(10_000).emitWithAck('edit', { id, m: 'hello' });
      if (!edited.ok) throw new Error(`edit refused: ${edited.error.code}`);
      expect(await bob.timeout(10_000).emitWithAck('react', { id, emoji: '👋' })).toMatchObject({ ok: true, reacted: true });
      await settle(500);
      const expected = [
        ['edit', { id, m: 'hello', editedTs: edited.editedTs }],
        ['reactions', { id, counts: { '👋': 1 } }],
      ];
      expect(aliceEvents).toEqual(expected);
      expect(bobEvents).toEqual(expected);
      expect(await bob.timeout(10_000).emitWithAck('history', {})).toMatchObject({
        ok: true,
        messages: [{ id, m: 'hello', editedTs: edited.editedTs, reactions: { '👋': 1 } }],
      });
      expect(await alice.timeout(10_000).emitWithAck('delete', { id })).toEqual({ ok: true });
      await settle(500);
      expect(bobEvents.slice(2)).toEqual([['delete', { id }]]);
    });

    it('delivers a direct message to both users on every node and never to a third, and read reaches the reader\'s tab on the other node', async () => {
      cluster = await startCluster(2, REDIS_URL, [], { options: { allowAnonymous: true }, env: { CHAT_TEST_IDENTIFY: 'query' } });
      const c = cluster;
      const [one, two] = c.nodes as [NonNullable<TestCluster['nodes'][0]>, NonNullable<TestCluster['nodes'][0]>];
      const annOne = await c.connect(one, {}, { user: 'Ann' });
      const annTwo = await c.connect(two, {}, { user: 'Ann' });
      const bobTwo = await c.connect(two, {}, { user: 'Bob' });
      const carols = [await c.connect(one, {}, { user: 'Carol' }), await c.connect(two, {}, { user: 'Carol' })];
      const guests = [await c.login(one, 'guest1'), await c.login(two, 'guest2')];
      await settle(300);
      const recorded = [annOne, annTwo, bobTwo, ...carols, ...guests].map(recordEvents);
      const sent = await bobTwo.timeout(10_000).emitWithAck('chat', { m: 'psst', to: 'Ann' });
      if (!sent.ok) throw new Error(`dm refused: ${sent.error.code}`);
      const room = directRoom('ann', 'bob');
      await settle(500);
      const line = ['chat', { u: 'Bob', m: 'psst', id: sent.id, ts: expect.any(Number) as number, room }];
      expect(recorded.map((events) => events.filter(([name]) => name === 'chat'))).toEqual([[line], [line], [line], [], [], [], []]);
      expect(await annTwo.timeout(10_000).emitWithAck('conversations')).toMatchObject({ ok: true, conversations: [{ room, with: 'Bob', lastId: sent.id, unread: 1 }] });
      // Read on node one: the tab on node two hears it, Bob and everyone else do not.
      expect(await annOne.timeout(10_000).emitWithAck('read', { room, id: sent.id })).toEqual({ ok: true, room, id: sent.id });
      await settle(500);
      const notice = ['read', { room, id: sent.id }];
      expect(recorded.map((events) => events.filter(([name]) => name === 'read'))).toEqual([[notice], [notice], [], [], [], [], []]);
      expect(await annTwo.timeout(10_000).emitWithAck('conversations')).toMatchObject({ ok: true, conversations: [{ room, unread: 0 }] });
    });
  });
});
