// Starts three example-app processes on ports 3001-3003 as one chat over the local Redis and
// PostgreSQL (REDIS_URL, DATABASE_URL), and stops them all on Ctrl-C. Run `npm run example:cluster`.
// PORTS=4001,4002 picks other ports (and how many processes).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const server = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'example-app', 'dist', 'server.js');
const env = {
  ...process.env,
  REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  DATABASE_URL: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test',
};
const ports = (process.env.PORTS ?? '3001,3002,3003').split(',').map(Number);
const children = ports.map((port) => {
  const child = spawn(process.execPath, [server], { env: { ...env, PORT: String(port) }, stdio: ['ignore', 'inherit', 'inherit'] });
  child.on('exit', (code, signal) => {
    console.log(`example on port ${port} exited (${signal ?? code})`);
    if (!stopping) stop('a process exited');
  });
  return child;
});
console.log(`One chat on ${ports.map((port) => `http://127.0.0.1:${port}/chat/`).join(', ')} — Ctrl-C stops them all.`);

let stopping = false;
function stop(reason) {
  if (stopping) return;
  stopping = true;
  process.exitCode = reason === 'a process exited' ? 1 : 0;
  console.log(`${reason}: stopping the example processes`);
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  const force = setTimeout(() => children.forEach((child) => child.exitCode === null && child.kill('SIGKILL')), 5000);
  force.unref();
}
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
