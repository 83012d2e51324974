/**
 * The page's direct messages: the side panel's list of conversations (from `conversations` after
 * every sign-in and reconnect, kept current by live `chat` and `read` events), marking the open
 * conversation read while the page is visible, and a "Message" button beside each person.
 */
import { isDirectRoom } from '../../lib/protocol/direct-room';
import { foldNick } from '../../lib/protocol/nick';
import { DEFAULT_ROOM, UNREAD_CAP, type ChatAck, type ChatMessage, type ConversationSummary, type ConversationsAck, type ReadRequest } from '../../lib/protocol/payloads';
import { ACK_TIMEOUT_MS, type ChatSocket } from '../connection';
import type { Rooms } from '../rooms/rooms';
import { strings } from '../strings';
import type { StatusView } from '../views/status';
import { DirectListView } from '../views/direct-list';

/** What the direct messages act on; `region` and `list` absent: a customised page without the section. */
export interface DirectParts {
  doc: Document;
  socket: ChatSocket;
  rooms: Rooms;
  status: StatusView;
  /** The section (hidden for guests and when the host turned direct messages off). */
  region: HTMLElement | null;
  list: HTMLElement | null;
  /** The people list the "Message" buttons are added to. */
  people: HTMLElement;
  /** Whether the rooms list is on screen; when not, the section offers the way back to the main room. */
  roomsShown: () => boolean;
}

/** A signed-in page's conversations. */
export class DirectMessages {
  private readonly conversations = new Map<string, ConversationSummary>();
  private readonly view: DirectListView | undefined;
  private readonly observer: MutationObserver | undefined;
  private ownKey: string | null = null;
  private active = DEFAULT_ROOM;
  /** Whether the server lists conversations for this page (signed in, direct messages on). */
  private enabled = false;

  constructor(private readonly parts: DirectParts) {
    const { doc, list, people } = parts;
    if (list) this.view = new DirectListView(list, UNREAD_CAP, (room) => this.open(room));
    // The people list is redrawn by its own view; each redraw gets its buttons back from here.
    const Observer = doc.defaultView?.MutationObserver;
    if (Observer) {
      this.observer = new Observer(() => this.decoratePeople());
      this.observer.observe(people, { childList: true });
    }
    people.addEventListener('click', this.handlePeopleClick);
    doc.addEventListener('visibilitychange', this.handleVisibility);
  }

  /** The session: `identified` pages list their conversations (again, after each reconnect); others hide the section. */
  session(nick: string | null, identified: boolean): void {
    this.ownKey = nick === null ? null : foldNick(nick);
    if (nick === null || !identified) {
      this.enabled = false;
      this.conversations.clear();
      this.render();
      return;
    }
    this.load();
  }

  /** A message of any room arrived live: a conversation's moves to the top and counts when unseen. */
  arrived(message: ChatMessage): void {
    const room = message.room;
    if (!this.enabled || !isDirectRoom(room)) return;
    const own = foldNick(message.u) === this.ownKey;
    const known = this.conversations.get(room);
    if (!known) {
      // A conversation started in another tab (or by this one): its other user's name comes with the list.
      if (own) return this.load();
      this.conversations.set(room, { room, with: message.u, lastId: message.id, lastTs: message.ts, unread: 1 });
    } else {
      known.lastId = Math.max(known.lastId, message.id);
      known.lastTs = message.ts;
      // Writing means having read: the server moved this user's marker to their own message.
      if (own) known.unread = 0;
      else {
        known.with = message.u;
        known.unread += 1;
      }
    }
    if (!own && this.isSeen(room)) this.markRead(room);
    this.render();
  }

  /** Another tab (or this one) read a conversation: clear its badge when it is read to the end. */
  read(notice: ReadRequest): void {
    const known = this.conversations.get(notice.room);
    if (!known) return;
    if (notice.id >= known.lastId) known.unread = 0;
    else this.load();
    this.render();
  }

  /** Which room is on screen: a conversation shown while the page is visible is read. */
  shown(room: string): void {
    this.active = room;
    if (this.isSeen(room)) this.markRead(room);
    this.render();
  }

  /** Opens a conversation from the list. */
  open(room: string): void {
    if (room === DEFAULT_ROOM) {
      this.parts.rooms.select(DEFAULT_ROOM);
      return;
    }
    const known = this.conversations.get(room);
    if (known) this.parts.rooms.openDirect(room, known.with);
  }

  /** Stops observing and removes every listener this added. */
  destroy(): void {
    this.observer?.disconnect();
    this.view?.destroy();
    this.parts.people.removeEventListener('click', this.handlePeopleClick);
    this.parts.doc.removeEventListener('visibilitychange', this.handleVisibility);
  }

