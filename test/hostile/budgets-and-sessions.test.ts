/**
 * The hostile-input suite, part two: attacks on the limits and on session ownership against a chat
 * server in a child process with the default limits: several packets in one write, reconnect
 * storms, reused Engine.IO session ids, foreign schemes, look-alike names, one user's many tabs,
 * and an offline burst into a PostgreSQL-backed chat. After each attack the server still serves,
 * and nothing of the attacker's beyond the documented budget was broadcast or stored.
 */
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import { io as connectClient } from 'socket.io-client';
import { startChildServer, stopAllChildServers, type ChildServer } from '../helpers/child-server';
import { describeWithService, POSTGRES_URL } from '../helpers/services';
import type { TestSocket } from '../helpers/chat-server';

jest.setTimeout(60_000);

let nextAddress = 10;

/** A fresh loopback address per attack, so per-address limits of one attack do not touch the next. */
function attackerAddress(): string {
  return `127.0.1.${nextAddress++}`;
}

interface Harness {
  server: ChildServer;
  canary: TestSocket;
  /** Every chat line the canary received, by sender. */
  seen: Array<{ u: string; m: string }>;
}

function client(server: ChildServer, localAddress: string, options: Record<string, unknown> = {}): TestSocket {
  return connectClient(`${server.url}/chat`, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    localAddress,
    ...options,
  } as Parameters<typeof connectClient>[1]);
}

/** Resolves with `session`, or with the refusal code of `connect_error`. */
function outcome(socket: TestSocket, timeoutMs = 5000): Promise<string> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve('timeout'), timeoutMs);
    socket.once('session', () => {
      clearTimeout(timer);
      resolve('session');
    });
    socket.once('connect_error', (err: Error & { data?: { code?: string } }) => {
      clearTimeout(timer);
      resolve(err.data?.code ?? err.message);
    });
  });
}

async function loggedIn(server: ChildServer, localAddress: string, nick: string): Promise<TestSocket> {
  const socket = client(server, localAddress);
  expect(await outcome(socket)).toBe('session');
  const ack = await socket.emitWithAck('login', nick);
  if (!ack.ok) throw new Error(`login ${nick}: ${ack.error.code}`);
  return socket;
}

async function startHarness(options: Record<string, unknown>, env: Record<string, string> = {}): Promise<Harness> {
  const server = await startChildServer(options, env);
  const canary = await loggedIn(server, '127.0.1.250', 'canary');
  const seen: Array<{ u: string; m: string }> = [];
  canary.on('chat', (line: { u: string; m: string }) => {
    if (line.u !== 'SYSTEM') seen.push(line);
  });
  return { server, canary, seen };
}

/**
 * The server still answers, the canary's message round-trips, and `sender` got at most `max`
 * lines out (broadcast or stored); resolves with how many were broadcast.
 */
async function expectContained(harness: Harness, sender: string, max: number): Promise<number> {
  const { server, canary, seen } = harness;
  expect(server.process.exitCode).toBeNull();
  await new Promise((resolve) => setTimeout(resolve, 300));
  const broadcast = seen.filter((line) => line.u === sender).length;
  expect(broadcast).toBeLessThanOrEqual(max);
  const history = await canary.emitWithAck('history', { limit: 200 });
  if (!history.ok) throw new Error('history failed');
  expect(history.messages.filter((line) => line.u === sender).length).toBeLessThanOrEqual(max);
  const text = `canary ${randomBytes(3).toString('hex')}`;
  const arrived = new Promise<void>((resolve) => {
    const check = (line: { m: string }): void => {
      if (line.m !== text) return;
      canary.off('chat', check);
      resolve();
    };
    canary.on('chat', check);
  });
  let ack = await canary.emitWithAck('chat', text);
  while (!ack.ok && ack.error.code === 'RATE_LIMITED') {
    await new Promise((resolve) => setTimeout(resolve, ack.ok ? 0 : (ack.error.retryAfter ?? 100)));
    ack = await canary.emitWithAck('chat', text);
  }
  expect(ack.ok).toBe(true);
  await arrived;
  expect(server.stderr()).not.toMatch(/handler failed|unhandled|TypeError|RangeError/i);
  return broadcast;
}

