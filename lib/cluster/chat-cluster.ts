/**
 * One chat on several processes: the classic Redis pub/sub adapter carries broadcasts between
 * nodes, RedisPresence keeps the user list and nickname claims, and this file ties them together:
 * connection state (and the degraded mode while Redis is away), heartbeats and sweeps, the
 * rejoin that writes local presence back, and the repair of message gaps from the message log.
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import createDebug from 'debug';
import type { Redis, RedisOptions } from 'ioredis';
import type { ServerOptions } from 'socket.io';
import type { ChatContext } from '../chat/context';
import type { ChatLogger } from '../options/logger';
import { DEFAULT_ROOM, type ChatMessage } from '../protocol/payloads';
import { DEFAULT_ERROR_MESSAGES } from '../protocol/error-codes';
import { sendSystemLine } from '../chat/replies';
import { ChatOptionError, type ResolvedClusterOptions } from '../options';
import { DeliveryTracker } from './delivery-tracker';
import { RedisPresence } from './redis-presence';

const debug = createDebug('chatterbox:cluster');

/** The cluster's state, as `status().cluster` reports it. */
export type ClusterState =
  /** No `cluster` option: one process. */
  | 'off'
  /** Started, Redis not reached yet. */
  | 'connecting'
  /** Every Redis connection is up: one chat with the other nodes. */
  | 'connected'
  /** Redis is unreachable: serving this node's users only; rejoins by itself. */
  | 'degraded';

// Gives resubscription and in-flight broadcasts time to land before the log is compared with what
// each socket received; the second wait lets a message appended just before the read arrive.
const REPAIR_SETTLE_MS = 500;
const REPAIR_RECHECK_MS = 300;
// Ids are committed in order but delivered through several nodes: look a little further back.
const REPAIR_SLACK = 50;
const REPAIR_EVENT = 'chatterbox:repair';

