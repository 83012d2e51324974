/** `enter`: someone logged in (this page's own login included). */
import type { ChatContext } from '../context';

/** Adds the user to the list and a notice to the log. */
export function onEnter(ctx: ChatContext, nick: string): void {
  ctx.nicks.add(nick);
  ctx.log.addNotice('enter', nick);
}
