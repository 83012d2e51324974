// The chat limits every benchmark of Chatterbox lifts (bench/run.mjs's servers and bench/cluster.mjs).

/**
 * The only limits the benchmark must lift; every other default stays on (validation, SQLite history,
 * origin check, maxBufferedBytes 8 MiB, maxHttpBufferSize, identity re-checks):
 * - messageRate (3 per 2 s per user) and eventRate (30 per 2 s per connection): the generators'
 *   writers each send up to thousands of messages per second during saturation;
 * - loginRate (10 per minute per address) and maxConnectionsPerAddress (20): every generator
 *   client comes from 127.0.0.1, up to 5,000 of them.
 */
export const BENCH_RATE_LIMIT_OPTIONS = {
  messageRate: false,
  eventRate: false,
  loginRate: false,
  maxConnectionsPerAddress: 0,
};
