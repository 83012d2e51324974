/**
 * The example app, driven as its users meet it: in-process through supertest (its pages and the
 * chat mounted beside them), then as `node example-app/dist/server.js` — chatting, shutting down
 * promptly on SIGTERM/SIGINT with clients connected, and keeping its conversation across restarts
 * with nothing configured.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { createExampleApp, EXAMPLE_ROOMS, type ExampleApp } from '../../example-app/src/app';
import type { ChatMessage } from '../../lib/protocol/payloads';
import { recordingLogger } from '../helpers/chat-server';
import { closePages, openPage, removeTempDirs, say, tempDir, waitUntil } from '../history-e2e/support';

jest.setTimeout(120_000);

const ROOT = path.join(__dirname, '..', '..');
const SERVER_JS = path.join(ROOT, 'example-app', 'dist', 'server.js');

afterAll(removeTempDirs);

describe('the example app in-process', () => {
  let example: ExampleApp;

  beforeAll(() => {
    example = createExampleApp({ history: { sqlite: path.join(tempDir('example-inprocess'), 'chat.sqlite') }, logger: recordingLogger() });
  });
  afterAll(async () => {
    await example.chat.close();
  });

  it('serves its own home page, which links to the chat at /chat/', async () => {
    const response = await request(example.app).get('/').expect(200).expect('Content-Type', 'text/html; charset=utf-8');
    expect(response.text).toContain('<title>Example Site</title>');
    expect(response.text).toContain('<a href="/chat/">Chat</a>');
    expect(response.headers['x-powered-by']).toBeUndefined();
  });

  it('serves its own stylesheet', async () => {
    await request(example.app).get('/static/site.css').expect(200).expect('Content-Type', 'text/css; charset=utf-8');
  });

  it('serves /about as text', async () => {
    await request(example.app)
      .get('/about')
      .expect(200)
      .expect('Content-Type', 'text/plain; charset=utf-8')
      .expect('An example site that hosts express-chatterbox at /chat/.');
  });

  it('serves the chat page at /chat/ with the original element ids', async () => {
    const response = await request(example.app).get('/chat/').expect(200).expect('Content-Type', 'text/html; charset=utf-8');
    for (const id of ['status', 'login', 'login-input', 'nicks', 'chat', 'chat-input', 'chat-data']) {
      expect(response.text).toContain(`id="${id}"`);
    }
    const config = /<script type="application\/json" id="chatterbox-config">(.*?)<\/script>/.exec(response.text)?.[1];
    expect(JSON.parse(config ?? 'null')).toEqual({ namespace: '/chat', path: '/socket.io', rooms: EXAMPLE_ROOMS });
  });

  it('redirects /chat to /chat/', async () => {
    await request(example.app).get('/chat').expect(301).expect('Location', '/chat/');
  });

  it.each(['/nope', '/chat/nope.js', '/static/missing.css', '/about/more'])('answers 404 for %s', async (url) => {
    const response = await request(example.app).get(url).expect(404);
    expect(response.text).not.toMatch(/\bat \S+ \(|\/work\/|node_modules/);
  });
});

/** A running `node example-app/dist/server.js`. */
interface RunningExample {
  child: ChildProcess;
  url: string;
  stdout(): string;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const running = new Set<ChildProcess>();
afterEach(() => {
  closePages();
  for (const child of running) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  running.clear();
});

/** Starts the built example app with PORT=0; resolves once it says where it listens. */
async function startExample(options: { cwd: string; env?: Record<string, string>; script?: string }): Promise<RunningExample> {
  const script = options.script ?? SERVER_JS;
  if (!fs.existsSync(script)) throw new Error(`${script} is missing: run "npm run build" first (npm test does)`);
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', PORT: '0', ...options.env };
  const child = spawn(process.execPath, [script], { cwd: options.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  let url: string | undefined;
  let gone = false;
  void exited.then(() => (gone = true));
  await waitUntil(() => {
    // The address it prints is the one it listens on, so the test connects there.
    url = /listening on (http:\/\/\S+:\d+)\/ /.exec(stdout)?.[1];
    if (gone && url === undefined) throw new Error(`the example app exited before listening:\n${stdout}\n${stderr}`);
    return url !== undefined;
  }, 'the example app to listen');
  return { child, url: url ?? '', stdout: () => stdout, stderr: () => stderr, exited };
}

/** Sends `signal` and resolves with how the process ended and how long it took. */
async function stopExample(example: RunningExample, signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }> {
  const started = Date.now();
  example.child.kill(signal);
  const timeout = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error(`still running 15 s after ${signal}:\n${example.stdout()}\n${example.stderr()}`)), 15_000).unref(),
  );
  const result = await Promise.race([example.exited, timeout]);
  return { ...result, ms: Date.now() - started };
}

