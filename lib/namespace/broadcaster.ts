/**
 * The one place that sends room-wide events, so that rooms, batching and clusters change how
 * events travel without touching the handlers.
 */
import { DEFAULT_ROOM, type ChatMessage } from '../protocol/payloads';
import type { ChatNamespace, ChatSocket } from './types';

/** The Socket.IO room that carries a chat room's events. */
export function roomChannel(room: string): string {
  return `room:${room}`;
}

/** Sends chat-wide events to every socket of a room, on every node the adapter reaches. */
export class Broadcaster {
  constructor(private readonly namespace: ChatNamespace) {}

  /** Puts a socket in a room's audience. */
  join(socket: ChatSocket, room: string = DEFAULT_ROOM): void {
    void socket.join(roomChannel(room));
  }

  /** A stored message, to everyone in its room (the author included). */
  chat(message: ChatMessage): void {
    this.namespace.to(roomChannel(message.room ?? DEFAULT_ROOM)).emit('chat', message);
  }

  /** Someone logged in. */
  enter(nick: string): void {
    this.namespace.to(roomChannel(DEFAULT_ROOM)).emit('enter', nick);
  }

  /** Someone left or renamed. */
  exit(nick: string): void {
    this.namespace.to(roomChannel(DEFAULT_ROOM)).emit('exit', nick);
  }
}
