/**
 * The package as npm publishes it. A copy of the working tree without build output (what a fresh
 * clone holds) is packed with `npm pack`, whose `prepack` builds it; the tarball holds the builds,
 * their declarations, the page, LICENSE and CHANGELOG, and nothing of the sources or tests.
 * Installed into scratch host projects, one with Express 5 and one with Express 4 (a peer
 * dependency: the host's own copy is used), it runs a chat from a CommonJS file and from an ES
 * module, and a strict TypeScript host (`skipLibCheck: false`, `exactOptionalPropertyTypes`)
 * compiles against its declarations and runs.
 *
 * Packing and installing run once, synchronously, while the file loads, so that an install that
 * cannot reach packages skips the install suites with a printed reason (and fails them under CI=true).
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
  /** Where the tarball was unpacked, to read what it ships. */
  unpacked: string;
}

/** A scratch host project with the tarball installed. */
type HostProject = 'express5' | 'express4';

interface Setup {
  work: string;
  packed?: Packed;
  packError?: string;
  projects: Partial<Record<HostProject, string>>;
  /** Why the tarball could not be installed, when it could not. */
  installError?: string;
}

/** Runs npm with `args` in `cwd`; the error text when it fails. */
function npm(args: string[], cwd: string, timeoutMs: number): { ok: true; stdout: string } | { ok: false; error: string } {
  const result = spawnSync(NPM, args, {
    cwd,
    encoding: 'utf8',
    timeout: timeoutMs,
    env: { ...process.env, npm_config_update_notifier: 'false', npm_config_yes: 'true' },
  });
  if (result.status === 0) return { ok: true, stdout: result.stdout };
  const why = result.error?.message ?? (result.signal ? `killed by ${result.signal} after ${timeoutMs} ms` : `exit code ${String(result.status)}`);
  const lastLines = `${result.stdout}\n${result.stderr}`.trim().split('\n').slice(-12).join('\n');
  return { ok: false, error: `npm ${args.join(' ')}: ${why}\n${lastLines}` };
}

/**
 * The working tree as a fresh clone has it: the files git tracks or would track (so no dist/,
 * dist-client/, sqlite files or tarballs), with this repository's node_modules linked in.
 */
function freshClone(into: string): string {
  const listed = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' });
  if (listed.status !== 0) throw new Error(`git ls-files failed: ${listed.stderr}`);
  const clone = path.join(into, 'clone');
  for (const file of listed.stdout.split('\0')) {
    if (file === '' || !fs.existsSync(path.join(ROOT, file))) continue;
    fs.mkdirSync(path.dirname(path.join(clone, file)), { recursive: true });
    fs.copyFileSync(path.join(ROOT, file), path.join(clone, file));
  }
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(clone, 'node_modules'), 'dir');
  return clone;
}

