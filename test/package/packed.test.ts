/**
 * The package as npm publishes it: `npm pack` holds the CommonJS and ESM builds, their type
 * declarations and the page, and nothing of the sources or tests; installed into a fresh project
 * from the tarball, it is used from a CommonJS file and from an ES module to run a chat that a
 * real client logs into.
 *
 * Packing and installing run once, synchronously, while the file loads, so that an install that
 * cannot reach packages skips the install suite with a printed reason (and fails it under CI=true).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { closePages, openPage, say, waitUntil } from '../history-e2e/support';

jest.setTimeout(180_000);

const ROOT = path.join(__dirname, '..', '..');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

interface Packed {
  tarball: string;
  files: string[];
}

interface Setup {
  work: string;
  packed?: Packed;
  packError?: string;
  project?: string;
  /** Why the tarball could not be installed, when it could not. */
  installError?: string;
}

/** Runs npm with `args` in `cwd`; the error text when it fails. */
function npm(args: string[], cwd: string, timeoutMs: number): { ok: true; stdout: string } | { ok: false; error: string } {
  const result = spawnSync(NPM, args, {
    cwd,
    encoding: 'utf8',
    timeout: timeoutMs,
    // The user's npm settings, but never a lifecycle script of ours and never a prompt.
    env: { ...process.env, npm_config_update_notifier: 'false', npm_config_yes: 'true' },
  });
  if (result.status === 0) return { ok: true, stdout: result.stdout };
  const why = result.error?.message ?? (result.signal ? `killed by ${result.signal} after ${timeoutMs} ms` : `exit code ${String(result.status)}`);
  const lastLines = `${result.stderr}`.trim().split('\n').slice(-6).join('\n');
  return { ok: false, error: `npm ${args.join(' ')}: ${why}\n${lastLines}` };
}

function prepare(): Setup {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'chatterbox-packed-'));
  const setup: Setup = { work };
  if (!fs.existsSync(path.join(ROOT, 'dist', 'index.js')) || !fs.existsSync(path.join(ROOT, 'esm', 'index.mjs'))) {
    setup.packError = 'dist/ or esm/ is missing: run "npm run build" first (npm test does)';
    return setup;
  }
  const pack = npm(['pack', '--json', '--pack-destination', work], ROOT, 120_000);
  if (!pack.ok) {
    setup.packError = pack.error;
    return setup;
  }
  const [info] = JSON.parse(pack.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
  if (!info) {
    setup.packError = `npm pack printed no package: ${pack.stdout}`;
    return setup;
  }
  setup.packed = { tarball: path.join(work, info.filename), files: info.files.map((file) => file.path) };

  const project = path.join(work, 'consumer');
  fs.mkdirSync(project);
  fs.writeFileSync(path.join(project, 'package.json'), `${JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }, null, 2)}\n`);
  // Install scripts are skipped: better-sqlite3's would compile SQLite from source (minutes on a
  // small machine, and offline there is no prebuilt binary to fetch). Its addon is taken from
  // this repository's install of the same version below, which is what a prebuilt download is.
  const common = ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--no-package-lock', setup.packed.tarball];
  const offline = npm([...common, '--offline'], project, 150_000);
  const installed = offline.ok ? offline : npm([...common, '--prefer-offline'], project, 150_000);
  if (!installed.ok) {
    setup.installError = `${offline.ok ? '' : `${offline.error}\n`}${installed.error}`;
    return setup;
  }
  const addonError = provideSqliteAddon(project);
  if (addonError !== undefined) setup.installError = addonError;
  else setup.project = project;
  return setup;
}

/** Copies better-sqlite3's compiled addon from this repository when the versions match. */
function provideSqliteAddon(project: string): string | undefined {
  const theirs = path.join(project, 'node_modules', 'better-sqlite3');
  const ours = path.join(ROOT, 'node_modules', 'better-sqlite3');
  const version = (dir: string): string => (JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string }).version;
  if (!fs.existsSync(theirs)) return 'better-sqlite3 was not installed with the package';
  const addon = path.join('build', 'Release', 'better_sqlite3.node');
  if (fs.existsSync(path.join(theirs, addon))) return undefined;
  if (version(theirs) !== version(ours) || !fs.existsSync(path.join(ours, addon))) {
    const rebuilt = npm(['rebuild', 'better-sqlite3'], project, 170_000);
    return rebuilt.ok ? undefined : `better-sqlite3 ${version(theirs)} has no compiled addon: ${rebuilt.error}`;
  }
  fs.mkdirSync(path.join(theirs, 'build', 'Release'), { recursive: true });
  fs.copyFileSync(path.join(ours, addon), path.join(theirs, addon));
  return undefined;
}

const setup = prepare();
afterAll(() => {
  fs.rmSync(setup.work, { recursive: true, force: true });
});

