/** The `#login` form: asks for a nickname until the server accepts one. */
import { FormView } from './form';

/** The login form; `onSubmit` receives the nickname as typed. */
export class LoginFormView extends FormView {
  /** Shows the form with `nick` filled in (when given). */
  showWith(nick: string | null): void {
    if (nick !== null && this.input.value === '') this.input.value = nick;
    this.show();
  }

  /** Focuses the input with its text selected, ready to be replaced after a refusal. */
  focusAndSelect(): void {
    this.input.focus();
    this.input.select();
  }
}
