/**
 * The factory: resolves options, builds the page router, attaches the chat namespace to the host's
 * server (or the host's Socket.IO), and closes exactly what it opened.
 */
import type { Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import createDebug from 'debug';
import type { NextFunction, Request, Response } from 'express';
import { Server as SocketIOServer } from 'socket.io';
import { ChatCluster } from './cluster/chat-cluster';
import { LocalSanctions } from './chat/sanctions';
import { NO_BUS } from './chat/event-bus';
import { obeyCluster } from './namespace/cluster-commands';
import { createLimits } from './limits/limits';
import { createAllowRequest, createNamespaceGate, trackEngineConnections } from './namespace/handshake-gate';
import { recheckIdentities } from './access/identity';
import { createStore } from './history/open-store';
import { StoreSupervisor } from './history/store-supervisor';
import type { ChatStatus } from './chat/dependency-status';
import { settleWithin } from './chat/deadline';
import { refuseOrigin } from './access/origin-check';
import { bindNamespace, leaseEngine, type EngineLease } from './engine-registry';
import { clusterStatus } from './cluster-status';
import { createHostApi, type ChatHostApi } from './host-api';
import { Broadcaster } from './chat/broadcaster';
import { DEFAULT_ROOM } from './protocol/payloads';
import type { HandlerContext } from './namespace/handler-context';
import { AvatarBook } from './namespace/avatars';
import { SharedLatestReads } from './namespace/shared-reads';
import { ReportAllowance } from './moderation/report';
import { createConnectionHandler } from './namespace/connection';
import { LocalPresence } from './chat/presence';
import type { ChatNamespace, ChatServer, ChatSocket } from './chat/socket-types';
import { assertServer, ChatOptionError, FRAME_OVERHEAD_BYTES, resolveOptions, type ChatOptions, type HandshakeRequest } from './options';
import { createPageRouter, pageConfigOf } from './router';
import { Rooms } from './rooms/rooms';
import { addedListeners, detachEngine, snapshotListeners } from './server-listeners';
import { listenersAddedSince, snapshotEmitter } from './emitter-listeners';

const debug = createDebug('chatterbox:middleware');

/** What `createChatMiddleware` returns: an Express middleware with the chat's controls. */
export interface ChatMiddleware extends ChatHostApi {
  (req: Request, res: Response, next: NextFunction): void;
  /** Attaches the chat to the host's HTTP(S) server; returns the middleware. */
  attach(server: HttpServer | HttpsServer): ChatMiddleware;
  /** The chat's Socket.IO namespace, once attached. */
  readonly namespace: ChatNamespace | undefined;
  /**
   * Resolves once the message store is open. It never rejects for a store that is down or late:
   * it stays pending while the chat retries (connections are served meanwhile, and what needs the
   * store is answered `STORE_UNAVAILABLE`); it rejects only for a developer's mistake.
   */
  readonly ready: Promise<void>;
  /** Health for the host: the state of the message store and of the cluster, and since when. */
  status(): ChatStatus;
  /**
   * Disconnects the chat's sockets, removes its handlers and releases what Chatterbox opened,
   * within 5 s whatever state the store or Redis is in; never closes the host's server nor a
   * Socket.IO server the host passed in.
   */
  close(): Promise<void>;
}

/** close() settles within this, whatever the dependencies do. */
const CLOSE_BUDGET_MS = 4_500;

/**
 * Creates the chat: mount the result with `app.use('/chat', …)`. `Req` is inferred from an
 * annotated `identify` parameter (the request as the host's `use` middleware leaves it).
 */
export function createChatMiddleware<Req = HandshakeRequest>(options?: ChatOptions<Req>): ChatMiddleware {
  const resolved = resolveOptions(options);
  const { logger } = resolved;
  const handle = createStore(resolved.history, logger);
  const store = new StoreSupervisor(handle.store, { logger, ...handle });
  const cluster = resolved.cluster ? new ChatCluster(resolved.cluster, resolved.namespace, logger) : undefined;
  const createdAt = Date.now();
  const presence = cluster?.presence ?? new LocalPresence();
  const rooms = new Rooms(
    { rooms: resolved.rooms, allowUserRooms: resolved.allowUserRooms, maxRooms: resolved.maxRooms, maxLength: resolved.maxNickLength },
    cluster?.rooms,
  );
  // In a cluster, message and login budgets live in Redis (shared by the nodes), memory while it is away.
  const limits = createLimits(resolved, cluster?.redis);
  const sanctions = cluster?.sanctions ?? new LocalSanctions();
  const bus = cluster?.bus ?? NO_BUS;
  const timers = new Set<NodeJS.Timeout>();
  let chatContext: HandlerContext | undefined;
  // Opened in the background, retried until it opens: the chat serves meanwhile.
  store.start();
  const ready = store.ready;

  const router = createPageRouter({
    staticRoot: resolved.staticRoot,
    config: pageConfigOf(resolved),
    logger,
  });

  let namespace: ChatNamespace | undefined;
  let lease: EngineLease | undefined;
  let release: (() => void) | undefined;
  let closed: Promise<void> | undefined;
  let warnedUnattached = false;

  const bind = (io: ChatServer, adapter: Parameters<typeof bindNamespace>[2]['adapter']): void => {
    // Filled in once the namespace exists; the dispatchers call in only after that.
    const bound: { connection?: (socket: ChatSocket) => void; gate?: ReturnType<typeof createNamespaceGate> } = {};
    const forbidden = (): Error => Object.assign(new Error('Origin not allowed'), { data: { code: 'FORBIDDEN' } });
    const { nsp, unbind: unbindNamespace } = bindNamespace(io, resolved.namespace, {
      adapter,
      use: (socket, next) => {
        // On an engine shared with other chats, another chat's origin rules may have let it in.
        if (lease?.shared() && refuseOrigin(socket.request, resolved.origins) !== undefined) next(forbidden());
        else if (bound.gate === undefined) next(new Error('Invalid namespace'));
        else bound.gate(socket, next);
      },
      connection: (socket) => {
        bound.connection?.(socket);
      },
    });
    const before = snapshotEmitter(nsp);
    const context: HandlerContext = {
      options: resolved,
      namespace: nsp,
      store,
      presence,
      broadcaster: new Broadcaster(nsp, resolved.batchWindowMs, bus, {
        windowMs: resolved.presenceWindowMs,
        count: (room) => (room === DEFAULT_ROOM ? presence.count() : rooms.count(room)),
      }),
      logger,
      rooms,
      avatars: new AvatarBook(),
      limits,
      reports: new ReportAllowance(),
      latestReads: new SharedLatestReads(),
      sanctions,
      bus,
    };
    bound.connection = createConnectionHandler(context);
    chatContext = context;
    obeyCluster(context);
    // The host's middleware (its session) runs on every handshake, so `identify` sees req.session.
    for (const use of resolved.use) io.engine.use(use);
    bound.gate = createNamespaceGate(context);
    if (resolved.identify !== undefined && resolved.identityCheckInterval > 0) {
      let checking = false;
      const timer = setInterval(() => {
        if (checking) return;
        checking = true;
        void recheckIdentities(context).finally(() => {
          checking = false;
        });
      }, resolved.identityCheckInterval);
      timer.unref();
      timers.add(timer);
    }
    cluster?.bind(context);
    // What the chat (and its cluster) added to the namespace goes with it; the dispatchers stay.
    const added = listenersAddedSince(nsp, before);
    release = () => {
      unbindNamespace();
      added();
    };
    namespace = nsp;
    debug('namespace %s ready', resolved.namespace);
  };

  const middleware = ((req: Request, res: Response, next: NextFunction) => {
    if (namespace === undefined && closed === undefined && !warnedUnattached && (req.path === '/' || req.path === '/index.html')) {
      warnedUnattached = true;
      logger.warn(
        'the chat page was requested but the chat was never attached: pass `server` or `io` to createChatMiddleware, or call chat.attach(server)',
      );
    }
    router(req, res, next);
  }) as ChatMiddleware;

  middleware.attach = (server) => {
    if (namespace !== undefined) throw new ChatOptionError('CHATTERBOX_INVALID_STATE', 'express-chatterbox: the chat is already attached');
    if (closed !== undefined) throw new ChatOptionError('CHATTERBOX_INVALID_STATE', 'express-chatterbox: the chat is closed');
    assertServer(server);
    // Chat traffic between nodes travels on the cluster's own bus; a host's adapter is its business.
    const adapter = resolved.adapter;
    const maxHttpBufferSize = resolved.maxHttpBufferSize ?? resolved.maxMessageLength * 4 + FRAME_OVERHEAD_BYTES;
    const taken = leaseEngine(
      server,
      resolved.path,
      { allowRequest: createAllowRequest(resolved, limits), maxHttpBufferSize },
      (allowRequest) => {
        const before = snapshotListeners(server);
        const io: ChatServer = new SocketIOServer(server, {
          path: resolved.path,
          serveClient: false,
          // The host may run its own WebSocket endpoints on this server: leave their upgrades alone.
          destroyUpgrade: false,
          maxHttpBufferSize,
          allowRequest,
          // No adapter here: the server's (in-memory) one is the default of every chat on this
          // path, and a chat with its own (a cluster's) gets it on its namespace alone.
        });
        // Taken now, so that the last close() removes engine.io's listeners only, never ones the host adds later.
        const added = addedListeners(server, before);
        return { io, detach: () => detachEngine(server, before, added) };
      },
    );
    const untrack = trackEngineConnections(taken.io.engine, limits, resolved);
    try {
      bind(taken.io, adapter);
    } catch (error) {
      untrack();
      taken.release();
      throw error;
    }
    lease = taken;
    const unbindChat = release;
    release = () => {
      unbindChat?.();
      untrack();
      taken.release();
    };
    return middleware;
  };

  Object.assign(middleware, createHostApi(() => chatContext));
  Object.defineProperty(middleware, 'namespace', { get: () => namespace, enumerable: true });
  Object.defineProperty(middleware, 'ready', { value: ready, enumerable: true });
  middleware.status = () => ({
    store: store.status,
    cluster: clusterStatus(cluster, createdAt),
  });

  middleware.close = () => {
    closed ??= (async () => {
      const deadline = Date.now() + CLOSE_BUDGET_MS;
      const left = (): number => Math.max(0, deadline - Date.now());
      for (const timer of timers) clearInterval(timer);
      const nsp = namespace;
      if (nsp !== undefined) {
        for (const socket of nsp.sockets.values()) socket.disconnect(true);
        // The adapter goes with the chat (a Redis adapter unsubscribes); a later chat on the same
        // namespace gets a fresh one.
        void Promise.resolve(nsp.adapter.close()).catch(() => undefined);
      }
      release?.();
      chatContext?.broadcaster.close();
      // Each dependency gets what is left of the budget: a hanging one cannot hold close() up.
      await settleWithin(presence.close(), left());
      await settleWithin(cluster?.close(), left());
      rooms.clear();
      await store.close(left());
    })();
    return closed;
  };

  try {
    if (resolved.io !== undefined) bind(resolved.io as ChatServer, undefined);
    else if (resolved.server !== undefined) middleware.attach(resolved.server);
  } catch (error) {
    // Refused at creation (a duplicate namespace): what was started for it is stopped.
    void middleware.close();
    throw error;
  }
  return middleware;
}
