/** The `#chat-older` button: offered when the server said earlier messages were left out. */
import { strings } from '../strings';

/** The "Load earlier messages" button. */
export class OlderButtonView {
  constructor(
    private readonly button: HTMLButtonElement,
    private readonly onPress: () => void,
  ) {
    button.addEventListener('click', this.handleClick);
  }

  /** Removes the listener this view added. */
  destroy(): void {
    this.button.removeEventListener('click', this.handleClick);
  }

  /** Offers the button. */
  show(): void {
    this.button.hidden = false;
  }

  /** Withdraws the button; returns whether it held the keyboard focus (which the caller must move). */
  hide(): boolean {
    const hadFocus = this.button.ownerDocument.activeElement === this.button;
    this.button.hidden = true;
    return hadFocus;
  }

  /** Shows that a page of messages is loading. */
  setBusy(busy: boolean): void {
    if (busy) this.button.setAttribute('aria-disabled', 'true');
    else this.button.removeAttribute('aria-disabled');
    this.button.textContent = busy ? strings.olderLoading : strings.olderLoad;
  }

  private readonly handleClick = (): void => {
    if (this.button.getAttribute('aria-disabled') === 'true') return;
    this.onPress();
  };
}
