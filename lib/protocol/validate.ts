/**
 * The one place where client input is checked. Every function here is total over arbitrary JSON:
 * it returns a clean value or throws a {@link ChatError}, never a TypeError.
 */
import { ChatError } from './error-codes';
import { validateEmoji } from './emoji';
import { MAX_PEOPLE_PAGE, REPORT_REASONS, type ChatRequest, type EditRequest, type HistoryRequest, type PeopleRequest, type ReactRequest, type ReportReason } from './payloads';

// Messages may span lines (LF or CRLF) and hold tabs; other C0/C1 controls and a lone CR only
// garble logs and terminals, and U+0000 is refused by PostgreSQL, so both stores must see it
// refused here first.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const FORBIDDEN_IN_MESSAGE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]|\r(?!\n)/;

// What renders as nothing: a message made only of these is blank.
const INVISIBLE = /[\s\p{Cf}\p{Default_Ignorable_Code_Point}\u2800]/gu;

const CLIENT_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** True for `{}`-style objects from JSON (not arrays, not null, not class instances). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Length in Unicode code points, without allocating for the common short string. */
export function codePointLength(text: string): number {
  let length = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    // A high surrogate followed by a low one is a single code point.
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    length++;
  }
  return length;
}

/** Checks a message's text; returns it unchanged (whitespace is the author's). */
export function validateMessageText(value: unknown, maxLength: number): string {
  if (typeof value !== 'string') {
    throw new ChatError('INVALID_MESSAGE', 'A message must be text');
  }
  if (value.trim().length === 0 || value.replace(INVISIBLE, '').length === 0) {
    throw new ChatError('INVALID_MESSAGE', 'A message cannot be empty');
  }
  // Checking the UTF-16 length first keeps the common case free of a code-point walk.
  if (value.length > maxLength && codePointLength(value) > maxLength) {
    throw new ChatError('INVALID_MESSAGE', `A message can be at most ${maxLength} characters`);
  }
  if (!value.isWellFormed()) {
    throw new ChatError('INVALID_MESSAGE', 'That message holds broken characters');
  }
  if (FORBIDDEN_IN_MESSAGE.test(value)) {
    throw new ChatError('INVALID_MESSAGE', 'A message cannot hold control characters');
  }
  return value;
}

/** Reads `chat`'s argument: a bare string (the original protocol) or `{ m, cid? }`. */
export function parseChatRequest(value: unknown, maxLength: number): ChatRequest {
  if (typeof value === 'string') return { m: validateMessageText(value, maxLength) };
  if (!isPlainObject(value)) {
    throw new ChatError('INVALID_MESSAGE', 'A message must be text or { m, cid }');
  }
  const request: ChatRequest = { m: validateMessageText(value.m, maxLength) };
  if (value.cid !== undefined) {
    if (typeof value.cid !== 'string' || !CLIENT_ID.test(value.cid)) {
      throw new ChatError('INVALID_MESSAGE', 'cid must be 1 to 64 letters, digits, - or _');
    }
    request.cid = value.cid;
  }
  if (value.to !== undefined) {
    if (typeof value.to !== 'string' || value.to.length === 0 || value.to.length > 1024) {
      throw new ChatError('INVALID_MESSAGE', 'to must be the nickname of a signed-in user');
    }
    if (value.room !== undefined && value.room !== '') throw new ChatError('INVALID_MESSAGE', 'Give either room or to, not both');
    request.to = value.to;
  }
  if (value.replyTo !== undefined) {
    if (!isMessageId(value.replyTo)) throw new ChatError('INVALID_MESSAGE', 'replyTo must be the id of a message');
    request.replyTo = value.replyTo;
  }
  return request;
}

