/**
 * Welcomes share their reads of a room's newest messages: in a join storm a thousand sockets would
 * otherwise each read the same page from the store. A caller never shares a read that was already
 * running when it asked (that read may predate a message stored after the caller's hold began,
 * which its hold did not keep either); it shares the next one, which starts when the running read
 * ends and serves everyone who asked meanwhile. So one read is in flight per room and page size.
 */
import type { ChatMessage } from '../protocol/payloads';

interface ReadState {
  running: Promise<ChatMessage[]> | undefined;
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
      state = { running: undefined, queued: undefined };
      this.states.set(key, state);
    }
    const current = state;
    if (current.running === undefined) {
      current.running = load().finally(() => {
        current.running = undefined;
        if (current.queued === undefined) this.states.delete(key);
      });
      return current.running;
    }
    current.queued ??= current.running
      .catch(() => undefined)
      .then(() => {
        current.queued = undefined;
        return this.read(room, limit, load);
      });
    return current.queued;
  }
}
