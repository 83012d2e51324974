/** A message store in process memory: for tests and for `history: false`, never the default. */
import { ChatError } from '../protocol/error-codes';
import { toChatMessage, UNREAD_CAP, withExtras, type ChatMessage, type ConversationSummary, type ReactionCounts, type SearchHit } from '../protocol/payloads';
import { conversationParties } from './conversation-parties';
import { wordsOf } from '../protocol/search-query';
import type {
  AppendResult,
  ChangesAfter,
  MessageChange,
  MessageChangeRef,
  MessageStore,
  MessagesAfter,
  NewMessage,
  ReactResult,
  SearchQuery,
  StoredMessage,
} from '../options/message-store';

/** One kept message, with what the wire shape leaves out. */
interface Kept {
  id: number;
  room: string;
  u: string;
  m: string;
  ts: number;
  authorKey: string | undefined;
  editedTs: number | undefined;
  replyTo: { id: number; u: string; m: string } | undefined;
  /** Emoji → who reacted with it; emoji in the order first used. */
  reactions: Map<string, Set<string>> | undefined;
}

/** A message's latest change: what it was (so far) and its number. */
interface Changed {
  room: string;
  rev: number;
  edited: boolean;
  reacted: boolean;
  deleted: boolean;
}

/** One user's record of a direct conversation. */
interface Conversation {
  room: string;
  with: string;
  lastId: number;
  lastTs: number;
  /** The id up to which the user has read it. */
  readId: number;
}

/** Options of {@link MemoryStore}. */
export interface MemoryStoreOptions {
  /** How many messages to keep, oldest dropped first; `0` keeps none. Defaults to 10,000. */
  maxMessages?: number;
}

/** Keeps the newest messages in an array; ids restart at 1 with the process. */
export class MemoryStore implements MessageStore {
  private readonly maxMessages: number;
  private messages: Kept[] = [];
  private readonly byClientId = new Map<string, ChatMessage>();
  private nextId = 1;
  /** `blocker\u0000blocked` pairs of nickname keys. */
  private readonly blocks = new Set<string>();
  /** Message id → its latest change, in rev order (an entry moves to the end when it changes again). */
  private readonly changes = new Map<number, Changed>();
  private lastRev = 0;
  /** User key → conversation room → that user's record of it. */
  private readonly conversationsByUser = new Map<string, Map<string, Conversation>>();

  constructor(options: MemoryStoreOptions = {}) {
    this.maxMessages = options.maxMessages ?? 10_000;
  }

  open(): Promise<void> {
    return Promise.resolve();
  }

  append(input: NewMessage): Promise<AppendResult> {
    const dedupeKey = input.cid === undefined ? undefined : `${input.authorKey ?? ''}\u0000${input.cid}`;
    if (dedupeKey !== undefined) {
      const first = this.byClientId.get(dedupeKey);
      if (first) return Promise.resolve({ message: first, duplicate: true });
    }
    const message = withExtras(toChatMessage(this.nextId++, input.room, input.u, input.m, input.ts), { replyTo: input.replyTo });
    if (this.maxMessages > 0) {
      this.messages.push({ id: message.id, room: input.room, u: input.u, m: input.m, ts: input.ts, authorKey: input.authorKey, editedTs: undefined, replyTo: input.replyTo, reactions: undefined });
      // Trim in chunks so that a full store does not shift the array on every append.
      if (this.messages.length > this.maxMessages * 1.25) {
        this.messages = this.messages.slice(-this.maxMessages);
        this.forgetChangesBefore(this.messages[0]?.id ?? 0);
      }
    }
    this.noteConversation(input, message.id);
    if (dedupeKey !== undefined) {
      this.byClientId.set(dedupeKey, message);
      if (this.byClientId.size > 100_000) {
        const oldest = this.byClientId.keys().next();
        if (!oldest.done) this.byClientId.delete(oldest.value);
      }
    }
    return Promise.resolve({ message, duplicate: false });
  }

  latest(room: string, limit: number): Promise<ChatMessage[]> {
    return Promise.resolve(this.select(room, (id) => id >= 0, limit));
  }

  before(room: string, id: number, limit: number): Promise<ChatMessage[]> {
    return Promise.resolve(this.select(room, (candidate) => candidate < id, limit));
  }

  after(room: string, id: number, limit: number): Promise<MessagesAfter> {
    const newest = this.select(room, (candidate) => candidate > id, limit + 1);
    const truncated = newest.length > limit;
    return Promise.resolve({ messages: truncated ? newest.slice(1) : newest, truncated });
  }

