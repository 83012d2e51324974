/**
 * `resolveOptions()`: validates every option at creation (never mutating the caller's object),
 * so that a developer's mistake throws at startup with a message that names the fix, and fills
 * in every default from DEFAULTS.
 */
import fs from 'node:fs';
import { Server as HttpServer } from 'node:http';
import { Server as HttpsServer } from 'node:https';
import path from 'node:path';
import proxyaddr from 'proxy-addr';
import type { Server as SocketIOServer, ServerOptions } from 'socket.io';
import { nickKey } from '../protocol/nick';
import { validateRoomName } from '../protocol/room-name';
import type {
  ChatOptions,
  HandshakeMiddleware,
  HistoryOption,
  IdentifyFunction,
  OnMessageHook,
  ReportHook,
  RateOption,
  ResolvedClusterOptions,
  ResolvedOptions,
  TrustProxy,
} from './chat-options';
import { checkBoolean, checkInteger, checkKeys, checkObject, checkOptionalFunction, checkStringList, orDefault } from './checks';
import { DEFAULTS } from './defaults';
import { consoleLogger, type ChatLogger } from './logger';
import type { MessageStore } from './message-store';
import { ChatOptionError, invalidOption } from './option-error';
import { showValue } from './suggest';

/** Every option's name, for the unknown-key check. */
export const OPTION_NAMES: readonly (keyof ChatOptions)[] = [
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
  'presenceWindowMs',
  'logger',
  'cluster',
  'rooms',
  'title',
  'topic',
  'allowUserRooms',
  'maxRooms',
  'use',
  'identify',
  'allowAnonymous',
  'identityCheckInterval',
  'origins',
  'reservedNicks',
  'messageRate',
  'eventRate',
  'loginRate',
  'maxConnectionsPerAddress',
  'maxConnectionsPerUser',
  'maxBufferedBytes',
  'maxHttpBufferSize',
  'trustProxy',
  'onMessage',
  'onReport',
  'editWindowMs',
  'allowDirectMessages',
];

const CLUSTER_KEYS = ['redis', 'keyPrefix', 'heartbeatMs', 'nodeTimeoutMs'] as const;
const MAX_MS = 86_400_000;
const MAX_TITLE_LENGTH = 100;
const MAX_TOPIC_LENGTH = 300;

