/** The chat page at the mount path: its headers, its injected settings, its redirect and config.json. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import request from 'supertest';
import { createChatMiddleware, type ChatMiddleware, type ChatOptions } from 'express-chatterbox';
import { BUNDLED_PAGE_ROOT } from '../../lib/router';
import { recordingLogger } from '../helpers/chat-server';

const STATIC_ROOT = path.join(__dirname, '..', 'fixtures', 'static-root');

const CONFIG_SCRIPT = '<script type="application/json" id="chatterbox-config">{"namespace":"/chat","path":"/socket.io"}</script>';

// test/fixtures/static-root/index.html with the settings injected right before </head>.
const FIXTURE_PAGE = [
  '<!doctype html>',
  '<html lang="en">',
  '<head>',
  '<title>Fixture chat page</title>',
  CONFIG_SCRIPT,
  '</head>',
  '<body>fixture page</body>',
  '</html>',
  '',
].join('\n');

const opened: ChatMiddleware[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((chat) => chat.close()));
});

/** A fresh host app with the chat mounted at `/chat` and the host's own `/`. */
function hostApp(options: ChatOptions = {}): { app: express.Express; chat: ChatMiddleware } {
  const chat = createChatMiddleware({ staticRoot: STATIC_ROOT, history: { memory: true }, logger: recordingLogger(), ...options });
  opened.push(chat);
  const app = express();
  app.get('/', (_req, res) => {
    res.send('host home');
  });
  app.use('/chat', chat);
  return { app, chat };
}

describe('the page', () => {
  describe('GET /chat/', () => {
    it('serves index.html with the settings injected before </head>', async () => {
      const { app } = hostApp();
      await request(app)
        .get('/chat/')
        .expect(200)
        .expect('Content-Type', 'text/html; charset=utf-8')
        .expect('X-Content-Type-Options', 'nosniff')
        .expect('Cache-Control', 'no-cache')
        .expect(FIXTURE_PAGE);
    });

    it('injects the namespace and path given in the options', async () => {
      const { app } = hostApp({ namespace: '/team-room', path: '/rt' });
      const response = await request(app).get('/chat/').expect(200);
      expect(response.text).toBe(
        FIXTURE_PAGE.replace(CONFIG_SCRIPT, '<script type="application/json" id="chatterbox-config">{"namespace":"/team-room","path":"/rt"}</script>'),
      );
    });

    it('sends no Content-Security-Policy for a staticRoot page (the host writes its own)', async () => {
      const { app } = hostApp();
      const response = await request(app).get('/chat/').expect(200);
      expect(response.headers['content-security-policy']).toBeUndefined();
    });

    it('answers 304 to a matching If-None-Match', async () => {
      const { app } = hostApp();
      const first = await request(app).get('/chat/').expect(200);
      const etag = first.headers.etag;
      expect(etag).toEqual(expect.any(String));
      await request(app).get('/chat/').set('If-None-Match', String(etag)).expect(304).expect('');
    });

    it('answers HEAD with the headers of GET and no body', async () => {
      const { app } = hostApp();
      const get = await request(app).get('/chat/').expect(200);
      const head = await request(app).head('/chat/').expect(200).expect('Content-Type', 'text/html; charset=utf-8');
      expect(head.text).toBeUndefined();
      // RFC 9110 §9.3.2: HEAD should carry the same header fields as GET, Content-Length included.
      expect(head.headers['content-length']).toBe(get.headers['content-length']);
      expect(head.headers.etag).toBe(get.headers.etag);
    });
  });

  describe('GET /chat/index.html', () => {
    it('serves the same page with the settings injected', async () => {
      const { app } = hostApp();
      await request(app)
        .get('/chat/index.html')
        .expect(200)
        .expect('Content-Type', 'text/html; charset=utf-8')
        .expect('X-Content-Type-Options', 'nosniff')
        .expect('Cache-Control', 'no-cache')
        .expect(FIXTURE_PAGE);
    });
  });

  describe('GET /chat without the trailing slash', () => {
    it('redirects 301 to /chat/ so that relative asset URLs resolve under the mount path', async () => {
      const { app } = hostApp();
      await request(app)
        .get('/chat')
        .expect(301)
        .expect('Location', '/chat/')
        .expect('Content-Type', 'text/plain; charset=utf-8')
        .expect('Moved Permanently. Redirecting to /chat/');
    });

    it('keeps the query string', async () => {
      const { app } = hostApp();
      await request(app)
        .get('/chat?room=lobby&x=%20y')
        .expect(301)
        .expect('Location', '/chat/?room=lobby&x=%20y')
        .expect('Moved Permanently. Redirecting to /chat/?room=lobby&x=%20y');
    });
  });

  describe('GET /chat/config.json', () => {
    it('answers the settings as JSON, uncached', async () => {
      const { app } = hostApp();
      await request(app)
        .get('/chat/config.json')
        .expect(200)
        .expect('Content-Type', 'application/json; charset=utf-8')
        .expect('Cache-Control', 'no-cache')
        .expect('X-Content-Type-Options', 'nosniff')
        .expect('{"namespace":"/chat","path":"/socket.io"}');
    });

    it('answers the namespace and path from the options', async () => {
      const { app } = hostApp({ namespace: '/support', path: '/live/' });
      await request(app).get('/chat/config.json').expect(200).expect('{"namespace":"/support","path":"/live"}');
    });
  });

  describe('when index.html cannot be read', () => {
    let root: string;
    beforeEach(() => {
      root = fs.mkdtempSync(path.join(os.tmpdir(), 'chatterbox-empty-root-'));
    });
    afterEach(() => {
      fs.rmSync(root, { recursive: true, force: true });
    });

    it('answers a plain 500 without the path and tells the logger how to fix it', async () => {
      const logger = recordingLogger();
      const { app } = hostApp({ staticRoot: root, logger });
      const response = await request(app)
        .get('/chat/')
        .expect(500)
        .expect('Content-Type', 'text/plain; charset=utf-8')
        .expect('Internal Server Error');
      expect(response.text).not.toContain(root);
      expect(logger.error.mock.calls).toEqual([['the chat page cannot be read (ENOENT); run "npm run build" or check staticRoot']]);
    });

    it('reads it again on the next request once it exists', async () => {
      const { app } = hostApp({ staticRoot: root });
      await request(app).get('/chat/').expect(500);
      fs.writeFileSync(path.join(root, 'index.html'), '<html><head></head><body>late</body></html>');
      await request(app)
        .get('/chat/')
        .expect(200)
        .expect(`<html><head>${CONFIG_SCRIPT}\n</head><body>late</body></html>`);
    });
  });
});

