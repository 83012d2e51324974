/** The shapes that travel between the chat server and its clients, shared with the browser page. */
import type { ErrorCode } from './error-codes';

/** The nickname the server speaks as; reserved, no user may take it. */
export const SYSTEM_NICK = 'SYSTEM';

/** The room every socket is in; payloads for it carry no `room` field, as in the original protocol. */
export const DEFAULT_ROOM = '';

/** A stored chat message exactly as `chat` delivers it and `history` replays it. */
export interface ChatMessage {
  /**
   * The author's picture (a signed-in user's, from the host's `identify`), on live messages and on
   * history this server has seen the author post with; pages show initials without it.
   */
  avatar?: string;
  /** The author's nickname. */
  u: string;
  /** The text, exactly as sent (render it as text, never as HTML). */
  m: string;
  /** Unique and increasing in the order readers must see messages. */
  id: number;
  /** When the server accepted it, in milliseconds since the epoch. */
  ts: number;
  /** Present only for rooms other than the default one. */
  room?: string;
  /** When its author last edited it (ms since the epoch); absent if never edited. */
  editedTs?: number;
  /** The message it answers, as it read when the reply was sent; `{ id, deleted: true }` once that one is gone. */
  replyTo?: ReplyRef;
  /** How many people reacted with each emoji; absent when nobody has. */
  reactions?: ReactionCounts;
}

/** What a reply says about the message it answers: its author and a short excerpt, or that it was deleted. */
export type ReplyRef = { id: number; u: string; m: string } | { id: number; deleted: true };

/** How many users reacted with each emoji, e.g. `{ '👍': 3 }`. */
export type ReactionCounts = Record<string, number>;

/** A line from the server itself, sent to one client (the original's `You must first login`). */
export interface SystemLine {
  u: typeof SYSTEM_NICK;
  m: string;
}

/** What a `chat` event carries. */
export type ChatLine = ChatMessage | SystemLine;

/** The error half of every ack. */
export interface ErrorPayload {
  code: ErrorCode;
  message: string;
  /** With `RATE_LIMITED` and `MUTED`: milliseconds to wait before trying again. */
  retryAfter?: number;
}

/** A failed request. */
export interface ErrorAck {
  ok: false;
  error: ErrorPayload;
}

/** A request's answer: `{ ok: true, ...result }` or an {@link ErrorAck}. */
export type Ack<Result extends object> = ({ ok: true } & Result) | ErrorAck;

/** Answer to `login`: the nickname as normalised by the server and everyone logged in. */
export type LoginAck = Ack<{ nick: string } & UserList>;

/** Answer to `chat`: the stored message's id. */
export type ChatAck = Ack<{ id: number }>;

/** Answer to a `history` request: messages oldest first. */
export type HistoryAck = Ack<{ messages: ChatMessage[] }>;

/** The object form of `chat`, besides a bare string. */
export interface ChatRequest {
  /** The text. */
  m: string;
  /** A client-chosen id that makes retries safe: a repeated `cid` is acked, not sent twice. */
  cid?: string;
  /** The room, once joined; omitted or `''`: the default room. */
  room?: string;
  /** The id of the message this one answers (in the same room). */
  replyTo?: number;
  /** A direct message to this signed-in user's nickname (instead of `room`). */
  to?: string;
}

/** A request for older messages. */
export interface HistoryRequest {
  /** Return messages older than this id; omitted: the newest ones. */
  before?: number;
  /** How many at most; defaults to the server's `historyLimit`. */
  limit?: number;
  /** The room, once joined; omitted or `''`: the default room. */
  room?: string;
}

/** Second argument of the `history` event. */
export interface HistoryMeta {
  /** More messages were missed than were sent: page back with `history({ before })`. */
  truncated?: boolean;
  /** The room, for rooms other than the default. */
  room?: string;
  /**
   * The number of the room's latest change to a stored message (an edit, reaction or delete; 0
   * when none), as of this history: keep the greatest `rev` seen per room and send it back as
   * `auth.lastRev` or `join({ room, lastId, lastRev })` to get what changed meanwhile.
   */
  rev?: number;
  /**
   * More older messages changed while away than `reconnectLimit`: only the latest changes
   * followed this history; re-read the messages shown with `history({ before })`.
   */
  changesTruncated?: boolean;
}

