/** The `cluster` option: each misconfiguration throws at creation naming the field; a valid one reports its status. */
import http from 'node:http';
import { createChatMiddleware, ChatOptionError, MemoryStore, type ChatOptions } from 'express-chatterbox';
import { recordingLogger } from '../helpers/chat-server';
import { describeWithService, REDIS_URL } from '../helpers/services';

describe('cluster option', () => {
  it.each([
    ['a string', 'redis://127.0.0.1:6379', 'option "cluster" must be'],
    ['no redis', {}, 'option "cluster.redis" must be'],
    ['an http URL', { redis: 'http://127.0.0.1:6379' }, 'option "cluster.redis" must be'],
    ['an empty keyPrefix', { redis: 'redis://x', keyPrefix: '' }, 'option "cluster.keyPrefix" must be'],
    ['a keyPrefix with braces', { redis: 'redis://x', keyPrefix: 'a{b}' }, 'option "cluster.keyPrefix" must be'],
    ['a fractional heartbeatMs', { redis: 'redis://x', heartbeatMs: 10.5 }, 'option "cluster.heartbeatMs" must be'],
    ['a nodeTimeoutMs under twice heartbeatMs', { redis: 'redis://x', heartbeatMs: 1000, nodeTimeoutMs: 1500 }, 'option "cluster.nodeTimeoutMs" must be'],
  ])('throws CHATTERBOX_INVALID_OPTION for %s', (_name, cluster, message) => {
    let thrown: unknown;
    try {
      createChatMiddleware({ history: new MemoryStore(), cluster } as unknown as ChatOptions);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ChatOptionError);
    expect(thrown).toMatchObject({ code: 'CHATTERBOX_INVALID_OPTION', message: expect.stringContaining(message) as string });
  });

  it('throws CHATTERBOX_UNKNOWN_OPTION for an unknown key, suggesting the one meant', () => {
    expect(() => createChatMiddleware({ history: new MemoryStore(), cluster: { redis: 'redis://x', heartbeat: 100 } } as unknown as ChatOptions)).toThrow(
      expect.objectContaining({
        code: 'CHATTERBOX_UNKNOWN_OPTION',
        message: 'express-chatterbox: unknown option "cluster.heartbeat" (did you mean "cluster.heartbeatMs"?)',
      }) as Error,
    );
  });

  // Each node would number and keep its own messages: no shared log to reconnect or repair from.
  it.each<[string, ChatOptions['history']]>([
    ['the default SQLite file', undefined],
    ['a SQLite file', { sqlite: 'chat.sqlite' }],
    ['process memory', { memory: true }],
  ])('throws CHATTERBOX_INVALID_OPTION for a per-process history: %s', (_name, history) => {
    expect(() => createChatMiddleware({ history, cluster: { redis: 'redis://127.0.0.1:6379' } })).toThrow(
      expect.objectContaining({
        code: 'CHATTERBOX_INVALID_OPTION',
        message: expect.stringContaining('option "history" must be one all nodes share when `cluster` is set') as string,
      }) as Error,
    );
  });

  it('reports status "off" without it', async () => {
    const chat = createChatMiddleware({ history: new MemoryStore(), logger: recordingLogger() });
    expect(chat.status().cluster).toEqual({ state: 'off', since: expect.any(Number) });
    await chat.close();
  });
});

describeWithService('redis', 'cluster option with Redis', () => {
  it('reports "connecting" then "ok", and never closes the host’s client', async () => {
    const { Redis } = await import('ioredis');
    const host = new Redis(REDIS_URL);
    const logger = recordingLogger();
    const server = http.createServer();
    const chat = createChatMiddleware({ server, history: new MemoryStore(), logger, cluster: { redis: host, keyPrefix: `chatterbox-test:${process.pid}:opt:` } });
    const started = Date.now();
    expect(chat.status().cluster).toEqual({ state: 'connecting', since: expect.any(Number) as number });
    const deadline = Date.now() + 10_000;
    while (chat.status().cluster.state !== 'ok' && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(chat.status().cluster).toEqual({ state: 'ok', since: expect.any(Number) as number });
    expect(chat.status().cluster.since).toBeGreaterThanOrEqual(started);
    await chat.close();
    expect(await host.ping()).toBe('PONG');
    host.disconnect();
  });
});
