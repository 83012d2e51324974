/**
 * Starting the benchmark's child processes on their own cores with a raised open-files limit,
 * and making sure none outlives the runner.
 */
import { spawn, spawnSync } from 'node:child_process';
import os from 'node:os';

const children = new Set();

/** What this machine allows: cores, whether `taskset` works, the open-files limits, CLK_TCK. */
export function probeEnvironment() {
  const cores = os.availableParallelism();
  const taskset = spawnSync('taskset', ['-p', String(process.pid)], { encoding: 'utf8' }).status === 0;
  const limits = spawnSync('bash', ['-c', 'ulimit -Sn; ulimit -Hn'], { encoding: 'utf8' });
  const [soft, hard] = (limits.stdout || '').trim().split('\n').map((line) => (line === 'unlimited' ? Infinity : Number(line)));
  const clkTck = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout?.trim()) || 100;
  return {
    cores,
    pinning: taskset && cores >= 2,
    taskset,
    softNofile: soft || 1024,
    hardNofile: hard || soft || 1024,
    clkTck,
    node: process.version,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
  };
}

/** Pins this process (every thread) to `core`; returns whether it worked. */
export function pinSelf(core) {
  return spawnSync('taskset', ['-a', '-p', '-c', String(core), String(process.pid)], { stdio: 'ignore' }).status === 0;
}

/**
 * Spawns `node <args>` through `bash -c 'ulimit -n …; exec taskset -c <core> node …'` (exec keeps
 * the pid, so /proc/<pid> is node's own). `core` null: no pinning.
 */
export function spawnNode(args, { core, nofile, env, stdio }) {
  const command = core === null ? [process.execPath, ...args] : ['taskset', '-c', String(core), process.execPath, ...args];
  const child = spawn('bash', ['-c', `ulimit -n ${nofile} 2>/dev/null; exec "$@"`, 'bash', ...command], {
    env: { ...process.env, ...env },
    stdio,
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/**
 * Stops one child we started (SIGTERM, so that it can remove its temporary files; SIGKILL if it
 * is still there after `graceMs`) and resolves once it is gone.
 */
export function killChild(child, graceMs = 3000) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Signals every child still running (on exit, on SIGINT, on the time limit); none ignores SIGTERM. */
export function killAllChildren(signal = 'SIGTERM') {
  for (const child of children) {
    try {
      child.kill(signal);
    } catch {
      // Already gone.
    }
  }
  children.clear();
}
