/**
 * Signed-in users' pictures (from the host's `identify`), by nickname key, so that their lines
 * carry an `avatar` live and in the history this node sends. Kept in memory and bounded: after a
 * restart a user's older lines show initials until they are seen again.
 */
import type { ChatMessage } from '../protocol/payloads';
import { nickKey } from '../protocol/nick';

// Enough for every active signed-in user of a big chat; the oldest entry goes first beyond it.
const MAX_USERS = 10_000;

/** Avatar URLs by the nickname key of the user they belong to. */
export class AvatarBook {
  private readonly byKey = new Map<string, string>();

  /** Notes `nick`'s avatar (or forgets it when the host gives none now). */
  remember(nick: string, url: string | undefined): void {
    const key = nickKey(nick);
    this.byKey.delete(key);
    if (url === undefined) return;
    this.byKey.set(key, url);
    if (this.byKey.size > MAX_USERS) {
      const oldest = this.byKey.keys().next().value;
      if (oldest !== undefined) this.byKey.delete(oldest);
    }
  }

  /** `message` with its author's avatar, when one is known. */
  decorate(message: ChatMessage): ChatMessage {
    if (this.byKey.size === 0) return message;
    const avatar = this.byKey.get(nickKey(message.u));
    return avatar === undefined ? message : { ...message, avatar };
  }

  /** Each of `messages` with its author's avatar, when one is known. */
  decorateAll(messages: readonly ChatMessage[]): ChatMessage[] {
    return messages.map((message) => this.decorate(message));
  }
}
