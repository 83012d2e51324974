/** The protocol as the page hears it: one line per incoming event, one module per handler. */
import type { BatchedEvent } from '../../lib/protocol/events';
import type {
  ChatLine,
  ChatMessage,
  DeleteRequest,
  EditNotice,
  HistoryMeta,
  ModerationUpdate,
  PresenceDigest,
  ReactionsNotice,
  ReadRequest,
  RoomRef,
  SessionInfo,
} from '../../lib/protocol/payloads';
import type { ChatContext } from '../context';
import { onChat } from './chat';
import { onConnect } from './connect';
import { onConnectError } from './connect-error';
import { onDisconnect } from './disconnect';
import { onDelete } from './delete';
import { onEdit } from './edit';
import { onReactions } from './reactions';
import { onRead } from './read';
import { onEnter } from './enter';
import { onExit } from './exit';
import { onHistory } from './history';
import { onModeration } from './moderation';
import { onPresence } from './presence';
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
  const reconnectAttempt = (attempt: number): void => onReconnectAttempt(ctx, attempt);
  const history = (messages: ChatMessage[], meta: HistoryMeta): void => onHistory(ctx, messages, meta);
  const session = (info: SessionInfo): void => onSession(ctx, info);
  const enter = (nick: string, where?: RoomRef): void => onEnter(ctx, nick, where);
  const exit = (nick: string, where?: RoomRef): void => onExit(ctx, nick, where);
  const users = (nicks: string[], where?: RoomRef): void => onUsers(ctx, nicks, where);
  const presence = (digest: PresenceDigest): void => onPresence(ctx, digest);
  const typing = (nick: string, where?: RoomRef): void => onTyping(ctx, nick, where);
  const chat = (line: ChatLine): void => onChat(ctx, line);
  const remove = (request: DeleteRequest): void => onDelete(ctx, request);
  const moderation = (update: ModerationUpdate): void => onModeration(ctx, update);
  const edit = (notice: EditNotice): void => onEdit(ctx, notice);
  const reactions = (notice: ReactionsNotice): void => onReactions(ctx, notice);
  const read = (notice: ReadRequest): void => onRead(ctx, notice);
  // Each event of a `batch` goes to the handler it would have reached alone.
  const batched: Readonly<Record<string, (...args: never[]) => void>> = { chat, enter, exit, users, typing, delete: remove, edit, reactions, read };
  const batch = (events: BatchedEvent[]): void => {
    for (const [event, ...args] of events) (batched[event] as ((...args: unknown[]) => void) | undefined)?.(...args);
  };

  // Every server event this page handles, subscribed and unsubscribed from one list.
  const events: ReadonlyArray<[string, (...args: never[]) => void]> = [
    ['connect', connect],
    ['disconnect', disconnect],
    ['connect_error', connectError],
    ['history', history],
    ['session', session],
    ['enter', enter],
    ['exit', exit],
    ['users', users],
    ['presence', presence],
    ['chat', chat],
    ['typing', typing],
    ['delete', remove],
    ['moderation', moderation],
    ['edit', edit],
    ['reactions', reactions],
    ['read', read],
    ['batch', batch],
  ];
  const on = socket.on.bind(socket) as (event: string, listener: (...args: never[]) => void) => void;
  const off = socket.off.bind(socket) as (event: string, listener: (...args: never[]) => void) => void;
  for (const [event, listener] of events) on(event, listener);
  socket.io.on('reconnect_attempt', reconnectAttempt);

  return () => {
    for (const [event, listener] of events) off(event, listener);
    socket.io.off('reconnect_attempt', reconnectAttempt);
  };
}
