/**
 * Holds what is broadcast to one socket while its welcome history is read. The socket joins its
 * room before the read (so nothing committed meanwhile is missed), but with an asynchronous store
 * a live message could then overtake `history`, or arrive in both. Holding keeps `history` first
 * and lets the welcome drop held messages that the history already carried.
 */
import type { BatchedEvent } from '../protocol/events';
import type { ChatLine } from '../protocol/payloads';
import type { ChatSocket } from '../chat/socket-types';

// socket.io writes every packet for a connection through Client#writeToEngine (public in the
// JavaScript, private in its typings); broadcasts call the socket's outgoing listeners first.
interface EngineWriter {
  writeToEngine: (this: EngineWriter, packets: unknown, options: unknown) => void;
}

/** A held socket: `release()` sends `first`, then what was held that `keep` accepts, in order. */
export interface HeldSocket {
  release(first: () => void, keep: (line: ChatLine) => boolean): void;
}

/** Starts holding the events broadcast to `socket`. */
export function holdBroadcasts(socket: ChatSocket): HeldSocket {
  const client = socket.client as unknown as EngineWriter;
  const held: BatchedEvent[] = [];
  let announced: BatchedEvent | undefined;
  const listener = (event: string, ...args: unknown[]): void => {
    // Any event this socket is sent; only room-wide ones are ever held and resent.
    announced = [event, ...args] as BatchedEvent;
  };
  const prototypeWriter = (Object.getPrototypeOf(client) as EngineWriter).writeToEngine;
  socket.prependAnyOutgoing(listener);
  // An own property shadows the prototype's method until release deletes it.
  client.writeToEngine = function holdingWriter(this: EngineWriter, packets: unknown, options: unknown): void {
    if (announced !== undefined) {
      held.push(announced);
      announced = undefined;
      return;
    }
    // Not one of this socket's events (an ack, another namespace): it may pass.
    prototypeWriter.call(this, packets, options);
  };
  let released = false;
  return {
    release(first, keep) {
      if (released) return;
      released = true;
      delete (client as Partial<EngineWriter>).writeToEngine;
      socket.offAnyOutgoing(listener);
      first();
      for (const [event, ...args] of held) resend(socket, event, args, keep);
    },
  };
}

function resend(socket: ChatSocket, event: string, args: unknown[], keep: (line: ChatLine) => boolean): void {
  const emit = socket.emit.bind(socket) as (event: string, ...args: unknown[]) => boolean;
  if (event === 'chat') {
    if (keep(args[0] as ChatLine)) emit(event, ...args);
    return;
  }
  if (event === 'batch') {
    const kept = (args[0] as BatchedEvent[]).filter((event) => event[0] !== 'chat' || keep(event[1]));
    if (kept.length > 0) emit('batch', kept);
    return;
  }
  emit(event, ...args);
}