  get(id: number): Promise<StoredMessage | undefined> {
    const kept = this.find(id);
    return Promise.resolve(kept && { message: this.toMessage(kept), room: kept.room, authorKey: kept.authorKey });
  }

  edit(id: number, m: string, editedTs: number): Promise<MessageChangeRef | undefined> {
    const kept = this.find(id);
    if (!kept) return Promise.resolve(undefined);
    kept.m = m;
    kept.editedTs = editedTs;
    return Promise.resolve(this.recordChange(id, kept.room, 'edited'));
  }

  react(id: number, userKey: string, emoji: string, maxDistinct: number): Promise<ReactResult | undefined> {
    const kept = this.find(id);
    if (!kept) return Promise.resolve(undefined);
    const reactions = (kept.reactions ??= new Map<string, Set<string>>());
    const users = reactions.get(emoji);
    let reacted = true;
    if (users?.has(userKey)) {
      users.delete(userKey);
      if (users.size === 0) reactions.delete(emoji);
      reacted = false;
    } else if (users) {
      users.add(userKey);
    } else {
      if (reactions.size >= maxDistinct) return Promise.reject(new ChatError('TOO_MANY_REACTIONS'));
      reactions.set(emoji, new Set([userKey]));
    }
    return Promise.resolve({ counts: countsOf(kept), reacted, rev: this.recordChange(id, kept.room, 'reacted').rev });
  }

  /** Scans the kept messages, newest first: memory has no index, and holds few messages. */
  search(query: SearchQuery): Promise<SearchHit[]> {
    const rooms = new Set(query.rooms);
    const before = query.before ?? Infinity;
    const hits: SearchHit[] = [];
    const floor = Math.max(0, this.messages.length - this.maxMessages);
    for (let i = this.messages.length - 1; i >= floor && hits.length < query.limit; i--) {
      const kept = this.messages[i];
      if (!kept || kept.id >= before || !rooms.has(kept.room)) continue;
      const words = wordsOf(kept.m);
      if (query.terms.every((term) => words.some((word) => word.startsWith(term)))) {
        hits.push({ id: kept.id, room: kept.room, u: kept.u, m: kept.m, ts: kept.ts });
      }
    }
    return Promise.resolve(hits);
  }

  setBlocked(blockerKey: string, blockedKey: string, blocked: boolean): Promise<void> {
    const pair = `${blockerKey}\u0000${blockedKey}`;
    if (blocked) this.blocks.add(pair);
    else this.blocks.delete(pair);
    return Promise.resolve();
  }

  isBlocked(blockerKey: string, blockedKey: string): Promise<boolean> {
    return Promise.resolve(this.blocks.has(`${blockerKey}\u0000${blockedKey}`));
  }

  conversations(userKey: string, limit: number): Promise<ConversationSummary[]> {
    const records = [...(this.conversationsByUser.get(userKey)?.values() ?? [])].sort((a, b) => b.lastId - a.lastId).slice(0, limit);
    return Promise.resolve(
      records.map((record) => ({ room: record.room, with: record.with, lastId: record.lastId, lastTs: record.lastTs, unread: this.unread(userKey, record) })),
    );
  }

  markRead(userKey: string, room: string, id: number): Promise<{ id: number; moved: boolean } | undefined> {
    const record = this.conversationsByUser.get(userKey)?.get(room);
    if (!record) return Promise.resolve(undefined);
    const next = Math.min(id, record.lastId);
    const moved = next > record.readId;
    if (moved) record.readId = next;
    return Promise.resolve({ id: record.readId, moved });
  }

  delete(id: number): Promise<MessageChangeRef | undefined> {
    const floor = Math.max(0, this.messages.length - this.maxMessages);
    const index = this.messages.findIndex((stored, i) => i >= floor && stored.id === id);
    const kept = this.messages[index];
    if (index < 0 || kept === undefined) return Promise.resolve(undefined);
    this.messages.splice(index, 1);
    return Promise.resolve(this.recordChange(id, kept.room, 'deleted'));
  }

  changesAfter(room: string, rev: number, upToId: number, limit: number): Promise<ChangesAfter> {
    const found: MessageChange[] = [];
    for (const [id, changed] of this.changes) {
      if (changed.room !== room || changed.rev <= rev || id > upToId) continue;
      const kept = changed.deleted ? undefined : this.find(id);
      found.push({ id, rev: changed.rev, message: kept && this.toMessage(kept), edited: changed.edited, reacted: changed.reacted });
    }
    const truncated = found.length > limit;
    return Promise.resolve({ changes: truncated ? found.slice(found.length - limit) : found, truncated });
  }

