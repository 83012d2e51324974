/**
 * Makes a handler total: any number and type of arguments, a missing or non-function ack, a
 * thrown error or a rejected promise all end in an error ack and a log line, never a crash.
 */
import createDebug from 'debug';
import { ChatError } from '../protocol/error-codes';
import { SYSTEM_NICK, type ErrorAck } from '../protocol/payloads';
import type { ChatContext, EventHandler, Reply } from './chat-context';
import type { ChatSocket } from './types';

const debug = createDebug('chatterbox:namespace');

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

/**
 * Wraps `handler` as a Socket.IO listener. The last argument is the ack when it is a function;
 * everything else is handed to the handler to validate. A client that sent no ack learns of a
 * refusal through a SYSTEM line, as the original protocol's clients expect.
 */
export function safeHandler(
  context: ChatContext,
  socket: ChatSocket,
  event: string,
  handler: EventHandler,
  schedule: (task: () => Promise<void>) => void,
): (...raw: unknown[]) => void {
  return (...raw) => {
    const last = raw[raw.length - 1];
    const ack = typeof last === 'function' ? (raw.pop() as (result: object) => void) : undefined;
    let replied = false;
    const reply: Reply = (result) => {
      if (replied) return;
      replied = true;
      ack?.(result);
    };
    schedule(async () => {
      try {
        await handler(context, socket, raw, reply);
      } catch (error) {
        const errorAck = toErrorAck(error);
        if (!(error instanceof ChatError)) {
          context.logger.error(`"${event}" handler failed`, { error: describeError(error) });
        } else {
          debug('%s refused for %s: %s', event, socket.id, errorAck.error.code);
        }
        if (replied) return;
        if (ack) reply(errorAck);
        // Without an ack the user would never learn why; NOT_LOGGED_IN already sent its line.
        else if (errorAck.error.code !== 'NOT_LOGGED_IN') sendSystemLine(socket, errorAck.error.message);
        replied = true;
      }
    });
  };
}

/** A log-safe description of an internal error (its message and stack, never client input). */
export function describeError(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
