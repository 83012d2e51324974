/** The protocol's table of contents: one line per client event. */
import { createWriteBufferCap } from '../limits/write-buffer-cap';
import { guardEvents } from '../limits/event-guard';
import { MODERATORS_CHANNEL } from '../chat/broadcaster';
import { isPlainObject } from '../protocol/validate';
import type { HandlerContext } from './handler-context';
import { handleBan } from './handle-ban';
import { handleBlock } from './handle-block';
import { directKeyOf, personalAudience } from './direct-messages';
import { handleChat } from './handle-chat';
import { handleConversations } from './handle-conversations';
import { handleDelete } from './handle-delete';
import { handleDisconnect } from './handle-disconnect';
import { handleEdit } from './handle-edit';
import { handleHistory } from './handle-history';
import { handleJoin } from './handle-join';
import { handleKick } from './handle-kick';
import { handleLeave } from './handle-leave';
import { handleLogin } from './handle-login';
import { handleModeration } from './handle-moderation';
import { handleMute } from './handle-mute';
import { handlePeople } from './handle-people';
import { handleReport } from './handle-report';
import { handleReact } from './handle-react';
import { handleRead } from './handle-read';
import { handleSearch } from './handle-search';
import { handleTyping } from './handle-typing';
import { handleUnban } from './handle-unban';
import { handleUnmute } from './handle-unmute';
import { safeHandler } from './safe-handler';
import { SerialQueues } from './serial-queue';
import type { ChatSocket } from '../chat/socket-types';
import type { ClientEventName } from '../protocol/events';
import type { EventHandler } from './handler-context';
import { welcome } from './welcome';

/** Every client event and its handler. */
const HANDLERS: { [Name in ClientEventName]?: EventHandler<Name> } = {
  login: handleLogin,
  chat: handleChat,
  history: handleHistory,
  join: handleJoin,
  leave: handleLeave,
  typing: handleTyping,
  edit: handleEdit,
  block: handleBlock,
  conversations: handleConversations,
  read: handleRead,
  search: handleSearch,
  react: handleReact,
  delete: handleDelete,
  mute: handleMute,
  kick: handleKick,
  ban: handleBan,
  unmute: handleUnmute,
  unban: handleUnban,
  moderation: handleModeration,
  report: handleReport,
  people: handlePeople,
};

/**
 * Builds one chat's `connection` handler. Everything a socket's events run through (the listener
 * per event, the serial queues, the write-buffer watch) is made here, once per chat, and shared by
 * its sockets, which are told apart by `this` or an argument: per idle connection one packet
 * middleware remains, where a closure and a listener per socket and event used to be (issue #15,
 * docs/performance.md "Memory per connection").
 */
export function createConnectionHandler(context: HandlerContext): (socket: ChatSocket) => void {
  const queues = new SerialQueues();
  const listeners = new Map<unknown, (this: ChatSocket, ...raw: unknown[]) => void>();
  for (const event of Object.keys(HANDLERS) as ClientEventName[]) {
    listeners.set(event, safeHandler(context, event, HANDLERS[event] as EventHandler<typeof event>, queues));
  }
  /**
   * Hands a packet that passed the limits to its handler. Chat events are dispatched here, in the
   * socket's one packet middleware, rather than through a listener per event on every socket: 21
   * listener entries made each socket's emitter a dictionary of about 0.7 KB. Whatever is not a
   * chat event goes on to Socket.IO as usual (a host's own listeners still hear it).
   */
  const dispatch = (socket: ChatSocket, packet: unknown[], next: () => void): void => {
    const listener = listeners.get(packet[0]);
    if (listener === undefined) {
      next();
      return;
    }
    // As Socket.IO does before it emits: a socket that left meanwhile hears nothing more.
    if (socket.connected) listener.apply(socket, packet.slice(1));
  };
  const capWriteBuffer = createWriteBufferCap(context.options.maxBufferedBytes, (socket) => {
    context.logger.warn('a client that does not read was disconnected (maxBufferedBytes)', { address: socket.data.address });
  });
  function onDisconnect(this: ChatSocket): void {
    queues.schedule(this.id, () => handleDisconnect(context, this).catch((error: unknown) => {
      context.logger.error('releasing a nickname failed', { error: String(error) });
    }));
  }

  /** Wires a newly connected socket: its audience, its welcome, and the listener of each event. */
  return (socket) => {
    capWriteBuffer(socket);
    const guard = guardEvents(context.options, context.limits, socket);
    socket.use(
      guard === undefined
        ? (packet, next) => dispatch(socket, packet, next)
        : (packet, next) => guard.check(packet, () => dispatch(socket, packet, next)),
    );
    const auth: unknown = socket.handshake.auth;
    socket.data.batch = isPlainObject(auth) && auth.batch === true;
    if (isPlainObject(auth) && auth.presence === 'digest') socket.data.digest = true;
    context.broadcaster.join(socket);
    // A signed-in user's picture (or its removal) applies to their lines from now on, here and in history.
    if (socket.data.user !== undefined) context.avatars.remember(socket.data.user.nick, socket.data.user.avatar);
    // Moderators hear of every moderation action and report as it happens.
    if (socket.data.user?.admin === true) void socket.join(MODERATORS_CHANNEL);
    // Held from the moment it can receive anything, so `history` is the first line it reads.
    context.broadcaster.hold(socket);
    // A signed-in user's direct conversations reach all of their sockets through this audience.
    const directKey = directKeyOf(socket);
    if (directKey !== undefined && context.options.allowDirectMessages) context.broadcaster.join(socket, personalAudience(directKey));
    queues.schedule(socket.id, () => welcome(context, socket).catch((error: unknown) => {
      context.logger.error('welcome failed', { error: String(error) });
    }));
    socket.on('disconnect', onDisconnect);
  };
}
