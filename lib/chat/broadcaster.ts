/**
 * The one place that sends room-wide events, so that rooms, batching, welcomes and clusters change
 * how events travel without touching the handlers. It delivers to this node's sockets only and
 * hands each event to the cluster's bus, whose other nodes deliver it to theirs through this same
 * path: every line a socket receives passes here, which is what lets a welcome be exactly-once
 * (see {@link Broadcaster.hold}) and a gap repair send each socket only what it lacks.
 *
 * Each room has two audiences: clients that said they understand `batch` frames (coalesced under
 * load by the EventBatcher) and the others (one event per frame, as the original protocol's
 * clients expect). Each audience is split again by whether its clients asked for presence digests:
 * `enter` and `exit` go only to the part that did not (the others hear of presence through the
 * {@link PresenceWindow}). Every socket is in exactly one of the four parts, so no broadcast ever
 * needs `except` of a whole part (Socket.IO would expand it into a set per event: quadratic in a storm).
 *
 * In the default room a socket that takes `enter`/`exit` starts in a fifth or sixth part, waiting
 * to be told who is here ({@link hearPresence}): until then it gets everything but `enter`/`exit`,
 * which the list it is then sent covers. In a join storm the original protocol's
 * clients would otherwise hear every login from the moment they connect, not from their own: on
 * 1,000 arrivals, 854k presence frames instead of the 500k of Socket.IO's chat example.
 */
import type { BatchedEvent } from '../protocol/events';
import { DEFAULT_ROOM, SYSTEM_NICK, type ChangeStamp, type ChatMessage, type EditNotice, type ModerationUpdate, type PresenceDigest, type ReactionsNotice, type ReadRequest } from '../protocol/payloads';
import { Deliveries } from './deliveries';
import { NO_BUS, type EventBus } from './event-bus';
import { EventBatcher } from './event-batcher';
import { PresenceWindow } from './presence-window';
import type { ChatNamespace, ChatSocket } from './socket-types';

/** The Socket.IO room that carries a chat room's events: everyone in it. */
export function roomChannel(room: string): string {
  return `room:${room}`;
}

/** The Socket.IO room every moderator's socket joins: where moderation updates go. */
export const MODERATORS_CHANNEL = 'moderators';

/** The part of a room's audience that reads `batch` frames and takes `enter`/`exit`. */
function batchChannel(room: string): string {
  return `batch:${room}`;
}

/** The part of a room's audience that wants one event per frame and takes `enter`/`exit`. */
function plainChannel(room: string): string {
  return `plain:${room}`;
}

/** The part that reads `batch` frames and takes presence digests instead of `enter`/`exit`. */
function batchDigestChannel(room: string): string {
  return `batch-digest:${room}`;
}

/** The part that wants one event per frame and takes presence digests instead of `enter`/`exit`. */
function plainDigestChannel(room: string): string {
  return `plain-digest:${room}`;
}

/** The part of the default room's audience that will take `enter`/`exit` once its welcome reads who is here. */
function awaitingChannel(batch: boolean): string {
  return batch ? `batch-awaiting:${DEFAULT_ROOM}` : `plain-awaiting:${DEFAULT_ROOM}`;
}

/** Whether `socket` receives `enter` and `exit` in `room`. */
function hearsPresence(socket: ChatSocket, room: string): boolean {
  return socket.data.digest !== true && (room !== DEFAULT_ROOM || socket.data.hearsPresence === true);
}

/** The one part of `room`'s audience `socket` belongs to. */
function partOf(socket: ChatSocket, room: string): string {
  const batch = socket.data.batch === true;
  if (socket.data.digest === true) return batch ? batchDigestChannel(room) : plainDigestChannel(room);
  if (!hearsPresence(socket, room)) return awaitingChannel(batch);
  return batch ? batchChannel(room) : plainChannel(room);
}

/** The parts of `room`'s audience that take everything but `enter`/`exit`. */
function withoutPresence(room: string, batch: boolean): string[] {
  const digest = batch ? batchDigestChannel(room) : plainDigestChannel(room);
  return room === DEFAULT_ROOM ? [digest, awaitingChannel(batch)] : [digest];
}

