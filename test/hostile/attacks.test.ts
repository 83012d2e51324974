/**
 * The hostile-input suite: attacks a chat server running in a child process (built from dist/) the
 * way a fuzzer or an attacker would, and after each attack checks that it still serves: the same
 * PID, a canary's message round-trips within a second, nothing from the attack was broadcast or
 * stored, no answer carries a stack trace or a path. Test names record what each attack got.
 */
import http from 'node:http';
import WebSocket from 'ws';
import { io as connectClient } from 'socket.io-client';
import { startChildServer, stopAllChildServers, type ChildServer } from '../helpers/child-server';
import { rawRequest } from '../helpers/raw-http';
import { TRAVERSAL_CASES } from '../router/traversal-cases';
import type { TestSocket } from '../helpers/chat-server';

jest.setTimeout(60_000);

let server: ChildServer;
let canaryA: TestSocket;
let canaryB: TestSocket;
/** Every `chat` line canary B received, in order. */
const seenByB: Array<{ u: string; m: string }> = [];
let round = 0;
/** Attackers whose valid messages (sent before a limit stopped them) may be in the log. */
const validSenders = new Set<string>();
let nextAddress = 10;

const LEAK = /\bat [\w.<>]+ \(|\/work\/|node_modules|[A-Za-z]:\\|\.js:\d+/;

/** A fresh loopback address per attack, so per-address limits of one attack do not touch the next. */
function attackerAddress(): string {
  return `127.0.0.${nextAddress++}`;
}

function client(localAddress: string, options: { query?: Record<string, string> } = {}): TestSocket {
  return connectClient(`${server.url}/chat`, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    localAddress,
    ...options,
  } as Parameters<typeof connectClient>[1]);
}

function once<T>(socket: TestSocket, event: string, timeoutMs = 5000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${timeoutMs} ms`)), timeoutMs);
    (socket as unknown as { once(e: string, f: (v: T) => void): void }).once(event, (value: T) => {
      clearTimeout(timer);
      resolve(value);
    });
  });
}

async function loggedIn(localAddress: string, nick: string): Promise<TestSocket> {
  const socket = client(localAddress);
  await once(socket, 'session');
  const ack = await socket.emitWithAck('login', nick);
  if (!ack.ok) throw new Error(`login ${nick}: ${ack.error.code}`);
  return socket;
}

function getStatus(): Promise<{ pid: number }> {
  return new Promise((resolve, reject) => {
    http
      .get(`${server.url}/status`, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve(JSON.parse(body) as { pid: number }));
      })
      .on('error', reject);
  });
}

/** The checks after every attack. */
async function expectStillServing(): Promise<void> {
  expect(server.process.exitCode).toBeNull();
  expect((await getStatus()).pid).toBe(server.pid);
  const text = `canary ${++round}`;
  const started = Date.now();
  const arrived = new Promise<void>((resolve) => {
    const check = (line: { m: string }): void => {
      if (line.m === text) {
        canaryB.off('chat', check);
        resolve();
      }
    };
    canaryB.on('chat', check);
  });
  let ack = await canaryA.emitWithAck('chat', text);
  // Attacks come faster than people chat: the canary, a user too, waits out its own rate limit.
  while (!ack.ok && ack.error.code === 'RATE_LIMITED') {
    await new Promise((resolve) => setTimeout(resolve, ack.ok ? 0 : (ack.error.retryAfter ?? 100)));
    ack = await canaryA.emitWithAck('chat', text);
  }
  expect(ack.ok).toBe(true);
  await arrived;
  // The bar for "still serving"; it is generous for a loopback round trip.
  expect(Date.now() - started).toBeLessThan(1000);
  const strangers = seenByB.filter((line) => line.u !== 'canary-a' && !validSenders.has(line.u));
  expect(strangers).toEqual([]);
  const history = await canaryB.emitWithAck('history', { limit: 200 });
  if (!history.ok) throw new Error('history failed');
  expect(history.messages.filter((m) => m.u !== 'canary-a' && !validSenders.has(m.u))).toEqual([]);
  expect(server.stderr()).not.toMatch(/handler failed|unhandled|TypeError|RangeError/i);
}

function rawWs(localAddress: string, options: WebSocket.ClientOptions = {}): Promise<{ ws: WebSocket; frames: string[]; closed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/socket.io/?EIO=4&transport=websocket`, { localAddress, ...options });
    const frames: string[] = [];
    const closed = new Promise<void>((done) => ws.once('close', () => done()));
    ws.on('message', (data: Buffer) => {
      const frame = data.toString();
      if (frame === '2') ws.send('3');
      else frames.push(frame);
    });
    ws.once('open', () => resolve({ ws, frames, closed }));
    ws.once('error', reject);
  });
}

