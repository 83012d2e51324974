/** The `io` option: the chat joins the host's own Socket.IO server and leaves it running when it closes. */
import request from 'supertest';
import { Namespace, Server as SocketIOServer } from 'socket.io';
import type { Socket as ClientSocket } from 'socket.io-client';
import { createChatMiddleware } from 'express-chatterbox';
import { recordingLogger } from '../helpers/chat-server';
import { chatRoundTrip, cleanUp, connectError, createHost, expectedRoundTrip, nextEvent, onCleanUp, openClient } from './host-server';

afterEach(cleanUp);

/** A host with its own Socket.IO server at /host-io and its own `/host` namespace answering `ping`. */
async function hostWithIo() {
  const host = createHost();
  const io = new SocketIOServer(host.server, { path: '/host-io' });
  onCleanUp(() => new Promise<void>((resolve) => void io.close(() => resolve())));
  io.of('/host').on('connection', (socket) => {
    socket.on('ping', (ack: (answer: string) => void) => ack('pong'));
  });
  const chat = createChatMiddleware({ io, history: { memory: true }, logger: recordingLogger() });
  onCleanUp(() => chat.close());
  host.app.use('/chat', chat);
  const url = await host.listen();
  return { host, io, chat, url };
}

async function hostPing(url: string): Promise<unknown> {
  const chatTyped = openClient(url, { namespace: '/host', path: '/host-io' });
  await nextEvent(chatTyped, 'connect');
  // The host's namespace has its own events, not the chat's.
  const socket = chatTyped as unknown as ClientSocket;
  const answer: unknown = await socket.timeout(2000).emitWithAck('ping');
  socket.disconnect();
  return answer;
}

describe('the io option', () => {
  describe('while the chat runs', () => {
    it('registers the chat namespace on the host io, attached at once', async () => {
      const { io, chat } = await hostWithIo();
      expect(chat.namespace).toBeInstanceOf(Namespace);
      expect(chat.namespace).toBe(io.of('/chat'));
    });

    it('adds no second engine: one upgrade listener and one request listener on the server', async () => {
      const { host } = await hostWithIo();
      expect(host.server.listeners('upgrade')).toHaveLength(1);
      expect(host.server.listeners('request')).toHaveLength(1);
    });

    it("chats at the host io's path", async () => {
      const { url } = await hostWithIo();
      expect(await chatRoundTrip(url, { path: '/host-io' })).toEqual(expectedRoundTrip());
    });

    it("tells the page the host io's path", async () => {
      const { host } = await hostWithIo();
      await request(host.server).get('/chat/config.json').expect(200).expect('{"namespace":"/chat","path":"/host-io"}');
    });

    it("keeps the host's own namespace working", async () => {
      const { url } = await hostWithIo();
      expect(await hostPing(url)).toBe('pong');
    });

    it('refuses a second chat on the same namespace with CHATTERBOX_DUPLICATE_NAMESPACE', async () => {
      const { io } = await hostWithIo();
      expect(() => createChatMiddleware({ io, history: { memory: true }, logger: recordingLogger() })).toThrow(
        expect.objectContaining({
          name: 'TypeError',
          code: 'CHATTERBOX_DUPLICATE_NAMESPACE',
          message: expect.stringContaining('the namespace "/chat" is already taken') as string,
        }) as Error,
      );
    });

    it('cannot be attached to a server as well', async () => {
      const { host, chat } = await hostWithIo();
      expect(() => chat.attach(host.server)).toThrow(new Error('express-chatterbox: the chat is already attached'));
      expect(host.server.listeners('upgrade')).toHaveLength(1);
    });
  });

  describe('after chat.close()', () => {
    it("leaves the host's io, its namespace and its server running", async () => {
      const { host, chat, url } = await hostWithIo();
      const listeners = { request: host.server.listeners('request'), upgrade: host.server.listeners('upgrade') };
      await chat.close();
      expect(host.server.listening).toBe(true);
      expect({ request: host.server.listeners('request'), upgrade: host.server.listeners('upgrade') }).toEqual(listeners);
      expect(await hostPing(url)).toBe('pong');
      await request(host.server).get('/').expect(200).expect('host home');
    });

    it("disconnects the chat's clients and refuses new ones", async () => {
      const { chat, url } = await hostWithIo();
      const alice = openClient(url, { path: '/host-io' });
      await nextEvent(alice, 'session');
      const disconnected = nextEvent(alice, 'disconnect');
      await chat.close();
      expect(await disconnected).toEqual(['io server disconnect', undefined]);
      const error = await connectError(openClient(url, { path: '/host-io' }));
      expect(error.message).toBe('Invalid namespace');
    });

    it('lets a new chat register the same namespace on the host io', async () => {
      const { io, chat, url } = await hostWithIo();
      await chat.close();
      const again = createChatMiddleware({ io, history: { memory: true }, logger: recordingLogger() });
      onCleanUp(() => again.close());
      expect(await chatRoundTrip(url, { path: '/host-io' })).toEqual(expectedRoundTrip());
    });
  });
});
