/** The router under any mount path: nested paths, routers inside routers, and a staticRoot folder. */
import path from 'node:path';
import express from 'express';
import request from 'supertest';
import { createChatMiddleware, type ChatMiddleware } from 'express-chatterbox';
import { recordingLogger } from '../helpers/chat-server';

const STATIC_ROOT = path.join(__dirname, '..', 'fixtures', 'static-root');
const CONFIG_SCRIPT = '<script type="application/json" id="chatterbox-config">{"namespace":"/chat","path":"/socket.io"}</script>';

const opened: ChatMiddleware[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((chat) => chat.close()));
});

function chat(): ChatMiddleware {
  const middleware = createChatMiddleware({ staticRoot: STATIC_ROOT, history: { memory: true }, logger: recordingLogger() });
  opened.push(middleware);
  return middleware;
}

describe('mount path', () => {
  describe('mounted at /a/b/chat', () => {
    function nestedApp(): express.Express {
      const app = express();
      app.get('/', (_req, res) => {
        res.send('host home');
      });
      app.use('/a/b/chat', chat());
      return app;
    }

    it('redirects /a/b/chat to /a/b/chat/ with the query string', async () => {
      await request(nestedApp())
        .get('/a/b/chat?x=1')
        .expect(301)
        .expect('Location', '/a/b/chat/?x=1')
        .expect('Moved Permanently. Redirecting to /a/b/chat/?x=1');
    });

    it('serves the page, config.json and the assets under it', async () => {
      const app = nestedApp();
      const page = await request(app).get('/a/b/chat/').expect(200).expect('Content-Type', 'text/html; charset=utf-8');
      expect(page.text).toContain(`${CONFIG_SCRIPT}\n</head>`);
      await request(app).get('/a/b/chat/config.json').expect(200).expect('{"namespace":"/chat","path":"/socket.io"}');
      await request(app).get('/a/b/chat/style.css').expect(200).expect('Content-Type', 'text/css; charset=utf-8').expect('body { color: teal; }\n');
      await request(app).get('/a/b/chat/missing.css').expect(404).expect('Not Found');
    });

    it('leaves the host routes and the unmounted paths alone', async () => {
      const app = nestedApp();
      await request(app).get('/').expect(200).expect('host home');
      await request(app).get('/chat/').expect(404).expect(/Cannot GET \/chat\//);
      await request(app).get('/a/b/style.css').expect(404).expect(/Cannot GET \/a\/b\/style.css/);
    });
  });

  describe('mounted in a router that is itself mounted', () => {
    it('redirects to the full public path', async () => {
      const inner = express.Router();
      inner.use('/chat', chat());
      const app = express();
      app.use('/team/:teamId', inner);
      await request(app).get('/team/42/chat').expect(301).expect('Location', '/team/42/chat/');
      await request(app).get('/team/42/chat/app.js').expect(200).expect('console.log("fixture");\n');
    });
  });

  describe('mounted at the root of a sub-app', () => {
    it('serves the page at the sub-app mount path', async () => {
      const sub = express();
      sub.use(chat());
      const app = express();
      app.use('/support', sub);
      await request(app).get('/support').expect(301).expect('Location', '/support/');
      const page = await request(app).get('/support/').expect(200);
      expect(page.text).toContain(CONFIG_SCRIPT);
    });
  });

  describe('with staticRoot', () => {
    it('serves the folder and its own files, nothing of the bundled page', async () => {
      const app = express();
      app.use('/chat', chat());
      const page = await request(app).get('/chat/').expect(200);
      expect(page.text).toBe(
        `<!doctype html>\n<html lang="en">\n<head>\n<title>Fixture chat page</title>\n${CONFIG_SCRIPT}\n</head>\n<body>fixture page</body>\n</html>\n`,
      );
      await request(app).get('/chat/app.js').expect(200).expect('console.log("fixture");\n');
      await request(app).get('/chat/main.js').expect(404).expect('Not Found');
    });
  });
});
