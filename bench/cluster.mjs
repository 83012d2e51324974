// Benchmark (issue #15, the cluster part): one big room on 1 chat process, then on 2 over Redis,
// history in PostgreSQL. Hundreds of "human" writers at a person's rate plus a few fast ones, all
// logged in and in the room, so every writer is a reader too; the bundled page's kind of client
// (`batch: true, presence: 'digest'`). Prints stored and delivered messages/s, latency, and each
// node's CPU per delivery, beside the CPU of PostgreSQL, Redis and this generator.
//
// Two loads: `max`, the fast writers sending as fast as acks come (throughput), and `fixed`, the
// fast writers sending RATE messages/s in all, which both node counts carry, so that each node's
// CPU can be compared at the same work (does the fan-out halve?).
//
// Usage: npm run bench:cluster   (or `node bench/cluster.mjs` once dist/ is built); about 45 s.
// Env (each optional):
//   HUMANS=300       writers at a person's rate, each on its own connection
//   HUMAN_RATE=0.2   messages/s per human (one every 5 s on average, jittered ±50 %); a human whose
//                    last line is not acked yet waits for it, as a person watching the page does
//   FAST=32          fast writers, each keeping WINDOW messages unacked; the server runs one
//                    socket's events in order, so each fast writer adds at most one append to every
//                    group commit: FAST, not WINDOW, sets how full the commits get
//   WINDOW=4         messages in flight per fast writer
//   RATE=1000        the fixed load's messages/s from the fast writers (humans send besides);
//                    RATE=max runs only the max load, RATE=<n> only the fixed one
//   READERS=0        extra logged-in clients that only read
//   SECONDS=8        measured window, after a 2 s warm-up
//   HISTORY=memory   each node keeps its own log in a MemoryStore instead: fan-out alone, no
//                    PostgreSQL (not a usable cluster: ids are per node)
//   PLAIN=1          plain clients (no batch, no presence digest), one event per frame, to compare
//   REDIS_URL, DATABASE_URL
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { Redis } from 'ioredis';
import { BENCH_RATE_LIMIT_OPTIONS } from './chat-load/bench-limits.mjs';
import { LatencyHistogram } from './chat-load/latency-histogram.mjs';
import { cpuDelta, ownCpuMs, processCpuMs } from './chat-load/proc-cpu.mjs';
import { readNumber, SEND_TIME_TAG, WireClient, eventName, isChatFrame } from './chat-load/wire-client.mjs';

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const FIXTURE = path.join(ROOT, 'test', 'fixtures', 'chat-server-process.cjs');
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const POSTGRES_URL = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
const HUMANS = Number(process.env.HUMANS ?? 300);
const HUMAN_RATE = Number(process.env.HUMAN_RATE ?? 0.2);
const FAST = Number(process.env.FAST ?? 32);
const WINDOW = Number(process.env.WINDOW ?? 4);
const READERS = Number(process.env.READERS ?? 0);
const RATES = process.env.RATE === undefined ? ['max', 1000] : [process.env.RATE === 'max' ? 'max' : Number(process.env.RATE)];
const SECONDS = Number(process.env.SECONDS ?? 8);
const MEMORY = process.env.HISTORY === 'memory';
const PLAIN = process.env.PLAIN === '1';
const WARM_UP_MS = 2000;
/** Clients opened at once: a thousand handshakes in one tick would time out on two shared cores. */
const WAVE = 100;

/** Every message starts `t:<performance.now() at send>:`, found in any frame by this byte tag. */
const OK_TRUE = Buffer.from('"ok":true');
const NICK_NULL = Buffer.from('"nick":null');
/** Brings a message to about 60 characters, a typical chat line, so frames weigh what real ones do. */
const FILLER = 'the quick brown fox jumps over the lazy dog, twice';
const HUMAN = 'human';
const FAST_WRITER = 'fast';
const READER = 'reader';

/**
 * A node with a MemoryStore object: the `cluster` option refuses `history: { memory: true }` (no
 * shared log), and the fixture takes options as JSON, which cannot carry a store.
 */
const MEMORY_NODE = `
const http = require('node:http');
const express = require('express');
const { createChatMiddleware, MemoryStore } = require(${JSON.stringify(path.join(ROOT, 'dist', 'index.js'))});
const app = express();
const server = http.createServer(app);
app.use('/chat', createChatMiddleware({ ...JSON.parse(process.env.CHAT_OPTIONS), history: new MemoryStore(), server }));
server.listen(0, '127.0.0.1', () => process.stdout.write('READY ' + server.address().port + '\\n'));
`;

