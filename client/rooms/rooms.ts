/**
 * The page's rooms: the default one (the original page's log and list) and those it joined, each
 * with its own log, user list, outbox and unread count; the one on screen; and re-joining after a
 * reconnect with the greatest id each room's log holds, so no line is shown twice.
 */
import { DEFAULT_ROOM, type ChatMessage, type HistoryAck, type JoinAck } from '../../lib/protocol/payloads';
import type { ClientConfig } from '../config';
import { ACK_TIMEOUT_MS, type ChatSocket } from '../connection';
import { make } from '../dom';
import { isDirectRoom } from '../../lib/protocol/direct-room';
import { foldNick } from '../../lib/protocol/nick';
import { Outbox } from '../outbox';
import { strings } from '../strings';
import type { Attention } from '../attention/attention';
import { LogView } from '../views/log';
import { NicksView } from '../views/nicks';
import type { RoomListView } from '../views/room-list';
import type { StatusView } from '../views/status';
import type { TypingView } from '../views/typing';

/** The default room's name in the protocol. */
export { DEFAULT_ROOM };

interface Room {
  /** As the server spells it (updated from the join ack). */
  name: string;
  readonly log: LogView;
  readonly nicks: NicksView;
  readonly nicksElement: HTMLElement;
  readonly outbox: Outbox;
  unread: number;
  /** The server has this socket in the room. */
  joined: boolean;
  /** The page wants to be in the room (re-joined after every reconnect). */
  wanted: boolean;
  /** A direct conversation: readable without `join`, listed in the direct messages section instead. */
  direct?: { label: string };
}

/** What the rooms act on. */
export interface RoomsParts {
  doc: Document;
  socket: ChatSocket;
  config: ClientConfig;
  status: StatusView;
  typing: TypingView;
  /** Told about others' messages: the title count, favicon, alerts, widget badge. */
  title: Pick<Attention, 'note'>;
  /** Told which room is on screen (the header shows its name and topic). */
  onShow?: (label: string, name: string) => void;
  list: RoomListView;
  /** The rooms region (shown only when the host has rooms). */
  region: HTMLElement;
  /** The default room's parts: the original page's. */
  defaultRoom: { log: LogView; nicks: NicksView; nicksElement: HTMLElement; outbox: Outbox };
}

/** The rooms of the page. */
export class Rooms {
  private readonly rooms = new Map<string, Room>();
  private active = DEFAULT_ROOM;
  private nick: string | null = null;

  constructor(private readonly parts: RoomsParts) {
    const { defaultRoom, config, region } = parts;
    this.rooms.set(DEFAULT_ROOM, { name: DEFAULT_ROOM, ...defaultRoom, unread: 0, joined: true, wanted: true });
    for (const name of config.rooms) this.ensure(name);
    region.hidden = config.rooms.length === 0 && !config.allowUserRooms;
    if (!region.hidden) defaultRoom.log.element.setAttribute('aria-label', strings.rooms.messagesIn(strings.rooms.defaultRoom));
    this.render();
  }

  /** The room on screen, as the protocol names it. */
  get current(): string {
    return this.roomOf(this.active).name;
  }

  /** The log of the room on screen. */
  get currentLog(): LogView {
    return this.roomOf(this.active).log;
  }

  /** The typing hints' key for a room name. */
  static key(name: string): string {
    return foldNick(name);
  }

  /** Sends `text` to the room on screen. */
  submit(text: string, nick: string): void {
    this.roomOf(this.active).outbox.submit(text, nick);
  }

  /** Shows `name` (joining it first when needed). */
  select(name: string): void {
    const room = this.roomOf(name);
    room.wanted = true;
    this.show(room.name);
    if (!room.joined && !room.direct) this.join(room);
  }

  /** Joins (or creates, when the host allows) the room typed by a person. */
  open(typed: string): void {
    const name = typed.trim();
    if (name === '') return;
    this.select(name);
  }

  /** Logged in (again): join every room the page wants to be in. */
  loggedIn(nick: string): void {
    this.nick = nick;
    for (const room of this.rooms.values()) {
      if (room.direct && !room.joined) this.readDirect(room);
      else if (room.wanted && !room.joined) this.join(room);
    }
  }

