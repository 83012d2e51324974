#!/usr/bin/env node
/**
 * The chat benchmark (issues #7 and #15): Chatterbox against a server that behaves like
 * Socket.IO's own chat example (presence announced to everyone), a plain Socket.IO broadcast
 * server (the floor of what Socket.IO costs) and a raw `ws` broadcast server (the limit of Node
 * here), each in its own process on core 0, loaded by bare `ws` clients from a generator process
 * on core 1. Sections: `fanout` (fan-out and saturation), `storm` (join storms), `memory` (per
 * idle logged-in connection) and `fanout10k` (one room of 10,000 connections).
 *
 *   node bench/run.mjs [--quick | --full] [--reps 3] [--json results.json]
 *                      [--only fanout,storm,memory,fanout10k,<target keys>]
 *                      [--chat-options '{"rateLimit":false}'] [--readers-log-in] [--verbose]
 *
 * Build first: `npm run build:lib` (the Chatterbox server imports dist/).
 */
import { existsSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { killAllChildren, killChild, pinSelf, probeEnvironment, spawnNode } from './chat-load/children.mjs';
import { coreTicks, coreUse } from './chat-load/proc-cpu.mjs';
import { renderTable, short } from './chat-load/report.mjs';
import { runBigRoom, runMemory, runStorms, scaleRows } from './chat-load/scale-sections.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const DIST_ENTRY = path.join(here, '..', 'dist', 'index.js');
const GENERATOR_SCRIPT = path.join(here, 'chat-load', 'load-generator.mjs');
const SERVER_SCRIPTS = {
  chatterbox: path.join(here, 'chat-load', 'servers', 'chatterbox.mjs'),
  sioChat: path.join(here, 'chat-load', 'servers', 'socketio-chat-example.mjs'),
  socketio: path.join(here, 'chat-load', 'servers', 'socketio-floor.mjs'),
  ws: path.join(here, 'chat-load', 'servers', 'raw-ws.mjs'),
};
const SERVER_CORE = 0;
const GENERATOR_CORE = 1;

/** The two modes; every duration in milliseconds, rates in messages per second (all senders together). */
const MODES = {
  quick: {
    budgetMs: 105_000,
    reps: 3,
    fanoutSizes: [100, 1000],
    senders: 4,
    rate: 20,
    msgBytes: 64,
    warmupMs: 200,
    windowMs: 800,
    drainMs: 800,
    saturation: { readers: 1000, startRate: 25, minRate: 5, factor: 2, stepMs: 500, drainMs: 500, p99LimitMs: 500, minKeptUp: 0.8, maxSteps: 5, refine: true },
    scale: {
      budgetMs: 260_000,
      msgBytes: 64,
      stormSizes: [200, 500],
      stormTimeoutMs: 20_000,
      memorySizes: [200, 1000],
      memoryReps: 1,
      memoryWave: 100,
      memoryTimeoutMs: 30_000,
      bigRoom: 1000,
      bigRoomReps: 1,
      bigRoomMessages: 5,
      bigRoomGapMs: 200,
      bigRoomConnectTimeoutMs: 30_000,
      idleCpuMs: 3000,
      idleWeighMs: 12_000,
    },
  },
  full: {
    budgetMs: 570_000,
    reps: 3,
    fanoutSizes: [100, 1000, 5000],
    senders: 4,
    // 20 msg/s to 5,000 readers is 100k deliveries/s: more than one core can write with Socket.IO.
    rate: 10,
    msgBytes: 64,
    warmupMs: 500,
    windowMs: 2000,
    drainMs: 1500,
    saturation: { readers: 1000, startRate: 25, minRate: 5, factor: 1.5, stepMs: 1500, drainMs: 1000, p99LimitMs: 500, minKeptUp: 0.8, maxSteps: 12, refine: true },
    scale: {
      budgetMs: 1_620_000,
      msgBytes: 64,
      stormSizes: [1000, 5000],
      // A quadratic presence at 5,000 takes minutes: past this the storm is recorded as "timed out".
      stormTimeoutMs: 75_000,
      memorySizes: [1000, 10000],
      memoryReps: 1,
      memoryWave: 250,
      memoryTimeoutMs: 120_000,
      bigRoom: 10000,
      bigRoomReps: 1,
      bigRoomMessages: 10,
      bigRoomGapMs: 500,
      bigRoomConnectTimeoutMs: 150_000,
      idleCpuMs: 10_000,
      idleWeighMs: 12_000,
    },
  },
};

/**
 * Who is measured; the two Chatterbox rows share one server and differ only in the clients' `batch`
 * flag. `readyOn`: when a client counts as logged in (see load-generator.mjs). The chat example
 * is left out of `fanout` unless named in --only: that section predates it and its budget is full.
 */
const TARGETS = [
  { key: 'chatterbox', label: 'Chatterbox', server: 'chatterbox', batch: false, readyOn: 'session' },
  { key: 'chatterbox-batch', label: 'Chatterbox batch:true', server: 'chatterbox', batch: true, readyOn: 'session' },
  { key: 'sio-chat', label: 'Socket.IO chat example', server: 'sioChat', batch: false, readyOn: 'login', inFanout: false },
  { key: 'socketio', label: 'Socket.IO floor', server: 'socketio', batch: false, readyOn: 'connect' },
  { key: 'ws', label: 'raw ws', server: 'ws', batch: false, readyOn: 'connect' },
];
const SECTIONS = ['fanout', 'storm', 'memory', 'fanout10k'];
const FLOOR = 'socketio';
const LIMIT = 'ws';

// ---------------------------------------------------------------------------------------------
// Options

const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean' },
    full: { type: 'boolean' },
    reps: { type: 'string' },
    json: { type: 'string' },
    'chat-options': { type: 'string' },
    'readers-log-in': { type: 'boolean' },
    only: { type: 'string' },
    'memory-reps': { type: 'string' },
    // Before each memory baseline, this many clients log in and leave (one-offs out of "per connection").
    'warm-baseline': { type: 'string' },
    // Writes each server child's CPU profile (node --cpu-prof) into this folder, to find what a run costs.
    'cpu-prof': { type: 'string' },
    verbose: { type: 'boolean', short: 'v' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (flags.help) {
  process.stdout.write(
    'usage: node bench/run.mjs [--quick (default) | --full] [--reps N] [--json FILE]\n' +
      "                          [--chat-options '<JSON merged into createChatMiddleware options>']\n" +
      '                          [--readers-log-in] [--verbose] [--memory-reps N] [--warm-baseline N] [--cpu-prof DIR]\n' +
      `                          [--only <sections and/or targets>: ${[...SECTIONS, ...TARGETS.map((t) => t.key)].join(',')}]\n`,
  );
  process.exit(0);
}
if (flags.quick && flags.full) fail('choose one of --quick and --full');
const modeName = flags.full ? 'full' : 'quick';
const mode = { ...MODES[modeName] };
if (flags.reps !== undefined) {
  mode.reps = Number(flags.reps);
  if (!Number.isInteger(mode.reps) || mode.reps < 1) fail(`--reps must be a whole number ≥ 1; got ${flags.reps}`);
}
const chatOptions = flags['chat-options'] ?? '{}';
try {
  JSON.parse(chatOptions);
} catch {
  fail(`--chat-options must be JSON; got ${chatOptions}`);
}
// --only names sections, targets or both: `--only storm,memory,fanout10k` runs only the new sections.
const onlyWords = flags.only === undefined ? [] : flags.only.split(',').map((w) => w.trim()).filter(Boolean);
const unknownWords = onlyWords.filter((w) => !SECTIONS.includes(w) && !TARGETS.some((t) => t.key === w));
if (unknownWords.length > 0) fail(`--only takes a comma-separated list of ${[...SECTIONS, ...TARGETS.map((t) => t.key)].join(', ')}; got ${unknownWords.join(', ')}`);
const sections = new Set(onlyWords.some((w) => SECTIONS.includes(w)) ? onlyWords.filter((w) => SECTIONS.includes(w)) : SECTIONS);
const namedTargets = onlyWords.filter((w) => TARGETS.some((t) => t.key === w));
const targets = namedTargets.length === 0 ? TARGETS : TARGETS.filter((t) => namedTargets.includes(t.key));
const fanoutTargets = namedTargets.length === 0 ? targets.filter((t) => t.inFanout !== false) : targets;
if (flags['memory-reps'] !== undefined) {
  mode.scale = { ...mode.scale, memoryReps: Number(flags['memory-reps']) };
  if (!Number.isInteger(mode.scale.memoryReps) || mode.scale.memoryReps < 1) fail(`--memory-reps must be a whole number ≥ 1; got ${flags['memory-reps']}`);
}
if (flags['warm-baseline'] !== undefined) {
  mode.scale = { ...mode.scale, warmBaseline: Number(flags['warm-baseline']) };
  if (!Number.isInteger(mode.scale.warmBaseline) || mode.scale.warmBaseline < 0) fail(`--warm-baseline must be a whole number ≥ 0; got ${flags['warm-baseline']}`);
}
if (!existsSync(DIST_ENTRY)) fail('dist/index.js is missing: run `npm run build:lib` first');

function fail(message) {
  process.stderr.write(`bench: ${message}\n`);
  process.exit(1);
}

const log = (line) => process.stderr.write(`${line}\n`);
const verbose = (line) => flags.verbose && log(line);

// ---------------------------------------------------------------------------------------------
// Environment, limits, cleanup

const env = probeEnvironment();
const notes = [];
const startedAt = Date.now();
/** The whole run's budget: the fan-out sections' and the big-room sections' (each bounded on its own). */
const totalBudgetMs = (sections.has('fanout') ? mode.budgetMs : 0) + (['storm', 'memory', 'fanout10k'].some((s) => sections.has(s)) ? mode.scale.budgetMs : 0);
let deadline = startedAt + (sections.has('fanout') ? mode.budgetMs : 0);
const nofile = Math.min(env.hardNofile, 65536);
const fdHeadroom = 256;
if (!env.pinning) {
  notes.push(
    env.taskset
      ? `only ${env.cores} core(s): server and generator are not pinned apart, so they compete for CPU`
      : '`taskset` is unavailable: server and generator are not pinned to separate cores',
  );
}
if (mode.scale.warmBaseline > 0) {
  notes.push(`memory baselines taken after ${mode.scale.warmBaseline} clients logged in and left (--warm-baseline): what the first logins load once is not counted per connection`);
}
if (nofile < 65536) notes.push(`open files limited to ${nofile} (hard limit); children run with ulimit -n ${nofile}`);
mode.scale = { ...mode.scale };
for (const [holder, key] of [[mode, 'fanoutSizes'], [mode.scale, 'stormSizes'], [mode.scale, 'memorySizes']]) {
  const fitting = holder[key].filter((n) => n + mode.senders + fdHeadroom <= nofile);
  if (fitting.length < holder[key].length) {
    notes.push(`skipped ${key} ${holder[key].filter((n) => !fitting.includes(n)).join(', ')}: more than the open-files limit (${nofile}) allows`);
  }
  holder[key] = fitting;
}
if (mode.scale.bigRoom + 1 + fdHeadroom > nofile) {
  notes.push(`skipped the room of ${mode.scale.bigRoom}: more than the open-files limit (${nofile}) allows (raise \`ulimit -Hn\`)`);
  sections.delete('fanout10k');
}
if (mode.saturation.readers + mode.senders + fdHeadroom > nofile) mode.saturation = null;
if (mode.saturation && !mode.fanoutSizes.includes(mode.saturation.readers)) {
  mode.fanoutSizes = [...mode.fanoutSizes, mode.saturation.readers].sort((a, b) => a - b);
}

let finished = false;
process.on('exit', () => killAllChildren());
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    log(`\nbench: ${signal}: stopping`);
    killAllChildren();
    if (!finished) printReport(true);
    process.exit(130);
  });
}
// Stops by itself whatever happens: a hung run cannot keep it (or its children) alive.
const hardStop = setTimeout(() => {
  log('bench: time limit passed: printing what was measured and stopping');
  killAllChildren();
  printReport(true);
  process.exit(2);
}, totalBudgetMs + 180_000);
hardStop.unref();

