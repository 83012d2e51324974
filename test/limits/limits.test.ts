/** Abuse limits: message and event rates, connections per address, the write-buffer cap, trustProxy. */
import type { IncomingMessage } from 'node:http';
import WebSocket from 'ws';
import { Server } from 'socket.io';
import { io as connectClient } from 'socket.io-client';
import { clientAddress, clientScheme } from '../../lib/access/client-address';
import { createRateLimit } from '../../lib/limits/rate-limit';
import { closeRawClients, rawChat } from '../helpers/raw-socket';
import { TokenBucket } from '../../lib/limits/token-bucket';
import { closeAll, nextEvent, recordEvents, recordingLogger, settle, startChat, type TestChat, type TestSocket } from '../helpers/chat-server';

afterEach(closeAll);
afterEach(closeRawClients);

function connectFrom(chat: TestChat, localAddress: string): TestSocket {
  return connectClient(`${chat.url}/chat`, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    localAddress,
  } as Parameters<typeof connectClient>[1]);
}

describe('TokenBucket', () => {
  it('grants `limit` at once, then says how long to wait, then blocks for blockMs', () => {
    const bucket = new TokenBucket({ limit: 3, windowMs: 2000, blockMs: 5000 }, 0);
    expect([bucket.take(0), bucket.take(0), bucket.take(0)]).toEqual([0, 0, 0]);
    expect(bucket.take(10)).toBe(5000);
    expect(bucket.take(4000)).toBe(1010);
    expect(bucket.take(5010)).toBe(0);
  });

  it('without a block, waits for the next token only', () => {
    const bucket = new TokenBucket({ limit: 2, windowMs: 1000, blockMs: 0 }, 0);
    bucket.take(0);
    bucket.take(0);
    expect(bucket.take(0)).toBe(500);
    expect(bucket.take(500)).toBe(0);
  });
});

describe('messageRate (default 3 per 2 s, then blocked 5 s)', () => {
  it('throttles a flooding client with RATE_LIMITED and retryAfter while two others keep chatting', async () => {
    const chat = await startChat();
    const flooder = await chat.login('flooder');
    const alice = await chat.login('alice');
    const bob = await chat.login('bob');
    const bobEvents = recordEvents(bob);
    const acks = await Promise.all(Array.from({ length: 20 }, (_, i) => flooder.emitWithAck('chat', `spam ${i}`)));
    expect(acks.filter((ack) => ack.ok)).toHaveLength(3);
    expect(acks[3]).toEqual({ ok: false, error: { code: 'RATE_LIMITED', message: 'You are sending messages too fast; wait 5 s', retryAfter: 5000 } });
    for (const [sender, text] of [[alice, 'hi bob'], [bob, 'hi alice'], [alice, 'still here']] as const) {
      expect((await sender.emitWithAck('chat', text)).ok).toBe(true);
    }
    await settle();
    const texts = bobEvents.filter(([event]) => event === 'chat').map(([, line]) => (line as { m: string }).m);
    expect(texts).toEqual(['spam 0', 'spam 1', 'spam 2', 'hi bob', 'hi alice', 'still here']);
  });

  it('tells an ack-less (original protocol) client with one SYSTEM line, not one per message', async () => {
    const chat = await startChat();
    const flooder = await chat.login('flooder');
    const events = recordEvents(flooder);
    for (let i = 0; i < 10; i++) flooder.emit('chat', `spam ${i}`);
    await settle(300);
    const system = events.filter(([event, line]) => event === 'chat' && (line as { u: string }).u === 'SYSTEM');
    expect(system).toEqual([['chat', { u: 'SYSTEM', m: 'You are sending messages too fast; wait 5 s' }]]);
  });

  it('is off with messageRate: false', async () => {
    const chat = await startChat({ messageRate: false });
    const alice = await chat.login('alice');
    const acks = await Promise.all(Array.from({ length: 10 }, (_, i) => alice.emitWithAck('chat', `m ${i}`)));
    expect(acks.every((ack) => ack.ok)).toBe(true);
  });
});

