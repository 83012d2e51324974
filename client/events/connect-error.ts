/** `connect_error` (reserved): the server could not be reached, or its middleware refused us. */
import { RECONNECT_DELAY_MAX_MS, RECONNECT_DELAY_MS } from '../connection';
import type { ChatContext } from '../context';
import { strings } from '../strings';

/** A refusal's `err.data`, set by the server's middleware as `{ code }`. */
interface RefusalData {
  code?: unknown;
}

/**
 * Socket.IO's latest reconnection attempt number (0 before any): its backoff waits
 * RECONNECT_DELAY_MS × 2^attempt before the next. Set by `reconnect_attempt`, reset by `connect`.
 */
export const failures = { count: 0 };

/**
 * Shows why: a refusal's code as friendly text, or, when the network failed, "Can't reach the
 * chat — retrying in N s" counting down to Socket.IO's next try (its backoff doubles from
 * RECONNECT_DELAY_MS up to RECONNECT_DELAY_MAX_MS).
 */
export function onConnectError(ctx: ChatContext, err: Error & { data?: RefusalData }): void {
  const code = err.data?.code;
  // `active` is false after a middleware refusal: Socket.IO will not try again by itself.
  if (!ctx.socket.active) {
    const detail = code === undefined ? err.message : strings.errorText(code, err.message);
    ctx.status.error(strings.connectRefused(detail));
    return;
  }
  const delay = Math.min(RECONNECT_DELAY_MS * 2 ** failures.count, RECONNECT_DELAY_MAX_MS);
  ctx.status.unreachable(delay);
}