  /** Scans the log (as long as the kept messages at most): memory holds few. */
  currentRev(room: string): Promise<number> {
    let rev = 0;
    for (const changed of this.changes.values()) if (changed.room === room) rev = changed.rev;
    return Promise.resolve(rev);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  /** Numbers a change of message `id` and moves its entry to the end of the log. */
  private recordChange(id: number, room: string, kind: 'edited' | 'reacted' | 'deleted'): MessageChangeRef {
    const before = this.changes.get(id);
    const changed: Changed = { room, rev: ++this.lastRev, edited: before?.edited ?? false, reacted: before?.reacted ?? false, deleted: false };
    changed[kind] = true;
    this.changes.delete(id);
    this.changes.set(id, changed);
    return { rev: changed.rev, room };
  }

  /** Retention: changes of messages older than the oldest kept one are nobody's concern any more. */
  private forgetChangesBefore(oldestId: number): void {
    for (const id of this.changes.keys()) if (id < oldestId) this.changes.delete(id);
  }

  /** Records a direct message in both participants' conversation lists. */
  private noteConversation(input: NewMessage, id: number): void {
    const parties = conversationParties(input);
    if (parties === undefined) return;
    const update = (userKey: string, withNick: string | undefined, readId: number): void => {
      let records = this.conversationsByUser.get(userKey);
      if (!records) this.conversationsByUser.set(userKey, (records = new Map<string, Conversation>()));
      const record = records.get(input.room);
      if (record) {
        record.lastId = Math.max(record.lastId, id);
        record.lastTs = input.ts;
        if (withNick !== undefined) record.with = withNick;
        record.readId = Math.max(record.readId, readId);
      } else {
        records.set(input.room, { room: input.room, with: withNick ?? parties.recipientNick, lastId: id, lastTs: input.ts, readId });
      }
    };
    update(parties.author, undefined, id);
    if (parties.recipient !== undefined) update(parties.recipient, input.u, 0);
  }

  /**
   * Messages of the record's room after its read marker that the user did not write, up to
   * UNREAD_CAP. Walks back from the newest message: memory has no index, and holds few messages.
   */
  private unread(userKey: string, record: Conversation): number {
    let count = 0;
    const floor = Math.max(0, this.messages.length - this.maxMessages);
    for (let i = this.messages.length - 1; i >= floor && count < UNREAD_CAP; i--) {
      const kept = this.messages[i];
      if (!kept || kept.id <= record.readId) break;
      if (kept.room === record.room && kept.authorKey !== userKey) count++;
    }
    return count;
  }

  /** The newest `limit` matching messages of a room, oldest first. */
  private select(room: string, keep: (id: number) => boolean, limit: number): ChatMessage[] {
    const found: ChatMessage[] = [];
    const floor = Math.max(0, this.messages.length - this.maxMessages);
    for (let i = this.messages.length - 1; i >= floor && found.length < limit; i--) {
      const stored = this.messages[i];
      if (stored && stored.room === room && keep(stored.id)) {
        found.push(this.toMessage(stored));
      }
    }
    return found.reverse();
  }

  /** A kept message by id (ids increase along the array, so a binary search finds it). */
  private find(id: number): Kept | undefined {
    const floor = Math.max(0, this.messages.length - this.maxMessages);
    let low = floor;
    let high = this.messages.length - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const kept = this.messages[middle];
      if (!kept) return undefined;
      if (kept.id === id) return kept;
      if (kept.id < id) low = middle + 1;
      else high = middle - 1;
    }
    return undefined;
  }

  /** A kept message in its wire shape. */
  private toMessage(kept: Kept): ChatMessage {
    const reply = kept.replyTo;
    // A reply says so once the message it answers is gone (deleted, or dropped past maxMessages).
    const replyTo = reply && (this.find(reply.id) ? { ...reply } : { id: reply.id, deleted: true as const });
    return withExtras(toChatMessage(kept.id, kept.room, kept.u, kept.m, kept.ts), { editedTs: kept.editedTs, replyTo, reactions: countsOf(kept) });
  }
}

/** A kept message's reaction counts. */
function countsOf(kept: Kept): ReactionCounts {
  const counts: ReactionCounts = {};
  for (const [emoji, users] of kept.reactions ?? []) counts[emoji] = users.size;
  return counts;
}
