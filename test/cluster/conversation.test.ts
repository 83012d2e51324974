/** Edits and reactions across a cluster: made on one node, they reach every client on every node exactly once. */
import { stopAllChildServers } from '../helpers/child-server';
import { recordEvents, settle, type TestSocket } from '../helpers/chat-server';
import { Pool } from 'pg';
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
  });
});
