/**
 * Cross-site WebSocket hijacking defence: a request's `Origin` must be the chat's own origin
 * (the scheme the client used, and the `Host` it was sent to) or one the host listed. Socket.IO's
 * `cors` option does not cover WebSocket handshakes, so this runs for both transports.
 */
import type { IncomingMessage } from 'node:http';
import type { TrustProxy } from '../options';
import { clientScheme } from './client-address';

/** Why a request's origin was refused, or undefined when it is allowed. */
export function refuseOrigin(req: IncomingMessage, allowed: readonly string[], trustProxy: TrustProxy = false): string | undefined {
  const origin = req.headers.origin;
  // Browsers send Origin on every WebSocket handshake and cross-origin request; only a same-origin
  // GET (long-polling from the chat's own page) or a non-browser client, which holds no victim's
  // cookies, leaves it out.
  if (origin === undefined) return undefined;
  if (typeof origin !== 'string' || origin === 'null') return 'origin not allowed';
  if (allowed.includes(origin)) return undefined;
  const host = req.headers.host;
  if (typeof host !== 'string' || host.length === 0) return 'origin not allowed';
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return 'origin not allowed';
  }
  // The origin must be exactly scheme://host[:port] of this request: `https://host.evil.example`
  // and `https://evil.example/?host` are other sites, and `https://host` is another origin than
  // `http://host` (a page served over TLS by someone else on that name).
  if (parsed.origin !== origin || parsed.protocol !== clientScheme(req, trustProxy)) return 'origin not allowed';
  let own: URL;
  try {
    own = new URL(`${parsed.protocol}//${host}`);
  } catch {
    return 'origin not allowed';
  }
  // Compared as URLs, so a default port written out (`Host: example.com:80`) is the same origin.
  return parsed.host === own.host ? undefined : 'origin not allowed';
}