if (env.pinning && !pinSelf(GENERATOR_CORE)) notes.push('could not pin the runner itself to the generator core');

// ---------------------------------------------------------------------------------------------
// Children

/** Starts a server child and resolves once it prints READY. */
function startServer(kind) {
  const profile = flags['cpu-prof'] === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${flags['cpu-prof']}`];
  const child = spawnNode(['--expose-gc', ...profile, SERVER_SCRIPTS[kind]], {
    core: env.pinning ? SERVER_CORE : null,
    nofile,
    env: { BENCH_CHAT_OPTIONS: chatOptions, NODE_ENV: 'production', DEBUG: '' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderrLines = 0;
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text) => {
    for (const line of text.split('\n').filter(Boolean)) {
      if (stderrLines++ < 20) log(`[${kind} server] ${line}`);
      else if (stderrLines === 22) log(`[${kind} server] … (more output hidden)`);
    }
  });
  return new Promise((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => reject(new Error(`the ${kind} server did not start within 20 s`)), 20_000);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (text) => {
      buffered += text;
      const match = /READY (\d+) (\S+)/.exec(buffered);
      if (match) {
        clearTimeout(timer);
        resolve({ kind, child, pid: child.pid, port: Number(match[1]), note: match[2] });
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the ${kind} server exited (${signal ?? code}) before it was ready`));
    });
  });
}

