/**
 * The one place that sends room-wide events, so that rooms, batching and clusters change how
 * events travel without touching the handlers. Each room has two audiences: clients that said
 * they understand `batch` frames (coalesced under load by the EventBatcher) and the others (one
 * event per frame, as the original protocol's clients expect).
 */
import type { BatchedEvent } from '../protocol/events';
import { DEFAULT_ROOM, SYSTEM_NICK, type ChatMessage, type EditNotice, type ReactionsNotice } from '../protocol/payloads';
import { EventBatcher } from './event-batcher';
import type { ChatNamespace, ChatSocket } from './socket-types';

/** The Socket.IO room that carries a chat room's events: everyone in it. */
export function roomChannel(room: string): string {
  return `room:${room}`;
}

/** The part of a room's audience that reads `batch` frames. */
function batchChannel(room: string): string {
  return `batch:${room}`;
}

/** The part of a room's audience that wants one event per frame. */
function plainChannel(room: string): string {
  return `plain:${room}`;
}

// Typed emit for events whose arguments were assembled as a list.
type LooseEmit = (event: string, ...args: unknown[]) => boolean;

/** Sends chat-wide events to every socket of a room, on every node the adapter reaches. */
export class Broadcaster {
  private readonly batcher: EventBatcher;
  private readonly inFlight = new Set<Promise<unknown>>();

  /** `batchWindowMs`: how long a busy room's events may be held to share a frame (0: never). */
  constructor(
    private readonly namespace: ChatNamespace,
    batchWindowMs = 0,
  ) {
    this.batcher = new EventBatcher(
      {
        sendOne: (room, [event, ...args]) => {
          (this.namespace.to(batchChannel(room)).emit as LooseEmit)(event, ...args);
        },
        sendBatch: (room, events) => {
          this.namespace.to(batchChannel(room)).emit('batch', events);
        },
      },
      batchWindowMs,
    );
  }

  /** Puts a socket in a room's audience. */
  join(socket: ChatSocket, room: string = DEFAULT_ROOM): void {
    void socket.join([roomChannel(room), socket.data.batch === true ? batchChannel(room) : plainChannel(room)]);
  }

  /** Takes a socket out of a room's audience. */
  leave(socket: ChatSocket, room: string): void {
    for (const channel of [roomChannel(room), batchChannel(room), plainChannel(room)]) void socket.leave(channel);
  }

  /** A stored message, to everyone in its room (the author included). */
  chat(message: ChatMessage): void {
    this.send(message.room ?? DEFAULT_ROOM, ['chat', message]);
  }

  /** A stored message, to one audience (used for a direct conversation's participants). */
  chatTo(audience: string, message: ChatMessage): void {
    this.send(audience, ['chat', message]);
  }

  /** Someone logged in. */
  enter(nick: string): void {
    this.send(DEFAULT_ROOM, ['enter', nick]);
  }

  /** Someone left or renamed. */
  exit(nick: string): void {
    this.send(DEFAULT_ROOM, ['exit', nick]);
  }

  /** Someone joined a room other than the default (the joiner included). */
  enterRoom(nick: string, room: string): void {
    this.send(room, ['enter', nick, { room }]);
  }

  /** Someone left a room other than the default, renamed or disconnected. */
  exitRoom(nick: string, room: string): void {
    this.send(room, ['exit', nick, { room }]);
  }

  /**
   * A message was removed, whatever its room: sent through the default room, which every socket
   * is in, and in order after the message, so no page keeps a deleted line.
   */
  deleted(id: number): void {
    this.send(DEFAULT_ROOM, ['delete', { id }]);
  }

  /** Its author edited a message: to everyone in its room. */
  edited(room: string, notice: EditNotice): void {
    this.send(room, ['edit', notice]);
  }

  /** A message's reactions changed: its counts, to everyone in its room. */
  reactionsChanged(room: string, notice: ReactionsNotice): void {
    this.send(room, ['reactions', notice]);
  }

  /** A SYSTEM line from the host, to everyone in the default room. */
  system(text: string): void {
    this.send(DEFAULT_ROOM, ['chat', { u: SYSTEM_NICK, m: text }]);
  }

  /** Someone is typing in a room: to everyone there but the typist's socket (a hint: never held). */
  typing(socket: ChatSocket, nick: string, room: string): void {
    const to = this.namespace.to(roomChannel(room)).except(socket.id);
    if (room === DEFAULT_ROOM) to.emit('typing', nick);
    else to.emit('typing', nick, { room });
  }

  /** Runs a store-then-broadcast step, remembered until it ends (see {@link settled}). */
  track<T>(step: () => Promise<T>): Promise<T> {
    const running = step();
    this.inFlight.add(running);
    const forget = (): void => {
      this.inFlight.delete(running);
    };
    running.then(forget, forget);
    return running;
  }

  /** Resolves once every step tracked before this call has stored and broadcast (or failed). */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }

  /** Sends what is held and stops the batcher's timers. */
  close(): void {
    this.batcher.flushAll();
    this.batcher.close();
  }

  private send(room: string, event: BatchedEvent): void {
    const [name, ...args] = event;
    (this.namespace.to(plainChannel(room)).emit as LooseEmit)(name, ...args);
    this.batcher.push(room, event);
  }
}
