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
import type { SerialQueues } from './serial-queue';

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
 *
 * The listener is made once per chat and shared by all of its sockets: an emitter calls it with
 * `this` the socket, so no closure is kept per socket and event (19 of them per connection).
 */
export function safeHandler<Name extends ClientEventName>(
  context: HandlerContext,
  event: Name,
  handler: EventHandler<Name>,
  queues: SerialQueues,
): (this: ChatSocket, ...raw: unknown[]) => void {
  return function listener(this: ChatSocket, ...raw) {
    const last = raw[raw.length - 1];
    // The client's function, whatever it expects: it receives our typed ack or nothing.
    const ack = typeof last === 'function' ? (raw.pop() as (result: object) => void) : undefined;
    let replied = false;
    const reply: Reply<Name> = (result) => {
      if (replied) return;
      replied = true;
      ack?.(result);
    };
    queues.schedule(this.id, async () => {
      try {
        await handler(context, this, raw, reply);
      } catch (error) {
        const answered = replied;
        replied = true;
        refuse(context.logger, this, `"${event}"`, error, {
          // A handler that already answered cannot take it back: the error is only logged.
          ack: answered ? undefined : ack,
          systemLine: answered ? 'never' : systemLineAlways(event, toErrorAck(error)) ? 'always' : 'without-ack',
        });
      }
    });
  };
}
