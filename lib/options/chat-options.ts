/**
 * Every option of `createChatMiddleware`, declared once with its type and its default (the
 * `@default` tags are what an editor shows on hover; the values themselves live in DEFAULTS).
 * `undefined` is the same as leaving an option out.
 */
import type { Server as HttpServer, IncomingMessage } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { Server as SocketIOServer, ServerOptions } from 'socket.io';
import type { ChatLogger } from './logger';
import type { MessageStore } from './message-store';
import type { PgPoolLike } from './pg-types';
import type { ReportReason } from '../protocol/payloads';

/** Where messages are kept. */
export type HistoryOption =
  /** No history: `history` events carry an empty list. */
  | false
  /** A SQLite file, created if missing (its folder must exist). */
  | { sqlite: string; maxMessages?: number | undefined; maxAgeDays?: number | undefined }
  /** A PostgreSQL connection string or the host's own `pg.Pool` (never closed by Chatterbox). */
  | { postgres: string | PgPoolLike; maxMessages?: number | undefined; maxAgeDays?: number | undefined }
  /** Process memory only: lost on restart; for tests and demos. */
  | { memory: true; maxMessages?: number | undefined }
  /** Any object implementing {@link MessageStore} (the host opens and closes it). */
  | MessageStore;

/** Who the host says a connecting user is. */
export interface ChatIdentity {
  /** The nickname shown in the chat; the user cannot change it. */
  nick: string;
  /** A stable user id (several tabs of one id share one entry). @default the nickname */
  id?: string | undefined;
  /** A moderator: may delete messages, mute and kick. @default false */
  admin?: boolean | undefined;
  /** The user's picture, an absolute `https:` URL, shown beside their lines. @default none (initials on a colour) */
  avatar?: string | undefined;
}

/**
 * The handshake request as `identify` sees it: the host's `use` middleware has run on it, so
 * `req.session` (express-session) and `req.user` (passport) are there when the host uses them.
 */
export type HandshakeRequest = IncomingMessage & { session?: unknown; user?: unknown } & Record<string, unknown>;

/** The host's way to say who a connection belongs to; null (or undefined) for a stranger. */
export type IdentifyFunction<Req = HandshakeRequest> = (
  req: Req,
) => ChatIdentity | null | undefined | Promise<ChatIdentity | null | undefined>;

/** An Express/Connect middleware, such as the one express-session returns. */
// `any`: Express, Connect and passport declare their own request/response types, all supersets of Node's.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type HandshakeMiddleware = (req: any, res: any, next: (err?: any) => void) => void;

/** The `trustProxy` option: what Express's `trust proxy` setting accepts, except a function. */
export type TrustProxy = boolean | number | string | readonly string[];

/** A rate: `limit` actions per `windowMs`; when spent, refuse for `blockMs` (or until one is allowed again). */
export interface RateOption {
  /** How many at once, refilled evenly over `windowMs`. */
  limit: number;
  /** The window in milliseconds. */
  windowMs: number;
  /** Once the budget is spent, refuse for this long, in milliseconds. @default 0 (until one is back) */
  blockMs?: number | undefined;
}

/** A message as the `onMessage` hook sees it. */
export interface IncomingChatMessage {
  /** The author's nickname. */
  u: string;
  /** The validated text. */
  m: string;
  /** The room; `''` is the default one. */
  room: string;
}

/** Who sent a message, for the `onMessage` hook. */
export interface MessageContext {
  nick: string;
  /** The host's user id when `identify` knew the author, else undefined. */
  userId: string | undefined;
  admin: boolean;
  /** The client's address (after `trustProxy`). */
  address: string;
}

/**
 * The host's last word on a message: return `false` to reject it (`MESSAGE_REJECTED`), a string to
 * replace its text, or nothing to keep it. May be async.
 */
export type OnMessageHook = (
  message: IncomingChatMessage,
  context: MessageContext,
) => string | boolean | undefined | void | Promise<string | boolean | undefined | void>;

/** A report of a line, as the `onReport` hook receives it. */
export interface ChatReport {
  reason: ReportReason;
  /** The reported line as it was when reported. */
  message: { id: number; u: string; m: string; room: string };
  /** Who reported it (never told to the reported user). */
  reporter: MessageContext;
}

/** Called for each report a user makes (after it reached the moderators' panel); may be async; errors are logged. */
export type ReportHook = (report: ChatReport) => void | Promise<void>;

/**
 * The host's ioredis client, typed by the one method Chatterbox uses, so that these declarations
 * compile without ioredis installed.
 */
export interface RedisClientLike {
  duplicate(override?: Record<string, unknown>): unknown;
}

