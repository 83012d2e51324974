/** Moderation across nodes: a kick, mute, ban or sign-out issued on one node holds on every node, and outlives the node that issued it. */
import type { ChatLine } from '../../lib/protocol/payloads';
import { stopAllChildServers, type ChildServer } from '../helpers/child-server';
import { nextEvent, type TestSocket } from '../helpers/chat-server';
import { describeWithService, REDIS_URL } from '../helpers/services';
import { startCluster, waitFor, type TestCluster } from './cluster-harness';

jest.setTimeout(90_000);

/** Calls the host API of the fixture on `node`. */
async function host(node: ChildServer, action: 'kick' | 'mute' | 'signOut', nick: string, seconds?: number): Promise<unknown> {
  const query = new URLSearchParams({ nick, ...(seconds === undefined ? {} : { seconds: String(seconds) }) });
  const response = await fetch(`${node.url}/host/${action}?${query.toString()}`, { method: 'POST' });
  return response.json();
}

function disconnected(socket: TestSocket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.disconnected) resolve();
    else socket.once('disconnect', () => resolve());
  });
}

describeWithService('redis', 'cluster moderation', () => {
  describeWithService('postgres', 'three nodes', () => {
    let cluster: TestCluster | undefined;

    beforeEach(async () => {
      cluster = await startCluster(3, REDIS_URL, [], { options: { allowAnonymous: true }, env: { CHAT_TEST_IDENTIFY: 'query' } });
    });

    afterEach(async () => {
      await cluster?.cleanup();
      cluster = undefined;
      await stopAllChildServers();
    });

    it('a kick on one node disconnects the guest on another, and no node lets them back, even after the issuing node dies', async () => {
      const c = cluster!;
      const [a, b, d] = [c.nodes[0]!, c.nodes[1]!, c.nodes[2]!];
      const mod = await c.connect(a, {}, { user: 'Mod' });
      const gus = await c.connect(b, { nick: 'gus' }, { localAddress: '127.0.0.3' });
      const told = nextEvent<[ChatLine]>(gus, 'chat', 10_000);
      const gone = disconnected(gus);
      expect(await mod.timeout(10_000).emitWithAck('kick', { nick: 'gus', seconds: 60 })).toEqual({ ok: true });
      expect(await told).toEqual([{ u: 'SYSTEM', m: 'You were removed from the chat for 60 s' }]);
      await gone;

      // Back through another node from the same address: refused at the handshake.
      await expect(c.open(d, { nick: 'gus' }, { localAddress: '127.0.0.3' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
      // The same name from another address: the name is banned too.
      const other = await c.connect(d, {}, { localAddress: '127.0.0.4' });
      expect(await other.timeout(10_000).emitWithAck('login', 'gus')).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });

      // The kicking node and the node that held gus die: the ban lives in Redis, and a new node knows it.
      await a.stop('SIGKILL');
      await b.stop('SIGKILL');
      const fresh = await c.addNode();
      let outcome = '';
      await waitFor('the new node to refuse gus', async () => {
        try {
          const socket = await c.open(fresh, { nick: 'gus' }, { localAddress: '127.0.0.3' });
          outcome = `connected ${JSON.stringify(await nextEvent(socket, 'session', 5000))}`;
          socket.disconnect();
          return false;
        } catch (error) {
          outcome = String((error as { code?: string }).code ?? error);
          return outcome === 'FORBIDDEN';
        }
      }).catch((error: unknown) => {
        throw new Error(`${String(error)} (last attempt: ${outcome})`);
      });
    });

    it('a host kick of a signed-in user closes their tabs on every node and bans their account everywhere', async () => {
      const c = cluster!;
      const [a, b, d] = [c.nodes[0]!, c.nodes[1]!, c.nodes[2]!];
      const tabs = [await c.connect(b, {}, { user: 'Una' }), await c.connect(d, {}, { user: 'Una' })];
      const gone = Promise.all(tabs.map(disconnected));
      expect(await host(a, 'kick', 'una', 60)).toEqual({ closed: 0 });
      await gone;
      for (const node of [a, b, d]) {
        await expect(c.open(node, {}, { user: 'Una', localAddress: '127.0.0.6' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
      }
    });

    it('a mute on one node holds on the muted guest’s node, and follows their address to another node', async () => {
      const c = cluster!;
      const [a, b, d] = [c.nodes[0]!, c.nodes[1]!, c.nodes[2]!];
      const mod = await c.connect(a, {}, { user: 'Mod' });
      const mia = await c.connect(b, { nick: 'mia' }, { localAddress: '127.0.0.5' });
      const told = nextEvent<[ChatLine]>(mia, 'chat', 10_000);
      expect(await mod.timeout(10_000).emitWithAck('mute', { nick: 'mia', seconds: 60 })).toEqual({ ok: true });
      expect(await told).toEqual([{ u: 'SYSTEM', m: 'You are muted for 60 s' }]);
      expect(await mia.timeout(10_000).emitWithAck('chat', 'hello?')).toMatchObject({ ok: false, error: { code: 'MUTED' } });
      mia.disconnect();
      const again = await c.connect(d, { nick: 'mia2' }, { localAddress: '127.0.0.5' });
      expect(await again.timeout(10_000).emitWithAck('chat', 'now?')).toMatchObject({ ok: false, error: { code: 'MUTED' } });
      // Nobody else is muted.
      const other = await c.connect(d, { nick: 'olga' }, { localAddress: '127.0.0.7' });
      expect(await other.timeout(10_000).emitWithAck('chat', 'fine')).toEqual({ ok: true, id: expect.any(Number) as number });
    });

    it('signOut on one node closes the user’s connections on every node, without a ban', async () => {
      const c = cluster!;
      const [a, b, d] = [c.nodes[0]!, c.nodes[1]!, c.nodes[2]!];
      const tabs = [await c.connect(b, {}, { user: 'Sam' }), await c.connect(d, {}, { user: 'Sam' })];
      const lines = tabs.map((tab) => nextEvent<[ChatLine]>(tab, 'chat', 10_000));
      const gone = Promise.all(tabs.map(disconnected));
      expect(await host(a, 'signOut', 'Sam')).toEqual({ closed: 0 });
      await gone;
      expect(await Promise.all(lines)).toEqual([[{ u: 'SYSTEM', m: 'You were signed out' }], [{ u: 'SYSTEM', m: 'You were signed out' }]]);
      const back = await c.join(d, {});
      expect(back.session).toBeDefined();
      const sam = await c.connect(b, {}, { user: 'Sam' });
      expect(sam.connected).toBe(true);
    });
  });
});
