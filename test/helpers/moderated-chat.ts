/** A chat whose handshake `?user=` names a signed-in user (`Mod` moderates): a stand-in for a session, for moderation tests. */
import { io as connectClient } from 'socket.io-client';
import { nextEvent, startChat, type TestChat, type TestSocket } from './chat-server';

/** Starts a chat where `?user=NAME` signs NAME in, and `Mod` is a moderator; guests may still join. */
export async function startModeratedChat(options: Parameters<typeof startChat>[0] = {}): Promise<TestChat> {
  return startChat({
    allowAnonymous: true,
    identify: (req) => {
      const user = new URL(req.url ?? '/', 'http://x').searchParams.get('user');
      return user ? { nick: user, admin: user === 'Mod' } : null;
    },
    ...options,
  });
}

/**
 * Like {@link startModeratedChat}, but each signed-in user also has a stable account id
 * (`id-NAME`), as a host's accounts would: what conversations, blocks and authorship key on.
 */
export async function startSignedInChat(options: Parameters<typeof startChat>[0] = {}): Promise<TestChat> {
  return startChat({
    allowAnonymous: true,
    identify: (req) => {
      const user = new URL(req.url ?? '/', 'http://x').searchParams.get('user');
      return user ? { nick: user, id: `id-${user}`, admin: user === 'Mod' } : null;
    },
    ...options,
  });
}

/** Connects as signed-in `user` (optionally from `localAddress`); resolves once `session` arrived. */
export async function signedIn(chat: TestChat, user: string, localAddress?: string): Promise<TestSocket> {
  const socket: TestSocket = connectClient(`${chat.url}/chat`, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    query: { user },
    ...(localAddress ? { localAddress } : {}),
  } as Parameters<typeof connectClient>[1]);
  await nextEvent(socket, 'session', 5000);
  return socket;
}
