/** Redis down when the chat starts: the node says so once, serves its own users, rejoins when Redis comes, and closes promptly in any state. */
import http from 'node:http';
import { createChatMiddleware, MemoryStore } from 'express-chatterbox';
import { stopAllChildServers } from '../helpers/child-server';
import { recordingLogger } from '../helpers/chat-server';
import { describeWithService } from '../helpers/services';
import { nodeStatus, startCluster, waitFor, type TestCluster } from './cluster-harness';
import { freePort, PrivateRedis } from './private-redis';

jest.setTimeout(120_000);

describe('cluster with Redis unreachable at start, in process', () => {
  it('turns degraded after the first failed attempt, warns once, and closes within 5 s', async () => {
    const logger = { ...recordingLogger(), info: jest.fn() };
    const server = http.createServer();
    const chat = createChatMiddleware({
      server,
      history: new MemoryStore(),
      logger,
      cluster: { redis: `redis://127.0.0.1:${await freePort()}`, keyPrefix: 'chatterbox-test:late:' },
    });
    const started = Date.now();
    await waitFor('degraded', () => chat.status().cluster.state === 'degraded', 3_000);
    expect(chat.status().cluster.since).toBeGreaterThanOrEqual(started);
    // Several retries later, still one warning.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(logger.warn.mock.calls).toEqual([[expect.stringContaining('Redis is unreachable at start')]]);
    const closing = Date.now();
    await chat.close();
    expect(Date.now() - closing).toBeLessThan(5_000);
  });
});

describeWithService('redis', 'cluster with Redis late at start', () => {
  describeWithService('postgres', 'one node, then two, over a private redis-server started late', () => {
    const redis = new PrivateRedis();
    let cluster: TestCluster | undefined;

    afterAll(async () => {
      await cluster?.cleanup();
      await stopAllChildServers();
      await redis.stop();
    });

    it('serves logins locally while Redis is missing, rejoins when it comes, and stops within 5 s once it is gone again', async () => {
      redis.port = await freePort();
      cluster = await startCluster(1, redis.url);
      const c = cluster;
      const first = c.nodes[0]!;
      expect(await nodeStatus(first)).toMatchObject({ cluster: 'degraded' });
      const early = await c.login(first, 'early');
      expect(await early.timeout(10_000).emitWithAck('chat', 'anyone?')).toEqual({ ok: true, id: expect.any(Number) as number });

      await redis.start();
      await waitFor('the node to reach Redis', async () => (await nodeStatus(first)).cluster === 'ok', 15_000);
      expect(first.stderr().match(/Redis is unreachable/g)).toHaveLength(1);
      expect(first.stdout().match(/rejoined the cluster/g)).toHaveLength(1);

      // Its local user was written to Redis: a second node sees them.
      const second = await c.addNode();
      const late = await c.connect(second);
      const ack = await late.timeout(10_000).emitWithAck('login', 'late');
      expect(ack.ok && [...ack.users].sort()).toEqual(['early', 'late']);

      await redis.stop();
      await waitFor('degraded again', async () => (await nodeStatus(first)).cluster === 'degraded');
      const stopping = Date.now();
      expect(await first.stop('SIGTERM')).toBe(0);
      expect(Date.now() - stopping).toBeLessThan(5_000);
    });
  });
});
