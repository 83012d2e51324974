/** Requests that try to leave the served folder get a plain 4xx, whatever NODE_ENV says, and the server carries on. */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import express from 'express';
import request from 'supertest';
import { createChatMiddleware, type ChatMiddleware } from 'express-chatterbox';
import { BUNDLED_PAGE_ROOT } from '../../lib/router';
import { recordingLogger } from '../helpers/chat-server';
import { rawRequest } from '../helpers/raw-http';
import { expectNoLeak, makeCanaryRoot, TRAVERSAL_CASES } from './traversal-cases';

const FIXTURE_ROOT = path.join(__dirname, '..', 'fixtures', 'static-root');

let canary: ReturnType<typeof makeCanaryRoot>;
beforeAll(() => {
  canary = makeCanaryRoot();
});
afterAll(() => {
  canary.remove();
});

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

/** A fresh host app with the chat at /chat serving `root`, listening on port 0. */
async function listen(root: string | undefined): Promise<{ app: express.Express; port: number }> {
  const chat: ChatMiddleware = createChatMiddleware({ staticRoot: root, history: { memory: true }, logger: recordingLogger() });
  const app = express();
  app.get('/', (_req, res) => {
    res.send('host home');
  });
  app.use('/chat', chat);
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(async () => {
    await chat.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { app, port: (server.address() as AddressInfo).port };
}

/** The server still answers the page, its settings and the host's own route. */
async function expectStillServing(port: number): Promise<void> {
  const page = await rawRequest(port, '/chat/');
  expect(page.status).toBe(200);
  expect(page.body).toContain('id="chatterbox-config"');
  const config = await rawRequest(port, '/chat/config.json');
  expect([config.status, config.body]).toEqual([200, '{"namespace":"/chat","path":"/socket.io"}']);
  const home = await rawRequest(port, '/');
  expect([home.status, home.body]).toEqual([200, 'host home']);
}

describe.each([
  ['unset', undefined],
  ['development', 'development'],
  ['production', 'production'],
])('path traversal with NODE_ENV %s', (_label, nodeEnv) => {
  const saved = process.env.NODE_ENV;
  beforeAll(() => {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  });
  afterAll(() => {
    process.env.NODE_ENV = saved;
  });

  describe('a raw request line through a TCP socket', () => {
    it.each(TRAVERSAL_CASES)('answers %s with %d %s and nothing else, then keeps serving', async (target, status, body) => {
      const { port } = await listen(canary.root);
      const response = await rawRequest(port, target);
      expect([response.status, response.headers['content-type'], response.body]).toEqual([status, 'text/plain; charset=utf-8', body]);
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expectNoLeak(response.raw, [canary.base]);
      await expectStillServing(port);
    });

    it.each(TRAVERSAL_CASES)('answers %s from a folder inside the repository with %d %s', async (target, status, body) => {
      const { port } = await listen(FIXTURE_ROOT);
      const response = await rawRequest(port, target);
      expect([response.status, response.body]).toEqual([status, body]);
      expectNoLeak(response.raw, [FIXTURE_ROOT]);
      await expectStillServing(port);
    });

    it('survives a NUL byte on the request line (refused by Node itself)', async () => {
      const { port } = await listen(canary.root);
      const response = await rawRequest(port, '/chat/\u0000../package.json');
      expect(response.status).toBe(400);
      expectNoLeak(response.raw, [canary.base]);
      await expectStillServing(port);
    });
  });

  describe('through supertest', () => {
    // Supertest parses the URL with WHATWG rules, which turn "\\" into "/" and resolve "..": that
    // request reaches the host as /package.json. Whatever the client does, nothing leaks.
    it.each(TRAVERSAL_CASES)('answers %s with a 4xx and no file', async (target) => {
      const { app } = await listen(canary.root);
      const response = await request(app).get(target);
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
      expectNoLeak(JSON.stringify(response.headers) + response.text, [canary.base]);
      await request(app).get('/chat/nested/note.txt').expect(200).expect('nested\n');
    });
  });
});

// The bundled page sits in dist-client/, right next to the repository's own package.json: the real
// target of `/chat/../package.json`. Needs `npm run build:client` (npm test builds it first).
const bundledBuilt = fs.existsSync(path.join(BUNDLED_PAGE_ROOT, 'index.html'));
if (!bundledBuilt && process.env.CI !== 'true') {
  console.warn(`skipping the bundled-page traversal tests: ${BUNDLED_PAGE_ROOT} is not built (run "npm run build:client")`);
}
const describeBundled = bundledBuilt || process.env.CI === 'true' ? describe : describe.skip;

describeBundled('path traversal from the bundled page (dist-client/, needs npm run build:client)', () => {
  it.each(TRAVERSAL_CASES)('answers the raw request line %s with %d %s, then keeps serving', async (target, status, body) => {
    const { port } = await listen(undefined);
    const response = await rawRequest(port, target);
    expect([response.status, response.body]).toEqual([status, body]);
    expectNoLeak(response.raw, [BUNDLED_PAGE_ROOT]);
    await expectStillServing(port);
  });
});