/** Validates `options` and fills in every default. */
export function resolveOptions<Req>(options: ChatOptions<Req> | undefined): ResolvedOptions {
  if (options !== undefined) checkObject('options', options, 'an object');
  const o: ChatOptions<Req> = options ?? {};
  checkKeys('', o, OPTION_NAMES);
  const maxNickLength = checkInteger('maxNickLength', orDefault(o.maxNickLength, DEFAULTS.maxNickLength), 1, 256);
  const maxRooms = checkInteger('maxRooms', orDefault(o.maxRooms, DEFAULTS.maxRooms), 0, 100_000);
  const reservedNicks = checkStringList('reservedNicks', orDefault(o.reservedNicks, []), 'an array of nicknames');
  const identify = checkOptionalFunction<IdentifyFunction>('identify', o.identify);
  const allowAnonymous = checkBoolean('allowAnonymous', orDefault(o.allowAnonymous, identify === undefined));
  if (!allowAnonymous && identify === undefined) {
    throw invalidOption('allowAnonymous', 'true unless `identify` is set (nobody could chat)', allowAnonymous);
  }
  const history = checkHistory(orDefault(o.history, { sqlite: path.resolve(DEFAULTS.historyFile) }));
  const cluster = checkCluster(o.cluster);
  if (cluster !== undefined) checkClusterHistory(history, o.history === undefined);
  return {
    server: checkServer(o.server),
    io: checkIo(o.io),
    namespace: checkNamespace(orDefault(o.namespace, DEFAULTS.namespace)),
    path: checkPath(orDefault(o.path, DEFAULTS.path)),
    staticRoot: o.staticRoot === undefined ? undefined : checkStaticRoot(o.staticRoot),
    maxNickLength,
    maxMessageLength: checkInteger('maxMessageLength', orDefault(o.maxMessageLength, DEFAULTS.maxMessageLength), 1, 100_000),
    history,
    historyLimit: checkInteger('historyLimit', orDefault(o.historyLimit, DEFAULTS.historyLimit), 0, 1000),
    reconnectLimit: checkInteger('reconnectLimit', orDefault(o.reconnectLimit, DEFAULTS.reconnectLimit), 500, 100_000),
    adapter: checkAdapter(o.adapter),
    batchWindowMs: checkInteger('batchWindowMs', orDefault(o.batchWindowMs, DEFAULTS.batchWindowMs), 0, 1000),
    presenceWindowMs: checkInteger('presenceWindowMs', orDefault(o.presenceWindowMs, DEFAULTS.presenceWindowMs), 0, 60_000),
    logger: checkLogger(orDefault<unknown>(o.logger, consoleLogger)),
    cluster,
    ...checkRooms(orDefault(o.rooms, DEFAULTS.rooms), maxNickLength, maxRooms, checkText('topic', o.topic, MAX_TOPIC_LENGTH)),
    title: checkText('title', o.title, MAX_TITLE_LENGTH),
    allowUserRooms: checkBoolean('allowUserRooms', orDefault(o.allowUserRooms, DEFAULTS.allowUserRooms)),
    maxRooms,
    use: checkUse(o.use),
    identify,
    allowAnonymous,
    identityCheckInterval: checkInteger('identityCheckInterval', orDefault(o.identityCheckInterval, DEFAULTS.identityCheckInterval), 0, MAX_MS),
    origins: checkOrigins(orDefault(o.origins, [])),
    reservedNicks,
    reservedNickKeys: new Set(reservedNicks.map((nick) => nickKey(nick))),
    messageRate: checkRate('messageRate', o.messageRate, DEFAULTS.messageRate),
    eventRate: checkRate('eventRate', o.eventRate, DEFAULTS.eventRate),
    loginRate: checkRate('loginRate', o.loginRate, DEFAULTS.loginRate),
    maxConnectionsPerAddress: checkInteger(
      'maxConnectionsPerAddress',
      orDefault(o.maxConnectionsPerAddress, DEFAULTS.maxConnectionsPerAddress),
      0,
      1_000_000,
    ),
    maxConnectionsPerUser: checkInteger('maxConnectionsPerUser', orDefault(o.maxConnectionsPerUser, DEFAULTS.maxConnectionsPerUser), 0, 1_000_000),
    maxBufferedBytes: checkInteger('maxBufferedBytes', orDefault(o.maxBufferedBytes, DEFAULTS.maxBufferedBytes), 1024, 2 ** 31),
    maxHttpBufferSize: o.maxHttpBufferSize === undefined ? undefined : checkInteger('maxHttpBufferSize', o.maxHttpBufferSize, 1024, 2 ** 31),
    trustProxy: checkTrustProxy(orDefault<unknown>(o.trustProxy, DEFAULTS.trustProxy)),
    onMessage: checkOptionalFunction<OnMessageHook>('onMessage', o.onMessage),
    onReport: checkOptionalFunction<ReportHook>('onReport', o.onReport),
    allowDirectMessages: checkBoolean('allowDirectMessages', orDefault(o.allowDirectMessages, DEFAULTS.allowDirectMessages)),
    editWindowMs: checkInteger('editWindowMs', orDefault(o.editWindowMs, DEFAULTS.editWindowMs), 0, 7 * MAX_MS),
  };
}

/** Throws unless `value` is an http.Server or https.Server: the check of `attach(server)`. */
export function assertServer(value: unknown): asserts value is HttpServer | HttpsServer {
  if (value instanceof HttpServer || value instanceof HttpsServer) return;
  throw new ChatOptionError(
    'CHATTERBOX_INVALID_ARGUMENT',
    `express-chatterbox: attach(server) needs an http.Server or https.Server (the one your app listens on); got ${showValue(value)}`,
  );
}

function checkRooms(
  value: unknown,
  maxLength: number,
  maxRooms: number,
  defaultTopic: string | undefined,
): Pick<ResolvedOptions, 'rooms' | 'topics'> {
  const expected = "an array of room names or { name, topic }, such as ['general', { name: 'help', topic: 'Ask away' }]";
  if (!Array.isArray(value)) throw invalidOption('rooms', expected, value);
  if (value.length > maxRooms) throw invalidOption('rooms', `at most maxRooms (${maxRooms}) names`, value);
  const keys = new Set<string>();
  const topics: Record<string, string> = defaultTopic === undefined ? {} : { '': defaultTopic };
  const rooms = value.map((entry: unknown, index) => {
    const where = `rooms[${index}]`;
    const isObject = typeof entry === 'object' && entry !== null && !Array.isArray(entry);
    if (isObject) checkKeys(where, entry, ['name', 'topic']);
    const room: unknown = isObject ? (entry as Record<string, unknown>).name : entry;
    let valid;
    try {
      valid = validateRoomName(room, maxLength);
    } catch (error) {
      throw invalidOption(isObject ? `${where}.name` : where, `a room name (${(error as Error).message})`, room);
    }
    if (valid.room !== room) throw invalidOption(where, `written as ${JSON.stringify(valid.room)} (trimmed, NFKC)`, room);
    if (keys.has(valid.key)) throw invalidOption(where, 'a name not already in the list (compared case-insensitively)', room);
    keys.add(valid.key);
    const topic = isObject ? checkText(`${where}.topic`, (entry as Record<string, unknown>).topic, MAX_TOPIC_LENGTH) : undefined;
    if (topic !== undefined) topics[valid.room] = topic;
    return valid.room;
  });
  return { rooms, topics };
}