describe('npm pack', () => {
  const files = (): string[] => {
    if (!setup.packed) throw new Error(setup.packError);
    return setup.packed.files;
  };

  it('holds the CommonJS and ESM builds with their declarations, and the page', () => {
    expect(files()).toEqual(
      expect.arrayContaining([
        'package.json',
        'README.md',
        'dist/index.js',
        'dist/index.d.ts',
        'esm/index.mjs',
        'esm/index.d.mts',
        'dist-client/index.html',
        'dist-client/main.js',
        'dist-client/style.css',
      ]),
    );
  });

  it('holds no sources, tests, example app, benchmarks or local data', () => {
    const unwanted = files().filter(
      (file) =>
        /^(lib|test|client|example-app|bench|scripts|node_modules|\.ci)\//.test(file) ||
        (/\.[cm]?ts$/.test(file) && !/\.d\.[cm]?ts$/.test(file)) ||
        /\.(sqlite|sqlite-wal|sqlite-shm|tgz|log)$/.test(file) ||
        /(^|\/)\.env/.test(file),
    );
    expect(unwanted).toEqual([]);
  });

  it('holds a file for every path in the exports map', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { exports: unknown; main: string; types: string };
    const targets = [pkg.main, pkg.types];
    const collect = (value: unknown): void => {
      if (typeof value === 'string') targets.push(value);
      else if (value && typeof value === 'object') Object.values(value).forEach(collect);
    };
    collect(pkg.exports);
    const packed = new Set(files());
    expect(targets.map((target) => target.replace(/^\.\//, '')).filter((target) => !packed.has(target))).toEqual([]);
  });
});

/** `describe` when the tarball installed; otherwise skipped with the reason, or failed under CI=true. */
function describeInstalled(name: string, fn: () => void): void {
  if (setup.project !== undefined || setup.packError !== undefined) {
    describe(name, fn);
    return;
  }
  if (process.env.CI === 'true') {
    describe(name, () => {
      it('installs the tarball', () => {
        throw new Error(`the packed tarball could not be installed under CI=true:\n${setup.installError ?? ''}`);
      });
    });
    return;
  }
  console.warn(`Skipping "${name}": the packed tarball could not be installed (no registry or npm cache?):\n${setup.installError ?? ''}`);
  describe.skip(name, fn);
}

const HOST = {
  cjs: {
    file: 'host.cjs',
    source: `'use strict';
const http = require('node:http');
const express = require('express');
const { createChatMiddleware } = require('express-chatterbox');
const app = express();
const server = http.createServer(app);
app.get('/', (req, res) => res.send('cjs host'));
const chat = createChatMiddleware({ server });
app.use('/chat', chat);
chat.ready.then(() => server.listen(0, '127.0.0.1', () => {
  console.log(JSON.stringify({ port: server.address().port, entry: require.resolve('express-chatterbox') }));
}));
process.on('SIGTERM', () => { chat.close().then(() => server.close(() => process.exit(0))); server.closeIdleConnections(); });
`,
  },
  esm: {
    file: 'host.mjs',
    source: `import http from 'node:http';
import express from 'express';
import { createChatMiddleware } from 'express-chatterbox';
const app = express();
const server = http.createServer(app);
app.get('/', (req, res) => res.send('esm host'));
const chat = createChatMiddleware({ server });
app.use('/chat', chat);
await chat.ready;
server.listen(0, '127.0.0.1', () => {
  console.log(JSON.stringify({ port: server.address().port, entry: import.meta.resolve('express-chatterbox') }));
});
process.on('SIGTERM', () => { chat.close().then(() => server.close(() => process.exit(0))); server.closeIdleConnections(); });
`,
  },
} as const;

describeInstalled('the tarball installed into a fresh project', () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    closePages();
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    child = undefined;
  });

  it.each([
    ['a CommonJS file (require)', 'cjs', 'dist/index.js'],
    ['an ES module (import)', 'esm', 'esm/index.mjs'],
  ] as const)('runs a chat from %s', async (_label, kind, entry) => {
    if (setup.project === undefined) throw new Error(setup.packError);
    const project = setup.project;
    const host = HOST[kind];
    fs.writeFileSync(path.join(project, host.file), host.source);
    // Its own working directory, where the default history file goes.
    const cwd = path.join(project, `${kind}-run`);
    fs.mkdirSync(cwd);
    const running = spawn(process.execPath, [path.join(project, host.file)], {
      cwd,
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = running;
    let stdout = '';
    let stderr = '';
    running.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    running.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => running.once('exit', (code) => resolve(code)));
    await waitUntil(() => {
      if (running.exitCode !== null) throw new Error(`the ${kind} host exited (${running.exitCode}):\n${stderr}`);
      return stdout.includes('\n');
    }, `the ${kind} host to listen`, 30_000);
    const started = JSON.parse(stdout.split('\n')[0] ?? '') as { port: number; entry: string };

    // It is the installed copy that runs, through the exports map's entry for this format.
    const installed = path.join(project, 'node_modules', 'express-chatterbox', entry);
    expect(started.entry.startsWith('file:') ? new URL(started.entry).pathname : started.entry).toBe(installed);

    const url = `http://127.0.0.1:${started.port}`;
    await request(url).get('/').expect(200, `${kind} host`);
    await request(url).get('/chat').expect(301).expect('Location', '/chat/');
    const page = await request(url).get('/chat/').expect(200).expect('Content-Type', 'text/html; charset=utf-8');
    expect(page.text).toContain('id="chat-data"');
    await request(url).get('/chat/main.js').expect(200);

    const alice = await openPage(url, { nick: 'alice', reconnection: false });
    const bob = await openPage(url, { nick: 'bob', reconnection: false });
    expect([alice.sessions, bob.sessions]).toEqual([[{ nick: 'alice' }], [{ nick: 'bob' }]]);
    const id = await say(alice, `hello from ${kind}`);
    await waitUntil(() => bob.received.length === 1, 'bob to receive it');
    expect(bob.received).toEqual([{ u: 'alice', m: `hello from ${kind}`, id, ts: expect.any(Number) }]);
    // The default history is SQLite in the working directory: the native addon works.
    expect(fs.readdirSync(cwd)).toContain('chatterbox.sqlite');

    running.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stderr).toBe('');
  });
});
