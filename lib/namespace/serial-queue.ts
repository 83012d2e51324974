/** Runs one socket's events one after another, so an async store cannot reorder a sender's messages. */

/** Returns a function that schedules a task after every task scheduled before it. */
export function createSerialQueue(): (task: () => Promise<void>) => void {
  let tail: Promise<void> = Promise.resolve();
  return (task) => {
    // Tasks never reject (they are wrapped by safeHandler), but a queue must survive one that does.
    tail = tail.then(task).catch(() => undefined);
  };
}
