/**
 * The one place Chatterbox reads an Engine.IO internal: the WebSocket transport's `ws` socket, for
 * the bytes it still holds (`bufferedAmount`) and to end it at once (`terminate`). Engine.IO has no
 * public way to see how much a slow reader owes, and without it a client that never reads would
 * hold unbounded memory. test/limits/transport-buffer.test.ts fails loudly if Engine.IO moves it.
 */
import type { ChatSocket } from '../chat/socket-types';

/** The part of Engine.IO's WebSocket transport this file relies on (polling transports have no `socket`). */
interface WebSocketTransport {
  socket?: { bufferedAmount?: number; terminate?: () => void };
}

function wsOf(conn: ChatSocket['conn']): WebSocketTransport['socket'] {
  return (conn.transport as unknown as WebSocketTransport).socket;
}

/** Bytes the connection's WebSocket has accepted but not yet sent; 0 for polling. */
export function transportBufferedBytes(conn: ChatSocket['conn']): number {
  return wsOf(conn)?.bufferedAmount ?? 0;
}

/**
 * A function that ends the connection's current WebSocket at once, discarding what it holds (a
 * no-op for polling); taken before `conn.close()`, which lets go of the transport.
 */
export function transportTerminator(conn: ChatSocket['conn']): () => void {
  const ws = wsOf(conn);
  return () => ws?.terminate?.();
}
