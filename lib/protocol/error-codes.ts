/** The stable error codes a client can receive, and the only text about them that leaves the server. */

/**
 * Every code a client may see in `{ ok: false, error: { code, message } }`.
 * Codes are part of the protocol: they are never renamed, only added.
 */
export const ERROR_CODES = [
  'INVALID_NICK',
  'NICK_TAKEN',
  'NOT_LOGGED_IN',
  'INVALID_MESSAGE',
  'INVALID_REQUEST',
  'STORE_UNAVAILABLE',
  'INTERNAL_ERROR',
  'CLUSTER_UNAVAILABLE',
  'INVALID_ROOM',
  'UNKNOWN_ROOM',
  'TOO_MANY_ROOMS',
  'NOT_IN_ROOM',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'RATE_LIMITED',
  'NICK_RESERVED',
  'NICK_LOCKED',
  'MUTED',
  'MESSAGE_REJECTED',
  'TOO_MANY_CONNECTIONS',
  'MESSAGE_NOT_FOUND',
  'NOT_AUTHOR',
  'EDIT_WINDOW_CLOSED',
  'TOO_MANY_REACTIONS',
  'BLOCKED',
] as const;

/** One of {@link ERROR_CODES}. */
export type ErrorCode = (typeof ERROR_CODES)[number];

/** The default text shown to users for each code; handlers may send a more precise one. */
export const DEFAULT_ERROR_MESSAGES: Readonly<Record<ErrorCode, string>> = {
  INVALID_NICK: 'That nickname is not allowed',
  NICK_TAKEN: 'That nickname is already taken',
  NOT_LOGGED_IN: 'You must first login',
  INVALID_MESSAGE: 'That message cannot be sent',
  INVALID_REQUEST: 'That request is malformed',
  STORE_UNAVAILABLE: 'The message store is unavailable; try again shortly',
  INTERNAL_ERROR: 'Something went wrong on the server',
  CLUSTER_UNAVAILABLE: 'Rooms cannot be created right now; try again shortly',
  INVALID_ROOM: 'That room name is not allowed',
  UNKNOWN_ROOM: 'There is no such room',
  TOO_MANY_ROOMS: 'No more rooms can be created',
  NOT_IN_ROOM: 'Join that room first',
  UNAUTHORIZED: 'Sign in to use the chat',
  FORBIDDEN: 'You are not allowed to do that',
  RATE_LIMITED: 'You are sending too fast; wait a moment',
  NICK_RESERVED: 'That nickname is reserved',
  NICK_LOCKED: 'You are signed in: your nickname is your account name',
  MUTED: 'You are muted for now',
  MESSAGE_REJECTED: 'That message was not accepted',
  TOO_MANY_CONNECTIONS: 'You have too many chat windows open; close one and try again',
  MESSAGE_NOT_FOUND: 'There is no such message',
  NOT_AUTHOR: 'Only its author can do that',
  EDIT_WINDOW_CLOSED: 'That message is too old to change',
  TOO_MANY_REACTIONS: 'That message has as many different reactions as it can take',
  BLOCKED: 'That user does not accept your direct messages',
};

/**
 * A refusal meant for the client. Its `message` is written for users and may be sent as is;
 * any other error is reported to clients only as `INTERNAL_ERROR`.
 */
export class ChatError extends Error {
  readonly code: ErrorCode;
  /** For `RATE_LIMITED` and `MUTED`: how long to wait before trying again, in milliseconds. */
  readonly retryAfter: number | undefined;

  constructor(code: ErrorCode, message: string = DEFAULT_ERROR_MESSAGES[code], retryAfter?: number) {
    super(message);
    this.name = 'ChatError';
    this.code = code;
    this.retryAfter = retryAfter;
  }
}
