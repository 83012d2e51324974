/**
 * Rate limits applied as events arrive, before they are queued: every event per connection
 * (`eventRate`), every chat packet per user (`messageRate`, whether or not the socket has a
 * nickname yet) and logins per address (`loginRate`). A refused event is answered with
 * `RATE_LIMITED` and how long to wait, and goes no further. The namespace runs `check` first in
 * the socket's one packet middleware (lib/namespace/connection.ts).
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

type Packet = unknown[];

/**
 * One socket's limit state. Everything in it starts empty and is made when first needed: an idle
 * socket in a big room never sent an event, so it holds no bucket and no promise chain.
 */
export class SocketGuard {
  private bucket: TokenBucket | undefined;
  private refusedInARow = 0;
  private quietUntil = 0;
  // Budgets answer asynchronously (Redis); packets still go on in the order they came. Undefined
  // while no budget check is pending.
  private previous: Promise<unknown> | undefined;
  // The nickname the last `login` let through asks for: chats queued behind that login are its.
  private loggingInAs: string | undefined;

  constructor(
    private readonly options: ResolvedOptions,
    private readonly limits: Limits,
    private readonly socket: ChatSocket,
  ) {}

  /** Calls `next` when the packet may go on (perhaps later: budgets answer asynchronously); else refuses it. */
  check(packet: Packet, next: () => void): void {
    const { options, socket } = this;
    let wait = 0;
    if (options.eventRate !== false) {
      this.bucket ??= new TokenBucket(options.eventRate);
      wait = this.bucket.take();
    }
    if (wait > 0) {
      if (++this.refusedInARow >= FLOOD_REFUSALS_BEFORE_DISCONNECT) {
        socket.disconnect(true);
        return;
      }
      this.refuse(packet, wait, 'Too many requests');
      return;
    }
    this.refusedInARow = 0;
    const { messages, logins } = this.limits;
    const event = packet[0];
    if (event === 'chat' && messages !== undefined) {
      this.charge(packet, next, messages, () => messageBudgetKey(socket, options.maxNickLength, this.loggingInAs), 'You are sending messages too fast');
    } else if (event === 'login' && logins !== undefined) {
      const pass = (): void => {
        this.loggingInAs = requestedNickKey(packet[1], options.maxNickLength) ?? this.loggingInAs;
        next();
      };
      this.charge(packet, pass, logins, () => socket.data.address ?? socket.id, 'Too many nickname changes');
    } else if (this.previous === undefined) {
      next();
    } else {
      // Other events wait for the budgets ahead of them, so a `login` cannot overtake a `chat`.
      this.chain(this.previous.then(() => next()));
    }
  }

  private charge(packet: Packet, next: () => void, budget: RateLimit, key: () => string, what: string): void {
    this.chain(
      (this.previous ?? Promise.resolve()).then(() => budget.consume(key())).then(
        (wait) => (wait > 0 ? this.refuse(packet, wait, what) : next()),
        // The store failed with no fallback: refuse rather than let the packet through unmetered.
        () => this.refuse(packet, 1000, what),
      ),
    );
  }

  /** Makes `turn` the last pending step, forgotten once it settles while still the last. */
  private chain(turn: Promise<unknown>): void {
    this.previous = turn;
    const forget = (): void => {
      if (this.previous === turn) this.previous = undefined;
    };
    void turn.then(forget, forget);
  }

  private refuse(packet: Packet, wait: number, what: string): void {
    const last = packet[packet.length - 1];
    const error = new ChatError('RATE_LIMITED', `${what}; wait ${Math.ceil(wait / 1000)} s`, wait);
    if (typeof last === 'function') {
      (last as (result: object) => void)(toErrorAck(error));
      return;
    }
    // Without an ack the user learns it from a SYSTEM line, but a flood must not earn one per event.
    const now = Date.now();
    if (now < this.quietUntil) return;
    this.quietUntil = now + Math.max(wait, 1000);
    sendSystemLine(this.socket, error.message);
  }
}

/** The limits of one socket; undefined when every one of them is off. */
export function guardEvents(options: ResolvedOptions, limits: Limits, socket: ChatSocket): SocketGuard | undefined {
  if (options.eventRate === false && limits.messages === undefined && limits.logins === undefined) return undefined;
  return new SocketGuard(options, limits, socket);
}