/** Optional one-line text (a title, a topic): trimmed, at most `max` characters, no control characters. */
function checkText(name: string, value: unknown, max: number): string | undefined {
  if (value === undefined) return undefined;
  // eslint-disable-next-line no-control-regex -- refusing control characters is the point
  if (typeof value === 'string' && value.trim() !== '' && value.length <= max && !/[\u0000-\u001f\u007f]/.test(value)) return value.trim();
  throw invalidOption(name, `a line of text of at most ${max} characters`, value);
}

function checkServer(value: unknown): HttpServer | HttpsServer | undefined {
  if (value === undefined || value instanceof HttpServer || value instanceof HttpsServer) return value;
  throw invalidOption('server', 'an http.Server or https.Server (the one your app listens on)', value);
}

function checkIo(value: unknown): SocketIOServer | undefined {
  if (value === undefined) return undefined;
  // Duck-typed: the host's socket.io may be another copy of the package than ours.
  if (typeof value === 'object' && value !== null && typeof (value as SocketIOServer).of === 'function') {
    return value as SocketIOServer;
  }
  throw invalidOption('io', 'a Socket.IO Server', value);
}

function checkNamespace(value: unknown): string {
  if (typeof value === 'string' && /^\/[A-Za-z0-9_\-/]*$/.test(value)) return value;
  throw invalidOption('namespace', "a string starting with '/' made of letters, digits, '-', '_' and '/'", value);
}

function checkPath(value: unknown): string {
  if (typeof value === 'string' && /^\/[A-Za-z0-9_\-./]+$/.test(value) && !value.includes('..')) {
    return value.length > 1 && value.endsWith('/') ? value.slice(0, -1) : value;
  }
  throw invalidOption('path', "a URL path such as '/socket.io'", value);
}

function checkStaticRoot(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) throw invalidOption('staticRoot', 'the path of a folder', value);
  const folder = path.resolve(value);
  // Checked now: a missing folder would otherwise answer every page request with a 500.
  if (!fs.statSync(folder, { throwIfNoEntry: false })?.isDirectory()) {
    throw invalidOption('staticRoot', `an existing folder (${folder} is not one)`, value);
  }
  return folder;
}

function checkHistory(value: unknown): HistoryOption {
  if (value === false) return false;
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    if (typeof record.append === 'function' && typeof record.latest === 'function') return value as MessageStore;
    if (typeof record.sqlite === 'string' && record.sqlite.length > 0) {
      checkSqliteFolder(record.sqlite);
      return value as HistoryOption;
    }
    if (record.memory === true) return value as HistoryOption;
    const pg = record.postgres;
    if (typeof pg === 'string') {
      checkPostgresUrl(pg);
      return value as HistoryOption;
    }
    if (typeof pg === 'object' && pg !== null && typeof (pg as { query?: unknown }).query === 'function') return value as HistoryOption;
  }
  throw invalidOption(
    'history',
    "false, { sqlite: 'file.sqlite' }, { postgres: 'postgres://…' or a pg.Pool }, { memory: true } or a MessageStore",
    value,
  );
}

function checkSqliteFolder(file: string): void {
  if (file === ':memory:') return;
  const folder = path.dirname(path.resolve(file));
  // A typo in the folder must not silently start a second, empty history somewhere else.
  if (!fs.statSync(folder, { throwIfNoEntry: false })?.isDirectory()) {
    throw invalidOption('history.sqlite', `a file in an existing folder (${folder} does not exist; create it first)`, file);
  }
}

function checkPostgresUrl(url: string): void {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (parsed === undefined || !['postgres:', 'postgresql:'].includes(parsed.protocol)) {
    throw invalidOption('history.postgres', "a connection string such as 'postgres://user@host:5432/db', or a pg.Pool", url);
  }
}

function checkClusterHistory(history: HistoryOption, defaulted: boolean): void {
  const perProcess = typeof history === 'object' && ('sqlite' in history || 'memory' in history);
  if (!perProcess) return;
  // Each node would number and keep its own messages: no shared log to reconnect or repair from.
  throw invalidOption(
    'history',
    `one all nodes share when \`cluster\` is set: history: { postgres: 'postgres://…' } (or your own MessageStore)${defaulted ? ' — the default is a per-process SQLite file' : ''}`,
    defaulted ? undefined : history,
  );
}