async function stopServer(server) {
  await killChild(server.child);
}

/**
 * GETs a benchmark endpoint of a server as JSON. node:http rather than fetch: fetch gives up
 * connecting after 10 s, and a server still sending a storm's presence can take longer than
 * that to accept; here only `timeoutMs` of silence counts.
 */
function benchGet(server, pathname, timeoutMs = 120_000) {
  return new Promise((resolve, reject) => {
    const request = http.get({ host: '127.0.0.1', port: server.port, path: pathname, timeout: timeoutMs, agent: false }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => (body += chunk));
      response.on('end', () => {
        if (response.statusCode !== 200) reject(new Error(`${pathname} answered ${response.statusCode}`));
        else resolve(JSON.parse(body));
      });
    });
    request.on('timeout', () => request.destroy(new Error(`${pathname} did not answer within ${timeoutMs / 1000} s`)));
    request.on('error', reject);
  });
}

/** Reads a server's memory after a full GC. */
function serverMemory(server) {
  return benchGet(server, '/__bench/memory');
}

/** Reads a server's own process.cpuUsage() (microseconds) and uptime (ms). */
function serverCpu(server) {
  return benchGet(server, '/__bench/cpu');
}

/** Starts the generator child; `request(command)` resolves with its answer. */
function startGenerator() {
  const child = spawnNode(['--expose-gc', GENERATOR_SCRIPT], {
    core: env.pinning ? GENERATOR_CORE : null,
    nofile,
    env: { BENCH_CLK_TCK: String(env.clkTck) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map();
  let nextId = 1;
  let started;
  const ready = new Promise((resolve, reject) => {
    started = { resolve, reject };
  });
  child.on('message', (message) => {
    if (message.ready) {
      started.resolve();
      return;
    }
    const entry = pending.get(message.id);
    if (!entry) return;
    pending.delete(message.id);
    if (message.ok) entry.resolve(message.result);
    else entry.reject(new Error(message.error));
  });
  child.once('exit', (code, signal) => {
    const error = new Error(`the load generator exited (${signal ?? code})`);
    started.reject(error);
    for (const entry of pending.values()) entry.reject(error);
    pending.clear();
  });
  return {
    child,
    ready,
    request(command) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        child.send({ ...command, id });
      });
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Recording

/** samples.get(rowKey).get(targetKey) → one value per repetition. */
const samples = new Map();
const raw = [];
const stopReasons = new Map();
const historyNotes = new Map();
/** Runs left out to stay within the time budget. */
let skipped = 0;
/** The highest passing saturation rate of each target so far. */
const bestRates = new Map();
/** The most CPU that processes other than ours took on the server core during a measurement. */
let maxOtherLoad = 0;

function record(rowKey, targetKey, value) {
  if (value === null || value === undefined || !Number.isFinite(value)) return;
  if (!samples.has(rowKey)) samples.set(rowKey, new Map());
  const byTarget = samples.get(rowKey);
  if (!byTarget.has(targetKey)) byTarget.set(targetKey, []);
  byTarget.get(targetKey).push(value);
}

function recordFanout(target, result) {
  for (const { readers, connectMs, fixed: f, saturation: sat } of result.sizes) {
    const row = (name) => `fan.${readers}.${name}`;
    record(row('delivered'), target.key, f.deliveredPerSec);
    record(row('loss'), target.key, (100 * f.lost) / f.expected);
    record(row('p50'), target.key, f.p50);
    record(row('p99'), target.key, f.p99);
    record(row('max'), target.key, f.max);
    record(row('srv'), target.key, f.serverCpu?.total);
    record(row('srvSys'), target.key, f.serverCpu?.system);
    record(row('usPerDelivery'), target.key, f.serverUsPerDelivery);
    record(row('gen'), target.key, f.generatorCpu?.total);
    if (env.pinning && f.serverCore && f.serverCpu) {
      const other = Math.max(0, f.serverCore.busy - f.serverCpu.total);
      record(row('other'), target.key, other);
      maxOtherLoad = Math.max(maxOtherLoad, other);
    }
    record(row('connect'), target.key, connectMs);
    if (sat) recordSaturation(target, sat);
  }
  if (result.refused > 0) notes.push(`${target.label}: ${result.refused} messages refused (${JSON.stringify(result.refusals)}): raise the limit through --chat-options`);
  if (result.unexpectedCloses > 0) notes.push(`${target.label}: ${result.unexpectedCloses} connections closed unexpectedly`);
  if (result.reordered > 0) notes.push(`${target.label}: ${result.reordered} messages arrived out of order or twice`);
}

function recordSaturation(target, sat) {
  const best = sat.best;
  if (best) bestRates.set(target.key, best.rate);
  record('sat.best', target.key, best?.deliveredPerSec ?? 0);
  record('sat.rate', target.key, best?.rate);
  record('sat.p99', target.key, best?.p99);
  record('sat.srv', target.key, best?.serverCpu?.total);
  record('sat.gen', target.key, best?.generatorCpu?.total);
  record('sat.half.rate', target.key, sat.half?.rate);
  record('sat.half.delivered', target.key, sat.half?.deliveredPerSec);
  record('sat.half.p50', target.key, sat.half?.p50);
  record('sat.half.p99', target.key, sat.half?.p99);
  record('sat.half.srv', target.key, sat.half?.serverCpu?.total);
  const failed = sat.steps.find((step) => !step.pass);
  const bound = failed ? bottleneck(failed) : '';
  const reason = failed
    ? `${sat.stopReason} at ${failed.rate} msg/s (server ${short(failed.serverCpu?.total)} % CPU, generator ${short(failed.generatorCpu?.total)} %${bound})`
    : sat.stopReason;
  if (!stopReasons.has(target.key)) stopReasons.set(target.key, []);
  stopReasons.get(target.key).push(reason);
}

/** Which side ran out of CPU at a failing step, as a note. */
function bottleneck(step) {
  const server = step.serverCpu?.total ?? 0;
  const generator = step.generatorCpu?.total ?? 0;
  if (generator >= 85 && generator >= server) return ': generator-bound, so a lower bound for this server';
  if (server >= 85) return ': server-bound';
  if (env.pinning && step.serverCore && step.serverCore.busy - server > 15) return ': other processes took the server core';
  return '';
}

/** Presence events: Chatterbox's and the Socket.IO chat example's (`login` is the newcomer's own answer). */
const PRESENCE_KINDS = ['enter', 'users', 'exit', 'presence', 'user joined', 'user left'];

function recordStorm(target, clients, result, before, after, timeoutMs, idle = null) {
  const row = (name) => `storm.${clients}.${name}`;
  const kinds = result.kinds;
  const presence = PRESENCE_KINDS.map((k) => kinds[k] ?? { frames: 0, bytes: 0 });
  if (!result.timedOut && result.failed === 0) {
    record(row('ready'), target.key, result.allReadyMs);
    record(row('quiet'), target.key, result.quietMs);
  } else {
    notes.push(
      `${target.label}: join storm of ${clients}: ${result.ready} acked, ${result.failed} failed` +
        `${result.timedOut ? `, timed out after ${timeoutMs / 1000} s (> ${timeoutMs / 1000} s; no time or memory figure)` : ''} ${result.failures.join('; ')}`,
    );
    return;
  }
  record(row('frames'), target.key, result.frames);
  record(row('bytes'), target.key, result.bytes / 1e6);
  record(row('presenceFrames'), target.key, presence.reduce((sum, k) => sum + k.frames, 0));
  record(row('presenceBytes'), target.key, presence.reduce((sum, k) => sum + k.bytes, 0) / 1e6);
  record(row('srvCpu'), target.key, result.serverCpuMs ? result.serverCpuMs.user + result.serverCpuMs.system : null);
  record(row('genCpu'), target.key, result.generatorCpuMs ? result.generatorCpuMs.user + result.generatorCpuMs.system : null);
  if (result.unexpectedCloses > 0) {
    // The server dropped clients (a full send buffer, a missed heartbeat while the generator was
    // busy): what is left is not N idle logged-in connections, so no memory figure.
    notes.push(`${target.label}: join storm of ${clients}: ${result.unexpectedCloses} connections closed by the server after logging in: no memory figure`);
    return;
  }
  if (before && after) {
    record(`mem.storm.${clients}.heap`, target.key, (after.heapUsed - before.heapUsed) / clients / 1024);
    record(`mem.storm.${clients}.rss`, target.key, (after.rss - before.rss) / clients / 1024);
    if (idle) record(`mem.storm.${clients}.rssIdle`, target.key, (idle.rss - before.rss) / clients / 1024);
    record('mem.base.rss', target.key, before.rss / 2 ** 20);
  }
}

function tableRows() {
  const rows = [];
  const fixed = `${mode.rate} msg/s from ${mode.senders} senders`;
  for (const n of mode.fanoutSizes) {
    const section = `Fan-out, ${n} readers, ${fixed}`;
    rows.push(
      { section, key: `fan.${n}.delivered`, label: 'delivered msgs/s' },
      { section, key: `fan.${n}.loss`, label: 'loss %', ratio: false },
      { section, key: `fan.${n}.p50`, label: 'latency p50 ms' },
      { section, key: `fan.${n}.p99`, label: 'latency p99 ms' },
      { section, key: `fan.${n}.max`, label: 'latency max ms' },
      { section, key: `fan.${n}.srv`, label: 'server CPU % (user+sys)' },
      { section, key: `fan.${n}.srvSys`, label: '… of which sys %' },
      { section, key: `fan.${n}.usPerDelivery`, label: 'server CPU µs per delivery' },
      { section, key: `fan.${n}.gen`, label: 'generator CPU %' },
      { section, key: `fan.${n}.other`, label: 'other processes on the server core %', ratio: false },
      { section, key: `fan.${n}.connect`, label: 'connect all readers ms' },
    );
  }
  if (mode.saturation) {
    const s = mode.saturation;
    const section =
      `Saturation, ${s.readers} readers (rate ×${s.factor} per ${s.stepMs / 1000} s step until p99 > ${s.p99LimitMs} ms, ` +
      `any loss, or deliveries below ${s.minKeptUp * 100} % of the offered rate)`;
    rows.push(
      { section, key: 'sat.best', label: 'max sustained delivered msgs/s' },
      { section, key: 'sat.rate', label: '… at input msgs/s' },
      { section, key: 'sat.p99', label: '… latency p99 ms' },
      { section, key: 'sat.srv', label: '… server CPU %' },
      { section, key: 'sat.gen', label: '… generator CPU %' },
      { section, key: 'sat.half.rate', label: 'at half that input: msgs/s' },
      { section, key: 'sat.half.delivered', label: '… delivered msgs/s' },
      { section, key: 'sat.half.p50', label: '… latency p50 ms' },
      { section, key: 'sat.half.p99', label: '… latency p99 ms' },
      { section, key: 'sat.half.srv', label: '… server CPU %' },
    );
  }
  rows.push(...scaleRows(mode.scale, sections));
  return rows;
}

function printReport(partial) {
  finished = true;
  const elapsed = ((Date.now() - startedAt) / 1000).toFixed(0);
  const out = [];
  out.push('');
  const reps = skipped > 0 || partial ? `up to ${mode.reps} repetitions (see the notes)` : `${mode.reps} repetitions`;
  out.push(`## Chat benchmark (${modeName}${partial ? ', PARTIAL' : ''}): medians (min–max) of ${reps}, ${elapsed} s`);
  out.push('');
  out.push(
    `Node ${env.node}, ${env.cpuModel}, ${env.cores} cores; servers ${env.pinning ? `pinned to core ${SERVER_CORE}` : 'unpinned'}, ` +
      `generator ${env.pinning ? `pinned to core ${GENERATOR_CORE}` : 'unpinned'}; ${mode.msgBytes}-byte messages; ` +
      `CPU % is of one core, from /proc/<pid>/stat (server) and process.cpuUsage (generator).`,
  );
  const history = [...historyNotes.values()][0];
  if (history) out.push(`Chatterbox history: ${history.startsWith('memory') ? `{ memory: true } — SQLite option unusable: ${history.replace(/^memory\(sqlite_unavailable:/, '').replace(/\)$/, '').replace(/_/g, ' ')}` : `{ sqlite: <tmp file> }`}.`);
  out.push('');
  out.push(renderTable(tableRows(), targets, samples, FLOOR, LIMIT));
  out.push('');
  out.push('Ratios: "÷ SIO" is to the Socket.IO floor (no presence), "÷ ws" to raw ws; the Socket.IO chat example column is the peer users would otherwise run.');
  out.push('');
  for (const target of targets) {
    const reasons = stopReasons.get(target.key);
    if (reasons) out.push(`- Saturation of ${target.label} stopped on: ${reasons.join('; ')}.`);
  }
  for (const note of [...new Set(notes)]) out.push(`- ${note}`);
  process.stdout.write(`${out.join('\n')}\n`);
  if (flags.json) {
    writeFileSync(flags.json, JSON.stringify({ mode: modeName, config: mode, env, notes, raw }, null, 2));
    log(`bench: raw results written to ${flags.json}`);
  }
}

// ---------------------------------------------------------------------------------------------
// The run

/** How long each kind of run took last time, to skip what no longer fits in the budget. */
const lastDuration = new Map();

function fits(kind) {
  const expected = lastDuration.get(kind) ?? 0;
  return Date.now() + expected <= deadline;
}

async function timed(kind, body) {
  const t0 = Date.now();
  const result = await body();
  lastDuration.set(kind, Math.max(lastDuration.get(kind) ?? 0, Date.now() - t0));
  verbose(`      (${kind} took ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  return result;
}

async function main() {
  log(
    `bench: ${modeName} mode, sections ${[...sections].join(', ')}, ${mode.reps} repetitions, budget ${totalBudgetMs / 1000} s; ` +
      `${env.pinning ? `servers on core ${SERVER_CORE}, generator on core ${GENERATOR_CORE}` : 'no pinning'}; ulimit -n ${nofile}`,
  );
  // Other work on the machine skews every figure: measure it before starting, and say so.
  const idle0 = coreTicks();
  await sleep(1000);
  const idle1 = coreTicks();
  const busyBefore = [SERVER_CORE, GENERATOR_CORE].map((core) => coreUse(idle0, idle1, core)?.busy ?? 0);
  if (busyBefore.some((busy) => busy > 10)) {
    notes.push(
      `the machine was busy before the benchmark started (core ${SERVER_CORE} ${short(busyBefore[0])} %, core ${GENERATOR_CORE} ${short(busyBefore[1])} %): ` +
        'absolute figures are pessimistic and noisy; ratios measured alternately are less affected',
    );
  }
  log(`bench: background load core ${SERVER_CORE} ${short(busyBefore[0])} %, core ${GENERATOR_CORE} ${short(busyBefore[1])} %`);

  const generator = startGenerator();
  await generator.ready;

  // Long-lived servers for fan-out and saturation: warm, and idle while another is measured.
  const servers = {};
  const fanoutOn = sections.has('fanout') && fanoutTargets.length > 0;
  if (fanoutOn) {
    for (const kind of new Set(fanoutTargets.map((t) => t.server))) servers[kind] = await startServer(kind);
    if (servers.chatterbox) historyNotes.set('chatterbox', servers.chatterbox.note);
    log(`bench: servers up (${Object.values(servers).map((s) => `${s.kind} pid ${s.pid} :${s.port}`).join(', ')}); Chatterbox history ${servers.chatterbox?.note}`);
  }
  const allPids = Object.values(servers).map((s) => s.pid);

  for (let rep = 0; fanoutOn && rep < mode.reps; rep++) {
    // Alternate the servers, starting each repetition one further along.
    const order = fanoutTargets.map((_, i) => fanoutTargets[(i + rep) % fanoutTargets.length]);
    for (const target of order) {
      if (servers[target.server].child.exitCode !== null || servers[target.server].child.signalCode !== null) {
        notes.push(`the ${target.server} server died during repetition ${rep + 1} and was restarted`);
        servers[target.server] = await startServer(target.server);
        allPids.splice(0, allPids.length, ...Object.values(servers).map((s) => s.pid));
      }
      const server = servers[target.server];
      if (mode.fanoutSizes.length === 0) continue;
      const kind = `fanout-${target.server}`;
      if (!fits(kind)) {
        skipped++;
        continue;
      }
      let saturation = mode.saturation;
      if (saturation && bestRates.has(target.key)) {
        // Later repetitions start at the best rate so far instead of climbing from the bottom again.
        saturation = { ...saturation, startRate: bestRates.get(target.key) };
      }
      try {
        const result = await timed(kind, () =>
          generator.request({
            type: 'fanout',
            port: server.port,
            serverPid: server.pid,
            quietPids: allPids,
            serverCore: SERVER_CORE,
            generatorCore: GENERATOR_CORE,
            sizes: mode.fanoutSizes,
            senders: mode.senders,
            rate: mode.rate,
            msgBytes: mode.msgBytes,
            warmupMs: mode.warmupMs,
            windowMs: mode.windowMs,
            drainMs: mode.drainMs,
            batch: target.batch,
            readyOn: target.readyOn,
            readersLogIn: Boolean(flags['readers-log-in']),
            connectConcurrency: 250,
            connectTimeoutMs: 30_000,
            saturation,
            deadline,
          }),
        );
        raw.push({ rep, target: target.key, scenario: 'fanout', result });
        recordFanout(target, result);
        for (const size of result.sizes) {
          const f = size.fixed;
          log(
            `[${rep + 1}/${mode.reps}] ${target.label.padEnd(21)} fan-out ${String(size.readers).padStart(5)}: ` +
              `${short(f.deliveredPerSec)}/s loss ${f.lost} p50 ${short(f.p50)} p99 ${short(f.p99)} max ${short(f.max)} ms, ` +
              `server ${short(f.serverCpu?.total)} % gen ${short(f.generatorCpu?.total)} %` +
              (size.saturation
                ? `; saturation ${short(size.saturation.best?.deliveredPerSec ?? 0)}/s at ${size.saturation.best?.rate ?? '–'} msg/s (${size.saturation.stopReason})` +
                  (size.saturation.half ? `; at ${size.saturation.half.rate} msg/s p50 ${short(size.saturation.half.p50)} p99 ${short(size.saturation.half.p99)} ms` : '')
                : ''),
          );
          for (const step of size.saturation?.steps ?? []) {
            verbose(
              `      step ${step.rate} msg/s: ${short(step.deliveredPerSec)}/s lost ${step.lost} p99 ${short(step.p99)} ms ` +
                `server ${short(step.serverCpu?.total)} % gen ${short(step.generatorCpu?.total)} % ` +
                `server core busy ${short(step.serverCore?.busy)} % kept up ${short(100 * step.keptUp)} % ${step.pass ? 'pass' : 'FAIL'}`,
            );
          }
        }
      } catch (error) {
        notes.push(`${target.label}: fan-out failed in repetition ${rep + 1}: ${String(error.message).split('\n')[0]}`);
        log(`[${rep + 1}/${mode.reps}] ${target.label} fan-out FAILED: ${error.message}`);
      }
    }

  }
  for (const server of Object.values(servers)) await stopServer(server);

  // The big-room sections (issue #15): every measurement on a fresh server, with its own budget.
  if (['storm', 'memory', 'fanout10k'].some((name) => sections.has(name))) {
    deadline = Date.now() + mode.scale.budgetMs;
    const ctx = {
      scale: mode.scale,
      targets,
      reps: mode.reps,
      generator,
      notes,
      raw,
      log,
      record,
      recordStorm,
      fits: (kind) => {
        if (fits(kind)) return true;
        skipped++;
        return false;
      },
      timed,
      serverMemory,
      serverCpu,
      stopServer,
      startServer: async (kind) => {
        const server = await startServer(kind);
        if (kind === 'chatterbox') historyNotes.set('chatterbox', server.note);
        return server;
      },
    };
    if (sections.has('storm')) await runStorms(ctx);
    if (sections.has('memory')) await runMemory(ctx, sections.has('storm'));
    if (sections.has('fanout10k')) await runBigRoom(ctx);
  }

  if (maxOtherLoad > 10) notes.push(`other processes took up to ${short(maxOtherLoad)} % of the server core during measurements (row "other processes on the server core")`);
  if (skipped > 0) notes.push(`${skipped} runs skipped to stay within the time budget (${totalBudgetMs / 1000} s)`);
  generator.child.disconnect();
  await killChild(generator.child);
  clearTimeout(hardStop);
  printReport(false);
}

main().then(
  () => process.exit(0),
  (error) => {
    log(`bench: ${error.stack ?? error}`);
    killAllChildren();
    process.exit(1);
  },
);