  private load(): void {
    const { socket } = this.parts;
    socket.timeout(ACK_TIMEOUT_MS).emit('conversations', (err: Error | null, ack: ConversationsAck) => {
      // Guests, and chats with direct messages off (or servers that predate the list), never show the section.
      const listed = err || !ack.ok ? undefined : conversationsOf(ack.conversations);
      if (listed === undefined) {
        this.enabled = false;
        this.render();
        return;
      }
      this.enabled = true;
      this.conversations.clear();
      for (const conversation of listed) this.conversations.set(conversation.room, conversation);
      if (this.isSeen(this.active)) this.markRead(this.active);
      this.render();
    });
  }

  private markRead(room: string): void {
    const known = this.conversations.get(room);
    if (!known || known.unread === 0) return;
    known.unread = 0;
    // A refusal leaves the badge cleared here; the next list (a reconnect) shows the server's count.
    this.parts.socket.emit('read', { room, id: known.lastId }, () => undefined);
  }

  /** True when `room` is a conversation on screen in a visible page. */
  private isSeen(room: string): boolean {
    return isDirectRoom(room) && room === this.active && this.parts.doc.visibilityState === 'visible';
  }

  private render(): void {
    const { region } = this.parts;
    if (region) region.hidden = !this.enabled;
    this.decoratePeople();
    if (!this.view || !this.enabled) return;
    const entries = [...this.conversations.values()]
      .sort((a, b) => b.lastId - a.lastId)
      .map((conversation) => ({ room: conversation.room, label: conversation.with, unread: conversation.unread }));
    // Without a room list on screen, the section is the way back to the main room.
    if (isDirectRoom(this.active) && !this.parts.roomsShown()) entries.unshift({ room: DEFAULT_ROOM, label: strings.rooms.defaultRoom, unread: 0 });
    this.view.render(entries, this.active);
  }

  /** Adds a "Message" button to each other person in the list (signed-in pages only). */
  private decoratePeople(): void {
    const { doc, people } = this.parts;
    for (const item of people.querySelectorAll<HTMLElement>('li[data-nick]')) {
      const nick = item.dataset['nick'] ?? '';
      const existing = item.querySelector('.cb-dm-action');
      const wanted = this.enabled && !item.classList.contains('own') && foldNick(nick) !== this.ownKey;
      if (!wanted) {
        existing?.remove();
        continue;
      }
      if (existing) continue;
      // No text of its own (CSS draws it), so the item's text stays the bare name.
      const button = doc.createElement('button');
      button.type = 'button';
      button.className = 'cb-dm-action';
      button.dataset['dm'] = nick;
      button.setAttribute('aria-label', strings.direct.messageAction(nick));
      item.append(button);
    }
  }

  /** "Message bob": opens the conversation with bob, or starts it with a first message. */
  private readonly handlePeopleClick = (event: MouseEvent): void => {
    const target = event.target instanceof Element ? event.target : null;
    const nick = target?.closest<HTMLElement>('button.cb-dm-action')?.dataset['dm'];
    if (nick === undefined) return;
    const existing = [...this.conversations.values()].find((conversation) => foldNick(conversation.with) === foldNick(nick));
    if (existing) return this.open(existing.room);
    const text = this.parts.doc.defaultView?.prompt(strings.direct.firstMessagePrompt(nick));
    if (text === null || text === undefined || text.trim() === '') return;
    this.parts.socket.timeout(ACK_TIMEOUT_MS).emit('chat', { m: text, to: nick }, (err: Error | null, ack: ChatAck) => {
      if (err) return this.parts.status.error(strings.noAnswer);
      if (!ack.ok) return this.parts.status.error(strings.errorMessage(ack.error));
      // The list learns the conversation's room and name; then it opens.
      this.parts.socket.timeout(ACK_TIMEOUT_MS).emit('conversations', (listErr: Error | null, list: ConversationsAck) => {
        const listed = listErr || !list.ok ? undefined : conversationsOf(list.conversations);
        if (listed === undefined) return;
        for (const conversation of listed) this.conversations.set(conversation.room, conversation);
        const started = listed.find((conversation) => conversation.lastId >= ack.id);
        this.render();
        if (started) this.open(started.room);
      });
    });
  };

  private readonly handleVisibility = (): void => {
    if (this.isSeen(this.active)) {
      this.markRead(this.active);
      this.render();
    }
  };
}

/** The well-formed entries of a `conversations` answer; undefined when it holds no list at all. */
function conversationsOf(value: unknown): ConversationSummary[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value.filter(
    (entry: Partial<ConversationSummary> | null): entry is ConversationSummary =>
      typeof entry === 'object' && entry !== null && isDirectRoom(entry.room) && typeof entry.with === 'string' &&
      Number.isSafeInteger(entry.lastId) && Number.isSafeInteger(entry.unread),
  );
}
