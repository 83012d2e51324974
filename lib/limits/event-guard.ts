/**
 * Rate limits applied as events arrive, before they are queued: every event per connection
 * (`eventRate`), every chat packet per user (`messageRate`, whether or not the socket has a
 * nickname yet) and logins per address (`loginRate`). A refused event is answered with
 * `RATE_LIMITED` and how long to wait, and goes no further.
 */
import { sendSystemLine, toErrorAck } from '../chat/replies';
import type { ChatSocket } from '../chat/socket-types';
import type { ResolvedOptions } from '../options';
import { ChatError } from '../protocol/error-codes';
import { messageBudgetKey, requestedNickKey } from './budget-keys';
import type { Limits } from './limits';
import type { RateLimit } from './rate-limit';
import { TokenBucket } from './token-bucket';

// A client that keeps sending after this many refusals in a row is flooding, not chatting.
const FLOOD_REFUSALS_BEFORE_DISCONNECT = 200;

/** Installs the limits on one socket. */
export function guardEvents(options: ResolvedOptions, limits: Limits, socket: ChatSocket): void {
  const { messages, logins } = limits;
  const perConnection = options.eventRate === false ? undefined : new TokenBucket(options.eventRate);
  let refusedInARow = 0;
  let quietUntil = 0;
  // Budgets answer asynchronously (Redis); packets still go on in the order they came.
  let previous: Promise<unknown> = Promise.resolve();

  const refuse = (packet: unknown[], wait: number, what: string): void => {
    const last = packet[packet.length - 1];
    const error = new ChatError('RATE_LIMITED', `${what}; wait ${Math.ceil(wait / 1000)} s`, wait);
    if (typeof last === 'function') {
      (last as (result: object) => void)(toErrorAck(error));
      return;
    }
    // Without an ack the user learns it from a SYSTEM line, but a flood must not earn one per event.
    const now = Date.now();
    if (now < quietUntil) return;
    quietUntil = now + Math.max(wait, 1000);
    sendSystemLine(socket, error.message);
  };

  // The nickname the last `login` let through asks for: chats queued behind that login are its.
  let loggingInAs: string | undefined;

  const charge = (packet: unknown[], next: () => void, budget: RateLimit, key: () => string, what: string): void => {
    const turn = previous.then(() => budget.consume(key())).then(
      (wait) => (wait > 0 ? refuse(packet, wait, what) : next()),
      // The store failed with no fallback: refuse rather than let the packet through unmetered.
      () => refuse(packet, 1000, what),
    );
    previous = turn;
  };

  socket.use((packet, next) => {
    const wait = perConnection?.take() ?? 0;
    if (wait > 0) {
      if (++refusedInARow >= FLOOD_REFUSALS_BEFORE_DISCONNECT) {
        socket.disconnect(true);
        return;
      }
      refuse(packet, wait, 'Too many requests');
      return;
    }
    refusedInARow = 0;
    const event = packet[0];
    if (event === 'chat' && messages !== undefined) {
      charge(packet, () => next(), messages, () => messageBudgetKey(socket, options.maxNickLength, loggingInAs), 'You are sending messages too fast');
    } else if (event === 'login' && logins !== undefined) {
      const pass = (): void => {
        loggingInAs = requestedNickKey(packet[1], options.maxNickLength) ?? loggingInAs;
        next();
      };
      charge(packet, pass, logins, () => socket.data.address ?? socket.id, 'Too many nickname changes');
    } else {
      // Other events wait for the budgets ahead of them, so a `login` cannot overtake a `chat`.
      const turn = previous.then(() => next());
      previous = turn;
    }
  });
}
