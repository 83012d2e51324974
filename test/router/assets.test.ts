/** The page's assets through serve-static: content types, 404, 405, and the host's routes beside them. */
import path from 'node:path';
import express from 'express';
import request from 'supertest';
import { createChatMiddleware, type ChatMiddleware } from 'express-chatterbox';
import { recordingLogger } from '../helpers/chat-server';

const STATIC_ROOT = path.join(__dirname, '..', 'fixtures', 'static-root');

const opened: ChatMiddleware[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((chat) => chat.close()));
});

/** A fresh host app: its own `/` and `/about`, the chat at `/chat` serving the fixture folder. */
function hostApp(): express.Express {
  const chat = createChatMiddleware({ staticRoot: STATIC_ROOT, history: { memory: true }, logger: recordingLogger() });
  opened.push(chat);
  const app = express();
  app.get('/', (_req, res) => {
    res.send('host home');
  });
  app.use('/chat', chat);
  app.get('/about', (_req, res) => {
    res.type('text').send('host about');
  });
  return app;
}

describe('assets', () => {
  describe('an existing file', () => {
    it('serves a stylesheet as text/css', async () => {
      await request(hostApp())
        .get('/chat/style.css')
        .expect(200)
        .expect('Content-Type', 'text/css; charset=utf-8')
        .expect('X-Content-Type-Options', 'nosniff')
        .expect('Content-Length', '22')
        .expect('body { color: teal; }\n');
    });

    it('serves a script as JavaScript', async () => {
      await request(hostApp())
        .get('/chat/app.js')
        .expect(200)
        .expect('Content-Type', 'text/javascript; charset=utf-8')
        .expect('X-Content-Type-Options', 'nosniff')
        .expect('console.log("fixture");\n');
    });

    it('serves a file in a subfolder', async () => {
      await request(hostApp())
        .get('/chat/nested/note.txt')
        .expect(200)
        .expect('Content-Type', 'text/plain; charset=utf-8')
        .expect('nested file\n');
    });

    it('answers HEAD with the headers only', async () => {
      const response = await request(hostApp())
        .head('/chat/style.css')
        .expect(200)
        .expect('Content-Type', 'text/css; charset=utf-8')
        .expect('Content-Length', '22');
      expect(response.text).toBeUndefined();
    });
  });

  describe('a missing file', () => {
    it.each(['/chat/missing.js', '/chat/nested/missing.css', '/chat/a/b/c/d'])(
      'answers %s with a plain 404 and no path',
      async (url) => {
        await request(hostApp())
          .get(url)
          .expect(404)
          .expect('Content-Type', 'text/plain; charset=utf-8')
          .expect('X-Content-Type-Options', 'nosniff')
          .expect('Not Found');
      },
    );

    it('answers a dotfile as missing', async () => {
      await request(hostApp()).get('/chat/.secret').expect(404).expect('Content-Type', 'text/plain; charset=utf-8').expect('Not Found');
    });

    it('answers a folder as missing, with or without the trailing slash (no listing, no redirect)', async () => {
      const app = hostApp();
      await request(app).get('/chat/nested').expect(404).expect('Not Found');
      await request(app).get('/chat/nested/').expect(404).expect('Not Found');
    });

    it('does not fall through to the host routes after the mount path', async () => {
      await request(hostApp()).get('/chat/about').expect(404).expect('Not Found');
    });
  });

  describe('a method other than GET and HEAD', () => {
    it('answers POST to an asset with 405 and Allow', async () => {
      await request(hostApp())
        .post('/chat/style.css')
        .send('x=1')
        .expect(405)
        .expect('Allow', 'GET, HEAD')
        .expect('X-Content-Type-Options', 'nosniff')
        .expect('');
    });

    it('answers DELETE to the page with 405 and Allow', async () => {
      await request(hostApp()).delete('/chat/').expect(405).expect('Allow', 'GET, HEAD').expect('');
    });
  });

  describe('the host app around it', () => {
    it('still answers its own routes before and after the mount path', async () => {
      const app = hostApp();
      await request(app).get('/').expect(200).expect('Content-Type', 'text/html; charset=utf-8').expect('host home');
      await request(app).get('/about').expect(200).expect('Content-Type', 'text/plain; charset=utf-8').expect('host about');
    });

    it('does not add its headers to the host routes', async () => {
      const response = await request(hostApp()).get('/').expect(200).expect('host home');
      expect(response.headers['x-content-type-options']).toBeUndefined();
      expect(response.headers['cache-control']).toBeUndefined();
    });

    it('leaves a path that only starts like the mount path to the host', async () => {
      await request(hostApp()).get('/chatroom').expect(404).expect('Content-Type', 'text/html; charset=utf-8').expect(/Cannot GET \/chatroom/);
    });
  });
});
