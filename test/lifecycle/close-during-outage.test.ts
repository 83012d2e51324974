/**
 * close() settles within 5 s whatever the store is doing (refusing, or accepting connections and
 * never answering), and leaves nothing behind: the host's process then exits on its own.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createChatMiddleware } from 'express-chatterbox';
import { recordingLogger } from '../helpers/chat-server';
import { POSTGRES_URL } from '../helpers/services';
import { HangingServer, refusingProxy, via, waitFor } from './outage-servers';

jest.setTimeout(30_000);

const FIXTURE = path.join(__dirname, '..', 'fixtures', 'close-during-outage.cjs');
const DIST = path.join(__dirname, '..', '..', 'dist', 'index.js');
const CLOSE_BOUND_MS = 5_000;

const hanging: HangingServer[] = [];
afterEach(async () => {
  await Promise.all(hanging.splice(0).map((server) => server.stop()));
});

async function hangingDatabase(): Promise<HangingServer> {
  const server = new HangingServer();
  await server.start();
  hanging.push(server);
  return server;
}

async function refusingDatabase(): Promise<number> {
  const target = new URL(POSTGRES_URL);
  return (await refusingProxy(target.hostname, Number(target.port || 5432))).port;
}

describe('close() during a store outage', () => {
  it('settles within 5 s while PostgreSQL refuses', async () => {
    const port = await refusingDatabase();
    const chat = createChatMiddleware({ history: { postgres: via(POSTGRES_URL, port) }, logger: recordingLogger() });
    await waitFor('the first attempt to fail', () => chat.status().store.state === 'degraded', 5_000);
    const started = Date.now();
    await chat.close();
    expect(Date.now() - started).toBeLessThan(CLOSE_BOUND_MS);
  });

  it('settles within 5 s while PostgreSQL accepts connections and never answers, reporting "connecting" until then', async () => {
    const server = await hangingDatabase();
    const chat = createChatMiddleware({ history: { postgres: via(POSTGRES_URL, server.port) }, logger: recordingLogger() });
    await waitFor('a connection to hang', () => server.held > 0, 5_000);
    expect(chat.status().store.state).toBe('connecting');
    const started = Date.now();
    await chat.close();
    expect(Date.now() - started).toBeLessThan(CLOSE_BOUND_MS);
    // The half-open connection was cut, not left to the driver's timeout.
    await waitFor('the connection to be cut', () => server.held === 0, 1_000);
  });
});

describe('a host process closing during a store outage', () => {
  beforeAll(() => {
    if (!fs.existsSync(DIST)) throw new Error('dist/ is missing: run "npm run build" first (npm test does)');
  });

  it.each([
    ['refusing', refusingDatabase],
    ['hanging', async () => (await hangingDatabase()).port],
  ])('settles close() within 5 s and then exits on its own (%s)', async (_kind, database) => {
    const port = await database();
    const child = spawn(process.execPath, [FIXTURE], {
      env: { ...process.env, CHAT_HISTORY_URL: via(POSTGRES_URL, port), CLOSE_AFTER_MS: '1500' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let closedAt = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (closedAt === 0 && stdout.includes('CLOSED')) closedAt = Date.now();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exit = await new Promise<number | string | null>((resolve) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        resolve('still running 15 s later');
      }, 15_000);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        resolve(signal ?? code);
      });
    });
    const exitedAt = Date.now();
    expect({ exit, stderr }).toEqual({ exit: 0, stderr: '' });
    const match = /CLOSED (\d+) (.*)/.exec(stdout);
    expect(match).not.toBeNull();
    expect(Number(match?.[1])).toBeLessThan(CLOSE_BOUND_MS);
    // Nothing of Chatterbox's kept it alive: it ended right after close() settled.
    expect(exitedAt - closedAt).toBeLessThan(1_000);
  });
});
