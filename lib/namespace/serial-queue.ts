/** Runs one socket's events one after another, so an async store cannot reorder a sender's messages. */

/**
 * One chat's queues, one per socket while it has work: an idle socket (most of a big room) holds
 * none, instead of a promise chain and a closure for the life of its connection.
 */
export class SerialQueues {
  private readonly tails = new Map<string, Promise<void>>();

  /** Schedules `task` after every task scheduled before it for the socket `id`. */
  schedule(id: string, task: () => Promise<void>): void {
    // Tasks never reject (they are wrapped by safeHandler), but a queue must survive one that does.
    const tail: Promise<void> = (this.tails.get(id) ?? Promise.resolve())
      .then(task)
      .catch(() => undefined)
      .then(() => {
        // The last task scheduled so far has run: the socket is idle again.
        if (this.tails.get(id) === tail) this.tails.delete(id);
      });
    this.tails.set(id, tail);
  }

  /** Sockets with work queued or running (for tests and diagnostics). */
  get size(): number {
    return this.tails.size;
  }
}
