/**
 * Makes a handler total: any number and type of arguments, a missing or non-function ack, a
 * thrown error or a rejected promise all end in a refusal the client can read and a log line,
 * never a crash.
 */
import { refuse, toErrorAck } from '../chat/replies';
import type { ChatSocket } from '../chat/socket-types';
import type { ClientEventName } from '../protocol/events';
import type { ErrorAck } from '../protocol/payloads';
import type { EventHandler, HandlerContext, Reply } from './handler-context';

/**
 * Refusals the original protocol answered with a SYSTEM line even to a client with an ack: a
 * `chat` before `login` gets "You must first login" in its log, as the 2012 client shows it.
 */
function systemLineAlways(event: ClientEventName, error: ErrorAck): boolean {
  return event === 'chat' && error.error.code === 'NOT_LOGGED_IN';
}

/**
 * Wraps `handler` as a Socket.IO listener. The last argument is the ack when it is a function;
 * everything else is handed to the handler to validate. A refusal goes through `refuse`, so it
 * reaches the client the same way for every event.
 */
export function safeHandler<Name extends ClientEventName>(
  context: HandlerContext,
  socket: ChatSocket,
  event: Name,
  handler: EventHandler<Name>,
  schedule: (task: () => Promise<void>) => void,
): (...raw: unknown[]) => void {
  return (...raw) => {
    const last = raw[raw.length - 1];
    // The client's function, whatever it expects: it receives our typed ack or nothing.
    const ack = typeof last === 'function' ? (raw.pop() as (result: object) => void) : undefined;
    let replied = false;
    const reply: Reply<Name> = (result) => {
      if (replied) return;
      replied = true;
      ack?.(result);
    };
    schedule(async () => {
      try {
        await handler(context, socket, raw, reply);
      } catch (error) {
        const answered = replied;
        replied = true;
        refuse(context.logger, socket, `"${event}"`, error, {
          // A handler that already answered cannot take it back: the error is only logged.
          ack: answered ? undefined : ack,
          systemLine: answered ? 'never' : systemLineAlways(event, toErrorAck(error)) ? 'always' : 'without-ack',
        });
      }
    });
  };
}
