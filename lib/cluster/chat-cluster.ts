/**
 * One chat on several processes. Chatterbox's own Redis connections carry the bus (room-wide
 * events, kicks, repair requests), cluster-wide presence, sanctions and rooms; this file ties them
 * together: the connection state (and the degraded mode while Redis is away, including at start),
 * heartbeats and sweeps, the rejoin that writes local state back, and the repair of every room's
 * message gap from the message log.
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import createDebug from 'debug';
import type { Redis, RedisOptions } from 'ioredis';
import type { ChatContext } from '../chat/context';
import type { EventBus } from '../chat/event-bus';
import type { ChatLogger } from '../options/logger';
import { PRESENCE_PAGE_SIZE, type ChatMessage, type PresenceDigest } from '../protocol/payloads';
import { DEFAULT_ERROR_MESSAGES } from '../protocol/error-codes';
import { sendSystemLine } from '../chat/replies';
import { ChatOptionError, type ResolvedClusterOptions } from '../options';
import { RedisBus } from './redis-bus';
import { RedisPresence } from './redis-presence';
import { RedisRooms } from './redis-rooms';
import { RedisSanctions } from './redis-sanctions';

const debug = createDebug('chatterbox:cluster');

/** The cluster's connection state, as `status().cluster` reports it. */
export type ClusterState =
  /** No `cluster` option: one process. */
  | 'off'
  /** Started, the first attempt to reach Redis still running. */
  | 'connecting'
  /** Every Redis connection is up: one chat with the other nodes. */
  | 'ok'
  /** Redis is unreachable (at start or later): serving this node's users only; rejoins by itself. */
  | 'degraded';

/** The cluster's state and since when (ms since the epoch). */
export interface ClusterStatus {
  state: ClusterState;
  since: number;
}

/**
 * The ioredis client Chatterbox opened for its commands (no offline queue: a command fails at
 * once while Redis is away), typed by shape so the shipped declarations do not import ioredis.
 * Other parts of the chat (rate limits) may use it; Chatterbox closes it.
 */
export interface ClusterRedis {
  readonly status: string;
  eval(script: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
  smembers(key: string): Promise<string[]>;
  del(...keys: string[]): Promise<number>;
  hgetall(key: string): Promise<Record<string, string>>;
  hdel(key: string, ...fields: string[]): Promise<number>;
}

// Gives in-flight events time to land before the log is compared with what each socket received;
// the second wait lets a message appended just before the read arrive.
const REPAIR_SETTLE_MS = 500;
const REPAIR_RECHECK_MS = 300;
// Ids are committed in order but delivered through several nodes: look a little further back.
const REPAIR_SLACK = 50;
// Reconnect backoff: doubling from 100 ms, capped at 5 s, with jitter so nodes do not retry in step.
const RETRY_BASE_MS = 100;
const RETRY_CAP_MS = 5_000;
// close() gives Redis this long to say goodbye before the connections are dropped.
const CLOSE_GRACE_MS = 1_500;

// ioredis connection states after an attempt failed (it retries from 'reconnecting').
const FAILED = new Set(['reconnecting', 'close', 'end']);

/** Capped, jittered exponential backoff for ioredis's `retryStrategy`. */
export function retryDelay(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** Math.min(attempt, 10));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** Resolves with `promise`'s value, or undefined after `ms`. */
function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/** The Redis side of one chat node. */
export class ChatCluster {
  /** The connection for commands, shared with the chat's other cluster-wide parts (rate limits). */
  readonly redis: ClusterRedis;
  /** How this node's events reach the others. */
  readonly bus: EventBus;
  /** Cluster-wide presence. */
  readonly presence: RedisPresence;
  /** Cluster-wide mutes and bans. */
  readonly sanctions: RedisSanctions;
  /** Cluster-wide rooms. */
  readonly rooms: RedisRooms;
  private readonly clients: Redis[];
  private state: ClusterStatus = { state: 'connecting', since: Date.now() };
  private everUp = false;
  private context: ChatContext | undefined;
  private timer: NodeJS.Timeout | undefined;
  private ticking = false;
  private closed = false;
  /** The newest id delivered here when the current outage began. */
  private outageMark: number | undefined;