/** Sent once after connecting: who the server thinks this socket is. */
export interface SessionInfo {
  /** The nickname this socket is logged in with, or null. */
  nick: string | null;
  /** Why the handshake's nickname was refused, if it was. */
  error?: ErrorPayload;
  /** True when the host signed this user in: the nickname is theirs and `login` cannot change it. */
  identified?: boolean;
  /** True for a moderator (may `delete`, `mute` and `kick`). */
  admin?: boolean;
}

/** A request to remove a message (`delete`). */
export interface DeleteRequest {
  /** The message's id. */
  id: number;
}

/**
 * What a stored message's change (`edit`, `reactions`, `delete` events) says besides the change:
 * its number and, for rooms other than the default, the message's room. Absent on a `delete`
 * the store did not record (the message was already gone).
 */
export interface ChangeStamp {
  /** The change's number, increasing across the whole chat: keep the greatest per room (see {@link HistoryMeta.rev}). */
  rev?: number;
  /** The message's room, for rooms other than the default. */
  room?: string;
}

/** The stamp of change `rev` of a message of `room`: `room` only for rooms other than the default. */
export function changeStamp(rev: number, room: string): ChangeStamp {
  return room === DEFAULT_ROOM ? { rev } : { rev, room };
}

/** The `delete` event: drop message `id`. */
export interface DeleteNotice extends ChangeStamp {
  id: number;
}

/** A moderator's request to mute or kick someone for a while. */
export interface SanctionRequest {
  /** The nickname. */
  nick: string;
  /** For how long, in seconds; defaults to 300 for a mute and 60 for a kick. */
  seconds?: number;
}

/** An author's request to change their message (`edit`), and, as `EditNotice`, what the room is told. */
export interface EditRequest {
  /** The message's id. */
  id: number;
  /** The new text, checked like a `chat` message. */
  m: string;
}

/** The `edit` event: message `id` now reads `m`, edited at `editedTs`. */
export interface EditNotice extends ChangeStamp {
  id: number;
  m: string;
  editedTs: number;
}

/** Answer to `edit`: the text as stored (the host's `onMessage` may rewrite it). */
export type EditAck = Ack<EditNotice>;

/** `react`: toggle this user's reaction `emoji` (a single emoji) on message `id`. */
export interface ReactRequest {
  id: number;
  emoji: string;
}

/** The `reactions` event: message `id`'s reaction counts now (`{}` once the last one is taken back). */
export interface ReactionsNotice extends ChangeStamp {
  id: number;
  counts: ReactionCounts;
}

/** Answer to `react`: the counts now, and whether this user's reaction is now on (`true`) or off. */
export type ReactAck = Ack<{ id: number; counts: ReactionCounts; reacted: boolean }>;

/** `search`: full-text search of the history this socket may read. */
export interface SearchRequest {
  /** Words to find (1 to 200 characters); each matches a word starting with it, case-insensitively. */
  q: string;
  /** Only this room (joined, or `''` for the default); omitted: the default room and every joined room. */
  room?: string;
  /** Only messages older than this id: the next page, after the oldest result so far. */
  before?: number;
  /** How many at most, 1 to 50; defaults to 20. */
  limit?: number;
}

/** One search result: enough to show it and to page `history` around it. */
export interface SearchHit {
  id: number;
  /** Always present; `''` for the default room. */
  room: string;
  u: string;
  m: string;
  ts: number;
}

/** Answer to `search`: matching messages, newest first. */
export type SearchAck = Ack<{ results: SearchHit[] }>;

/** `block`: stop (or, with `blocked: false`, allow again) direct messages from a nickname. */
export interface BlockRequest {
  nick: string;
  /** Defaults to true. */
  blocked?: boolean;
}

/** Answer to `block`. */
export type BlockAck = Ack<{ nick: string; blocked: boolean }>;

/**
 * Unread counts stop here: a conversation with this many or more unread messages says `unread:
 * 100` (show "100+"), so counting reads at most this many index entries.
 */
export const UNREAD_CAP = 100;

/** One of a signed-in user's direct conversations, as `conversations` lists it. */
export interface ConversationSummary {
  /** The conversation room, `@dm:<keyA>:<keyB>`. */
  room: string;
  /** The other user's nickname, as it was last shown. */
  with: string;
  /** The newest message's id and time when it was stored. */
  lastId: number;
  lastTs: number;
  /** Messages from the other user after this user's read marker, at most {@link UNREAD_CAP}. */
  unread: number;
}

