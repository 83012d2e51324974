/**
 * The hostile-input suite, part three: the conversation events (`edit`, `react`, `delete`,
 * `search`, `block`, `chat` with `replyTo` / `to`, and `lastRev` in the handshake and `join`)
 * against a chat server in a child process with signed-in users. Every hostile payload gets a
 * stable error code (or, for `lastRev`, is ignored as documented); afterwards the server still
 * serves, no message was changed, stored or announced, and no prototype was polluted.
 */
import http from 'node:http';
import { io as connectClient } from 'socket.io-client';
import { startChildServer, stopAllChildServers, type ChildServer } from '../helpers/child-server';
import type { TestSocket } from '../helpers/chat-server';
import { directRoom } from '../../lib/protocol/direct-room';
import type { ChatMessage } from '../../lib/protocol/payloads';

jest.setTimeout(60_000);

const LEAK = /\bat [\w.<>]+ \(|\/work\/|node_modules|[A-Za-z]:\\|\.js:\d+/;

let server: ChildServer;
let nextAddress = 10;
/** The attacker (signed in as Ann), the victim (Bob) and an observer (Carol) who records everything. */
let ann: TestSocket;
let bob: TestSocket;
let carol: TestSocket;
const seenByCarol: Array<[string, ...unknown[]]> = [];
/** Ann's own message and Bob's: the targets. */
let annId: number;
let bobId: number;
/** What history held after the setup: it must read the same after every attack. */
let historyBefore: ChatMessage[];

function client(user: string | undefined, auth: Record<string, unknown> = {}): TestSocket {
  return connectClient(`${server.url}/chat`, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    // A fresh loopback address per client, so one attack's per-address limits do not touch the next.
    localAddress: `127.0.2.${nextAddress++}`,
    auth,
    ...(user === undefined ? {} : { query: { user } }),
  } as Parameters<typeof connectClient>[1]);
}

