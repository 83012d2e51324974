/** The example host app: its own pages and routes, with the chat mounted beside them at /chat/. */
import crypto from 'node:crypto';
import http from 'node:http';
import path from 'node:path';
import express from 'express';
import session from 'express-session';
import { createChatMiddleware, type ChatMiddleware, type ChatOptions } from 'express-chatterbox';

/** Settings of the example app, read from the environment by server.ts. */
export interface ExampleSettings {
  /** Where the chat keeps its history. */
  history?: ChatOptions['history'];
  logger?: ChatOptions['logger'];
  /** Runs the chat as one node of a cluster (REDIS_URL). */
  cluster?: ChatOptions['cluster'];
  /** Signs the session cookie; a random one per start when omitted (sessions then end with the process). */
  sessionSecret?: string;
  /** Names that are moderators once signed in. */
  admins?: readonly string[];
}

declare module 'express-session' {
  interface SessionData {
    /** The signed-in user's name (the example has no passwords: a name is an account). */
    name?: string;
  }
}

/** The app, its server (not yet listening) and the chat. */
export interface ExampleApp {
  app: express.Express;
  server: http.Server;
  chat: ChatMiddleware;
}

const PUBLIC_DIR = path.join(__dirname, '..', 'public');

/** The example's rooms besides the default one. */
export const EXAMPLE_ROOMS = ['games', 'help'];

/** Builds the host app; `server.listen()` is the caller's. */
export function createExampleApp(settings: ExampleSettings = {}): ExampleApp {
  const app = express();
  const server = http.createServer(app);
  app.disable('x-powered-by');

  // The host's own routes come first and stay its own.
  app.get('/', (_req, res) => {
    res.sendFile(path.join(PUBLIC_DIR, 'index.html'));
  });
  app.get('/about', (_req, res) => {
    res.type('text/plain').send('An example site that hosts express-chatterbox at /chat/.');
  });
  app.use('/static', express.static(PUBLIC_DIR, { index: false }));

  // A real sign-in without a password store: the form takes a name. The same session middleware
  // runs on the chat's handshake (`use`), so `identify` knows who is signed in.
  const sessionMiddleware = session({
    secret: settings.sessionSecret ?? crypto.randomBytes(32).toString('hex'),
    resave: false,
    saveUninitialized: false,
    cookie: { httpOnly: true, sameSite: 'lax' },
  });
  const admins = new Set((settings.admins ?? []).map((name) => name.toLowerCase()));
  app.use(['/signin', '/signout', '/whoami'], sessionMiddleware);
  app.post('/signin', express.urlencoded({ extended: false, limit: '1kb' }), (req, res) => {
    const given = (req.body as { name?: unknown }).name;
    const name = typeof given === 'string' ? given.trim() : '';
    if (name.length === 0 || name.length > 32) {
      res.status(400).type('text/plain').send('Choose a name of 1 to 32 characters.');
      return;
    }
    req.session.regenerate((error) => {
      if (error) {
        res.sendStatus(500);
        return;
      }
      req.session.name = name;
      res.redirect(303, '/chat/');
    });
  });
  app.post('/signout', (req, res) => {
    const name = req.session.name;
    req.session.destroy(() => {
      // The chat is told at once; a session that merely expires is noticed within a minute.
      if (name !== undefined) chat.signOut(name);
      res.redirect(303, '/');
    });
  });
  app.get('/whoami', (req, res) => {
    res.json({ name: req.session.name ?? null });
  });

  const chat = createChatMiddleware({
    server,
    history: settings.history,
    logger: settings.logger,
    cluster: settings.cluster,
    rooms: EXAMPLE_ROOMS,
    use: [sessionMiddleware],
    identify: (req) => {
      const name = (req.session as { name?: string } | undefined)?.name;
      return name === undefined ? null : { nick: name, admin: admins.has(name.toLowerCase()) };
    },
    // Both modes side by side: signed-in users under their name, guests choosing one.
    allowAnonymous: true,
  });
  app.use('/chat', chat);
  return { app, server, chat };
}
