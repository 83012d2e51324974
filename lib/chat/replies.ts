/** How a refusal reaches a client: an error ack with a stable code, a SYSTEM line in its log, a `session` refusal. */
import createDebug from 'debug';
import type { ChatLogger } from '../options/logger';
import { ChatError } from '../protocol/error-codes';
import { SYSTEM_NICK, type ErrorAck, type SessionInfo } from '../protocol/payloads';
import type { ChatSocket } from './socket-types';

const debug = createDebug('chatterbox:refusal');

/** Turns any thrown value into the error ack a client may see; internal text never leaves. */
export function toErrorAck(error: unknown): ErrorAck {
  const chatError = error instanceof ChatError ? error : new ChatError('INTERNAL_ERROR');
  const payload: ErrorAck['error'] = { code: chatError.code, message: chatError.message };
  if (chatError.retryAfter !== undefined) payload.retryAfter = chatError.retryAfter;
  return { ok: false, error: payload };
}

/** Sends a SYSTEM line to one socket, as the original did for chat-before-login. */
export function sendSystemLine(socket: ChatSocket, text: string): void {
  socket.emit('chat', { u: SYSTEM_NICK, m: text });
}

/** A log-safe description of an internal error (its message and stack, never client input). */
export function describeError(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

/** How a refusal reaches the client, besides the log line an internal error gets. */
export interface RefusalRoute {
  /** The client's ack, when it sent one: the refusal is its answer. */
  ack?: ((result: ErrorAck) => void) | undefined;
  /**
   * Whether the refusal is also shown as a SYSTEM line in the client's log: `'without-ack'` (the
   * default: a client that sent no ack would otherwise never learn why), `'always'` or `'never'`.
   */
  systemLine?: 'without-ack' | 'always' | 'never' | undefined;
  /**
   * Set when the refusal is of the nickname a socket connected with: the `session` event then tells
   * the page it is not logged in and why, with these extra fields.
   */
  session?: Omit<SessionInfo, 'nick' | 'error'> | undefined;
}

/**
 * The one place a refusal reaches a client, for every event, the welcome and the cluster alike:
 * an internal error is logged (its text never leaves), then the client gets the error ack, a
 * SYSTEM line and/or a `session` event as `route` says. Returns the ack it built.
 */
export function refuse(logger: ChatLogger, socket: ChatSocket, what: string, error: unknown, route: RefusalRoute = {}): ErrorAck {
  const errorAck = toErrorAck(error);
  if (error instanceof ChatError) debug('%s refused for %s: %s', what, socket.id, errorAck.error.code);
  else logger.error(`${what} failed`, { error: describeError(error) });
  route.ack?.(errorAck);
  const systemLine = route.systemLine ?? 'without-ack';
  if (systemLine === 'always' || (systemLine === 'without-ack' && route.ack === undefined)) sendSystemLine(socket, errorAck.error.message);
  if (route.session !== undefined) socket.emit('session', { nick: null, error: errorAck.error, ...route.session });
  return errorAck;
}
