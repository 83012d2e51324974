/** Starts a real chat on an ephemeral port and connects real socket.io-client sockets to it. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { io as connectClient, type Socket as ClientSocket } from 'socket.io-client';
import { createChatMiddleware, type ChatMiddleware, type ChatOptions, MemoryStore } from 'express-chatterbox';
import type { ClientToServerEvents, ServerToClientEvents } from '../../lib/protocol/events';

/** A client socket typed from the client's side. */
export type TestSocket = ClientSocket<ServerToClientEvents, ClientToServerEvents>;

/** A running host app with the chat mounted at /chat. */
export interface TestChat {
  app: express.Express;
  server: http.Server;
  chat: ChatMiddleware;
  url: string;
  port: number;
  /** Connects a client; `auth` goes in the handshake. Resolves once `session` arrived. */
  connect(options?: { auth?: Record<string, unknown>; namespace?: string; path?: string }): Promise<TestSocket>;
  /** Connects and logs in. */
  login(nick: string): Promise<TestSocket>;
}

const opened: { close(): Promise<void> }[] = [];

/** The abuse limits off, for tests of other behaviour that send bursts or open many sockets. */
export const NO_LIMITS = { messageRate: false, eventRate: false, loginRate: false, maxConnectionsPerAddress: 0 } as const;

/** A quiet logger that records what it was told, for assertions. */
export function recordingLogger(): { info: jest.Mock; warn: jest.Mock; error: jest.Mock } {
  return { info: jest.fn(), warn: jest.fn(), error: jest.fn() };
}

/** Starts a host app on port 0 with the chat mounted at `/chat` (history in memory unless set). */
export async function startChat(options: ChatOptions = {}, mountPath = '/chat'): Promise<TestChat> {
  const app = express();
  app.get('/', (_req, res) => {
    res.send('host home');
  });
  const server = http.createServer(app);
  const chat = createChatMiddleware({
    history: new MemoryStore(),
    logger: recordingLogger(),
    ...options,
    ...(options.io ? {} : { server }),
  });
  app.use(mountPath, chat);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const sockets: TestSocket[] = [];
  opened.push({
    async close() {
      for (const socket of sockets) socket.disconnect();
      await chat.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });

  const connect: TestChat['connect'] = async (connectOptions = {}) => {
    const socket: TestSocket = connectClient(`${url}${connectOptions.namespace ?? '/chat'}`, {
      path: connectOptions.path ?? '/socket.io',
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      auth: connectOptions.auth ?? {},
    });
    sockets.push(socket);
    await nextEvent(socket, 'session');
    return socket;
  };
  const login: TestChat['login'] = async (nick) => {
    const socket = await connect();
    const ack = await socket.emitWithAck('login', nick);
    if (!ack.ok) throw new Error(`login ${nick} failed: ${ack.error.code}`);
    return socket;
  };
  return { app, server, chat, url, port, connect, login };
}

/** Closes every chat, server and socket the tests opened. */
export async function closeAll(): Promise<void> {
  const all = opened.splice(0);
  await Promise.all(all.map((entry) => entry.close()));
}

/** Resolves with the arguments of the next `event` on `socket` (rejects after `timeoutMs`). */
export function nextEvent<Args extends unknown[] = unknown[]>(
  socket: TestSocket | import('node:events').EventEmitter,
  event: string,
  timeoutMs = 2000,
): Promise<Args> {
  // One cast: typed sockets only accept their own event names.
  const target = socket as unknown as {
    once(event: string, listener: (...args: unknown[]) => void): unknown;
    off(event: string, listener: (...args: unknown[]) => void): unknown;
  };
  return new Promise((resolve, reject) => {
    const listener = (...args: unknown[]) => {
      clearTimeout(timer);
      resolve(args as unknown as Args);
    };
    const timer = setTimeout(() => {
      target.off(event, listener);
      reject(new Error(`no "${event}" event within ${timeoutMs} ms`));
    }, timeoutMs);
    target.once(event, listener);
  });
}

/** Records every event a socket receives, in order, for exact assertions (and negative ones). */
export function recordEvents(socket: TestSocket): Array<[string, ...unknown[]]> {
  const events: Array<[string, ...unknown[]]> = [];
  socket.onAny((event: string, ...args: unknown[]) => {
    events.push([event, ...args]);
  });
  return events;
}

/** Waits until the event loop and the sockets have flushed what is in flight. */
export async function settle(ms = 100): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

/** Emits what the types forbid, as a hostile or buggy client would, and resolves with the ack. */
export function emitAnyWithAck(socket: TestSocket, event: string, ...args: unknown[]): Promise<unknown> {
  return (socket.emitWithAck as (event: string, ...args: unknown[]) => Promise<unknown>)(event, ...args);
}
