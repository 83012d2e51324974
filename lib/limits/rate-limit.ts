/**
 * One named rate limit (chat messages per user, logins per address) on rate-limiter-flexible: in
 * memory on one node, or in Redis for a cluster, with a memory limiter that takes over while Redis
 * is away (budgets fall back to per node, and are shared again once it is back).
 */
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { RateOption } from '../options';

/** A budget per key: `consume(key)` spends one point and resolves 0, or the milliseconds to wait. */
export interface RateLimit {
  consume(key: string): Promise<number>;
}

/**
 * The Redis client the cluster shares (an ioredis client): typed loosely because
 * rate-limiter-flexible accepts several clients and the shipped types must not import ioredis.
 */
export type RateLimitRedis = object;

function limiterOptions(rate: Required<RateOption>, wholeSeconds: boolean): { points: number; duration: number; blockDuration: number } {
  // Redis expiries are whole seconds; memory takes fractions.
  const seconds = (ms: number): number => (wholeSeconds ? Math.ceil(ms / 1000) : ms / 1000);
  return { points: rate.limit, duration: Math.max(seconds(rate.windowMs), wholeSeconds ? 1 : 0.001), blockDuration: seconds(rate.blockMs) };
}

/** Builds the limit for `rate`; with `redis`, keys live under `keyPrefix` and are shared by every node. */
export function createRateLimit(rate: Required<RateOption>, redis?: RateLimitRedis, keyPrefix = 'chatterbox:rl'): RateLimit {
  const memory = new RateLimiterMemory({ ...limiterOptions(rate, false), keyPrefix });
  const limiter: RateLimiterAbstract =
    redis === undefined
      ? memory
      : new RateLimiterRedis({
          ...limiterOptions(rate, true),
          storeClient: redis,
          keyPrefix,
          // Redis away: this node's memory decides, rather than refusing everyone or no one.
          insuranceLimiter: new RateLimiterMemory({ ...limiterOptions(rate, false), keyPrefix }),
          // While Redis is not connected, ask the memory limiter at once instead of queueing the command.
          rejectIfRedisNotReady: true,
        });
  return {
    consume: (key) =>
      limiter.consume(key).then(
        () => 0,
        (refusal: unknown) => {
          if (refusal instanceof RateLimiterRes) return Math.max(1, refusal.msBeforeNext);
          // Only reachable without an insurance limiter: a store error must not let a flood through.
          throw refusal instanceof Error ? refusal : new Error('rate limit store failed');
        },
      ),
  };
}