/** True for `enter` and `exit`, which digest clients never receive. */
function isPresence(event: BatchedEvent): boolean {
  return event[0] === 'enter' || event[0] === 'exit';
}

/** How digest presence is counted and how long its changes are coalesced. */
export interface PresenceDigestSettings {
  /** `presenceWindowMs`. */
  windowMs: number;
  /** How many are in `room` now. */
  count(room: string): Promise<number>;
}

/** The message id a chat event carries, if it is a stored message. */
function chatId(event: BatchedEvent): number | undefined {
  if (event[0] !== 'chat') return undefined;
  const id = (event[1] as Partial<ChatMessage> | undefined)?.id;
  return typeof id === 'number' ? id : undefined;
}

/** Whether `event` is an edit, reactions or delete of a message of `room` numbered at most `rev`. */
function changeOf(event: BatchedEvent, room: string, rev: number): boolean {
  if (event[0] !== 'edit' && event[0] !== 'reactions' && event[0] !== 'delete') return false;
  const change = event[1] as { rev?: unknown; room?: unknown } | undefined;
  return typeof change?.rev === 'number' && change.rev <= rev && (change.room ?? DEFAULT_ROOM) === room;
}

// How long after its history a socket's live lines are checked against it: a live copy of a line
// the history carried (stored on any node just before the read) arrives within milliseconds.
const RECENT_MS = 10_000;

// Typed emit for events whose arguments were assembled as a list.
type LooseEmit = (event: string, ...args: unknown[]) => boolean;

/** Sends chat-wide events to every socket of a room: this node's directly, the others' through the bus. */
export class Broadcaster {
  /** What each local socket has received. */
  readonly deliveries = new Deliveries();
  private readonly batcher: EventBatcher;
  private readonly inFlight = new Set<Promise<unknown>>();
  /** Each room's local sockets (the Socket.IO rooms mirror this; this copy is what we iterate). */
  private readonly audiences = new Map<string, Set<ChatSocket>>();
  /** Sockets whose welcome (or join) is running, with the events held for them meanwhile. */
  // `joining`: held for a `join` (its room's history), not for the welcome at connection.
  private readonly welcoming = new Map<string, { socket: ChatSocket; held: BatchedEvent[]; joining: boolean }>();
  /** Sockets whose history went out lately: a live copy of one of its lines may still come. */
  // `known`: the client said it holds every line up to this id (its reconnect's lastId).
  private readonly recent = new Map<string, { socket: ChatSocket; until: number; known: number }>();
  private readonly presenceWindow: PresenceWindow | undefined;
  /** One `disconnect` listener for every socket (called with `this` the socket), not a closure each. */
  private readonly forgetThis = ((broadcaster: Broadcaster) =>
    function forgetOnDisconnect(this: ChatSocket): void {
      broadcaster.forget(this);
    })(this);

  /**
   * `batchWindowMs`: how long a busy room's events may be held to share a frame (0: never);
   * `bus`: how the other nodes of a cluster hear this node's events; `digests`: how digest
   * clients' presence is counted and coalesced (none: digest clients hear no presence changes).
   */
  constructor(
    private readonly namespace: ChatNamespace,
    batchWindowMs = 0,
    private readonly bus: EventBus = NO_BUS,
    digests?: PresenceDigestSettings,
  ) {
    this.presenceWindow =
      digests &&
      new PresenceWindow(digests.windowMs, {
        count: (room) => digests.count(room),
        listening: (room) => {
          for (const socket of this.audiences.get(room) ?? []) if (socket.data.digest === true) return true;
          return false;
        },
        send: (room, digest) => this.presenceLocal(room, digest),
      });
    this.batcher = new EventBatcher(
      {
        sendOne: (room, event) => this.emitLocal(room, true, [event], false),
        sendBatch: (room, events) => this.emitLocal(room, true, events, true),
      },
      batchWindowMs,
    );
    bus.subscribe((message) => {
      if (message.type === 'event') this.deliver(message.room, message.event);
      else if (message.type === 'typing') this.typingLocal(undefined, message.nick, message.room);
      else if (message.type === 'moderation') this.namespace.local.to(MODERATORS_CHANNEL).emit('moderation', message.update);
    });
  }

