/**
 * Drops a client that does not read what it is sent. Engine.IO queues outgoing packets without a
 * bound, and a peer that never reads lives until its ping times out (45 s by default); this caps
 * the bytes waiting for one client and disconnects it beyond the cap.
 */
import type { ChatSocket } from '../chat/socket-types';

interface OutgoingPacket {
  data?: unknown;
}

interface BufferedTransport {
  socket?: { bufferedAmount?: number; terminate?: () => void };
}

function packetBytes(packet: OutgoingPacket): number {
  const { data } = packet;
  if (typeof data === 'string') return Buffer.byteLength(data) + 1;
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) return data.byteLength + 1;
  return 1;
}

/** Watches one socket's outgoing queue; returns the function that stops watching. */
export function capWriteBuffer(socket: ChatSocket, maxBytes: number, onDrop: () => void): () => void {
  const conn = socket.conn;
  let queued = 0;
  const transportBytes = (): number => (conn.transport as unknown as BufferedTransport).socket?.bufferedAmount ?? 0;
  const onPacket = (packet: OutgoingPacket): void => {
    queued += packetBytes(packet);
    if (queued <= maxBytes && queued + transportBytes() <= maxBytes) return;
    stop();
    onDrop();
    const ws = (conn.transport as unknown as BufferedTransport).socket;
    // Discard what is queued rather than wait for a drain that will never come.
    conn.close(true);
    ws?.terminate?.();
  };
  // Once flushed, packets are the transport's: its own buffer is read at the next packet.
  const onFlush = (): void => {
    queued = 0;
  };
  const stop = (): void => {
    conn.off('packetCreate', onPacket);
    conn.off('flush', onFlush);
  };
  conn.on('packetCreate', onPacket);
  conn.on('flush', onFlush);
  conn.once('close', stop);
  return stop;
}