// These use the page `npm run build:client` writes to dist-client/. `npm test` builds it first; a
// bare `npx jest` before any build skips them (and says so), except under CI=true, where they fail.
const BUNDLED_INDEX = path.join(BUNDLED_PAGE_ROOT, 'index.html');
const bundledBuilt = fs.existsSync(BUNDLED_INDEX);
if (!bundledBuilt && process.env.CI !== 'true') {
  console.warn(`skipping the bundled-page tests: ${BUNDLED_INDEX} is missing (run "npm run build:client")`);
}
const describeBundled = bundledBuilt || process.env.CI === 'true' ? describe : describe.skip;

describeBundled('the bundled page (dist-client/, needs npm run build:client)', () => {
  const PAGE_CSP =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; connect-src 'self'; " +
    "frame-ancestors 'self'; base-uri 'none'; form-action 'none'; object-src 'none'";

  function bundledApp(options: ChatOptions = {}): express.Express {
    const chat = createChatMiddleware({ history: { memory: true }, logger: recordingLogger(), ...options });
    opened.push(chat);
    const app = express();
    app.use('/chat', chat);
    return app;
  }

  it('serves the page with its Content-Security-Policy and the settings injected before </head>', async () => {
    const html = fs.readFileSync(BUNDLED_INDEX, 'utf8');
    expect(html.split('</head>')).toHaveLength(2);
    await request(bundledApp({ namespace: '/ops', path: '/ops-io' }))
      .get('/chat/')
      .expect(200)
      .expect('Content-Type', 'text/html; charset=utf-8')
      .expect('X-Content-Type-Options', 'nosniff')
      .expect('Cache-Control', 'no-cache')
      .expect('Content-Security-Policy', PAGE_CSP)
      .expect(
        html.replace(
          '</head>',
          '<script type="application/json" id="chatterbox-config">{"namespace":"/ops","path":"/ops-io"}</script>\n</head>',
        ),
      );
  });

  it('serves its script and stylesheet with their content types', async () => {
    const app = bundledApp();
    await request(app)
      .get('/chat/main.js')
      .expect(200)
      .expect('Content-Type', 'text/javascript; charset=utf-8')
      .expect('X-Content-Type-Options', 'nosniff')
      .expect(fs.readFileSync(path.join(BUNDLED_PAGE_ROOT, 'main.js'), 'utf8'));
    await request(app)
      .get('/chat/style.css')
      .expect(200)
      .expect('Content-Type', 'text/css; charset=utf-8')
      .expect('X-Content-Type-Options', 'nosniff')
      .expect(fs.readFileSync(path.join(BUNDLED_PAGE_ROOT, 'style.css'), 'utf8'));
  });

  it('is not reachable when staticRoot is set', async () => {
    const app = bundledApp({ staticRoot: STATIC_ROOT });
    await request(app).get('/chat/main.js').expect(404).expect('Not Found');
    await request(app).get('/chat/').expect(200).expect(FIXTURE_PAGE);
  });
});
