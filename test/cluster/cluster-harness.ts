/** Starts chat nodes as child processes sharing a Redis prefix and a PostgreSQL table of the test's own, and cleans both up. */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { io as connectClient } from 'socket.io-client';
import { startChildServer, type ChildServer } from '../helpers/child-server';
import { NO_LIMITS, nextEvent, type TestSocket } from '../helpers/chat-server';
import { POSTGRES_URL } from '../helpers/services';
import type { ChatMessage, SessionInfo } from '../../lib/protocol/payloads';

/** Short heartbeats so that a dead node is swept within about two seconds. */
export const HEARTBEAT_MS = 300;
export const NODE_TIMEOUT_MS = 1500;

/** How a test client reaches a node: as a signed-in `user` (fixture's CHAT_TEST_IDENTIFY=query), from `localAddress`. */
export interface ClientVia {
  user?: string;
  localAddress?: string;
}

/** One test's cluster: a unique key prefix and table, its nodes and its clients. */
export interface TestCluster {
  prefix: string;
  table: string;
  nodes: ChildServer[];
  /** Starts one more node over `redisUrl`. */
  addNode(): Promise<ChildServer>;
  /** Connects a WebSocket-only client to `node`; resolves after `session`. `via`: its query (`user`) and local address. */
  connect(node: ChildServer, auth?: Record<string, unknown>, via?: ClientVia): Promise<TestSocket>;
  /** Opens a client: resolves with the socket once connected; rejects with the refusal, its `data` ({ code }) merged in. */
  open(node: ChildServer, auth?: Record<string, unknown>, via?: ClientVia): Promise<TestSocket>;
  /** Connects with `auth` and resolves with the socket, its welcome `history` and its `session`. */
  join(node: ChildServer, auth: Record<string, unknown>): Promise<{ socket: TestSocket; history: ChatMessage[]; session: SessionInfo }>;
  /** Connects and logs in as `nick`. */
  login(node: ChildServer, nick: string): Promise<TestSocket>;
  /** Disconnects clients, stops nodes, deletes the Redis keys and drops the table. */
  cleanup(): Promise<void>;
}

/**
 * Creates a cluster of `count` nodes over `redisUrl` with a fresh prefix and PostgreSQL table;
 * `nodeRedisUrls[i]`, when given, is the way node i reaches that same Redis (e.g. through a proxy).
 */
export async function startCluster(
  count: number,
  redisUrl: string,
  nodeRedisUrls: string[] = [],
  extra: { options?: Record<string, unknown>; env?: Record<string, string> } = {},
): Promise<TestCluster> {
  const id = `${process.pid}_${randomBytes(4).toString('hex')}`;
  const prefix = `chatterbox-test:${id}:`;
  const table = `cluster_test_${id}`;
  const nodes: ChildServer[] = [];
  const sockets: TestSocket[] = [];
  const addNode = async () => {
    const node = await startChildServer(
      {
        ...NO_LIMITS,
        ...extra.options,
        cluster: { redis: nodeRedisUrls[nodes.length] ?? redisUrl, keyPrefix: prefix, heartbeatMs: HEARTBEAT_MS, nodeTimeoutMs: NODE_TIMEOUT_MS },
      },
      { CHAT_POSTGRES_URL: POSTGRES_URL, CHAT_POSTGRES_TABLE: table, ...extra.env },
    );
    nodes.push(node);
    return node;
  };
  // One after another: the first creates the table and its migrations.
  for (let i = 0; i < count; i++) await addNode();
  const client = (node: ChildServer, auth: Record<string, unknown>, via: ClientVia): TestSocket => {
    const socket: TestSocket = connectClient(`${node.url}/chat`, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      auth,
      ...(via.user === undefined ? {} : { query: { user: via.user } }),
      ...(via.localAddress === undefined ? {} : { localAddress: via.localAddress }),
    } as Parameters<typeof connectClient>[1]);
    sockets.push(socket);
    return socket;
  };
  const connect: TestCluster['connect'] = async (node, auth = {}, via = {}) => {
    const socket = client(node, auth, via);
    await nextEvent(socket, 'session', 10_000);
    return socket;
  };
  const open: TestCluster['open'] = (node, auth = {}, via = {}) => {
    const socket = client(node, auth, via);
    return new Promise((resolve, reject) => {
      socket.once('connect', () => resolve(socket));
      // Rejects with the refusal's `data` ({ code }) merged into the error, so tests can match the code.
      socket.once('connect_error', (error: Error & { data?: object }) => reject(Object.assign(error, error.data)));
    });
  };
  const join: TestCluster['join'] = async (node, auth) => {
    const socket: TestSocket = connectClient(`${node.url}/chat`, { transports: ['websocket'], forceNew: true, reconnection: false, auth });
    sockets.push(socket);
    const history = nextEvent<[ChatMessage[]]>(socket, 'history', 10_000);
    const [session] = await nextEvent<[SessionInfo]>(socket, 'session', 10_000);
    return { socket, history: (await history)[0], session };
  };
  const login: TestCluster['login'] = async (node, nick) => {
    const socket = await connect(node);
    const ack = await socket.timeout(10_000).emitWithAck('login', nick);
    if (!ack.ok) throw new Error(`login ${nick} failed: ${ack.error.code}`);
    return socket;
  };
  const cleanup = async () => {
    for (const socket of sockets) socket.disconnect();
    await Promise.all(nodes.map((node) => node.stop('SIGKILL')));
    await deleteKeys(redisUrl, prefix).catch(() => undefined);
    const pg = new Client({ connectionString: POSTGRES_URL });
    await pg.connect();
    // The store's tables beside the messages (reactions, blocks, conversations, the changes log and its sequence) too.
    await pg.query(`DROP TABLE IF EXISTS ${table}, ${table}_migrations, ${table}_reactions, ${table}_blocks, ${table}_dms, ${table}_changes`);
    await pg.query(`DROP SEQUENCE IF EXISTS ${table}_change_rev`);
    await pg.end();
  };
  return { prefix, table, nodes, addNode, connect, open, join, login, cleanup };
}

/** Deletes every key under `prefix` (never anything else on the shared Redis). */
export async function deleteKeys(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** Polls `check` until it returns true, or fails with `what` after `timeoutMs`. */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A node's `status()` as served by the fixture at /status, with `cluster` its state. */
export async function nodeStatus(node: ChildServer): Promise<{ pid: number; cluster: string; since: number }> {
  const response = await fetch(`${node.url}/status`);
  const body = (await response.json()) as { pid: number; cluster: { state: string; since: number } };
  return { pid: body.pid, cluster: body.cluster.state, since: body.cluster.since };
}
