/** Opens the typed Socket.IO connection to the chat namespace. */
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../lib/protocol/events';
import type { HandshakeAuth } from '../lib/protocol/payloads';
import type { ClientConfig } from './config';

/**
 * The protocol's client events with every ack required. The page always asks for an ack, and
 * Socket.IO's `timeout()` typing only adds the `err` argument to acks that are not optional.
 */
type WithAcks<Events> = {
  [Name in keyof Events]: Events[Name] extends (...args: infer Args) => infer Result
    ? (...args: Required<Args>) => Result
    : Events[Name];
};

/** The page's socket, typed by the shared protocol. */
export type ChatSocket = Socket<ServerToClientEvents, WithAcks<ClientToServerEvents>>;

/** How long the page waits for any ack before treating the request as lost. */
export const ACK_TIMEOUT_MS = 10_000;
/** The first reconnection delay; it doubles after each failure. */
export const RECONNECT_DELAY_MS = 1000;
/** The longest wait between two tries, so the page says "retrying in 5 s" at worst. */
export const RECONNECT_DELAY_MAX_MS = 5000;

/**
 * A socket for `origin + config.namespace`, not yet connected (handlers go on first).
 * `auth` is asked again before every connection attempt, so each reconnect carries the current
 * nickname and the greatest message id the page holds.
 */
export function createConnection(
  config: ClientConfig,
  origin: string,
  auth: () => HandshakeAuth,
): ChatSocket {
  return io(origin + config.namespace, {
    path: config.path,
    autoConnect: false,
    reconnectionDelay: RECONNECT_DELAY_MS,
    reconnectionDelayMax: RECONNECT_DELAY_MAX_MS,
    // Little jitter, so the countdown the page shows is close to the truth, yet enough to
    // spread a restarted server's returning clients over a second.
    randomizationFactor: 0.2,
    auth: (send) => send(auth()),
  });
}
