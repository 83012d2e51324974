/**
 * The `#status` line: the connection's state in plain words, a countdown to the next try with a
 * Retry button while the server cannot be reached, or the latest error or notice for the reader.
 */
import { strings } from '../strings';

/** The states of the connection, as `data-state` on `#status`. */
export type ConnectionState = keyof typeof strings.status;

/** Shows the connection state and short messages in the page's `#status` region. */
export class StatusView {
  private current: ConnectionState = 'connecting';
  private countdown: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly element: HTMLElement,
    /** The Retry button beside the status, if the page has one. */
    private readonly retry: HTMLButtonElement | null = null,
    private readonly onRetry: () => void = () => undefined,
  ) {
    // The markup has the role; adding it here keeps customised copies of the page announcing.
    if (!element.hasAttribute('role')) element.setAttribute('role', 'status');
    if (retry) {
      retry.textContent = strings.retryNow;
      retry.addEventListener('click', this.handleRetry);
    }
    this.show('connecting');
  }

  /** Removes the listener and timer this view added. */
  destroy(): void {
    this.stopCountdown();
    this.retry?.removeEventListener('click', this.handleRetry);
  }

  /** Shows a connection state ("Connected", "Reconnecting…"), replacing any message. */
  show(state: ConnectionState): void {
    this.stopCountdown();
    this.current = state;
    this.element.dataset['state'] = state;
    this.element.classList.remove('error');
    this.element.textContent = strings.status[state];
  }

  /** Replaces an error or notice with the connection state again. */
  clearMessage(): void {
    if (this.countdown !== undefined) return;
    this.show(this.current);
  }

  /** The server cannot be reached: counts down to the next try (`delayMs`), offering Retry now. */
  unreachable(delayMs: number): void {
    this.stopCountdown();
    this.current = 'disconnected';
    this.element.dataset['state'] = 'unreachable';
    this.element.classList.add('error');
    const due = Date.now() + delayMs;
    const render = (): void => {
      const seconds = Math.ceil((due - Date.now()) / 1000);
      const text = strings.unreachable(seconds > 0 ? seconds : null);
      if (this.element.textContent !== text) this.element.textContent = text;
    };
    render();
    // Ticks once a second; a polite live region reads the first text, the rest are quiet updates.
    this.countdown = setInterval(render, 1000);
    if (this.retry) this.retry.hidden = false;
  }

  /** Shows an error; the connection state stays in `data-state`. */
  error(text: string): void {
    this.stopCountdown();
    this.element.classList.add('error');
    this.element.textContent = text;
  }

  /** Shows a neutral notice ("Logging in…"). */
  info(text: string): void {
    this.stopCountdown();
    this.element.classList.remove('error');
    this.element.textContent = text;
  }

  private stopCountdown(): void {
    if (this.countdown !== undefined) clearInterval(this.countdown);
    this.countdown = undefined;
    if (this.retry) this.retry.hidden = true;
  }

  private readonly handleRetry = (): void => {
    this.onRetry();
  };
}
