/** The host's side of moderation and identity: the methods `createChatMiddleware` adds to the middleware. */
import { signOut } from './namespace/cluster-commands';
import { audiencesOf } from './namespace/direct-messages';
import { ChatOptionError, invalidArgument } from './options';
import type { ChatContext } from './chat/context';
import { validateMessageText } from './protocol/validate';
import {
  DEFAULT_BAN_SECONDS,
  DEFAULT_KICK_SECONDS,
  DEFAULT_MUTE_SECONDS,
  deleteMessage,
  kick,
  logAction,
  mute,
  sendSystem,
  unban,
  unmute,
} from './moderation/moderation';
import type { ModerationEntry } from './protocol/payloads';

/** The moderation log's name for actions taken through the host API. */
const HOST = 'host';

/** What the host can do to the chat from its own code. */
export interface ChatHostApi {
  /** Disconnects `nick` on every node and keeps it out for `seconds` (default 60); returns how many of this node's connections were closed. */
  kick(nick: string, seconds?: number): number;
  /** Keeps `nick` from sending messages for `seconds` (default 300), on every node; returns how many of this node's connections it has. */
  mute(nick: string, seconds?: number): number;
  /** A kick meant to last: `seconds` defaults to a day. Returns how many connections were closed. */
  ban(nick: string, seconds?: number): number;
  /** Lifts `nick`'s mute; returns whether one was in force. */
  unmute(nick: string): boolean;
  /** Lifts `nick`'s kick or ban; returns whether one was in force. */
  unban(nick: string): boolean;
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
  // The host API answers at once; the log line follows (logAction never rejects).
  const log = (context: ChatContext, entry: Omit<ModerationEntry, 'id' | 'ts' | 'by'>): void => {
    void logAction(context, { by: HOST, ...entry });
  };
  const sanction = (action: 'kick' | 'ban' | 'mute', fallback: number) => (nick: string, time?: number): number => {
    const context = need(action);
    const name = nickArgument(action, nick);
    const length = seconds(action, time, fallback);
    const count = action === 'mute' ? mute(context, name, length) : kick(context, name, length);
    log(context, { action, nick: name, seconds: length });
    return count;
  };
  const lift = (action: 'unmute' | 'unban') => (nick: string): boolean => {
    const context = need(action);
    const name = nickArgument(action, nick);
    const lifted = action === 'unmute' ? unmute(context, name) : unban(context, name);
    log(context, { action, nick: name });
    return lifted;
  };
  return {
    kick: sanction('kick', DEFAULT_KICK_SECONDS),
    mute: sanction('mute', DEFAULT_MUTE_SECONDS),
    ban: sanction('ban', DEFAULT_BAN_SECONDS),
    unmute: lift('unmute'),
    unban: lift('unban'),
    deleteMessage: (id) => {
      if (!Number.isSafeInteger(id) || id < 0) return Promise.reject(invalidArgument('deleteMessage(id) needs a message id'));
      const context = need('deleteMessage');
      return deleteMessage(context, id, audiencesOf).then((found) => {
        log(context, { action: 'delete', messageId: id });
        return found;
      });
    },
    send: (text) => {
      const context = need('send');
      sendSystem(context, validateMessageText(text, context.options.maxMessageLength));
    },
    signOut: (nick) => signOut(need('signOut'), nickArgument('signOut', nick)),
  };
}
