/**
 * Every option of `createChatMiddleware`, declared once with its default, and `resolveOptions()`,
 * which validates them at creation so that a developer's mistake throws at startup.
 */
import { Server as HttpServer } from 'node:http';
import { Server as HttpsServer } from 'node:https';
import path from 'node:path';
import { Server as SocketIOServer, type ServerOptions } from 'socket.io';
import {
  ACCESS_OPTION_NAMES,
  resolveAccessOptions,
  type AccessOptionsInput,
  type HandshakeRequest,
  type ResolvedAccessOptions,
} from './access/access-options';
import type { PgPoolLike } from './history/load-pg';
import type { MessageStore } from './history/message-store';
import { consoleLogger, type ChatLogger } from './logger';
import { nearestName, showValue } from './util/suggest';
import { checkCluster, type ClusterOptions, type ResolvedClusterOptions } from './cluster/cluster-options';
import { validateRoomName, type ValidRoom } from './rooms/room-name';

/** Where messages are kept. */
export type HistoryOption =
  /** No history: `history` events carry an empty list. */
  | false
  /** A SQLite file (created if missing). */
  | { sqlite: string; maxMessages?: number | undefined; maxAgeDays?: number | undefined }
  /** A PostgreSQL connection string or the host's own `pg.Pool` (never closed by Chatterbox). */
  | { postgres: string | PgPoolLike; maxMessages?: number | undefined; maxAgeDays?: number | undefined }
  /** Process memory only: lost on restart; for tests and demos. */
  | { memory: true; maxMessages?: number | undefined }
  /** Any object implementing {@link MessageStore} (the host opens and closes it). */
  | MessageStore;

/**
 * Options of `createChatMiddleware`; all optional. `undefined` is the same as leaving one out.
 * `Req` is the handshake request's type as the host's `use` middleware leaves it (see `identify`).
 *
 * Identity, access and abuse limits (declared with their types in `access/access-options.ts`):
 * - `use`: the host's Express middleware run on every Socket.IO handshake (e.g. `[session]`). Defaults to `[]`.
 * - `identify(req)`: sync or async; returns `{ nick, id?, admin? }` for a signed-in user, else null. Defaults to none.
 * - `allowAnonymous`: guests may pick a nickname. Defaults to true without `identify`, false with it.
 * - `identityCheckInterval`: ms between re-checks of signed-in users' sessions (0: never). Defaults to `60000`.
 * - `origins`: page origins allowed besides the chat's own (exact). Defaults to `[]` (own origin only).
 * - `reservedNicks`: nicknames (and their look-alikes) no guest may take. Defaults to `[]`.
 * - `messageRate`: chat messages per user. Defaults to `{ limit: 3, windowMs: 2000, blockMs: 5000 }`.
 * - `eventRate`: events of any kind per connection. Defaults to `{ limit: 30, windowMs: 2000 }`.
 * - `loginRate`: logins and renames per address. Defaults to `{ limit: 10, windowMs: 60000 }`.
 * - `maxConnectionsPerAddress`: open connections per client address (0: no limit). Defaults to `20`.
 * - `maxBufferedBytes`: bytes waiting to be sent to one client before it is dropped. Defaults to 8 MiB.
 * - `maxHttpBufferSize`: largest incoming packet, for the Socket.IO server Chatterbox creates. Defaults to 4 × `maxMessageLength` + 8 KiB.
 * - `trustProxy`: read the client address from `X-Forwarded-For` (true, or the number of proxy hops). Defaults to false.
 * - `onMessage(msg, ctx)`: return false to reject, a string to rewrite, nothing to keep. Defaults to none.
 */
