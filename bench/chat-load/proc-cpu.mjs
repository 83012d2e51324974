/** CPU time of another process from /proc/<pid>/stat (utime and stime, every thread included). */
import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc times; 100 on every Linux this runs on (`getconf CLK_TCK`). */
const TICKS_PER_SECOND = Number(process.env.BENCH_CLK_TCK || 100);

/** `{ user, system }` CPU milliseconds used so far by `pid`, or null when /proc cannot tell. */
export function processCpuMs(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // Fields after the command name, which may itself hold spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const msPerTick = 1000 / TICKS_PER_SECOND;
    return { user: Number(fields[11]) * msPerTick, system: Number(fields[12]) * msPerTick };
  } catch {
    return null;
  }
}

/** The CPU used between two {@link processCpuMs} readings. */
export function cpuDelta(before, after) {
  if (before === null || after === null) return null;
  return { user: after.user - before.user, system: after.system - before.system };
}

/** This process's `{ user, system }` CPU milliseconds (process.cpuUsage, microseconds, converted). */
export function ownCpuMs() {
  const { user, system } = process.cpuUsage();
  return { user: user / 1000, system: system / 1000 };
}

/** True when /proc times can be read here. */
export function canReadProcessCpu() {
  return processCpuMs(process.pid) !== null;
}

/** Per-core tick counters from /proc/stat: `[{ busy, steal, total }]` indexed by core, or null. */
export function coreTicks() {
  try {
    const lines = readFileSync('/proc/stat', 'latin1').split('\n');
    const cores = [];
    for (const line of lines) {
      const match = /^cpu(\d+) (.*)$/.exec(line);
      if (!match) continue;
      // user nice system idle iowait irq softirq steal
      const [user, nice, system, idle, iowait, irq, softirq, steal] = match[2].trim().split(/\s+/).map(Number);
      cores[Number(match[1])] = { busy: user + nice + system + irq + softirq, steal, total: user + nice + system + idle + iowait + irq + softirq + steal };
    }
    return cores;
  } catch {
    return null;
  }
}

/** `{ busy, steal }` percentages of `core` between two {@link coreTicks} readings. */
export function coreUse(before, after, core) {
  const a = before?.[core];
  const b = after?.[core];
  if (!a || !b || b.total === a.total) return null;
  const total = b.total - a.total;
  return { busy: (100 * (b.busy - a.busy)) / total, steal: (100 * (b.steal - a.steal)) / total };
}
