/** The client's address, trusting `X-Forwarded-For` only as far as the host said (`trustProxy`). */
import type { IncomingMessage } from 'node:http';

/** `::ffff:127.0.0.2` and `127.0.0.2` are one client. */
export function normaliseAddress(address: string): string {
  const trimmed = address.trim();
  return trimmed.toLowerCase().startsWith('::ffff:') && trimmed.includes('.') ? trimmed.slice(7) : trimmed;
}

/**
 * The address per-address limits count: the socket's peer; behind `trustProxy: true` the first
 * `X-Forwarded-For` entry; behind `trustProxy: n` the entry `n` hops from the socket's peer.
 */
export function clientAddress(req: IncomingMessage, trustProxy: boolean | number): string {
  const peer = normaliseAddress(req.socket?.remoteAddress ?? 'unknown');
  if (trustProxy === false || trustProxy === 0) return peer;
  const header = req.headers['x-forwarded-for'];
  const raw = Array.isArray(header) ? header.join(',') : (header ?? '');
  const hops = raw.split(',').map((part) => part.trim()).filter((part) => part.length > 0 && part.length <= 64);
  if (hops.length === 0) return peer;
  if (trustProxy === true) return normaliseAddress(hops[0] ?? peer);
  // The chain is [client, proxy1, …]; the peer is the last proxy; `n` proxies are trusted.
  const chain = [...hops, peer];
  return normaliseAddress(chain[Math.max(0, chain.length - 1 - trustProxy)] ?? peer);
}
