/**
 * What the end-to-end history suites share: a "page" (a socket.io-client socket that keeps every
 * message it receives and reconnects with `auth: { nick, lastId }` as the real page does), ways
 * to cut its transport, chatters, temp folders and child servers restarted on a fixed port.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { io as connectClient } from 'socket.io-client';
import type { ChatMessage, ChatLine, HistoryMeta, SessionInfo, ChatAck } from '../../lib/protocol/payloads';
import type { TestSocket } from '../helpers/chat-server';
import { startChildServer, type ChildServer } from '../helpers/child-server';

/**
 * The abuse limits switched off: these suites send bursts from one user and open many connections
 * from 127.0.0.1 on purpose (test/limits covers the limits themselves). JSON-serialisable, for
 * child servers too.
 */
export const NO_LIMITS = { messageRate: false, eventRate: false, loginRate: false, maxConnectionsPerAddress: 0 } as const;

/** How long to wait for anything over a socket: the machine is shared and slow. */
export const PATIENCE_MS = 20_000;

/** A client that behaves like the chat page: it remembers every message and reconnects from its last id. */
export interface Page {
  socket: TestSocket;
  /** The nickname sent in every handshake (undefined: a reader). */
  nick: string | undefined;
  /** Every message received, by `history` or `chat`, in arrival order: duplicates would show here. */
  received: ChatMessage[];
  /** Every `history` event, in order (one per connection). */
  histories: Array<{ messages: ChatMessage[]; meta: HistoryMeta }>;
  /** Every `session` event, in order (one per connection). */
  sessions: SessionInfo[];
  /** SYSTEM lines received. */
  systemLines: string[];
  /** The greatest id received, sent as `auth.lastId` by the next handshake. */
  lastId: number | undefined;
}

export interface PageOptions {
  nick?: string;
  /** The id to start from (as a page restored from storage would). */
  lastId?: number;
  /** Continue the record of an earlier page (the same reader on another server). */
  continueFrom?: Page;
  /** Let socket.io-client reconnect by itself; false: the test calls `socket.connect()`. Default true. */
  reconnection?: boolean;
  /** Fixed delay between reconnection attempts. Default 300 ms. */
  reconnectionDelayMs?: number;
}

const openPages: Page[] = [];

/** Opens a page on `url` (the server's origin) and resolves once its first `session` arrived. */
export async function openPage(url: string, options: PageOptions = {}): Promise<Page> {
  const earlier = options.continueFrom;
  const page: Page = {
    socket: undefined as unknown as TestSocket,
    nick: options.nick ?? earlier?.nick,
    received: earlier?.received ?? [],
    histories: earlier?.histories ?? [],
    sessions: earlier?.sessions ?? [],
    systemLines: earlier?.systemLines ?? [],
    lastId: options.lastId ?? earlier?.lastId,
  };
  const delay = options.reconnectionDelayMs ?? 300;
  const socket: TestSocket = connectClient(`${url}/chat`, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: options.reconnection ?? true,
    reconnectionDelay: delay,
    reconnectionDelayMax: delay,
    randomizationFactor: 0,
    // A function, so that every reconnection sends the id the page holds then.
    auth: (send: (data: object) => void) => {
      send({
        ...(page.nick === undefined ? {} : { nick: page.nick }),
        ...(page.lastId === undefined ? {} : { lastId: page.lastId }),
      });
    },
  });
  page.socket = socket;
  const keep = (message: ChatMessage): void => {
    page.received.push(message);
    if (page.lastId === undefined || message.id > page.lastId) page.lastId = message.id;
  };
  socket.on('history', (messages, meta) => {
    page.histories.push({ messages, meta });
    for (const message of messages) keep(message);
  });
  socket.on('chat', (line: ChatLine) => {
    if ('id' in line) keep(line);
    else page.systemLines.push(line.m);
  });
  socket.on('session', (info) => {
    page.sessions.push(info);
  });
  openPages.push(page);
  const sessionsBefore = page.sessions.length;
  await waitUntil(() => page.sessions.length > sessionsBefore, `the first session of ${page.nick ?? 'a reader'} on ${url}`);
  return page;
}

/** Disconnects every page opened so far (run it in `afterEach`). */
export function closePages(): void {
  for (const page of openPages.splice(0)) {
    page.socket.io.reconnection(false);
    page.socket.disconnect();
  }
}

/** How a test takes the network away from a page without telling the server first. */
export type Cut = 'engine.close()' | 'ws.terminate()';

/**
 * Closes the page's transport under it: `engine.close()` closes the WebSocket cleanly from the
 * client's side; `ws.terminate()` destroys the TCP connection as a lost network would. Either
 * way the Socket.IO socket sees a transport close, not a `disconnect()` of its own.
 */
