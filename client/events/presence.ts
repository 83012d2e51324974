/** `presence`: a digest of who is here (this page asks for digests in its handshake). */
import type { PresenceDigest } from '../../lib/protocol/payloads';
import { isPlainObject } from '../../lib/protocol/validate';
import { ACK_TIMEOUT_MS } from '../connection';
import type { ChatContext } from '../context';

/** The names in a digest's field, or undefined when it has none. */
function namesOf(value: unknown): string[] | undefined {
  return Array.isArray(value) ? value.filter((nick): nick is string => typeof nick === 'string') : undefined;
}

/** A snapshot replaces the list; a window's changes update it and add the enter/exit notices. */
export function onPresence(ctx: ChatContext, digest: PresenceDigest): void {
  if (!isPlainObject(digest) || typeof digest.count !== 'number') return;
  const room = typeof digest.room === 'string' && digest.room !== '' ? digest.room : undefined;
  const names = namesOf(digest.names);
  const entered = namesOf(digest.entered) ?? [];
  const left = namesOf(digest.left) ?? [];
  if (room !== undefined) {
    // A room's list shows the names it was given; its count is the list's length.
    if (names !== undefined) ctx.rooms.users(room, names);
    for (const nick of left) ctx.rooms.presence(room, 'exit', nick);
    for (const nick of entered) ctx.rooms.presence(room, 'enter', nick);
    return;
  }
  if (names !== undefined) {
    ctx.nicks.snapshot(names, digest.count, typeof digest.next === 'string' ? digest.next : undefined);
    return;
  }
  if (entered.length === 0 && left.length === 0) {
    // More changed than a page holds: the names shown may be stale, so ask for the first page again.
    ctx.nicks.setCount(digest.count);
    ctx.socket.timeout(ACK_TIMEOUT_MS).emit('people', {}, (err, ack) => {
      if (!err && ack.ok) ctx.nicks.snapshot(ack.names, ack.count, ack.next);
    });
    return;
  }
  for (const nick of left) ctx.typing.remove('', nick);
  const gone = ctx.nicks.changed(digest.count, entered, left);
  for (const nick of gone) ctx.log.addNotice('exit', nick);
  for (const nick of entered) ctx.log.addNotice('enter', nick);
}
