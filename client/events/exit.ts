/** `exit`: someone logged out, renamed or left. */
import type { ChatContext } from '../context';

/** Removes the user from the list and adds a notice to the log. */
export function onExit(ctx: ChatContext, nick: string): void {
  ctx.nicks.remove(nick);
  ctx.log.addNotice('exit', nick);
}
