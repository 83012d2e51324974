/**
 * What other nodes of a cluster ask this one to do to its own connections: a kick, a mute or a
 * sign-out issued there holds here too (the sanction itself travels with the Sanctions seam).
 */
import { signOutSocket } from '../access/identity';
import { kickHere, muteHere } from '../moderation/moderation';
import { nickKey } from '../protocol/nick';
import type { ChatContext } from '../chat/context';

/** Applies the other nodes' moderation commands to this node's sockets. */
export function obeyCluster(context: ChatContext): void {
  context.bus.subscribe((message) => {
    if (message.type === 'kick') kickHere(context, message.nick, message.seconds);
    else if (message.type === 'mute') muteHere(context, message.nick, message.seconds);
    else if (message.type === 'signOut') signOutHere(context, message.nick);
  });
}

/** Disconnects this node's connections of the signed-in user shown as `nick`; returns how many. */
export function signOutHere(context: ChatContext, nick: string): number {
  const key = nickKey(nick);
  let closed = 0;
  for (const socket of [...context.namespace.sockets.values()]) {
    if (socket.data.user !== undefined && socket.data.nickKey === key) {
      signOutSocket(socket);
      closed++;
    }
  }
  return closed;
}

/** Signs `nick` out on every node; returns how many of this node's connections were closed. */
export function signOut(context: ChatContext, nick: string): number {
  const closed = signOutHere(context, nick);
  context.bus.publish({ type: 'signOut', nick });
  return closed;
}
