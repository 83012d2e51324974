/** origins: a page on another site cannot open a chat connection (cross-site WebSocket hijacking). */
import http from 'node:http';
import net from 'node:net';
import WebSocket from 'ws';
import { io as connectClient } from 'socket.io-client';
import { Server } from 'socket.io';
import { closeAll, nextEvent, startChat, type TestChat } from '../helpers/chat-server';

afterEach(closeAll);

function pollingHandshake(chat: TestChat, origin: string | undefined): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(
      `${chat.url}/socket.io/?EIO=4&transport=polling`,
      { headers: origin === undefined ? {} : { origin } },
      (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
  });
}

function websocketHandshake(chat: TestChat, origin: string | undefined): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${chat.port}/socket.io/?EIO=4&transport=websocket`, origin === undefined ? {} : { origin });
    ws.on('open', () => {
      ws.close();
      resolve(101);
    });
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('error', () => undefined);
  });
}

describe('origins (default: the chat’s own origin only)', () => {
  const refused = [
    ['another site', 'https://evil.example'],
    ['a look-alike host', 'https://127.0.0.1.evil.example'],
    ['the right host on another port', 'http://127.0.0.1:1'],
    ['null (sandboxed frame, file://)', 'null'],
    ['garbage', 'not a url'],
    ['an origin with a path', 'http://evil.example/http://127.0.0.1'],
  ] as const;

  it.each(refused)('refuses %s (%s) over long-polling with 403 and no session', async (_name, origin) => {
    const chat = await startChat();
    const { status, body } = await pollingHandshake(chat, origin);
    expect(status).toBe(403);
    expect(body).toBe('{"code":4,"message":"Origin not allowed"}');
  });

  it.each(refused)('refuses %s (%s) over WebSocket with a 4xx before the upgrade', async (_name, origin) => {
    const chat = await startChat();
    expect(await websocketHandshake(chat, origin)).toBe(400);
  });

  it('accepts the chat’s own origin, and a missing Origin (same-origin polling, non-browser clients)', async () => {
    const chat = await startChat();
    expect(await websocketHandshake(chat, chat.url)).toBe(101);
    expect(await websocketHandshake(chat, undefined)).toBe(101);
    expect((await pollingHandshake(chat, chat.url)).status).toBe(200);
  });

  it('accepts an origin listed in `origins`, exactly', async () => {
    const chat = await startChat({ origins: ['https://app.example'] });
    expect(await websocketHandshake(chat, 'https://app.example')).toBe(101);
    expect(await websocketHandshake(chat, 'https://app.example.evil.example')).toBe(400);
    expect(await websocketHandshake(chat, 'http://app.example')).toBe(400);
  });

  it('answers 400 to an Origin header with a CRLF in it (the HTTP parser refuses it)', async () => {
    const chat = await startChat();
    const answer = await new Promise<string>((resolve) => {
      const socket = net.connect(chat.port, '127.0.0.1', () => {
        socket.write(`GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: 127.0.0.1:${chat.port}\r\nOrigin: http://127.0.0.1\r\r\nX: y\r\n\r\n`);
      });
      let data = '';
      socket.on('data', (chunk: Buffer) => (data += chunk.toString()));
      socket.on('close', () => resolve(data));
      socket.on('error', () => resolve(data));
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400/);
  });

  it('tells socket.io-client why (connect_error) when the page is elsewhere', async () => {
    const chat = await startChat();
    const socket = connectClient(`${chat.url}/chat`, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      extraHeaders: { origin: 'https://evil.example' },
    });
    const [error] = await nextEvent<[Error]>(socket, 'connect_error', 5000);
    expect(error.message).toBe('websocket error');
    socket.disconnect();
  });

  it('with the host’s own io, refuses a foreign origin at the namespace with FORBIDDEN', async () => {
    const io = new Server();
    const chat = await startChat({ io });
    io.attach(chat.server);
    const socket = connectClient(`${chat.url}/chat`, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      extraHeaders: { origin: 'https://evil.example' },
    });
    const [error] = await nextEvent<[Error & { data?: unknown }]>(socket, 'connect_error', 5000);
    expect(error.data).toEqual({ code: 'FORBIDDEN' });
    expect(error.message).toBe('Origin not allowed');
    socket.disconnect();
    await io.close();
  });
});
