/** `report({ id, reason, room? }, ack)`: anyone logged in reports a line to the moderators. */
import { reportMessage } from '../moderation/report';
import { ChatError } from '../protocol/error-codes';
import { roomOfRequest } from '../protocol/room-name';
import { parseReportRequest } from '../protocol/validate';
import type { EventHandler } from './handler-context';

/** Handles the `report` event; the reported user is never told. */
export const handleReport: EventHandler<'report'> = async (context, socket, args, reply) => {
  if (socket.data.nick === undefined) throw new ChatError('NOT_LOGGED_IN');
  const { id, reason } = parseReportRequest(args[0]);
  const room = context.rooms.joinedRoom(roomOfRequest(args[0]), socket.id);
  await reportMessage(context, context.reports, socket, room, id, reason);
  reply({ ok: true });
};
