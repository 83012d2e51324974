/**
 * Who is logged in, and the nickname claims that keep names unique. Behind an interface so that a
 * cluster can keep the same facts in Redis; this file holds the single-process implementation.
 */
import type { ValidNick } from '../protocol/nick';
import type { PeoplePage } from '../protocol/payloads';

/** The answer to a claim. */
export type ClaimResult =
  /** Granted; `first` is true when no socket of this owner held the name before (announce it). */
  | { ok: true; first: boolean }
  /** Someone else holds a name with the same key. */
  | { ok: false };

/** The nickname registry. Keys are {@link ValidNick.key}s; lists show nicknames as their owners chose them. */
export interface Presence {
  /**
   * Claims a nickname for `owner` (a socket id for a guest; a stable user id for a signed-in user,
   * whose tabs then share one name) on behalf of socket `socketId`.
   */
  claim(nick: ValidNick, owner: string, socketId: string): Promise<ClaimResult>;
  /** Drops socket `socketId`'s hold on `key`; resolves true when it was the last one (announce the exit). */
  release(key: string, socketId: string): Promise<boolean>;
  /** Every nickname logged in, in the order they arrived. */
  list(): Promise<string[]>;
  /**
   * At most `limit` nicknames in arrival order, after cursor `after` (a previous page's `next`;
   * an unreadable cursor reads from the start), with the total: a digest's page without the list.
   */
  page(after: string | undefined, limit: number): Promise<PeoplePage>;
  /** How many nicknames are logged in. */
  count(): Promise<number>;
  /** Stops timers and connections the presence opened. */
  close(): Promise<void>;
}

interface Holder {
  nick: string;
  /** Its place in arrival order: the paging cursor. */
  seq: number;
  owner: string;
  sockets: Set<string>;
}

/** Presence in this process's memory: a `Map`, so that `__proto__` is a nickname like any other. */
export class LocalPresence implements Presence {
  private readonly holders = new Map<string, Holder>();
  private seq = 0;

  claim(valid: ValidNick, owner: string, socketId: string): Promise<ClaimResult> {
    const holder = this.holders.get(valid.key);
    if (holder === undefined) {
      this.holders.set(valid.key, { nick: valid.nick, seq: ++this.seq, owner, sockets: new Set([socketId]) });
      return Promise.resolve({ ok: true, first: true });
    }
    if (holder.owner !== owner) return Promise.resolve({ ok: false });
    const first = holder.sockets.size === 0;
    holder.sockets.add(socketId);
    // The owner may change the case of its own name (alice → Alice).
    holder.nick = valid.nick;
    return Promise.resolve({ ok: true, first });
  }

  release(key: string, socketId: string): Promise<boolean> {
    const holder = this.holders.get(key);
    if (holder === undefined || !holder.sockets.delete(socketId)) return Promise.resolve(false);
    if (holder.sockets.size > 0) return Promise.resolve(false);
    this.holders.delete(key);
    return Promise.resolve(true);
  }

  list(): Promise<string[]> {
    return Promise.resolve(Array.from(this.holders.values(), (holder) => holder.nick));
  }

  page(after: string | undefined, limit: number): Promise<PeoplePage> {
    return Promise.resolve(pageOf(this.holders.values(), after, limit, this.holders.size));
  }

  count(): Promise<number> {
    return Promise.resolve(this.holders.size);
  }

  close(): Promise<void> {
    this.holders.clear();
    return Promise.resolve();
  }
}

/**
 * A page of `entries` (in arrival order, each with its `seq`): those after cursor `after` (a
 * seq, as a decimal string), at most `limit`. Stops reading once the page is full, so the first
 * page of a crowd costs `limit` steps, not the crowd's size.
 */
export function pageOf(entries: Iterable<{ nick: string; seq: number }>, after: string | undefined, limit: number, count: number): PeoplePage {
  const from = after !== undefined && /^\d{1,15}$/.test(after) ? Number(after) : 0;
  const names: string[] = [];
  let last = 0;
  for (const entry of entries) {
    if (entry.seq <= from) continue;
    if (names.length === limit) return { names, count, next: String(last) };
    names.push(entry.nick);
    last = entry.seq;
  }
  return { names, count };
}
