/** The router mounted in an Express 4 app: the page, a missing file and traversal behave as under Express 5. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import express4 from 'express4';
import request from 'supertest';
import { createChatMiddleware, type ChatMiddleware } from 'express-chatterbox';
import { recordingLogger } from '../helpers/chat-server';
import { rawRequest } from '../helpers/raw-http';
import { expectNoLeak, makeCanaryRoot, TRAVERSAL_CASES } from './traversal-cases';

const STATIC_ROOT = path.join(__dirname, '..', 'fixtures', 'static-root');
const CONFIG_SCRIPT = '<script type="application/json" id="chatterbox-config">{"namespace":"/chat","path":"/socket.io"}</script>';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

/** A fresh Express 4 host app with its own `/` and the chat at `/chat`. */
function express4App(root = STATIC_ROOT): ReturnType<typeof express4> {
  const chat: ChatMiddleware = createChatMiddleware({ staticRoot: root, history: { memory: true }, logger: recordingLogger() });
  cleanups.push(() => chat.close());
  const app = express4();
  app.get('/', (_req, res) => {
    res.send('host home');
  });
  app.use('/chat', chat);
  return app;
}

describe('under Express 4', () => {
  describe('the page', () => {
    it('serves /chat/ with the settings injected and its headers', async () => {
      await request(express4App())
        .get('/chat/')
        .expect(200)
        .expect('Content-Type', 'text/html; charset=utf-8')
        .expect('X-Content-Type-Options', 'nosniff')
        .expect('Cache-Control', 'no-cache')
        .expect(`<!doctype html>\n<html lang="en">\n<head>\n<title>Fixture chat page</title>\n${CONFIG_SCRIPT}\n</head>\n<body>fixture page</body>\n</html>\n`);
    });

    it('redirects /chat to /chat/ with the query string', async () => {
      await request(express4App()).get('/chat?a=1').expect(301).expect('Location', '/chat/?a=1');
    });

    it('serves config.json and the assets', async () => {
      const app = express4App();
      await request(app).get('/chat/config.json').expect(200).expect('Content-Type', 'application/json; charset=utf-8').expect('{"namespace":"/chat","path":"/socket.io"}');
      await request(app).get('/chat/style.css').expect(200).expect('Content-Type', 'text/css; charset=utf-8').expect('body { color: teal; }\n');
    });

    it('leaves the host route alone', async () => {
      await request(express4App()).get('/').expect(200).expect('host home');
    });
  });

  describe('a missing file', () => {
    it('answers a plain 404 and no path', async () => {
      await request(express4App())
        .get('/chat/missing.js')
        .expect(404)
        .expect('Content-Type', 'text/plain; charset=utf-8')
        .expect('X-Content-Type-Options', 'nosniff')
        .expect('Not Found');
    });

    it('answers POST to an asset with 405', async () => {
      await request(express4App()).post('/chat/style.css').expect(405).expect('Allow', 'GET, HEAD').expect('');
    });
  });

  describe.each([
    ['unset', undefined],
    ['development', 'development'],
  ])('path traversal with NODE_ENV %s', (_label, nodeEnv) => {
    const saved = process.env.NODE_ENV;
    let canary: ReturnType<typeof makeCanaryRoot>;
    beforeAll(() => {
      if (nodeEnv === undefined) delete process.env.NODE_ENV;
      else process.env.NODE_ENV = nodeEnv;
      canary = makeCanaryRoot();
    });
    afterAll(() => {
      process.env.NODE_ENV = saved;
      canary.remove();
    });

    it.each(TRAVERSAL_CASES)('answers the raw request line %s with %d %s, then keeps serving', async (target, status, body) => {
      const server = http.createServer(express4App(canary.root));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      cleanups.push(async () => {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      });
      const { port } = server.address() as AddressInfo;

      const response = await rawRequest(port, target);
      expect([response.status, response.headers['content-type'], response.body]).toEqual([status, 'text/plain; charset=utf-8', body]);
      expectNoLeak(response.raw, [canary.base]);

      const page = await rawRequest(port, '/chat/nested/note.txt');
      expect([page.status, page.body]).toEqual([200, 'nested\n']);
      const home = await rawRequest(port, '/');
      expect([home.status, home.body]).toEqual([200, 'host home']);
    });
  });
});
