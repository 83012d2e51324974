/**
 * The client's address and scheme, believing proxies' `X-Forwarded-For` / `X-Forwarded-Proto`
 * exactly as far as Express's `trust proxy` would (`trustProxy`), through Express's own proxy-addr.
 */
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import proxyaddr from 'proxy-addr';
import type { TrustProxy } from '../options';

/** Whether to believe what the hop at `address` (the `i`-th from the socket's peer) forwarded. */
export type TrustFunction = (address: string, i: number) => boolean;

const compiled = new Map<string, TrustFunction>();

/** `trustProxy` as proxy-addr's trust function, compiled once per setting (as Express's `compileTrust`). */
export function compileTrust(trustProxy: TrustProxy): TrustFunction {
  const cacheKey = JSON.stringify(trustProxy);
  let trust = compiled.get(cacheKey);
  if (trust !== undefined) return trust;
  if (trustProxy === true) trust = () => true;
  else if (trustProxy === false) trust = () => false;
  else if (typeof trustProxy === 'number') trust = (_address, i) => i < trustProxy;
  else {
    const list = typeof trustProxy === 'string' ? trustProxy.split(',').map((part) => part.trim()) : [...trustProxy];
    trust = proxyaddr.compile(list);
  }
  compiled.set(cacheKey, trust);
  return trust;
}

/** `::ffff:127.0.0.2` and `127.0.0.2` are one client. */
export function normaliseAddress(address: string): string {
  const trimmed = address.trim();
  return trimmed.toLowerCase().startsWith('::ffff:') && trimmed.includes('.') ? trimmed.slice(7) : trimmed;
}

function peerOf(req: IncomingMessage): string {
  return req.socket?.remoteAddress ?? 'unknown';
}

/**
 * The address per-address limits count: the socket's peer, or the nearest `X-Forwarded-For`
 * entry that a hop `trustProxy` does not trust put there (Express's `req.ip`).
 */
export function clientAddress(req: IncomingMessage, trustProxy: TrustProxy): string {
  if (trustProxy === false || trustProxy === 0) return normaliseAddress(peerOf(req));
  // proxy-addr reads the peer from `req.connection`, which replayed or test requests may lack, and
  // its typings want a whole IncomingMessage although it reads only these two fields: the one cast
  // here is what proxy-addr has no narrower public type for (covered by test/limits/limits.test.ts).
  const view = { headers: req.headers, connection: { remoteAddress: peerOf(req) } } as unknown as IncomingMessage;
  try {
    // A forwarded entry is the client's own claim once every hop is trusted: bound its size.
    return normaliseAddress(proxyaddr(view, compileTrust(trustProxy)).slice(0, 64));
  } catch {
    return normaliseAddress(peerOf(req));
  }
}

/**
 * The scheme the client used (`http:` or `https:`): TLS on the socket, or `X-Forwarded-Proto`
 * when the peer is a trusted proxy (Express's `req.protocol`).
 */
export function clientScheme(req: IncomingMessage, trustProxy: TrustProxy): 'http:' | 'https:' {
  const own = (req.socket as Partial<TLSSocket> | undefined)?.encrypted === true ? 'https:' : 'http:';
  if (trustProxy === false || trustProxy === 0 || !compileTrust(trustProxy)(peerOf(req), 0)) return own;
  const header = req.headers['x-forwarded-proto'];
  const first = (Array.isArray(header) ? header[0] : header)?.split(',')[0]?.trim().toLowerCase();
  if (first === 'https') return 'https:';
  if (first === 'http') return 'http:';
  return own;
}
