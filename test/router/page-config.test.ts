/** The page's header settings: `title` (option, else the host app's title), topics, and the list of who is here before login. */
import path from 'node:path';
import express from 'express';
import { io as connectClient } from 'socket.io-client';
import request from 'supertest';
import { createChatMiddleware, type ChatMiddleware, type ChatOptions } from 'express-chatterbox';
import { closeAll, nextEvent, recordingLogger, startChat } from '../helpers/chat-server';

const STATIC_ROOT = path.join(__dirname, '..', 'fixtures', 'static-root');
const opened: ChatMiddleware[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((chat) => chat.close()));
  await closeAll();
});

/** config.json of a chat mounted at /chat on a fresh host app, after `setUp(app)`. */
async function configOf(options: ChatOptions, setUp: (app: express.Express) => void = () => undefined): Promise<unknown> {
  const chat = createChatMiddleware({ staticRoot: STATIC_ROOT, history: { memory: true }, logger: recordingLogger(), ...options });
  opened.push(chat);
  const app = express();
  setUp(app);
  app.use('/chat', chat);
  const response = await request(app).get('/chat/config.json').expect(200);
  return JSON.parse(response.text) as unknown;
}

describe('the page config', () => {
  it('leaves title and topics out when nothing sets them (the page says "Chat")', async () => {
    expect(await configOf({})).toEqual({ namespace: '/chat', path: '/socket.io' });
  });

  it("takes the host app's title when the title option is left out", async () => {
    expect(await configOf({}, (app) => app.set('title', ' Acme support '))).toEqual({ namespace: '/chat', path: '/socket.io', title: 'Acme support' });
  });

  it('prefers the title option to the host app title', async () => {
    expect(await configOf({ title: 'Help desk' }, (app) => app.set('title', 'Acme'))).toMatchObject({ title: 'Help desk' });
  });

  it('carries the default room topic and each room topic by name', async () => {
    expect(await configOf({ topic: 'Say hello', rooms: ['games', { name: 'help', topic: 'Ask away' }] })).toEqual({
      namespace: '/chat',
      path: '/socket.io',
      rooms: ['games', 'help'],
      topics: { '': 'Say hello', help: 'Ask away' },
    });
  });

  it.each<[string, ChatOptions, string]>([
    ['an empty title', { title: ' ' }, 'option "title" must be a line of text of at most 100 characters'],
    ['a title with a newline', { title: 'a\nb' }, 'option "title" must be a line of text'],
    ['a room object without a name', { rooms: [{ topic: 'x' } as never] }, 'option "rooms[0].name" must be a room name'],
    ['an unknown room key', { rooms: [{ name: 'a', topik: 'x' } as never] }, 'unknown option "rooms[0].topik" (did you mean "rooms[0].topic"?)'],
  ])('refuses %s at creation', (_name, options, message) => {
    expect(() => createChatMiddleware({ history: { memory: true }, ...options })).toThrow(message);
  });
});

describe('presence before login', () => {
  it('sends a reader who has not chosen a name the list of who is here, then keeps it current', async () => {
    const chat = await startChat();
    await chat.login('alice');
    const reader = connectClient(`${chat.url}/chat`, { transports: ['websocket'], forceNew: true, reconnection: false });
    try {
      const session = nextEvent(reader, 'session');
      const users = nextEvent(reader, 'users');
      expect(await session).toEqual([{ nick: null }]);
      expect(await users).toEqual([['alice']]);
      const entered = nextEvent(reader, 'enter');
      await chat.login('bob');
      expect(await entered).toEqual(['bob']);
    } finally {
      reader.disconnect();
    }
  });
});
