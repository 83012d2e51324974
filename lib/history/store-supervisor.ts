/**
 * Keeps a message store open for as long as the chat lives: opening is retried with capped,
 * jittered backoff (a database that starts after the app, a locked SQLite file), an outage is
 * logged once when it starts and once when it ends, and until the store is open every call is
 * answered `STORE_UNAVAILABLE` instead of the chat refusing connections.
 */
import createDebug from 'debug';
import type { ChatLogger } from '../options/logger';
import type {
  AppendResult,
  ChangesAfter,
  MessageChangeRef,
  MessageStore,
  MessagesAfter,
  NewMessage,
  ReactResult,
  SearchQuery,
  StoredMessage,
} from '../options/message-store';
import { ChatError } from '../protocol/error-codes';
import { DEFAULT_ROOM, type ChatMessage, type ConversationSummary, type SearchHit } from '../protocol/payloads';
import type { DependencyState, DependencyStatus } from '../chat/dependency-status';
import { settleWithin, sleep } from '../chat/deadline';
import { describeCause } from './store-errors';

const debug = createDebug('chatterbox:history');

/** The retry delays: doubling from `initialMs` up to `maxMs`, each one between half and all of it. */
export interface Backoff {
  initialMs: number;
  maxMs: number;
}

/** Delays short enough that a database coming up is noticed within a few seconds. */
export const DEFAULT_BACKOFF: Backoff = { initialMs: 200, maxMs: 5_000 };

/** Options of {@link StoreSupervisor}. */
export interface StoreSupervisorOptions {
  /** Where the outage lines go. */
  logger: ChatLogger;
  /** Names the store in log lines, e.g. `PostgreSQL message store`. */
  label: string;
  /** Added to every log line (the file, the table and server; never message text). */
  meta: Record<string, unknown>;
  /** True when the chat created the store, and so closes it. */
  owned: boolean;
  /** True when the store logs its own outages once open (the built-in stores do), so they are not logged twice. */
  reportsOutages: boolean;
  /** Defaults to {@link DEFAULT_BACKOFF}. */
  backoff?: Backoff | undefined;
}

/** The delay before retry number `attempt` (0-based). */
export function backoffDelay(backoff: Backoff, attempt: number): number {
  const ceiling = Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.min(attempt, 30));
  // Jittered so that many nodes restarted together do not retry in lockstep.
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

/**
 * A {@link MessageStore} in front of the real one: `start()` opens it in the background,
 * `ready` resolves once it is open, and `status` says where it stands.
 */
export class StoreSupervisor implements MessageStore {
  /** Resolves once the store is open; rejects only for a developer's mistake (a `TypeError` from `open()`). */
  readonly ready: Promise<void>;
  private resolveReady: () => void = () => undefined;
  private rejectReady: (error: unknown) => void = () => undefined;
  private state: Exclude<DependencyState, 'off'> = 'connecting';
  private since = Date.now();
  private opened = false;
  private closed = false;
  private started = false;
  /** True between the warning of an outage this supervisor logged and the line saying it is over. */
  private warned = false;
  private probing = false;
  private waiting: { cancel(): void } | undefined;
  private closing: Promise<void> | undefined;
  private readonly backoff: Backoff;

  constructor(
    private readonly store: MessageStore,
    private readonly options: StoreSupervisorOptions,
  ) {
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.ready = new Promise<void>((resolve, reject) => {
      this.resolveReady = resolve;
      this.rejectReady = reject;
    });
    // Awaited by whoever wants it; a rejection nobody awaits must not end the process.
    this.ready.catch(() => undefined);
  }

  /** The store's state and since when, for `status()`. */
  get status(): DependencyStatus {
    return { state: this.state, since: this.since };
  }

  /** Starts opening the store in the background; `ready` tells when it is done. */
  start(): void {
    if (this.started) return;
    this.started = true;
    void this.openUntilOpen();
  }

  /** Part of {@link MessageStore}: starts the background opening and resolves with `ready`. */
  open(): Promise<void> {
    this.start();
    return this.ready;
  }

  append(message: NewMessage): Promise<AppendResult> {
    return this.call(() => this.store.append(message));
  }

  latest(room: string, limit: number): Promise<ChatMessage[]> {
    return this.call(() => this.store.latest(room, limit));
  }

  before(room: string, id: number, limit: number): Promise<ChatMessage[]> {
    return this.call(() => this.store.before(room, id, limit));
  }

  after(room: string, id: number, limit: number): Promise<MessagesAfter> {
    return this.call(() => this.store.after(room, id, limit));
  }

  get(id: number): Promise<StoredMessage | undefined> {
    return this.call(() => this.store.get(id));
  }

  edit(id: number, m: string, editedTs: number): Promise<MessageChangeRef | undefined> {
    return this.call(() => this.store.edit(id, m, editedTs));
  }

  react(id: number, userKey: string, emoji: string, maxDistinct: number): Promise<ReactResult | undefined> {
    return this.call(() => this.store.react(id, userKey, emoji, maxDistinct));
  }

  search(query: SearchQuery): Promise<SearchHit[]> {
    return this.call(() => this.store.search(query));
  }

  setBlocked(blockerKey: string, blockedKey: string, blocked: boolean): Promise<void> {
    return this.call(() => this.store.setBlocked(blockerKey, blockedKey, blocked));
  }

  isBlocked(blockerKey: string, blockedKey: string): Promise<boolean> {
    return this.call(() => this.store.isBlocked(blockerKey, blockedKey));
  }

