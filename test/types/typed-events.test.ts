/**
 * Compile-time tests of the typed protocol: what a host's TypeScript infers for events, acks and
 * handlers. `npm run typecheck` fails on a wrong line here; jest only runs the one smoke test.
 * Each `@ts-expect-error` line is a mistake the types must refuse.
 */
import { expectTypeOf } from 'expect-type';
import type { Socket as ClientSocket } from 'socket.io-client';
import type {
  AckOf,
  BatchedEvent,
  ClientToServerEvents,
  ClusterMessage,
  InterServerEvents,
  ServerToClientEvents,
  SuccessOf,
} from '../../lib/protocol/events';
import type { ChatAck, ChatMessage, ConversationsAck, ErrorAck, LoginAck, PeopleAck, PresenceDigest, ReadAck } from '../../lib/protocol/payloads';
import type { EventHandler } from '../../lib/namespace/handler-context';
import type { ChatNamespace } from '../../lib/chat/socket-types';

type ChatClient = ClientSocket<ServerToClientEvents, ClientToServerEvents>;
declare const client: ChatClient;
declare const namespace: ChatNamespace;
declare const message: ChatMessage;

describe('typed events', () => {
  it('compiles', () => {
    expect(true).toBe(true);
  });
});

// Acks are derived from the event maps, per event.
expectTypeOf<AckOf<'chat'>>().toEqualTypeOf<ChatAck>();
expectTypeOf<AckOf<'login'>>().toEqualTypeOf<LoginAck>();
expectTypeOf<AckOf<'typing'>>().toBeNever();
expectTypeOf<AckOf<'conversations'>>().toEqualTypeOf<ConversationsAck>();
expectTypeOf<AckOf<'read'>>().toEqualTypeOf<ReadAck>();
expectTypeOf<Extract<BatchedEvent, ['read', ...unknown[]]>>().toEqualTypeOf<['read', { room: string; id: number }]>();
expectTypeOf<AckOf<'people'>>().toEqualTypeOf<PeopleAck>();

// A login's ack: the whole list, or for a digest client the first page with the count.
export function loginAck(ack: SuccessOf<'login'>): number {
  expectTypeOf(ack.users).toEqualTypeOf<string[]>();
  return 'count' in ack ? ack.count : ack.users.length;
}

export function presenceSide(): void {
  client.on('presence', (digest) => {
    expectTypeOf(digest).toEqualTypeOf<PresenceDigest>();
  });
  // @ts-expect-error -- `people` answers through its ack: it is the point of it
  client.emit('people', {});
  // @ts-expect-error -- a presence digest is sent per window to its room, never inside a batch
  const digestInBatch: BatchedEvent = ['presence', { count: 1 }];
  void digestInBatch;
}
expectTypeOf<SuccessOf<'chat'>>().toEqualTypeOf<{ ok: true } & { id: number }>();
expectTypeOf<ErrorAck>().not.toMatchTypeOf<SuccessOf<'chat'>>();

// A handler replies with its own event's success, and nothing else.
export const chatHandler: EventHandler<'chat'> = (_context, _socket, _args, reply) => {
  reply({ ok: true, id: 1 });
  // @ts-expect-error -- a login's answer is not a chat's
  reply({ ok: true, nick: 'a', users: [] });
  // @ts-expect-error -- refusals are thrown, never replied
  reply({ ok: false, error: { code: 'INVALID_MESSAGE', message: 'x' } });
  return Promise.resolve();
};

export function clientSide(): void {
  client.emit('chat', 'hello');
  client.emit('chat', { m: 'hello', cid: 'c1' }, (ack) => {
    expectTypeOf(ack).toEqualTypeOf<ChatAck>();
  });
  // @ts-expect-error -- a message is text or { m }, not a number
  client.emit('chat', 42);
  // @ts-expect-error -- history needs an ack: it is the answer
  client.emit('history', { before: 10 });
  client.on('chat', (line) => {
    expectTypeOf(line.u).toBeString();
  });
  client.on('batch', (events) => {
    expectTypeOf(events).toEqualTypeOf<BatchedEvent[]>();
  });
}

export function serverSide(): void {
  namespace.to('room:').emit('chat', message);
  // @ts-expect-error -- `enter` carries a nickname
  namespace.emit('enter', 42);
}

// A batch holds only room-wide events, each with exactly its own arguments.
export function batches(): BatchedEvent[][] {
  const batched: BatchedEvent[] = [
    ['chat', message],
    ['enter', 'alice', { room: 'games' }],
    ['delete', { id: 3 }],
    ['edit', { id: 3, m: 'fixed', editedTs: 1 }],
    ['reactions', { id: 3, counts: { '👍': 2 } }],
  ];
  // @ts-expect-error -- `edit` carries the new text and when it was edited
  const editWithoutTs: BatchedEvent = ['edit', { id: 3, m: 'fixed' }];
  void editWithoutTs;
  // @ts-expect-error -- `users` is sent to one socket, never batched
  const usersInBatch: BatchedEvent = ['users', ['alice']];
  // @ts-expect-error -- `chat` carries a line, not a string
  const wrongChat: BatchedEvent = ['chat', 'hello'];
  return [batched, [usersInBatch, wrongChat]];
}

// Nodes talk over Chatterbox's own bus (ClusterMessage), never through the adapter.
expectTypeOf<InterServerEvents>().toEqualTypeOf<Record<string, never>>();
expectTypeOf<Extract<ClusterMessage, { type: 'event' }>['event']>().toEqualTypeOf<BatchedEvent>();