function startNode(options, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, MEMORY ? ['-e', MEMORY_NODE] : [FIXTURE], {
      cwd: ROOT,
      env: { ...process.env, ...env, CHAT_OPTIONS: JSON.stringify(options) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const match = /READY (\d+)/.exec(out);
      if (match) resolve({ child, port: Number(match[1]) });
    });
    child.once('exit', (code) => reject(new Error(`node exited ${code}`)));
  });
}

/** Pids of every running process whose command is `name` (PostgreSQL forks one per connection). */
function pidsNamed(name) {
  const pids = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'latin1').trim() === name) pids.push(Number(entry));
    } catch {
      // Gone meanwhile.
    }
  }
  return pids;
}

/** CPU ms of every process called `name`, by pid. */
function cpuOfProcesses(name) {
  const byPid = new Map();
  for (const pid of pidsNamed(name)) {
    const cpu = processCpuMs(pid);
    if (cpu !== null) byPid.set(pid, cpu.user + cpu.system);
  }
  return byPid;
}

/** CPU ms those processes used between two readings; a backend that started meanwhile counts whole. */
function cpuSince(before, after) {
  let ms = 0;
  for (const [pid, total] of after) ms += total - (before.get(pid) ?? 0);
  return ms;
}

const totalMs = (cpu) => (cpu === null ? NaN : cpu.user + cpu.system);

/** Committed transactions in the database so far (PostgreSQL flushes these counters about once a second). */
async function commits(client) {
  await client.query('SELECT pg_stat_clear_snapshot()');
  const { rows } = await client.query('SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()');
  return Number(rows[0].xact_commit);
}

/** The WireClient sink: logins, acks, and deliveries counted by a byte scan, never a JSON.parse. */
class Load {
  constructor(nodeCount, rate) {
    this.rate = rate;
    this.running = false;
    this.pacer = undefined;
    this.unsent = 0;
    this.measuring = false;
    this.readyCount = 0;
    this.failures = [];
    this.failureCount = 0;
    this.stored = 0;
    this.refusals = new Map();
    this.delivered = 0;
    this.deliveredByNode = new Array(nodeCount).fill(0);
    this.frames = 0;
    this.hist = new LatencyHistogram();
    this.closing = false;
    this.unexpectedCloses = 0;
  }

  event(client, data) {
    if (isChatFrame(data)) {
      if (this.measuring) this.countChats(client, data);
      return;
    }
    if (!client.ready && eventName(data) === 'session') {
      if (data.indexOf(NICK_NULL) >= 0) this.failed(client, `login refused: ${data.toString()}`);
      else {
        client.ready = true;
        this.readyCount++;
      }
    }
  }

  ack(client, data) {
    client.inFlight--;
    if (data.indexOf(OK_TRUE) >= 0) {
      if (this.measuring) this.stored++;
    } else {
      const code = /"code":"([A-Z_]+)"/.exec(data.toString())?.[1] ?? data.toString().slice(0, 80);
      this.refusals.set(code, (this.refusals.get(code) ?? 0) + 1);
    }
    if (!this.running) return;
    if (client.role === FAST_WRITER) {
      if (this.rate === 'max') this.send(client);
    }
    else if (client.due) {
      client.due = false;
      this.send(client);
    }
  }

  connected() {}

  failed(client, reason) {
    this.failureCount++;
    if (this.failures.length < 5) this.failures.push(`${client.role} ${client.index}: ${reason}`);
  }

  closed() {
    if (!this.closing) this.unexpectedCloses++;
  }

  /** Counts every message of a `chat` or `batch` frame, and its latency from the time it carries. */
  countChats(client, data) {
    const t = performance.now();
    const cursor = { at: 0 };
    let found = 0;
    while ((cursor.at = data.indexOf(SEND_TIME_TAG, cursor.at)) !== -1) {
      cursor.at += SEND_TIME_TAG.length;
      this.hist.record(t - readNumber(data, cursor));
      found++;
    }
    this.frames++;
    this.delivered += found;
    this.deliveredByNode[client.node] += found;
  }

  send(client) {
    client.inFlight++;
    client.ws.send(`42/chat,${client.nextAck++}["chat",{"m":"t:${performance.now().toFixed(3)}: ${FILLER}"}]`);
  }

