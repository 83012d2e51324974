/**
 * Several chats on one HTTP server: chats on one path share one engine (over WebSocket and
 * polling), chats on different paths each have their own, the same namespace twice is refused
 * with CHATTERBOX_DUPLICATE_NAMESPACE, and closing one chat leaves the others (and the host) alone.
 */
import request from 'supertest';
import express from 'express';
import { Server as SocketIOServer } from 'socket.io';
import { createChatMiddleware, type ChatMiddleware, type ChatOptions } from 'express-chatterbox';
import { io as connectClient } from 'socket.io-client';
import { recordingLogger, type TestSocket } from '../helpers/chat-server';
import { chatRoundTrip, cleanUp, connectError, createHost, expectedRoundTrip, nextEvent, onCleanUp, openClient, type Host } from './host-server';

afterEach(cleanUp);

const BOTH_TRANSPORTS = [['websocket'], ['polling']];

function addChat(host: Host, mount: string, options: ChatOptions = {}): ChatMiddleware {
  const chat = createChatMiddleware({ server: host.server, history: { memory: true }, logger: recordingLogger(), ...options });
  onCleanUp(() => chat.close());
  host.app.use(mount, chat);
  return chat;
}

function duplicateOf(namespace: string): Error {
  return expect.objectContaining({
    name: 'TypeError',
    code: 'CHATTERBOX_DUPLICATE_NAMESPACE',
    message: expect.stringContaining(`the namespace "${namespace}"`) as string,
  }) as Error;
}

