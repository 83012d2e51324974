/**
 * Who may open a chat connection: the origin check and the per-address connection limit (at the
 * engine's `allowRequest` when Chatterbox owns the Socket.IO server, so a refusal is a 4xx before
 * any session exists), and every later request of that Engine.IO session held to the address and
 * origin of its handshake; then the host's `identify`, `allowAnonymous`, kicks, the per-user
 * connection cap and the login budget of a handshake nickname, at the namespace.
 */
import type { IncomingMessage } from 'node:http';
import { clientAddress } from '../access/client-address';
import { ChatError, type ErrorCode } from '../protocol/error-codes';
import type { HandlerContext } from './handler-context';
import type { ChatServer, ChatSocket } from '../chat/socket-types';
import type { ResolvedOptions } from '../options';
import type { Limits } from '../limits/limits';
import { sanctionKeys } from '../chat/identity-keys';
import { identifyRequest } from '../access/identity';
import { refuseOrigin } from '../access/origin-check';
import { handshakeNickKey } from '../limits/budget-keys';

// A handshake allowed but never completed (a failed upgrade) gives its slot back after this.
const RESERVATION_TIMEOUT_MS = 30_000;

/**
 * The slot a handshake took, until its engine connection opens. Kept beside the request rather
 * than on it: deleting a property from an IncomingMessage (which Socket.IO keeps for the life of
 * the connection) turned it into a dictionary-mode object of about 1.6 KB per connection.
 * `limits` travels with the slot: chats sharing an engine each track its connections.
 */
const reservations = new WeakMap<IncomingMessage, { address: string; timer: NodeJS.Timeout; limits: Limits }>();

/** The `allowRequest` of the Socket.IO server Chatterbox creates. */
export function createAllowRequest(
  options: ResolvedOptions,
  state: Limits,
): (req: IncomingMessage, callback: (err: string | null | undefined, success: boolean) => void) => void {
  return (req, callback) => {
    if (refuseOrigin(req, options.origins, options.trustProxy) !== undefined) {
      callback('Origin not allowed', false);
      return;
    }
    const address = clientAddress(req, options.trustProxy);
    if (!state.connections.tryAcquire(address)) {
      callback('Too many connections from your address', false);
      return;
    }
    const timer = setTimeout(() => {
      reservations.delete(req);
      state.connections.release(address);
    }, RESERVATION_TIMEOUT_MS);
    timer.unref();
    reservations.set(req, { address, timer, limits: state });
    callback(null, true);
  };
}

/** Where an Engine.IO session was opened from. */
interface SessionOrigin {
  address: string;
  origin: string | undefined;
}

type EngineSocket = { id: string; request: IncomingMessage; on(event: 'close', listener: (this: EngineSocket) => void): unknown };

function sessionIdOf(req: IncomingMessage): string | undefined {
  try {
    return new URL(req.url ?? '/', 'http://localhost').searchParams.get('sid') ?? undefined;
  } catch {
    return undefined;
  }
}

/**
 * Why a request for an existing session is refused, or undefined: it must come from the address
 * that opened the session, and any `Origin` it carries must be the handshake's (or, when the
 * handshake had none, an allowed one).
 */
export function refuseSessionRequest(req: IncomingMessage, opened: SessionOrigin, options: ResolvedOptions): string | undefined {
  if (clientAddress(req, options.trustProxy) !== opened.address) return 'session used from another address';
  const origin = req.headers.origin;
  if (origin === undefined || origin === opened.origin) return undefined;
  if (opened.origin !== undefined) return 'session used from another origin';
  return refuseOrigin(req, options.origins, options.trustProxy);
}

/**
 * Gives each engine connection's slot back (to the chat whose limits took it) when it closes, and holds every later request of a
 * session (a polling request, the WebSocket upgrade) to where its handshake came from: Engine.IO
 * runs `allowRequest` on the handshake only, so without this a request carrying someone else's
 * `sid` would take their session over. Engine middleware (`engine.use`) runs on every request.
 */
