/**
 * A token bucket with an optional block once empty: `eventRate`, per connection (the per-user and
 * per-address budgets, which a cluster shares, are rate-limiter-flexible's: see rate-limit.ts).
 */
import type { RateOption } from '../options';

/** One bucket; `take()` spends a token or says how long to wait. */
export class TokenBucket {
  private tokens: number;
  private updated: number;
  private blockedUntil = 0;

  constructor(private readonly rate: Required<RateOption>, now: number = Date.now()) {
    this.tokens = rate.limit;
    this.updated = now;
  }

  /** Spends a token: 0 when granted, else the milliseconds until one may be spent. */
  take(now: number = Date.now()): number {
    if (now < this.blockedUntil) return this.blockedUntil - now;
    this.refill(now);
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    if (this.rate.blockMs > 0) {
      this.blockedUntil = now + this.rate.blockMs;
      return this.rate.blockMs;
    }
    const perToken = this.rate.windowMs / this.rate.limit;
    return Math.max(1, Math.ceil((1 - this.tokens) * perToken));
  }

  /** True when the bucket is full and unblocked: it may be forgotten. */
  idle(now: number = Date.now()): boolean {
    this.refill(now);
    return now >= this.blockedUntil && this.tokens >= this.rate.limit;
  }

  private refill(now: number): void {
    const elapsed = Math.max(0, now - this.updated);
    this.updated = now;
    this.tokens = Math.min(this.rate.limit, this.tokens + (elapsed * this.rate.limit) / this.rate.windowMs);
  }
}
