/** The host's own `ws` endpoint on the same server keeps working beside the chat: engine.io leaves its upgrades alone. */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import WebSocket, { WebSocketServer } from 'ws';
import { createChatMiddleware } from 'express-chatterbox';
import { recordingLogger } from '../helpers/chat-server';
import { chatRoundTrip, cleanUp, createHost, expectedRoundTrip, onCleanUp, wsEcho } from './host-server';

afterEach(cleanUp);

type Host = ReturnType<typeof createHost>;

function echo(wss: WebSocketServer): void {
  wss.on('connection', (ws) => ws.on('message', (data) => ws.send(`echo:${(data as Buffer).toString()}`)));
  onCleanUp(() => new Promise<void>((resolve) => wss.close(() => resolve())));
}

/** `noServer`: the host routes `upgrade` for /host-ws itself and leaves other paths to other listeners. */
function noServerEndpoint(host: Host): void {
  const wss = new WebSocketServer({ noServer: true });
  echo(wss);
  host.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (new URL(req.url ?? '/', 'http://localhost').pathname !== '/host-ws') return;
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });
}

/** `{ server, path }`: ws listens on the server itself. */
function serverPathEndpoint(host: Host): void {
  echo(new WebSocketServer({ server: host.server, path: '/host-ws' }));
}

function attachChat(host: Host) {
  const chat = createChatMiddleware({ server: host.server, history: { memory: true }, logger: recordingLogger() });
  onCleanUp(() => chat.close());
  host.app.use('/chat', chat);
  return chat;
}

const wsUrl = (url: string) => `${url.replace(/^http/, 'ws')}/host-ws`;

// engine.io fires its `upgrade` listener for every path; with destroyUpgrade it would end the
// host's sockets a second later. Each echo waits past that second to catch it.
const PAST_DESTROY_TIMEOUT_MS = 1200;

function slowEcho(url: string, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const timer = setTimeout(() => reject(new Error('no echo')), PAST_DESTROY_TIMEOUT_MS + 3000);
    ws.on('open', () => setTimeout(() => ws.send(text), PAST_DESTROY_TIMEOUT_MS));
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

describe.each([
  ['noServer with its own upgrade handler', noServerEndpoint],
  ['{ server, path }', serverPathEndpoint],
])('a host WebSocketServer (%s) on /host-ws', (_label, addEndpoint) => {
  it.each([
    ['created before the chat attaches', 'before'],
    ['created after the chat attached', 'after'],
  ])('echoes while the chat is attached, %s', async (_when, order) => {
    const host = createHost();
    if (order === 'before') addEndpoint(host);
    attachChat(host);
    if (order === 'after') addEndpoint(host);
    const url = await host.listen();
    expect(await wsEcho(wsUrl(url), 'hi')).toBe('echo:hi');
  });

  it('keeps its connection open past engine.io’s destroy-upgrade timeout', async () => {
    const host = createHost();
    addEndpoint(host);
    attachChat(host);
    const url = await host.listen();
    expect(await slowEcho(wsUrl(url), 'still here')).toBe('echo:still here');
  });

  it.each([
    ['created before the chat attaches', 'before'],
    ['created after the chat attached', 'after'],
  ])('echoes after chat.close(), %s', async (_when, order) => {
    const host = createHost();
    if (order === 'before') addEndpoint(host);
    const chat = attachChat(host);
    if (order === 'after') addEndpoint(host);
    const url = await host.listen();
    await chat.close();
    expect(await wsEcho(wsUrl(url), 'after close')).toBe('echo:after close');
  });
});

describe('the chat beside a host WebSocketServer', () => {
  it('works over websocket beside a noServer endpoint', async () => {
    const host = createHost();
    noServerEndpoint(host);
    attachChat(host);
    const url = await host.listen();
    expect(await chatRoundTrip(url)).toEqual(expectedRoundTrip());
    expect(await wsEcho(wsUrl(url), 'both')).toBe('echo:both');
  });

  // ws with `{ server, path }` answers 400 to every upgrade for another path (ws documents
  // `noServer` for sharing a server); the chat still works over long-polling.
  it('works over polling beside a { server, path } endpoint', async () => {
    const host = createHost();
    serverPathEndpoint(host);
    attachChat(host);
    const url = await host.listen();
    expect(await chatRoundTrip(url, { transports: ['polling'] })).toEqual(expectedRoundTrip());
    expect(await wsEcho(wsUrl(url), 'both')).toBe('echo:both');
  });
});