describe('several chats on one server', () => {
  describe('on one path, with different namespaces', () => {
    it.each(BOTH_TRANSPORTS)('both work over %s, side by side', async (transport) => {
      const host = createHost();
      addChat(host, '/support', { namespace: '/support' });
      addChat(host, '/community', { namespace: '/community' });
      const url = await host.listen();
      const transports = [transport];
      // Each chat's first message is id 1: they are separate chats.
      expect(await chatRoundTrip(url, { namespace: '/support', transports }, 'alice')).toEqual(expectedRoundTrip('alice'));
      expect(await chatRoundTrip(url, { namespace: '/community', transports }, 'bob')).toEqual(expectedRoundTrip('bob'));
      expect(await chatRoundTrip(url, { namespace: '/support', transports }, 'carol', 'again')).toEqual(expectedRoundTrip('carol', 'again', 2));
    });

    it('share one engine and keep their users apart', async () => {
      const host = createHost();
      const support = addChat(host, '/support', { namespace: '/support' });
      const community = addChat(host, '/community', { namespace: '/community' });
      const url = await host.listen();
      expect(host.server.listeners('upgrade')).toHaveLength(1);
      expect(support.namespace?.server).toBe(community.namespace?.server);
      const alice = openClient(url, { namespace: '/support' });
      await nextEvent(alice, 'session');
      expect(await alice.emitWithAck('login', 'alice')).toEqual({ ok: true, nick: 'alice', users: ['alice'] });
      const bob = openClient(url, { namespace: '/community' });
      await nextEvent(bob, 'session');
      // The same nickname in the other chat: a different chat, so not taken.
      expect(await bob.emitWithAck('login', 'alice')).toEqual({ ok: true, nick: 'alice', users: ['alice'] });
      await request(host.app).get('/support/config.json').expect(200, '{"namespace":"/support","path":"/socket.io"}');
      await request(host.app).get('/community/config.json').expect(200, '{"namespace":"/community","path":"/socket.io"}');
    });

    it('each keep their own origin rules: a page another chat allows is refused FORBIDDEN by this one', async () => {
      const host = createHost();
      addChat(host, '/partner', { namespace: '/partner', origins: ['https://partner.example'] });
      addChat(host, '/support', { namespace: '/support' });
      const url = await host.listen();
      const fromPartner = (namespace: string): TestSocket => {
        const socket: TestSocket = connectClient(`${url}${namespace}`, {
          transports: ['websocket'],
          forceNew: true,
          reconnection: false,
          extraHeaders: { origin: 'https://partner.example' },
        });
        onCleanUp(() => {
          socket.disconnect();
        });
        return socket;
      };
      expect(await nextEvent(fromPartner('/partner'), 'session')).toEqual([{ nick: null }]);
      const [error] = await nextEvent<[Error & { data?: unknown }]>(fromPartner('/support'), 'connect_error', 5000);
      expect({ message: error.message, data: error.data }).toEqual({ message: 'Origin not allowed', data: { code: 'FORBIDDEN' } });
    });

    it('keep the other chat, and the engine, working when one closes; the last one detaches the engine', async () => {
      const host = createHost();
      const hostUpgrade = (): void => undefined;
      host.server.on('upgrade', hostUpgrade);
      const support = addChat(host, '/support', { namespace: '/support' });
      const community = addChat(host, '/community', { namespace: '/community' });
      const url = await host.listen();
      await support.close();
      expect(await chatRoundTrip(url, { namespace: '/community' })).toEqual(expectedRoundTrip());
      expect(await chatRoundTrip(url, { namespace: '/community', transports: ['polling'] }, 'bob')).toEqual(expectedRoundTrip('bob', 'hello', 2));
      expect((await connectError(openClient(url, { namespace: '/support' }))).message).toBe('Invalid namespace');
      await community.close();
      expect(host.server.listeners('upgrade')).toEqual([hostUpgrade]);
      await request(host.app).get('/').expect(200, 'host home');
    });

    it('let a later chat take a closed chat’s namespace', async () => {
      const host = createHost();
      const first = addChat(host, '/support', { namespace: '/support' });
      addChat(host, '/community', { namespace: '/community' });
      const url = await host.listen();
      expect(await chatRoundTrip(url, { namespace: '/support' })).toEqual(expectedRoundTrip());
      await first.close();
      addChat(host, '/support-again', { namespace: '/support' });
      // A new chat (its own memory store): its first message is id 1 again.
      expect(await chatRoundTrip(url, { namespace: '/support' }, 'bob')).toEqual(expectedRoundTrip('bob'));
    });
  });

  describe('on different paths', () => {
    it.each(BOTH_TRANSPORTS)('each have their own engine and both work over %s', async (transport) => {
      const host = createHost();
      const a = addChat(host, '/a', { path: '/a-io' });
      const b = addChat(host, '/b', { path: '/b-io' });
      const url = await host.listen();
      expect(a.namespace?.server).not.toBe(b.namespace?.server);
      const transports = [transport];
      expect(await chatRoundTrip(url, { path: '/a-io', transports })).toEqual(expectedRoundTrip());
      expect(await chatRoundTrip(url, { path: '/b-io', transports }, 'bob')).toEqual(expectedRoundTrip('bob'));
    });

    it('may use the same namespace', async () => {
      const host = createHost();
      addChat(host, '/a', { path: '/a-io' });
      addChat(host, '/b', { path: '/b-io' });
      const url = await host.listen();
      expect(await chatRoundTrip(url, { path: '/b-io' })).toEqual(expectedRoundTrip());
    });
  });

  describe('the same namespace twice on one path', () => {
    it('is refused when the second is created, naming the namespace, and the first keeps working', async () => {
      const host = createHost();
      addChat(host, '/chat');
      expect(() => createChatMiddleware({ server: host.server, history: { memory: true }, logger: recordingLogger() })).toThrow(duplicateOf('/chat'));
      const url = await host.listen();
      expect(await chatRoundTrip(url)).toEqual(expectedRoundTrip());
      expect(host.server.listeners('upgrade')).toHaveLength(1);
    });

    it('is refused when the second is attached', () => {
      const host = createHost();
      addChat(host, '/chat', { namespace: '/support' });
      const second = createChatMiddleware({ namespace: '/support', history: { memory: true }, logger: recordingLogger() });
      onCleanUp(() => second.close());
      expect(() => second.attach(host.server)).toThrow(duplicateOf('/support'));
      expect(second.namespace).toBeUndefined();
    });

    it("is refused on a host's io, and a second namespace there works", async () => {
      const host = createHost();
      const io = new SocketIOServer(host.server);
      onCleanUp(() => {
        io.engine.close();
      });
      const first = createChatMiddleware({ io, namespace: '/support', history: { memory: true }, logger: recordingLogger() });
      onCleanUp(() => first.close());
      expect(() => createChatMiddleware({ io, namespace: '/support', history: { memory: true }, logger: recordingLogger() })).toThrow(duplicateOf('/support'));
      const second = createChatMiddleware({ io, namespace: '/community', history: { memory: true }, logger: recordingLogger() });
      onCleanUp(() => second.close());
      const url = await host.listen();
      expect(await chatRoundTrip(url, { namespace: '/support' })).toEqual(expectedRoundTrip());
      expect(await chatRoundTrip(url, { namespace: '/community' }, 'bob')).toEqual(expectedRoundTrip('bob'));
    });
  });
});

describe('a chat never attached', () => {
  it('warns once, when its page is requested, that it was never attached', async () => {
    const logger = recordingLogger();
    const chat = createChatMiddleware({ history: { memory: true }, logger });
    onCleanUp(() => chat.close());
    const app = express().use('/chat', chat);
    await request(app).get('/chat/config.json').expect(200);
    expect(logger.warn).not.toHaveBeenCalled();
    await request(app).get('/chat/').expect(200);
    await request(app).get('/chat/').expect(200);
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(logger.warn).toHaveBeenCalledWith(expect.stringContaining('the chat was never attached'));
  });
});
