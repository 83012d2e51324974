/** The typed Socket.IO events of the chat namespace, one interface per direction. */
import type {
  BlockAck,
  BlockRequest,
  ChatAck,
  ChatLine,
  ChatMessage,
  ChatRequest,
  ConversationsAck,
  DeleteNotice,
  DeleteRequest,
  EditAck,
  EditNotice,
  EditRequest,
  ReactAck,
  ReactionsNotice,
  ReactRequest,
  ReadAck,
  ReadRequest,
  SearchAck,
  SearchRequest,
  HistoryAck,
  HistoryMeta,
  HistoryRequest,
  JoinAck,
  JoinRequest,
  LeaveAck,
  LoginAck,
  PeopleAck,
  PeopleRequest,
  PresenceDigest,
  RoomRef,
  ModerationAck,
  ModerationPanelAck,
  ModerationUpdate,
  ReportAck,
  ReportRequest,
  UnsanctionRequest,
  SanctionRequest,
  SessionInfo,
  TypingRequest,
} from './payloads';

/** Events a client emits. Every ack is optional except `history`'s, which is the point of it. */
export interface ClientToServerEvents {
  /** Set or change the nickname. */
  login: (nick: string, ack?: (result: LoginAck) => void) => void;
  /** Send a message, as a bare string (the original form) or as `{ m, cid }`. */
  chat: (message: string | ChatRequest, ack?: (result: ChatAck) => void) => void;
  /** Page back through older messages. */
  history: (request: HistoryRequest, ack: (result: HistoryAck) => void) => void;
  /** Join a room other than the default (logged in only): `history`, `users` and `enter` follow. */
  join: (room: string | JoinRequest, ack?: (result: JoinAck) => void) => void;
  /** Leave a joined room. */
  leave: (room: string, ack?: (result: LeaveAck) => void) => void;
  /** "I am typing" in a room (default: the default room); relayed at most once a second. */
  typing: (request?: TypingRequest) => void;
  /** Its author (within `editWindowMs`): change a message's text for everyone and in history. */
  edit: (request: EditRequest, ack?: (result: EditAck) => void) => void;
  /** Signed-in users: refuse (or allow again) direct messages from a nickname. */
  block: (request: BlockRequest, ack?: (result: BlockAck) => void) => void;
  /** Signed-in users: their direct conversations, newest first, with unread counts. */
  conversations: (ack: (result: ConversationsAck) => void) => void;
  /** Signed-in users: mark a direct conversation read up to a message id; every tab of the user hears `read`. */
  read: (request: ReadRequest, ack?: (result: ReadAck) => void) => void;
  /** Find messages by their words, in the rooms this socket reads. */
  search: (request: SearchRequest, ack: (result: SearchAck) => void) => void;
  /** Toggle this user's reaction (one emoji) on a message of a room it reads. */
  react: (request: ReactRequest, ack?: (result: ReactAck) => void) => void;
  /** Remove a message for everyone and from history: its author within `editWindowMs`, a moderator any. */
  delete: (request: DeleteRequest, ack?: (result: ModerationAck) => void) => void;
  /** Moderators only: keep a nickname from sending messages for a while. */
  mute: (request: SanctionRequest, ack?: (result: ModerationAck) => void) => void;
  /** Moderators only: disconnect a nickname and keep it out for a while. */
  kick: (request: SanctionRequest, ack?: (result: ModerationAck) => void) => void;
  /** Moderators only: a kick with a long default (a day): the nickname, and a guest's address, stay out. */
  ban: (request: SanctionRequest, ack?: (result: ModerationAck) => void) => void;
  /** Moderators only: lift a mute. */
  unmute: (request: UnsanctionRequest, ack?: (result: ModerationAck) => void) => void;
  /** Moderators only: lift a kick or a ban. */
  unban: (request: UnsanctionRequest, ack?: (result: ModerationAck) => void) => void;
  /** Moderators only: the panel — sanctions in force, the moderation log and reports. */
  moderation: (ack: (result: ModerationPanelAck) => void) => void;
  /** Anyone logged in: report a line to the moderators (rate-limited; the reported user is never told). */
  report: (request: ReportRequest, ack?: (result: ReportAck) => void) => void;
  /** A page of who is in the default room or a joined room (for presence-digest clients; anyone may ask). */
  people: (request: PeopleRequest, ack: (result: PeopleAck) => void) => void;
}

