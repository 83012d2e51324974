/**
 * Lower-level clients for protocol tests: a socket.io-client socket that records from before it
 * connects, and a plain `ws` WebSocket speaking Engine.IO v4 / Socket.IO v5 frames by hand.
 */
import WebSocket from 'ws';
import { io as connectClient } from 'socket.io-client';
import type { TestChat, TestSocket } from './chat-server';

const openedSockets: TestSocket[] = [];
const openedRaw: RawClient[] = [];

/**
 * A client that has not connected yet, with every event recorded from its very first one
 * (`chat.connect()` resolves only after `session`, too late to see `history` arrive).
 */
export function recordedClient(
  chat: Pick<TestChat, 'url'>,
  options: { auth?: unknown; namespace?: string } = {},
): { socket: TestSocket; events: Array<[string, ...unknown[]]> } {
  const socket: TestSocket = connectClient(`${chat.url}${options.namespace ?? '/chat'}`, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    autoConnect: false,
    // Deliberately untyped: some tests hand the server what the types forbid.
    auth: (options.auth ?? {}) as Record<string, unknown>,
  });
  const events: Array<[string, ...unknown[]]> = [];
  socket.onAny((event: string, ...args: unknown[]) => {
    events.push([event, ...args]);
  });
  openedSockets.push(socket);
  return { socket, events };
}

/** One text or binary frame as the server sent it. */
export type RawFrame = string | Buffer;

/** A bare WebSocket talking Engine.IO v4 with no client library in between. */
export interface RawClient {
  ws: WebSocket;
  /** Every frame received since the socket opened (pings excepted). */
  frames: RawFrame[];
  /** Sends a text frame exactly as given. */
  send(text: string): void;
  /** Sends a binary frame. */
  sendBinary(data: Buffer): void;
  /** Resolves with the first received frame (past or future) that `match` accepts. */
  waitFor(match: (frame: RawFrame) => boolean, timeoutMs?: number): Promise<RawFrame>;
  /** Resolves when the server has closed the connection (or at once if it already has). */
  closed(timeoutMs?: number): Promise<void>;
  /** True while the WebSocket is open. */
  readonly isOpen: boolean;
  close(): void;
}

/** The Socket.IO event frames of the chat namespace received so far, decoded. */
export function rawEvents(client: RawClient, namespace = '/chat'): unknown[][] {
  const prefix = `42${namespace},`;
  return client.frames
    .filter((frame): frame is string => typeof frame === 'string' && frame.startsWith(prefix))
    .map((frame) => JSON.parse(frame.slice(prefix.length)) as unknown[]);
}

/**
 * Opens `ws://127.0.0.1:PORT/socket.io/?EIO=4&transport=websocket`, waits for the Engine.IO open
 * packet (`0{…}`), and answers the server's pings. Nothing is sent at the Socket.IO level.
 */
export async function rawEngine(port: number, path = '/socket.io'): Promise<RawClient> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}${path}/?EIO=4&transport=websocket`);
  const frames: RawFrame[] = [];
  const waiters = new Set<() => void>();
  let isClosed = false;
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    const frame: RawFrame = isBinary ? data : data.toString('utf8');
    if (frame === '2') {
      ws.send('3');
      return;
    }
    frames.push(frame);
    for (const wake of waiters) wake();
  });
  ws.on('close', () => {
    isClosed = true;
    for (const wake of waiters) wake();
  });
  // An error (such as a refused frame) ends in `close`; the tests look at that instead.
  ws.on('error', () => undefined);

  const client: RawClient = {
    ws,
    frames,
    send: (text) => ws.send(text),
    sendBinary: (data) => ws.send(data, { binary: true }),
    waitFor(match, timeoutMs = 2000) {
      return new Promise((resolve, reject) => {
        const check = (): boolean => {
          const found = frames.find(match);
          if (found === undefined) return false;
          cleanup();
          resolve(found);
          return true;
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`no matching frame within ${timeoutMs} ms; got ${JSON.stringify(frames.map(String))}`));
        }, timeoutMs);
        const cleanup = (): void => {
          clearTimeout(timer);
          waiters.delete(wake);
        };
        const wake = (): void => {
          check();
        };
        if (!check()) waiters.add(wake);
      });
    },
    closed(timeoutMs = 2000) {
      return new Promise((resolve, reject) => {
        if (isClosed) {
          resolve();
          return;
        }
        const timer = setTimeout(() => reject(new Error(`still open after ${timeoutMs} ms`)), timeoutMs);
        ws.once('close', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
    get isOpen() {
      return ws.readyState === WebSocket.OPEN;
    },
    close: () => ws.terminate(),
  };
  openedRaw.push(client);
  await client.waitFor((frame) => typeof frame === 'string' && frame.startsWith('0{'));
  return client;
}

/**
 * A raw client connected to the chat namespace (`40/chat,` plus the optional auth JSON), once
 * the server's welcome (`history` then `session`) has arrived.
 */
export async function rawChat(port: number, authJson = '', namespace = '/chat'): Promise<RawClient> {
  const client = await rawEngine(port);
  client.send(`40${namespace},${authJson}`);
  await client.waitFor((frame) => typeof frame === 'string' && frame.startsWith(`40${namespace},{"sid":`));
  await client.waitFor((frame) => typeof frame === 'string' && frame.startsWith(`42${namespace},["session",`));
  return client;
}

/** Disconnects every client these helpers opened (run it with `afterEach`, besides `closeAll`). */
export function closeRawClients(): void {
  for (const socket of openedSockets.splice(0)) socket.disconnect();
  for (const client of openedRaw.splice(0)) client.close();
}
