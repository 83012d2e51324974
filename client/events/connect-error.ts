/** `connect_error` (reserved): the server could not be reached, or its middleware refused us. */
import type { ChatContext } from '../context';
import { strings } from '../strings';

/** A refusal's `err.data`, set by the server's middleware as `{ code }`. */
interface RefusalData {
  code?: unknown;
}

/** Shows why; a refusal's code becomes friendly text, a network failure keeps its own. */
export function onConnectError(ctx: ChatContext, err: Error & { data?: RefusalData }): void {
  const code = err.data?.code;
  const detail = code === undefined ? err.message : strings.errorText(code, err.message);
  // `active` is false after a middleware refusal: Socket.IO will not try again by itself.
  ctx.status.error(strings.connectFailed(detail, ctx.socket.active));
}
