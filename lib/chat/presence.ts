/**
 * Who is logged in, and the nickname claims that keep names unique. Behind an interface so that a
 * cluster can keep the same facts in Redis; this file holds the single-process implementation.
 */
import type { ValidNick } from '../protocol/nick';

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
  /** Stops timers and connections the presence opened. */
  close(): Promise<void>;
}

interface Holder {
  nick: string;
  owner: string;
  sockets: Set<string>;
}

/** Presence in this process's memory: a `Map`, so that `__proto__` is a nickname like any other. */
export class LocalPresence implements Presence {
  private readonly holders = new Map<string, Holder>();

  claim(valid: ValidNick, owner: string, socketId: string): Promise<ClaimResult> {
    const holder = this.holders.get(valid.key);
    if (holder === undefined) {
      this.holders.set(valid.key, { nick: valid.nick, owner, sockets: new Set([socketId]) });
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

  close(): Promise<void> {
    this.holders.clear();
    return Promise.resolve();
  }
}