export interface ChatOptions<Req = HandshakeRequest> extends AccessOptionsInput<Req> {
  /** The host's HTTP or HTTPS server: attach the chat to it at once. Defaults to none (call `attach()`). */
  server?: HttpServer | HttpsServer | undefined;
  /**
   * The host's own Socket.IO server: the chat registers its namespace there instead of creating a
   * second engine. `path` and `adapter` are then the host's business. Defaults to none.
   */
  io?: SocketIOServer | undefined;
  /** The Socket.IO namespace of the chat. Defaults to `'/chat'`. */
  namespace?: string | undefined;
  /** The Socket.IO path (where the engine listens). Defaults to `'/socket.io'`. */
  path?: string | undefined;
  /** A folder whose files are served instead of the bundled page and its assets. Defaults to the bundled page. */
  staticRoot?: string | undefined;
  /** The longest nickname, in Unicode code points after NFKC normalisation. Defaults to `32`. */
  maxNickLength?: number | undefined;
  /** The longest message, in Unicode code points. Defaults to `2000`. */
  maxMessageLength?: number | undefined;
  /** Where messages are kept. Defaults to `{ sqlite: 'chatterbox.sqlite' }` in the working directory. */
  history?: HistoryOption | undefined;
  /** How many messages a newcomer receives on connect, and the default page size. Defaults to `50`. */
  historyLimit?: number | undefined;
  /**
   * How many missed messages a reconnecting client receives at most; beyond it, the newest ones with
   * `{ truncated: true }`. Defaults to `500`.
   */
  reconnectLimit?: number | undefined;
  /** A Socket.IO adapter (e.g. Redis) for the server Chatterbox creates. Defaults to the in-memory adapter. */
  adapter?: ServerOptions['adapter'] | undefined;
  /**
   * How long, in ms, a busy room's events may be held so that clients that understand `batch`
   * frames (the bundled page) get several per frame; an idle room's events are never held, and
   * other clients always get one event per frame. `0` turns batching off. Defaults to `5`.
   */
  batchWindowMs?: number | undefined;
  /** Where operator-facing warnings and errors go. Defaults to the console. */
  logger?: ChatLogger | undefined;
  /**
   * Runs one chat on several processes over Redis (cluster-wide users, unique nicknames and
   * broadcasts), e.g. `{ redis: 'redis://127.0.0.1:6379' }`. Defaults to none (one process).
   */
  cluster?: ClusterOptions | false | undefined;
  /**
   * Rooms besides the default one, which everyone may `join`; names follow the nickname rules.
   * Defaults to `[]` (only the default room, unless `allowUserRooms`).
   */
  rooms?: readonly string[] | undefined;
  /** Whether `join` may create a room that does not exist yet. Defaults to `false`. */
  allowUserRooms?: boolean | undefined;
  /** The most rooms besides the default one, the host's `rooms` included. Defaults to `100`. */
  maxRooms?: number | undefined;
}

/** The options after validation, every default filled in. */
export interface ResolvedOptions extends ResolvedAccessOptions {
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
  logger: ChatLogger;
  cluster: ResolvedClusterOptions | undefined;
  rooms: readonly string[];
  allowUserRooms: boolean;
  maxRooms: number;
}

/** The misconfiguration codes carried by the `TypeError`s thrown here (`err.code`). */
export type OptionErrorCode = 'CHATTERBOX_UNKNOWN_OPTION' | 'CHATTERBOX_INVALID_OPTION';

/** A developer's mistake in the options; `code` says which kind. */
export class ChatOptionError extends TypeError {
  readonly code: OptionErrorCode;

  constructor(code: OptionErrorCode, message: string) {
    super(`express-chatterbox: ${message}`);
    this.name = 'TypeError';
    this.code = code;
  }
}

const OPTION_NAMES: readonly (keyof ChatOptions)[] = [
  'server',
  'io',
  'namespace',
  'path',
  'staticRoot',
  'maxNickLength',
  'maxMessageLength',
  'history',
  'historyLimit',
  'reconnectLimit',
  'adapter',
  'batchWindowMs',
  'logger',
  'cluster',
  'rooms',
  'allowUserRooms',
  'maxRooms',
  ...ACCESS_OPTION_NAMES,
];

/** Validates `options` (never mutating them) and fills in every default. */
export function resolveOptions(options: ChatOptions | undefined): ResolvedOptions {
  if (options !== undefined && (typeof options !== 'object' || options === null || Array.isArray(options))) {
    throw invalid('options', 'an object', options);
  }
  const given: Record<string, unknown> = { ...(options ?? {}) };
  for (const key of Object.keys(given)) {
    if (!(OPTION_NAMES as readonly string[]).includes(key)) {
      const suggestion = nearestName(key, OPTION_NAMES);
      throw new ChatOptionError(
        'CHATTERBOX_UNKNOWN_OPTION',
        `unknown option "${key}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`,
      );
    }
  }
  const o = options ?? {};
  const maxNickLength = checkInteger('maxNickLength', withDefault(o.maxNickLength, 32), 1, 256);
  const maxRooms = checkInteger('maxRooms', withDefault(o.maxRooms, 100), 0, 100_000);
  return {
    server: checkServer(o.server),
    io: checkIo(o.io),
    namespace: checkNamespace(withDefault(o.namespace, '/chat')),
    path: checkPath(withDefault(o.path, '/socket.io')),
    staticRoot: o.staticRoot === undefined ? undefined : checkStaticRoot(o.staticRoot),
    maxNickLength,
    maxMessageLength: checkInteger('maxMessageLength', withDefault(o.maxMessageLength, 2000), 1, 100_000),
    history: checkHistory(withDefault(o.history, { sqlite: path.resolve('chatterbox.sqlite') })),
    historyLimit: checkInteger('historyLimit', withDefault(o.historyLimit, 50), 0, 1000),
    reconnectLimit: checkInteger('reconnectLimit', withDefault(o.reconnectLimit, 500), 500, 100_000),
    adapter: checkAdapter(o.adapter),
    batchWindowMs: checkInteger('batchWindowMs', withDefault(o.batchWindowMs, 5), 0, 1000),
    logger: checkLogger(withDefault(o.logger, consoleLogger)),
    cluster: checkCluster(o.cluster, invalid),
    rooms: checkRooms(withDefault(o.rooms, []), maxNickLength, maxRooms),
    allowUserRooms: checkBoolean('allowUserRooms', withDefault(o.allowUserRooms, false)),
    maxRooms,
    ...resolveAccessOptions(o, invalid),
  };
}

