/** The message and login budgets in Redis: shared by every node of a cluster, per node while Redis is away. */
import Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { createLimits } from '../../lib/limits/limits';
import { createRateLimit } from '../../lib/limits/rate-limit';
import { resolveOptions } from '../../lib/options';
import { describeWithService, REDIS_URL } from '../helpers/services';

describeWithService('redis', 'createRateLimit with Redis (rate-limiter-flexible RateLimiterRedis)', () => {
  const clients: Redis[] = [];
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.quit().catch(() => client.disconnect())));
  });

  /** A connected client (a limiter asks its memory fallback while Redis is not ready). */
  async function redis(url = REDIS_URL): Promise<Redis> {
    const client = new Redis(url, { maxRetriesPerRequest: 1 });
    client.on('error', () => undefined);
    clients.push(client);
    if (client.status !== 'ready') await new Promise((resolve) => client.once('ready', resolve));
    return client;
  }

  it('shares one budget between two nodes (two limiters on one Redis)', async () => {
    const prefix = `chatterbox-test:${randomBytes(4).toString('hex')}`;
    const rate = { limit: 3, windowMs: 2000, blockMs: 5000 };
    const nodeA = createRateLimit(rate, await redis(), prefix);
    const nodeB = createRateLimit(rate, await redis(), prefix);
    const waits = [await nodeA.consume('user:1'), await nodeB.consume('user:1'), await nodeA.consume('user:1'), await nodeB.consume('user:1')];
    expect(waits.slice(0, 3)).toEqual([0, 0, 0]);
    expect(waits[3]).toBeGreaterThan(4000);
    expect(await nodeB.consume('user:2')).toBe(0);
  });

  it('falls back to a per-node memory budget while Redis cannot be reached, instead of failing or letting a flood through', async () => {
    const down = new Redis('redis://127.0.0.1:1', { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
    down.on('error', () => undefined);
    clients.push(down);
    const limit = createRateLimit({ limit: 2, windowMs: 60_000, blockMs: 0 }, down, 'chatterbox-test:down');
    const waits = [await limit.consume('k'), await limit.consume('k'), await limit.consume('k')];
    expect(waits.slice(0, 2)).toEqual([0, 0]);
    expect(waits[2]).toBeGreaterThan(0);
  });

  it('createLimits(options, redis) keys budgets under the cluster prefix and the namespace', async () => {
    const client = await redis();
    const keyPrefix = `chatterbox-test-${randomBytes(4).toString('hex')}:`;
    const options = resolveOptions({ history: false, cluster: { redis: REDIS_URL, keyPrefix } });
    const limits = createLimits(options, client);
    expect(await limits.messages?.consume('user:1')).toBe(0);
    const keys = await client.keys(`${keyPrefix}*`);
    expect(keys).toEqual([`${keyPrefix}rl:/chat:messages:user:1`]);
  });
});
