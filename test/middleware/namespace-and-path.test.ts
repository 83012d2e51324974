/** The `namespace` and `path` options: clients chat where the options say, and only there. */
import request from 'supertest';
import { createChatMiddleware } from 'express-chatterbox';
import { recordingLogger } from '../helpers/chat-server';
import { chatRoundTrip, cleanUp, connectError, createHost, expectedRoundTrip, onCleanUp, openClient } from './host-server';

afterEach(cleanUp);

describe('namespace and path options', () => {
  async function startWith(options: { namespace?: string; path?: string }) {
    const host = createHost();
    const chat = createChatMiddleware({ server: host.server, history: { memory: true }, logger: recordingLogger(), ...options });
    onCleanUp(() => chat.close());
    host.app.use('/chat', chat);
    const url = await host.listen();
    return { host, chat, url };
  }

  describe('a custom namespace', () => {
    it('is where clients chat', async () => {
      const { url, chat } = await startWith({ namespace: '/support' });
      expect(chat.namespace?.name).toBe('/support');
      expect(await chatRoundTrip(url, { namespace: '/support' })).toEqual(expectedRoundTrip());
    });

    it('leaves the default namespace unserved', async () => {
      const { url } = await startWith({ namespace: '/support' });
      const error = await connectError(openClient(url, { namespace: '/chat' }));
      expect(error.message).toBe('Invalid namespace');
    });

    it('can be the main namespace "/"', async () => {
      const { url } = await startWith({ namespace: '/' });
      expect(await chatRoundTrip(url, { namespace: '/' })).toEqual(expectedRoundTrip());
    });
  });

  describe('a custom path', () => {
    it('is where the engine listens, for websocket and for polling', async () => {
      const { url } = await startWith({ path: '/rt' });
      expect(await chatRoundTrip(url, { path: '/rt' })).toEqual(expectedRoundTrip('alice', 'hello', 1));
      expect(await chatRoundTrip(url, { path: '/rt', transports: ['polling'] }, 'bob', 'over polling')).toEqual(
        expectedRoundTrip('bob', 'over polling', 2),
      );
    });

    it('takes a trailing slash as the same path', async () => {
      const { url } = await startWith({ path: '/rt/' });
      expect(await chatRoundTrip(url, { path: '/rt' })).toEqual(expectedRoundTrip());
    });

    it('leaves the default path to the host app', async () => {
      const { host, url } = await startWith({ path: '/rt' });
      await request(host.server).get('/socket.io/?EIO=4&transport=polling').expect(404).expect(/Cannot GET \/socket.io\//);
      const error = await connectError(openClient(url, { path: '/socket.io', transports: ['polling'] }));
      expect(error.message).toBe('xhr poll error');
    });

    it('answers an engine.io handshake at the custom path', async () => {
      const { host } = await startWith({ path: '/rt' });
      const response = await request(host.server).get('/rt/?EIO=4&transport=polling').expect(200);
      expect(response.text).toMatch(/^0\{"sid":"[^"]+","upgrades":\["websocket"\],"pingInterval":\d+,"pingTimeout":\d+,"maxPayload":\d+\}$/);
    });
  });

  describe('both', () => {
    it('are what config.json tells the page', async () => {
      const { host, url } = await startWith({ namespace: '/team', path: '/team-io' });
      await request(host.server).get('/chat/config.json').expect(200).expect('{"namespace":"/team","path":"/team-io"}');
      expect(await chatRoundTrip(url, { namespace: '/team', path: '/team-io' })).toEqual(expectedRoundTrip());
    });
  });
});
