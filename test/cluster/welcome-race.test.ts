/**
 * The cross-node welcome race: messages stored on one node while sockets connect to another reach
 * each socket exactly once (in its history or live, never both, never neither), many times over.
 */
import { io as connectClient } from 'socket.io-client';
import type { BatchedEvent } from '../../lib/protocol/events';
import type { ChatMessage } from '../../lib/protocol/payloads';
import { stopAllChildServers, type ChildServer } from '../helpers/child-server';
import type { TestSocket } from '../helpers/chat-server';
import { describeWithService, REDIS_URL } from '../helpers/services';
import { startCluster, waitFor, type TestCluster } from './cluster-harness';

jest.setTimeout(120_000);

const READERS = 40;

/** A reader whose every message is recorded from the first frame on. */
interface Reader {
  socket: TestSocket;
  lastId: number | undefined;
  history: ChatMessage[] | undefined;
  live: number[];
  /** Set when a chat line arrived before `history` (the protocol's first rule broken). */
  overtaken: boolean;
}

function openReader(node: ChildServer, auth: Record<string, unknown>, lastId: number | undefined): Reader {
  const socket: TestSocket = connectClient(`${node.url}/chat`, { transports: ['websocket'], forceNew: true, reconnection: false, auth });
  const reader: Reader = { socket, lastId, history: undefined, live: [], overtaken: false };
  const take = (name: string, payload: unknown): void => {
    const id = (payload as Partial<ChatMessage> | undefined)?.id;
    if (name === 'chat' && typeof id === 'number') {
      if (reader.history === undefined) reader.overtaken = true;
      reader.live.push(id);
    }
  };
  socket.onAny((name: string, ...args: unknown[]) => {
    if (name === 'history') reader.history ??= args[0] as ChatMessage[];
    else if (name === 'batch') for (const [event, payload] of args[0] as BatchedEvent[]) take(event, payload);
    else take(name, args[0]);
  });
  return reader;
}

describeWithService('redis', 'cluster welcome race', () => {
  describeWithService('postgres', 'one node writes fast while sockets connect to another', () => {
    let cluster: TestCluster | undefined;

    afterAll(async () => {
      await cluster?.cleanup();
      await stopAllChildServers();
    });

    it(`delivers every message exactly once to each of ${READERS} sockets welcomed meanwhile`, async () => {
      cluster = await startCluster(2, REDIS_URL, [], { options: { batchWindowMs: 15 } });
      const c = cluster;
      const [writerNode, readerNode] = [c.nodes[0]!, c.nodes[1]!];
      const writers = [await c.login(writerNode, 'w1'), await c.login(writerNode, 'w2'), await c.login(readerNode, 'w3')];
      const written: number[] = [];
      let writing = true;
      const loops = writers.map(async (writer, w) => {
        for (let n = 0; writing; n++) {
          const ack = await writer.timeout(10_000).emitWithAck('chat', { m: `w${w}-${n}`, cid: `w${w}-${n}` });
          if (!ack.ok) throw new Error(ack.error.code);
          written.push(ack.id);
        }
      });
      await waitFor('the writers to get going', () => written.length >= 20);

      const readers: Reader[] = [];
      for (let i = 0; i < READERS; i++) {
        // Alternately a fresh page, a page reconnecting with the last id it saw, each with and without batches.
        const lastId = i % 2 === 1 ? written[written.length - 5] : undefined;
        readers.push(openReader(readerNode, { batch: i % 4 < 2, ...(lastId === undefined ? {} : { lastId }) }, lastId));
        await new Promise((resolve) => setTimeout(resolve, 10 + Math.random() * 40));
      }
      await waitFor('every reader welcomed', () => readers.every((reader) => reader.history !== undefined));
      writing = false;
      await Promise.all(loops);
      const all = [...written].sort((a, b) => a - b);
      const last = all[all.length - 1]!;
      await waitFor('every reader up to the last message', () => readers.every((reader) => reader.live.includes(last)), 20_000);
      await new Promise((resolve) => setTimeout(resolve, 500));

      expect(readers.filter((reader) => reader.overtaken)).toEqual([]);
      for (const [i, reader] of readers.entries()) {
        const history = reader.history!.map((message) => message.id);
        const received = [...history, ...reader.live];
        // Exactly once: no id twice, and nothing written after the history's start is missing.
        expect({ reader: i, duplicates: received.filter((id, at) => received.indexOf(id) !== at) }).toEqual({ reader: i, duplicates: [] });
        const from = reader.lastId ?? history[0] ?? 0;
        const expected = all.filter((id) => (reader.lastId === undefined ? id >= from : id > from));
        expect({ reader: i, ids: [...received].filter((id) => id >= from).sort((a, b) => a - b) }).toEqual({ reader: i, ids: expected });
      }
      for (const reader of readers) reader.socket.disconnect();
    });
  });
});
