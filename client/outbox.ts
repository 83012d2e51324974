/**
 * Your messages on their way to the server: shown at once, sent one at a time in order, each
 * with a `cid` so a retry after a timeout or a reconnect is never stored twice.
 */
import type { ChatAck, ChatRequest } from '../lib/protocol/payloads';
import { newClientId } from './client-id';
import { strings } from './strings';
import type { PendingState } from './views/log';

/** What the outbox shows of each message (the log view). */
export interface OutboxView {
  addPending(cid: string, text: string, nick: string, state: PendingState): void;
  setPendingState(cid: string, state: PendingState): void;
  markDelivered(cid: string, id: number): void;
  markFailed(cid: string, reason: string): void;
}

/** Sends one request; `done` gets an error for a timeout or a lost connection, else the ack. */
export type SendChat = (request: ChatRequest, done: (err: Error | null, ack?: ChatAck) => void) => void;

interface Entry {
  readonly cid: string;
  readonly m: string;
  state: 'waiting' | 'sending' | 'failed';
}

/** The queue of messages not yet stored by the server. */
export class Outbox {
  private readonly entries: Entry[] = [];
  private ready = false;
  private inFlight: Entry | null = null;

  constructor(
    private readonly send: SendChat,
    private readonly view: OutboxView,
  ) {}

  /** Queues a message written by `nick` and shows it as pending. */
  submit(text: string, nick: string): void {
    const entry: Entry = { cid: newClientId(), m: text, state: 'waiting' };
    this.entries.push(entry);
    this.view.addPending(entry.cid, text, nick, this.ready ? 'sending' : 'waiting');
    this.pump();
  }

  /** Connected and logged in: send what is waiting. */
  resume(): void {
    this.ready = true;
    this.pump();
  }

  /** Disconnected or logged out: hold everything until {@link resume}. */
  pause(): void {
    this.ready = false;
    // The message in flight reports itself when its ack fails.
    for (const entry of this.entries) {
      if (entry.state === 'waiting') this.view.setPendingState(entry.cid, 'waiting');
    }
  }

  /** Sends a refused message again (same `cid`: the server stored nothing for it). */
  retry(cid: string): void {
    const entry = this.entries.find((candidate) => candidate.cid === cid);
    if (entry?.state !== 'failed') return;
    entry.state = 'waiting';
    this.view.setPendingState(cid, this.ready ? 'sending' : 'waiting');
    this.pump();
  }

  private pump(): void {
    if (!this.ready || this.inFlight) return;
    const entry = this.entries.find((candidate) => candidate.state === 'waiting');
    if (!entry) return;
    entry.state = 'sending';
    this.inFlight = entry;
    this.view.setPendingState(entry.cid, 'sending');
    this.send({ m: entry.m, cid: entry.cid }, (err, ack) => this.settle(entry, err, ack));
  }

  private settle(entry: Entry, err: Error | null, ack: ChatAck | undefined): void {
    if (this.inFlight === entry) this.inFlight = null;
    // A late ack for an attempt already settled by another.
    if (!this.entries.includes(entry) || entry.state !== 'sending') {
      this.pump();
      return;
    }
    if (err || !ack) {
      // Timed out or disconnected: the server may or may not have it; the cid makes resending safe.
      entry.state = 'waiting';
      this.view.setPendingState(entry.cid, 'waiting');
    } else if (ack.ok) {
      this.entries.splice(this.entries.indexOf(entry), 1);
      this.view.markDelivered(entry.cid, ack.id);
    } else if (ack.error.code === 'NOT_LOGGED_IN') {
      // The server lost our login (a restart): wait for the next `session` or `login`.
      entry.state = 'waiting';
      this.ready = false;
      this.view.setPendingState(entry.cid, 'waiting');
    } else {
      entry.state = 'failed';
      this.view.markFailed(entry.cid, strings.errorMessage(ack.error));
    }
    this.pump();
  }
}