  /** Puts a socket in a room's audience. */
  join(socket: ChatSocket, room: string = DEFAULT_ROOM): void {
    let audience = this.audiences.get(room);
    if (audience === undefined) {
      audience = new Set();
      this.audiences.set(room, audience);
    }
    if (room === DEFAULT_ROOM) socket.on('disconnect', this.forgetThis);
    if (!audience.has(socket)) this.deliveries.joined(socket.id, room);
    audience.add(socket);
    void socket.join([roomChannel(room), partOf(socket, room)]);
  }

  /**
   * A socket is about to be told who is here (its login's list, or a reader's at its welcome):
   * from now on it hears the default room's `enter` and `exit`; what came before is in that list.
   * Digest clients never do.
   */
  hearPresence(socket: ChatSocket): void {
    if (socket.data.digest === true || socket.data.hearsPresence === true) return;
    const awaiting = partOf(socket, DEFAULT_ROOM);
    socket.data.hearsPresence = true;
    if (!this.audiences.get(DEFAULT_ROOM)?.has(socket)) return;
    void socket.leave(awaiting);
    void socket.join(partOf(socket, DEFAULT_ROOM));
  }

  /** Takes a socket out of a room's audience. */
  leave(socket: ChatSocket, room: string): void {
    this.audiences.get(room)?.delete(socket);
    void socket.leave(roomChannel(room));
    void socket.leave(partOf(socket, room));
  }

  /** The rooms that have local sockets, for the gap repair. */
  rooms(): string[] {
    return [...this.audiences.keys()].filter((room) => (this.audiences.get(room)?.size ?? 0) > 0);
  }

  /**
   * Starts a socket's welcome: from now until {@link release}, the room-wide events meant for it
   * are kept aside instead of sent, so that its `history` goes first. `joining`: for a `join`'s
   * history rather than the welcome at connection (presence digests still reach it).
   */
  hold(socket: ChatSocket, joining = false): void {
    if (!this.welcoming.has(socket.id)) this.welcoming.set(socket.id, { socket, held: [], joining });
  }

  /**
   * Ends a socket's welcome (or a join): runs `first` (which emits `history`), records `history`'s
   * messages as received (`covered`: the id its history of `room` reached; undefined when none was
   * sent), then sends what was held, except messages the history already carried or the client
   * already held (`known`: its reconnect's lastId, so every line up to it), and changes of `room`
   * numbered up to `caughtUpRev` (what `first` sent already shows them: a held copy would repeat one).
   */
  release(
    socket: ChatSocket,
    first: () => void,
    history: readonly ChatMessage[],
    covered: number | undefined,
    room: string = DEFAULT_ROOM,
    known = 0,
    caughtUpRev = 0,
  ): void {
    const held = this.welcoming.get(socket.id)?.held ?? [];
    this.welcoming.delete(socket.id);
    first();
    for (const message of history) this.deliveries.received(socket.id, message.id);
    if (covered !== undefined) this.deliveries.covered(socket.id, room, covered);
    if (history.length > 0 || known > 0) this.recent.set(socket.id, { socket, until: Date.now() + RECENT_MS, known });
    const emit = socket.emit.bind(socket) as LooseEmit;
    for (const event of held) {
      // Its welcome's list covers these (digest clients never take them).
      if (isPresence(event) && !hearsPresence(socket, room)) continue;
      const id = chatId(event);
      if (id !== undefined && this.already(socket.id, id)) continue;
      if (caughtUpRev > 0 && changeOf(event, room, caughtUpRev)) continue;
      const [name, ...args] = event;
      emit(name, ...args);
    }
  }

  /** Sends `messages` of `room`'s log to each local socket there that lacks them (after a Redis outage). */
  repair(room: string, log: readonly ChatMessage[]): number {
    let sent = 0;
    for (const socket of this.audiences.get(room) ?? []) {
      if (this.welcoming.has(socket.id)) continue;
      for (const message of this.deliveries.missing(socket.id, room, log)) {
        this.deliveries.received(socket.id, message.id);
        socket.emit('chat', message);
        sent++;
      }
    }
    return sent;
  }

