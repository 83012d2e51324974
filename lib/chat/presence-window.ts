/**
 * Presence changes for digest clients, coalesced per room over `presenceWindowMs`: one `presence`
 * per window per room, carrying the count and who entered and left, instead of an `enter` or
 * `exit` per person. Presence is not latency-critical, so the window is long (a second by
 * default): during a join storm a digest client gets one small frame a second, not one per login.
 */
import { DEFAULT_ROOM, PRESENCE_PAGE_SIZE, type PresenceDigest } from '../protocol/payloads';

/** How the window learns a room's count and sends its digest. */
export interface PresenceWindowSink {
  /** How many are in `room` now (the default room: everyone logged in). */
  count(room: string): Promise<number>;
  /** Sends `digest` to this node's digest clients in `room`; false when there are none (skip the count). */
  listening(room: string): boolean;
  send(room: string, digest: PresenceDigest): void;
}

interface Changes {
  entered: Set<string>;
  left: Set<string>;
  timer: NodeJS.Timeout;
}

/** Per-room pending changes; each room's first change starts its window. */
export class PresenceWindow {
  private readonly pending = new Map<string, Changes>();

  constructor(
    private readonly windowMs: number,
    private readonly sink: PresenceWindowSink,
  ) {}

  /** `nick` entered (or left) `room`; the last of several changes of one name within a window wins. */
  note(room: string, nick: string, entered: boolean): void {
    let changes = this.pending.get(room);
    if (changes === undefined) {
      changes = { entered: new Set(), left: new Set(), timer: setTimeout(() => void this.flush(room), this.windowMs).unref() };
      this.pending.set(room, changes);
    }
    // A client applies `left` then `entered`, so keeping each name in one set only is exact.
    (entered ? changes.left : changes.entered).delete(nick);
    // Someone who came and went within the window is still named in `left`: a client that read a
    // snapshot (or a page of `people`) in between shows them, and nothing else would take them off.
    (entered ? changes.entered : changes.left).add(nick);
  }

  /** Stops the timers; pending changes are dropped (the clients are going away with the chat). */
  close(): void {
    for (const changes of this.pending.values()) clearTimeout(changes.timer);
    this.pending.clear();
  }

  private async flush(room: string): Promise<void> {
    const changes = this.pending.get(room);
    this.pending.delete(room);
    if (changes === undefined || !this.sink.listening(room)) return;
    let count: number;
    try {
      count = await this.sink.count(room);
    } catch {
      // The store of who is here is away; the next window's digest carries the count.
      return;
    }
    const digest: PresenceDigest = room === DEFAULT_ROOM ? { count } : { room, count };
    // More changes than a page: the count alone; a client that shows names asks `people` again.
    if (changes.entered.size + changes.left.size <= PRESENCE_PAGE_SIZE) {
      if (changes.entered.size > 0) digest.entered = [...changes.entered];
      if (changes.left.size > 0) digest.left = [...changes.left];
    }
    this.sink.send(room, digest);
  }
}
