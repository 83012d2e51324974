/**
 * Makes a handler total: any number and type of arguments, a missing or non-function ack, a
 * thrown error or a rejected promise all end in an error ack and a log line, never a crash.
 */
import createDebug from 'debug';
import { ChatError } from '../protocol/error-codes';
import { describeError, sendSystemLine, toErrorAck } from '../chat/replies';
import type { HandlerContext, EventHandler, Reply } from './handler-context';
import type { ChatSocket } from '../chat/socket-types';

const debug = createDebug('chatterbox:namespace');

/**
 * Wraps `handler` as a Socket.IO listener. The last argument is the ack when it is a function;
 * everything else is handed to the handler to validate. A client that sent no ack learns of a
 * refusal through a SYSTEM line, as the original protocol's clients expect.
 */
export function safeHandler(
  context: HandlerContext,
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