  constructor(
    private readonly options: ResolvedClusterOptions,
    namespace: string,
    private readonly logger: ChatLogger,
  ) {
    const { Redis: RedisClass } = loadIoredis();
    const retryStrategy = (attempt: number): number => retryDelay(attempt);
    const make = (overrides: RedisOptions): Redis =>
      // The host's client is an ioredis instance (checked by duck typing at creation).
      typeof options.redis === 'string'
        ? new RedisClass(options.redis, { retryStrategy, ...overrides })
        : (options.redis as Redis).duplicate({ retryStrategy, ...overrides });
    // No offline queue: while Redis is away a publish or a command fails at once (and is caught)
    // instead of queueing for ten seconds and rejecting with MaxRetriesPerRequestError.
    const pub = make({ enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    // The subscriber queues its SUBSCRIBE until connected and retries forever.
    const sub = make({ maxRetriesPerRequest: null });
    const command = make({ enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    this.clients = [pub, sub, command];
    for (const client of this.clients) {
      client.on('error', (error: Error) => {
        debug('redis error: %s', error.message);
        this.updateState();
      });
      client.on('ready', () => this.updateState());
      client.on('close', () => this.updateState());
      client.on('end', () => this.updateState());
    }
    const node = `${os.hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
    const prefix = `${options.keyPrefix}{${namespace}}:`;
    this.redis = command;
    this.bus = new RedisBus(pub, sub, `${prefix}bus`, node);
    this.presence = new RedisPresence(command, prefix, node, options.nodeTimeoutMs);
    this.sanctions = new RedisSanctions(command, prefix, this.bus);
    this.rooms = new RedisRooms(command, prefix, node);
    debug('node %s', node);
  }

  /** The current state and since when. */
  get status(): ClusterStatus {
    return { ...this.state };
  }

  /** Starts heartbeats, sweeps and gap repair for the chat's namespace. */
  bind(context: ChatContext): void {
    this.context = context;
    this.bus.subscribe((message) => {
      // A node that rejoined: this node's users missed what that node said while away.
      if (message.type === 'repair') this.repairSoon(message.since);
    });
    this.timer = setInterval(() => void this.tick(), this.options.heartbeatMs);
    this.timer.unref();
    void this.tick();
  }

  /** Leaves the cluster (this node's users leave every list at once) and closes Chatterbox's connections; settles within seconds whatever Redis does. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    try {
      const gone = await within(this.presence.leave(), CLOSE_GRACE_MS);
      for (const nick of gone ?? []) this.context?.broadcaster.exit(nick);
      await within(this.rooms.leaveAll(), CLOSE_GRACE_MS);
    } catch (error) {
      debug('leaving failed: %s', String(error));
    }
    await Promise.all(
      this.clients.map(async (client) => {
        if (client.status === 'ready') await within(client.quit().catch(() => undefined), CLOSE_GRACE_MS);
        client.disconnect();
      }),
    );
  }

  private enter(state: Exclude<ClusterState, 'off'>): void {
    this.state = { state, since: Date.now() };
  }

  private updateState(): void {
    if (this.closed) return;
    const up = this.clients.every((client) => client.status === 'ready');
    const previous = this.state.state;
    if (up && previous !== 'ok') {
      this.enter('ok');
      if (previous === 'degraded') {
        (this.logger.info ?? this.logger.warn).call(this.logger, 'Redis is reachable again: this node rejoined the cluster');
      }
      if (previous === 'degraded' || this.everUp) void this.rejoin();
      else void this.tick();
      this.everUp = true;
    } else if (!up && previous !== 'degraded' && (previous === 'ok' || this.clients.some((client) => FAILED.has(client.status)))) {
      // 'connecting' ends with the first failed attempt: an operator must not wait for a timeout to learn it.
      this.enter('degraded');
      this.outageMark = this.context?.broadcaster.deliveries.newest ?? 0;
      // Once per outage: the node keeps serving its own users and rejoins by itself.
      this.logger.warn(
        previous === 'connecting'
          ? 'Redis is unreachable at start: this node serves its own users only until it can reach Redis (retrying)'
          : 'Redis is unreachable: this node serves its own users only until it returns',
      );
    }
  }

  /** Heartbeat, sweep of dead nodes and sanctions refresh; runs one at a time. */
  private async tick(): Promise<void> {
    if (this.ticking || this.closed || !this.presence.available) return;
    this.ticking = true;
    try {
      // An expired liveness key means Redis forgot us (restart) or a peer swept us (a long pause).
      if (!(await this.presence.heartbeat())) await this.resync();
      const gone = await this.presence.sweep();
      for (const nick of gone) this.context?.broadcaster.exit(nick);
      if (gone.length > 0) debug('swept %d users of dead nodes', gone.length);
      await this.sanctions.refresh();
    } catch (error) {
      debug('heartbeat failed: %s', String(error));
    } finally {
      this.ticking = false;
    }
  }

  /** After an outage: presence and rooms written back, every list refreshed, gaps repaired here and on peers. */
  private async rejoin(): Promise<void> {
    try {
      await this.resync();
      await this.sanctions.refresh();
    } catch (error) {
      debug('resync failed: %s', String(error));
    }
    const since = this.outageMark ?? this.context?.broadcaster.deliveries.newest ?? 0;
    this.outageMark = undefined;
    this.repairSoon(since);
    this.bus.publish({ type: 'repair', since });
  }

  private async resync(): Promise<void> {
    const context = this.context;
    if (context === undefined) return;
    const { entered, gone, conflicts } = await this.presence.resync();
    await this.rooms.resync();
    for (const nick of gone) context.broadcaster.exit(nick);
    for (const nick of entered) context.broadcaster.enter(nick);
    for (const socketId of conflicts) {
      const socket = context.namespace.sockets.get(socketId);
      if (socket === undefined) continue;
      // Someone on another node took the name while this node was cut off: they keep it.
      const error = { code: 'NICK_TAKEN' as const, message: DEFAULT_ERROR_MESSAGES.NICK_TAKEN };
      socket.data.nick = undefined;
      socket.data.nickKey = undefined;
      sendSystemLine(socket, error.message);
      socket.emit('session', { nick: null, error });
    }
    const users = await this.presence.list();
    // Digest clients get a fresh snapshot (their first page) instead of the whole list.
    const page = await this.presence.page(undefined, PRESENCE_PAGE_SIZE);
    const digest: PresenceDigest = page.next === undefined ? { count: page.count, names: page.names } : { count: page.count, names: page.names, next: page.next };
    for (const socket of context.namespace.sockets.values()) {
      if (socket.data.nick === undefined) continue;
      if (socket.data.digest === true) socket.emit('presence', digest);
      else socket.emit('users', users);
    }
    debug('resynced: %d entered, %d gone, %d conflicts', entered.length, gone.length, conflicts.length);
  }

  private repairSoon(since: number): void {
    setTimeout(() => void this.repair(since), REPAIR_SETTLE_MS).unref();
  }

  /** Sends each local socket, in every room it is in, the messages after `since` it never received (the log is the truth). */
  private async repair(since: number): Promise<void> {
    const context = this.context;
    if (context === undefined || this.closed) return;
    const logs = new Map<string, ChatMessage[]>();
    for (const room of context.broadcaster.rooms()) {
      try {
        const { messages } = await context.store.after(room, Math.max(0, since - REPAIR_SLACK), context.options.reconnectLimit);
        if (messages.length > 0) logs.set(room, messages);
      } catch (error) {
        context.logger.error('repairing a message gap failed: the log cannot be read', { error: String(error) });
        return;
      }
    }
    if (logs.size === 0) return;
    await new Promise((resolve) => setTimeout(resolve, REPAIR_RECHECK_MS));
    let sent = 0;
    for (const [room, log] of logs) sent += context.broadcaster.repair(room, log);
    debug('repaired %d deliveries after id %d', sent, since);
  }
}

/** Loads the optional peer dependency only when `cluster` is used. */
function loadIoredis(): { Redis: typeof import('ioredis').Redis } {
  try {
    // Required lazily: a chat without `cluster` must not need it installed.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Redis } = require('ioredis') as typeof import('ioredis');
    return { Redis };
  } catch (error) {
    throw new ChatOptionError(
      'CHATTERBOX_MISSING_DEPENDENCY',
      `express-chatterbox: the "cluster" option needs ioredis: npm install ioredis (${String(error)})`,
      { cause: error },
    );
  }
}