/** Answer to `conversations`: newest first, at most 100. */
export type ConversationsAck = Ack<{ conversations: ConversationSummary[] }>;

/** `read`: this user has read conversation `room` up to message `id`; also the event every tab of the user receives. */
export interface ReadRequest {
  room: string;
  id: number;
}

/** Answer to `read`: the user's read marker in the room now (never lower than before). */
export type ReadAck = Ack<{ room: string; id: number }>;

/** Answer to a moderation request. */
export type ModerationAck = Ack<object>;

/** A moderator's request to lift a mute or a ban (`unmute`, `unban`). */
export interface UnsanctionRequest {
  /** The nickname. */
  nick: string;
}

/** What moderators can record: the actions of `delete`, `mute`, `kick`, `ban`, `unmute`, `unban`. */
export type ModerationAction = 'delete' | 'mute' | 'kick' | 'ban' | 'unmute' | 'unban';

/** One line of the moderation log: who did what to whom, when (kept with the history). */
export interface ModerationEntry {
  /** The entry's id (ascending). */
  id: number;
  /** When, in ms since the epoch. */
  ts: number;
  /** The moderator's nickname, or `'host'` for the host API. */
  by: string;
  action: ModerationAction;
  /** The nickname acted on (all but `delete`). */
  nick?: string;
  /** The message removed (`delete`). */
  messageId?: number;
  /** For how long (`mute`, `kick`, `ban`), in seconds. */
  seconds?: number;
}

/** Why a line is reported: a short fixed list, so a report carries no free text to moderate. */
export const REPORT_REASONS = ['spam', 'abuse', 'off-topic', 'other'] as const;

/** One of {@link REPORT_REASONS}. */
export type ReportReason = (typeof REPORT_REASONS)[number];

/** Anyone's report of a line (`report`). */
export interface ReportRequest {
  /** The message's id. */
  id: number;
  reason: ReportReason;
  /** The message's room; omitted or `''`: the default room. */
  room?: string;
}

/** A report, as moderators see it (never the reported user). */
export interface ReportEntry {
  /** The report's id (ascending, shared with the moderation log). */
  id: number;
  ts: number;
  /** Who reported it. */
  by: string;
  reason: ReportReason;
  /** The reported line as it was when reported. */
  message: { id: number; u: string; m: string };
}

/** A mute or a ban in force, as the moderators' panel lists it. */
export interface SanctionInfo {
  nick: string;
  kind: 'mute' | 'ban';
  /** Until when, in ms since the epoch. */
  until: number;
}

/** The moderators' panel: sanctions in force, recent moderation actions and reports, newest last. */
export interface ModerationPanel {
  sanctions: SanctionInfo[];
  log: ModerationEntry[];
  reports: ReportEntry[];
}

/** Answer to `moderation`. */
export type ModerationPanelAck = Ack<ModerationPanel>;

/** Answer to `report`: received (the reporter learns nothing more). */
export type ReportAck = Ack<object>;

/** Sent to moderators as it happens: a new log line or a new report. */
export interface ModerationUpdate {
  entry?: ModerationEntry;
  report?: ReportEntry;
}

/** What a client may put in the handshake's `auth` (all optional). */
export interface HandshakeAuth {
  /** Log in at connection, with the same rules as `login` (used when reconnecting). */
  nick?: string;
  /** The greatest message id the client holds: `history` then carries exactly what came after. */
  lastId?: number;
  /**
   * With `lastId`: the greatest change number (`rev`) the client saw in the default room; after
   * `history` it then receives, as `edit`, `reactions` and `delete` events, the latest state of
   * each of its messages (id ≤ lastId) changed since.
   */
  lastRev?: number;
  /**
   * The client understands `batch`: under load, room-wide events reach it several to a frame.
   * Clients that do not say so get one event per frame, as in the original protocol.
   */
  batch?: boolean;
  /**
   * `'digest'`: the client never receives whole `users` lists, `enter` or `exit`; it receives
   * `presence` digests (a count and the first page of names) and pages with `people`.
   */
  presence?: 'digest';
}

// Presence digest: what clients that asked for it receive instead of `users`, `enter` and `exit`.

