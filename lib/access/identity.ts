/**
 * Who a connection belongs to, from the host's `identify(req)` after its own `use` middleware ran
 * on the handshake; and the periodic re-check that notices a session that ended.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { EventEmitter } from 'node:events';
import { ChatError } from '../protocol/error-codes';
import { validateNick } from '../protocol/nick';
import type { SocketData } from '../protocol/events';
import type { ChatContext } from '../chat/context';
import { describeError, sendSystemLine } from '../chat/replies';
import type { ChatSocket } from '../chat/socket-types';
import type { HandshakeMiddleware, HandshakeRequest } from '../options';

/** The user a socket belongs to, as kept in `socket.data.user`. */
export type ChatUser = NonNullable<SocketData['user']>;

/**
 * Asks the host's `identify` about a request: the user, or undefined for a stranger. A nickname
 * the host returns must still be one the chat can show; otherwise the connection is refused and
 * the operator told why.
 */
export async function identifyRequest(context: ChatContext, req: IncomingMessage): Promise<ChatUser | undefined> {
  const { identify } = context.options;
  if (identify === undefined) return undefined;
  let identity: unknown;
  try {
    identity = await identify(req as HandshakeRequest);
  } catch (error) {
    context.logger.error('identify(req) failed', { error: describeError(error) });
    throw new ChatError('INTERNAL_ERROR');
  }
  if (identity === null || identity === undefined) return undefined;
  const record = identity as { nick?: unknown; id?: unknown; admin?: unknown; avatar?: unknown };
  let nick: string;
  try {
    nick = validateNick(record.nick, context.options.maxNickLength).nick;
  } catch (error) {
    context.logger.warn('identify(req) returned a nickname the chat cannot show; the connection was refused', {
      reason: error instanceof ChatError ? error.message : describeError(error),
    });
    throw new ChatError('UNAUTHORIZED', 'Your account name cannot be used in the chat');
  }
  const id = typeof record.id === 'string' || typeof record.id === 'number' ? String(record.id) : nick.toLowerCase();
  const avatar = avatarUrl(record.avatar);
  if (record.avatar !== undefined && record.avatar !== null && avatar === undefined) {
    context.logger.warn('identify(req) returned an avatar that is not an absolute https URL; initials are shown instead');
  }
  return { id, nick, admin: record.admin === true, ...(avatar !== undefined ? { avatar } : {}) };
}

/** An avatar URL the page may show: absolute https, at most 2048 characters; else undefined. */
export function avatarUrl(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > 2048) return undefined;
  try {
    const url = new URL(value);
    // https only: the page's CSP allows images from https: origins (and its own), nothing else.
    return url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/** Runs Express/Connect middleware on a request, one after another; rejects with what one passed to next(). */
export async function runMiddleware(list: readonly HandshakeMiddleware[], req: IncomingMessage, res: ServerResponse): Promise<void> {
  for (const middleware of list) {
    await new Promise<void>((resolve, reject) => {
      middleware(req, res, (err?: unknown) => (err ? reject(err instanceof Error ? err : new Error('a handshake middleware failed')) : resolve()));
    });
  }
}

/**
 * A fresh copy of a handshake request (its headers and URL, not its session) and a response that
 * sends nothing, so the host's middleware can load the session again as it is now.
 */
function replayRequest(original: IncomingMessage): { req: IncomingMessage; res: ServerResponse } {
  // Node has no public way to build a request or response that is not bound to a live socket:
  // these stand-ins carry what session middleware reads and writes, hence the casts below.
  const req = Object.assign(new EventEmitter(), {
    headers: { ...original.headers },
    url: original.url,
    originalUrl: original.url,
    method: 'GET',
    httpVersion: original.httpVersion,
    socket: original.socket,
    connection: original.socket,
  }) as unknown as IncomingMessage;
  const headers = new Map<string, unknown>();
  const res = Object.assign(new EventEmitter(), {
    statusCode: 200,
    headersSent: false,
    writableEnded: false,
    setHeader: (name: string, value: unknown) => headers.set(name.toLowerCase(), value),
    getHeader: (name: string) => headers.get(name.toLowerCase()),
    removeHeader: (name: string) => headers.delete(name.toLowerCase()),
    writeHead: () => res,
    write: () => true,
    end: () => res,
  }) as unknown as ServerResponse;
  return { req, res };
}

/** True while the host still says `socket`'s user is the same user. */
async function stillSignedIn(context: ChatContext, socket: ChatSocket): Promise<boolean> {
  const user = socket.data.user;
  if (user === undefined) return true;
  const { req, res } = replayRequest(socket.request);
  await runMiddleware(context.options.use, req, res);
  const now = await identifyRequest(context, req).catch(() => undefined);
  return now !== undefined && now.id === user.id && now.nick === user.nick;
}

/** Disconnects a signed-in socket whose session ended, telling its page why first. */
export function signOutSocket(socket: ChatSocket, reason = 'You were signed out'): void {
  sendSystemLine(socket, reason);
  socket.disconnect(true);
}

/** Re-checks every signed-in socket once; a session that ended disconnects its sockets. */
export async function recheckIdentities(context: ChatContext): Promise<void> {
  for (const socket of [...context.namespace.sockets.values()]) {
    if (socket.data.user === undefined || !socket.connected) continue;
    try {
      if (!(await stillSignedIn(context, socket))) signOutSocket(socket);
    } catch (error) {
      // The session store being down is not the user's fault: keep them, try again next time.
      context.logger.warn('re-checking a signed-in user failed', { error: describeError(error) });
    }
  }
}