/** A raw WebSocket connected to the chat namespace, answering pings. */
function rawNamespace(server: ChildServer, localAddress: string): Promise<{ ws: WebSocket; closed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/socket.io/?EIO=4&transport=websocket`, { localAddress });
    const closed = new Promise<void>((done) => ws.once('close', () => done()));
    ws.on('message', (data: Buffer) => {
      const frame = data.toString();
      if (frame === '2') ws.send('3');
      else if (frame.startsWith('42/chat,["session"')) resolve({ ws, closed });
    });
    ws.once('open', () => ws.send('40/chat,'));
    ws.once('error', reject);
  });
}

/** An HTTP GET with a chosen source address and headers; resolves with the status and body. */
function get(server: ChildServer, path: string, localAddress: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port: server.port, path, localAddress, headers }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

/** An HTTP POST of `body` (text/plain) with a chosen source address. */
function post(server: ChildServer, path: string, localAddress: string, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port: server.port, path, method: 'POST', localAddress, headers: { 'Content-Type': 'text/plain;charset=UTF-8' } },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Opens an Engine.IO session over polling from `localAddress` and returns its sid. */
async function pollingSession(server: ChildServer, localAddress: string): Promise<string> {
  const open = await get(server, '/socket.io/?EIO=4&transport=polling', localAddress);
  expect(open.status).toBe(200);
  const sid = (JSON.parse(open.body.slice(1)) as { sid: string }).sid;
  return sid;
}

/** Tries a WebSocket upgrade of session `sid`: 'open' when the server took it, else how it failed. */
function tryUpgrade(server: ChildServer, sid: string, localAddress: string, headers: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/socket.io/?EIO=4&transport=websocket&sid=${sid}`, { localAddress, headers });
    ws.once('open', () => {
      ws.send('2probe');
      ws.once('message', (data: Buffer) => {
        resolve(data.toString() === '3probe' ? 'open' : `open, then ${data.toString()}`);
        ws.terminate();
      });
    });
    ws.once('unexpected-response', (_req, res) => {
      resolve(`HTTP ${res.statusCode ?? 0}`);
      ws.terminate();
    });
    ws.once('error', (error) => resolve(`error ${error.message}`));
  });
}

afterAll(stopAllChildServers);