describe('the example app as a process (node example-app/dist/server.js)', () => {
  it('serves a working chat, exits 0 promptly on SIGTERM with clients connected, and keeps the conversation after a restart', async () => {
    const dir = tempDir('example-process');
    const env = { CHAT_HISTORY_FILE: path.join(dir, 'data', 'chat.sqlite') };
    const first = await startExample({ cwd: dir, env });
    await request(first.url).get('/').expect(200).expect(/href="\/chat\/"/);
    await request(first.url).get('/chat/').expect(200).expect(/id="chat-data"/);

    const alice = await openPage(first.url, { nick: 'alice', reconnection: false });
    const bob = await openPage(first.url, { nick: 'bob', reconnection: false });
    const conversation: ChatMessage[] = [];
    for (const [page, m] of [
      [alice, 'hello bob'],
      [bob, 'hi alice'],
      [alice, 'see you after the restart'],
    ] as const) {
      const id = await say(page, m);
      conversation.push({ u: page.nick ?? '', m, id, ts: expect.any(Number) });
    }
    await waitUntil(() => bob.received.length === 3 && alice.received.length === 3, 'the conversation to reach both');
    expect(bob.received).toEqual(conversation);

    const stopped = await stopExample(first, 'SIGTERM');
    expect({ code: stopped.code, signal: stopped.signal }).toEqual({ code: 0, signal: null });
    expect(first.stdout()).toContain('SIGTERM received: closing the chat and the server');
    expect(first.stderr()).toBe('');
    await waitUntil(() => !alice.socket.connected && !bob.socket.connected, 'the clients to be disconnected');
    expect(fs.existsSync(env.CHAT_HISTORY_FILE)).toBe(true);
    expect(fs.readdirSync(dir)).toEqual(['data']);

    const second = await startExample({ cwd: dir, env });
    const reader = await openPage(second.url, { reconnection: false });
    expect(reader.histories[0]).toEqual({ messages: conversation, meta: {} });
    const carol = await openPage(second.url, { nick: 'carol', reconnection: false });
    expect(await say(carol, 'I missed it, but I can read it')).toBeGreaterThan(conversation[2]?.id ?? 0);
    expect(await stopExample(second, 'SIGINT')).toMatchObject({ code: 0, signal: null });
  });

  it('keeps its history in example-app/data/chat.sqlite, whatever the working directory, when nothing is configured', async () => {
    // A copy of the built app, so that the repository's own data folder is not touched; it finds
    // express-chatterbox and its other packages through node_modules links, as an installed app would.
    const copy = tempDir('example-default');
    fs.cpSync(path.join(ROOT, 'example-app', 'dist'), path.join(copy, 'example-app', 'dist'), { recursive: true });
    fs.cpSync(path.join(ROOT, 'example-app', 'public'), path.join(copy, 'example-app', 'public'), { recursive: true });
    fs.mkdirSync(path.join(copy, 'node_modules'));
    fs.symlinkSync(ROOT, path.join(copy, 'node_modules', 'express-chatterbox'), 'dir');
    for (const name of fs.readdirSync(path.join(ROOT, 'node_modules'))) {
      if (name.startsWith('.') || name === 'express-chatterbox') continue;
      fs.symlinkSync(path.join(ROOT, 'node_modules', name), path.join(copy, 'node_modules', name), 'dir');
    }
    const elsewhere = tempDir('example-cwd');
    const script = path.join(copy, 'example-app', 'dist', 'server.js');

    const first = await startExample({ cwd: elsewhere, script });
    const alice = await openPage(first.url, { nick: 'alice', reconnection: false });
    const id = await say(alice, 'kept without configuration');
    expect(await stopExample(first, 'SIGTERM')).toMatchObject({ code: 0, signal: null });

    const defaultFile = path.join(copy, 'example-app', 'data', 'chat.sqlite');
    expect(fs.existsSync(defaultFile)).toBe(true);
    expect(fs.readdirSync(elsewhere)).toEqual([]);

    const second = await startExample({ cwd: elsewhere, script });
    const reader = await openPage(second.url, { reconnection: false });
    expect(reader.histories[0]?.messages).toEqual([{ u: 'alice', m: 'kept without configuration', id, ts: expect.any(Number) }]);
    expect(await stopExample(second, 'SIGTERM')).toMatchObject({ code: 0, signal: null });
  });

  it('listens on 127.0.0.1 unless HOST says otherwise, and prints the address it really listens on', async () => {
    const dir = tempDir('example-host');
    const env = { CHAT_HISTORY_FILE: path.join(dir, 'chat.sqlite') };
    const local = await startExample({ cwd: dir, env });
    expect(local.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await request(local.url).get('/').expect(200);
    expect((await stopExample(local, 'SIGTERM')).code).toBe(0);

    const everywhere = await startExample({ cwd: dir, env: { ...env, HOST: '0.0.0.0' } });
    expect(everywhere.url).toMatch(/^http:\/\/0\.0\.0\.0:\d+$/);
    await request(everywhere.url.replace('0.0.0.0', '127.0.0.1')).get('/').expect(200);
    expect((await stopExample(everywhere, 'SIGTERM')).code).toBe(0);
  });

  it('keeps that data folder out of git', () => {
    expect(() => execFileSync('git', ['check-ignore', '-q', 'example-app/data/chat.sqlite'], { cwd: ROOT })).not.toThrow();
    expect(() => execFileSync('git', ['check-ignore', '-q', 'example-app/data/chat.sqlite-wal'], { cwd: ROOT })).not.toThrow();
  });
});
