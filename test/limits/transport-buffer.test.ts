/**
 * The Engine.IO internal Chatterbox reads (lib/limits/transport-buffer.ts): a WebSocket transport's
 * `ws` socket with `bufferedAmount` and `terminate()`. This fails loudly if an upgrade moves it,
 * instead of the write-buffer cap silently never firing.
 */
import { transportBufferedBytes, transportTerminator } from '../../lib/limits/transport-buffer';
import type { ChatSocket } from '../../lib/chat/socket-types';
import { closeAll, nextEvent, startChat } from '../helpers/chat-server';

afterEach(closeAll);

describe('the WebSocket transport internals', () => {
  it('exposes the ws socket with a numeric bufferedAmount and a terminate() that ends the connection', async () => {
    const chat = await startChat();
    const client = await chat.connect();
    const [server] = [...chat.chat.namespace!.sockets.values()] as ChatSocket[];
    expect(server).toBeDefined();
    const transport = server!.conn.transport as unknown as { name: string; socket?: { bufferedAmount?: unknown; terminate?: unknown } };
    expect(transport.name).toBe('websocket');
    expect(typeof transport.socket?.bufferedAmount).toBe('number');
    expect(typeof transport.socket?.terminate).toBe('function');
    expect(transportBufferedBytes(server!.conn)).toBeGreaterThanOrEqual(0);
    const gone = nextEvent(client, 'disconnect');
    transportTerminator(server!.conn)();
    await gone;
  });
});
