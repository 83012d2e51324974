/** Abuse limits: message and event rates, connections per address, the write-buffer cap, trustProxy. */
import type { IncomingMessage } from 'node:http';
import WebSocket from 'ws';
import { Server } from 'socket.io';
import { io as connectClient } from 'socket.io-client';
import { clientAddress } from '../../lib/access/client-address';
import { TokenBucket } from '../../lib/limits/token-bucket';
import { closeAll, nextEvent, recordEvents, recordingLogger, settle, startChat, type TestChat, type TestSocket } from '../helpers/chat-server';

afterEach(closeAll);

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
  ] as const)('%s', (_name, trust, peer, forwarded, expected) => {
    expect(clientAddress(req(peer, forwarded), trust)).toBe(expected);
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