  /** A stored message, to everyone in its room (the author included). */
  chat(message: ChatMessage): void {
    this.send(message.room ?? DEFAULT_ROOM, ['chat', message]);
  }

  /** A stored message, to one audience (used for a direct conversation's participants). */
  chatTo(audience: string, message: ChatMessage): void {
    this.send(audience, ['chat', message]);
  }

  /** A user read a conversation up to an id: to their own audience, so every tab on every node clears its badge. */
  readTo(audience: string, notice: ReadRequest): void {
    this.send(audience, ['read', notice]);
  }

  /** Someone logged in. */
  enter(nick: string): void {
    this.send(DEFAULT_ROOM, ['enter', nick]);
  }

  /** Someone left or renamed. */
  exit(nick: string): void {
    this.send(DEFAULT_ROOM, ['exit', nick]);
  }

  /** Someone joined a room other than the default (the joiner included). */
  enterRoom(nick: string, room: string): void {
    this.send(room, ['enter', nick, { room }]);
  }

  /** Someone left a room other than the default, renamed or disconnected. */
  exitRoom(nick: string, room: string): void {
    this.send(room, ['exit', nick, { room }]);
  }

  /**
   * A message was removed, whatever its room: sent through the default room, which every socket
   * is in, and in order after the message, so no page keeps a deleted line (a direct
   * conversation's through each of its users' own audience instead, as its messages went).
   */
  deleted(id: number, stamp: ChangeStamp = {}, audience: string = DEFAULT_ROOM): void {
    this.send(audience, ['delete', { id, ...stamp }]);
  }

  /** A moderation action or a report, to the moderators only (sockets in {@link MODERATORS_CHANNEL}). */
  moderators(update: ModerationUpdate): void {
    this.namespace.local.to(MODERATORS_CHANNEL).emit('moderation', update);
    this.bus.publish({ type: 'moderation', update });
  }

  /** Its author edited a message: to everyone in its room. */
  edited(room: string, notice: EditNotice): void {
    this.send(room, ['edit', notice]);
  }

  /** A message's reactions changed: its counts, to everyone in its room. */
  reactionsChanged(room: string, notice: ReactionsNotice): void {
    this.send(room, ['reactions', notice]);
  }

  /** A SYSTEM line from the host, to everyone in the default room. */
  system(text: string): void {
    this.send(DEFAULT_ROOM, ['chat', { u: SYSTEM_NICK, m: text }]);
  }

  /** Someone is typing in a room: to everyone there but the typist's socket (a hint: never held). */
  typing(socket: ChatSocket, nick: string, room: string): void {
    this.typingLocal(socket.id, nick, room);
    this.bus.publish({ type: 'typing', room, nick });
  }

  /** Runs a store-then-broadcast step, remembered until it ends (see {@link settled}). */
  track<T>(step: () => Promise<T>): Promise<T> {
    const running = step();
    this.inFlight.add(running);
    const forget = (): void => {
      this.inFlight.delete(running);
    };
    running.then(forget, forget);
    return running;
  }

