/** The `cluster` option: its declaration, defaults and validation (called from options.ts). */

/**
 * The host's ioredis client, typed by the one method Chatterbox uses, so that these declarations
 * do not need ioredis installed to compile.
 */
export interface RedisClientLike {
  duplicate(override?: Record<string, unknown>): unknown;
}

/** Runs one chat on several processes over Redis; see the README's "Scale out". */
export interface ClusterOptions {
  /**
   * A Redis URL (`redis://…`, `rediss://…`) or the host's own ioredis client. Chatterbox opens its
   * own connections (duplicates of the host's client) and closes only those, never the host's.
   */
  redis: string | RedisClientLike;
  /** Prefix of every Redis key and channel the chat uses; two chats on one Redis need two prefixes. Defaults to `'chatterbox:'`. */
  keyPrefix?: string | undefined;
  /** How often a node renews its liveness key and sweeps dead nodes' users. Defaults to `2000` ms. */
  heartbeatMs?: number | undefined;
  /**
   * How long a node that stopped renewing its liveness key counts as alive; its users leave the
   * list at most `nodeTimeoutMs + heartbeatMs` after it died. At least twice `heartbeatMs`.
   * Defaults to `6000` ms.
   */
  nodeTimeoutMs?: number | undefined;
}

/** The cluster options with every default filled in. */
export interface ResolvedClusterOptions {
  redis: string | RedisClientLike;
  keyPrefix: string;
  heartbeatMs: number;
  nodeTimeoutMs: number;
}

const CLUSTER_KEYS = ['redis', 'keyPrefix', 'heartbeatMs', 'nodeTimeoutMs'];

/** Validates the `cluster` option; `fail(name, expected, value)` builds the option error to throw. */
export function checkCluster(
  value: unknown,
  fail: (name: string, expected: string, value: unknown) => Error,
): ResolvedClusterOptions | undefined {
  if (value === undefined || value === false) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw fail('cluster', "an object such as { redis: 'redis://127.0.0.1:6379' }", value);
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!CLUSTER_KEYS.includes(key)) {
      const near = CLUSTER_KEYS.find((name) => name.toLowerCase().startsWith(key.toLowerCase().slice(0, 4)));
      throw fail(`cluster.${key}`, `left out: it is not a cluster option${near ? ` (did you mean "${near}"?)` : ''}; known: ${CLUSTER_KEYS.join(', ')}`, record[key]);
    }
  }
  const redis = record.redis;
  const isClient = typeof redis === 'object' && redis !== null && typeof (redis as { duplicate?: unknown }).duplicate === 'function';
  if (!isClient && !(typeof redis === 'string' && /^rediss?:\/\/./.test(redis))) {
    throw fail('cluster.redis', "a Redis URL ('redis://host:6379') or an ioredis client", redis);
  }
  const keyPrefix = record.keyPrefix ?? 'chatterbox:';
  if (typeof keyPrefix !== 'string' || keyPrefix.length === 0 || /[{}\s]/.test(keyPrefix)) {
    throw fail('cluster.keyPrefix', 'a non-empty string without spaces or braces', keyPrefix);
  }
  const heartbeatMs = record.heartbeatMs ?? 2000;
  if (typeof heartbeatMs !== 'number' || !Number.isInteger(heartbeatMs) || heartbeatMs < 50 || heartbeatMs > 60_000) {
    throw fail('cluster.heartbeatMs', 'a whole number of milliseconds from 50 to 60000', heartbeatMs);
  }
  const nodeTimeoutMs = record.nodeTimeoutMs ?? 6000;
  if (typeof nodeTimeoutMs !== 'number' || !Number.isInteger(nodeTimeoutMs) || nodeTimeoutMs < 2 * heartbeatMs || nodeTimeoutMs > 600_000) {
    throw fail('cluster.nodeTimeoutMs', `a whole number of milliseconds from ${2 * heartbeatMs} (twice heartbeatMs) to 600000`, nodeTimeoutMs);
  }
  return { redis: redis as string | RedisClientLike, keyPrefix, heartbeatMs, nodeTimeoutMs };
}
