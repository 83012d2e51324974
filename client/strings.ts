/**
 * Every piece of text the script shows to people, in one place so the page can be reworded or
 * translated without reading code. The static labels and headings live in index.html itself.
 */
import type { ErrorCode } from '../lib/protocol/error-codes';
import type { ReportReason } from '../lib/protocol/payloads';

/** Friendly text for each error code, used when a refusal arrives without a usable message. */
const ERROR_TEXT: Readonly<Record<ErrorCode, string>> = {
  INVALID_NICK: 'That nickname is not allowed.',
  NICK_TAKEN: 'That nickname is already taken.',
  NOT_LOGGED_IN: 'Choose a name first.',
  INVALID_MESSAGE: 'That message cannot be sent.',
  INVALID_REQUEST: 'The server did not understand the request.',
  STORE_UNAVAILABLE: 'The message store is unavailable; try again shortly.',
  INTERNAL_ERROR: 'Something went wrong on the server.',
  CLUSTER_UNAVAILABLE: 'Rooms cannot be created right now; try again shortly.',
  INVALID_ROOM: 'That room name is not allowed.',
  UNKNOWN_ROOM: 'There is no such room.',
  TOO_MANY_ROOMS: 'No more rooms can be created.',
  NOT_IN_ROOM: 'Join that room first.',
  UNAUTHORIZED: 'Sign in to use the chat.',
  FORBIDDEN: 'You are not allowed to do that.',
  RATE_LIMITED: 'You are sending too fast; wait a moment and try again.',
  NICK_RESERVED: 'That nickname is reserved.',
  NICK_LOCKED: 'You are signed in: your nickname is your account name.',
  MUTED: 'You are muted for now.',
  MESSAGE_REJECTED: 'That message was not accepted.',
  TOO_MANY_CONNECTIONS: 'You have too many chat windows open; close one and try again.',
  MESSAGE_NOT_FOUND: 'That message is no longer there.',
  NOT_AUTHOR: 'Only its author can change that message.',
  EDIT_WINDOW_CLOSED: 'That message is too old to change.',
  TOO_MANY_REACTIONS: 'That message cannot take another kind of reaction.',
  BLOCKED: 'That person does not accept your direct messages.',
};

/** "a", "a and b", "a, b and 2 others". */
function listNames(names: readonly string[]): string {
  if (names.length <= 2) return names.join(' and ');
  if (names.length === 3) return `${names[0]}, ${names[1]} and ${names[2]}`;
  return `${names[0]}, ${names[1]} and ${names.length - 2} others`;
}

/** "1 hour", "5 minutes". */
function plural(count: number, unit: string): string {
  return `${count} ${unit}${count === 1 ? '' : 's'}`;
}

