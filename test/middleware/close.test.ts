/** chat.close(): disconnects the chat, stops its engine, and gives the host its server back untouched. */
import request from 'supertest';
import { createChatMiddleware, type ChatMiddleware } from 'express-chatterbox';
import { recordingLogger } from '../helpers/chat-server';
import { chatRoundTrip, cleanUp, connectError, createHost, expectedRoundTrip, nextEvent, onCleanUp, openClient } from './host-server';

afterEach(cleanUp);

/** A listening host with the chat attached through the `server` option and mounted at /chat. */
async function running(): Promise<{ host: ReturnType<typeof createHost>; chat: ChatMiddleware; url: string; hostRequestListeners: unknown[] }> {
  const host = createHost();
  const hostRequestListeners = host.server.listeners('request');
  const chat = createChatMiddleware({ server: host.server, history: { memory: true }, logger: recordingLogger() });
  onCleanUp(() => chat.close());
  host.app.use('/chat', chat);
  const url = await host.listen();
  return { host, chat, url, hostRequestListeners };
}

describe('chat.close()', () => {
  describe('with clients connected', () => {
    it('disconnects every chat client from the server side', async () => {
      const { chat, url } = await running();
      const alice = openClient(url);
      const bob = openClient(url);
      await Promise.all([nextEvent(alice, 'session'), nextEvent(bob, 'session')]);
      await alice.emitWithAck('login', 'alice');
      const disconnects = Promise.all([nextEvent(alice, 'disconnect'), nextEvent(bob, 'disconnect')]);
      await chat.close();
      expect(await disconnects).toEqual([
        ['io server disconnect', undefined],
        ['io server disconnect', undefined],
      ]);
    });
  });

  describe('afterwards', () => {
    it('refuses new chat connections over websocket and polling', async () => {
      const { chat, url } = await running();
      await chat.close();
      expect((await connectError(openClient(url))).message).toBe('websocket error');
      expect((await connectError(openClient(url, { transports: ['polling'] }))).message).toBe('xhr poll error');
    });

    it("gives the Socket.IO path back to the host's app", async () => {
      const { host, chat } = await running();
      await request(host.server).get('/socket.io/?EIO=4&transport=polling').expect(200);
      await chat.close();
      await request(host.server).get('/socket.io/?EIO=4&transport=polling').expect(404).expect(/Cannot GET \/socket.io\//);
    });

    it("restores the host's own request listeners and leaves no engine listener behind", async () => {
      const { host, chat, hostRequestListeners } = await running();
      expect(host.server.listeners('request')).not.toEqual(hostRequestListeners);
      await chat.close();
      expect(host.server.listeners('request')).toEqual(hostRequestListeners);
      expect(host.server.listeners('upgrade')).toEqual([]);
    });

    it("keeps the host's server listening and serving its routes and the page's settings", async () => {
      const { host, chat } = await running();
      await chat.close();
      expect(host.server.listening).toBe(true);
      await request(host.server).get('/').expect(200).expect('host home');
      await request(host.server).get('/chat/config.json').expect(200).expect('{"namespace":"/chat","path":"/socket.io"}');
    });

    it('lets a new chat attach to the same server', async () => {
      const { host, chat, url } = await running();
      await chat.close();
      const next = createChatMiddleware({ server: host.server, history: { memory: true }, logger: recordingLogger() });
      onCleanUp(() => next.close());
      expect(await chatRoundTrip(url)).toEqual(expectedRoundTrip());
    });
  });

  describe("listeners the host added after the chat attached", () => {
    // A host WebSocketServer created after the chat is covered in host-websocket.test.ts.
    it("are left in place: the host's own close listener still runs", async () => {
      const { host, chat } = await running();
      const onClose = jest.fn();
      host.server.on('close', onClose);
      await chat.close();
      await new Promise<void>((resolve) => host.server.close(() => resolve()));
      expect(onClose).toHaveBeenCalledTimes(1);
    });
  });

  describe('called twice', () => {
    it('resolves both times, with the same promise', async () => {
      const { chat } = await running();
      const first = chat.close();
      const second = chat.close();
      expect(second).toBe(first);
      await expect(Promise.all([first, second])).resolves.toEqual([undefined, undefined]);
      await expect(chat.close()).resolves.toBeUndefined();
    });
  });

  describe('on a chat never attached', () => {
    it('resolves', async () => {
      const chat = createChatMiddleware({ history: { memory: true }, logger: recordingLogger() });
      await expect(chat.close()).resolves.toBeUndefined();
    });
  });
});
