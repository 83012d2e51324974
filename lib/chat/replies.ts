/** How a refusal reaches a client: an error ack with a stable code, or a SYSTEM line in its log. */
import { ChatError } from '../protocol/error-codes';
import { SYSTEM_NICK, type ErrorAck } from '../protocol/payloads';
import type { ChatSocket } from './socket-types';

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
