/**
 * Engine.IO sessions held to their handshake: every later request carrying a `sid` must come from
 * the same client address (as `trustProxy` reads it) and origin, over polling and WebSocket.
 */
import http from 'node:http';
import WebSocket from 'ws';
import { closeAll, startChat, type TestChat } from '../helpers/chat-server';

afterEach(closeAll);

function get(chat: TestChat, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(`${chat.url}${path}`, { headers }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

async function openSession(chat: TestChat, headers: Record<string, string> = {}): Promise<string> {
  const open = await get(chat, '/socket.io/?EIO=4&transport=polling', headers);
  expect(open.status).toBe(200);
  return (JSON.parse(open.body.slice(1)) as { sid: string }).sid;
}

function upgrade(chat: TestChat, sid: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${chat.port}/socket.io/?EIO=4&transport=websocket&sid=${sid}`, { headers });
    ws.once('open', () => {
      ws.terminate();
      resolve(101);
    });
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('error', () => undefined);
  });
}

describe('Engine.IO sessions behind a trusted proxy (trustProxy: loopback)', () => {
  it('refuses a request for a session from another forwarded address with 400, and serves the owner', async () => {
    const chat = await startChat({ trustProxy: 'loopback' });
    const sid = await openSession(chat, { 'X-Forwarded-For': '203.0.113.7' });
    const path = `/socket.io/?EIO=4&transport=polling&sid=${sid}`;
    expect((await get(chat, path, { 'X-Forwarded-For': '198.51.100.9' })).status).toBe(400);
    expect(await upgrade(chat, sid, { 'X-Forwarded-For': '198.51.100.9' })).toBe(400);
    expect(await upgrade(chat, sid, { 'X-Forwarded-For': '203.0.113.7' })).toBe(101);
  });
});

describe('Engine.IO sessions and origins', () => {
  it('refuses a request whose Origin differs from the handshake’s, even an allowed one', async () => {
    const chat = await startChat({ origins: ['https://app.example'] });
    const sid = await openSession(chat, { Origin: `http://127.0.0.1:${chat.port}` });
    expect(await upgrade(chat, sid, { Origin: 'https://app.example' })).toBe(400);
    expect(await upgrade(chat, sid, { Origin: `http://127.0.0.1:${chat.port}` })).toBe(101);
  });

  it('accepts the own origin on the upgrade of a session opened without one (same-origin polling), and refuses a foreign one', async () => {
    const chat = await startChat();
    const first = await openSession(chat);
    expect(await upgrade(chat, first, { Origin: 'https://evil.example' })).toBe(400);
    const second = await openSession(chat);
    expect(await upgrade(chat, second, { Origin: `http://127.0.0.1:${chat.port}` })).toBe(101);
  });
});

describe('own origin and scheme', () => {
  it('accepts https:// from a trusted TLS-terminating proxy (X-Forwarded-Proto) and refuses it from the client itself', async () => {
    const trusted = await startChat({ trustProxy: 'loopback' });
    const host = `127.0.0.1:${trusted.port}`;
    expect((await get(trusted, '/socket.io/?EIO=4&transport=polling', { Origin: `https://${host}`, 'X-Forwarded-Proto': 'https' })).status).toBe(200);
    expect((await get(trusted, '/socket.io/?EIO=4&transport=polling', { Origin: `https://${host}` })).status).toBe(403);
    const direct = await startChat();
    expect((await get(direct, '/socket.io/?EIO=4&transport=polling', { Origin: `https://127.0.0.1:${direct.port}`, 'X-Forwarded-Proto': 'https' })).status).toBe(403);
  });
});