  /**
   * Shows direct conversation `name` as `label` (the other user's name). A conversation needs no
   * `join`: its log is read with `history({ room })`, now and after every reconnect.
   */
  openDirect(name: string, label: string): void {
    const room = this.roomOf(name);
    const opened = room.direct !== undefined;
    room.direct = { label };
    room.log.element.setAttribute('aria-label', strings.rooms.messagesIn(label));
    this.show(room.name);
    if (!opened && this.nick !== null) this.readDirect(room);
  }

  /** Logged out, or the connection dropped: the server no longer has this page in its rooms. */
  left(): void {
    this.nick = null;
    this.parts.typing.clear();
    for (const room of this.rooms.values()) {
      if (room.name === DEFAULT_ROOM) continue;
      room.joined = false;
      room.outbox.pause();
      room.nicks.setStale(true);
    }
  }

  /** New messages arrived in `room` (its log already holds them); counts them when unseen. */
  noteMessages(name: string, messages: readonly ChatMessage[], added: number): void {
    if (added === 0) return;
    const ownKey = this.nick?.toLowerCase();
    const fromOthers = messages.filter((message) => message.u.toLowerCase() !== ownKey);
    for (const message of messages) this.parts.typing.remove(foldNick(name), message.u);
    if (fromOthers.length === 0) return;
    const label = name === DEFAULT_ROOM ? strings.rooms.defaultRoom : isDirectRoom(name) ? strings.direct.where : name;
    this.parts.title.note(Math.min(added, fromOthers.length), fromOthers, label, this.nick === null ? null : foldNick(this.nick));
    const room = this.rooms.get(foldNick(name));
    if (room && foldNick(name) !== this.active) {
      room.unread += Math.min(added, fromOthers.length);
      this.render();
    }
  }

  /** Runs `change` on every room's log (the default room's included): events that name only a message id. */
  eachLog(change: (log: LogView) => void): void {
    for (const room of this.rooms.values()) change(room.log);
  }

  /** `chat`, `history`, `users`, `enter`, `exit` of a room other than the default. */
  messages(name: string, messages: readonly ChatMessage[], live: boolean): void {
    const room = this.rooms.get(foldNick(name));
    if (!room) {
      // A direct message for a conversation not opened yet still counts in the title and alerts.
      if (live && isDirectRoom(name)) this.noteMessages(name, messages, messages.length);
      return;
    }
    const added = room.log.addMessages(messages);
    if (live) this.noteMessages(name, messages, added);
  }

  /** A change number of room `name` (its history's, or an edit's, reaction's or delete's). */
  seenRev(name: unknown, rev: unknown): void {
    this.rooms.get(foldNick(typeof name === 'string' ? name : DEFAULT_ROOM))?.log.seenRev(rev);
  }

  /** Everyone in a room (sent when this page joined it). */
  users(name: string, nicks: readonly string[]): void {
    this.rooms.get(foldNick(name))?.nicks.replace(nicks);
  }

  /** Someone joined or left a room. */
  presence(name: string, kind: 'enter' | 'exit', nick: string): void {
    const room = this.rooms.get(foldNick(name));
    if (!room) return;
    if (kind === 'enter') room.nicks.add(nick);
    else {
      room.nicks.remove(nick);
      this.parts.typing.remove(foldNick(name), nick);
    }
    room.log.addNotice(kind, nick);
  }

  /** Marks your own lines in every room. */
  setOwnNick(nick: string | null): void {
    for (const room of this.rooms.values()) {
      if (room.name === DEFAULT_ROOM) continue;
      room.log.setOwnNick(nick);
      room.nicks.setOwnNick(nick);
    }
  }

  /** Brings every room's day separators up to date (the default room's log included). */
  refresh(): void {
    for (const room of this.rooms.values()) room.log.refresh();
  }

  /** Removes every listener the rooms' views added. */
  destroy(): void {
    for (const room of this.rooms.values()) if (room.name !== DEFAULT_ROOM) room.log.destroy();
  }

