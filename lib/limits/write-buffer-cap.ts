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

type Connection = ChatSocket['conn'];

function packetBytes(packet: OutgoingPacket): number {
  const { data } = packet;
  if (typeof data === 'string') return Buffer.byteLength(data) + 1;
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) return data.byteLength + 1;
  return 1;
}

/**
 * One chat's cap on every socket's outgoing queue. Its two listeners are shared by all
 * connections (an emitter calls them with `this` the connection), and a connection's count
 * exists only between a packet and the next flush: an idle connection costs two listener entries,
 * not three closures and a counter for the life of the connection.
 */
export function createWriteBufferCap(maxBytes: number, onDrop: (socket: ChatSocket) => void): (socket: ChatSocket) => void {
  // Bytes created since the connection's last flush; once flushed, packets are the transport's,
  // whose own buffer is read at the next packet.
  const queued = new WeakMap<Connection, number>();
  // The socket to name when its connection is dropped.
  const owners = new WeakMap<Connection, ChatSocket>();

  function onPacket(this: Connection, packet: OutgoingPacket): void {
    const bytes = (queued.get(this) ?? 0) + packetBytes(packet);
    if (bytes <= maxBytes && bytes + transportBufferedBytes(this) <= maxBytes) {
      queued.set(this, bytes);
      return;
    }
    this.off('packetCreate', onPacket);
    this.off('flush', onFlush);
    queued.delete(this);
    const socket = owners.get(this);
    if (socket !== undefined) onDrop(socket);
    // Discard what is queued rather than wait for a drain that will never come.
    const terminate = transportTerminator(this);
    this.close(true);
    terminate();
  }
  function onFlush(this: Connection): void {
    queued.delete(this);
  }
  return (socket) => {
    const conn = socket.conn;
    // One engine connection may carry several namespaces; it is watched once.
    if (owners.has(conn)) return;
    owners.set(conn, socket);
    conn.on('packetCreate', onPacket);
    conn.on('flush', onFlush);
  };
}