describe('eventRate and loginRate', () => {
  it('refuses events beyond eventRate with RATE_LIMITED and disconnects a client that keeps flooding', async () => {
    const chat = await startChat({ eventRate: { limit: 5, windowMs: 10_000 } });
    const socket = await chat.connect();
    const acks = await Promise.all(Array.from({ length: 6 }, () => socket.emitWithAck('history', {})));
    expect(acks.slice(0, 5).every((ack) => ack.ok)).toBe(true);
    expect(acks[5]).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED', retryAfter: expect.any(Number) } });
    const disconnected = nextEvent(socket, 'disconnect', 5000);
    for (let i = 0; i < 300; i++) socket.emit('history', {}, () => undefined);
    expect(await disconnected).toEqual(['io server disconnect']);
  });

  it('refuses renames beyond loginRate per address', async () => {
    const chat = await startChat({ loginRate: { limit: 2, windowMs: 60_000 } });
    const socket = await chat.connect();
    expect((await socket.emitWithAck('login', 'a1')).ok).toBe(true);
    expect((await socket.emitWithAck('login', 'a2')).ok).toBe(true);
    expect(await socket.emitWithAck('login', 'a3')).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
  });
});

describe('maxConnectionsPerAddress', () => {
  it('refuses the connection beyond the limit from one address, not from another one', async () => {
    const chat = await startChat({ maxConnectionsPerAddress: 3 });
    const sockets = [1, 2, 3].map(() => connectFrom(chat, '127.0.0.2'));
    await Promise.all(sockets.map((socket) => nextEvent(socket, 'session', 5000)));
    const fourth = connectFrom(chat, '127.0.0.2');
    const [error] = await nextEvent<[Error]>(fourth, 'connect_error', 5000);
    expect(error.message).toBe('websocket error');
    const other = connectFrom(chat, '127.0.0.3');
    await nextEvent(other, 'session', 5000);
    // A closed connection gives its slot back.
    sockets[0]?.disconnect();
    await settle(300);
    const again = connectFrom(chat, '127.0.0.2');
    await nextEvent(again, 'session', 5000);
    for (const socket of [...sockets, fourth, other, again]) socket.disconnect();
  });
});

describe('maxConnectionsPerAddress with the host’s own io', () => {
  it('refuses beyond the limit at the namespace with FORBIDDEN, and a refused socket holds no slot', async () => {
    const io = new Server();
    const chat = await startChat({ io, maxConnectionsPerAddress: 2 });
    io.attach(chat.server);
    const first = connectFrom(chat, '127.0.0.4');
    const second = connectFrom(chat, '127.0.0.4');
    await Promise.all([nextEvent(first, 'session', 5000), nextEvent(second, 'session', 5000)]);
    for (let i = 0; i < 3; i++) {
      const refused = connectFrom(chat, '127.0.0.4');
      const [error] = await nextEvent<[Error & { data?: unknown }]>(refused, 'connect_error', 5000);
      expect(error.data).toEqual({ code: 'FORBIDDEN' });
      refused.disconnect();
    }
    first.disconnect();
    await settle(300);
    const third = connectFrom(chat, '127.0.0.4');
    await nextEvent(third, 'session', 5000);
    for (const socket of [second, third]) socket.disconnect();
    await io.close();
  });
});

