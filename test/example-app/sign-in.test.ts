/** The example app: a signed-in user appears in the chat under their own name; guests still choose one. */
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { io as connectClient } from 'socket.io-client';
import { MemoryStore } from 'express-chatterbox';
import { createExampleApp, type ExampleApp } from '../../example-app/src/app';
import { nextEvent, recordingLogger, type TestSocket } from '../helpers/chat-server';

let example: ExampleApp | undefined;
const sockets: TestSocket[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.disconnect();
  await example?.chat.close();
  example?.server.closeAllConnections();
  await new Promise<void>((resolve) => (example ? example.server.close(() => resolve()) : resolve()));
  example = undefined;
});

async function start(): Promise<string> {
  example = createExampleApp({ history: new MemoryStore(), logger: recordingLogger(), sessionSecret: 'test', admins: ['Mod'] });
  await new Promise<void>((resolve) => example?.server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(example.server.address() as AddressInfo).port}`;
}

function connect(url: string, cookie?: string): TestSocket {
  const socket: TestSocket = connectClient(`${url}/chat`, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    extraHeaders: cookie ? { cookie, origin: url } : { origin: url },
  });
  sockets.push(socket);
  return socket;
}

describe('example app sign-in', () => {
  it('signs a user in with a name; the chat knows them without typing it; sign-out disconnects them', async () => {
    const url = await start();
    const response = await request(url).post('/signin').type('form').send({ name: 'Alice' }).expect(303).expect('Location', '/chat/');
    const cookie = (response.headers['set-cookie'] as unknown as string[])[0]?.split(';')[0] ?? '';
    await request(url).get('/whoami').set('Cookie', cookie).expect(200, { name: 'Alice' });
    const socket = connect(url, cookie);
    expect(await nextEvent(socket, 'session', 5000)).toEqual([{ nick: 'Alice', identified: true, admin: false }]);
    const disconnected = nextEvent(socket, 'disconnect', 5000);
    await request(url).post('/signout').set('Cookie', cookie).expect(303).expect('Location', '/');
    expect(await disconnected).toEqual(['io server disconnect']);
  });

  it('lets a guest chat under a chosen nickname', async () => {
    const url = await start();
    const socket = connect(url);
    expect(await nextEvent(socket, 'session', 5000)).toEqual([{ nick: null }]);
    expect(await socket.emitWithAck('login', 'guest')).toMatchObject({ ok: true, nick: 'guest' });
  });

  it('refuses an empty name', async () => {
    const url = await start();
    await request(url).post('/signin').type('form').send({ name: ' ' }).expect(400);
  });
});
