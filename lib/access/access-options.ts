/**
 * The identity, access and abuse-limit options: their types, defaults and checks, kept apart from
 * options.ts so that file only lists them.
 */
import type { IncomingMessage } from 'node:http';

/** Who the host says a connecting user is. */
export interface ChatIdentity {
  /** The nickname shown in the chat; the user cannot change it. */
  nick: string;
  /** A stable user id (several tabs of one id share one entry). Defaults to the nickname. */
  id?: string | undefined;
  /** A moderator: may delete messages, mute and kick. Defaults to false. */
  admin?: boolean | undefined;
}

/**
 * The handshake request as `identify` sees it: the host's `use` middleware has run on it, so
 * `req.session` (express-session) and `req.user` (passport) are there when the host uses them.
 */
export type HandshakeRequest = IncomingMessage & { session?: unknown; user?: unknown } & Record<string, unknown>;

/**
 * The host's way to say who a connection belongs to; null (or undefined) for a stranger. `Req` is
 * the request as the host's `use` middleware leaves it: annotate the parameter (for example
 * `(req: Pick<express.Request, 'session'>) => …` with express-session's typed `SessionData`) and
 * `createChatMiddleware` infers it, with no cast. Defaults to {@link HandshakeRequest}.
 */
export type IdentifyFunction<Req = HandshakeRequest> = (
  req: Req,
) => ChatIdentity | null | undefined | Promise<ChatIdentity | null | undefined>;

/** An Express/Connect middleware, such as the one express-session returns. */
// `any`: Express, Connect and passport declare their own request/response types, all supersets of Node's.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type HandshakeMiddleware = (req: any, res: any, next: (err?: any) => void) => void;

/** A token-bucket rate: `limit` actions per `windowMs`; when spent, refuse for `blockMs` (or until a token is back). */
export interface RateOption {
  /** How many at once (the bucket), refilled evenly over `windowMs`. */
  limit: number;
  /** The window in milliseconds. */
  windowMs: number;
  /** Once the bucket is empty, refuse for this long, in milliseconds. Defaults to 0 (until one token is back). */
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

/** The resolved access options. */
export interface ResolvedAccessOptions {
  use: HandshakeMiddleware[];
  identify: IdentifyFunction | undefined;
  allowAnonymous: boolean;
  identityCheckInterval: number;
  origins: string[];
  reservedNicks: string[];
  messageRate: Required<RateOption> | false;
  eventRate: Required<RateOption> | false;
  loginRate: Required<RateOption> | false;
  maxConnectionsPerAddress: number;
  maxBufferedBytes: number;
  maxHttpBufferSize: number | undefined;
  trustProxy: boolean | number;
  onMessage: OnMessageHook | undefined;
}

/** The access options as given; `Req` is the handshake request's type (see {@link IdentifyFunction}). */
export interface AccessOptionsInput<Req = HandshakeRequest> {
  use?: HandshakeMiddleware[] | undefined;
  identify?: IdentifyFunction<Req> | undefined;
  allowAnonymous?: boolean | undefined;
  identityCheckInterval?: number | undefined;
  origins?: string[] | undefined;
  reservedNicks?: string[] | undefined;
  messageRate?: RateOption | false | undefined;
  eventRate?: RateOption | false | undefined;
  loginRate?: RateOption | false | undefined;
  maxConnectionsPerAddress?: number | undefined;
  maxBufferedBytes?: number | undefined;
  maxHttpBufferSize?: number | undefined;
  trustProxy?: boolean | number | undefined;
  onMessage?: OnMessageHook | undefined;
}

/** Names of the access options, for the unknown-key check. */
export const ACCESS_OPTION_NAMES = [
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
  'maxBufferedBytes',
  'maxHttpBufferSize',
  'trustProxy',
  'onMessage',
] as const;

/** The defaults, exported for the README's table and tests. */
export const ACCESS_DEFAULTS = {
  identityCheckInterval: 60_000,
  messageRate: { limit: 3, windowMs: 2000, blockMs: 5000 },
  eventRate: { limit: 30, windowMs: 2000, blockMs: 0 },
  loginRate: { limit: 10, windowMs: 60_000, blockMs: 0 },
  maxConnectionsPerAddress: 20,
  maxBufferedBytes: 8 * 1024 * 1024,
} as const;

type Invalid = (name: string, expected: string, value: unknown) => Error;

/** Validates the access options (never mutating them) and fills in every default. */
export function resolveAccessOptions(o: AccessOptionsInput, invalid: Invalid): ResolvedAccessOptions {
  const identify = optionalFunction<IdentifyFunction>('identify', o.identify, invalid);
  const allowAnonymous = o.allowAnonymous ?? identify === undefined;
  if (typeof allowAnonymous !== 'boolean') throw invalid('allowAnonymous', 'true or false', allowAnonymous);
  if (!allowAnonymous && identify === undefined) {
    throw invalid('allowAnonymous', 'true unless `identify` is set (nobody could chat)', allowAnonymous);
  }
  return {
    use: checkUse(o.use, invalid),
    identify,
    allowAnonymous,
    identityCheckInterval: integer('identityCheckInterval', o.identityCheckInterval ?? ACCESS_DEFAULTS.identityCheckInterval, 0, 86_400_000, invalid),
    origins: checkOrigins(o.origins, invalid),
    reservedNicks: stringList('reservedNicks', o.reservedNicks, 'an array of nicknames', invalid),
    messageRate: checkRate('messageRate', o.messageRate, ACCESS_DEFAULTS.messageRate, invalid),
    eventRate: checkRate('eventRate', o.eventRate, ACCESS_DEFAULTS.eventRate, invalid),
    loginRate: checkRate('loginRate', o.loginRate, ACCESS_DEFAULTS.loginRate, invalid),
    maxConnectionsPerAddress: integer('maxConnectionsPerAddress', o.maxConnectionsPerAddress ?? ACCESS_DEFAULTS.maxConnectionsPerAddress, 0, 1_000_000, invalid),
    maxBufferedBytes: integer('maxBufferedBytes', o.maxBufferedBytes ?? ACCESS_DEFAULTS.maxBufferedBytes, 1024, 2 ** 31, invalid),
    maxHttpBufferSize: o.maxHttpBufferSize === undefined ? undefined : integer('maxHttpBufferSize', o.maxHttpBufferSize, 1024, 2 ** 31, invalid),
    trustProxy: checkTrustProxy(o.trustProxy, invalid),
    onMessage: optionalFunction<OnMessageHook>('onMessage', o.onMessage, invalid),
  };
}

function optionalFunction<T>(name: string, value: unknown, invalid: Invalid): T | undefined {
  if (value === undefined || typeof value === 'function') return value as T | undefined;
  throw invalid(name, 'a function', value);
}

function integer(name: string, value: unknown, min: number, max: number, invalid: Invalid): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return value;
  throw invalid(name, `a whole number from ${min} to ${max}`, value);
}

