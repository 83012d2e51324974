/** A host app and server on port 0, and the client round trips the middleware suites assert with. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { io as connectClient } from 'socket.io-client';
import WebSocket from 'ws';
import { nextEvent, type TestSocket } from '../helpers/chat-server';

/** A host's Express app with its own `/` route, on a plain http.Server (not listening yet). */
export interface Host {
  app: express.Express;
  server: http.Server;
  /** Starts listening on port 0; resolves with the base URL. */
  listen(): Promise<string>;
  url(): string;
  port(): number;
}

const cleanups: (() => Promise<void> | void)[] = [];

/** Runs every cleanup registered since the last call, newest first. */
export async function cleanUp(): Promise<void> {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
}

/** Registers something to undo after the test. */
export function onCleanUp(cleanup: () => Promise<void> | void): void {
  cleanups.push(cleanup);
}

/** A fresh host app and server; the server is closed after the test. */
export function createHost(): Host {
  const app = express();
  app.get('/', (_req, res) => {
    res.send('host home');
  });
  const server = http.createServer(app);
  onCleanUp(async () => {
    server.closeAllConnections();
    if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const port = () => (server.address() as AddressInfo).port;
  const url = () => `http://127.0.0.1:${port()}`;
  return {
    app,
    server,
    url,
    port,
    async listen() {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return url();
    },
  };
}

/** Opens a socket.io-client socket (websocket only, no reconnection); disconnected after the test. */
export function openClient(
  url: string,
  { namespace = '/chat', path = '/socket.io', transports = ['websocket'] }: { namespace?: string; path?: string; transports?: string[] } = {},
): TestSocket {
  const socket: TestSocket = connectClient(`${url}${namespace}`, { path, transports, forceNew: true, reconnection: false });
  onCleanUp(() => {
    socket.disconnect();
  });
  return socket;
}

/** The shared helper, re-exported so these suites import their tools from one place. */
export { nextEvent };

/** Connects, logs in as `nick`, sends `text` and resolves with the ack and the broadcast line. */
export async function chatRoundTrip(
  url: string,
  options: { namespace?: string; path?: string; transports?: string[] } = {},
  nick = 'alice',
  text = 'hello',
): Promise<{ session: unknown; login: unknown; ack: unknown; line: unknown }> {
  const socket = openClient(url, options);
  const [session] = await nextEvent(socket, 'session');
  const login = await socket.emitWithAck('login', nick);
  const [[line], ack] = await Promise.all([nextEvent(socket, 'chat'), socket.emitWithAck('chat', text)]);
  socket.disconnect();
  return { session, login, ack, line };
}

/** What a successful round trip of the first message in an empty chat looks like. */
export function expectedRoundTrip(nick = 'alice', text = 'hello', id = 1): Record<string, unknown> {
  return {
    session: { nick: null },
    login: { ok: true, nick, users: [nick] },
    ack: { ok: true, id },
    line: { u: nick, m: text, id, ts: expect.any(Number) },
  };
}

/** Resolves with the `connect_error` a socket gets (rejects if it connects instead). */
export function connectError(socket: TestSocket, timeoutMs = 3000): Promise<Error> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`neither connect nor connect_error within ${timeoutMs} ms`)), timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      reject(new Error('connected, but a connect_error was expected'));
    });
    socket.once('connect_error', (error: Error) => {
      clearTimeout(timer);
      resolve(error);
    });
  });
}

/** Opens a `ws` client at `url`, sends `text` and resolves with the echo. */
export function wsEcho(url: string, text: string, timeoutMs = 3000): Promise<string> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`no echo from ${url} within ${timeoutMs} ms`));
    }, timeoutMs);
    ws.on('open', () => ws.send(text));
    ws.on('message', (data) => {
      clearTimeout(timer);
      ws.close();
      resolve((data as Buffer).toString());
    });
    ws.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}
