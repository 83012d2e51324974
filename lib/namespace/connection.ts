/** The protocol's table of contents: one line per client event. */
import { capWriteBuffer } from '../limits/write-buffer-cap';
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
import { handleRead } from './handle-read';
import { handleReport } from './handle-report';
import { handleReact } from './handle-react';
import { handleSearch } from './handle-search';
import { handleTyping } from './handle-typing';
import { handleUnban } from './handle-unban';
import { handleUnmute } from './handle-unmute';
import { safeHandler } from './safe-handler';
import { createSerialQueue } from './serial-queue';
import type { ChatSocket } from '../chat/socket-types';
import { welcome } from './welcome';

/** Wires a newly connected socket: its audience, its welcome, and a handler per event. */
export function onConnection(context: HandlerContext, socket: ChatSocket): void {
  const schedule = createSerialQueue();
  capWriteBuffer(socket, context.options.maxBufferedBytes, () => {
    context.logger.warn('a client that does not read was disconnected (maxBufferedBytes)', { address: socket.data.address });
  });
  guardEvents(context.options, context.limits, socket);
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
  schedule(() => welcome(context, socket).catch((error: unknown) => {
    context.logger.error('welcome failed', { error: String(error) });
  }));
  socket.on('login', safeHandler(context, socket, 'login', handleLogin, schedule));
  socket.on('chat', safeHandler(context, socket, 'chat', handleChat, schedule));
  socket.on('history', safeHandler(context, socket, 'history', handleHistory, schedule));
  socket.on('join', safeHandler(context, socket, 'join', handleJoin, schedule));
  socket.on('leave', safeHandler(context, socket, 'leave', handleLeave, schedule));
  socket.on('typing', safeHandler(context, socket, 'typing', handleTyping, schedule));
  socket.on('edit', safeHandler(context, socket, 'edit', handleEdit, schedule));
  socket.on('block', safeHandler(context, socket, 'block', handleBlock, schedule));
  socket.on('conversations', safeHandler(context, socket, 'conversations', handleConversations, schedule));
  socket.on('read', safeHandler(context, socket, 'read', handleRead, schedule));
  socket.on('search', safeHandler(context, socket, 'search', handleSearch, schedule));
  socket.on('react', safeHandler(context, socket, 'react', handleReact, schedule));
  socket.on('delete', safeHandler(context, socket, 'delete', handleDelete, schedule));
  socket.on('mute', safeHandler(context, socket, 'mute', handleMute, schedule));
  socket.on('kick', safeHandler(context, socket, 'kick', handleKick, schedule));
  socket.on('ban', safeHandler(context, socket, 'ban', handleBan, schedule));
  socket.on('unmute', safeHandler(context, socket, 'unmute', handleUnmute, schedule));
  socket.on('unban', safeHandler(context, socket, 'unban', handleUnban, schedule));
  socket.on('moderation', safeHandler(context, socket, 'moderation', handleModeration, schedule));
  socket.on('report', safeHandler(context, socket, 'report', handleReport, schedule));
  socket.on('people', safeHandler(context, socket, 'people', handlePeople, schedule));
  socket.on('disconnect', () => {
    schedule(() => handleDisconnect(context, socket).catch((error: unknown) => {
      context.logger.error('releasing a nickname failed', { error: String(error) });
    }));
  });
}