/** The Redis side of one chat node. */
export class ChatCluster {
  /** The Socket.IO adapter constructor for the server Chatterbox creates. */
  readonly adapter: ServerOptions['adapter'];
  /** Cluster-wide presence, for the namespace's handlers. */
  readonly presence: RedisPresence;
  private readonly clients: Redis[];
  private readonly tracker = new DeliveryTracker();
  private state: Exclude<ClusterState, 'off'> = 'connecting';
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
    const { Redis: RedisClass, createAdapter } = loadModules();
    const make = (overrides: RedisOptions): Redis =>
            // The host's client is an ioredis instance (checked by duck typing at creation).
      typeof options.redis === 'string' ? new RedisClass(options.redis, overrides) : (options.redis as Redis).duplicate(overrides);
    // No offline queue: while Redis is away a publish or a claim fails at once (and is caught)
    // instead of queueing for ten seconds and rejecting with MaxRetriesPerRequestError.
    const pub = make({ enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    // The subscriber queues its SUBSCRIBE until connected and retries forever.
    const sub = make({ maxRetriesPerRequest: null });
    const command = make({ enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    this.clients = [pub, sub, command];
    guardPublish(pub);
    for (const client of this.clients) {
      client.on('error', (error: Error) => debug('redis error: %s', error.message));
      client.on('ready', () => this.updateState());
      client.on('close', () => this.updateState());
      client.on('end', () => this.updateState());
    }
    const node = `${os.hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
    this.presence = new RedisPresence(command, `${options.keyPrefix}{${namespace}}:`, node, options.nodeTimeoutMs);
    this.adapter = createAdapter(pub, sub, { key: `${options.keyPrefix}socket.io` }) as ServerOptions['adapter'];
    debug('node %s', node);
  }

  /** The current state. */
  get status(): Exclude<ClusterState, 'off'> {
    return this.state;
  }

  /** Starts heartbeats, sweeps and gap repair for the chat's namespace. */
  bind(context: ChatContext): void {
    this.context = context;
    const nsp = context.namespace;
    nsp.on('connection', (socket) => this.tracker.track(socket));
    // Sent by a node that rejoined: this node's users missed what that node said while away.
    (nsp as unknown as NodeJS.EventEmitter).on(REPAIR_EVENT, (since: unknown) => {
      if (typeof since === 'number') this.repairSoon(since);
    });
    this.timer = setInterval(() => void this.tick(), this.options.heartbeatMs);
    this.timer.unref();
    void this.tick();
  }

  /** Leaves the cluster (this node's users leave every list at once) and closes Chatterbox's connections. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    try {
      const gone = await this.presence.leave();
      for (const nick of gone) this.context?.broadcaster.exit(nick);
    } catch (error) {
      debug('leaving failed: %s', String(error));
    }
    await Promise.all(this.clients.map((client) => client.quit().catch(() => client.disconnect())));
  }

  private updateState(): void {
    if (this.closed) return;
    const up = this.clients.every((client) => client.status === 'ready');
    const previous = this.state;
    if (up && previous !== 'connected') {
      this.state = 'connected';
      if (previous === 'degraded') {
        this.logger.warn('Redis is reachable again: this node rejoined the cluster');
        void this.rejoin();
      } else {
        void this.tick();
      }
    } else if (!up && previous === 'connected') {
      this.state = 'degraded';
      this.outageMark = this.tracker.newest;
      // Once per outage: the node keeps serving its own users and rejoins by itself.
      this.logger.warn(
        'Redis is unreachable: this node serves its own users only (logins are refused with CLUSTER_UNAVAILABLE) until it returns',
      );
    }
  }

  /** Heartbeat, and sweep of dead nodes; runs one at a time. */
  private async tick(): Promise<void> {
    if (this.ticking || this.closed || !this.presence.available) return;
    this.ticking = true;
    try {
      // An expired liveness key means Redis forgot us (restart) or a peer swept us (a long pause).
      if (!(await this.presence.heartbeat())) await this.resync();
      const gone = await this.presence.sweep();
      for (const nick of gone) this.context?.broadcaster.exit(nick);
      if (gone.length > 0) debug('swept %d users of dead nodes', gone.length);
    } catch (error) {
      debug('heartbeat failed: %s', String(error));
    } finally {
      this.ticking = false;
    }
  }

  /** After an outage: presence written back, every list refreshed, gaps repaired here and on peers. */
  private async rejoin(): Promise<void> {
    try {
      await this.resync();
    } catch (error) {
      debug('resync failed: %s', String(error));
    }
    const since = this.outageMark ?? this.tracker.newest;
    this.outageMark = undefined;
    this.repairSoon(since);
    try {
      (this.context?.namespace as unknown as { serverSideEmit(event: string, since: number): void }).serverSideEmit(REPAIR_EVENT, since);
    } catch (error) {
      debug('repair request failed: %s', String(error));
    }
  }

  private async resync(): Promise<void> {
    const context = this.context;
    if (context === undefined) return;
    const { entered, gone, conflicts } = await this.presence.resync();
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
    for (const socket of context.namespace.sockets.values()) {
      if (socket.data.nick !== undefined) socket.emit('users', users);
    }
    debug('resynced: %d entered, %d gone, %d conflicts', entered.length, gone.length, conflicts.length);
  }

  private repairSoon(since: number): void {
    setTimeout(() => void this.repair(since), REPAIR_SETTLE_MS).unref();
  }

  /** Sends each local socket the messages after `since` it never received (the log is the truth). */
  private async repair(since: number): Promise<void> {
    const context = this.context;
    if (context === undefined || this.closed) return;
    let log: ChatMessage[];
    try {
      ({ messages: log } = await context.store.after(DEFAULT_ROOM, Math.max(0, since - REPAIR_SLACK), context.options.reconnectLimit));
    } catch (error) {
      context.logger.error('repairing a message gap failed: the log cannot be read', { error: String(error) });
      return;
    }
    if (log.length === 0) return;
    await new Promise((resolve) => setTimeout(resolve, REPAIR_RECHECK_MS));
    let sent = 0;
    for (const socket of context.namespace.sockets.values()) {
      for (const message of this.tracker.missing(socket.id, log)) {
        socket.emit('chat', message);
        sent++;
      }
    }
    debug('repaired %d deliveries after id %d', sent, since);
  }
}

/** Loads the optional peer dependencies only when `cluster` is used. */
function loadModules(): {
  Redis: typeof import('ioredis').Redis;
  createAdapter: typeof import('@socket.io/redis-adapter').createAdapter;
} {
  try {
    // Required lazily: a chat without `cluster` must not need them installed.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Redis } = require('ioredis') as typeof import('ioredis');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { createAdapter } = require('@socket.io/redis-adapter') as typeof import('@socket.io/redis-adapter');
    return { Redis, createAdapter };
  } catch (error) {
    throw new ChatOptionError(
      'CHATTERBOX_MISSING_DEPENDENCY',
      `express-chatterbox: the "cluster" option needs ioredis and @socket.io/redis-adapter: npm install ioredis @socket.io/redis-adapter (${String(error)})`,
      { cause: error },
    );
  }
}

/**
 * The adapter publishes without handling the promise; a failed publish (Redis away) would be an
 * unhandled rejection, which ends a Node 20 process. Handled here: local delivery already happened,
 * and the gap is repaired from the log on rejoin.
 */
function guardPublish(pub: Redis): void {
  const publish = pub.publish.bind(pub) as (...args: unknown[]) => Promise<number>;
  (pub as unknown as { publish: (...args: unknown[]) => Promise<number> }).publish = (...args) => {
    const result = publish(...args);
    result.catch((error: unknown) => debug('publish failed: %s', String(error)));
    return result;
  };
}
