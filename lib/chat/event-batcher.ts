/**
 * Adaptive micro-batching of room-wide events for clients that say they understand batches: an
 * event for an idle room goes out at once; events that follow within `windowMs` are held and sent
 * together as one `batch` frame, so under load every reader gets one socket write per window
 * instead of one per message. Order is kept: nothing overtakes what is queued.
 */
import type { BatchedEvent } from '../protocol/events';

export type { BatchedEvent };

/** Where the batcher sends: one event as is, or several in one `batch`. */
export interface BatchSink {
  sendOne(room: string, event: BatchedEvent): void;
  sendBatch(room: string, events: BatchedEvent[]): void;
}

interface RoomQueue {
  events: BatchedEvent[];
  lastSentAt: number;
  timer: NodeJS.Timeout | undefined;
}

/** Holds the per-room queues; `windowMs` 0 sends every event at once (batching off). */
export class EventBatcher {
  private readonly queues = new Map<string, RoomQueue>();

  constructor(
    private readonly sink: BatchSink,
    private readonly windowMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Sends `event` to the room's batch-capable audience, now or with the next batch. */
  push(room: string, event: BatchedEvent): void {
    if (this.windowMs <= 0) {
      this.sink.sendOne(room, event);
      return;
    }
    let queue = this.queues.get(room);
    const now = this.now();
    if (queue === undefined) {
      queue = { events: [], lastSentAt: -Infinity, timer: undefined };
      this.queues.set(room, queue);
    }
    if (queue.events.length === 0 && now - queue.lastSentAt >= this.windowMs) {
      // The room was idle: no added latency.
      queue.lastSentAt = now;
      this.sink.sendOne(room, event);
      this.scheduleForget(room, queue);
      return;
    }
    queue.events.push(event);
    if (queue.timer === undefined || queue.events.length === 1) {
      if (queue.timer !== undefined) clearTimeout(queue.timer);
      const wait = Math.max(0, queue.lastSentAt + this.windowMs - now);
      queue.timer = setTimeout(() => this.flush(room), wait);
    }
  }

  /** Sends everything queued, at once; used on close so nothing is dropped. */
  flushAll(): void {
    for (const room of [...this.queues.keys()]) this.flush(room);
  }

  /** Stops every timer without sending. */
  close(): void {
    for (const queue of this.queues.values()) if (queue.timer !== undefined) clearTimeout(queue.timer);
    this.queues.clear();
  }

  private flush(room: string): void {
    const queue = this.queues.get(room);
    if (queue === undefined) return;
    if (queue.timer !== undefined) clearTimeout(queue.timer);
    queue.timer = undefined;
    const events = queue.events;
    if (events.length === 0) {
      this.queues.delete(room);
      return;
    }
    queue.events = [];
    queue.lastSentAt = this.now();
    const [only] = events;
    if (events.length === 1 && only !== undefined) this.sink.sendOne(room, only);
    else this.sink.sendBatch(room, events);
    this.scheduleForget(room, queue);
  }

  /** Drops an idle room's queue once its window has passed, so rooms do not accumulate. */
  private scheduleForget(room: string, queue: RoomQueue): void {
    queue.timer ??= setTimeout(() => {
      queue.timer = undefined;
      if (queue.events.length > 0) this.flush(room);
      else this.queues.delete(room);
    }, this.windowMs);
  }
}