function checkBoolean(name: string, value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  throw invalid(name, 'true or false', value);
}

function checkRooms(value: unknown, maxLength: number, maxRooms: number): readonly string[] {
  if (!Array.isArray(value)) throw invalid('rooms', "an array of room names, such as ['general', 'help']", value);
  if (value.length > maxRooms) throw invalid('rooms', `at most maxRooms (${maxRooms}) names`, value);
  const keys = new Set<string>();
  return value.map((room: unknown, index) => {
    let valid: ValidRoom;
    try {
      valid = validateRoomName(room, maxLength);
    } catch (error) {
      throw invalid(`rooms[${index}]`, `a room name (${(error as Error).message})`, room);
    }
    if (valid.room !== room) throw invalid(`rooms[${index}]`, `written as ${JSON.stringify(valid.room)} (trimmed, NFKC)`, room);
    if (keys.has(valid.key)) throw invalid(`rooms[${index}]`, 'a name not already in the list (compared case-insensitively)', room);
    keys.add(valid.key);
    return valid.room;
  });
}

/** `undefined` is the only way to leave an option out; `null` is a value like any other, and checked. */
function withDefault<T>(value: T | undefined, fallback: T): T {
  return value === undefined ? fallback : value;
}

function checkServer(value: unknown): HttpServer | HttpsServer | undefined {
  if (value === undefined || value instanceof HttpServer || value instanceof HttpsServer) return value;
  throw invalid('server', 'an http.Server or https.Server (the one your app listens on)', value);
}

function checkIo(value: unknown): SocketIOServer | undefined {
  if (value === undefined) return undefined;
  // Duck-typed: the host's socket.io may be another copy of the package than ours.
  if (typeof value === 'object' && value !== null && typeof (value as SocketIOServer).of === 'function') {
    return value as SocketIOServer;
  }
  throw invalid('io', 'a Socket.IO Server', value);
}

function checkNamespace(value: unknown): string {
  if (typeof value === 'string' && /^\/[A-Za-z0-9_\-/]*$/.test(value)) return value;
  throw invalid('namespace', "a string starting with '/' made of letters, digits, '-', '_' and '/'", value);
}

function checkPath(value: unknown): string {
  if (typeof value === 'string' && /^\/[A-Za-z0-9_\-./]+$/.test(value) && !value.includes('..')) {
    return value.length > 1 && value.endsWith('/') ? value.slice(0, -1) : value;
  }
  throw invalid('path', "a URL path such as '/socket.io'", value);
}

function checkStaticRoot(value: unknown): string {
  if (typeof value === 'string' && value.length > 0) return path.resolve(value);
  throw invalid('staticRoot', 'the path of a folder', value);
}

function checkInteger(name: string, value: unknown, min: number, max: number): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return value;
  throw invalid(name, `a whole number from ${min} to ${max}`, value);
}

function checkHistory(value: unknown): HistoryOption {
  if (value === false) return false;
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    if (typeof record.append === 'function' && typeof record.latest === 'function') return value as MessageStore;
    if (typeof record.sqlite === 'string' && record.sqlite.length > 0) return value as HistoryOption;
    if (record.memory === true) return value as HistoryOption;
    const pg = record.postgres;
    if (typeof pg === 'string' || (typeof pg === 'object' && pg !== null && typeof (pg as { query?: unknown }).query === 'function')) {
      return value as HistoryOption;
    }
  }
  throw invalid(
    'history',
    "false, { sqlite: 'file.sqlite' }, { postgres: 'postgres://…' or a pg.Pool }, { memory: true } or a MessageStore",
    value,
  );
}

function checkAdapter(value: unknown): ServerOptions['adapter'] | undefined {
  if (value === undefined || typeof value === 'function') return value as ServerOptions['adapter'] | undefined;
  throw invalid('adapter', 'a Socket.IO adapter constructor, e.g. createAdapter(pub, sub)', value);
}

function checkLogger(value: unknown): ChatLogger {
  const logger = value as Partial<ChatLogger> | null;
  if (typeof logger === 'object' && logger !== null && typeof logger.warn === 'function' && typeof logger.error === 'function') {
    return logger as ChatLogger;
  }
  throw invalid('logger', 'an object with warn() and error() methods, such as console', value);
}

function invalid(name: string, expected: string, value: unknown): ChatOptionError {
  return new ChatOptionError('CHATTERBOX_INVALID_OPTION', `option "${name}" must be ${expected}; got ${showValue(value)}`);
}

/** Throws unless `value` is an http.Server or https.Server: the check of `attach(server)`. */
export function assertServer(value: unknown): asserts value is HttpServer | HttpsServer {
  if (value instanceof HttpServer || value instanceof HttpsServer) return;
  throw new ChatOptionError(
    'CHATTERBOX_INVALID_OPTION',
    `attach(server) needs an http.Server or https.Server (the one your app listens on); got ${showValue(value)}`,
  );
}