describe('hostile input against the limits and session ownership (default limits)', () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness(
      { history: { memory: true }, reservedNicks: ['alice'], allowAnonymous: true, maxConnectionsPerUser: 3 },
      { CHAT_IDENTIFY_HEADER: 'x-test-user' },
    );
  });

  it('broadcasts and stores at most 3 of 200 chats sent in one write right after a login (messageRate charges every chat packet)', async () => {
    const raw = await rawNamespace(harness.server, attackerAddress());
    raw.ws.send('42/chat,["login","oneshot"]');
    for (let i = 0; i < 200; i++) raw.ws.send(`42/chat,["chat","burst ${i}"]`);
    // The attack reached the handlers: its first messages were the budget's.
    expect(await expectContained(harness, 'oneshot', 3)).toBeGreaterThan(0);
    raw.ws.terminate();
  });

  it('broadcasts at most 3 of 120 chats sent around a login in one write (20 before it, 100 after)', async () => {
    const raw = await rawNamespace(harness.server, attackerAddress());
    // 20 stay under eventRate (30 per 2 s), so the login gets through and the budget is what stops them.
    for (let i = 0; i < 20; i++) raw.ws.send(`42/chat,["chat","early ${i}"]`);
    raw.ws.send('42/chat,["login","early"]');
    for (let i = 0; i < 100; i++) raw.ws.send(`42/chat,["chat","late ${i}"]`);
    // The attack reached the handlers: its first messages were the budget's.
    expect(await expectContained(harness, 'early', 3)).toBeGreaterThan(0);
    raw.ws.terminate();
  });

  it('keeps a guest budget spent across 5 reconnects with auth.nick: at most 3 chats get out', async () => {
    const address = attackerAddress();
    for (let round = 0; round < 5; round++) {
      const socket = client(harness.server, address, { auth: { nick: 'hopper' } });
      expect(await outcome(socket)).toBe('session');
      for (let i = 0; i < 5; i++) socket.emit('chat', `hop ${round}.${i}`);
      // Long enough for the server to take the five packets in, even on a loaded machine.
      await new Promise((resolve) => setTimeout(resolve, 300));
      socket.disconnect();
    }
    // The attack reached the handlers: its first messages were the budget's.
    expect(await expectContained(harness, 'hopper', 3)).toBeGreaterThan(0);
  });

  it('refuses the 11th handshake login of a reconnect storm from one address within a minute with RATE_LIMITED (loginRate)', async () => {
    const address = attackerAddress();
    const outcomes: string[] = [];
    for (let i = 0; i < 14; i++) {
      const socket = client(harness.server, address, { auth: { nick: `storm${i}` } });
      outcomes.push(await outcome(socket));
      socket.disconnect();
    }
    expect(outcomes.slice(0, 10)).toEqual(Array(10).fill('session'));
    expect(outcomes.slice(10)).toEqual(Array(4).fill('RATE_LIMITED'));
    // Another address logs in as usual.
    const other = client(harness.server, attackerAddress(), { auth: { nick: 'calm' } });
    expect(await outcome(other)).toBe('session');
    other.disconnect();
    await expectContained(harness, 'storm0', 0);
  });

  it('refuses a WebSocket upgrade of someone else’s session id from another address and a foreign origin (HTTP 400), and lets its owner upgrade', async () => {
    const victim = attackerAddress();
    const sid = await pollingSession(harness.server, victim);
    expect(await tryUpgrade(harness.server, sid, attackerAddress(), { Origin: 'https://evil.example' })).toBe('HTTP 400');
    expect(await tryUpgrade(harness.server, sid, attackerAddress())).toBe('HTTP 400');
    expect(await tryUpgrade(harness.server, sid, victim, { Origin: 'https://evil.example' })).toBe('HTTP 400');
    expect(await tryUpgrade(harness.server, sid, victim, { Origin: `http://127.0.0.1:${harness.server.port}` })).toBe('open');
    await expectContained(harness, 'nobody', 0);
  });

  it('refuses polling requests that reuse someone else’s session id from another address (HTTP 400), reading nothing of the session', async () => {
    const victim = attackerAddress();
    const sid = await pollingSession(harness.server, victim);
    const stolen = await get(harness.server, `/socket.io/?EIO=4&transport=polling&sid=${sid}`, attackerAddress());
    expect(stolen.status).toBe(400);
    expect(stolen.body).not.toContain('40');
    const foreign = await get(harness.server, `/socket.io/?EIO=4&transport=polling&sid=${sid}`, victim, { Origin: 'https://evil.example' });
    expect(foreign.status).toBe(400);
    await expectContained(harness, 'nobody', 0);
  });

  it('broadcasts at most 3 of 100 chats sent in one long-polling POST with the login (packets joined by \\x1e)', async () => {
    const address = attackerAddress();
    const sid = await pollingSession(harness.server, address);
    const path = `/socket.io/?EIO=4&transport=polling&sid=${sid}`;
    expect((await post(harness.server, path, address, '40/chat,')).status).toBe(200);
    await get(harness.server, path, address);
    const packets = ['42/chat,["login","poster"]', ...Array.from({ length: 100 }, (_, i) => `42/chat,["chat","post ${i}"]`)];
    expect((await post(harness.server, path, address, packets.join('\x1e'))).status).toBe(200);
    // The attack reached the handlers: its first messages were the budget's.
    expect(await expectContained(harness, 'poster', 3)).toBeGreaterThan(0);
  });

  it('refuses a session id reused after its session closed, from its own address too', async () => {
    const address = attackerAddress();
    const sid = await pollingSession(harness.server, address);
    const path = `/socket.io/?EIO=4&transport=polling&sid=${sid}`;
    expect((await post(harness.server, path, address, '1')).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await get(harness.server, path, address)).status).toBe(400);
    expect(await tryUpgrade(harness.server, sid, attackerAddress())).toBe('HTTP 400');
    await expectContained(harness, 'nobody', 0);
  });

  it('counts 25 connections from one peer with 25 forged X-Forwarded-For addresses as one address (trustProxy off): 20 accepted', async () => {
    const address = attackerAddress();
    const results = await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        new Promise<WebSocket | undefined>((resolve) => {
          const ws = new WebSocket(`ws://127.0.0.1:${harness.server.port}/socket.io/?EIO=4&transport=websocket`, {
            localAddress: address,
            headers: { 'X-Forwarded-For': `10.9.${i}.1` },
          });
          ws.once('open', () => resolve(ws));
          ws.once('error', () => resolve(undefined));
          ws.once('unexpected-response', () => resolve(undefined));
        }),
      ),
    );
    expect(results.filter((ws) => ws !== undefined)).toHaveLength(20);
    for (const ws of results) ws?.terminate();
    await expectContained(harness, 'nobody', 0);
  });

  it('refuses a handshake whose Origin has the right host and port but the https scheme on a plain-http server (403)', async () => {
    const host = `127.0.0.1:${harness.server.port}`;
    const address = attackerAddress();
    const foreign = await get(harness.server, '/socket.io/?EIO=4&transport=polling', address, { Origin: `https://${host}` });
    expect(foreign.status).toBe(403);
    expect(foreign.body).not.toMatch(/\bat [\w.<>]+ \(|node_modules/);
    const own = await get(harness.server, '/socket.io/?EIO=4&transport=polling', address, { Origin: `http://${host}` });
    expect(own.status).toBe(200);
    const forwarded = await get(harness.server, '/socket.io/?EIO=4&transport=polling', address, { Origin: `https://${host}`, 'X-Forwarded-Proto': 'https' });
    // trustProxy is off: a client cannot claim the scheme.
    expect(forwarded.status).toBe(403);
    await expectContained(harness, 'nobody', 0);
  });

  it.each([
    ['аӀісе (whole Cyrillic, capital palochka)', 'аӀісе', 'NICK_RESERVED'],
    ['АӀІСЕ (Cyrillic capitals)', 'АӀІСЕ', 'NICK_RESERVED'],
    ['ALICE', 'ALICE', 'NICK_RESERVED'],
    ['ａｌｉｃｅ (full width)', 'ａｌｉｃｅ', 'NICK_RESERVED'],
    ['alіce (mixed Latin and Cyrillic)', 'alіce', 'INVALID_NICK'],
  ])('refuses the reserved name look-alike %s with %s', async (_name, nick, code) => {
    const socket = client(harness.server, attackerAddress());
    expect(await outcome(socket)).toBe('session');
    expect(await socket.emitWithAck('login', nick)).toMatchObject({ ok: false, error: { code } });
    socket.disconnect();
  });

  it('refuses a guest the whole-Cyrillic look-alike of a signed-in user’s name, and the handshake login of it', async () => {
    const user = client(harness.server, attackerAddress(), { extraHeaders: { 'x-test-user': 'ella' } });
    expect(await outcome(user)).toBe('session');
    const guest = client(harness.server, attackerAddress());
    expect(await outcome(guest)).toBe('session');
    expect(await guest.emitWithAck('login', 'еӀӀа')).toMatchObject({ ok: false, error: { code: 'NICK_TAKEN' } });
    const handshake = client(harness.server, attackerAddress(), { auth: { nick: 'ЕӀӀА' } });
    const session = await new Promise<{ nick: string | null; error?: { code: string } }>((resolve) => handshake.once('session', resolve));
    expect(session).toMatchObject({ nick: null, error: { code: 'NICK_TAKEN' } });
    for (const socket of [user, guest, handshake]) socket.disconnect();
    await expectContained(harness, 'еӀӀа', 0);
  });

  it('refuses a signed-in user’s 4th tab (maxConnectionsPerUser: 3) with TOO_MANY_CONNECTIONS, from any address', async () => {
    const tabs = [attackerAddress(), attackerAddress(), attackerAddress(), attackerAddress()].map((address) =>
      client(harness.server, address, { extraHeaders: { 'x-test-user': 'tabby' } }),
    );
    // Listened to at once: the tabs connect together, and a refusal may come before an earlier tab's session.
    const outcomes = await Promise.all(tabs.map((tab) => outcome(tab)));
    expect(outcomes.sort()).toEqual(['TOO_MANY_CONNECTIONS', 'session', 'session', 'session']);
    for (const tab of tabs) tab.disconnect();
    await expectContained(harness, 'tabby', 0);
  });
});