function prepare(): Setup {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'chatterbox-packed-'));
  const setup: Setup = { work, projects: {} };
  const clone = freshClone(work);
  // npm pack runs `prepack` (the build) in the clone, exactly as a publish from a fresh clone does.
  const pack = npm(['pack', '--json', '--pack-destination', work], clone, 170_000);
  if (!pack.ok) {
    setup.packError = pack.error;
    return setup;
  }
  // The build's own lines come first; the JSON report is the rest.
  const json = pack.stdout.slice(pack.stdout.search(/^\[/m));
  const [info] = JSON.parse(json) as Array<{ filename: string; files: Array<{ path: string }> }>;
  if (!info) {
    setup.packError = `npm pack printed no package: ${pack.stdout}`;
    return setup;
  }
  const tarball = path.join(work, info.filename);
  const unpacked = path.join(work, 'unpacked');
  fs.mkdirSync(unpacked);
  const untar = spawnSync('tar', ['-xzf', tarball, '-C', unpacked]);
  if (untar.status !== 0) throw new Error(`tar failed: ${String(untar.stderr)}`);
  setup.packed = { tarball, files: info.files.map((file) => file.path), unpacked: path.join(unpacked, 'package') };

  const hosts: Record<HostProject, string[]> = {
    // The TypeScript host's types come with it: express, express-session and node's.
    express5: ['express@^5.3.0', 'express-session@^1.19.0', '@types/express@^5.0.6', '@types/express-session@^1.19.0', '@types/node@^20.19.43'],
    express4: ['express@^4.22.3'],
  };
  const problems: string[] = [];
  for (const [name, extra] of Object.entries(hosts) as Array<[HostProject, string[]]>) {
    const project = path.join(work, name);
    fs.mkdirSync(project);
    fs.writeFileSync(path.join(project, 'package.json'), `${JSON.stringify({ name: `host-${name}`, version: '1.0.0', private: true }, null, 2)}\n`);
    // Install scripts are skipped: better-sqlite3's would compile SQLite from source (minutes on a
    // small machine, and offline there is no prebuilt binary to fetch). Its addon is taken from
    // this repository's install of the same version below, which is what a prebuilt download is.
    const common = ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--no-package-lock', tarball, ...extra];
    const offline = npm([...common, '--offline'], project, 150_000);
    const installed = offline.ok ? offline : npm([...common, '--prefer-offline'], project, 150_000);
    if (!installed.ok) {
      problems.push(`${offline.ok ? '' : `${offline.error}\n`}${installed.error}`);
      continue;
    }
    const addonError = provideSqliteAddon(project);
    if (addonError !== undefined) problems.push(addonError);
    else setup.projects[name] = project;
  }
  if (problems.length > 0) setup.installError = problems.join('\n');
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

/** Every file of the unpacked tarball under `dir` whose name ends with `suffix`. */
function shipped(suffix: string, dir = setup.packed?.unpacked ?? ''): string[] {
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith(suffix)).map((file) => path.join(dir, file));
}

