/** A message store in process memory: for tests and for `history: false`, never the default. */
import { toChatMessage, type ChatMessage } from '../protocol/payloads';
import type { AppendResult, MessageStore, MessagesAfter, NewMessage } from '../options/message-store';

/** Options of {@link MemoryStore}. */
export interface MemoryStoreOptions {
  /** How many messages to keep, oldest dropped first; `0` keeps none. Defaults to 10,000. */
  maxMessages?: number;
}

/** Keeps the newest messages in an array; ids restart at 1 with the process. */
export class MemoryStore implements MessageStore {
  private readonly maxMessages: number;
  private messages: (ChatMessage & { room: string })[] = [];
  private readonly byClientId = new Map<string, ChatMessage>();
  private nextId = 1;

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
    const message = toChatMessage(this.nextId++, input.room, input.u, input.m, input.ts);
    if (this.maxMessages > 0) {
      this.messages.push({ ...message, room: input.room });
      // Trim in chunks so that a full store does not shift the array on every append.
      if (this.messages.length > this.maxMessages * 1.25) {
        this.messages = this.messages.slice(-this.maxMessages);
      }
    }
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

  delete(id: number): Promise<boolean> {
    const index = this.messages.findIndex((stored) => stored.id === id);
    if (index < 0) return Promise.resolve(false);
    this.messages.splice(index, 1);
    return Promise.resolve(true);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  /** The newest `limit` matching messages of a room, oldest first. */
  private select(room: string, keep: (id: number) => boolean, limit: number): ChatMessage[] {
    const found: ChatMessage[] = [];
    const floor = Math.max(0, this.messages.length - this.maxMessages);
    for (let i = this.messages.length - 1; i >= floor && found.length < limit; i--) {
      const stored = this.messages[i];
      if (stored && stored.room === room && keep(stored.id)) {
        found.push(toChatMessage(stored.id, stored.room, stored.u, stored.m, stored.ts));
      }
    }
    return found.reverse();
  }
}
