/** The reconnect backoff: doubling, capped at 5 s, jittered so that nodes do not retry in step. */
import { retryDelay } from '../../lib/cluster/chat-cluster';

describe('retryDelay', () => {
  it.each([
    [0, 50, 100],
    [1, 100, 200],
    [3, 400, 800],
    [6, 2500, 5000],
    [50, 2500, 5000],
  ])('after attempt %d waits between %d and %d ms', (attempt, low, high) => {
    expect(retryDelay(attempt, () => 0)).toBe(low);
    expect(retryDelay(attempt, () => 1)).toBe(high);
    const delay = retryDelay(attempt);
    expect(delay).toBeGreaterThanOrEqual(low);
    expect(delay).toBeLessThanOrEqual(high);
  });
});
