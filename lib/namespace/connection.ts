/** The protocol's table of contents: one line per client event. */
import type { ChatContext } from './chat-context';
import { handleChat } from './handle-chat';
import { handleDisconnect } from './handle-disconnect';
import { handleHistory } from './handle-history';
import { handleLogin } from './handle-login';
import { safeHandler } from './safe-handler';
import { createSerialQueue } from './serial-queue';
import type { ChatSocket } from './types';
import { welcome } from './welcome';

/** Wires a newly connected socket: its audience, its welcome, and a handler per event. */
export function onConnection(context: ChatContext, socket: ChatSocket): void {
  const schedule = createSerialQueue();
  context.broadcaster.join(socket);
  schedule(() => welcome(context, socket).catch((error: unknown) => {
    context.logger.error('welcome failed', { error: String(error) });
  }));
  socket.on('login', safeHandler(context, socket, 'login', handleLogin, schedule));
  socket.on('chat', safeHandler(context, socket, 'chat', handleChat, schedule));
  socket.on('history', safeHandler(context, socket, 'history', handleHistory, schedule));
  socket.on('disconnect', () => {
    schedule(() => handleDisconnect(context, socket).catch((error: unknown) => {
      context.logger.error('releasing a nickname failed', { error: String(error) });
    }));
  });
}
