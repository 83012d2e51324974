/**
 * Edits, reactions and direct messages across a cluster: made on one node, they reach every
 * client on every node exactly once (and a conversation no one else); what changed while a client
 * was away is replayed when it reconnects to another node; `read` reaches the reader's other tabs
 * on every node.
 */
import { io as connectClient } from 'socket.io-client';
import { stopAllChildServers, type ChildServer } from '../helpers/child-server';
import { nextEvent, recordEvents, settle, type TestSocket } from '../helpers/chat-server';
import { directRoom } from '../../lib/protocol/direct-room';
import { describeWithService, REDIS_URL } from '../helpers/services';
import { startCluster, type TestCluster } from './cluster-harness';

jest.setTimeout(60_000);

describeWithService('redis', 'cluster (Redis)', () => {
  describeWithService('postgres', 'conversation events over two nodes', () => {
    let cluster: TestCluster | undefined;

    afterEach(async () => {
      // The harness drops the messages table and every table and sequence beside it.
      await cluster?.cleanup();
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
        ['edit', { id, m: 'hello', editedTs: edited.editedTs, rev: 1 }],
        ['reactions', { id, counts: { '👋': 1 }, rev: 2 }],
      ];
      expect(aliceEvents).toEqual(expected);
      expect(bobEvents).toEqual(expected);
      expect(await bob.timeout(10_000).emitWithAck('history', {})).toMatchObject({
        ok: true,
        messages: [{ id, m: 'hello', editedTs: edited.editedTs, reactions: { '👋': 1 } }],
      });
      expect(await alice.timeout(10_000).emitWithAck('delete', { id })).toEqual({ ok: true });
      await settle(500);
      expect(bobEvents.slice(2)).toEqual([['delete', { id, rev: 3 }]]);
      expect(aliceEvents.slice(2)).toEqual([['delete', { id, rev: 3 }]]);
    });

    it('replays to a client of node 2 what node 1 changed while it was disconnected, when it reconnects', async () => {
      cluster = await startCluster(2, REDIS_URL);
      const [one, two] = cluster.nodes as [ChildServer, ChildServer];
      const alice = await cluster.login(one, 'alice');
      const ids: number[] = [];
      for (const m of ['one', 'two', 'three']) {
        const sent = await alice.timeout(10_000).emitWithAck('chat', m);
        if (!sent.ok) throw new Error('not sent');
        ids.push(sent.id);
      }
      const [first, second, third] = ids as [number, number, number];
      await alice.timeout(10_000).emitWithAck('react', { id: first, emoji: '👍' });
      // Bob's page on node 2 holds the three lines and has seen change 1.
      const away = recordedClient(two, { nick: 'bob', batch: true });
      const [, meta] = await nextEvent<[unknown[], { rev?: number }]>(away.socket, 'history', 10_000);
      expect(meta).toEqual({ rev: 1 });
      away.socket.disconnect();
      // While Bob is away, node 1: an edit, a reaction taken back, a delete.
      const edited = await alice.timeout(10_000).emitWithAck('edit', { id: second, m: 'two, edited' });
      if (!edited.ok) throw new Error('not edited');
      await alice.timeout(10_000).emitWithAck('react', { id: first, emoji: '👍' });
      expect(await alice.timeout(10_000).emitWithAck('delete', { id: third })).toEqual({ ok: true });
      const back = recordedClient(two, { nick: 'bob', batch: true, lastId: third, lastRev: meta.rev });
      await nextEvent(back.socket, 'session', 10_000);
      await settle(500);
      // Presence is not this test's concern: Bob's first tab may finish logging in (and out) while the second connects.
      const presence = new Set(['users', 'enter', 'exit', 'session']);
      expect(back.events.filter(([name]) => !presence.has(name))).toEqual([
        ['history', [], { rev: 4 }],
        ['edit', { id: second, m: 'two, edited', editedTs: edited.editedTs, rev: 2 }],
        ['reactions', { id: first, counts: {}, rev: 3 }],
        ['delete', { id: third, rev: 4 }],
      ]);
    });

    it('never lets a direct conversation reach a third user, whichever node or framing (batch) it uses', async () => {
      cluster = await startCluster(2, REDIS_URL, [], { env: { CHAT_TEST_IDENTIFY: 'query' } });
      const [one, two] = cluster.nodes as [ChildServer, ChildServer];
      const ann = await cluster.connect(one, { batch: true }, { user: 'Ann' });
      const bob = await cluster.connect(two, {}, { user: 'Bob' });
      const outsiders = [
        await cluster.connect(one, { batch: true }, { user: 'Carol' }),
        await cluster.connect(two, { batch: true }, { user: 'Carol' }),
        await cluster.connect(one, {}, { user: 'Carol' }),
        await cluster.connect(two, {}, { user: 'Carol' }),
      ];
      await settle(300);
      const [annEvents, bobEvents] = [recordEvents(ann), recordEvents(bob)];
      const seen = outsiders.map(recordEvents);
      const sent = (await (ann.timeout(10_000).emitWithAck as (...args: unknown[]) => Promise<{ ok: boolean; id: number }>)('chat', { m: 'psst secret', to: 'Bob' }));
      expect(sent).toMatchObject({ ok: true });
      await settle(300);
      const room = (bobEvents.find(([name]) => name === 'chat')?.[1] as { room: string } | undefined)?.room;
      expect(room).toMatch(/^@dm:/);
      expect(await bob.timeout(10_000).emitWithAck('chat', { m: 'secret answer', room: room! })).toMatchObject({ ok: true });
      expect(await ann.timeout(10_000).emitWithAck('edit', { id: sent.id, m: 'psst, secret edited' })).toMatchObject({ ok: true });
      expect(await bob.timeout(10_000).emitWithAck('react', { id: sent.id, emoji: '🤫' })).toMatchObject({ ok: true });
      expect(await ann.timeout(10_000).emitWithAck('delete', { id: sent.id })).toEqual({ ok: true });
      await settle(800);
      const names = (events: Array<[string, ...unknown[]]>) => flatten(events).map(([name]) => name);
      // Each participant got each event once (Ann's frames batched, Bob's plain).
      expect(names(annEvents)).toEqual(['chat', 'chat', 'edit', 'reactions', 'delete']);
      expect(names(bobEvents)).toEqual(['chat', 'chat', 'edit', 'reactions', 'delete']);
      for (const events of seen) {
        expect(flatten(events).filter(([name]) => ['chat', 'edit', 'reactions', 'delete', 'typing'].includes(name))).toEqual([]);
        expect(JSON.stringify(events)).not.toMatch(/secret|@dm:/);
      }
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

/** Events with every `batch` frame opened into the events it carries. */
function flatten(events: Array<[string, ...unknown[]]>): Array<[string, ...unknown[]]> {
  return events.flatMap(([name, ...args]) => (name === 'batch' ? (args[0] as Array<[string, ...unknown[]]>) : [[name, ...args] as [string, ...unknown[]]]));
}

/** A client of `node` recording every event from its very first (its history included). */
function recordedClient(node: ChildServer, auth: Record<string, unknown>): { socket: TestSocket; events: Array<[string, ...unknown[]]> } {
  const socket: TestSocket = connectClient(`${node.url}/chat`, { transports: ['websocket'], forceNew: true, reconnection: false, autoConnect: false, auth });
  const events: Array<[string, ...unknown[]]> = [];
  socket.onAny((name: string, ...args: unknown[]) => {
    events.push([name, ...args]);
  });
  opened.push(socket);
  socket.connect();
  return { socket, events };
}

const opened: TestSocket[] = [];
afterEach(() => {
  for (const socket of opened.splice(0)) socket.disconnect();
});
