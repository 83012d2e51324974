/** `chat(message, ack)`: store a message, ack its id, then broadcast it. */
import { screenMessage } from '../moderation/screen-message';
import { ChatError } from '../protocol/error-codes';
import { replyExcerpt } from '../protocol/payloads';
import { validateNick } from '../protocol/nick';
import { parseChatRequest } from '../protocol/validate';
import { roomOfRequest } from '../protocol/room-name';
import { isDirectRoom } from '../protocol/direct-room';
import { assertNotBlocked, audiencesOf, conversationWith, readableRoom } from './direct-messages';
import type { EventHandler } from './handler-context';

/** Handles the `chat` event. */
export const handleChat: EventHandler<'chat'> = async (context, socket, args, reply) => {
  const { nick, nickKey } = socket.data;
  // safeHandler answers it as the original protocol did: a SYSTEM line, whatever the ack.
  if (nick === undefined) throw new ChatError('NOT_LOGGED_IN');
  const request = parseChatRequest(args[0], context.options.maxMessageLength);
  const room = request.to !== undefined ? conversationWith(context, socket, request.to) : readableRoom(context, socket, roomOfRequest(args[0]));
  // The name the sender wrote to, for their conversation list until the recipient writes back.
  const toNick = request.to !== undefined ? validateNick(request.to, context.options.maxNickLength).nick : undefined;
  const direct = isDirectRoom(room);
  if (direct) await assertNotBlocked(context, socket, room);
  request.m = await screenMessage(context, socket, request.m, room);
  const text = request.m;
  // The quote is taken now, so it reads the same wherever the original goes; it must be in this room.
  let replyTo: { id: number; u: string; m: string } | undefined;
  if (request.replyTo !== undefined) {
    const original = await context.store.get(request.replyTo);
    if (original?.room !== room) throw new ChatError('MESSAGE_NOT_FOUND', 'The message you reply to is no longer there');
    replyTo = { id: original.message.id, u: original.message.u, m: replyExcerpt(original.message.m) };
  }
  // Store and broadcast as one tracked step, so that a newcomer's welcome can wait for a message
  // its history read already saw to be broadcast (and held), instead of receiving it twice.
  await context.broadcaster.track(async () => {
    const { message, duplicate } = await context.store.append({
      room,
      u: nick,
      m: text,
      ts: Date.now(),
      authorKey: nickKey,
      cid: request.cid,
      replyTo,
      toNick,
    });
    // Ack only once stored: an acked message survives a restart.
    reply({ ok: true, id: message.id });
    // A retried cid was broadcast the first time; readers repair any gap from history.
    if (duplicate) return;
    // The author's own socket knows its picture: no nickname skeleton to compute per message.
    const avatar = socket.data.user?.avatar;
    const sent = avatar === undefined ? message : { ...message, avatar };
    if (!direct) context.broadcaster.chat(sent);
    else for (const audience of audiencesOf(room)) context.broadcaster.chatTo(audience, sent);
  });
  // The message ends the typing hint its readers saw: the next keystroke is news again.
  context.rooms.typingDone(room, socket.id);
};