describe('clientAddress (trustProxy)', () => {
  const req = (remoteAddress: string, forwarded?: string): IncomingMessage =>
    ({ socket: { remoteAddress }, headers: forwarded === undefined ? {} : { 'x-forwarded-for': forwarded } }) as unknown as IncomingMessage;

  it.each([
    ['ignores X-Forwarded-For by default', false, '::ffff:10.0.0.1', '1.2.3.4', '10.0.0.1'],
    ['takes the first entry with trustProxy: true', true, '10.0.0.1', '1.2.3.4, 5.6.7.8', '1.2.3.4'],
    ['takes the entry one hop in with trustProxy: 1', 1, '10.0.0.1', 'forged, 1.2.3.4', '1.2.3.4'],
    ['takes two hops in with trustProxy: 2', 2, '10.0.0.1', 'forged, 1.2.3.4, 10.0.0.2', '1.2.3.4'],
    ['falls back to the peer without the header', true, '10.0.0.1', undefined, '10.0.0.1'],
    ["trusts a loopback proxy with 'loopback'", 'loopback', '127.0.0.1', '1.2.3.4', '1.2.3.4'],
    ["does not trust another peer with 'loopback'", 'loopback', '10.0.0.1', '1.2.3.4', '10.0.0.1'],
    ['walks back through a trusted subnet to the first untrusted hop', ['10.0.0.0/8'], '10.0.0.1', 'forged, 1.2.3.4, 10.0.0.9', '1.2.3.4'],
    ['reads a comma-separated list as Express does', 'loopback, 10.0.0.0/8', '10.0.0.1', '1.2.3.4', '1.2.3.4'],
  ] as const)('%s', (_name, trust, peer, forwarded, expected) => {
    expect(clientAddress(req(peer, forwarded), trust)).toBe(expected);
  });
});

describe('clientScheme (the own-origin check compares it)', () => {
  const req = (remoteAddress: string, encrypted: boolean, proto?: string): IncomingMessage =>
    ({ socket: { remoteAddress, encrypted }, headers: proto === undefined ? {} : { 'x-forwarded-proto': proto } }) as unknown as IncomingMessage;

  it.each([
    ['http: on a plain socket', false, '10.0.0.1', false, 'https', 'http:'],
    ['https: on a TLS socket', false, '10.0.0.1', true, undefined, 'https:'],
    ['X-Forwarded-Proto from a trusted hop', 'loopback', '127.0.0.1', false, 'https, http', 'https:'],
    ['not X-Forwarded-Proto from an untrusted hop', 'loopback', '10.0.0.1', false, 'https', 'http:'],
  ] as const)('%s', (_name, trust, peer, encrypted, proto, expected) => {
    expect(clientScheme(req(peer, encrypted, proto), trust)).toBe(expected);
  });
});

describe('createRateLimit (rate-limiter-flexible)', () => {
  it('grants `limit` at once, then blocks for blockMs, per key', async () => {
    const limit = createRateLimit({ limit: 3, windowMs: 2000, blockMs: 5000 });
    const waits = await Promise.all(Array.from({ length: 5 }, () => limit.consume('a')));
    expect(waits.slice(0, 3)).toEqual([0, 0, 0]);
    expect(waits[3]).toBeGreaterThan(4900);
    expect(await limit.consume('b')).toBe(0);
  });

  it('without a block, says how long until the window ends', async () => {
    const limit = createRateLimit({ limit: 1, windowMs: 1000, blockMs: 0 });
    expect(await limit.consume('a')).toBe(0);
    const wait = await limit.consume('a');
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(1000);
  });
});

describe('messageRate keys that outlive a connection', () => {
  it('charges chats sent in the same write as the login (before the socket has a nickname)', async () => {
    const chat = await startChat({ history: { memory: true } });
    const bob = await chat.login('bob');
    const bobEvents = recordEvents(bob);
    const raw = await rawChat(chat.port);
    // Frames sent in one tick leave in one TCP write.
    raw.send('42/chat,["login","flooder"]');
    for (let i = 0; i < 20; i++) raw.send(`42/chat,["chat","flood ${i}"]`);
    await settle(500);
    const seen = bobEvents.filter(([event, line]) => event === 'chat' && (line as { u: string }).u === 'flooder');
    expect(seen.length).toBeLessThanOrEqual(3);
  });

  it("keeps a guest's spent budget across a reconnect under the same nickname", async () => {
    const chat = await startChat({ history: { memory: true } });
    const first = await chat.login('guest');
    const acks = await Promise.all(Array.from({ length: 5 }, (_, i) => first.emitWithAck('chat', `m ${i}`)));
    expect(acks.filter((ack) => ack.ok)).toHaveLength(3);
    first.disconnect();
    await settle(100);
    const again = await chat.login('guest');
    expect(await again.emitWithAck('chat', 'again')).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
  });
});