/** Events the server emits. */
export interface ServerToClientEvents {
  /** Someone logged in (the new user receives it too); `{ room }` for a room other than the default. */
  enter: (nick: string, where?: RoomRef) => void;
  /** Someone logged out, renamed or left; `{ room }` for a room other than the default. */
  exit: (nick: string, where?: RoomRef) => void;
  /** Everyone logged in, sent to a client that just logged in (or joined the room in `{ room }`). */
  users: (nicks: string[], where?: RoomRef) => void;
  /** Someone is typing (never sent to the typist); `{ room }` for a room other than the default. */
  typing: (nick: string, where?: RoomRef) => void;
  /** A message, or a SYSTEM line for this client only. */
  chat: (line: ChatLine) => void;
  /** Sent on connect, before anything else: the latest messages, or those after `auth.lastId`. */
  history: (messages: ChatMessage[], meta: HistoryMeta) => void;
  /** To clients whose handshake said `batch: true`: several room-wide events, in order, in one frame. */
  batch: (events: BatchedEvent[]) => void;
  /** Sent on connect after `history`: the outcome of the handshake's nickname. */
  session: (info: SessionInfo) => void;
  /** A message was removed (by its author, a moderator or the host): drop it from the page. */
  delete: (notice: DeleteNotice) => void;
  /** To moderators only: a moderation action or a report, as it happens. */
  moderation: (update: ModerationUpdate) => void;
  /** A message's author edited it: show the new text and that it was edited. */
  edit: (notice: EditNotice) => void;
  /** A message's reactions changed: its counts now. */
  reactions: (notice: ReactionsNotice) => void;
  /** To every tab of a signed-in user: they read conversation `room` up to `id` (clear its badge). */
  read: (notice: ReadRequest) => void;
  /** To clients whose handshake said `presence: 'digest'`, instead of `users`, `enter` and `exit`. */
  presence: (digest: PresenceDigest) => void;
}

/**
 * The room-wide events a `batch` frame may carry: what the Broadcaster sends to a whole room.
 * (`users`, `history`, `session` and `batch` itself are only ever sent to one socket.)
 */
export type BatchableEventName = 'chat' | 'enter' | 'exit' | 'delete' | 'typing' | 'edit' | 'reactions' | 'read';

/** One event inside a `batch`: its name, then its arguments, exactly as it would arrive alone. */
export type BatchedEvent = {
  [Name in BatchableEventName]: [Name, ...Parameters<ServerToClientEvents[Name]>];
}[BatchableEventName];

/**
 * Events between servers through Socket.IO's adapter: none. Nodes talk over Chatterbox's own
 * Redis channel instead, in {@link ClusterMessage}s, so that delivery never depends on an adapter.
 */
export type InterServerEvents = Record<string, never>;

/** The name of an event a client may emit. */
export type ClientEventName = keyof ClientToServerEvents;

/** The ack an event's handler answers with (`never` for events without one, such as `typing`). */
export type AckOf<Name extends ClientEventName> = AckFunctionResult<Extract<Parameters<ClientToServerEvents[Name]>[number], (result: never) => void>>;

// Distributes over the (possibly never) ack function so that an event without one yields never.
type AckFunctionResult<Ack> = Ack extends (result: infer Result) => void ? Result : never;

/** The success half of an event's ack: what its handler passes to `reply`; refusals are thrown. */
export type SuccessOf<Name extends ClientEventName> = Extract<AckOf<Name>, { ok: true }>;

/** What one node of a cluster tells the others, over the chat's own Redis channel. */
export type ClusterMessage =
  /** A room-wide event: deliver it to this node's sockets in `room`, as if said here. */
  | { type: 'event'; room: string; event: BatchedEvent }
  /** A typing hint for `room` (never held, never repaired). */
  | { type: 'typing'; room: string; nick: string }
  /** The sender rejoined after an outage: repair every room's gap after message `since`. */
  | { type: 'repair'; since: number }
  /** A moderator or the host kicked `nick`: disconnect and ban its sockets here too. */
  | { type: 'kick'; nick: string; seconds: number }
  /** A moderator or the host muted `nick`: mute its sockets here too (their user or address). */
  | { type: 'mute'; nick: string; seconds: number }
  /** The host signed out the user shown as `nick`: disconnect their sockets here too. */
  | { type: 'signOut'; nick: string }
  /** Sanctions recorded on the sender: keep them in this node's cache at once. */
  | { type: 'sanction'; kind: 'mute' | 'ban'; keys: string[]; until: number }
  /** Sanctions lifted on the sender (`unmute`, `unban`): forget these keys here too. */
  | { type: 'lift'; kind: 'mute' | 'ban'; keys: string[] }
  /** A moderation action or report: tell this node's moderators. */
  | { type: 'moderation'; update: ModerationUpdate };

/** What the server keeps on each socket. */
export interface SocketData {
  /** The nickname, once logged in. */
  nick?: string;
  /** Whether it understands `batch` frames (from the handshake). */
  batch?: boolean;
  /** Whether it asked for presence digests instead of whole lists (from the handshake). */
  digest?: boolean;
  /**
   * Set when it is about to be told who is here (at its login, or a reader's welcome): only from
   * then on does it receive the default room's `enter` and `exit` (that list covers every change
   * before). Never set on digest clients.
   */
  hearsPresence?: boolean;
  /** Its comparison key (case- and compatibility-folded). */
  nickKey?: string;
  /** Set when the host's `identify` knew the user: their stable id and whether they moderate. */
  user?: { id: string; nick: string; admin: boolean; avatar?: string };
  /** The client's address (after `trustProxy`), for per-address limits. */
  address?: string;
}
