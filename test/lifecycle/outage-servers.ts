/** Stand-ins for a database that is down: a port that refuses, and a server that accepts and never answers. */
import { createServer, type Server, type Socket } from 'node:net';
import { TcpProxy } from '../history/tcp-proxy';

/** A proxy to `host:port` that refuses (its port closed) until `start()`; resolves once its port is known. */
export async function refusingProxy(host: string, port: number): Promise<TcpProxy> {
  const proxy = new TcpProxy(host, port);
  await proxy.start();
  // Its port is known and now closed: connections are refused until start() reopens it.
  await proxy.stop();
  return proxy;
}

/** A TCP server that accepts connections and never writes a byte: a hung database. */
export class HangingServer {
  port = 0;
  private readonly server: Server = createServer((socket) => {
    this.sockets.add(socket);
    // Reads (and drops) what it is sent, so that it notices the other side hanging up.
    socket.resume();
    socket.on('error', () => undefined);
    socket.on('close', () => this.sockets.delete(socket));
  });
  private readonly sockets = new Set<Socket>();

  /** Starts listening on a free port; resolves to it. */
  async start(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    if (address === null || typeof address === 'string') throw new Error('no TCP address');
    this.port = address.port;
    return this.port;
  }

  /** How many connections it is holding. */
  get held(): number {
    return this.sockets.size;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** `url` with its host and port replaced. */
export function via(url: string, port: number): string {
  const target = new URL(url);
  target.hostname = '127.0.0.1';
  target.port = String(port);
  return target.toString();
}

/** Polls `condition` every 25 ms; rejects naming `what` after `timeoutMs`. Resolves to the time it took. */
export async function waitFor(what: string, condition: () => boolean, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return Date.now() - started;
}