describeWithService('postgres', 'hostile input: an offline burst into a PostgreSQL-backed chat', () => {
  it('lets at most 3 of 200 chats queued while offline through when the client reconnects with auth.nick', async () => {
    const table = `chatterbox_hostile_${process.pid}_${randomBytes(3).toString('hex')}`;
    const harness = await startHarness({ history: { postgres: POSTGRES_URL } }, { CHAT_POSTGRES_TABLE: table });
    try {
      const socket = client(harness.server, attackerAddress(), { auth: { nick: 'offline' }, autoConnect: false });
      // socket.io-client buffers emits made while disconnected and sends them all on connect.
      for (let i = 0; i < 200; i++) socket.emit('chat', `queued ${i}`);
      socket.connect();
      expect(await outcome(socket)).toBe('session');
      await new Promise((resolve) => setTimeout(resolve, 1000));
      // The attack reached the handlers: its first messages were the budget's.
    expect(await expectContained(harness, 'offline', 3)).toBeGreaterThan(0);
      socket.disconnect();
    } finally {
      await harness.server.stop();
      const { Client } = await import('pg');
      const pg = new Client({ connectionString: POSTGRES_URL });
      await pg.connect();
      await pg.query(`DROP TABLE IF EXISTS ${table}`).catch(() => undefined);
      await pg.end();
    }
  });
});