/** Runs one chat on several processes over Redis; see docs/operations.md. */
export interface ClusterOptions {
  /**
   * A Redis URL (`redis://…`, `rediss://…`) or the host's own ioredis client. Chatterbox opens its
   * own connections (duplicates of the host's client) and closes only those, never the host's.
   */
  redis: string | RedisClientLike;
  /** Prefix of every Redis key and channel the chat uses; two chats on one Redis need two prefixes. @default 'chatterbox:' */
  keyPrefix?: string | undefined;
  /** How often, in ms, a node renews its liveness key and sweeps dead nodes' users. @default 2000 */
  heartbeatMs?: number | undefined;
  /**
   * How long, in ms, a node that stopped renewing its liveness key counts as alive; its users
   * leave the list at most `nodeTimeoutMs + heartbeatMs` after it died. At least twice `heartbeatMs`.
   * @default 6000
   */
  nodeTimeoutMs?: number | undefined;
}

/** The options of `createChatMiddleware`; all optional. */
export interface ChatOptions<Req = HandshakeRequest> {
  /** The host's HTTP or HTTPS server: attach the chat to it at once. @default none (call `attach()`) */
  server?: HttpServer | HttpsServer | undefined;
  /**
   * The host's own Socket.IO server: the chat registers its namespace there instead of creating a
   * second engine; `path` and `adapter` are then the host's business. @default none
   */
  io?: SocketIOServer | undefined;
  /** The Socket.IO namespace of the chat. @default '/chat' */
  namespace?: string | undefined;
  /** The Socket.IO path (where the engine listens). @default '/socket.io' */
  path?: string | undefined;
  /** A folder (that must exist) whose files are served instead of the bundled page and its assets. @default the bundled page */
  staticRoot?: string | undefined;
  /** The longest nickname, in Unicode code points after NFKC normalisation. @default 32 */
  maxNickLength?: number | undefined;
  /** The longest message, in Unicode code points. @default 2000 */
  maxMessageLength?: number | undefined;
  /** Where messages are kept. @default { sqlite: 'chatterbox.sqlite' } in the working directory */
  history?: HistoryOption | undefined;
  /** How many messages a newcomer receives on connect, and the default page size. @default 50 */
  historyLimit?: number | undefined;
  /**
   * How many missed messages a reconnecting client receives at most; beyond it, the newest ones
   * with `{ truncated: true }`. @default 500
   */
  reconnectLimit?: number | undefined;
  /** A Socket.IO adapter for the server Chatterbox creates. @default the in-memory adapter (the Redis one with `cluster`) */
  adapter?: ServerOptions['adapter'] | undefined;
  /**
   * How long, in ms, a busy room's events may be held so that clients that understand `batch`
   * frames (the bundled page) get several per frame; an idle room's events are never held, and
   * other clients always get one event per frame. A room whose frames take longer than that to
   * write (thousands of readers) waits twice their write time instead, at most ten windows.
   * `0` turns batching off. @default 5
   */
  batchWindowMs?: number | undefined;
  /**
   * How long, in ms, presence changes are coalesced for clients that asked for presence digests
   * (the bundled page): one `presence` per room per window, carrying the count and who entered
   * and left, instead of an `enter`/`exit` per person. Other clients are unaffected. @default 1000
   */
  presenceWindowMs?: number | undefined;
  /** Where operator-facing warnings and errors go: any object with `warn` and `error` (and optionally `info`). @default console */
  logger?: ChatLogger | undefined;
  /** One chat on several processes over Redis, e.g. `{ redis: 'redis://127.0.0.1:6379' }`; needs `history: { postgres }`. @default none (one process) */
  cluster?: ClusterOptions | false | undefined;
  /**
   * Rooms besides the default one, which everyone may `join`: names (which follow the nickname
   * rules), or `{ name, topic }` to show a topic in the page's header. @default []
   */
  rooms?: readonly (string | RoomOption)[] | undefined;
  /** The chat's title in the page's header and tab. @default the host app's `app.get('title')`, else 'Chat' */
  title?: string | undefined;
  /** The default room's topic, shown under the title. @default none */
  topic?: string | undefined;
  /** Whether `join` may create a room that does not exist yet. @default false */
  allowUserRooms?: boolean | undefined;
  /** The most rooms besides the default one, the host's `rooms` included. @default 100 */
  maxRooms?: number | undefined;
  /** The host's Express middleware run on every Socket.IO handshake (e.g. `[session]`), so `identify` sees `req.session`. @default [] */
  use?: HandshakeMiddleware[] | undefined;
  /** Says who a connection is: `{ nick, id?, admin? }` for a signed-in user, else null; sync or async. @default none (everyone is a guest) */
  identify?: IdentifyFunction<Req> | undefined;
  /** Whether guests may pick a nickname. @default true without `identify`, false with it */
  allowAnonymous?: boolean | undefined;
  /** Milliseconds between re-checks of signed-in users' sessions (0: never). @default 60000 */
  identityCheckInterval?: number | undefined;
  /** Page origins allowed besides the chat's own (exact scheme, host and port). @default [] (own origin only) */
  origins?: string[] | undefined;
  /** Nicknames (and their look-alikes) no guest may take. @default [] */
  reservedNicks?: string[] | undefined;
  /** Chat messages per user, or `false` for no limit. @default { limit: 3, windowMs: 2000, blockMs: 5000 } */
  messageRate?: RateOption | false | undefined;
  /** Events of any kind per connection, or `false`. @default { limit: 30, windowMs: 2000 } */
  eventRate?: RateOption | false | undefined;
  /** Logins and renames per address, or `false`. @default { limit: 10, windowMs: 60000 } */
  loginRate?: RateOption | false | undefined;
  /** Open connections per client address (0: no limit). @default 20 */
  maxConnectionsPerAddress?: number | undefined;
  /**
   * Open connections per signed-in user, counted by the id `identify` returns, whatever their
   * address (0: no limit); one more is refused with `TOO_MANY_CONNECTIONS`. @default 10
   */
  maxConnectionsPerUser?: number | undefined;
  /** Bytes waiting to be sent to one client before it is dropped. @default 8388608 (8 MiB) */
  maxBufferedBytes?: number | undefined;
  /** The largest incoming packet, for the Socket.IO server Chatterbox creates. @default 4 × maxMessageLength + 8 KiB */
  maxHttpBufferSize?: number | undefined;
  /**
   * Which proxies to believe about the client's address (`X-Forwarded-For`) and scheme
   * (`X-Forwarded-Proto`), as Express's `trust proxy` setting: `true` trusts every hop (any client
   * can then claim any address), a number trusts that many hops, a string or list names trusted
   * addresses, subnets or `'loopback'`, `'linklocal'`, `'uniquelocal'`. @default false
   */
  trustProxy?: TrustProxy | undefined;
  /** The host's last word on each message: return false to reject, a string to rewrite, nothing to keep. @default none */
  onMessage?: OnMessageHook | undefined;
  /** Told of every report a user makes of a line (besides the moderators' panel). @default none */
  onReport?: ReportHook | undefined;
  /**
   * For how long after sending, in ms, an author may `edit` or `delete` their own message (0: never;
   * moderators may delete any message at any time). @default 900000 (15 minutes)
   */
  editWindowMs?: number | undefined;
  /** Whether signed-in users may send each other direct messages (`chat({ m, to })`) and list their conversations (`conversations`, `read`). @default true */
  allowDirectMessages?: boolean | undefined;
}

