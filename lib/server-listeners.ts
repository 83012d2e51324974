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

/** The listeners attached since `before` was taken: call it right after the engine attaches. */
export function addedListeners(server: HttpServer | HttpsServer, before: ListenerSnapshot): ListenerSnapshot {
  const after = snapshotListeners(server);
  const added = (event: (typeof EVENTS)[number]) => after[event].filter((listener) => !before[event].includes(listener));
  return { request: added('request'), upgrade: added('upgrade'), close: added('close'), listening: added('listening') };
}

/** Removes exactly the engine's listeners (`added`), and restores the host's `request` listeners it took over. */
export function detachEngine(server: HttpServer | HttpsServer, before: ListenerSnapshot, added: ListenerSnapshot): void {
  for (const event of EVENTS) {
    for (const listener of added[event]) server.removeListener(event, listener);
  }
  const current = server.listeners('request') as Listener[];
  for (const listener of before.request) {
    if (!current.includes(listener)) server.on('request', listener);
  }
}
