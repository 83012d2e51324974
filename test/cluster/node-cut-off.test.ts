/** One node cut off from Redis while its peer is not: both sides' readers get what they missed once it returns. */
import type { ChatMessage } from '../../lib/protocol/payloads';
import { stopAllChildServers } from '../helpers/child-server';
import { recordEvents } from '../helpers/chat-server';
import { describeWithService, REDIS_URL } from '../helpers/services';
import { TcpProxy } from '../history/tcp-proxy';
import { nodeStatus, startCluster, waitFor, type TestCluster } from './cluster-harness';

jest.setTimeout(120_000);

function chatIds(events: Array<[string, ...unknown[]]>): number[] {
  return events
    .filter(([name, line]) => name === 'chat' && typeof (line as ChatMessage).id === 'number')
    .map(([, line]) => (line as ChatMessage).id);
}

describeWithService('redis', 'cluster when one node loses Redis', () => {
  describeWithService('postgres', 'two nodes, one behind a proxy that is cut', () => {
    let cluster: TestCluster | undefined;
    let proxy: TcpProxy | undefined;

    afterAll(async () => {
      await cluster?.cleanup();
      await stopAllChildServers();
      await proxy?.stop();
    });

    it('repairs the gap on both sides once the cut-off node is back', async () => {
      const target = new URL(REDIS_URL);
      proxy = new TcpProxy(target.hostname, Number(target.port || 6379));
      const port = await proxy.start();
      cluster = await startCluster(2, REDIS_URL, [`redis://127.0.0.1:${port}`]);
      const c = cluster;
      const [cut, whole] = [c.nodes[0]!, c.nodes[1]!];
      const anna = await c.login(cut, 'anna');
      const ben = await c.login(whole, 'ben');
      const annaEvents = recordEvents(anna);
      const benEvents = recordEvents(ben);
      const ids: number[] = [];
      const say = async (socket: typeof anna, text: string) => {
        const ack = await socket.timeout(10_000).emitWithAck('chat', text);
        if (!ack.ok) throw new Error(ack.error.code);
        ids.push(ack.id);
      };
      await say(ben, 'before');
      await waitFor('the first message on both nodes', () => ids.every((id) => chatIds(annaEvents).includes(id)));

      await proxy.stop();
      await waitFor('the cut node degraded', async () => (await nodeStatus(cut)).cluster === 'degraded');
      expect((await nodeStatus(whole)).cluster).toBe('ok');
      await say(anna, 'anna cut off');
      await say(ben, 'ben still connected');
      await new Promise((resolve) => setTimeout(resolve, 1_000));

      await proxy.start();
      await waitFor('the cut node back', async () => (await nodeStatus(cut)).cluster === 'ok', 30_000);
      await waitFor('both readers repaired', () => ids.every((id) => chatIds(annaEvents).includes(id) && chatIds(benEvents).includes(id)), 20_000);
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      for (const events of [annaEvents, benEvents]) {
        expect([...chatIds(events)].sort((a, b) => a - b)).toEqual([...ids].sort((a, b) => a - b));
      }
      expect(cut.process.exitCode).toBeNull();
    });
  });
});