/** A room of the `rooms` option with a topic. */
export interface RoomOption {
  /** The room's name (the nickname rules apply). */
  name: string;
  /** A line about the room, shown in the page's header. @default none */
  topic?: string | undefined;
}

/** The cluster options with every default filled in. */
export interface ResolvedClusterOptions {
  redis: string | RedisClientLike;
  keyPrefix: string;
  heartbeatMs: number;
  nodeTimeoutMs: number;
}

/** The options after validation, every default filled in: what the rest of the chat reads. */
export interface ResolvedOptions {
  server: HttpServer | HttpsServer | undefined;
  io: SocketIOServer | undefined;
  namespace: string;
  path: string;
  staticRoot: string | undefined;
  maxNickLength: number;
  maxMessageLength: number;
  history: HistoryOption;
  historyLimit: number;
  reconnectLimit: number;
  adapter: ServerOptions['adapter'] | undefined;
  batchWindowMs: number;
  presenceWindowMs: number;
  logger: ChatLogger;
  cluster: ResolvedClusterOptions | undefined;
  rooms: readonly string[];
  /** Each room's topic by name (`''`: the default room), only for rooms that have one. */
  topics: Readonly<Record<string, string>>;
  title: string | undefined;
  allowUserRooms: boolean;
  maxRooms: number;
  use: HandshakeMiddleware[];
  identify: IdentifyFunction | undefined;
  allowAnonymous: boolean;
  identityCheckInterval: number;
  origins: string[];
  reservedNicks: string[];
  /** The keys (skeletons) of `reservedNicks`, computed once here instead of per login. */
  reservedNickKeys: ReadonlySet<string>;
  messageRate: Required<RateOption> | false;
  eventRate: Required<RateOption> | false;
  loginRate: Required<RateOption> | false;
  maxConnectionsPerAddress: number;
  maxConnectionsPerUser: number;
  maxBufferedBytes: number;
  maxHttpBufferSize: number | undefined;
  trustProxy: TrustProxy;
  onMessage: OnMessageHook | undefined;
  onReport: ReportHook | undefined;
  editWindowMs: number;
  allowDirectMessages: boolean;
}
