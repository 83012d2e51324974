/**
 * Who may open a chat connection: the origin check and the per-address connection limit (at the
 * engine's `allowRequest` when Chatterbox owns the Socket.IO server, so a refusal is a 4xx before
 * any session exists), then the host's `identify`, `allowAnonymous` and kicks, at the namespace.
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
    if (refuseOrigin(req, options.origins) !== undefined) {
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

/** Gives each engine connection's slot back when it closes. */
export function trackEngineConnections(engine: ChatServer['engine'], _state: Limits): () => void {
  const onConnection = (socket: { request: IncomingMessage; once(event: 'close', listener: () => void): unknown }): void => {
    const req = socket.request as ReservedRequest;
    const reservation = req[RESERVATION];
    if (reservation === undefined) return;
    delete req[RESERVATION];
    clearTimeout(reservation.timer);
    socket.once('close', () => reservation.limits.connections.release(reservation.address));
  };
  engine.on('connection', onConnection);
  return () => engine.off('connection', onConnection);
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
      if (refuseOrigin(req, options.origins) !== undefined) {
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
        next();
      },
      (error: unknown) => {
        const chatError = error instanceof ChatError ? error : new ChatError('INTERNAL_ERROR');
        next(refusal(chatError.code, chatError.message));
      },
    );
  };
}
