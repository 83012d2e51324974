/**
 * Starts the example app on HOST:PORT (default 127.0.0.1:3000: this machine only; HOST=0.0.0.0
 * opens it to the network) and shuts it down cleanly on SIGINT/SIGTERM.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createExampleApp } from './app';

const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? '127.0.0.1';
const historyFile = process.env.CHAT_HISTORY_FILE ?? path.join(__dirname, '..', 'data', 'chat.sqlite');
// The chat refuses a history file whose folder is missing (a typo would split the history): the app makes its own.
if (!process.env.DATABASE_URL) fs.mkdirSync(path.dirname(historyFile), { recursive: true });
// Several example processes make one chat when they share PostgreSQL (history) and Redis (cluster).
const { server, chat } = createExampleApp({
  history: process.env.DATABASE_URL ? { postgres: process.env.DATABASE_URL } : { sqlite: historyFile },
  cluster: process.env.REDIS_URL ? { redis: process.env.REDIS_URL, keyPrefix: process.env.REDIS_KEY_PREFIX } : undefined,
  sessionSecret: process.env.SESSION_SECRET,
  admins: (process.env.CHAT_ADMINS ?? '').split(',').filter((name) => name.trim() !== ''),
});

server.listen(port, host, () => {
  console.log(`Example app listening on ${listeningUrl()} (chat at /chat/)`);
});

/** The URL the server really listens on (an IPv6 address in brackets), not a guess such as localhost. */
function listeningUrl(): string {
  const address = server.address();
  if (typeof address !== 'object' || address === null) return `http://${host}:${port}/`;
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${shown}:${address.port}/`;
}

let stopping = false;
function shutDown(signal: string): void {
  if (stopping) return;
  stopping = true;
  console.log(`${signal} received: closing the chat and the server`);
  // Close the chat first so its sockets do not hold the server open.
  chat
    .close()
    .then(
      () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        }),
    )
    .then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('shutdown failed', error);
        process.exit(1);
      },
    );
}
process.on('SIGINT', () => shutDown('SIGINT'));
process.on('SIGTERM', () => shutDown('SIGTERM'));