export function trackEngineConnections(engine: ChatServer['engine'], _state: Limits, options?: ResolvedOptions): () => void {
  const sessions = new Map<string, SessionOrigin>();
  // Slots to give back on close, by engine socket id.
  const slots = new Map<string, { address: string; limits: Limits }>();
  let tracking = true;
  // One listener for every connection (an emitter calls it with `this` the socket): a closure per
  // connection, kept for its life, would cost memory for every idle user.
  function onClose(this: EngineSocket): void {
    sessions.delete(this.id);
    const slot = slots.get(this.id);
    if (slot === undefined) return;
    slots.delete(this.id);
    slot.limits.connections.release(slot.address);
  }
  const onConnection = (socket: EngineSocket): void => {
    const req = socket.request;
    if (options !== undefined) {
      const origin = req.headers.origin;
      sessions.set(socket.id, { address: clientAddress(req, options.trustProxy), origin: typeof origin === 'string' ? origin : undefined });
    }
    const reservation = reservations.get(req);
    if (reservation !== undefined) {
      reservations.delete(req);
      clearTimeout(reservation.timer);
      slots.set(socket.id, { address: reservation.address, limits: reservation.limits });
    }
    if (options !== undefined || reservation !== undefined) socket.on('close', onClose);
  };
  engine.on('connection', onConnection);
  if (options !== undefined) {
    // Engine.IO has no way to remove a middleware: once untracked it lets everything through.
    engine.use((req: IncomingMessage, _res: unknown, next: (err?: Error) => void) => {
      const sid = tracking ? sessionIdOf(req) : undefined;
      const opened = sid === undefined ? undefined : sessions.get(sid);
      // No sid: a handshake, which allowRequest checks. An unknown sid: Engine.IO refuses it itself.
      if (opened === undefined) {
        next();
        return;
      }
      const why = refuseSessionRequest(req, opened, options);
      next(why === undefined ? undefined : new Error(why));
    });
  }
  return () => {
    tracking = false;
    sessions.clear();
    engine.off('connection', onConnection);
  };
}

function refusal(code: ErrorCode, message?: string, retryAfter?: number): Error {
  const error = new ChatError(code, message, retryAfter);
  return Object.assign(new Error(error.message), {
    data: retryAfter === undefined ? { code } : { code, retryAfter },
  });
}

/** The namespace middleware: identity, anonymity, kicks (and, on a host's `io`, origin and address limits). */
export function createNamespaceGate(context: HandlerContext): (socket: ChatSocket, next: (err?: Error) => void) => void {
  const { options, limits } = context;
  return (socket, done) => {
    const req = socket.request;
    const address = clientAddress(req, options.trustProxy);
    socket.data.address = address;
    let next = done;
    if (options.io !== undefined) {
      // The host's engine is shared with its own namespaces: the chat checks its own connections here.
      if (refuseOrigin(req, options.origins, options.trustProxy) !== undefined) {
        done(refusal('FORBIDDEN', 'Origin not allowed'));
        return;
      }
      if (!limits.connections.tryAcquire(address)) {
        done(refusal('FORBIDDEN', 'Too many connections from your address'));
        return;
      }
      // A refused socket never disconnects: give its slot back at once.
      next = (err) => {
        if (err) limits.connections.release(address);
        else socket.once('disconnect', () => limits.connections.release(address));
        done(err);
      };
    }
    identifyRequest(context, req).then(
      (user) => {
        if (user === undefined && !options.allowAnonymous) {
          next(refusal('UNAUTHORIZED'));
          return;
        }
        if (user !== undefined) socket.data.user = user;
        const banned = context.sanctions.bannedFor(sanctionKeys(socket.data));
        if (banned > 0) {
          next(refusal('FORBIDDEN', `You were removed from the chat; try again in ${Math.ceil(banned / 1000)} s`, banned));
          return;
        }
        if (user !== undefined) {
          admitUser(context, socket, user.id, next);
          return;
        }
        chargeHandshakeLogin(context, socket, next);
      },
      (error: unknown) => {
        const chatError = error instanceof ChatError ? error : new ChatError('INTERNAL_ERROR');
        next(refusal(chatError.code, chatError.message));
      },
    );
  };
}

/** The per-user connection cap: a slot per signed-in connection, given back when it disconnects. */
function admitUser(context: HandlerContext, socket: ChatSocket, userId: string, next: (err?: Error) => void): void {
  const { userConnections } = context.limits;
  if (!userConnections.tryAcquire(userId)) {
    next(refusal('TOO_MANY_CONNECTIONS'));
    return;
  }
  socket.once('disconnect', () => userConnections.release(userId));
  next();
}

/**
 * A guest's handshake nickname (`auth.nick`) is a login: it spends the address's login budget, so
 * reconnecting quickly does not bring a fresh one. Past the budget the connection is refused with
 * `RATE_LIMITED` and how long to wait.
 */
function chargeHandshakeLogin(context: HandlerContext, socket: ChatSocket, next: (err?: Error) => void): void {
  const { logins } = context.limits;
  if (logins === undefined || handshakeNickKey(socket, context.options.maxNickLength) === undefined) {
    next();
    return;
  }
  logins.consume(socket.data.address ?? socket.id).then(
    (wait) => next(wait > 0 ? refusal('RATE_LIMITED', `Too many logins; wait ${Math.ceil(wait / 1000)} s`, wait) : undefined),
    () => next(refusal('RATE_LIMITED')),
  );
}
