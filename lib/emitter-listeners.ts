/**
 * Removing exactly the listeners a chat added to its namespace (its cluster's included), so that
 * the namespace's permanent dispatchers, and anything the host added, stay.
 */
import type { EventEmitter } from 'node:events';

type Listener = (...args: unknown[]) => void;

/** An emitter's listeners, event by event. */
export type EmitterSnapshot = Map<string | symbol, Listener[]>;

/** Records the listeners `emitter` has now. */
export function snapshotEmitter(emitter: object): EmitterSnapshot {
  const target = emitter as EventEmitter;
  return new Map(target.eventNames().map((event) => [event, target.listeners(event) as Listener[]]));
}

/** Returns a function that removes the listeners added to `emitter` between `before` and now. */
export function listenersAddedSince(emitter: object, before: EmitterSnapshot): () => void {
  const target = emitter as EventEmitter;
  const added = target.eventNames().flatMap((event) => {
    const earlier = before.get(event) ?? [];
    return (target.listeners(event) as Listener[]).filter((listener) => !earlier.includes(listener)).map((listener) => [event, listener] as const);
  });
  return () => {
    for (const [event, listener] of added) target.removeListener(event, listener);
  };
}