/** The page's texts; functions take the parts that vary. */
export const strings = {
  status: {
    connecting: 'Connecting…',
    connected: 'Connected',
    disconnected: 'Disconnected',
    reconnecting: 'Reconnecting…',
  },
  /** A refused connection (the server's middleware said no): the reason, in its friendly form. */
  connectRefused: (detail: string): string => `The chat turned this page away: ${detail}`,
  /** The server could not be reached; `seconds` until the next try, when known. */
  unreachable: (seconds: number | null): string =>
    seconds === null || seconds <= 0
      ? 'Can’t reach the chat — retrying…'
      : `Can’t reach the chat — retrying in ${seconds} s`,
  /** The button that tries to reach the server again at once. */
  retryNow: 'Retry now',
  /** The friendly text for a known error code, else `fallback`. */
  errorText: (code: unknown, fallback: string): string =>
    typeof code === 'string' && Object.prototype.hasOwnProperty.call(ERROR_TEXT, code)
      ? ERROR_TEXT[code as ErrorCode]
      : fallback,
  /** What to show for an `{ code, message }` refusal: the server's text, else the friendly one. */
  errorMessage: (error: { code?: unknown; message?: unknown }): string =>
    typeof error.message === 'string' && error.message.trim() !== ''
      ? error.message
      : strings.errorText(error.code, ERROR_TEXT.INTERNAL_ERROR),
  noAnswer: 'The server did not answer; try again.',
  loginWhenConnected: 'Not connected: your name will be taken when the connection is back.',
  loggingIn: 'Taking the name…',
  emptyNick: 'Choose a name first.',
  olderLoad: 'Load earlier messages',
  /** The people list's button that loads the next page of names (from a server sending digests). */
  showMorePeople: 'Show more',
  olderLoading: 'Loading earlier messages…',
  olderFailed: 'Could not load earlier messages; try again.',
  olderNone: 'No earlier messages.',
  olderOffline: 'Not connected: earlier messages can be loaded once the connection is back.',
  /** The visible state of one of your own lines that the server has not stored yet. */
  pending: {
    sending: 'sending…',
    waiting: 'waiting for the connection…',
    failed: (reason: string): string => `not sent: ${reason}`,
    retry: 'Retry',
    retryLabel: (text: string): string => `Retry sending “${text}”`,
  },
  nickSeparator: ': ',
  entered: (nick: string): string => `${nick} joined`,
  exited: (nick: string): string => `${nick} left`,
  /** The quiet line that stands for several joins and leaves in a row. */
  presenceSummary: (joined: readonly string[], left: readonly string[]): string =>
    [
      joined.length > 0 ? `${listNames(joined)} joined` : '',
      left.length > 0 ? `${listNames(left)} left` : '',
    ]
      .filter(Boolean)
      .join(', '),
  /** Day separators in the log. */
  today: 'Today',
  yesterday: 'Yesterday',
  systemNick: 'SYSTEM',
  /** The locale for dates and times; undefined: the browser's. */
  locale: undefined as string | undefined,
  /** The tab title, with the number of messages that arrived while it was hidden. */
  title: (base: string, unread: number): string => (unread > 0 ? `(${unread}) ${base}` : base),
  newMessages: 'New messages ↓',
  conversation: {
    edited: '(edited)',
    replyToDeleted: 'Reply to a deleted message',
    showOriginal: 'Show the message this answers',
    reactionsLabel: 'Reactions',
    reactionLabel: (emoji: string, count: number): string => `${emoji}: ${count} ${count === 1 ? 'person' : 'people'}`,
    actionsLabel: 'Message actions',
    reply: 'Reply',
    react: '👍',
    edit: 'Edit',
    delete: 'Delete',
    replyPrompt: (nick: string): string => `Reply to ${nick}:`,
    editPrompt: 'Edit your message:',
    deleteConfirm: 'Delete this message for everyone?',
  },
  typing: (nicks: readonly string[]): string =>
    nicks.length === 0
      ? ''
      : nicks.length === 1
        ? `${nicks[0]} is typing…`
        : nicks.length === 2
          ? `${nicks[0]} and ${nicks[1]} are typing…`
          : 'Several people are typing…',
  rooms: {
    defaultRoom: 'General',
    /** The messages region's accessible name for a room. */
    messagesIn: (room: string): string => `Messages in ${room}`,
    /** A room's user list's accessible name. */
    usersIn: (room: string): string => `Online in ${room}`,
    /** The hidden words after a room's unread count. */
    unread: (count: number): string => (count === 1 ? ' unread message' : ' unread messages'),
    joinFirstLogIn: 'Choose a name first to join a room.',
    joining: (room: string): string => `Joining ${room}…`,
    /** A page (or a widget's `data-room`) asked for a room the host did not create. */
    unknown: (room: string): string => `There is no room called ${room}; showing General instead.`,
  },
  /** The header's search box and its results. */
  search: {
    label: 'Search messages',
    placeholder: 'Search',
    searching: 'Searching…',
    more: 'More results',
    loadingMore: 'Loading more results…',
    none: (q: string): string => `No messages match “${q}”.`,
    count: (count: number, more: boolean): string => `${count} ${count === 1 ? 'message' : 'messages'} found${more ? '; there may be more' : ''}.`,
    noWords: 'Type a word to search for.',
    offline: 'Not connected: search again once the connection is back.',
    inRoom: (room: string): string => `in ${room}`,
    finding: 'Finding the message…',
    gone: 'That message is no longer there.',
    tooFar: 'That message is too far back to show here.',
  },
  /** Direct messages: the side panel's list of conversations and the people list's action. */
  direct: {
    /** A conversation's accessible name: the other user's name and how many unread (the server stops counting at `cap`). */
    entry: (name: string, unread: number, cap: number): string =>
      unread === 0 ? name : `${name}, ${unread >= cap ? `${cap}+` : unread} unread`,
    /** The badge's text. */
    badge: (unread: number, cap: number): string => (unread >= cap ? `${cap}+` : String(unread)),
    /** The people list's button that starts (or opens) a conversation. */
    messageAction: (nick: string): string => `Message ${nick}`,
    /** Where a direct message was said, in alerts ("alice in a direct message"). */
    where: 'a direct message',
    /** The first message's prompt. */
    firstMessagePrompt: (nick: string): string => `Message to ${nick}:`,
  },
  /** The embeddable widget on the host's pages. */
  widget: {
    open: 'Chat',
    close: 'Close the chat',
    panelLabel: 'Chat',
    frameTitle: 'Chat',
    /** The launcher's hidden words after its unread badge. */
    unread: (count: number): string => (count === 1 ? '1 unread message' : `${count} unread messages`),
  },
  /** The page's title when the host set none (the `title` option). */
  defaultTitle: 'Chat',
  /** The header's drawer button and the drawer's close button. */
  header: {
    menu: 'Rooms and people',
    closeMenu: 'Close the list',
  },
  /** Who you are: the guest's name form and the controls to rename and leave. */
  people: {
    chooseName: 'Choose a name',
    nameLabel: 'Your name',
    join: 'Join the chat',
    rename: 'Change name',
    renameSubmit: 'Save name',
    cancel: 'Cancel',
    leave: 'Leave',
    signedInAs: (nick: string): string => `Signed in as ${nick}`,
    youAre: (nick: string): string => `You are ${nick}`,
    left: 'You left the chat. Choose a name to come back.',
  },
  /** The composer. */
  composer: {
    label: 'Message',
    hint: 'Enter sends, Shift+Enter adds a line.',
    send: 'Send',
  },
  /** Desktop notifications and sound. */
  alerts: {
    notify: 'Notify me',
    notifyOn: 'Notifications on',
    notifyBlocked: 'Notifications are blocked in this browser’s settings.',
    notifyUnsupported: 'This browser cannot show notifications.',
    sound: 'Sound',
    /** A notification's title: who wrote, and where. */
    title: (nick: string, room: string): string => `${nick} in ${room}`,
  },
  /** Reports, and the moderators' controls (shown to moderators only). */
  moderation: {
    /** A line's actions button (report, and for moderators delete, mute, kick, ban). */
    lineActions: (nick: string): string => `Actions for ${nick}’s message`,
    /** A name's actions button in the Online list (moderators only). */
    nickActions: (nick: string): string => `Moderate ${nick}`,
    lineTitle: (nick: string): string => `${nick}’s message`,
    reportHeading: 'Report this message to the moderators',
    reasons: { spam: 'Spam', abuse: 'Abuse', 'off-topic': 'Off-topic', other: 'Other' } as Readonly<Record<ReportReason, string>>,
    reported: 'Reported — thank you.',
    deleteLine: 'Delete this message',
    mute: (nick: string): string => `Mute ${nick}…`,
    kick: (nick: string): string => `Kick ${nick}…`,
    ban: (nick: string): string => `Ban ${nick}…`,
    cancel: 'Cancel',
    duration: 'For how long',
    /** The durations offered for a mute or a kick, in seconds. */
    durations: [300, 3600, 86_400] as readonly number[],
    confirmDelete: 'Delete this message for everyone?',
    confirmMute: (nick: string): string => `Mute ${nick}? They can read but not write.`,
    confirmKick: (nick: string): string => `Kick ${nick}? They are disconnected and kept out.`,
    confirmBan: (nick: string): string => `Ban ${nick}? They are kept out for a day, their address too.`,
    doDelete: 'Delete',
    doMute: 'Mute',
    doKick: 'Kick',
    doBan: 'Ban',
    deleted: 'Message deleted.',
    muted: (nick: string, span: string): string => `${nick} is muted for ${span}.`,
    kicked: (nick: string, span: string): string => `${nick} is kicked for ${span}.`,
    banned: (nick: string): string => `${nick} is banned.`,
    undo: 'Undo',
    undoLabel: (what: string): string => `Undo: ${what}`,
    unmuted: (nick: string): string => `${nick} may write again.`,
    unbanned: (nick: string): string => `${nick} may come back.`,
    /** The side panel's button and the moderators' panel. */
    panelButton: 'Moderation',
    panelTitle: 'Moderation',
    close: 'Close',
    loading: 'Loading…',
    sanctionsHeading: 'Muted and banned',
    logHeading: 'Recent actions',
    reportsHeading: 'Reports',
    none: 'None.',
    sanction: (nick: string, kind: 'mute' | 'ban', until: string): string =>
      kind === 'mute' ? `${nick} — muted until ${until}` : `${nick} — kept out until ${until}`,
    unmute: 'Unmute',
    unban: 'Unban',
    liftLabel: (action: string, nick: string): string => `${action} ${nick}`,
    /** One line of the moderation log: who did what to whom. */
    entry: (by: string, action: string, nick: string | undefined, messageId: number | undefined, span: string | null): string => {
      const verbs: Record<string, string> = { delete: 'deleted', mute: 'muted', kick: 'kicked', ban: 'banned', unmute: 'unmuted', unban: 'unbanned' };
      const what = action === 'delete' ? `message #${messageId ?? '?'}` : (nick ?? '?');
      return `${by} ${verbs[action] ?? action} ${what}${span ? ` for ${span}` : ''}`;
    },
    report: (by: string, nick: string, text: string, reason: string): string => `${by} reported ${nick}: “${text}” (${reason})`,
    deleteReported: (nick: string): string => `Delete this message (${nick}’s, reported)`,
    reportDone: 'deleted',
    /** A number of seconds in words ("5 minutes", "1 hour", "90 seconds"). */
    span: (seconds: number): string =>
      seconds % 86_400 === 0
        ? plural(seconds / 86_400, 'day')
        : seconds % 3600 === 0
          ? plural(seconds / 3600, 'hour')
          : seconds % 60 === 0
            ? plural(seconds / 60, 'minute')
            : plural(seconds, 'second'),
  },

} as const;
