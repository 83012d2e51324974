/** What the login and chat forms share: one text field, submitted with Enter or its button. */

/** The text fields a form view can hold: a one-line input or the composer's textarea. */
export type TextField = HTMLInputElement | HTMLTextAreaElement;

/** A form with one text input that can be shown, hidden and marked busy or invalid. */
export class FormView {
  constructor(
    protected readonly form: HTMLFormElement,
    protected readonly input: TextField,
    private readonly onSubmit: (value: string) => void,
  ) {
    form.addEventListener('submit', this.handleSubmit);
    input.addEventListener('input', this.handleInput);
  }

  /** Removes the listeners this view added. */
  destroy(): void {
    this.form.removeEventListener('submit', this.handleSubmit);
    this.input.removeEventListener('input', this.handleInput);
  }

  /** Shows the form (moving the focus is the caller's choice). */
  show(): void {
    this.form.hidden = false;
  }

  /** Hides the form; returns whether it held the keyboard focus (which the caller must move). */
  hide(): boolean {
    const hadFocus = this.form.contains(this.form.ownerDocument.activeElement);
    this.form.hidden = true;
    return hadFocus;
  }

  /** Moves the keyboard focus to the input. */
  focus(): void {
    this.input.focus();
  }

  /** Marks the input as refused (`aria-invalid`), until the next edit. */
  setInvalid(invalid: boolean): void {
    if (invalid) this.input.setAttribute('aria-invalid', 'true');
    else this.input.removeAttribute('aria-invalid');
  }

  /** Marks the form as waiting for the server; submits are ignored meanwhile. */
  setBusy(busy: boolean): void {
    // aria-disabled rather than disabled: a disabled button would drop the keyboard focus.
    if (busy) this.form.setAttribute('aria-busy', 'true');
    else this.form.removeAttribute('aria-busy');
    for (const button of this.form.querySelectorAll('button')) {
      if (busy) button.setAttribute('aria-disabled', 'true');
      else button.removeAttribute('aria-disabled');
    }
  }

  private get busy(): boolean {
    return this.form.getAttribute('aria-busy') === 'true';
  }

  private readonly handleSubmit = (event: SubmitEvent): void => {
    // The page never navigates: a submit is a socket request.
    event.preventDefault();
    if (this.busy) return;
    this.onSubmit(this.input.value);
  };

  private readonly handleInput = (): void => {
    this.setInvalid(false);
  };
}