  private join(room: Room): void {
    const { socket, status } = this.parts;
    if (this.nick === null || !socket.connected) {
      status.info(strings.rooms.joinFirstLogIn);
      return;
    }
    const { lastId, lastRev } = room.log;
    status.info(strings.rooms.joining(room.name));
    // With lastRev, the server also replays what changed in the messages this log holds.
    const request = lastId === undefined ? { room: room.name } : { room: room.name, lastId, ...(lastRev !== undefined ? { lastRev } : {}) };
    socket.timeout(ACK_TIMEOUT_MS).emit('join', request, (err: Error | null, ack: JoinAck) => {
      if (err) {
        status.error(strings.noAnswer);
        return;
      }
      if (!ack.ok) {
        status.error(strings.errorMessage(ack.error));
        room.wanted = false;
        if (this.active === foldNick(room.name)) this.show(DEFAULT_ROOM);
        return;
      }
      status.clearMessage();
      room.joined = true;
      room.name = ack.room;
      room.log.element.setAttribute('aria-label', strings.rooms.messagesIn(ack.room));
      if (this.active === foldNick(ack.room)) this.parts.onShow?.(ack.room, ack.room);
      this.render();
      room.nicks.replace(ack.users);
      room.outbox.resume();
    });
  }

  /** Reads a conversation's newest messages into its log (the log drops those it holds). */
  private readDirect(room: Room): void {
    const { socket, status } = this.parts;
    socket.timeout(ACK_TIMEOUT_MS).emit('history', { room: room.name }, (err: Error | null, ack: HistoryAck) => {
      if (err) return status.error(strings.noAnswer);
      if (!ack.ok) return status.error(strings.errorMessage(ack.error));
      room.joined = true;
      room.log.addMessages(ack.messages);
      room.outbox.resume();
    });
  }

  private show(name: string): void {
    const room = this.roomOf(name);
    this.active = foldNick(room.name);
    room.unread = 0;
    for (const other of this.rooms.values()) {
      const visible = other === room;
      other.log.element.hidden = !visible;
      other.nicksElement.hidden = !visible;
    }
    room.log.scrollToEnd();
    this.parts.typing.show(this.active);
    this.parts.onShow?.(room.name === DEFAULT_ROOM ? strings.rooms.defaultRoom : (room.direct?.label ?? room.name), room.name);
    this.render();
  }

  private roomOf(name: string): Room {
    return this.rooms.get(foldNick(name)) ?? this.ensure(name);
  }

  /** The room called `name`, created (with its own log and list, hidden) when new to the page. */
  private ensure(name: string): Room {
    const existing = this.rooms.get(foldNick(name));
    if (existing) return existing;
    const { doc, socket, defaultRoom } = this.parts;
    const logElement = make(doc, 'div', 'cb-log');
    logElement.setAttribute('role', 'log');
    logElement.setAttribute('aria-live', 'polite');
    logElement.setAttribute('aria-label', strings.rooms.messagesIn(name));
    logElement.tabIndex = 0;
    logElement.hidden = true;
    logElement.dataset['room'] = name;
    const lastLog = [...this.rooms.values()].at(-1)?.log.element ?? defaultRoom.log.element;
    lastLog.after(logElement);
    const nicksElement = make(doc, 'ul', 'cb-nicks');
    nicksElement.setAttribute('aria-label', strings.rooms.usersIn(name));
    nicksElement.hidden = true;
    nicksElement.dataset['room'] = name;
    ([...this.rooms.values()].at(-1)?.nicksElement ?? defaultRoom.nicksElement).after(nicksElement);
    const marker = doc.getElementById('chat-new');
    // The log and the outbox refer to each other, and the outbox to the room's final spelling.
    const late: { outbox?: Outbox; room?: Room } = {};
    const log = new LogView(logElement, (cid) => late.outbox?.retry(cid), marker instanceof HTMLButtonElement ? marker : null);
    const outbox = new Outbox(
      (request, done) => socket.timeout(ACK_TIMEOUT_MS).emit('chat', { ...request, room: late.room?.name ?? name }, (err, ack) => done(err, ack)),
      log,
    );
    const nicks = new NicksView(nicksElement);
    log.setOwnNick(this.nick);
    nicks.setOwnNick(this.nick);
    const room: Room = { name, log, nicks, nicksElement, outbox, unread: 0, joined: false, wanted: false };
    Object.assign(late, { outbox, room });
    this.rooms.set(foldNick(name), room);
    this.render();
    return room;
  }

  private render(): void {
    const entries = [...this.rooms.values()].filter((room) => !room.direct).map((room) => ({
      name: foldNick(room.name),
      label: room.name === DEFAULT_ROOM ? strings.rooms.defaultRoom : room.name,
      unread: room.unread,
    }));
    this.parts.list?.render(entries, this.active);
  }
}