/** True for an integer id a store could have handed out. */
export function isMessageId(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** Reads `edit`'s `{ id, m }`: the text is checked as a `chat` message is. */
export function parseEditRequest(value: unknown, maxLength: number): EditRequest {
  if (!isPlainObject(value) || !isMessageId(value.id)) throw new ChatError('INVALID_REQUEST', 'Expected { id, m }');
  return { id: value.id, m: validateMessageText(value.m, maxLength) };
}

/** Reads `react`'s `{ id, emoji }`. */
export function parseReactRequest(value: unknown): ReactRequest {
  if (!isPlainObject(value) || !isMessageId(value.id)) throw new ChatError('INVALID_REQUEST', 'Expected { id, emoji }');
  return { id: value.id, emoji: validateEmoji(value.emoji) };
}

/** Reads `block`'s `{ nick, blocked? }`. */
export function parseBlockRequest(value: unknown): { nick: string; blocked: boolean } {
  if (!isPlainObject(value) || typeof value.nick !== 'string' || value.nick.length === 0 || value.nick.length > 1024) {
    throw new ChatError('INVALID_REQUEST', 'Expected { nick, blocked? }');
  }
  const blocked = value.blocked ?? true;
  if (typeof blocked !== 'boolean') throw new ChatError('INVALID_REQUEST', 'blocked must be true or false');
  return { nick: value.nick, blocked };
}

/** Reads `read`'s `{ room, id }` (whose conversation it is, the handler checks). */
export function parseReadRequest(value: unknown): { room: string; id: number } {
  if (!isPlainObject(value) || typeof value.room !== 'string' || value.room.length > 1024 || !isMessageId(value.id)) {
    throw new ChatError('INVALID_REQUEST', 'Expected { room, id }');
  }
  return { room: value.room, id: value.id };
}

/** Reads `{ id }` (`delete`). */
export function parseIdRequest(value: unknown): { id: number } {
  if (!isPlainObject(value) || !isMessageId(value.id)) throw new ChatError('INVALID_REQUEST', 'Expected { id }');
  return { id: value.id };
}

/** Reads a `history` request; `maxLimit` bounds how many messages one page may ask for. */
export function parseHistoryRequest(value: unknown, maxLimit: number): HistoryRequest {
  // JSON turns an `undefined` argument into null on the wire.
  if (value === undefined || value === null) return {};
  if (!isPlainObject(value)) {
    throw new ChatError('INVALID_REQUEST', 'A history request must be an object like { before, limit }');
  }
  const request: HistoryRequest = {};
  if (value.before !== undefined) {
    if (!isMessageId(value.before)) {
      throw new ChatError('INVALID_REQUEST', 'before must be a message id (a whole number ≥ 0)');
    }
    request.before = value.before;
  }
  if (value.limit !== undefined) {
    const limit = value.limit;
    if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > maxLimit) {
      throw new ChatError('INVALID_REQUEST', `limit must be a whole number from 1 to ${maxLimit}`);
    }
    request.limit = limit;
  }
  return request;
}

/** Reads the handshake's `lastId`; anything that is not an id counts as absent. */
export function parseLastId(value: unknown): number | undefined {
  return isMessageId(value) ? value : undefined;
}

/** The longest sanction a moderator may give in one go: a week. */
export const MAX_SANCTION_SECONDS = 7 * 24 * 3600;

/** Checks a moderator's `{ nick, seconds? }`; `seconds` defaults to `fallbackSeconds`. */
export function parseSanctionRequest(value: unknown, fallbackSeconds: number): { nick: string; seconds: number } {
  if (!isPlainObject(value) || typeof value.nick !== 'string' || value.nick.length === 0 || value.nick.length > 1024) {
    throw new ChatError('INVALID_REQUEST', 'Expected { nick, seconds? }');
  }
  const seconds = value.seconds ?? fallbackSeconds;
  if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 1 || seconds > MAX_SANCTION_SECONDS) {
    throw new ChatError('INVALID_REQUEST', `seconds must be a whole number from 1 to ${MAX_SANCTION_SECONDS}`);
  }
  return { nick: value.nick, seconds };
}

/** Checks a `report`: `{ id, reason, room? }` with a reason from REPORT_REASONS. */
export function parseReportRequest(value: unknown): { id: number; reason: ReportReason } {
  if (!isPlainObject(value) || !isMessageId(value.id) || !(REPORT_REASONS as readonly unknown[]).includes(value.reason)) {
    throw new ChatError('INVALID_REQUEST', `Expected { id, reason } with a reason among ${REPORT_REASONS.join(', ')}`);
  }
  return { id: value.id, reason: value.reason as ReportReason };
}

/** Checks a moderator's `{ nick }` (`unmute`, `unban`). */
export function parseUnsanctionRequest(value: unknown): { nick: string } {
  if (!isPlainObject(value) || typeof value.nick !== 'string' || value.nick.length === 0 || value.nick.length > 1024) {
    throw new ChatError('INVALID_REQUEST', 'Expected { nick }');
  }
  return { nick: value.nick };
}

/** The longest `people` cursor accepted: a page's `next` is a short number. */
const MAX_CURSOR_LENGTH = 32;

/** Reads a `people` request (absent or null: the first page of the default room). */
export function parsePeopleRequest(value: unknown): PeopleRequest {
  if (value === undefined || value === null) return {};
  if (!isPlainObject(value)) throw new ChatError('INVALID_REQUEST', 'A people request must be an object like { room, after, limit }');
  const request: PeopleRequest = {};
  const { after, limit } = value;
  if (after !== undefined && after !== null) {
    if (typeof after !== 'string' || after.length > MAX_CURSOR_LENGTH) throw new ChatError('INVALID_REQUEST', 'after must be a previous page’s next');
    request.after = after;
  }
  if (limit !== undefined && limit !== null) {
    if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > MAX_PEOPLE_PAGE) {
      throw new ChatError('INVALID_REQUEST', `limit must be a whole number from 1 to ${MAX_PEOPLE_PAGE}`);
    }
    request.limit = limit;
  }
  return request;
}
