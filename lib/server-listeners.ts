/**
 * Undoing engine.io's attach: it replaces the server's `request` listeners with a wrapper and
 * adds its own `upgrade`, `close` and `listening` ones. Detaching restores the host's own.
 */
import type { Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';

type Listener = (...args: unknown[]) => void;
const EVENTS = ['request', 'upgrade', 'close', 'listening'] as const;

/** The server's listeners before the engine attaches. */
export type ListenerSnapshot = Record<(typeof EVENTS)[number], Listener[]>;

/** Records the listeners the host had. */
export function snapshotListeners(server: HttpServer | HttpsServer): ListenerSnapshot {
  const take = (event: string) => server.listeners(event) as Listener[];
  return { request: take('request'), upgrade: take('upgrade'), close: take('close'), listening: take('listening') };
}

/** Removes every listener added since `before` was taken, and restores the host's `request` listeners. */
export function detachEngine(server: HttpServer | HttpsServer, before: ListenerSnapshot): void {
  for (const event of EVENTS) {
    for (const listener of server.listeners(event) as Listener[]) {
      if (!before[event].includes(listener)) server.removeListener(event, listener);
    }
  }
  const hostListeners = server.listeners('request') as Listener[];
  for (const listener of before.request) {
    if (!hostListeners.includes(listener)) server.on('request', listener);
  }
}
