/**
 * Rate limits applied as events arrive, before they are queued: every event per connection
 * (`eventRate`), chat messages per user (`messageRate`) and logins per address (`loginRate`).
 * A refused event is answered with `RATE_LIMITED` and how long to wait, and goes no further.
 */
import { ownerOf } from '../chat/identity-keys';
import { sendSystemLine, toErrorAck } from '../chat/replies';
import type { ChatSocket } from '../chat/socket-types';
import type { ResolvedOptions } from '../options';
import { ChatError } from '../protocol/error-codes';
import type { Limits } from './limits';
import { TokenBucket } from './token-bucket';

// A client that keeps sending after this many refusals in a row is flooding, not chatting.
const FLOOD_REFUSALS_BEFORE_DISCONNECT = 200;

/** Installs the limits on one socket. */
export function guardEvents(options: ResolvedOptions, limits: Limits, socket: ChatSocket): void {
  const { messages, logins } = limits;
  const perConnection = options.eventRate === false ? undefined : new TokenBucket(options.eventRate);
  let refusedInARow = 0;
  let quietUntil = 0;

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
    if (event === 'chat' && messages !== undefined && socket.data.nick !== undefined) {
      const messageWait = messages.take(ownerOf(socket.data, socket.id));
      if (messageWait > 0) {
        refuse(packet, messageWait, 'You are sending messages too fast');
        return;
      }
    } else if (event === 'login' && logins !== undefined) {
      const loginWait = logins.take(socket.data.address ?? socket.id);
      if (loginWait > 0) {
        refuse(packet, loginWait, 'Too many nickname changes');
        return;
      }
    }
    next();
  });
}