  /**
   * The fixed load: `rate` messages/s round-robin over the fast writers, each at most WINDOW
   * unacked; what finds every window full is counted as unsent (the nodes did not keep up).
   */
  pace(fast) {
    const t0 = performance.now();
    let offered = 0;
    let next = 0;
    this.pacer = setInterval(() => {
      const due = Math.floor(((performance.now() - t0) * this.rate) / 1000);
      for (let full = 0; offered < due && full < fast.length; next++) {
        const client = fast[next % fast.length];
        if (client.inFlight >= WINDOW) full++;
        else {
          this.send(client);
          offered++;
          full = 0;
        }
      }
      if (offered < due) {
        if (this.measuring) this.unsent += due - offered;
        offered = due;
      }
    }, 5);
  }

  /** A human sends when due, or right after its last line is acked if that is still pending. */
  scheduleHuman(client, firstMs) {
    client.timer = setTimeout(() => {
      if (!this.running) return;
      if (client.inFlight === 0) this.send(client);
      else client.due = true;
      this.scheduleHuman(client, (1000 / HUMAN_RATE) * (0.5 + Math.random()));
    }, firstMs);
  }
}

/** Opens `count` clients of `role`, `WAVE` at a time, spread round-robin over the nodes. */
async function open(load, clients, nodes, role, count, prefix) {
  for (let first = 0; first < count; first += WAVE) {
    const target = load.readyCount + Math.min(WAVE, count - first);
    for (let i = first; i < Math.min(count, first + WAVE); i++) {
      const node = i % nodes.length;
      const auth = PLAIN ? { nick: `${prefix}${i}` } : { nick: `${prefix}${i}`, batch: true, presence: 'digest' };
      const client = new WireClient(nodes[node].port, auth, load, i);
      Object.assign(client, { role, node, inFlight: 0, nextAck: 1, due: false, timer: undefined });
      clients.push(client);
    }
    const deadline = performance.now() + 30_000;
    while (load.readyCount < target && load.failureCount === 0 && performance.now() < deadline) await sleep(10);
    if (load.readyCount < target) throw new Error(`${load.readyCount} of ${target} clients logged in; ${load.failureCount > 0 ? `${load.failureCount} failed: ${load.failures.join('; ')}` : 'timed out'}`);
  }
}

