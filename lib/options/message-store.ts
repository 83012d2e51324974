/** The interface every message store implements: the chat's log, and what readers repair gaps from. */
import type { ChatMessage, ConversationSummary, ReactionCounts, SearchHit } from '../protocol/payloads';

/** A validated message about to be stored. */
export interface NewMessage {
  /** The room; {@link DEFAULT_ROOM} for the default one. */
  room: string;
  /** The author's nickname as shown. */
  u: string;
  /** The validated text. */
  m: string;
  /** Acceptance time, ms since the epoch. */
  ts: number;
  /**
   * With `cid`: identifies the author for retry de-duplication (the nickname key); a repeated
   * (`authorKey`, `cid`) pair returns the first message instead of storing a second.
   */
  authorKey?: string;
  /** The client's id for this message, when it sent one. */
  cid?: string;
  /** The message it answers: its id, author and an excerpt taken now (the original may change or go). */
  replyTo?: { id: number; u: string; m: string } | undefined;
  /**
   * In a direct conversation: the recipient's nickname as the sender wrote it, shown in the
   * sender's conversation list until the recipient writes (their own nickname replaces it).
   */
  toNick?: string | undefined;
}

/** A message with what only the server needs to know about it: its room and its author's key. */
export interface StoredMessage {
  /** As `history` delivers it. */
  message: ChatMessage;
  /** Its room ({@link DEFAULT_ROOM} for the default one). */
  room: string;
  /** The `authorKey` it was stored with, if any. */
  authorKey: string | undefined;
}

/** What {@link MessageStore.react} did. */
export interface ReactResult {
  /** The message's counts now, emoji in the order they were first used. */
  counts: ReactionCounts;
  /** True when the reaction was added, false when it was taken back. */
  reacted: boolean;
  /** The change's number (see {@link MessageStore.changesAfter}). */
  rev: number;
}

/**
 * A recorded change to a stored message (an edit, a reaction, a delete): its number, from one
 * counter that only increases across the whole store (every process of a cluster sharing it), and
 * the message's room.
 */
export interface MessageChangeRef {
  /** The change's number: greater than every change committed before it. */
  rev: number;
  /** The message's room. */
  room: string;
}

/** One message's latest change after a reader's rev, with the message as it is now. */
export interface MessageChange {
  /** The message's id. */
  id: number;
  /** Its latest change's number. */
  rev: number;
  /** The message now (current text and reactions); undefined once it was deleted. */
  message: ChatMessage | undefined;
  /** Its text was edited (at some point: the event to replay is `edit`). */
  edited: boolean;
  /** Its reactions changed (at some point: the event to replay is `reactions`). */
  reacted: boolean;
}

/** What {@link MessageStore.changesAfter} returns. */
export interface ChangesAfter {
  /** In rev order, each message once. */
  changes: MessageChange[];
  /** True when more than `limit` messages changed: these are the `limit` latest changes. */
  truncated: boolean;
}

/** What {@link MessageStore.search} looks for. */
export interface SearchQuery {
  /** Lower-cased words (letters, digits, marks); a message matches when each starts one of its words. */
  terms: string[];
  /** The rooms to search. */
  rooms: string[];
  /** Only ids below this one. */
  before?: number | undefined;
  /** How many at most. */
  limit: number;
}

/** What {@link MessageStore.append} returns. */
export interface AppendResult {
  /** The message as `chat` delivers it (the first one, for a duplicate). */
  message: ChatMessage;
  /** True when this (`authorKey`, `cid`) was stored before: do not broadcast it again. */
  duplicate: boolean;
}

/** Messages after an id, and whether more were missed than returned. */
export interface MessagesAfter {
  /** Oldest first. */
  messages: ChatMessage[];
  /** True when more than `limit` came after the id: these are the newest `limit` of them. */
  truncated: boolean;
}

