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

const RESERVATION = Symbol('chatterbox:address');
// A handshake allowed but never completed (a failed upgrade) gives its slot back after this.
const RESERVATION_TIMEOUT_MS = 30_000;

// `limits` travels with the slot: chats sharing an engine each track its connections.
type ReservedRequest = IncomingMessage & { [RESERVATION]?: { address: string; timer: NodeJS.Timeout; limits: Limits } };

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
      delete (req as ReservedRequest)[RESERVATION];
      state.connections.release(address);
    }, RESERVATION_TIMEOUT_MS);
    timer.unref();
    (req as ReservedRequest)[RESERVATION] = { address, timer, limits: state };
    callback(null, true);
  };
}

/** Where an Engine.IO session was opened from. */
interface SessionOrigin {
  address: string;
  origin: string | undefined;
}

type EngineSocket = { id: string; request: IncomingMessage; once(event: 'close', listener: () => void): unknown };

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
  let tracking = true;
  const onConnection = (socket: EngineSocket): void => {
    const req = socket.request as ReservedRequest;
    if (options !== undefined) {
      const origin = req.headers.origin;
      sessions.set(socket.id, { address: clientAddress(req, options.trustProxy), origin: typeof origin === 'string' ? origin : undefined });
      socket.once('close', () => sessions.delete(socket.id));
    }
    const reservation = req[RESERVATION];
    if (reservation === undefined) return;
    delete req[RESERVATION];
    clearTimeout(reservation.timer);
    socket.once('close', () => reservation.limits.connections.release(reservation.address));
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