async function run(nodeCount, rate) {
  const id = randomBytes(4).toString('hex');
  const table = `bench_${id}`;
  const prefix = `chatterbox-bench:${id}:`;
  const options = {
    // Every generator client comes from 127.0.0.1 and the fast writers send far above a person's
    // rate: the same limits the main benchmark lifts.
    ...BENCH_RATE_LIMIT_OPTIONS,
    ...(nodeCount > 1 ? { cluster: { redis: REDIS_URL, keyPrefix: prefix } } : {}),
  };
  const nodes = [];
  const clients = [];
  const load = new Load(nodeCount, rate);
  const db = new pg.Client({ connectionString: POSTGRES_URL });
  await db.connect();
  try {
    for (let i = 0; i < nodeCount; i++) {
      nodes.push(await startNode(options, MEMORY ? {} : { CHAT_POSTGRES_URL: POSTGRES_URL, CHAT_POSTGRES_TABLE: table }));
    }
    await open(load, clients, nodes, HUMAN, HUMANS, 'h');
    await open(load, clients, nodes, FAST_WRITER, FAST, 'f');
    await open(load, clients, nodes, READER, READERS, 'r');

    load.running = true;
    for (const client of clients) {
      if (client.role === FAST_WRITER && rate === 'max') for (let k = 0; k < WINDOW; k++) load.send(client);
      else if (client.role === HUMAN && HUMAN_RATE > 0) load.scheduleHuman(client, (1000 / HUMAN_RATE) * Math.random());
    }
    if (rate !== 'max') load.pace(clients.filter((client) => client.role === FAST_WRITER));
    await sleep(WARM_UP_MS);

    const nodeCpu0 = nodes.map((node) => processCpuMs(node.child.pid));
    const pg0 = cpuOfProcesses('postgres');
    const redis0 = cpuOfProcesses('redis-server');
    const commits0 = await commits(db);
    const gen0 = ownCpuMs();
    const t0 = performance.now();
    load.measuring = true;
    await sleep(SECONDS * 1000);
    load.measuring = false;
    const ms = performance.now() - t0;
    const gen = totalMs(cpuDelta(gen0, ownCpuMs()));
    const nodeCpu = nodes.map((node, i) => totalMs(cpuDelta(nodeCpu0[i], processCpuMs(node.child.pid))));
    const pgCpu = cpuSince(pg0, cpuOfProcesses('postgres'));
    const redisCpu = cpuSince(redis0, cpuOfProcesses('redis-server'));
    const commitCount = (await commits(db)) - commits0;
    load.running = false;
    clearInterval(load.pacer);
    for (const client of clients) clearTimeout(client.timer);

    const perSecond = (n) => Math.round((1000 * n) / ms);
    const percent = (cpuMs) => `${Math.round((100 * cpuMs) / ms)} %`;
    const usPerDelivery = (cpuMs, deliveries) => (deliveries > 0 ? ((1000 * cpuMs) / deliveries).toFixed(2) : '-');
    const latency = load.hist.summary();
    const nodeCpuTotal = nodeCpu.reduce((sum, cpu) => sum + cpu, 0);
    return {
      summary: {
        load: rate === 'max' ? 'max' : `${rate}/s`,
        nodes: nodeCount,
        clients: clients.length,
        'stored/s': perSecond(load.stored),
        'delivered/s': perSecond(load.delivered),
        'p50 ms': latency.p50 === null ? '-' : Math.round(latency.p50),
        'p99 ms': latency.p99 === null ? '-' : Math.round(latency.p99),
        // What batching saves: the fan-out costs about one socket write per frame, not per message.
        'msgs/frame': load.frames > 0 ? (load.delivered / load.frames).toFixed(1) : '-',
        'node CPU µs/delivery': `${nodeCpu.map((cpu, i) => usPerDelivery(cpu, load.deliveredByNode[i])).join(' / ')} (all ${usPerDelivery(nodeCpuTotal, load.delivered)})`,
        'node CPU': nodeCpu.map(percent).join(' / '),
        'postgres CPU': percent(pgCpu),
        'redis CPU': nodeCount > 1 ? percent(redisCpu) : '-',
        'generator CPU': percent(gen),
        'msgs/commit ≈': MEMORY || commitCount <= 0 ? '-' : (load.stored / commitCount).toFixed(1),
      },
      perNode: nodes.map((_node, i) => ({
        load: rate === 'max' ? 'max' : `${rate}/s`,
        nodes: nodeCount,
        node: i + 1,
        'deliveries/s': perSecond(load.deliveredByNode[i]),
        'CPU %': percent(nodeCpu[i]),
        'CPU µs/delivery': usPerDelivery(nodeCpu[i], load.deliveredByNode[i]),
        // Everything the node does for a stored message: its share of the fan-out, plus the append and the Redis hop.
        'CPU µs/stored msg': load.stored > 0 ? Math.round((1000 * nodeCpu[i]) / load.stored) : '-',
      })),
      refusals: Object.fromEntries(load.refusals),
      unsent: load.unsent,
      unexpectedCloses: load.unexpectedCloses,
    };
  } finally {
    load.running = false;
    clearInterval(load.pacer);
    load.closing = true;
    // The nodes go first, so that hundreds of disconnects are not a flood of presence changes.
    for (const node of nodes) node.child.kill('SIGKILL');
    for (const client of clients) {
      clearTimeout(client.timer);
      client.terminate();
    }
    // Every object migrations create: the table, its migrations record, reactions, blocks,
    // changes and direct-message lists, and the sequence numbering changes.
    await db.query(
      `DROP TABLE IF EXISTS ${['', '_migrations', '_reactions', '_blocks', '_changes', '_dms'].map((suffix) => `"${table}${suffix}"`).join(', ')} CASCADE`,
    );
    await db.query(`DROP SEQUENCE IF EXISTS "${table}_change_rev"`);
    await db.end();
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  }
}

const kind = PLAIN ? 'plain clients' : 'batch + presence digest clients';
console.log(
  `${HUMANS} humans at ${HUMAN_RATE} msgs/s, ${FAST} fast writers (≤ ${WINDOW} in flight; loads: ${RATES.join(', ')}), ${READERS} extra readers; ${kind}; ` +
    `history ${MEMORY ? 'in memory per node' : 'PostgreSQL'}; ${SECONDS} s measured; load average ${readFileSync('/proc/loadavg', 'latin1').split(' ').slice(0, 3).join(' ')}`,
);
const summaries = [];
const perNode = [];
for (const rate of RATES) {
  for (const nodeCount of [1, 2]) {
    const result = await run(nodeCount, rate);
    summaries.push(result.summary);
    perNode.push(...result.perNode);
    const what = `${rate === 'max' ? 'max' : `${rate}/s`}, ${nodeCount} node(s)`;
    if (Object.keys(result.refusals).length > 0) console.log(`${what}: refused`, result.refusals);
    if (result.unsent > 0) console.log(`${what}: ${result.unsent} messages not sent in the window (every fast writer's window was full)`);
    if (result.unexpectedCloses > 0) console.log(`${what}: ${result.unexpectedCloses} connections closed by the server`);
  }
}
// The run reports what it measured; docs/performance.md's table is copied from these lines.
console.table(summaries);
console.table(perNode);