function checkUse(value: unknown, invalid: Invalid): HandshakeMiddleware[] {
  if (value === undefined) return [];
  if (typeof value === 'function') {
    throw invalid('use', 'an array of middleware (did you mean `use: [session]`?)', value);
  }
  if (Array.isArray(value) && value.every((fn) => typeof fn === 'function')) return [...(value as HandshakeMiddleware[])];
  throw invalid('use', 'an array of Express middleware, e.g. [sessionMiddleware]', value);
}

function stringList(name: string, value: unknown, expected: string, invalid: Invalid): string[] {
  if (value === undefined) return [];
  if (Array.isArray(value) && value.every((item) => typeof item === 'string' && item.length > 0)) return [...(value as string[])];
  throw invalid(name, expected, value);
}

function checkOrigins(value: unknown, invalid: Invalid): string[] {
  const origins = stringList('origins', value, "an array of origins such as 'https://example.com'", invalid);
  for (const origin of origins) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = undefined;
    }
    if (parsed?.origin !== origin) {
      throw invalid('origins', "exact origins like 'https://example.com' or 'http://localhost:3000' (no path, no trailing slash)", origin);
    }
  }
  return origins;
}

function checkRate(name: string, value: unknown, fallback: Required<RateOption>, invalid: Invalid): Required<RateOption> | false {
  if (value === undefined) return { ...fallback };
  if (value === false) return false;
  const expected = '{ limit, windowMs, blockMs? } (whole numbers, limit ≥ 1, windowMs ≥ 1) or false';
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(name, expected, value);
  const rate: Partial<RateOption> = value;
  const limit = rate.limit;
  const windowMs = rate.windowMs;
  const blockMs = rate.blockMs ?? 0;
  const ok = (n: unknown, min: number): n is number => typeof n === 'number' && Number.isInteger(n) && n >= min && n <= 86_400_000;
  if (!ok(limit, 1) || !ok(windowMs, 1) || !ok(blockMs, 0)) throw invalid(name, expected, value);
  return { limit, windowMs, blockMs };
}

function checkTrustProxy(value: unknown, invalid: Invalid): boolean | number {
  if (value === undefined) return false;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 32) return value;
  throw invalid('trustProxy', 'false, true (trust every X-Forwarded-For hop) or the number of proxy hops', value);
}
