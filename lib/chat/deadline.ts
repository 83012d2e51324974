/** Bounded waiting, so that shutting down never hangs on a dependency that does not answer. */

/**
 * Resolves when `work` settles or after `ms`, whichever comes first; never rejects. The timer is
 * unref'd and cleared, so it never keeps the process alive. Resolves true when `work` settled.
 */
export function settleWithin(work: Promise<unknown> | undefined, ms: number): Promise<boolean> {
  if (work === undefined) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), Math.max(0, ms));
    timer.unref();
    work.then(
      () => {
        clearTimeout(timer);
        resolve(true);
      },
      () => {
        clearTimeout(timer);
        resolve(true);
      },
    );
  });
}

/** A wait of `ms` that does not keep the process alive; `cancel()` ends it early (resolving). */
export function sleep(ms: number): { done: Promise<void>; cancel(): void } {
  let timer: NodeJS.Timeout | undefined;
  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    finish = resolve;
    timer = setTimeout(resolve, ms);
    timer.unref();
  });
  return {
    done,
    cancel() {
      clearTimeout(timer);
      finish();
    },
  };
}
