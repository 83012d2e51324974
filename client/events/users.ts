/** `users`: everyone logged in, sent when this page logs in. */
import type { RoomRef } from '../../lib/protocol/payloads';
import type { ChatContext } from '../context';

/** Rebuilds the user list. */
export function onUsers(ctx: ChatContext, nicks: string[], where?: RoomRef): void {
  if (!Array.isArray(nicks)) return;
  const valid = nicks.filter((nick) => typeof nick === 'string');
  if (typeof where?.room === 'string' && where.room !== '') ctx.rooms.users(where.room, valid);
  else ctx.nicks.replace(valid);
}
