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

  /** Someone joined a room other than the default (the joiner included). */
  enterRoom(nick: string, room: string): void {
    this.namespace.to(roomChannel(room)).emit('enter', nick, { room });
  }

  /** Someone left a room other than the default, renamed or disconnected. */
  exitRoom(nick: string, room: string): void {
    this.namespace.to(roomChannel(room)).emit('exit', nick, { room });
  }

  /** Someone is typing in a room: to everyone there but the typist's socket. */
  typing(socket: ChatSocket, nick: string, room: string): void {
    const to = this.namespace.to(roomChannel(room)).except(socket.id);
    if (room === DEFAULT_ROOM) to.emit('typing', nick);
    else to.emit('typing', nick, { room });
  }

  /** Takes a socket out of a room's audience. */
  leave(socket: ChatSocket, room: string): void {
    void socket.leave(roomChannel(room));
  }
}