export function cutTransport(page: Page, how: Cut = 'engine.close()'): void {
  const engine = page.socket.io.engine;
  if (how === 'engine.close()') {
    engine.close();
    return;
  }
  // Internal to engine.io-client: the `ws` WebSocket under its websocket transport.
  const ws = (engine.transport as unknown as { ws?: { terminate?: () => void } }).ws;
  if (typeof ws?.terminate !== 'function') throw new Error('the websocket transport has no ws to terminate');
  ws.terminate();
}

/** Waits for the page's next `session`, i.e. until it has reconnected and logged in again. */
export async function reconnected(page: Page, sessionsBefore: number): Promise<SessionInfo> {
  await waitUntil(() => page.sessions.length > sessionsBefore, `${page.nick ?? 'a reader'} to reconnect`);
  return page.sessions[sessionsBefore] as SessionInfo;
}

/** Polls `condition` until it holds; rejects naming `what` after `timeoutMs`. */
export async function waitUntil(condition: () => boolean, what: string, timeoutMs = PATIENCE_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Ids of messages, in the order given. */
export function ids(messages: readonly ChatMessage[]): number[] {
  return messages.map((message) => message.id);
}

/** Sends a message and returns its ack, failing the test on a refusal or a lost ack. */
export async function say(page: Page, m: string, cid?: string): Promise<number> {
  const ack: ChatAck = await page.socket.timeout(PATIENCE_MS).emitWithAck('chat', cid === undefined ? m : { m, cid });
  if (!ack.ok) throw new Error(`"${m}" was refused: ${ack.error.code}`);
  return ack.id;
}

/** A message as the server delivers it, with a `ts` of any number. */
export function delivered(u: string, m: string, id: number): ChatMessage {
  return { u, m, id, ts: expect.any(Number) };
}

/** Several pages sending messages one after another, each waiting for its ack, until stopped. */
export interface Chatter {
  /** Every message acked so far, with its author and text. */
  acked: ChatMessage[];
  /** Stops after the messages in flight are acked; resolves then. */
  stop(): Promise<void>;
}

/** Starts every page of `pages` chatting at once, a message every `intervalMs`. */
export function startChatter(pages: readonly Page[], intervalMs = 15, prefix = 'msg'): Chatter {
  const acked: ChatMessage[] = [];
  let stopped = false;
  const loops = pages.map(async (page, index) => {
    for (let n = 1; !stopped; n++) {
      const m = `${prefix} ${page.nick ?? index} ${n}`;
      const id = await say(page, m);
      acked.push(delivered(page.nick ?? '', m, id));
      await sleep(intervalMs);
    }
  });
  return {
    acked,
    async stop() {
      stopped = true;
      await Promise.all(loops);
    },
  };
}

/** Sends `count` messages, alternating between `pages`, each after the previous one's ack. */
export async function takeTurns(pages: readonly Page[], count: number, prefix: string): Promise<ChatMessage[]> {
  const acked: ChatMessage[] = [];
  for (let n = 0; n < count; n++) {
    const page = pages[n % pages.length] as Page;
    const m = `${prefix} ${n}`;
    acked.push(delivered(page.nick ?? '', m, await say(page, m)));
  }
  return acked;
}

/** Ids of `messages`, sorted ascending. */
export function sortedIds(messages: readonly ChatMessage[]): number[] {
  return ids(messages).sort((a, b) => a - b);
}

/** Waits until every page has received message `id`. */
export async function allReceived(pages: readonly Page[], id: number): Promise<void> {
  await waitUntil(
    () => pages.every((page) => page.received.some((message) => message.id === id)),
    `every page to receive message ${id}`,
  );
}

const tempDirs: string[] = [];

/** A fresh temp folder, removed by {@link removeTempDirs}. */
export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `chatterbox-${prefix}-`));
  tempDirs.push(dir);
  return dir;
}

/** Removes every temp folder made by {@link tempDir}. */
export function removeTempDirs(): void {
  for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

/**
 * Starts the child chat server on `port` (the one a killed server had, so that its clients'
 * reconnection finds the new one). Retries a few times: the port is free again at once after the
 * kill, but the kernel may briefly still count it as bound.
 */
export async function restartOnPort(options: Record<string, unknown>, port: number, env: Record<string, string> = {}): Promise<ChildServer> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 10; attempt++) {
    try {
      return await startChildServer(options, { ...env, PORT: String(port) });
    } catch (error) {
      lastError = error;
      await sleep(300);
    }
  }
  throw lastError;
}
