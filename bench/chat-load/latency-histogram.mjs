/** Latencies in log buckets 1 % wide: constant memory and cost per sample, percentiles within 1 %. */

const GROWTH = 1.01;
const LOG_GROWTH = Math.log(GROWTH);
/** Enough buckets for 10 minutes in microseconds. */
const BUCKETS = 2 + Math.ceil(Math.log(600e6) / LOG_GROWTH);

export class LatencyHistogram {
  constructor() {
    this.counts = new Float64Array(BUCKETS);
    this.reset();
  }

  reset() {
    this.counts.fill(0);
    this.count = 0;
    this.sum = 0;
    this.max = 0;
  }

  /** Records one latency in milliseconds. */
  record(ms) {
    const us = ms * 1000;
    const bucket = us < 1 ? 0 : Math.min(BUCKETS - 1, 1 + Math.floor(Math.log(us) / LOG_GROWTH));
    this.counts[bucket]++;
    this.count++;
    this.sum += ms;
    if (ms > this.max) this.max = ms;
  }

  /** The `q`-quantile (0–1) in milliseconds, or null without samples. */
  quantile(q) {
    if (this.count === 0) return null;
    const rank = Math.max(1, Math.ceil(q * this.count));
    let seen = 0;
    for (let bucket = 0; bucket < BUCKETS; bucket++) {
      seen += this.counts[bucket];
      if (seen >= rank) {
        // The bucket's geometric middle, never above the largest sample.
        const value = bucket === 0 ? 0 : GROWTH ** (bucket - 0.5) / 1000;
        return Math.min(value, this.max);
      }
    }
    return this.max;
  }

  summary() {
    return {
      samples: this.count,
      p50: this.quantile(0.5),
      p99: this.quantile(0.99),
      max: this.count === 0 ? null : this.max,
      mean: this.count === 0 ? null : this.sum / this.count,
    };
  }
}
