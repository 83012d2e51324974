// Micro-benchmark of one budget check per event (the hot path of every `chat` packet): the
// rate-limiter-flexible memory limiter Chatterbox uses for messageRate and loginRate, against the
// hand-written token bucket it replaced (still used per connection for eventRate), and
// RateLimiterRedis against a local Redis when one answers. Run after `npm run build:lib`:
//
//   node bench/rate-limit.mjs
//
// Figures and method: docs/performance.md ("Rate limits").
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const { createRateLimit } = require('../dist/limits/rate-limit.js');
const { TokenBucket } = require('../dist/limits/token-bucket.js');

const USERS = 1000;
const N = 200_000;
// Generous: nobody is refused, so each call does the full grant path.
const rate = { limit: 1_000_000, windowMs: 60_000, blockMs: 0 };
const keys = Array.from({ length: USERS }, (_, i) => `guest:127.0.0.1\nuser${i}`);

function report(name, ns) {
  console.log(`${name.padEnd(48)} ${(ns / 1000).toFixed(2)} µs per check`);
}

async function timeAsync(name, consume, n = N) {
  for (let i = 0; i < 10_000; i++) await consume(keys[i % USERS]);
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await consume(keys[i % USERS]);
  report(name, Number(process.hrtime.bigint() - start) / n);
}

function timeSync(name, take) {
  for (let i = 0; i < 10_000; i++) take(keys[i % USERS]);
  const start = process.hrtime.bigint();
  for (let i = 0; i < N; i++) take(keys[i % USERS]);
  report(name, Number(process.hrtime.bigint() - start) / N);
}

// The per-key map of token buckets messageRate and loginRate used before.
const buckets = new Map();
timeSync('token buckets in a Map, sync', (key) => {
  let bucket = buckets.get(key);
  if (bucket === undefined) buckets.set(key, (bucket = new TokenBucket(rate)));
  return bucket.take();
});
const memory = createRateLimit(rate);
await timeAsync('rate-limiter-flexible RateLimiterMemory, awaited', (key) => memory.consume(key));

try {
  const { default: Redis } = await import('ioredis');
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => undefined);
  await redis.connect();
  const shared = createRateLimit(rate, redis, `chatterbox-bench:${process.pid}`);
  await timeAsync('RateLimiterRedis (local Redis), awaited one by one', (key) => shared.consume(key), 20_000);
  const start = process.hrtime.bigint();
  await Promise.all(Array.from({ length: 20_000 }, (_, i) => shared.consume(keys[i % USERS])));
  report('RateLimiterRedis, 20,000 in flight (pipelined)', Number(process.hrtime.bigint() - start) / 20_000);
  const stale = await redis.keys(`chatterbox-bench:${process.pid}*`);
  if (stale.length > 0) await redis.del(...stale);
  await redis.quit();
} catch (error) {
  console.log(`RateLimiterRedis: skipped (${error.message})`);
}
