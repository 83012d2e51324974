/**
 * Adaptive micro-batching of room-wide events for clients that say they understand batches: an
 * event for an idle room goes out at once; events that follow within `windowMs` are held and sent
 * together as one `batch` frame, so under load every reader gets one socket write per window
 * instead of one per message. Order is kept: nothing overtakes what is queued.
 *
 * The window stretches with the room's size: a frame to a big room (one write per reader) can
 * take longer to write than the window itself, and a room sending such frames every window would
 * keep the process busy writing frames of one message each, queueing everything behind them
 * (issue #15: at half of saturation, 1,000 readers saw p99 near 100 ms). So the next frame waits
 * at least twice as long as the last one took to write, up to `MAX_STRETCH` windows: a room's
 * frames then take at most half of the process, and under load more messages share each write.
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
  /** How long after `lastSentAt` the next frame may go: the window, or longer after a slow write. */
  gapMs: number;
  timer: NodeJS.Timeout | undefined;
}

/** The next frame waits this many times as long as the last one took to write… */
const WRITE_COST_FACTOR = 2;
/** …but never more than this many windows (5 ms by default: 50 ms). */
const MAX_STRETCH = 10;

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
      queue = { events: [], lastSentAt: -Infinity, gapMs: this.windowMs, timer: undefined };
      this.queues.set(room, queue);
    }
    if (queue.events.length === 0 && now - queue.lastSentAt >= queue.gapMs) {
      // The room was idle: no added latency.
      this.send(room, queue, [event]);
      this.scheduleForget(room, queue);
      return;
    }
    queue.events.push(event);
    if (queue.timer === undefined || queue.events.length === 1) {
      if (queue.timer !== undefined) clearTimeout(queue.timer);
      const wait = Math.max(0, queue.lastSentAt + queue.gapMs - now);
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
    this.send(room, queue, events);
    this.scheduleForget(room, queue);
  }

  /** Writes one frame (a lone event as itself) and sets the room's next gap from what it cost. */
  private send(room: string, queue: RoomQueue, events: BatchedEvent[]): void {
    const started = this.now();
    const [only] = events;
    if (events.length === 1 && only !== undefined) this.sink.sendOne(room, only);
    else this.sink.sendBatch(room, events);
    const writeMs = this.now() - started;
    queue.lastSentAt = started;
    queue.gapMs = Math.min(this.windowMs * MAX_STRETCH, Math.max(this.windowMs, WRITE_COST_FACTOR * writeMs));
  }

  /** Drops an idle room's queue once its gap has passed, so rooms do not accumulate. */
  private scheduleForget(room: string, queue: RoomQueue): void {
    queue.timer ??= setTimeout(() => {
      queue.timer = undefined;
      if (queue.events.length > 0) this.flush(room);
      else this.queues.delete(room);
    }, Math.max(0, queue.lastSentAt + queue.gapMs - this.now()));
  }
}