function once<T extends unknown[]>(socket: TestSocket, event: string, timeoutMs = 5000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${timeoutMs} ms`)), timeoutMs);
    (socket as unknown as { once(e: string, f: (...v: unknown[]) => void): void }).once(event, (...value: unknown[]) => {
      clearTimeout(timer);
      resolve(value as T);
    });
  });
}

async function signedIn(user: string): Promise<TestSocket> {
  const socket = client(user);
  await once(socket, 'session');
  return socket;
}

/** Emits what the types forbid and resolves with the ack (or `{ timedOut: true }`). */
function emitRaw(socket: TestSocket, event: string, ...args: unknown[]): Promise<{ ok?: boolean; error?: { code: string; message: string }; timedOut?: boolean }> {
  const timed = (socket as unknown as { timeout(ms: number): { emitWithAck(e: string, ...v: unknown[]): Promise<unknown> } }).timeout(3000);
  return timed.emitWithAck(event, ...args).catch(() => ({ timedOut: true })) as Promise<{ ok?: boolean; error?: { code: string; message: string }; timedOut?: boolean }>;
}

/** The checks after every attack: serving, nothing changed, stored or announced, nothing leaked. */
async function expectUnharmed(): Promise<void> {
  expect(server.process.exitCode).toBeNull();
  const history = await bob.emitWithAck('history', { limit: 50 });
  if (!history.ok) throw new Error('history failed');
  expect(history.messages).toEqual(historyBefore);
  const announced = seenByCarol.filter(([name]) => ['chat', 'edit', 'reactions', 'delete', 'batch'].includes(name));
  expect(announced).toEqual([]);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(server.stderr()).not.toMatch(/handler failed|unhandled|TypeError|RangeError/i);
  // A canary round trip: Bob's chat reaches Carol, then is forgotten from her record.
  const sent = await bob.emitWithAck('chat', { m: 'canary', room: dmRoom });
  expect(sent).toMatchObject({ ok: true });
}

/** Bob and Ann's conversation: the canary speaks there, so that it changes nothing Carol sees. */
let dmRoom: string;

beforeAll(async () => {
  server = await startChildServer({ history: { memory: true }, rooms: ['games'], eventRate: false, messageRate: false }, { CHAT_TEST_IDENTIFY: 'query' });
  ann = await signedIn('Ann');
  bob = await signedIn('Bob');
  carol = await signedIn('Carol');
  const mine = await ann.emitWithAck('chat', 'Ann’s line');
  const theirs = await bob.emitWithAck('chat', 'Bob’s line');
  if (!mine.ok || !theirs.ok) throw new Error('setup failed');
  [annId, bobId] = [mine.id, theirs.id];
  const dm = await emitRaw(bob, 'chat', { m: 'hi Ann', to: 'Ann' });
  if (!dm.ok) throw new Error('setup DM failed');
  dmRoom = directRoom('ann', 'bob');
  const history = await bob.emitWithAck('history', { limit: 50 });
  if (!history.ok) throw new Error('history failed');
  historyBefore = history.messages;
  carol.onAny((name: string, ...args: unknown[]) => {
    if (name !== 'enter' && name !== 'exit' && name !== 'users') seenByCarol.push([name, ...args]);
  });
});

afterAll(async () => {
  for (const socket of [ann, bob, carol]) socket?.disconnect();
  await stopAllChildServers();
});

/** A payload with an own `__proto__` key (as JSON.parse makes it), naming no message. */
const proto = (): unknown => JSON.parse('{"__proto__":{"polluted":true},"id":999999,"m":"x","emoji":"👍","q":"x","nick":"Bob"}');
const badIds: Array<[string, unknown]> = [
  ['negative', -1],
  ['float', 1.5],
  ['NaN (null on the wire)', Number.NaN],
  ['Infinity (null on the wire)', Number.POSITIVE_INFINITY],
  ['beyond 2^53', 2 ** 53],
  ['1e308', 1e308],
  ['numeric string', '1'],
  ['array', [1]],
  ['object', { id: 1 }],
  ['10k string', '9'.repeat(10_000)],
];

describe('hostile conversation events against a server in a child process', () => {
  it('refuses bad ids in edit, react, delete, replyTo and search.before with INVALID_REQUEST / INVALID_MESSAGE, changing nothing', async () => {
    const codes: Record<string, Set<string>> = {};
    const note = (event: string, ack: Awaited<ReturnType<typeof emitRaw>>): void => {
      expect({ event, ok: ack.ok }).toEqual({ event, ok: false });
      expect(ack.error?.message).not.toMatch(LEAK);
      (codes[event] ??= new Set()).add(ack.error?.code ?? '?');
    };
    for (const [, id] of badIds) {
      note('edit', await emitRaw(ann, 'edit', { id, m: 'hacked' }));
      note('react', await emitRaw(ann, 'react', { id, emoji: '👍' }));
      note('delete', await emitRaw(ann, 'delete', { id }));
      note('chat replyTo', await emitRaw(ann, 'chat', { m: 'reply', replyTo: id }));
      note('search', await emitRaw(ann, 'search', { q: 'line', before: id }));
    }
    expect(Object.fromEntries(Object.entries(codes).map(([event, found]) => [event, [...found].sort()]))).toEqual({
      edit: ['INVALID_REQUEST'],
      react: ['INVALID_REQUEST'],
      delete: ['INVALID_REQUEST'],
      'chat replyTo': ['INVALID_MESSAGE'],
      search: ['INVALID_REQUEST'],
    });
    await expectUnharmed();
  });

  it('refuses wrong types, huge values and prototype keys in every field of the conversation events', async () => {
    const cases: Array<[string, string, unknown, string]> = [
      ['edit m: number', 'edit', { id: annId, m: 42 }, 'INVALID_MESSAGE'],
      // Huge, yet under maxHttpBufferSize: a bigger frame only disconnects its sender (hostile-input.test.ts).
      ['edit m: 5k', 'edit', { id: annId, m: 'x'.repeat(5_000) }, 'INVALID_MESSAGE'],
      ['edit m: object', 'edit', { id: annId, m: { toString: 'x' } }, 'INVALID_MESSAGE'],
      ['edit someone else’s', 'edit', { id: bobId, m: 'words in his mouth' }, 'NOT_AUTHOR'],
      ['edit __proto__', 'edit', proto(), 'MESSAGE_NOT_FOUND'],
      ['react emoji: number', 'react', { id: bobId, emoji: 128077 }, 'INVALID_REQUEST'],
      ['react emoji: 1,000 emoji', 'react', { id: bobId, emoji: '👍'.repeat(1_000) }, 'INVALID_REQUEST'],
      ['react __proto__', 'react', { ...(proto() as object), id: 999_999 }, 'MESSAGE_NOT_FOUND'],
      ['delete someone else’s', 'delete', { id: bobId }, 'NOT_AUTHOR'],
      ['delete __proto__', 'delete', proto(), 'MESSAGE_NOT_FOUND'],
      ['search q: number', 'search', { q: 42 }, 'INVALID_REQUEST'],
      ['search q: 10k', 'search', { q: 'x'.repeat(10_000) }, 'INVALID_REQUEST'],
      ['search limit: 1e9', 'search', { q: 'line', limit: 1e9 }, 'INVALID_REQUEST'],
      ['search room: object', 'search', { q: 'line', room: { '': 1 } }, 'INVALID_ROOM'],
      ['search __proto__ room', 'search', { q: 'line', room: '__proto__' }, 'UNKNOWN_ROOM'],
      ['block nick: number', 'block', { nick: 42 }, 'INVALID_REQUEST'],
      ['block nick: 10k', 'block', { nick: 'b'.repeat(10_000) }, 'INVALID_REQUEST'],
      ['block blocked: string', 'block', { nick: 'Bob', blocked: 'no' }, 'INVALID_REQUEST'],
      ['block __proto__ object', 'block', proto(), 'ok'],
      ['chat to: number', 'chat', { m: 'psst', to: 42 }, 'INVALID_MESSAGE'],
      ['chat to: 10k', 'chat', { m: 'psst', to: 'b'.repeat(10_000) }, 'INVALID_MESSAGE'],
      ['chat to and room', 'chat', { m: 'psst', to: 'Bob', room: 'games' }, 'INVALID_MESSAGE'],
      ['chat room: a conversation not hers', 'chat', { m: 'psst', room: '@dm:bob:carol' }, 'NOT_IN_ROOM'],
      ['chat replyTo: another room’s message', 'chat', { m: 'psst', replyTo: 999_999 }, 'MESSAGE_NOT_FOUND'],
    ];
    const got: Array<[string, string]> = [];
    for (const [label, event, payload] of cases) {
      const ack = await emitRaw(ann, event, payload);
      expect(ack.error?.message ?? '').not.toMatch(LEAK);
      got.push([label, ack.ok === false ? (ack.error?.code ?? '?') : ack.ok === true ? 'ok' : JSON.stringify(ack)]);
    }
    expect(got).toEqual(cases.map(([label, , , code]) => [label, code]));
    // The one accepted: Ann blocked "Bob" (the proto payload's nick); lift it for what follows.
    expect(await emitRaw(ann, 'block', { nick: 'Bob', blocked: false })).toMatchObject({ ok: true });
    await expectUnharmed();
  });

  it('takes only a single emoji grapheme: text smuggled in with ZWJ, variation selectors or tag characters is INVALID_REQUEST', async () => {
    const smuggled = [
      '👍a',
      'a',
      '👨\u200dadmin',
      '👨\u200d👩\u200dx',
      '\u200d',
      '👍\ufe0f\ufe0f\ufe0f',
      'a\ufe0f',
      '\ufe0f',
      '👍\u{e0061}\u{e0064}\u{e006d}\u{e0069}\u{e006e}',
      '\u{e0061}\u{e0062}\u{e007f}',
      '🏴\u{e0067}\u{e0062}\u{e0065}\u{e006e}\u{e0067}', // a tag sequence without its cancel tag
      '👍👍',
      '1\ufe0f',
      '👍\u202e',
      '👍 ',
      '',
    ];
    const refused: string[] = [];
    for (const emoji of smuggled) {
      const ack = await emitRaw(ann, 'react', { id: bobId, emoji });
      if (ack.ok === false && ack.error?.code === 'INVALID_REQUEST') refused.push(emoji);
    }
    expect(refused).toEqual(smuggled);
    await expectUnharmed();
  });

  it('reads look-alike nicknames in `to` and `block` as the user they look like, never as someone else', async () => {
    // A Cyrillic о: the skeleton of "Bоb" is Bob's, so the line goes to Bob's own conversation.
    const arrived = new Promise<{ room?: string; m: string }>((resolve) => {
      const timer = setTimeout(() => resolve({ m: 'nothing arrived' }), 3000);
      const check = (line: { room?: string; m: string }): void => {
        if (line.m !== 'look-alike') return;
        clearTimeout(timer);
        bob.off('chat', check);
        resolve(line);
      };
      bob.on('chat', check);
    });
    const dm = await emitRaw(ann, 'chat', { m: 'look-alike', to: 'B\u043eb' });
    expect(dm).toMatchObject({ ok: true });
    expect(await arrived).toMatchObject({ m: 'look-alike', room: dmRoom });
    const blocked = await emitRaw(ann, 'block', { nick: 'B\u043eB' });
    expect(blocked).toMatchObject({ ok: true, blocked: true });
    expect(await emitRaw(bob, 'chat', { m: 'blocked?', to: 'Ann' })).toMatchObject({ ok: false, error: { code: 'BLOCKED' } });
    expect(await emitRaw(ann, 'block', { nick: 'bob', blocked: false })).toMatchObject({ ok: true, blocked: false });
    // Carol saw none of it; the line is the conversation's, not the default room's.
    await expectUnharmed();
  });

  it('ignores a hostile lastRev in the handshake and in join, replaying nothing and crashing nothing', async () => {
    const hostile: unknown[] = [-1, 1.5, '1', null, [], {}, 2 ** 53, 1e308, JSON.parse('{"__proto__":{"polluted":true}}')];
    for (const lastRev of hostile) {
      const socket = client('Dave', { lastId: bobId, lastRev });
      const events: string[] = [];
      socket.onAny((name: string) => events.push(name));
      await once(socket, 'session');
      const join = await emitRaw(socket, 'join', { room: 'games', lastId: 0, lastRev });
      expect(join.error?.message ?? '').not.toMatch(LEAK);
      expect(events.filter((name) => ['edit', 'reactions', 'delete'].includes(name))).toEqual([]);
      socket.disconnect();
    }
    await expectUnharmed();
  });

  it('survives several hostile conversation packets in one long-polling POST, answering each and storing nothing', async () => {
    const address = `127.0.2.${nextAddress++}`;
    const open = await request('GET', '/socket.io/?EIO=4&transport=polling&user=Eve', address);
    const sid = (JSON.parse(open.body.slice(1)) as { sid: string }).sid;
    const path = `/socket.io/?EIO=4&transport=polling&user=Eve&sid=${sid}`;
    expect((await request('POST', path, address, '40/chat,')).status).toBe(200);
    await request('GET', path, address);
    const packets = [
      `42/chat,1["edit",{"id":${bobId},"m":"mine now"}]`,
      `42/chat,2["react",{"id":${bobId},"emoji":"👍x"}]`,
      `42/chat,3["delete",{"id":${bobId}}]`,
      '42/chat,4["search",{"q":"line","before":-5}]',
      '42/chat,5["block",{"nick":{"__proto__":{"polluted":true}}}]',
      `42/chat,6["chat",{"m":"x","replyTo":1.5}]`,
      '42/chat,7["chat",{"m":"x","to":"Воb\\u200b"}]',
      '42/chat,8["join",{"room":"games","lastId":0,"lastRev":-1}]',
    ];
    expect((await request('POST', path, address, packets.join('\x1e'))).status).toBe(200);
    let answers = '';
    for (let i = 0; i < 10 && !answers.includes('43/chat,8'); i++) answers += (await request('GET', path, address)).body;
    const codes = [...answers.matchAll(/43\/chat,(\d)\[\{"ok":false,"error":\{"code":"(\w+)"/g)].map((match) => [match[1], match[2]]);
    expect(codes).toEqual([
      ['1', 'NOT_AUTHOR'],
      ['2', 'INVALID_REQUEST'],
      ['3', 'NOT_AUTHOR'],
      ['4', 'INVALID_REQUEST'],
      ['5', 'INVALID_REQUEST'],
      ['6', 'INVALID_MESSAGE'],
      ['7', 'INVALID_NICK'],
    ]);
    expect(answers).toMatch(/43\/chat,8\[\{"ok":true/);
    expect(answers).not.toMatch(LEAK);
    await request('POST', path, address, '1');
    await expectUnharmed();
  });
});

/** One HTTP request from `localAddress` with its whole body in one write; resolves with status and body. */
function request(method: 'GET' | 'POST', path: string, localAddress: string, body?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: server.port, path, method, localAddress, headers: body === undefined ? {} : { 'Content-Type': 'text/plain;charset=UTF-8' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}
