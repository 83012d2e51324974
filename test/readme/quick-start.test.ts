/**
 * The README's quick start, run as written: its first ```ts block under "## Quick start" is
 * transpiled with esbuild, pointed at the built package and an ephemeral port, and run in a temp
 * folder (where its default history file lands); then the host's route, the chat page and a real
 * client are checked against it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { closePages, openPage, removeTempDirs, say, tempDir, waitUntil } from '../history-e2e/support';

jest.setTimeout(60_000);

const ROOT = path.join(__dirname, '..', '..');
const DIST_ENTRY = path.join(ROOT, 'dist', 'index.js');
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');

/** The first ```ts block after the "## Quick start" heading (and before the next heading). */
function quickStartBlock(): string {
  const section = /^## Quick start\n([\s\S]*?)(?=^## )/m.exec(README)?.[1];
  if (section === undefined) throw new Error('README.md has no "## Quick start" section');
  const block = /^```ts\n([\s\S]*?)^```/m.exec(section)?.[1];
  if (block === undefined) throw new Error('the "## Quick start" section has no ```ts block');
  return block;
}

/** Replaces `from` by `to` in `code`, failing if the README no longer says `from`. */
function rewrite(code: string, from: string, to: string): string {
  if (!code.includes(from)) throw new Error(`the quick start no longer contains ${from}: update this test with the README`);
  return code.split(from).join(to);
}

let child: ChildProcess | undefined;
afterEach(() => {
  closePages();
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  child = undefined;
});
afterAll(removeTempDirs);

describe("the README's quick start", () => {
  it('is a TypeScript block that imports express-chatterbox and listens on port 3000', () => {
    const code = quickStartBlock();
    expect(code).toContain("from 'express-chatterbox'");
    expect(code).toContain('server.listen(3000);');
    expect(code).toContain("app.use('/chat', createChatMiddleware({ server }));");
  });

  it('runs as written: the host keeps its route, /chat redirects, the page is served and a client chats', async () => {
    if (!fs.existsSync(DIST_ENTRY)) throw new Error('dist/ is missing: run "npm run build" first (npm test does)');
    let code = quickStartBlock();
    code = rewrite(code, "'express-chatterbox'", JSON.stringify(DIST_ENTRY));
    code = rewrite(code, 'server.listen(3000);', "server.listen(0, '127.0.0.1', () => console.log(`PORT ${server.address().port}`));");
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- esbuild's sync API, CommonJS
    const esbuild = require('esbuild') as typeof import('esbuild');
    const { code: js } = esbuild.transformSync(code, { loader: 'ts', format: 'cjs' });

    const dir = tempDir('quick-start');
    fs.writeFileSync(path.join(dir, 'quick-start.cjs'), js);
    // The snippet's own imports (express) come from this repository's node_modules, as from a host's.
    const running = spawn(process.execPath, ['quick-start.cjs'], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', NODE_PATH: path.join(ROOT, 'node_modules') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = running;
    let stdout = '';
    let stderr = '';
    running.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    running.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await waitUntil(() => {
      if (running.exitCode !== null) throw new Error(`the quick start exited (${running.exitCode}):\n${stdout}\n${stderr}`);
      return /PORT \d+/.test(stdout);
    }, 'the quick start to listen');
    const url = `http://127.0.0.1:${/PORT (\d+)/.exec(stdout)?.[1] ?? ''}`;

    await request(url).get('/').expect(200, 'my own site');
    await request(url).get('/chat').expect(301).expect('Location', '/chat/');
    const page = await request(url).get('/chat/').expect(200).expect('Content-Type', 'text/html; charset=utf-8');
    expect(page.text).toContain('id="chat-data"');
    await request(url).get('/chat/main.js').expect(200).expect('Content-Type', /^(application|text)\/javascript/);

    const alice = await openPage(url, { nick: 'alice', reconnection: false });
    expect(alice.sessions).toEqual([{ nick: 'alice' }]);
    expect(alice.histories).toEqual([{ messages: [], meta: {} }]);
    const bob = await openPage(url, { reconnection: false });
    expect(await bob.socket.timeout(10_000).emitWithAck('login', 'bob')).toEqual({ ok: true, nick: 'bob', users: ['alice', 'bob'] });
    const id = await say(alice, 'hello from the README');
    await waitUntil(() => bob.received.length === 1, 'bob to receive the message');
    expect(bob.received).toEqual([{ u: 'alice', m: 'hello from the README', id, ts: expect.any(Number) }]);

    // With no history option the messages go to chatterbox.sqlite in the working directory.
    expect(fs.readdirSync(dir).filter((name) => name.startsWith('chatterbox.sqlite'))).toContain('chatterbox.sqlite');
    expect(stderr).toBe('');
  });
});