describe('npm pack on a fresh clone', () => {
  const files = (): string[] => {
    if (!setup.packed) throw new Error(setup.packError);
    return setup.packed.files;
  };

  it('builds (prepack) and holds the CommonJS and ESM builds with their declarations, the page, LICENSE and CHANGELOG', () => {
    expect(files()).toEqual(
      expect.arrayContaining([
        'package.json',
        'README.md',
        'LICENSE',
        'CHANGELOG.md',
        'dist/index.js',
        'dist/index.d.ts',
        'esm/index.mjs',
        'esm/index.d.mts',
        'dist-client/index.html',
        'dist-client/main.js',
        'dist-client/style.css',
        'dist-client/widget.js',
      ]),
    );
  });

  it('holds no sources, tests, example app, benchmarks, docs or local data', () => {
    const unwanted = files().filter(
      (file) =>
        /^(lib|test|client|example-app|bench|scripts|docs|node_modules|\.ci)\//.test(file) ||
        (/\.[cm]?ts$/.test(file) && !/\.d\.[cm]?ts$/.test(file)) ||
        /\.(sqlite|sqlite-wal|sqlite-shm|tgz|log|png)$/.test(file) ||
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

  it('ships source maps that carry their sources (lib/ is not in the tarball)', () => {
    files();
    const maps = shipped('.js.map');
    expect(maps.length).toBeGreaterThan(10);
    const incomplete = maps.filter((map) => {
      const { sources, sourcesContent } = JSON.parse(fs.readFileSync(map, 'utf8')) as { sources: string[]; sourcesContent?: unknown[] };
      return sourcesContent?.length !== sources.length;
    });
    expect(incomplete).toEqual([]);
  });

  it('ships declarations that import no optional dependency (pg, ioredis, the Redis adapter)', () => {
    files();
    const leaking = [...shipped('.d.ts'), ...shipped('.d.mts')].filter((file) =>
      /(from|import\()\s*['"](pg|ioredis|@socket\.io\/redis-adapter)['"]/.test(fs.readFileSync(file, 'utf8')),
    );
    expect(leaking).toEqual([]);
  });

  it('names its repository, homepage, bug tracker and licence, and takes express as a peer', () => {
    files();
    const pkg = JSON.parse(fs.readFileSync(path.join(setup.packed?.unpacked ?? '', 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(pkg).toMatchObject({
      license: 'MIT',
      repository: { url: expect.stringContaining('github.com/express-chatterbox/express-chatterbox') },
      homepage: expect.stringContaining('github.com/express-chatterbox/express-chatterbox'),
      bugs: { url: expect.stringContaining('/issues') },
      peerDependencies: expect.objectContaining({ express: '^4.21 || ^5' }),
      peerDependenciesMeta: expect.objectContaining({ pg: { optional: true }, ioredis: { optional: true } }),
    });
    expect(Object.keys(pkg.dependencies as object)).not.toEqual(expect.arrayContaining(['express']));
    expect(Object.keys(pkg.dependencies as object)).not.toEqual(expect.arrayContaining(['pg']));
  });
});

/** `describe` when the tarball installed; otherwise skipped with the reason, or failed under CI=true. */
function describeInstalled(name: string, fn: () => void): void {
  if (Object.keys(setup.projects).length === 2 || setup.packError !== undefined) {
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

/** The project's path, or the reason it is missing. */
function projectOf(name: HostProject): string {
  const project = setup.projects[name];
  if (project === undefined) throw new Error(setup.packError ?? setup.installError);
  return project;
}

/** Prints the port and the resolved entry once listening; closes the chat then the server on SIGTERM. */
const LISTEN_AND_STOP = `
process.on('SIGTERM', () => { chat.close().then(() => server.close(() => process.exit(0))); server.closeIdleConnections(); });
`;

const HOSTS = {
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
  console.log(JSON.stringify({ port: server.address().port, entry: require.resolve('express-chatterbox'), express: require('express/package.json').version }));
}));
${LISTEN_AND_STOP}`,
  },
  esm: {
    file: 'host.mjs',
    source: `import http from 'node:http';
import { createRequire } from 'node:module';
import express from 'express';
import { createChatMiddleware } from 'express-chatterbox';
const app = express();
const server = http.createServer(app);
app.get('/', (req, res) => res.send('esm host'));
const chat = createChatMiddleware({ server });
app.use('/chat', chat);
await chat.ready;
server.listen(0, '127.0.0.1', () => {
  const express = createRequire(import.meta.url)('express/package.json').version;
  console.log(JSON.stringify({ port: server.address().port, entry: import.meta.resolve('express-chatterbox'), express }));
});
${LISTEN_AND_STOP}`,
  },
} as const;

/**
 * A strict TypeScript host: the default import, express-session's typed session flowing into
 * `identify` with no cast, and options that may be `undefined` under exactOptionalPropertyTypes.
 */
const TS_HOST = `import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import session from 'express-session';
import chatterbox, { type ChatOptions, type ClusterOptions } from 'express-chatterbox';

declare module 'express-session' {
  interface SessionData {
    user?: { id: string; name: string; isAdmin: boolean };
  }
}

const historyFromEnv: ChatOptions['history'] = process.env.NO_SUCH_VARIABLE ? { memory: true } : undefined;
const cluster: ClusterOptions | undefined = undefined;
const app = express();
const server = http.createServer(app);
const sessions = session({ secret: 'test only', resave: false, saveUninitialized: false });
app.get('/', (_req, res) => res.send('ts host'));
const chat = chatterbox({
  server,
  history: historyFromEnv,
  cluster,
  historyLimit: undefined,
  use: [sessions],
  identify: (req: Pick<express.Request, 'session'>) => {
    const user = req.session.user;
    return user ? { nick: user.name, id: user.id, admin: user.isAdmin } : null;
  },
  allowAnonymous: true,
});
app.use('/chat', chat);
void chat.ready.then(() =>
  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as AddressInfo;
    console.log(JSON.stringify({ port, entry: require.resolve('express-chatterbox'), express: (require('express/package.json') as { version: string }).version }));
  }),
);
process.on('SIGTERM', () => {
  void chat.close().then(() => server.close(() => process.exit(0)));
  server.closeIdleConnections();
});
`;

/** The same default import, type-checked as an ES module (the .d.mts side of the exports map). */
const TS_ESM_HOST = `import chatterbox, { createChatMiddleware, type ChatMiddleware } from 'express-chatterbox';
const same: typeof createChatMiddleware = chatterbox;
const chat: ChatMiddleware = same({ history: { memory: true } });
await chat.close();
`;

const TS_CONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'nodenext',
    moduleResolution: 'nodenext',
    strict: true,
    exactOptionalPropertyTypes: true,
    noUncheckedIndexedAccess: true,
    esModuleInterop: true,
    skipLibCheck: false,
    types: ['node'],
    outDir: 'ts-out',
  },
  files: ['host.ts', 'host-esm.mts'],
};

describeInstalled('a strict TypeScript host (skipLibCheck: false, exactOptionalPropertyTypes)', () => {
  it('compiles against the installed declarations, CommonJS and ESM, with the default import', () => {
    const project = projectOf('express5');
    fs.writeFileSync(path.join(project, 'host.ts'), TS_HOST);
    fs.writeFileSync(path.join(project, 'host-esm.mts'), TS_ESM_HOST);
    fs.writeFileSync(path.join(project, 'tsconfig.json'), `${JSON.stringify(TS_CONFIG, null, 2)}\n`);
    // This repository's compiler, run on the host project: the host's own node_modules give every type.
    const tsc = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', project], { encoding: 'utf8' });
    expect({ status: tsc.status, output: `${tsc.stdout}${tsc.stderr}` }).toEqual({ status: 0, output: '' });
    expect(fs.existsSync(path.join(project, 'ts-out', 'host.js'))).toBe(true);
  });
});

describeInstalled('optional peers a host did not install', () => {
  it.each([
    ['the PostgreSQL history without pg', "{ history: { postgres: 'postgres://127.0.0.1/chat' } }", 'npm install pg'],
    ['the cluster without ioredis', "{ history: false, cluster: { redis: 'redis://127.0.0.1:6379' } }", 'npm install ioredis'],
  ])('%s: creation throws an error naming the install command', (_label, options, command) => {
    const project = projectOf('express4');
    // Optional peers are not installed with the package, and nothing loads them unless chosen.
    expect(['pg', 'ioredis'].filter((name) => fs.existsSync(path.join(project, 'node_modules', name)))).toEqual([]);
    const script = `try { require('express-chatterbox').createChatMiddleware(${options}); console.log('created'); } catch (error) { console.log(error.message); }`;
    const run = spawnSync(process.execPath, ['-e', script], { cwd: project, encoding: 'utf8', timeout: 20_000 });
    expect(run.stdout).toContain(command);
  });
});

describeInstalled('the tarball installed into fresh host projects', () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    closePages();
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    child = undefined;
  });

  it.each([
    ['Express 5, a CommonJS file (require)', 'express5', 'cjs', 'dist/index.js', /^5\./],
    ['Express 5, an ES module (import)', 'express5', 'esm', 'esm/index.mjs', /^5\./],
    ['Express 4, a CommonJS file (require)', 'express4', 'cjs', 'dist/index.js', /^4\./],
    ['Express 4, an ES module (import)', 'express4', 'esm', 'esm/index.mjs', /^4\./],
    ['Express 5, the compiled strict TypeScript host (default import)', 'express5', 'ts', 'dist/index.js', /^5\./],
  ] as const)('runs a chat: %s', async (_label, projectName, kind, entry, expressVersion) => {
    const project = projectOf(projectName);
    let script: string;
    if (kind === 'ts') {
      script = path.join(project, 'ts-out', 'host.js');
      if (!fs.existsSync(script)) throw new Error('the TypeScript host was not compiled (see the test above)');
    } else {
      const host = HOSTS[kind];
      script = path.join(project, host.file);
      fs.writeFileSync(script, host.source);
    }
    // Its own working directory, where the default history file goes.
    const cwd = path.join(project, `${kind}-run`);
    fs.mkdirSync(cwd, { recursive: true });
    const running = spawn(process.execPath, [script], {
      cwd,
      // express-session warns about its MemoryStore under production, rightly; the TS host is a test.
      env: { PATH: process.env.PATH ?? '', NODE_ENV: kind === 'ts' ? 'test' : 'production' },
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
    const started = JSON.parse(stdout.split('\n')[0] ?? '') as { port: number; entry: string; express: string };

    // It is the installed copy that runs, through the exports map's entry for this format, on the host's Express.
    const installed = path.join(project, 'node_modules', 'express-chatterbox', entry);
    expect(started.entry.startsWith('file:') ? new URL(started.entry).pathname : started.entry).toBe(installed);
    expect(started.express).toMatch(expressVersion);
    expect(fs.existsSync(path.join(project, 'node_modules', 'express-chatterbox', 'node_modules', 'express'))).toBe(false);

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