  /** Resolves once every step tracked before this call has stored and broadcast (or failed). */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }

  /** Sends what is held and stops the batcher's timers. */
  close(): void {
    this.batcher.flushAll();
    this.batcher.close();
    this.presenceWindow?.close();
  }

  private send(room: string, event: BatchedEvent): void {
    this.deliver(room, event);
    this.bus.publish({ type: 'event', room, event });
  }

  /** Delivers a room-wide event (said here or on another node) to this node's sockets. */
  private deliver(room: string, event: BatchedEvent): void {
    const id = chatId(event);
    if (id !== undefined) this.deliveries.delivered(room, id);
    this.emitLocal(room, false, [event], false);
    this.batcher.push(room, event);
    if (isPresence(event) && typeof event[1] === 'string') this.presenceWindow?.note(room, event[1], event[0] === 'enter');
  }

  /**
   * A window's presence digest, to this node's digest clients in `room`; not to those being
   * welcomed at connection (`history` goes first, and their snapshot, read after it, follows).
   * A socket held for a `join` gets it: nothing else would tell it of these changes.
   */
  private presenceLocal(room: string, digest: PresenceDigest): void {
    const to = this.namespace.local.to([plainDigestChannel(room), batchDigestChannel(room)]);
    const except: string[] = [];
    for (const [socketId, { joining }] of this.welcoming) if (!joining) except.push(socketId);
    (except.length > 0 ? to.except(except) : to).emit('presence', digest);
  }

  /**
   * Emits `events` to one audience of `room` on this node: held for sockets being welcomed,
   * filtered for sockets whose history already carried one of the messages, broadcast to the rest.
   * Only those few sockets are looked at one by one; the broadcast itself is Socket.IO's.
   */
  private emitLocal(room: string, batchAudience: boolean, events: BatchedEvent[], asBatch: boolean): void {
    const audience = this.audiences.get(room);
    if (audience === undefined || audience.size === 0) return;
    const inAudience = (socket: ChatSocket): boolean => audience.has(socket) && (socket.data.batch === true) === batchAudience;
    const except: string[] = [];
    for (const { socket, held } of this.welcoming.values()) {
      if (!inAudience(socket)) continue;
      // Digest clients' held events skip `enter`/`exit` when released (see release).
      held.push(...events);
      except.push(socket.id);
    }
    const ids = events.map(chatId).filter((id): id is number => id !== undefined);
    if (ids.length > 0 && this.recent.size > 0) {
      const now = Date.now();
      for (const [socketId, { socket, until }] of this.recent) {
        if (until < now) {
          this.recent.delete(socketId);
          continue;
        }
        if (!inAudience(socket) || this.welcoming.has(socketId) || !ids.some((id) => this.already(socketId, id))) continue;
        // Rare (a live copy of a line its history held): this socket gets its own, filtered copy.
        except.push(socketId);
        this.emitFiltered(socket, room, events, asBatch);
      }
    }
    const full = batchAudience ? batchChannel(room) : plainChannel(room);
    const rest = withoutPresence(room, batchAudience);
    const everyone = [full, ...rest];
    const to = (channels: string | string[]) => (except.length > 0 ? this.namespace.local.to(channels).except(except) : this.namespace.local.to(channels));
    if (!events.some(isPresence)) {
      const all = to(everyone);
      if (asBatch) all.emit('batch', events);
      else for (const [name, ...args] of events) (all.emit as LooseEmit)(name, ...args);
      return;
    }
    // `enter`/`exit` skip digest clients and those awaiting their list; in a batch, those get the same batch without them.
    if (!asBatch) {
      for (const event of events) {
        const [name, ...args] = event;
        (to(isPresence(event) ? full : everyone).emit as LooseEmit)(name, ...args);
      }
      return;
    }
    to(full).emit('batch', events);
    const others = events.filter((event) => !isPresence(event));
    if (others.length > 0) to(rest).emit('batch', others);
  }

  private emitFiltered(socket: ChatSocket, room: string, events: BatchedEvent[], asBatch: boolean): void {
    const kept = events.filter((event) => {
      if (isPresence(event) && !hearsPresence(socket, room)) return false;
      const id = chatId(event);
      return id === undefined || !this.already(socket.id, id);
    });
    if (kept.length === 0) return;
    if (asBatch) socket.emit('batch', kept);
    else for (const [name, ...args] of kept) (socket.emit.bind(socket) as LooseEmit)(name, ...args);
  }

  private typingLocal(typist: string | undefined, nick: string, room: string): void {
    const except = [...this.welcoming.keys()];
    if (typist !== undefined) except.push(typist);
    const to = this.namespace.local.to(roomChannel(room)).except(except);
    if (room === DEFAULT_ROOM) to.emit('typing', nick);
    else to.emit('typing', nick, { room });
  }

  /** Whether the socket already has message `id`: from its history, a repair, or before its reconnect. */
  private already(socketId: string, id: number): boolean {
    return this.deliveries.has(socketId, id) || id <= (this.recent.get(socketId)?.known ?? 0);
  }

  private forget(socket: ChatSocket): void {
    for (const audience of this.audiences.values()) audience.delete(socket);
    this.welcoming.delete(socket.id);
    this.recent.delete(socket.id);
    this.deliveries.forget(socket.id);
  }
}
