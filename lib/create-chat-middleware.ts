/**
 * The factory: resolves options, builds the page router, attaches the chat namespace to the host's
 * server (or the host's Socket.IO), and closes exactly what it opened.
 */
import type { Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import createDebug from 'debug';
import type { NextFunction, Request, Response } from 'express';
import { Server as SocketIOServer } from 'socket.io';
import { ChatCluster, type ClusterStatus } from './cluster/chat-cluster';
import { LocalSanctions } from './chat/sanctions';
import { NO_BUS } from './chat/event-bus';
import { obeyCluster } from './namespace/cluster-commands';
import { createLimits } from './limits/limits';
import { createAllowRequest, createNamespaceGate, trackEngineConnections } from './namespace/handshake-gate';
import { recheckIdentities } from './access/identity';
import { createStore } from './history/open-store';
import { createHostApi, type ChatHostApi } from './host-api';
import { Broadcaster } from './chat/broadcaster';
import type { HandlerContext } from './namespace/handler-context';
import { onConnection } from './namespace/connection';
import { LocalPresence } from './chat/presence';
import type { ChatNamespace, ChatServer } from './chat/socket-types';
import { assertServer, ChatOptionError, FRAME_OVERHEAD_BYTES, resolveOptions, type ChatOptions, type HandshakeRequest } from './options';
import { createPageRouter, pageRoomsConfig } from './router';
import { Rooms } from './rooms/rooms';
import { addedListeners, detachEngine, snapshotListeners } from './server-listeners';

const debug = createDebug('chatterbox:middleware');

/** What `createChatMiddleware` returns: an Express middleware with the chat's controls. */
export interface ChatMiddleware extends ChatHostApi {
  (req: Request, res: Response, next: NextFunction): void;
  /** Attaches the chat to the host's HTTP(S) server; returns the middleware. */
  attach(server: HttpServer | HttpsServer): ChatMiddleware;
  /** The chat's Socket.IO namespace, once attached. */
  readonly namespace: ChatNamespace | undefined;
  /** Settles when the message store is open; rejects with the reason it cannot be. */
  readonly ready: Promise<void>;
  /**
   * Health for the host: `cluster.state` is `'off'` (no `cluster` option), `'connecting'` (first
   * attempt running), `'ok'` or `'degraded'` (Redis away: this node serves its own users), and
   * `cluster.since` when it entered that state (ms since the epoch).
   */
  status(): { cluster: ClusterStatus };
  /**
   * Disconnects the chat's sockets, removes its handlers and releases what Chatterbox opened;
   * never closes the host's server nor a Socket.IO server the host passed in.
   */
  close(): Promise<void>;
}

/**
 * Creates the chat: mount the result with `app.use('/chat', …)`. `Req` is inferred from an
 * annotated `identify` parameter (the request as the host's `use` middleware leaves it).
 */
export function createChatMiddleware<Req = HandshakeRequest>(options?: ChatOptions<Req>): ChatMiddleware {
  const resolved = resolveOptions(options);
  const { logger } = resolved;
  const { store, owned: ownsStore } = createStore(resolved.history, logger);
  const cluster = resolved.cluster ? new ChatCluster(resolved.cluster, resolved.namespace, logger) : undefined;
  const presence = cluster?.presence ?? new LocalPresence();
  const rooms = new Rooms(
    { rooms: resolved.rooms, allowUserRooms: resolved.allowUserRooms, maxRooms: resolved.maxRooms, maxLength: resolved.maxNickLength },
    cluster?.rooms,
  );
  const limits = createLimits(resolved);
  const sanctions = cluster?.sanctions ?? new LocalSanctions();
  const bus = cluster?.bus ?? NO_BUS;
  const createdAt = Date.now();
  const timers = new Set<NodeJS.Timeout>();
  let chatContext: HandlerContext | undefined;
  const ready = store.open();
  ready.catch((error: unknown) => {
    logger.error(`the message store cannot be opened: ${error instanceof Error ? error.message : String(error)}`);
  });

  const router = createPageRouter({
    staticRoot: resolved.staticRoot,
    config: { namespace: resolved.namespace, path: resolved.io?.path() ?? resolved.path, ...pageRoomsConfig(resolved) },
    logger,
  });

  let namespace: ChatNamespace | undefined;
  let ownedIo: ChatServer | undefined;
  let detach: (() => void) | undefined;
  let closed: Promise<void> | undefined;

  const bindNamespace = (io: ChatServer): void => {
    const nsp = io.of(resolved.namespace);
    if (nsp.listenerCount('connection') > 0) {
      throw new ChatOptionError(
        'CHATTERBOX_DUPLICATE_NAMESPACE',
        `express-chatterbox: the namespace "${resolved.namespace}" already has connection handlers (another chat, or the host's own)`,
      );
    }
    const context: HandlerContext = {
      options: resolved,
      namespace: nsp,
      store,
      presence,
      broadcaster: new Broadcaster(nsp, resolved.batchWindowMs, bus),
      logger,
      rooms,
      limits,
      sanctions,
      bus,
    };
    chatContext = context;
    obeyCluster(context);
    // The host's middleware (its session) runs on every handshake, so `identify` sees req.session.
    for (const use of resolved.use) io.engine.use(use);
    // No socket is served before the store is open; if it never opens, clients are told why.
    nsp.use((_socket, next) => {
      ready.then(
        () => next(),
        () => next(Object.assign(new Error('The message store is unavailable'), { data: { code: 'STORE_UNAVAILABLE' } })),
      );
    });
    nsp.use(createNamespaceGate(context));
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
    nsp.on('connection', (socket) => onConnection(context, socket));
    cluster?.bind(context);
    namespace = nsp;
    debug('namespace %s ready', resolved.namespace);
  };

  const middleware = ((req: Request, res: Response, next: NextFunction) => {
    router(req, res, next);
  }) as ChatMiddleware;

  middleware.attach = (server) => {
    if (namespace !== undefined) throw new ChatOptionError('CHATTERBOX_INVALID_STATE', 'express-chatterbox: the chat is already attached');
    if (closed !== undefined) throw new ChatOptionError('CHATTERBOX_INVALID_STATE', 'express-chatterbox: the chat is closed');
    assertServer(server);
    const before = snapshotListeners(server);
    const io: ChatServer = new SocketIOServer(server, {
      path: resolved.path,
      serveClient: false,
      // The host may run its own WebSocket endpoints on this server: leave their upgrades alone.
      destroyUpgrade: false,
      maxHttpBufferSize: resolved.maxHttpBufferSize ?? resolved.maxMessageLength * 4 + FRAME_OVERHEAD_BYTES,
      allowRequest: createAllowRequest(resolved, limits),
      // Chat traffic between nodes travels on the cluster's own bus; a host's adapter is its business.
      ...(resolved.adapter ? { adapter: resolved.adapter } : {}),
    });
    ownedIo = io;
    const untrack = trackEngineConnections(io.engine, limits);
    // Taken now, so that close() removes engine.io's listeners only, never ones the host adds later.
    const added = addedListeners(server, before);
    detach = () => {
      untrack();
      detachEngine(server, before, added);
    };
    bindNamespace(io);
    return middleware;
  };

  Object.assign(middleware, createHostApi(() => chatContext));
  Object.defineProperty(middleware, 'namespace', { get: () => namespace, enumerable: true });
  Object.defineProperty(middleware, 'ready', { value: ready, enumerable: true });
  middleware.status = () => ({ cluster: cluster?.status ?? { state: 'off', since: createdAt } });

  middleware.close = () => {
    closed ??= (async () => {
      for (const timer of timers) clearInterval(timer);
      const nsp = namespace;
      if (nsp !== undefined) {
        for (const socket of nsp.sockets.values()) socket.disconnect(true);
        nsp.removeAllListeners();
      }
      if (ownedIo !== undefined) {
        for (const ownedNamespace of ownedIo._nsps.values()) void ownedNamespace.adapter.close();
        ownedIo.engine.close();
        detach?.();
      } else if (nsp !== undefined && resolved.io !== undefined) {
        // Socket.IO has no public way to drop a namespace; without this a later chat on the
        // host's server could not register the same name again.
        resolved.io._nsps.delete(resolved.namespace);
      }
      chatContext?.broadcaster.close();
      await presence.close();
      await cluster?.close();
      rooms.clear();
      await ready.catch(() => undefined);
      if (ownsStore) await store.close();
    })();
    return closed;
  };

  if (resolved.io !== undefined) bindNamespace(resolved.io as ChatServer);
  else if (resolved.server !== undefined) middleware.attach(resolved.server);
  return middleware;
}
