/**
 * How many messages per second each MessageStore appends, one at a time and with several in
 * flight (as many sockets chatting at once). Run after `npm run build:lib`:
 *
 *   node bench/store-append.mjs            # PostgreSQL at DATABASE_URL, if it answers
 *   BENCH_SECONDS=5 BENCH_CONCURRENCY=64 node bench/store-append.mjs
 *
 * Each measurement runs for BENCH_SECONDS (default 2), so the whole run stays under a minute.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { MemoryStore } from '../dist/history/memory-store.js';
import { PostgresStore } from '../dist/history/postgres-store.js';
import { SqliteStore } from '../dist/history/sqlite-store.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 2);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const POSTGRES_URL = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
const TEXT = 'A message of about a hundred characters, which is a typical length for a line of chat text.';

// Outages are what the logger is for; a benchmark that hits one should say so and stop.
const logger = {
  warn: (message, meta) => console.warn(message, meta ?? ''),
  error: (message, meta) => console.error(message, meta ?? ''),
};

/** Appends with `inFlight` calls outstanding until the time is up; returns throughput and latencies. */
async function measure(store, inFlight) {
  const latencies = [];
  const deadline = performance.now() + SECONDS * 1000;
  let sequence = 0;
  const worker = async () => {
    while (performance.now() < deadline) {
      sequence += 1;
      const started = performance.now();
      await store.append({ room: '', u: 'bench', m: TEXT, ts: Date.now(), authorKey: 'bench', cid: `c${sequence}` });
      latencies.push(performance.now() - started);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: inFlight }, worker));
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (fraction) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * fraction))] ?? NaN;
  return { appends: latencies.length, perSecond: latencies.length / elapsed, p50: at(0.5), p99: at(0.99) };
}

/** Runs both modes against a store made by `make`; `dispose` cleans up after it is closed. */
async function bench(name, make, dispose = async () => {}) {
  const rows = [];
  for (const inFlight of [1, CONCURRENCY]) {
    const store = await make();
    try {
      rows.push({ name, mode: inFlight === 1 ? 'sequential' : `${inFlight} in flight`, ...(await measure(store, inFlight)) });
    } finally {
      await store.close();
      await dispose();
    }
  }
  return rows;
}

const directory = mkdtempSync(join(tmpdir(), 'chatterbox-bench-'));
const results = [];
try {
  let run = 0;
  results.push(
    ...(await bench('MemoryStore', async () => {
      const store = new MemoryStore();
      await store.open();
      return store;
    })),
  );
  results.push(
    ...(await bench('SqliteStore', async () => {
      run += 1;
      const store = new SqliteStore({ file: join(directory, `bench-${run}.sqlite`), logger });
      await store.open();
      return store;
    })),
  );

  const table = `chatterbox_bench_${process.pid}`;
  const admin = new pg.Pool({ connectionString: POSTGRES_URL, max: 1, connectionTimeoutMillis: 3000 });
  admin.on('error', () => {});
  const reachable = await admin.query('SELECT 1').then(
    () => true,
    (error) => {
      console.log(`PostgresStore skipped: ${POSTGRES_URL} did not answer (${error.message})`);
      return false;
    },
  );
  if (reachable) {
    const drop = async () => {
      await admin.query(`DROP TABLE IF EXISTS "${table}", "${table}_migrations"`);
    };
    results.push(
      ...(await bench(
        'PostgresStore',
        async () => {
          const store = new PostgresStore({ connectionString: POSTGRES_URL, table, logger });
          await store.open();
          return store;
        },
        drop,
      )),
    );
  }
  await admin.end();
} finally {
  rmSync(directory, { recursive: true, force: true });
}

const format = (value, digits) => value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
console.log(`\nappend() for ${SECONDS} s per row, Node ${process.version}, ${TEXT.length}-character messages with a cid\n`);
console.log(`${'store'.padEnd(15)}${'mode'.padEnd(16)}${'appends/s'.padStart(12)}${'p50 ms'.padStart(10)}${'p99 ms'.padStart(10)}`);
for (const row of results) {
  console.log(
    `${row.name.padEnd(15)}${row.mode.padEnd(16)}${format(row.perSecond, 0).padStart(12)}${format(row.p50, 3).padStart(10)}${format(row.p99, 3).padStart(10)}`,
  );
}
