/** Runs the built chat server in a child process, so tests can SIGKILL it, restart it, or run several. */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const SCRIPT = path.join(__dirname, '..', 'fixtures', 'chat-server-process.cjs');
const DIST = path.join(__dirname, '..', '..', 'dist', 'index.js');

/** A running chat server process. */
export interface ChildServer {
  process: ChildProcess;
  pid: number;
  port: number;
  url: string;
  /** Everything it wrote to stderr so far (the console logger's warn and error). */
  stderr(): string;
  /** Everything it wrote to stdout so far (the console logger's info). */
  stdout(): string;
  /** Sends a signal and resolves with the exit code or signal once it has exited. */
  stop(signal?: NodeJS.Signals): Promise<number | NodeJS.Signals | null>;
}

const running = new Set<ChildServer>();

/** Starts `test/fixtures/chat-server-process.cjs` with `options` (JSON-serialisable chat options). */
export async function startChildServer(options: Record<string, unknown>, env: Record<string, string> = {}): Promise<ChildServer> {
  if (!fs.existsSync(DIST)) throw new Error('dist/ is missing: run "npm run build" first (npm test does)');
  const child = spawn(process.execPath, [SCRIPT], {
    env: { ...process.env, ...env, CHAT_OPTIONS: JSON.stringify(options) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) => {
    child.once('exit', (code, signal) => resolve(signal ?? code));
  });
  let stdout = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`chat server did not start: ${stderr}`)), 15_000);
    child.stdout?.on('data', () => {
      const match = /READY (\d+)/.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      } else if (stdout.includes('FAILED')) {
        clearTimeout(timer);
        reject(new Error(stdout.trim()));
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`chat server exited (${String(code)}) before it was ready: ${stderr}`));
    });
  });
  const server: ChildServer = {
    process: child,
    pid: child.pid ?? -1,
    port,
    url: `http://127.0.0.1:${port}`,
    stderr: () => stderr,
    stdout: () => stdout,
    stop(signal = 'SIGTERM') {
      running.delete(server);
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
  running.add(server);
  return server;
}

/** Kills every child server still running. */
export async function stopAllChildServers(): Promise<void> {
  await Promise.all([...running].map((server) => server.stop('SIGKILL')));
}
