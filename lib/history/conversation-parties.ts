/**
 * Who a stored direct message concerns, for the conversation lists every store keeps beside its
 * messages: the same rule in memory, SQLite and PostgreSQL.
 */
import type { NewMessage } from '../options/message-store';
import { participantsOf } from '../protocol/direct-room';

/** The two records a direct message updates: its author's and its recipient's. */
export interface ConversationParties {
  /** The author's nickname key: their read marker moves to the message (they wrote after reading). */
  author: string;
  /** The recipient's nickname key; undefined when the author wrote to themselves. */
  recipient: string | undefined;
  /** What the author's list calls the recipient until the recipient writes: the nickname the author wrote to, else the key. */
  recipientNick: string;
}

/** The parties of `input` when it is a direct message by one of its room's two users; otherwise undefined. */
export function conversationParties(input: NewMessage): ConversationParties | undefined {
  const pair = participantsOf(input.room);
  const author = input.authorKey;
  if (pair === undefined || author === undefined || !pair.includes(author)) return undefined;
  const other = pair[0] === author ? pair[1] : pair[0];
  return { author, recipient: other === author ? undefined : other, recipientNick: input.toNick ?? other };
}
