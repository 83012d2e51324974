/** The host's side of moderation and identity: the methods `createChatMiddleware` adds to the middleware. */
import { signOut } from './namespace/cluster-commands';
import { ChatOptionError, invalidArgument } from './options';
import type { ChatContext } from './chat/context';
import { validateMessageText } from './protocol/validate';
import { DEFAULT_KICK_SECONDS, DEFAULT_MUTE_SECONDS, deleteMessage, kick, mute, sendSystem } from './moderation/moderation';

/** What the host can do to the chat from its own code. */
export interface ChatHostApi {
  /** Disconnects `nick` on every node and keeps it out for `seconds` (default 60); returns how many of this node's connections were closed. */
  kick(nick: string, seconds?: number): number;
  /** Keeps `nick` from sending messages for `seconds` (default 300), on every node; returns how many of this node's connections it has. */
  mute(nick: string, seconds?: number): number;
  /** Removes a message from history and from every open page; resolves true when history had it. */
  deleteMessage(id: number): Promise<boolean>;
  /** Shows `text` to everyone as a SYSTEM line (not kept in history). */
  send(text: string): void;
  /**
   * Disconnects every connection of the signed-in user shown as `nick` (call it when the host's
   * session ends, e.g. at logout), on every node; no ban. Returns how many of this node's were closed.
   */
  signOut(nick: string): number;
}

function seconds(name: string, value: number | undefined, fallback: number): number {
  const result = value ?? fallback;
  if (!Number.isInteger(result) || result < 1) throw invalidArgument(`${name}(nick, seconds) needs whole seconds ≥ 1; got ${String(value)}`);
  return result;
}

function nickArgument(name: string, nick: unknown): string {
  if (typeof nick !== 'string' || nick.length === 0) throw invalidArgument(`${name}(nick) needs a nickname string`);
  return nick;
}

/** Builds the host API over a chat's context, which exists once the chat is attached. */
export function createHostApi(getContext: () => ChatContext | undefined): ChatHostApi {
  const need = (name: string): ChatContext => {
    const context = getContext();
    if (context === undefined) throw new ChatOptionError('CHATTERBOX_INVALID_STATE', `express-chatterbox: ${name}() needs the chat to be attached first`);
    return context;
  };
  return {
    kick: (nick, time) => kick(need('kick'), nickArgument('kick', nick), seconds('kick', time, DEFAULT_KICK_SECONDS)),
    mute: (nick, time) => mute(need('mute'), nickArgument('mute', nick), seconds('mute', time, DEFAULT_MUTE_SECONDS)),
    deleteMessage: (id) => {
      if (!Number.isSafeInteger(id) || id < 0) return Promise.reject(invalidArgument('deleteMessage(id) needs a message id'));
      return deleteMessage(need('deleteMessage'), id);
    },
    send: (text) => {
      const context = need('send');
      sendSystem(context, validateMessageText(text, context.options.maxMessageLength));
    },
    signOut: (nick) => signOut(need('signOut'), nickArgument('signOut', nick)),
  };
}
