/**
 * Drops a client that does not read what it is sent. Engine.IO queues outgoing packets without a
 * bound, and a peer that never reads lives until its ping times out (45 s by default); this caps
 * the bytes waiting for one client and disconnects it beyond the cap.
 */
import type { ChatSocket } from '../chat/socket-types';
import { transportBufferedBytes, transportTerminator } from './transport-buffer';

interface OutgoingPacket {
  data?: unknown;
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
  const onPacket = (packet: OutgoingPacket): void => {
    queued += packetBytes(packet);
    if (queued <= maxBytes && queued + transportBufferedBytes(conn) <= maxBytes) return;
    stop();
    onDrop();
    // Discard what is queued rather than wait for a drain that will never come.
    const terminate = transportTerminator(conn);
    conn.close(true);
    terminate();
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