async function rawNamespace(localAddress: string): Promise<{ ws: WebSocket; frames: string[]; closed: Promise<void> }> {
  const raw = await rawWs(localAddress);
  raw.ws.send('40/chat,');
  const deadline = Date.now() + 5000;
  while (!raw.frames.some((frame) => frame.startsWith('42/chat,["session"')) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return raw;
}

beforeAll(async () => {
  server = await startChildServer({
    history: { memory: true },
    // Room for the canary's one message after each attack; attackers still hit the limit.
    messageRate: { limit: 50, windowMs: 1000, blockMs: 0 },
  });
  canaryA = await loggedIn('127.0.0.250', 'canary-a');
  canaryB = await loggedIn('127.0.0.251', 'canary-b');
  canaryB.on('chat', (line: { u: string; m: string }) => {
    if (line.u !== 'SYSTEM') seenByB.push(line);
  });
  await expectStillServing();
});

afterAll(async () => {
  canaryA?.disconnect();
  canaryB?.disconnect();
  await stopAllChildServers();
});

describe('hostile input against a server in a child process', () => {
  const malformed = [
    '4', '42', '42/chat,', '42/chat,[', '42/chat,{"a":1}', '42/chat,["chat"', '42/chat,[]', '42/chat,[1,2]',
    '42/chat,["__proto__",{}]', '451-/chat,["chat",{"_placeholder":true,"num":0}]', '4{', '9999', '4x/chat,', '43/chat,99[]',
    '42/chat,99999999999999999999999["chat","x"]', '40/chat,{"nick":{"toString":1}}', '41/chat,', '6', '5', '1',
  ];

  it(`survives ${malformed.length} malformed Engine.IO/Socket.IO packets over a plain WebSocket (each connection is closed or ignored; nothing broadcast)`, async () => {
    const address = attackerAddress();
    for (const frame of malformed) {
      const raw = await rawNamespace(address);
      raw.ws.send(frame);
      await Promise.race([raw.closed, new Promise((resolve) => setTimeout(resolve, 100))]);
      for (const answer of raw.frames) expect(answer).not.toMatch(LEAK);
      raw.ws.terminate();
    }
    await expectStillServing();
  });

  it('closes the connection of a 2 MB text frame (beyond maxHttpBufferSize) and of random binary frames', async () => {
    const address = attackerAddress();
    const big = await rawNamespace(address);
    big.ws.send(`42/chat,["chat","${'x'.repeat(2 * 1024 * 1024)}"]`);
    await big.closed;
    const binary = await rawNamespace(address);
    for (let i = 0; i < 20; i++) binary.ws.send(Buffer.from(Array.from({ length: 64 }, (_, j) => (i * 31 + j * 7) % 256)));
    await Promise.race([binary.closed, new Promise((resolve) => setTimeout(resolve, 500))]);
    binary.ws.terminate();
    await expectStillServing();
  });

  it('throttles 5,000 chat events sent at once by one client: at most 50 broadcast, then it is disconnected', async () => {
    const raw = await rawNamespace(attackerAddress());
    raw.ws.send('42/chat,["login","flooder"]');
    await new Promise((resolve) => setTimeout(resolve, 200));
    for (let i = 0; i < 5000; i++) raw.ws.send(`42/chat,["chat","flood ${i}"]`);
    await raw.closed;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(seenByB.filter((line) => line.u === 'flooder').length).toBeLessThanOrEqual(50);
    validSenders.add('flooder');
    await expectStillServing();
  });

  it('accepts 20 of 200 connections from one address and refuses the other 180 with HTTP 400 before any session', async () => {
    const address = attackerAddress();
    const results = await Promise.all(
      Array.from({ length: 200 }, () =>
        rawWs(address).then(
          (raw) => raw,
          () => undefined,
        ),
      ),
    );
    const accepted = results.filter((raw) => raw !== undefined);
    expect(accepted).toHaveLength(20);
    for (const raw of accepted) raw?.ws.terminate();
    // Another address is not affected.
    const other = await rawWs(attackerAddress());
    other.ws.terminate();
    await expectStillServing();
  });

  const wrongValues: Array<[string, unknown]> = [
    ['null', null], ['0', 0], ['-1', -1], ['1.5', 1.5], ['true', true], ['empty string', ''],
    ['10k string', 'x'.repeat(10_000)], ['array', ['a']], ['object', {}], ['nested', { m: { m: { m: 'x' } } }],
    ['__proto__ key', JSON.parse('{"__proto__":{"polluted":true},"m":1}') as unknown],
    ['constructor key', { constructor: { prototype: { polluted: true } } }],
  ];
  const events = ['login', 'chat', 'history', 'delete', 'mute', 'kick', 'edit', 'react', 'search', 'read', 'people', 'nonexistent'];

  it(`answers every wrong type for every event argument (${events.length} events × ${wrongValues.length} values) with an error ack and no leak (codes: FORBIDDEN, INVALID_*, and RATE_LIMITED past 10 logins a minute)`, async () => {
    const codes = new Set<string>();
    for (const event of events) {
      const socket = client(attackerAddress());
      await once(socket, 'session');
      // Logged in, so that the payload itself is what gets refused.
      if (['chat', 'edit', 'react'].includes(event)) await socket.emitWithAck('login', `typed-${event}`);
      for (const [name, value] of wrongValues) {
        const ack = (await (socket as unknown as { timeout(ms: number): { emitWithAck(e: string, v: unknown): Promise<unknown> } })
          .timeout(event === 'nonexistent' ? 300 : 2000)
          .emitWithAck(event, value)
          .catch(() => ({ timedOut: true }))) as { ok?: boolean; error?: { code: string; message: string }; timedOut?: boolean };
        if (event === 'nonexistent') {
          expect(ack).toEqual({ timedOut: true });
          continue;
        }
        // history and people treat null and unknown keys as "the first page": an ok answer is right there.
        if ((event === 'history' || event === 'people') && ack.ok === true) continue;
        expect({ event, name, ok: ack.ok }).toEqual({ event, name, ok: false });
        codes.add(ack.error?.code ?? '?');
        expect(ack.error?.message).not.toMatch(LEAK);
      }
      socket.disconnect();
    }
    expect([...codes].sort()).toEqual(['FORBIDDEN', 'INVALID_MESSAGE', 'INVALID_NICK', 'INVALID_REQUEST', 'RATE_LIMITED']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    await expectStillServing();
  });

  const hostileText: Array<[string, string]> = [
    ['2,001 characters', 'x'.repeat(2001)],
    ['NUL', 'a\u0000b'],
    ['C1 control', 'a\u0085b'],
    ['lone surrogate', 'a\ud800b'],
    ['only zero-width spaces', '\u200b\u200b\u200b'],
    ['only spaces', '     '],
    ['lone CR', 'a\rb'],
  ];

  it(`refuses ${hostileText.length} hostile texts and ${4} hostile nicknames (bidi override, zero-width, 3,000 combining marks, mixed script)`, async () => {
    const socket = client(attackerAddress());
    await once(socket, 'session');
    for (const nick of ['ev\u202eil', 'a\u200bb', `a${'\u0301'.repeat(3000)}`, 'аdmin']) {
      const ack = await socket.emitWithAck('login', nick);
      expect({ nick: nick.slice(0, 8), ack }).toMatchObject({ ack: { ok: false, error: { code: 'INVALID_NICK' } } });
    }
    await socket.emitWithAck('login', 'texter');
    for (const [, text] of hostileText) {
      const ack = await socket.emitWithAck('chat', text);
      expect({ text: text.slice(0, 8), ack }).toMatchObject({ ack: { ok: false, error: { code: 'INVALID_MESSAGE' } } });
    }
    socket.disconnect();
    await expectStillServing();
  });

  it.each(TRAVERSAL_CASES)('answers the traversal URL %s with %i and no stack or path', async (target, status) => {
    const response = await rawRequest(server.port, target);
    expect(response.status).toBe(status);
    expect(response.raw).not.toMatch(LEAK);
    await expectStillServing();
  });

  it('refuses a handshake from another origin with 403/400 and no stack or path', async () => {
    const response = await rawRequest(server.port, '/socket.io/?EIO=4&transport=polling', { headers: { Origin: 'https://evil.example', Host: `127.0.0.1:${server.port}` } });
    expect(response.status).toBe(403);
    expect(response.raw).not.toMatch(LEAK);
    await expectStillServing();
  });
});