describe('loginRate and handshake logins (auth.nick)', () => {
  it('counts a handshake login like a login event: quick reconnects are refused with RATE_LIMITED', async () => {
    const chat = await startChat({ history: { memory: true }, loginRate: { limit: 3, windowMs: 60_000 } });
    const outcomes: string[] = [];
    for (let i = 0; i < 5; i++) {
      const socket = connectClient(`${chat.url}/chat`, { transports: ['websocket'], forceNew: true, reconnection: false, auth: { nick: 'storm' } });
      outcomes.push(
        await new Promise<string>((resolve) => {
          socket.once('session', () => resolve('session'));
          socket.once('connect_error', (err: Error & { data?: { code?: string } }) => resolve(err.data?.code ?? err.message));
        }),
      );
      socket.disconnect();
    }
    expect(outcomes).toEqual(['session', 'session', 'session', 'RATE_LIMITED', 'RATE_LIMITED']);
  });
});

describe('maxConnectionsPerUser', () => {
  it('refuses one more connection of a signed-in user with TOO_MANY_CONNECTIONS, whatever the address', async () => {
    const chat = await startChat({ maxConnectionsPerUser: 2, identify: (req) => (req.headers['x-user'] === 'u1' ? { id: 'u1', nick: 'alice' } : null) });
    const open = (localAddress: string): Promise<[TestSocket, string]> => {
      const socket = connectClient(`${chat.url}/chat`, {
        transports: ['websocket'],
        forceNew: true,
        reconnection: false,
        localAddress,
        extraHeaders: { 'x-user': 'u1' },
      } as Parameters<typeof connectClient>[1]);
      return new Promise((resolve) => {
        socket.once('session', () => resolve([socket, 'session']));
        socket.once('connect_error', (err: Error & { data?: { code?: string } }) => resolve([socket, err.data?.code ?? err.message]));
      });
    };
    const results = [await open('127.0.0.2'), await open('127.0.0.3'), await open('127.0.0.4')];
    expect(results.map(([, outcome]) => outcome)).toEqual(['session', 'session', 'TOO_MANY_CONNECTIONS']);
    results[0]?.[0].disconnect();
    await settle(200);
    const [later, outcome] = await open('127.0.0.5');
    expect(outcome).toBe('session');
    for (const [socket] of [...results, [later] as const]) socket.disconnect();
  });
});

describe('maxBufferedBytes', () => {
  it('disconnects a client that stops reading once its queue passes the cap, and keeps serving others', async () => {
    const logger = recordingLogger();
    const chat = await startChat({ maxBufferedBytes: 256 * 1024, maxMessageLength: 100_000, logger });
    const ws = new WebSocket(`ws://127.0.0.1:${chat.port}/socket.io/?EIO=4&transport=websocket`);
    await new Promise<void>((resolve) => ws.once('message', () => resolve()));
    ws.send('40/chat,');
    await new Promise<void>((resolve) => ws.on('message', (data: Buffer) => data.toString().startsWith('40/chat') && resolve()));
    (ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const big = 'x'.repeat(90_000);
    for (let i = 0; i < 400 && logger.warn.mock.calls.length === 0; i++) {
      chat.chat.send(big);
      if (i % 20 === 0) await settle(10);
    }
    await settle(200);
    expect(logger.warn).toHaveBeenCalledWith('a client that does not read was disconnected (maxBufferedBytes)', expect.anything());
    const alice = await chat.login('alice');
    expect((await alice.emitWithAck('chat', 'still serving')).ok).toBe(true);
    ws.terminate();
  });
});