  conversations(userKey: string, limit: number): Promise<ConversationSummary[]> {
    return this.call(() => this.store.conversations(userKey, limit));
  }

  markRead(userKey: string, room: string, id: number): Promise<{ id: number; moved: boolean } | undefined> {
    return this.call(() => this.store.markRead(userKey, room, id));
  }

  delete(id: number): Promise<MessageChangeRef | undefined> {
    return this.call(() => this.store.delete(id));
  }

  changesAfter(room: string, rev: number, upToId: number, limit: number): Promise<ChangesAfter> {
    return this.call(() => this.store.changesAfter(room, rev, upToId, limit));
  }

  currentRev(room: string): Promise<number> {
    return this.call(() => this.store.currentRev(room));
  }

  /**
   * Stops retrying and closes the store if the chat owns it, waiting at most `withinMs` for a
   * store that does not answer (a database that accepts connections and never replies).
   */
  close(withinMs = 4_000): Promise<void> {
    this.closing ??= (async () => {
      this.closed = true;
      this.waiting?.cancel();
      if (!this.options.owned) return;
      // Closed at once, even with an open under way: the store waits for it (the built-in
      // stores for a bounded time) and so is closed rather than leaked.
      let closing: Promise<void>;
      try {
        closing = this.store.close();
      } catch (error) {
        closing = Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
      closing.catch((error: unknown) => debug('closing the store failed: %s', describeCause(error).cause));
      if (!(await settleWithin(closing, withinMs))) debug('the store did not close within %d ms', withinMs);
    })();
    return this.closing;
  }

  private async openUntilOpen(): Promise<void> {
    for (let attempt = 0; !this.closed; attempt++) {
      try {
        // Through a promise, so that an open() that throws is handled like one that rejects.
        await Promise.resolve().then(() => this.store.open());
      } catch (error) {
        if (this.closed) return;
        if (error instanceof TypeError) {
          // A developer's mistake (a bad option, a missing driver): retrying cannot fix it.
          this.enter('degraded');
          this.options.logger.error(`${this.options.label} cannot be used: ${describeCause(error).cause}`, this.options.meta);
          this.rejectReady(error);
          return;
        }
        this.failed('open', error, true);
        await this.pause(attempt);
        continue;
      }
      // Opened while close() was waiting for this attempt: close() closes it.
      if (this.closed) return;
      this.opened = true;
      this.recovered();
      this.resolveReady();
      return;
    }
  }

  /** Runs a store call once open; watches its outcome for the store's state. */
  private call<T>(work: () => Promise<T>): Promise<T> {
    if (!this.opened || this.closed) return Promise.reject(new ChatError('STORE_UNAVAILABLE'));
    let pending: Promise<T>;
    try {
      pending = work();
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    return pending.then(
      (result) => {
        if (this.state !== 'ok') this.recovered();
        return result;
      },
      (error: unknown) => {
        if (error instanceof ChatError && error.code === 'STORE_UNAVAILABLE' && !this.closed) {
          this.failed('request', error, !this.options.reportsOutages);
          void this.probeUntilBack();
        }
        throw error;
      },
    );
  }

  /** While lost after being up: asks the store something small until it answers again. */
  private async probeUntilBack(): Promise<void> {
    if (this.probing) return;
    this.probing = true;
    try {
      for (let attempt = 0; this.state === 'degraded' && !this.closed; attempt++) {
        await this.pause(attempt);
        if (this.state !== 'degraded' || this.closed) return;
        try {
          await this.store.latest(DEFAULT_ROOM, 1);
          this.recovered();
        } catch (error) {
          debug('the store is still unavailable: %s', describeCause(error).cause);
        }
      }
    } finally {
      this.probing = false;
    }
  }

  private async pause(attempt: number): Promise<void> {
    const wait = sleep(backoffDelay(this.backoff, attempt));
    this.waiting = wait;
    await wait.done;
    if (this.waiting === wait) this.waiting = undefined;
  }

  /** Records a failure: one warning per outage (when `log`), not one per retry. */
  private failed(operation: string, error: unknown, log: boolean): void {
    this.enter('degraded');
    const cause = describeCause(error);
    // The stores wrap the driver's error: its code (ECONNREFUSED, SQLITE_BUSY) is the useful one.
    const inner = (error as { cause?: unknown } | null)?.cause;
    const innerCode = inner === undefined ? undefined : describeCause(inner).code;
    if (innerCode !== undefined) cause.code = innerCode;
    else if (cause.code === 'STORE_UNAVAILABLE') delete cause.code;
    debug('%s failed: %s', operation, cause.cause);
    if (!log || this.warned) return;
    this.warned = true;
    const what = operation === 'open' ? 'cannot be opened' : 'is unavailable';
    this.options.logger.warn(
      `${this.options.label} ${what}: chat requests get STORE_UNAVAILABLE while Chatterbox retries in the background`,
      { ...this.options.meta, operation, ...cause },
    );
  }

  private recovered(): void {
    this.enter('ok');
    if (!this.warned) return;
    this.warned = false;
    const { logger } = this.options;
    const message = `${this.options.label} is available again`;
    if (logger.info) logger.info(message, this.options.meta);
    else logger.warn(message, this.options.meta);
  }

  private enter(state: Exclude<DependencyState, 'off'>): void {
    if (this.state === state) return;
    this.state = state;
    this.since = Date.now();
  }
}