/** How many names a presence digest's first page (and a `people` page by default) holds at most. */
export const PRESENCE_PAGE_SIZE = 50;

/** The largest page a `people` request may ask for. */
export const MAX_PEOPLE_PAGE = 200;

/**
 * Who is here, in a login's or a join's ack: the whole list for the original protocol's clients,
 * or for a digest client the first page (at most {@link PRESENCE_PAGE_SIZE}) with the total `count`.
 */
export type UserList = { users: string[] } | PresenceSummary;

/** A digest client's `users` in an ack: the first page of names, and how many there are in all. */
export interface PresenceSummary {
  users: string[];
  count: number;
  /** Where the next page starts (pass it to `people` as `after`); absent on the last page. */
  next?: string;
}

/**
 * The `presence` event. A snapshot (`names`: the first page, on login, welcome or join) or a
 * window's changes (`entered`/`left`, coalesced over `presenceWindowMs`; both absent when more
 * changed than a page: the count alone, and the client asks `people` again if it shows names).
 * `room` is absent for the default room.
 */
export interface PresenceDigest {
  room?: string;
  count: number;
  names?: string[];
  next?: string;
  entered?: string[];
  left?: string[];
}

/** The `people` request: a room (default: the default room), where to start, how many. */
export interface PeopleRequest {
  room?: string;
  /** An opaque cursor: a previous page's `next`. */
  after?: string;
  /** 1 to {@link MAX_PEOPLE_PAGE}; default {@link PRESENCE_PAGE_SIZE}. */
  limit?: number;
}

/** One page of names, in the order people came, with the total and the next page's cursor. */
export interface PeoplePage {
  names: string[];
  count: number;
  next?: string;
}

/** Answer to `people`. */
export type PeopleAck = Ack<PeoplePage>;

// Rooms: `join`, `leave`, `typing` and the `{ room }` tag.

/** The second argument of `enter`, `exit`, `users` and `typing` for a room other than the default. */
export interface RoomRef {
  room: string;
}

/** The object form of `join`, besides a bare room name. */
export interface JoinRequest {
  room: string;
  /** The greatest id of this room the client holds: `history` then carries exactly what came after. */
  lastId?: number;
  /** With `lastId`: the greatest change number seen in this room (see {@link HandshakeAuth.lastRev}). */
  lastRev?: number;
}

/** Answer to `join`: the room's name as the server spells it, and everyone in it. */
export type JoinAck = Ack<{ room: string; rev?: number } & UserList>;

/** Answer to `leave`. */
export type LeaveAck = Ack<{ room: string }>;

/** What `typing` carries: nothing for the default room, else `{ room }`. */
export interface TypingRequest {
  room?: string;
}

/**
 * Builds a stored message in its wire shape, the one place that decides when `room` is present:
 * `{ u, m, id, ts }`, plus `room` for rooms other than the default, in that key order.
 */
export function toChatMessage(id: number, room: string, u: string, m: string, ts: number): ChatMessage {
  return room === DEFAULT_ROOM ? { u, m, id, ts } : { u, m, id, ts, room };
}

/** The parts of a stored message that only some messages have, in the order they follow `room`. */
export interface MessageExtras {
  editedTs?: number | undefined;
  replyTo?: ReplyRef | undefined;
  reactions?: ReactionCounts | undefined;
}

/** Adds what a message has of {@link MessageExtras} to its wire shape (absent fields stay absent). */
export function withExtras(message: ChatMessage, extras: MessageExtras): ChatMessage {
  if (extras.editedTs !== undefined) message.editedTs = extras.editedTs;
  if (extras.replyTo !== undefined) message.replyTo = extras.replyTo;
  if (extras.reactions !== undefined && Object.keys(extras.reactions).length > 0) message.reactions = extras.reactions;
  return message;
}

/** The longest reply excerpt, in code points: enough to recognise a line, short enough to repeat. */
export const REPLY_EXCERPT_LENGTH = 120;

/** The start of `text`, at most {@link REPLY_EXCERPT_LENGTH} code points, with `…` when cut. */
export function replyExcerpt(text: string): string {
  const points = Array.from(text);
  return points.length <= REPLY_EXCERPT_LENGTH ? text : `${points.slice(0, REPLY_EXCERPT_LENGTH - 1).join('')}…`;
}
