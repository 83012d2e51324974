/** express-chatterbox: a drop-in real-time group chat for Express. The public surface, re-exports only. */
import { createChatMiddleware } from './create-chat-middleware';

export { createChatMiddleware };
export type { ChatMiddleware } from './create-chat-middleware';
/** `import chat from 'express-chatterbox'`: the same function as the named `createChatMiddleware`. */
export default createChatMiddleware;
export { ChatOptionError, DEFAULTS, type OptionErrorCode } from './options';
export type {
  ChatOptions,
  HistoryOption,
  ClusterOptions,
  ChatLogger,
  ChatIdentity,
  IdentifyFunction,
  HandshakeRequest,
  HandshakeMiddleware,
  RateOption,
  OnMessageHook,
  ReportHook,
  ChatReport,
  RoomOption,
  IncomingChatMessage,
  MessageContext,
  PgPoolLike,
  RedisClientLike,
  MessageStore,
  NewMessage,
  AppendResult,
  MessagesAfter,
  StoredMessage,
  ReactResult,
  SearchQuery,
  MessageChangeRef,
  MessageChange,
  ChangesAfter,
} from './options';
export type { ClusterState, ClusterStatus, ClusterRedis } from './cluster/chat-cluster';
export type { DependencyState, DependencyStatus, ChatStatus } from './chat/dependency-status';
export { ChatError, ERROR_CODES, DEFAULT_ERROR_MESSAGES, type ErrorCode } from './protocol/error-codes';
export type { ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData } from './protocol/events';
export { SYSTEM_NICK, DEFAULT_ROOM, REPORT_REASONS, UNREAD_CAP } from './protocol/payloads';
export type * from './protocol/payloads';
export { MemoryStore, type MemoryStoreOptions } from './history/memory-store';
export { SqliteStore, type SqliteStoreOptions } from './history/sqlite-store';
export { PostgresStore, type PostgresStoreOptions } from './history/postgres-store';
export type { Presence, ClaimResult } from './chat/presence';
export type { ChatHostApi } from './host-api';
