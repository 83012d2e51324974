// Benchmark: one chat on 1 process vs 2 processes over Redis, history in PostgreSQL, readers split
// across the processes. A raw `ws` load generator speaks Engine.IO v4 / Socket.IO v5 so that the
// clients cost little. Prints delivered messages/s and latency percentiles; runs under 2 minutes.
// Usage: npm run bench:cluster   (env: REDIS_URL, DATABASE_URL, READERS, WRITERS, WINDOW, SECONDS, RATE, HISTORY)
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { Redis } from 'ioredis';
import WebSocket from 'ws';
import { BENCH_RATE_LIMIT_OPTIONS } from './chat-load/bench-limits.mjs';

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const FIXTURE = path.join(ROOT, 'test', 'fixtures', 'chat-server-process.cjs');
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const POSTGRES_URL = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
const READERS = Number(process.env.READERS ?? 200);
const WRITERS = Number(process.env.WRITERS ?? 4);
const WINDOW = Number(process.env.WINDOW ?? 4); // unacked messages in flight per writer
const SECONDS = Number(process.env.SECONDS ?? 8);
// Two loads: as fast as acks come (throughput), and a fixed 40 messages/s in all (latency without
// queueing, under PostgreSQL's commit rate). RATE=n runs only the fixed load n; RATE=max only the first.
const RATES = process.env.RATE === undefined ? [undefined, 40] : [process.env.RATE === 'max' ? undefined : Number(process.env.RATE)];
// HISTORY=memory: each process keeps its own log, which takes PostgreSQL's commit rate out of the figures.
const MEMORY = process.env.HISTORY === 'memory';

function startNode(options, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [FIXTURE], {
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

/** A minimal Socket.IO client on one WebSocket: connect to /chat with auth, answer pings. */
function connect(port, auth, onEvent) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket`);
    const acks = new Map();
    let nextAck = 1;
    ws.on('error', reject);
    ws.on('message', (data) => {
      const text = data.toString();
      if (text === '2') return ws.send('3');
      if (text.startsWith('0')) return ws.send(`40/chat,${JSON.stringify(auth)}`);
      if (text.startsWith('40/chat,')) return;
      if (text.startsWith('42/chat,')) {
        const [event, payload] = JSON.parse(text.slice(8));
        if (event === 'session') resolve(client);
        else onEvent(event, payload);
      } else if (text.startsWith('43/chat,')) {
        const rest = text.slice(8);
        const bracket = rest.indexOf('[');
        const id = Number(rest.slice(0, bracket));
        acks.get(id)?.(JSON.parse(rest.slice(bracket))[0]);
        acks.delete(id);
      }
    });
    const client = {
      ws,
      emit(event, arg) {
        return new Promise((done) => {
          const id = nextAck++;
          acks.set(id, done);
          ws.send(`42/chat,${id}${JSON.stringify([event, arg])}`);
        });
      },
    };
  });
}

function percentile(sorted, p) {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function run(processes, RATE) {
  const id = randomBytes(4).toString('hex');
  const table = `bench_${id}`;
  const prefix = `chatterbox-bench:${id}:`;
  const options = {
    // Every generator client comes from 127.0.0.1 and the writers send far above a person's rate:
    // the same limits the main benchmark lifts.
    ...BENCH_RATE_LIMIT_OPTIONS,
    ...(processes > 1 ? { cluster: { redis: REDIS_URL, keyPrefix: prefix } } : {}),
    ...(MEMORY ? { history: { memory: true } } : {}),
  };
  const nodes = [];
  try {
    for (let i = 0; i < processes; i++) {
      nodes.push(await startNode(options, MEMORY ? {} : { CHAT_POSTGRES_URL: POSTGRES_URL, CHAT_POSTGRES_TABLE: table }));
    }
    const latencies = [];
    let delivered = 0;
    let measuring = false;
    const readers = [];
    for (let i = 0; i < READERS; i++) {
      readers.push(
        await connect(nodes[i % processes].port, {}, (event, line) => {
          if (event !== 'chat' || !measuring) return;
          delivered++;
          const sent = Number(line.m.split(':')[1]);
          latencies.push(Date.now() - sent);
        }),
      );
    }
    const writers = [];
    for (let i = 0; i < WRITERS; i++) writers.push(await connect(nodes[i % processes].port, { nick: `w${i}` }, () => {}));
    let sent = 0;
    let stop = false;
    const send = async (writer, w) => {
      const ack = await writer.emit('chat', `${w}:${Date.now()}`);
      if (!ack.ok) throw new Error(JSON.stringify(ack));
      sent++;
    };
    const loops =
      RATE === undefined
        ? writers.flatMap((writer, w) =>
            Array.from({ length: WINDOW }, async () => {
              while (!stop) await send(writer, w);
            }),
          )
        : writers.map(async (writer, w) => {
            const inFlight = [];
            while (!stop) {
              inFlight.push(send(writer, w));
              await new Promise((resolve) => setTimeout(resolve, (1000 * WRITERS) / RATE));
            }
            await Promise.all(inFlight);
          });
    await new Promise((resolve) => setTimeout(resolve, 1000)); // warm-up
    measuring = true;
    const started = Date.now();
    const sentAtStart = sent;
    await new Promise((resolve) => setTimeout(resolve, SECONDS * 1000));
    measuring = false;
    const elapsed = (Date.now() - started) / 1000;
    const sentInWindow = sent - sentAtStart;
    stop = true;
    await Promise.all(loops);
    for (const client of [...readers, ...writers]) client.ws.close();
    latencies.sort((a, b) => a - b);
    return {
      load: RATE === undefined ? `max (${WINDOW} in flight/writer)` : `${RATE} msgs/s`,
      processes,
      readers: READERS,
      writers: WRITERS,
      'stored msgs/s': Math.round(sentInWindow / elapsed),
      'delivered msgs/s': Math.round(delivered / elapsed),
      'p50 ms': percentile(latencies, 50),
      'p99 ms': percentile(latencies, 99),
    };
  } finally {
    for (const node of nodes) node.child.kill('SIGKILL');
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    await client.query(`DROP TABLE IF EXISTS ${table}, ${table}_migrations`);
    await client.end();
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  }
}

const results = [];
for (const rate of RATES) for (const processes of [1, 2]) results.push(await run(processes, rate));
// The run reports what it measured; the README's table is copied from these lines.
console.table(results);
