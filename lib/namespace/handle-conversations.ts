/** `conversations(ack)`: a signed-in user's direct conversations, newest first, with unread counts. */
import { ChatError } from '../protocol/error-codes';
import { directKeyOf } from './direct-messages';
import type { EventHandler } from './handler-context';

/** How many conversations one answer lists at most (the newest). */
export const MAX_CONVERSATIONS = 100;

/** Handles the `conversations` event; the list is the store's, so it is the same on every device and node. */
export const handleConversations: EventHandler<'conversations'> = async (context, socket, _args, reply) => {
  if (!context.options.allowDirectMessages) throw new ChatError('FORBIDDEN', 'Direct messages are off in this chat');
  const key = directKeyOf(socket);
  if (key === undefined) throw new ChatError('UNAUTHORIZED', 'Sign in to have direct conversations');
  reply({ ok: true, conversations: await context.store.conversations(key, MAX_CONVERSATIONS) });
};