/**
 * A chat log. Ids are unique and increase in the order readers must see messages: a reader that
 * asks for what came after the greatest id it holds never skips one. Every list is oldest first.
 * Methods reject with a {@link ChatError} `STORE_UNAVAILABLE` when the backend cannot answer.
 */
export interface MessageStore {
  /** Opens the backend and runs migrations; called once before any other method. */
  open(): Promise<void>;
  /** Stores a message and assigns its id; resolves only once it is durable. */
  append(message: NewMessage): Promise<AppendResult>;
  /** The newest `limit` messages of a room. */
  latest(room: string, limit: number): Promise<ChatMessage[]>;
  /** The newest `limit` messages of a room with an id below `id`. */
  before(room: string, id: number, limit: number): Promise<ChatMessage[]>;
  /** The messages of a room with an id above `id` (the newest `limit` if there are more). */
  after(room: string, id: number, limit: number): Promise<MessagesAfter>;
  /** One message by id, with its room and author key; undefined when there is none. */
  get(id: number): Promise<StoredMessage | undefined>;
  /**
   * Replaces a message's text and records when; resolves the recorded change, or undefined when
   * there is no such message.
   */
  edit(id: number, m: string, editedTs: number): Promise<MessageChangeRef | undefined>;
  /**
   * Toggles `userKey`'s reaction `emoji` on message `id`; undefined when there is no such
   * message. Adding a distinct emoji beyond `maxDistinct` rejects with ChatError
   * `TOO_MANY_REACTIONS`. Reads (`latest`, `before`, `after`, `get`) carry `reactions`.
   */
  react(id: number, userKey: string, emoji: string, maxDistinct: number): Promise<ReactResult | undefined>;
  /**
   * Messages of `rooms` matching every term, newest first, through the backend's full-text index
   * (SQLite FTS5, PostgreSQL tsvector + GIN); a memory store may scan.
   */
  search(query: SearchQuery): Promise<SearchHit[]>;
  /** Records (`blocked` true) or lifts that user `blockerKey` refuses direct messages from `blockedKey` (nickname keys). */
  setBlocked(blockerKey: string, blockedKey: string, blocked: boolean): Promise<void>;
  /** True when `blockerKey` blocked `blockedKey`. */
  isBlocked(blockerKey: string, blockedKey: string): Promise<boolean>;
  /** Forgets a message (moderation, or its author); resolves the recorded change, or undefined when it was not there. */
  delete(id: number): Promise<MessageChangeRef | undefined>;
  /**
   * The latest change of each message of `room` with an id ≤ `upToId` whose latest change is
   * numbered above `rev`, in rev order; the `limit` latest when there are more. What a reader
   * that held messages up to `upToId` and saw changes up to `rev` missed. Changes are kept as
   * long as their message (a deleted message's, as long as messages older than it remain).
   */
  changesAfter(room: string, rev: number, upToId: number, limit: number): Promise<ChangesAfter>;
  /** The number of `room`'s latest change still recorded; 0 when none. */
  currentRev(room: string): Promise<number>;
  /**
   * `userKey`'s direct conversations, newest message first, at most `limit`. A conversation is
   * recorded for both participants when a message of its room (`@dm:…`) is appended with an
   * `authorKey`; its author's read marker moves to that message. `unread` counts the messages
   * after the user's read marker not written by the user, stopping at UNREAD_CAP (100), so it
   * reads an index range, never the whole table.
   */
  conversations(userKey: string, limit: number): Promise<ConversationSummary[]>;
  /**
   * Moves `userKey`'s read marker in conversation `room` up to `id` (never down, never past the
   * conversation's newest message). Undefined when the user has no such conversation; `moved`
   * false when the marker was already there or beyond.
   */
  markRead(userKey: string, room: string, id: number): Promise<{ id: number; moved: boolean } | undefined>;
  /** Releases what the store opened (never a pool or database the host passed in). */
  close(): Promise<void>;
}
