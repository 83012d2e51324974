/** The example host app: its own pages and routes, with the chat mounted beside them at /chat/. */
import http from 'node:http';
import path from 'node:path';
import express from 'express';
import { createChatMiddleware, type ChatMiddleware, type ChatOptions } from 'express-chatterbox';

/** Settings of the example app, read from the environment by server.ts. */
export interface ExampleSettings {
  /** Where the chat keeps its history. */
  history?: ChatOptions['history'];
  logger?: ChatOptions['logger'];
  /** Runs the chat as one node of a cluster (REDIS_URL). */
  cluster?: ChatOptions['cluster'];
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

  const chat = createChatMiddleware({
    server,
    history: settings.history,
    logger: settings.logger,
    cluster: settings.cluster,
    rooms: EXAMPLE_ROOMS,
  });
  app.use('/chat', chat);
  return { app, server, chat };
}
