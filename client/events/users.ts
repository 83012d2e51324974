/** `users`: everyone logged in, sent when this page logs in. */
import type { ChatContext } from '../context';

/** Rebuilds the user list. */
export function onUsers(ctx: ChatContext, nicks: string[]): void {
  if (Array.isArray(nicks)) ctx.nicks.replace(nicks.filter((nick) => typeof nick === 'string'));
}
