/** The `#status` line: the connection's state, or the latest error or notice for the reader. */
import { strings } from '../strings';

/** The states of the connection, as `data-state` on `#status`. */
export type ConnectionState = keyof typeof strings.status;

/** Shows the connection state and short messages in the page's `#status` region. */
export class StatusView {
  private current: ConnectionState = 'connecting';

  constructor(private readonly element: HTMLElement) {
    // The markup has the role; adding it here keeps customised copies of the page announcing.
    if (!element.hasAttribute('role')) element.setAttribute('role', 'status');
    this.show('connecting');
  }

  /** Shows a connection state ("Connected", "Reconnecting…"), replacing any message. */
  show(state: ConnectionState): void {
    this.current = state;
    this.element.dataset['state'] = state;
    this.element.classList.remove('error');
    this.element.textContent = strings.status[state];
  }

  /** Replaces an error or notice with the connection state again. */
  clearMessage(): void {
    this.show(this.current);
  }

  /** Shows an error; the connection state stays in `data-state`. */
  error(text: string): void {
    this.element.classList.add('error');
    this.element.textContent = text;
  }

  /** Shows a neutral notice ("Logging in…"). */
  info(text: string): void {
    this.element.classList.remove('error');
    this.element.textContent = text;
  }
}