function checkAdapter(value: unknown): ServerOptions['adapter'] | undefined {
  if (value === undefined || typeof value === 'function') return value as ServerOptions['adapter'] | undefined;
  throw invalidOption('adapter', 'a Socket.IO adapter constructor, e.g. createAdapter(pub, sub)', value);
}

function checkLogger(value: unknown): ChatLogger {
  const logger = value as Partial<ChatLogger> | null;
  if (typeof logger === 'object' && logger !== null && typeof logger.warn === 'function' && typeof logger.error === 'function') {
    return logger as ChatLogger;
  }
  throw invalidOption('logger', 'an object with warn() and error() methods, such as console', value);
}

function checkCluster(value: unknown): ResolvedClusterOptions | undefined {
  if (value === undefined || value === false) return undefined;
  const record = checkObject('cluster', value, "an object such as { redis: 'redis://127.0.0.1:6379' }, or false");
  checkKeys('cluster', record, CLUSTER_KEYS);
  const redis = record.redis;
  const isClient = typeof redis === 'object' && redis !== null && typeof (redis as { duplicate?: unknown }).duplicate === 'function';
  if (!isClient && !(typeof redis === 'string' && /^rediss?:\/\/./.test(redis))) {
    throw invalidOption('cluster.redis', "a Redis URL ('redis://host:6379') or an ioredis client", redis);
  }
  const keyPrefix = orDefault(record.keyPrefix, DEFAULTS.cluster.keyPrefix);
  if (typeof keyPrefix !== 'string' || keyPrefix.length === 0 || /[{}\s]/.test(keyPrefix)) {
    throw invalidOption('cluster.keyPrefix', 'a non-empty string without spaces or braces', keyPrefix);
  }
  const heartbeatMs = checkInteger('cluster.heartbeatMs', orDefault(record.heartbeatMs, DEFAULTS.cluster.heartbeatMs), 50, 60_000);
  const nodeTimeoutMs = checkInteger(
    'cluster.nodeTimeoutMs',
    orDefault(record.nodeTimeoutMs, DEFAULTS.cluster.nodeTimeoutMs),
    2 * heartbeatMs,
    600_000,
  );
  return { redis: redis as ResolvedClusterOptions['redis'], keyPrefix, heartbeatMs, nodeTimeoutMs };
}

function checkUse(value: unknown): HandshakeMiddleware[] {
  if (value === undefined) return [];
  if (typeof value === 'function') throw invalidOption('use', 'an array of middleware (did you mean `use: [session]`?)', value);
  if (Array.isArray(value) && value.every((fn) => typeof fn === 'function')) return [...(value as HandshakeMiddleware[])];
  throw invalidOption('use', 'an array of Express middleware, e.g. [sessionMiddleware]', value);
}

function checkOrigins(value: unknown): string[] {
  const origins = checkStringList('origins', value, "an array of origins such as 'https://example.com'");
  for (const origin of origins) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = undefined;
    }
    if (parsed?.origin !== origin) {
      throw invalidOption('origins', "exact origins like 'https://example.com' or 'http://localhost:3000' (no path, no trailing slash)", origin);
    }
  }
  return origins;
}

function checkRate(name: string, value: unknown, fallback: Required<RateOption>): Required<RateOption> | false {
  if (value === undefined) return { ...fallback };
  if (value === false) return false;
  const expected = '{ limit, windowMs, blockMs? } (whole numbers, limit ≥ 1, windowMs ≥ 1) or false';
  const rate = checkObject(name, value, expected);
  checkKeys(name, rate, ['limit', 'windowMs', 'blockMs']);
  const { limit, windowMs } = rate;
  const blockMs = orDefault(rate.blockMs, 0);
  const ok = (n: unknown, min: number): n is number => typeof n === 'number' && Number.isInteger(n) && n >= min && n <= MAX_MS;
  if (!ok(limit, 1) || !ok(windowMs, 1) || !ok(blockMs, 0)) throw invalidOption(name, expected, value);
  return { limit, windowMs, blockMs };
}

function checkTrustProxy(value: unknown): TrustProxy {
  const expected =
    "false, true (trust every hop), the number of proxy hops, or addresses/subnets/'loopback' as a string or list (as Express's trust proxy)";
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 32) return value;
  const list = typeof value === 'string' ? value.split(',').map((part) => part.trim()) : value;
  if (!Array.isArray(list) || !list.every((entry): entry is string => typeof entry === 'string')) throw invalidOption('trustProxy', expected, value);
  try {
    // proxy-addr throws on a malformed address or subnet: say so now, not on the first request.
    proxyaddr.compile(list);
  } catch {
    throw invalidOption('trustProxy', expected, value);
  }
  return typeof value === 'string' ? value : [...list];
}
