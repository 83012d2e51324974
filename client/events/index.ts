/** The protocol as the page hears it: one line per incoming event, one module per handler. */
import type { BatchedEvent, ChatLine, ChatMessage, DeleteRequest, HistoryMeta, RoomRef, SessionInfo } from '../../lib/protocol/payloads';
import type { ChatContext } from '../context';
import { onChat } from './chat';
import { onConnect } from './connect';
import { onConnectError } from './connect-error';
import { onDisconnect } from './disconnect';
import { onDelete } from './delete';
import { onEnter } from './enter';
import { onExit } from './exit';
import { onHistory } from './history';
import { onReconnectAttempt } from './reconnect-attempt';
import { onSession } from './session';
import { onTyping } from './typing';
import { onUsers } from './users';

/** Subscribes every handler; returns the function that unsubscribes them all. */
export function listen(ctx: ChatContext): () => void {
  const { socket } = ctx;
  const connect = (): void => onConnect(ctx);
  const disconnect = (): void => onDisconnect(ctx);
  const connectError = (err: Error): void => onConnectError(ctx, err);
  const reconnectAttempt = (): void => onReconnectAttempt(ctx);
  const history = (messages: ChatMessage[], meta: HistoryMeta): void => onHistory(ctx, messages, meta);
  const session = (info: SessionInfo): void => onSession(ctx, info);
  const enter = (nick: string, where?: RoomRef): void => onEnter(ctx, nick, where);
  const exit = (nick: string, where?: RoomRef): void => onExit(ctx, nick, where);
  const users = (nicks: string[], where?: RoomRef): void => onUsers(ctx, nicks, where);
  const typing = (nick: string, where?: RoomRef): void => onTyping(ctx, nick, where);
  const chat = (line: ChatLine): void => onChat(ctx, line);
  const remove = (request: DeleteRequest): void => onDelete(ctx, request);
  // Each event of a `batch` goes to the handler it would have reached alone.
  const batched: Readonly<Record<string, (...args: never[]) => void>> = { chat, enter, exit, users, typing, delete: remove };
  const batch = (events: BatchedEvent[]): void => {
    for (const [event, ...args] of events) (batched[event] as ((...args: unknown[]) => void) | undefined)?.(...args);
  };

  socket.on('connect', connect);
  socket.on('disconnect', disconnect);
  socket.on('connect_error', connectError);
  socket.io.on('reconnect_attempt', reconnectAttempt);
  socket.on('history', history);
  socket.on('session', session);
  socket.on('enter', enter);
  socket.on('exit', exit);
  socket.on('users', users);
  socket.on('chat', chat);
  socket.on('typing', typing);
  socket.on('delete', remove);
  socket.on('batch', batch);

  return () => {
    socket.off('connect', connect);
    socket.off('disconnect', disconnect);
    socket.off('connect_error', connectError);
    socket.io.off('reconnect_attempt', reconnectAttempt);
    socket.off('history', history);
    socket.off('session', session);
    socket.off('enter', enter);
    socket.off('exit', exit);
    socket.off('users', users);
    socket.off('chat', chat);
    socket.off('typing', typing);
    socket.off('delete', remove);
    socket.off('batch', batch);
  };
}
