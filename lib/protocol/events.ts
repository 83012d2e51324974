/** The typed Socket.IO events of the chat namespace, one interface per direction. */
import type {
  ChatAck,
  ChatLine,
  ChatMessage,
  ChatRequest,
  HistoryAck,
  HistoryMeta,
  HistoryRequest,
  LoginAck,
  SessionInfo,
} from './payloads';

/** Events a client emits. Every ack is optional except `history`'s, which is the point of it. */
export interface ClientToServerEvents {
  /** Set or change the nickname. */
  login: (nick: string, ack?: (result: LoginAck) => void) => void;
  /** Send a message, as a bare string (the original form) or as `{ m, cid }`. */
  chat: (message: string | ChatRequest, ack?: (result: ChatAck) => void) => void;
  /** Page back through older messages. */
  history: (request: HistoryRequest, ack: (result: HistoryAck) => void) => void;
}

/** Events the server emits. */
export interface ServerToClientEvents {
  /** Someone logged in (the new user receives it too). */
  enter: (nick: string) => void;
  /** Someone logged out, renamed or left. */
  exit: (nick: string) => void;
  /** Everyone logged in, sent to a client that just logged in. */
  users: (nicks: string[]) => void;
  /** A message, or a SYSTEM line for this client only. */
  chat: (line: ChatLine) => void;
  /** Sent on connect, before anything else: the latest messages, or those after `auth.lastId`. */
  history: (messages: ChatMessage[], meta: HistoryMeta) => void;
  /** Sent on connect after `history`: the outcome of the handshake's nickname. */
  session: (info: SessionInfo) => void;
}

/** Events between servers of one cluster (none yet). */
export type InterServerEvents = Record<string, never>;

/** What the server keeps on each socket. */
export interface SocketData {
  /** The nickname, once logged in. */
  nick?: string;
  /** Its comparison key (case- and compatibility-folded). */
  nickKey?: string;
}
