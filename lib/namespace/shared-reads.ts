/**
 * Welcomes share their reads of a room's newest messages: in a join storm thousands of sockets
 * would otherwise each read the same page from the store. A caller shares a read only if it asked
 * before that read began: a read already under way may predate a message stored after the
 * caller's hold began (which the hold did not keep either). Whoever asks meanwhile shares the
 * next read, begun when the running one ends: one read at a time per room and page size.
 */
import type { ChatMessage } from '../protocol/payloads';

interface ReadState {
  running: Promise<ChatMessage[]> | undefined;
  /** Whether the running read has begun (until then, whoever asks may share it). */
  started: boolean;
  queued: Promise<ChatMessage[]> | undefined;
}

/** Coalesced `latest(room, limit)` reads. */
export class SharedLatestReads {
  private readonly states = new Map<string, ReadState>();

  /** The newest `limit` messages of `room`, from `load` (shared with callers that asked at about the same time). */
  read(room: string, limit: number, load: () => Promise<ChatMessage[]>): Promise<ChatMessage[]> {
    const key = `${limit}\u0000${room}`;
    let state = this.states.get(key);
    if (state === undefined) {
      state = { running: undefined, started: false, queued: undefined };
      this.states.set(key, state);
    }
    const current = state;
    if (current.running === undefined) {
      current.started = false;
      // Begun on the next turn of the event loop, so that the welcomes of one burst of
      // connections share it even with a synchronous store (which answers before the next asks).
      current.running = new Promise<void>((resolve) => setImmediate(resolve))
        .then(() => {
          current.started = true;
          return load();
        })
        .finally(() => {
          current.running = undefined;
          if (current.queued === undefined) this.states.delete(key);
        });
      return current.running;
    }
    if (!current.started) return current.running;
    current.queued ??= current.running
      .catch(() => undefined)
      .then(() => {
        current.queued = undefined;
        return this.read(room, limit, load);
      });
    return current.queued;
  }
}
