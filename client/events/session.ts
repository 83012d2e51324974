/** `session`: after `history` on every connection, whether the handshake's nickname logged in. */
import type { SessionInfo } from '../../lib/protocol/payloads';
import type { ChatContext } from '../context';

/** Logs the page in, or shows the login form again (with the refusal, e.g. NICK_TAKEN); says whether it moderates. */
export function onSession(ctx: ChatContext, info: SessionInfo): void {
  if (typeof info.nick === 'string') ctx.session.loggedIn(info.nick, false, info.identified === true);
  else ctx.session.loggedOut(info.error);
  ctx.directs.session(typeof info.nick === 'string' ? info.nick : null, info.identified === true);
  // Only a logged-in moderator's page shows the moderation controls (the server checks anyway).
  ctx.moderation.setAdmin(typeof info.nick === 'string' && info.admin === true);
}
